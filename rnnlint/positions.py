"""Source positions computed only where a finding may point.

libcst's PositionProvider costs several times the parse itself, and most
statements of a file never need a position. So positions are resolved one
unit at a time: the function being analysed, or else the top-level statement,
rendered alone in a small module and shifted to where it stands in the file.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from rnnlint.ir import Span

Unit = int | cst.FunctionDef | None
"""A top-level statement's index in ``Module.body``, or a function definition."""


class LazyPositions:
    """Spans of the nodes of one module, resolved per unit on first use."""

    def __init__(self, path: str, module: cst.Module, source: str | None = None) -> None:
        self.path = path
        self.module = module
        self.source = module.code if source is None else source
        self._lines: list[str] | None = None
        self._ranges: dict[cst.CSTNode, tuple[CodeRange, int]] = {}
        self._resolved: set[Hashable] = set()
        self._first_lines = [1 + len(module.header)]

    def span(self, node: cst.CSTNode, unit: Unit) -> Span:
        """The span of ``node``, which lies inside ``unit``."""
        if node not in self._ranges and unit is not None:
            self._resolve(unit)
        if node not in self._ranges:
            self._resolve_whole_module()
        position, offset = self._ranges[node]
        return Span(
            self.path,
            position.start.line + offset,
            position.start.column + 1,
            position.end.line + offset,
            position.end.column + 1,
        )

    def _resolve(self, unit: int | cst.FunctionDef) -> None:
        key = unit if isinstance(unit, int) else id(unit)
        if key in self._resolved:
            return
        self._resolved.add(key)
        if isinstance(unit, int):
            self._resolve_statement(unit)
        else:
            self._resolve_function(unit)

    def _record(self, module: cst.Module, offset: int) -> dict[cst.CSTNode, CodeRange]:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, position in positions.items():
            self._ranges.setdefault(node, (position, offset))
        return dict(positions)

    def _resolve_statement(self, top: int) -> None:
        statement = self.module.body[top]
        self._record(self.module.with_changes(body=[statement], header=[], footer=[]), self._first_line(top) - 1)

    def _first_line(self, top: int) -> int:
        """The line where the code of statement ``top`` (its leading blank lines
        and comments included) starts in the file."""
        while len(self._first_lines) <= top:
            index = len(self._first_lines) - 1
            code = self.module.code_for_node(self.module.body[index])
            self._first_lines.append(self._first_lines[-1] + code.count("\n"))
        return self._first_lines[top]

    def _resolve_function(self, function: cst.FunctionDef) -> None:
        """Render the function alone, indented as in the file (inside an
        ``if True:`` when it is nested), and find where those lines stand."""
        lines = self._source_lines()
        name = re.escape(function.name.value)
        pattern = re.compile(rf"^([ \t]*)(?:async[ \t]+)?def[ \t]+{name}\b", re.MULTILINE)
        matches = list(pattern.finditer(self.source))
        for match in matches:
            indent = match.group(1)
            alone = self._alone(function, indent)
            def_line = self.source.count("\n", 0, match.start()) + 1
            positions = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
            offset = def_line - positions[function].start.line
            if len(matches) > 1:  # several functions of that name: check that the lines are this one's
                rendered = alone.code.splitlines()[1 if indent else 0 :]
                first = offset + (1 if indent else 0)  # 0-based index in the file of the first rendered line
                if first < 0 or lines[first : first + len(rendered)] != rendered:
                    continue
            for node, position in positions.items():
                self._ranges.setdefault(node, (position, offset))
            return

    def _alone(self, function: cst.FunctionDef, indent: str) -> cst.Module:
        body: cst.BaseStatement = function
        if indent:
            block = cst.IndentedBlock(body=[function], indent=indent)
            body = cst.If(test=cst.Name("True"), body=block)
        return self.module.with_changes(body=[body], header=[], footer=[])

    def _source_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.source.splitlines()
        return self._lines

    def _resolve_whole_module(self) -> None:
        """The safety net for a node outside every unit resolved so far."""
        if "module" in self._resolved:
            return
        self._resolved.add("module")
        self._ranges.clear()
        self._record(self.module, 0)
