"""docs/rules.md and the rule tables of README.md and docs/confirm.md are
generated from the rules and current; the command line starts without its
heavy modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Invoke, rnnlint_process

from rnnlint.docs import CONFIRM_TABLE, README_TABLE, between, confirm_table, readme_table, replace_between
from rnnlint.rules import ALL_RULES

RULES_MD = REPO / "docs" / "rules.md"
STALE = "is stale: run `python -m rnnlint.docs`"


def test_rules_md_is_current(cli: Invoke) -> None:
    generated = cli("rule", "--all", "--format", "markdown").stdout
    assert RULES_MD.read_text() == generated, (
        f"docs/rules.md {STALE} (or `rnnlint rule --all --format markdown > docs/rules.md`)"
    )


def test_rules_md_has_every_rule_with_its_doc(cli: Invoke) -> None:
    generated = cli("rule", "--all", "--format", "markdown").stdout
    for rule in ALL_RULES:
        assert f"\n## {rule.code} {rule.name}\n" in generated
        assert f"[{rule.code}](#{rule.code.lower()}-{rule.name})" in generated
        assert "\n### Why is this bad?\n" in generated


@pytest.mark.parametrize(
    ("name", "markers", "table"),
    [("README.md", README_TABLE, readme_table()), ("docs/confirm.md", CONFIRM_TABLE, confirm_table())],
)
def test_generated_tables_are_current(name: str, markers: tuple[str, str], table: str) -> None:
    assert between((REPO / name).read_text(), markers) == table, f"the table of {name} {STALE}"


def test_tables_hold_every_rule() -> None:
    confirmed = confirm_table()
    for rule in ALL_RULES:
        assert f"| [{rule.code}](docs/rules.md#" in readme_table()
        assert (rule.code in confirmed) == (rule.experiment is not None)


def test_a_table_is_rewritten_in_place() -> None:
    text = f"before\n{README_TABLE[0]}stale\n{README_TABLE[1]}after\n"
    rewritten = replace_between(text, README_TABLE, "| new |\n")
    assert rewritten == f"before\n{README_TABLE[0]}\n| new |\n\n{README_TABLE[1]}after\n"
    assert between(rewritten, README_TABLE) == "| new |\n"


def test_help_does_not_load_the_heavy_modules(tmp_path: Path) -> None:
    code = (
        "import sys, rnnlint.cli\n"
        "from click.testing import CliRunner\n"
        "assert CliRunner().invoke(rnnlint.cli.main, ['--help']).exit_code == 0\n"
        "heavy = ('libcst', 'pygls', 'tomllib', 'rnnlint.config', 'rnnlint.output', 'rnnlint.rules')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(REPO)}
    )
    assert result.stdout == "[]\n", result.stderr


def test_lsp_command_is_listed(tmp_path: Path) -> None:
    result = rnnlint_process("--help", cwd=tmp_path)
    assert "lsp" in result.stdout and "Run the language server" in result.stdout
