"""Work a document's next version can reuse from the previous one, for the
language server: the libcst parse of each unchanged top-level statement, and
the rendering of each statement line that positions are read from.

Typing changes one statement at a time, and these two steps are most of a
check's cost. A top-level statement is parsed alone, with the blank lines and
comments before it, and kept by its exact text; the module is then assembled
from the pieces. The extraction and the rules still run on the whole module,
so results are those of a fresh check (a test compares them on every fixture).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Hashable
from typing import Any

import libcst as cst

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
"""One line with its end, as Python's tokenizer counts lines."""


class Reuse:
    """Parsed statements and rendered lines of the last version of one document."""

    def __init__(self) -> None:
        self._pieces: dict[str, list[cst.Module]] = {}
        self.renders: dict[Hashable, Any] = {}
        """Filled by ``positions.LazyPositions``: a statement line's rendering, by its nodes and indent."""
        self._used: set[Hashable] = set()

    def parse(self, source: str, python_tree: ast.Module | None) -> cst.Module:
        """``source`` as libcst parses it, from the pieces kept where they did not change."""
        starts = _piece_starts(python_tree) if python_tree is not None else None
        if not starts:
            return cst.parse_module(source)
        lines = _LINE.findall(source)
        bounds = [*starts, len(lines)]
        texts = ["".join(lines[bounds[i] : bounds[i + 1]]) for i in range(len(starts))]
        if "".join(texts) != source:
            return cst.parse_module(source)
        kept: dict[str, list[cst.Module]] = {}
        parsed = []
        for text in texts:  # a text found twice gets two parses: no node may stand at two places
            old = self._pieces.get(text)
            piece = old.pop() if old else cst.parse_module(text)
            kept.setdefault(text, []).append(piece)
            parsed.append(piece)
        self._pieces = kept
        self.renders = {key: value for key, value in self.renders.items() if key in self._used}
        self._used = set()
        return _assemble(parsed) or cst.parse_module(source)

    def render(self, key: Hashable) -> Any:
        """A rendering kept from before (None if there is none), marked as still in use."""
        found = self.renders.get(key)
        if found is not None:
            self._used.add(key)
        return found

    def keep(self, key: Hashable, value: Any) -> None:
        self.renders[key] = value
        self._used.add(key)


def _piece_starts(tree: ast.Module) -> list[int]:
    """0-based first line of each piece: line 0, then the line after each top-level statement's end."""
    if not tree.body:
        return []
    ends = sorted({statement.end_lineno or statement.lineno for statement in tree.body})
    return [0, *ends[:-1]]


def _assemble(pieces: list[cst.Module]) -> cst.Module | None:
    """One module from pieces parsed alone; None when they disagree on indentation or newlines."""
    first = pieces[0]
    if any(p.default_indent != first.default_indent or p.default_newline != first.default_newline for p in pieces):
        return None
    body: list[cst.BaseStatement] = list(first.body)
    if any(piece.footer for piece in pieces[:-1]):
        return None
    for piece in pieces[1:]:
        statements = list(piece.body)
        if not statements:
            return None
        if piece.header:
            statements[0] = statements[0].with_changes(leading_lines=[*piece.header, *statements[0].leading_lines])
        body.extend(statements)
    return first.with_changes(body=body, footer=pieces[-1].footer, has_trailing_newline=pieces[-1].has_trailing_newline)
