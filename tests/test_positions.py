"""Lazily resolved positions equal libcst's positions for the whole module."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from rnnlint.ir import Span
from rnnlint.positions import LazyPositions, Unit

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "rnnlint").rglob("*.py"))

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


if True:  # statement lines in every kind of block, some on one line with others
    x = 1;  y = keras.layers.LSTM(  # a comment
        3)
    for i in range(2):
        pass
    else:
        z = [i,
  i]
    while x: x = 0
    try:
        pass
    except (ValueError) as error:
        raise
    else: pass
    finally:
        del x
    with open("f") as handle, open("g"):
        (a, b) = 1, 2
    match y:
        case [1, *rest]:
            y += 1
        case _:
            ...
    if x:
        pass
    elif y:
        \
        w = 2
    else:
        v: int = \
            3
"""


class _Nodes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []
        self.functions: list[cst.FunctionDef] = []
        self.lines: list[cst.SimpleStatementLine] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        if isinstance(node, cst.FunctionDef):
            self.functions.append(node)
        if isinstance(node, cst.SimpleStatementLine):
            self.lines.append(node)
        return True


def _as_pair(span: Span) -> tuple[tuple[int, int], tuple[int, int]]:
    return (span.line, span.column - 1), (span.end_line, span.end_column - 1)


def _want(position: CodeRange) -> tuple[tuple[int, int], tuple[int, int]]:
    return (position.start.line, position.start.column), (position.end.line, position.end.column)


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
            assert _as_pair(lazy.span(node, unit)) == _want(full[node]), node
        assert "module" not in lazy._resolved, "the unit alone should have been enough"
    everything = _Nodes()
    module.visit(everything)
    lazy = LazyPositions("p.py", module, source)
    for line in everything.lines:
        inside, comments_above = _Nodes(), _Nodes()
        line.visit(inside)
        for comment in line.leading_lines:
            comment.visit(comments_above)
        for node in inside.nodes[1:]:  # the line is rendered without the comments above it
            if node in comments_above.nodes:
                continue
            assert _as_pair(lazy.span(node, None, line)) == _want(full[node]), node
    assert not [key for key in lazy._resolved if not isinstance(key, tuple)], "the statement lines alone should do"
    calls = LazyPositions("p.py", module, source)  # what the analysis asks first: calls and their arguments
    for line in everything.lines:
        inside = _Nodes()
        line.visit(inside)
        for node in inside.nodes:
            if isinstance(node, (cst.Call, cst.Arg)):
                assert _as_pair(calls.span(node, None, line)) == _want(full[node]), node


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_lazy_positions_match_libcst(path: Path) -> None:
    source = path.read_text()
    _check("\n# a header comment\n\n" + source.replace("\n\n\n", "\n\n\r\n\n", 1))


def test_nested_decorated_tab_indented_and_same_named_functions() -> None:
    _check(TRICKY)


CALLS = """\
import keras
layer = keras.layers.LSTM(32, return_sequences = True, **extra)(inputs)  # é
model = keras.Sequential([keras.layers.LSTM(units=8, name="é" + str(1)), keras.layers.Dense(f(*a)[0])])
x = (keras.layers.GRU)(2); y = (keras.layers.GRU(2)); z = keras.layers.GRU((2))
inputs = keras.Input(shape=(8, 16)); t = f((3,), ())
u = f(((1, 2)))
w = keras.layers.GRU(f"{g(1)}", 2 if a else 3); v = sum(i for i in range(3))
model.fit(
    x,  # a comment
    y, epochs=g(h(1),
               2),
)
"""


def test_calls_and_arguments_placed_by_pythons_parser_match_libcst() -> None:
    _check(CALLS)
    module = cst.parse_module(CALLS)
    lazy = LazyPositions("p.py", module, CALLS)
    for index in (1, 4):  # placed by Python's parser, without rendering the line
        line = module.body[index]
        assert isinstance(line, cst.SimpleStatementLine)
        lazy.span(line.body[0].value, None, line)  # type: ignore[attr-defined]
        assert ("calls", id(line)) in lazy._resolved and ("line", id(line)) not in lazy._resolved


def test_identical_functions_are_told_apart_by_their_line() -> None:
    """Two methods with the same text (two model classes with the same ``call``):
    rendering either alone matches both places, so Python's parser says which is which."""
    method = "    @property\n    def units(self) -> int:\n        return self.lstm.units\n"
    source = f"class A:\n    x: int = 3\n\n{method}\n\nclass B:\n    y: int = 3\n\n{method}"
    _check(source)
