"""The command line: ``rnnlint [OPTIONS] PATH...``, ``rnnlint rule``, ``rnnlint shapes``, ``rnnlint lsp``.

Exit codes, as ruff's: 0 no findings, 1 findings (a path that does not exist
or cannot be read is an E902 finding, as in ruff), 2 usage error, bad config
or internal error. Heavy modules load only when used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

import click

from rnnlint import __version__
from rnnlint.codes import EXIT_ERROR_CODES, INTERNAL_ERROR, IO_ERROR
from rnnlint.exitcodes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS

if TYPE_CHECKING:
    from rnnlint.config import Resolver
    from rnnlint.confirm.session import ConfirmOptions
    from rnnlint.findings import Finding
    from rnnlint.runner import Report

FORMATS = ("text", "full", "json", "github", "sarif", "gitlab")
CONFIRM_MODES = ("findings", "all", "off")


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


class DefaultGroup(click.Group):
    """A group whose default command is ``check``: ``rnnlint model.py`` and
    ``rnnlint`` (which checks ``.``) work, and options may come before the
    command's name (``rnnlint --no-cache check .``), as with ruff."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = _bare_confirm(args)
        if args and args[0] in ("--help", "-h", "--version"):
            return super().parse_args(ctx, args)
        command = _command_position(args, self.commands)
        if command is None:
            args = ["check", *args]
        elif command > 0:
            args = [args[command], *args[:command], *args[command + 1 :]]
        return super().parse_args(ctx, args)


def _command_position(args: list[str], commands: Mapping[str, click.Command]) -> int | None:
    """Where the command's name is: the first word that is not an option or
    an option's value (``check`` itself takes every value-taking option)."""
    takes_value = {
        name for param in check.params if isinstance(param, click.Option) and not param.is_flag for name in param.opts
    }
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            return None
        if not arg.startswith("-") or arg == "-":
            return index if arg in commands else None
        index += 2 if arg in takes_value else 1
    return None


def _bare_confirm(args: list[str]) -> list[str]:
    """``--confirm`` followed by a path means ``--confirm=findings`` (click would take the path as its value)."""
    result = list(args)
    for index, arg in enumerate(result):
        if arg == "--":
            break
        if arg == "--confirm" and (index + 1 == len(result) or result[index + 1] not in CONFIRM_MODES):
            result[index] = "--confirm=findings"
    return result


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rnnlint")
def main() -> None:
    """Static checks for Keras recurrent models (LSTM, GRU, SimpleRNN, ConvLSTM).

    rnnlint PATH... checks files and folders; see rnnlint check --help.
    """


keras_option = click.option(
    "--keras",
    type=click.Choice(["auto", "2", "3"]),
    default=None,
    help="Keras version to judge by [default: the config's, else auto]. auto: each file's project decides "
    "(its dependencies, then lock files), then tf_keras imports (2), then the installed keras, else 3 (assumed).",
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report here, not to stdout.")
@click.option(
    "--select",
    multiple=True,
    help="Only these codes or prefixes (comma-separated; ALL: every code); replaces the config's select and ignore.",
)
@click.option("--extend-select", multiple=True, help="These codes or prefixes too, on top of the config's choice.")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes too, on top of the config's ignore.")
@click.option(
    "--per-file-ignores", multiple=True, help="PATTERN:CODE pairs (comma-separated) that replace the config's."
)
@click.option("--extend-per-file-ignores", multiple=True, help="PATTERN:CODE pairs added to the config's.")
@click.option("--exclude", multiple=True, help="Replace the exclude patterns (comma-separated).")
@click.option("--extend-exclude", multiple=True, help="Exclude these patterns too (comma-separated).")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the exclusions to the paths named here and to --stdin-filename too (for pre-commit and editors).",
)
@keras_option
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file only.")
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option("--stdin-filename", help="With the path -: the name (and so the config) of the text read from stdin.")
@click.option("--show-settings", is_flag=True, help="Print the settings that apply to each path, and exit.")
@click.option("--statistics", is_flag=True, help="Count the findings of each code instead of listing them.")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings (errors still give 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, without the summary line.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Print on stderr the Keras version each project's files were judged for and why, and the traceback "
    f"of each internal error ({INTERNAL_ERROR}).",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes in place (for -: print the fixed code), then check.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply the unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff, change nothing (exit 1 if any).")
@click.option(
    "--confirm",
    type=click.Choice(CONFIRM_MODES),
    is_flag=False,
    flag_value="findings",
    default=None,
    help="Rebuild the models with findings (all: every recurrent model) in TensorFlow and show what Keras does "
    "(needs rnnlint[confirm]); off: not even when the config asks for it.",
)
@click.option(
    "--confirm-budget",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="With --confirm: seconds all models together may take in TensorFlow; past it, the rest are unconfirmed.",
)
@click.option("--strict", is_flag=True, help="With --confirm: findings Keras did not reproduce also give exit code 1.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the per-file result cache.")
@click.option(
    "--cache-dir",
    envvar="RNNLINT_CACHE_DIR",
    default=None,
    help="Where per-file results are cached [default: .rnnlint_cache at the project root]; with --confirm, "
    "Keras's answers too [default: the user's cache folder].",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes to check files with [default: the cores]."
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    output_file: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    per_file_ignores: tuple[str, ...],
    extend_per_file_ignores: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool,
    keras: str | None,
    config_file: str | None,
    isolated: bool,
    stdin_filename: str | None,
    show_settings: bool,
    statistics: bool,
    exit_zero: bool,
    quiet: bool,
    verbose: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    confirm: str | None,
    confirm_budget: float,
    strict: bool,
    no_cache: bool,
    cache_dir: str | None,
    jobs: int | None,
) -> None:
    """Check Python files, notebooks and folders for recurrent-model mistakes (PATH - reads stdin).

    Settings come from the nearest pyproject.toml with a [tool.rnnlint] table;
    options given here replace them.
    """
    from rnnlint.config import ConfigError, Overrides, Resolver
    from rnnlint.runner import STDIN, Buffer, run

    paths = paths or ((STDIN,) if stdin_filename else (".",))
    try:
        overrides = Overrides(
            select=_codes(select) or None,
            extend_select=_codes(extend_select),
            ignore=_codes(ignore) or None,
            per_file_ignores=_pairs(per_file_ignores, "--per-file-ignores") or None,
            extend_per_file_ignores=_pairs(extend_per_file_ignores, "--extend-per-file-ignores"),
            exclude=_patterns(exclude) or None,
            extend_exclude=_patterns(extend_exclude),
            keras=keras,
            confirm=confirm,
        )
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    try:
        resolver = Resolver(overrides, config_file, isolated)
    except ConfigError as error:
        _fail(str(error))
    resolver.project_store = None if no_cache else cache_dir
    if show_settings:
        _show_settings(resolver, paths or (".",), stdin_filename)
    mode = _confirm_mode(resolver, paths, stdin_filename, confirm)
    stdin = Buffer(stdin_filename or STDIN, _read_stdin()) if STDIN in paths else None
    if fix or diff or unsafe_fixes:
        from rnnlint.fix_command import run_fixes

        stdin = run_fixes(paths, resolver, stdin, fix=fix, diff=diff, unsafe=unsafe_fixes, force_exclude=force_exclude)
    from rnnlint import printable
    from rnnlint.filecache import FileCache

    cache = FileCache(None if no_cache else cache_dir or _project_cache(resolver, paths, stdin_filename))
    confirm_cache = None if no_cache else cache_dir
    progress = output_format in ("text", "full") and not quiet  # on stderr, when it is a terminal
    options = _confirm_options(mode, confirm_cache, confirm_budget, default=not no_cache, progress=progress)
    report = run(paths, resolver, stdin, options, jobs, cache, force_exclude)
    report = printable.report(report)
    reported = {finding.span.path for finding in report.findings if finding.code == IO_ERROR}
    for path in report.missing:
        if path not in reported:  # E902 not selected: said anyway, as ruff does
            click.echo(f"rnnlint: warning: failed to check {path}: No such file or directory", err=True)
    for message in report.config_errors:
        click.echo(f"rnnlint: error: {message}", err=True)
    failed = bool(report.missing or report.config_errors) and not report.findings  # no "All checks passed"
    _write_report(report, output_format, output_file, statistics, quiet or failed, err=fix and stdin is not None)
    if verbose:
        _write_keras(report.keras)
        _write_tracebacks(report.findings)
    if report.config_errors or any(f.code in EXIT_ERROR_CODES for f in report.findings):
        sys.exit(EXIT_ERROR)
    failing = _failing(report.findings, strict) if mode != "off" else report.findings
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


def _confirm_mode(resolver: Resolver, paths: tuple[str, ...], stdin_filename: str | None, given: str | None) -> str:
    """``--confirm``, else the ``confirm`` setting of the first path's config:
    confirmation is one step of the whole run, not of each file. A broken
    config is reported by the run, for the files it governs."""
    from rnnlint.config import ConfigError
    from rnnlint.runner import STDIN

    first = next((path for path in paths if path != STDIN), stdin_filename or ".")
    try:
        return resolver.settings_for(first).confirm
    except ConfigError:
        return given or "off"


def _read_stdin() -> bytes:
    """Standard input, read up to ``READ_LIMIT`` bytes: more is a one-line error, not memory exhausted."""
    from rnnlint.reading import Refusal, read_bounded

    data = read_bounded(sys.stdin.buffer)
    if isinstance(data, Refusal):
        _fail(f"stdin: {data.reason}")
    return data


def _project_cache(resolver: Resolver, paths: tuple[str, ...], stdin_filename: str | None) -> str:
    """``.rnnlint_cache`` in the project root (the first path's config folder, else the working folder)."""
    from rnnlint.config import ConfigError
    from rnnlint.filecache import DEFAULT_FOLDER
    from rnnlint.runner import STDIN

    first = next((path for path in paths if path != STDIN), stdin_filename or ".")
    try:
        root = resolver.settings_for(first).root
    except ConfigError:
        root = os.getcwd()
    return os.path.join(root, DEFAULT_FOLDER)


def _confirm_options(
    confirm: str, cache_dir: str | None, budget: float, default: bool, progress: bool = False
) -> ConfirmOptions | None:
    """``cache_dir`` given: Keras's answers go there; else the user's cache
    folder (``default``), never the checkout, or nowhere (``--no-cache``).
    ``progress``: a human format, so a progress line may go to stderr (if it is a terminal)."""
    if confirm == "off":
        return None
    from rnnlint.confirm.client import Limits
    from rnnlint.confirm.session import ConfirmOptions

    limits = Limits(total=budget)
    if cache_dir is None and default:
        return ConfirmOptions(mode=confirm, limits=limits, progress=progress)
    return ConfirmOptions(mode=confirm, cache_dir=cache_dir, limits=limits, progress=progress)


def _failing(findings: tuple[Finding, ...], strict: bool) -> tuple[Finding, ...]:
    """The findings that make the exit code 1: not those Keras did not reproduce, unless ``strict``."""
    from rnnlint.confirm.session import counts_for_exit

    return tuple(finding for finding in findings if counts_for_exit(finding, strict))


def _pairs(values: tuple[str, ...], option: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``PATTERN:CODE`` items (comma-separated, as ruff's) grouped by pattern, in order."""
    from rnnlint.config import ConfigError

    grouped: dict[str, list[str]] = {}
    for item in _patterns(values):
        pattern, colon, code = item.rpartition(":")
        if not colon or not pattern.strip() or not code.strip():
            raise ConfigError(f"{option}: expected PATTERN:CODE, got {item!r} (for example tests/*:RNN00)")
        grouped.setdefault(pattern.strip(), []).append(code.strip().upper())
    return tuple((pattern, tuple(codes)) for pattern, codes in grouped.items())


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(pattern.strip() for value in values for pattern in value.split(",") if pattern.strip())


def _fail(message: str) -> NoReturn:
    from rnnlint.printable import line

    click.echo(f"rnnlint: error: {line(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _show_settings(resolver: Resolver, paths: tuple[str, ...], stdin_filename: str | None) -> NoReturn:
    """Each path's resolved settings as TOML, and the Keras its files are
    judged for and why; exit 2 when a config file is broken."""
    from rnnlint.config import ConfigError
    from rnnlint.kerasversion import describe_basis

    for path in paths:
        shown = (stdin_filename or path) if path == "-" else path
        try:
            settings = resolver.settings_for(shown)
            keras = describe_basis(resolver.keras_basis(shown, settings))
            click.echo(f"# settings for {shown}\n# keras: {keras}\n{settings.describe()}")
        except ConfigError as error:
            _fail(str(error))
    sys.exit(EXIT_CLEAN)


def _write_report(
    report: Report, output_format: str, output_file: str | None, statistics: bool, quiet: bool, err: bool = False
) -> None:
    """The report in its format, to ``output_file`` or stdout (stderr when
    ``err``: ``--fix -`` prints the fixed code there); colour only for text on a terminal."""
    from rnnlint import pipeline
    from rnnlint.formats.common import Context

    color = output_format in ("text", "full") and output_file is None and _terminal_wants_color()
    context = Context(report.files_checked, report.sources, color, quiet)
    rendered = pipeline.report(report.findings, output_format, context, statistics)
    if output_file is None:
        click.echo(rendered, nl=False, color=color, err=err)
        return
    try:
        os.makedirs(os.path.dirname(os.path.abspath(output_file)), exist_ok=True)
        with open(output_file, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(rendered)
    except OSError as error:
        _fail(f"{output_file}: cannot write the report: {error.strerror}")


def _write_keras(judged: tuple[tuple[str, int], ...]) -> None:
    """Each version judged for, why, and for how many files: on stderr, as the tracebacks."""
    for described, files in judged:
        click.echo(f"rnnlint: judged for {described}: {files} file{'s' if files != 1 else ''}", err=True)


def _write_tracebacks(findings: tuple[Finding, ...]) -> None:
    """On stderr, so that a machine-readable report on stdout stays valid."""
    for finding in findings:
        if finding.detail:
            click.echo(f"rnnlint: {finding.span.path}: {finding.message}\n{finding.detail}", err=True)


def _terminal_wants_color() -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org);
    FORCE_COLOR asks for it anywhere (https://force-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="With --all, markdown prints the whole rule reference (docs/rules.md).",
)
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Explain a rule: rnnlint rule RNN002 (or its name), or list them with --all."""
    from rnnlint.rules import ALL_RULES

    if output_format == "markdown" and (show_all or code is None):
        from rnnlint.docs import rules_markdown

        click.echo(rules_markdown(), nl=False)
        return
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
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@keras_option
def shapes(paths: tuple[str, ...], output_format: str, output: str | None, keras: str | None) -> None:
    """Show each model's layers, output shapes and parameter counts (html: a picture, with the findings)."""
    from rnnlint import shapes_report
    from rnnlint.runner import extract_modules

    if output_format == "html":
        text, problems = _shapes_html(paths, keras)
    else:
        modules, problems = extract_modules(paths, keras or "auto")
        formatter: Any = shapes_report.json_report if output_format == "json" else shapes_report.text
        text = formatter(modules)
    for problem in problems:
        click.echo(f"rnnlint: error: {problem}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            _fail(f"cannot write {output}: {error.strerror}")
    sys.exit(EXIT_ERROR if problems else EXIT_CLEAN)


def _shapes_html(paths: tuple[str, ...], keras: str | None) -> tuple[str, list[str]]:
    from rnnlint.config import ConfigError, Overrides, Resolver
    from rnnlint.report_html import check_for_page, render

    try:
        resolver = Resolver(Overrides(keras=keras))
    except ConfigError as error:
        _fail(str(error))
    results, problems = check_for_page(paths, resolver)
    return render(results, paths), problems


@main.command()
def lsp() -> None:
    """Run the language server on stdin/stdout, for editors (needs: pip install 'rnnlint[lsp]')."""
    try:
        from rnnlint.lsp import serve
    except ImportError as error:
        _fail(f"the language server needs pygls 2 ({error}); install it with: pip install 'rnnlint[lsp]'")
    serve()
