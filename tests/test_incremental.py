"""The language server's reuse of unchanged statements gives exactly a fresh check's results."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from conftest import REPO

from rnnlint.incremental import Reuse
from rnnlint.pipeline import check_source
from rnnlint.rules import ALL_RULES

FIXTURES = sorted((REPO / "fixtures").rglob("*.py"))
RULES = [rule() if isinstance(rule, type) else rule for rule in ALL_RULES]


def _edits(source: str) -> list[str]:
    """Versions a user typing would produce: a number changed, a line added, a statement removed, then back."""
    lines = source.splitlines(keepends=True)
    middle = len(lines) // 2
    return [
        source.replace("32", "33", 1),
        "".join([*lines[:middle], "extra = 1  # typed\n", *lines[middle:]]),
        "".join(lines[:middle]),
        source,
    ]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: str(path.relative_to(REPO)))
def test_reused_checks_equal_fresh_checks(path: Path) -> None:
    reuse = Reuse()
    for version in [path.read_text(), *_edits(path.read_text())]:
        fresh = check_source(str(path), version, RULES, "3", prefilter=False)
        reused = check_source(str(path), version, RULES, "3", prefilter=False, reuse=reuse)
        assert reused.findings == fresh.findings
        assert reused.errors == fresh.errors
        assert reused.module == fresh.module


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n\n\nx = 1\n# tail\n",  # the same text twice: two distinct parses
        "if True:\n\ty = 1\nz = 2\n",  # tabs
        "a = 1; b = 2\n\n# between\n\ndef f():\n    return 1\n    # indented tail\n\nc = 3",  # no final newline
        "import keras\r\nm = keras.Sequential()\r\n",  # CRLF
    ],
)
def test_assembled_module_renders_the_source(source: str) -> None:
    import ast

    reuse = Reuse()
    tree = ast.parse(source)
    module = reuse.parse(source, tree)
    assert module.code == source
    assert reuse.parse(source, tree).code == source  # from kept pieces
    nodes = [node for node in module.body]
    assert len({id(node) for node in nodes}) == len(nodes)
    assert module.code == cst.parse_module(source).code
