"""Lazily resolved positions equal libcst's positions for the whole module."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from rnnlint.positions import LazyPositions, Unit

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "rnnlint").glob("*.py"))

TRICKY = """\
# header comment

import keras


class First(keras.Model):
    # a comment above the decorators
    @property
    @staticmethod
    def call(inputs, *,
             training=None):  # same name as below
        return keras.layers.LSTM(4)(inputs)


class Second:
\tdef call(self, x):
\t\tdef inner(y):
\t\t\treturn keras.layers.GRU(
\t\t\t    2)(y)
\t\treturn inner(x)


async def  spaced(a): return a
"""


class _Nodes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []
        self.functions: list[cst.FunctionDef] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        if isinstance(node, cst.FunctionDef):
            self.functions.append(node)
        return True


def _check(source: str) -> None:
    module = cst.parse_module(source)
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    units: list[tuple[Unit, cst.CSTNode]] = []
    for top, statement in enumerate(module.body):
        collector = _Nodes()
        statement.visit(collector)
        units.append((top, statement))
        units.extend((function, function) for function in collector.functions)
    for unit, root in units:
        lazy = LazyPositions("p.py", module, source)
        collector = _Nodes()
        root.visit(collector)
        for node in collector.nodes:
            span, want = lazy.span(node, unit), full[node]
            got = ((span.line, span.column - 1), (span.end_line, span.end_column - 1))
            assert got == ((want.start.line, want.start.column), (want.end.line, want.end.column)), node
        assert "module" not in lazy._resolved, "the unit alone should have been enough"


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_lazy_positions_match_libcst(path: Path) -> None:
    source = path.read_text()
    _check("\n# a header comment\n\n" + source.replace("\n\n\n", "\n\n\r\n\n", 1))


def test_nested_decorated_tab_indented_and_same_named_functions() -> None:
    _check(TRICKY)
