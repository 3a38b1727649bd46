"""From the IR's spans back to the CST nodes they were read from.

The IR holds no libcst types (so that rules stay pure), so a fix re-parses the
source and finds its nodes by span. Positions come from ``LazyPositions``, as
the extractor's do (the same object when the check just made them), and only
for the statement line a finding points into, or else its top-level
statement: resolving a whole module's positions would double the cost of a
check.
"""

from __future__ import annotations

import bisect
from typing import TypeVar

import libcst as cst

from rnnlint.ir import Span
from rnnlint.positions import LazyPositions

NodeT = TypeVar("NodeT", bound=cst.CSTNode)

Key = tuple[int, int, int, int]
"""(line, column, end line, end column), as in ``Span``."""

Region = tuple[tuple[int, int], tuple[int, int]]

FOUND_BY_SPAN = (cst.Call, cst.Arg)
"""What the IR's spans point at: layer and model calls, and their arguments."""


def key_of(span: Span) -> Key:
    return (span.line, span.column, span.end_line, span.end_column)


class _Nodes(cst.CSTVisitor):
    """Every node under a statement, with its parent."""

    def __init__(self, root: cst.CSTNode, parent: cst.CSTNode | None) -> None:
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {root: parent} if parent is not None else {}
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.parents[node] = self.stack[-1]
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


class Locator:
    """The parsed module, with node places and parents worked out per
    statement line, or else per top-level statement, on first use. A plain
    class: it is a cache."""

    def __init__(self, tree: cst.Module, positions: LazyPositions | None = None) -> None:
        self.tree = tree
        self._positions = positions or LazyPositions("", tree)
        self._starts: list[int] = []
        self._by_key: dict[Key, list[cst.CSTNode]] = {}
        self._parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._unit: dict[cst.CSTNode, int | None] = {}
        self._line: dict[cst.CSTNode, cst.SimpleStatementLine] = {}
        self._lines_done: set[int] = set()
        self._statements_done: set[int] = set()

    def find(self, span: Span, kind: type[NodeT]) -> NodeT | None:
        """The node of type ``kind`` written exactly at ``span``."""
        line = self._positions.line_at(span.line)
        if line is not None:
            self._resolve_line(line)
            found = self._found(span, kind)
            if found is not None:
                return found
        self._resolve(self._statement_at(span.line))
        return self._found(span, kind)

    def _found(self, span: Span, kind: type[NodeT]) -> NodeT | None:
        for node in self._by_key.get(key_of(span), ()):
            if isinstance(node, kind):
                return node
        return None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The parent of a node reached through ``find`` (None for others)."""
        return self._parents.get(node)

    def region(self, node: cst.CSTNode) -> Region:
        """Where ``node`` starts and ends, to tell whether two fixes overlap."""
        span = self._positions.span(node, self._unit.get(node), self._line.get(node))
        return (span.line, span.column), (span.end_line, span.end_column)

    def statement_of(self, call: cst.Call) -> cst.SimpleStatementLine | None:
        """The line ``call`` is the whole of (``model.add(...)``), else None."""
        expression = self.parent(call)
        line = self.parent(expression) if isinstance(expression, cst.Expr) else None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    def arg_at(self, call: cst.Call, span: Span) -> cst.Arg | None:
        """The argument of ``call`` at ``span`` (an ``Arg`` of the IR)."""
        node = self.find(span, cst.Arg)
        return node if node is not None and any(node is arg for arg in call.args) else None

    def _statement_at(self, line: int) -> int:
        """The index of the top-level statement holding ``line``, counting lines
        only as far as needed (rendering code is what costs)."""
        body = self.tree.body
        while len(self._starts) < len(body) and (not self._starts or self._starts[-1] <= line):
            if not self._starts:
                self._starts.append(1 + len(self.tree.header))
            else:
                previous = body[len(self._starts) - 1]
                self._starts.append(self._starts[-1] + self.tree.code_for_node(previous).count("\n"))
        return bisect.bisect_right(self._starts, line) - 1

    def _resolve_line(self, line: cst.SimpleStatementLine) -> None:
        if id(line) in self._lines_done:
            return
        self._lines_done.add(id(line))
        nodes = _Nodes(line, None)
        line.visit(nodes)
        self._parents.update(nodes.parents)
        for node in nodes.parents:
            if node not in self._unit:
                self._unit[node] = None
                self._line[node] = line
                if isinstance(node, FOUND_BY_SPAN):
                    self._by_key.setdefault(key_of(self._positions.span(node, None, line)), []).append(node)

    def _resolve(self, index: int) -> None:
        if index < 0 or index >= len(self.tree.body) or index in self._statements_done:
            return
        self._statements_done.add(index)
        statement = self.tree.body[index]
        nodes = _Nodes(statement, self.tree)
        statement.visit(nodes)
        self._parents.update(nodes.parents)
        for node in nodes.parents:
            if self._unit.get(node) is None:
                self._unit[node] = index
                if node not in self._line and isinstance(node, FOUND_BY_SPAN):
                    self._by_key.setdefault(key_of(self._positions.span(node, index)), []).append(node)
