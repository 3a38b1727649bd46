"""The command line: ``rnnlint [OPTIONS] PATH...``, ``rnnlint rule``, ``rnnlint shapes``.

Exit codes, as ruff's: 0 no findings, 1 findings, 2 usage error, missing
path, unreadable file or internal error. Heavy modules load only when used.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from rnnlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
ERROR_CODES = ("E902", "RNN900")


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


class DefaultGroup(click.Group):
    """A group whose default command is ``check``: ``rnnlint model.py`` works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rnnlint")
def main() -> None:
    """Static checks for Keras recurrent models (LSTM, GRU, SimpleRNN, ConvLSTM).

    rnnlint PATH... checks files and folders; see rnnlint check --help.
    """


keras_option = click.option(
    "--keras",
    type=click.Choice(["auto", "2", "3"]),
    default="auto",
    show_default=True,
    help="Keras version to judge by. auto: tf_keras imports mean 2, else the installed keras.",
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--select", multiple=True, help="Only these codes or prefixes (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes (comma-separated).")
@keras_option
def check(
    paths: tuple[str, ...], output_format: str, select: tuple[str, ...], ignore: tuple[str, ...], keras: str
) -> None:
    """Check Python files and folders for recurrent-model mistakes."""
    from rnnlint.rules import BY_CODE
    from rnnlint.runner import run

    unknown = [code for code in _codes(select) + _codes(ignore) if not any(c.startswith(code) for c in BY_CODE)]
    unknown = [code for code in unknown if code not in ("E", "E9", "E99", "E999", "E902")]
    if unknown:
        raise click.UsageError(f"unknown rule code or prefix: {', '.join(unknown)} (see rnnlint rule --all)")
    report = run(paths, _codes(select), _codes(ignore), keras)
    for path in report.missing:
        click.echo(f"rnnlint: error: {path}: no such file or directory", err=True)
    from rnnlint.output import FORMATTERS

    click.echo(FORMATTERS[output_format](report.findings, report.files_checked), nl=False)
    if report.missing or any(f.code in ERROR_CODES for f in report.findings):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.findings else EXIT_CLEAN)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a rule: rnnlint rule RNN002 (or its name), or list them with --all."""
    from rnnlint.rules import ALL_RULES

    if show_all or code is None:
        for item in ALL_RULES:
            click.echo(f"{item.code}  {item.name:<40} {item.summary}")
        return
    wanted = code.upper()
    for item in ALL_RULES:
        if item.code == wanted or item.name == code:
            click.echo(item.documentation(), nl=False)
            return
    raise click.UsageError(f"no rule {code!r} (see rnnlint rule --all)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@keras_option
def shapes(paths: tuple[str, ...], output_format: str, keras: str) -> None:
    """Show each model's layers, output shapes and parameter counts."""
    from rnnlint import shapes_report
    from rnnlint.runner import extract_modules

    modules, problems = extract_modules(paths, keras)
    for problem in problems:
        click.echo(f"rnnlint: error: {problem}", err=True)
    formatter: Any = shapes_report.json_report if output_format == "json" else shapes_report.text
    click.echo(formatter(modules), nl=False)
    sys.exit(EXIT_ERROR if problems else EXIT_CLEAN)
