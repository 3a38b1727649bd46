"""docs/rules.md is generated and current; the command line starts without its heavy modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, Invoke, rnnlint_process

from rnnlint.rules import ALL_RULES

RULES_MD = REPO / "docs" / "rules.md"


def test_rules_md_is_current(cli: Invoke) -> None:
    generated = cli("rule", "--all", "--format", "markdown").stdout
    assert RULES_MD.read_text() == generated, (
        "docs/rules.md is stale: run `rnnlint rule --all --format markdown > docs/rules.md`"
    )


def test_rules_md_has_every_rule_with_its_doc(cli: Invoke) -> None:
    generated = cli("rule", "--all", "--format", "markdown").stdout
    for rule in ALL_RULES:
        assert f"\n## {rule.code} {rule.name}\n" in generated
        assert f"[{rule.code}](#{rule.code.lower()}-{rule.name})" in generated
        assert "\n### Why is this bad?\n" in generated


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
