"""Source positions computed only where a finding may point.

libcst's PositionProvider costs several times the parse itself, and most
statements of a file never need a position. So positions are resolved one
piece at a time, rendered alone in a small module and shifted to where it
stands in the file: the statement line being analysed, whose place Python's
own (much faster) parser gives; else the function being analysed, or the
top-level statement.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import re
import sys
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import libcst as cst
from libcst._nodes.internal import CodegenState

from rnnlint.ir import Span

if TYPE_CHECKING:
    from rnnlint.incremental import Reuse

_LINE_BREAK = re.compile(r"\r\n?|\n")
"""What ends a line for Python and libcst (``str.splitlines`` knows more)."""


def _split_lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


Position = tuple[int, int]
"""A line (from 1) and column (from 0), as libcst counts them."""
Range = tuple[Position, Position]

Unit = int | cst.FunctionDef | None
"""A top-level statement's index in ``Module.body``, or a function definition."""


class LazyPositions:
    """Spans of the nodes of one module, resolved per unit on first use."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        source: str | None = None,
        python_tree: ast.Module | None = None,
        reuse: Reuse | None = None,
    ) -> None:
        """``python_tree``: ``source`` parsed by ``ast``, when the caller has it already;
        ``reuse``: renderings kept from a previous version of the document."""
        self.reuse = reuse
        self.path = path
        self.module = module
        self.source = module.code if source is None else source
        self._python_tree = python_tree
        self._anchors: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._python_lines: dict[cst.CSTNode, Sequence[ast.stmt]] = {}
        """Python's statements of each statement line, where the parsers agree."""
        self._line_ends: list[tuple[int, int, cst.SimpleStatementLine]] | None = None
        self._lines: list[str] | None = None
        self._def_lines: dict[cst.FunctionDef, int] | None = None
        self._ranges: dict[cst.CSTNode, tuple[Range, int]] = {}
        """Each node's range in the piece rendered alone, and the lines to add."""
        self._resolved: set[Hashable] = set()
        self._first_lines = [1 + len(module.header)]

    def span(self, node: cst.CSTNode, unit: Unit, line: cst.SimpleStatementLine | None = None) -> Span:
        """The span of ``node``, which lies inside ``unit`` and, when given, inside the statement ``line``."""
        if node not in self._ranges and line is not None and isinstance(node, (cst.Call, cst.Arg)):
            self._resolve_calls(line)
        if node not in self._ranges and line is not None:
            self._resolve_line(line)
        if node not in self._ranges and unit is not None:
            self._resolve(unit)
        if node not in self._ranges:
            self._resolve_whole_module()
        ((first_line, column), (end_line, end_column)), offset = self._ranges[node]
        return Span(self.path, first_line + offset, column + 1, end_line + offset, end_column + 1)

    def _resolve_line(self, line: cst.SimpleStatementLine) -> None:
        key = ("line", id(line))
        if key in self._resolved:
            return
        self._resolved.add(key)
        anchor = self._anchor_map().get(line)
        if anchor is None:
            return
        row, column = anchor
        lines = self._source_lines()
        if row > len(lines) or lines[row - 1][:column].strip():
            return  # not at the start of a line of the file: left to the unit
        indent = lines[row - 1][:column]
        positions, code = self._render_line(line, indent)
        rendered = _split_lines(code)[1 if indent else 0 :]
        if lines[row - 1 : row - 1 + len(rendered)] != rendered:
            return  # not where Python's parser said: left to the unit
        offset = row - (2 if indent else 1)
        for node, position in positions.items():
            self._ranges.setdefault(node, (position, offset))

    def _resolve_calls(self, line: cst.SimpleStatementLine) -> None:
        """The calls of a statement line and their arguments, placed by Python's
        parser, which knows their ranges already (the calls the analysis asks
        about, at a fraction of a rendering's cost). Anything the two parsers
        might place differently leaves the line to ``_resolve_line``."""
        key = ("calls", id(line))
        if key in self._resolved:
            return
        self._resolved.add(key)
        self._anchor_map()
        python = self._python_lines.get(line)
        ours: list[cst.Call] = []
        if python is None or not _calls(line, ours):
            return
        theirs = [node for statement in python for node in ast.walk(statement) if isinstance(node, ast.Call)]
        theirs.sort(
            key=lambda node: (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))
        )
        if len(ours) != len(theirs):
            return
        placed: list[tuple[cst.CSTNode, ast.expr | ast.keyword]] = []
        for call, their_call in zip(ours, theirs, strict=True):
            arguments: list[ast.expr | ast.keyword] = [*their_call.args, *their_call.keywords]
            arguments.sort(key=lambda node: (node.lineno, node.col_offset))
            if type(call.func).__name__ != type(their_call.func).__name__ or len(call.args) != len(arguments):
                return
            placed.append((call, their_call))
            placed.extend(zip(call.args, arguments, strict=True))
        for node, their_node in placed:
            self._ranges.setdefault(node, (self._python_range(their_node), 0))

    def _python_range(self, node: ast.expr | ast.keyword) -> Range:
        """``node``'s range as libcst counts: lines from 1, columns in characters (not UTF-8 bytes) from 0."""
        lines = self._source_lines()
        first, last = node.lineno, node.end_lineno or node.lineno
        start = _characters(lines[first - 1], node.col_offset)
        end = _characters(lines[last - 1], node.end_col_offset or 0)
        return (first, start), (last, end)

    def _render_line(self, line: cst.SimpleStatementLine, indent: str) -> tuple[dict[cst.CSTNode, Range], str]:
        """``line`` rendered alone; the same nodes at the same indent render the same in any version."""
        key = (tuple(line.body), line.trailing_whitespace, indent, self.module.default_indent)
        found = self.reuse.render(key) if self.reuse is not None else None
        if found is None:
            found = _render(self._alone(line.with_changes(leading_lines=()), indent))
            if self.reuse is not None:
                self.reuse.keep(key, found)
        return found  # type: ignore[no-any-return]

    def line_at(self, row: int) -> cst.SimpleStatementLine | None:
        """The statement line whose code covers line ``row``, when Python's parser placed it."""
        if self._line_ends is None:
            self._anchor_map()
        assert self._line_ends is not None
        index = bisect.bisect_right(self._line_ends, (row, sys.maxsize)) - 1
        if index >= 0 and self._line_ends[index][1] >= row:
            return self._line_ends[index][2]
        return None

    def _anchor_map(self) -> dict[cst.CSTNode, tuple[int, int]]:
        """Where each statement line starts (line, column), from Python's parser."""
        if self._anchors is None:
            self._anchors = {}
            self._python_lines = {}
            ends: dict[cst.SimpleStatementLine, int] = {}
            tree = self._python_tree
            if tree is None:
                try:
                    tree = ast.parse(self.source)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None
            if tree is not None:
                _align(self.module.body, tree.body, self._anchors, ends, self._python_lines)
            self._line_ends = sorted(
                ((self._anchors[line][0], end, line) for line, end in ends.items()), key=lambda item: item[0]
            )
        return self._anchors

    def _resolve(self, unit: int | cst.FunctionDef) -> None:
        key = unit if isinstance(unit, int) else id(unit)
        if key in self._resolved:
            return
        self._resolved.add(key)
        if isinstance(unit, int):
            self._resolve_statement(unit)
        else:
            self._resolve_function(unit)

    def _record(self, module: cst.Module, offset: int) -> None:
        for node, position in _render(module)[0].items():
            self._ranges.setdefault(node, (position, offset))

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
        known = self._def_line(function) if len(matches) > 1 else None
        if known is not None:  # Python's parser says which ``def`` this is: identical functions differ by line
            matches = [m for m in matches if self.source.count("\n", 0, m.start()) + 1 == known] or matches
        for match in matches:
            indent = match.group(1)
            alone = self._alone(function, indent)
            def_line = self.source.count("\n", 0, match.start()) + 1
            positions, code = _render(alone)
            offset = def_line - positions[function][0][0]
            if len(matches) > 1:  # several functions of that name: check that the lines are this one's
                rendered = _split_lines(code)[1 if indent else 0 :]
                first = offset + (1 if indent else 0)  # 0-based index in the file of the first rendered line
                if first < 0 or lines[first : first + len(rendered)] != rendered:
                    continue
            for node, position in positions.items():
                self._ranges.setdefault(node, (position, offset))
            return

    def _def_line(self, function: cst.FunctionDef) -> int | None:
        """The line of ``function``'s ``def`` by Python's parser: both parsers
        meet the same functions in the same order. None when Python cannot parse it."""
        if self._def_lines is None:
            self._def_lines = {}
            tree = self._python_tree
            if tree is None:
                try:
                    tree = ast.parse(self.source)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None
            if tree is not None:
                ours = _FunctionDefs()
                self.module.visit(ours)
                theirs = sorted(
                    (node.lineno, node.col_offset)
                    for node in ast.walk(tree)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                )
                if len(ours.found) == len(theirs):
                    self._def_lines = {node: line for node, (line, _) in zip(ours.found, theirs, strict=True)}
        return self._def_lines.get(function)

    def _alone(self, statement: cst.BaseStatement, indent: str) -> cst.Module:
        """``statement`` rendered alone, indented by ``indent`` inside an ``if True:``."""
        body: cst.BaseStatement = statement
        if indent:
            block = cst.IndentedBlock(body=[statement], indent=indent)
            body = cst.If(test=cst.Name("True"), body=block)
        return self.module.with_changes(body=[body], header=[], footer=[])

    def _source_lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _split_lines(self.source)
        return self._lines

    def _resolve_whole_module(self) -> None:
        """The safety net for a node outside every unit resolved so far."""
        if "module" in self._resolved:
            return
        self._resolved.add("module")
        self._ranges.clear()
        self._record(self.module, 0)


class _FunctionDefs(cst.CSTVisitor):
    """Every function definition, in the order of the source."""

    def __init__(self) -> None:
        self.found: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found.append(node)


def _render(module: cst.Module) -> tuple[dict[cst.CSTNode, Range], str]:
    """The positions libcst's PositionProvider gives, and the code, from one rendering."""
    state = _PositionState(module.default_indent, module.default_newline)
    module._codegen(state)
    return state.ranges, "".join(state.tokens)


class _PositionState(CodegenState):
    """Code generation that notes where each node starts and ends, as libcst's
    PositionProvider does (syntactic positions: a node's own whitespace
    excluded), with plain tuples and no regular expression per token: it
    runs on every piece of code a finding may point into."""

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent, default_newline)
        self.line = 1
        self.column = 0
        self.starts: list[Position] = []
        self.ranges: dict[cst.CSTNode, Range] = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.column += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            lines = _LINE_BREAK.split(value)
            self.line += len(lines) - 1
            self.column = len(lines[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        if node not in self.ranges:  # a syntactic position is already there
            self.ranges[node] = (start, (self.line, self.column))

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The context in which libcst renders a node's syntactic part."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self, state: _PositionState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start: Position = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exception: object) -> None:
        ranges = self.state.ranges
        start = ranges[self.start_node][0] if self.start_node is not None else self.start
        end = ranges[self.end_node][1] if self.end_node is not None else (self.state.line, self.state.column)
        ranges[self.node] = (start, end)


_COMPOUND: dict[type[cst.CSTNode], tuple[type[ast.stmt], ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
    cst.Match: (ast.Match,),
}
_SMALL: dict[type[cst.CSTNode], type[ast.stmt]] = {
    cst.Expr: ast.Expr,
    cst.Assign: ast.Assign,
    cst.AnnAssign: ast.AnnAssign,
    cst.AugAssign: ast.AugAssign,
    cst.Return: ast.Return,
    cst.Import: ast.Import,
    cst.ImportFrom: ast.ImportFrom,
    cst.Pass: ast.Pass,
    cst.Break: ast.Break,
    cst.Continue: ast.Continue,
    cst.Del: ast.Delete,
    cst.Raise: ast.Raise,
    cst.Assert: ast.Assert,
    cst.Global: ast.Global,
    cst.Nonlocal: ast.Nonlocal,
}


def _align(
    statements: Sequence[cst.CSTNode],
    python: Sequence[ast.stmt],
    anchors: dict[cst.CSTNode, tuple[int, int]],
    ends: dict[cst.SimpleStatementLine, int],
    pairs: dict[cst.CSTNode, Sequence[ast.stmt]],
) -> None:
    """Pair libcst's statements with Python's, which know their lines (``anchors``:
    where each statement line starts, ``ends``: its last line); stop at the
    first pair that does not match (those statements use the slower way)."""
    index = 0
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            smalls = python[index : index + len(statement.body)]
            if len(smalls) < len(statement.body) or any(
                not isinstance(theirs, _SMALL.get(type(ours), ()))
                for ours, theirs in zip(statement.body, smalls, strict=True)
            ):
                return
            anchors[statement] = (smalls[0].lineno, smalls[0].col_offset)
            ends[statement] = smalls[-1].end_lineno or smalls[-1].lineno
            pairs[statement] = smalls
            index += len(statement.body)
            continue
        if index >= len(python) or not isinstance(python[index], _COMPOUND.get(type(statement), ())):
            return
        for ours, theirs in _blocks(statement, python[index]):
            _align(ours, theirs, anchors, ends, pairs)
        index += 1


def _blocks(statement: cst.CSTNode, python: ast.stmt) -> list[tuple[Sequence[cst.CSTNode], Sequence[ast.stmt]]]:
    """The blocks of a compound statement, paired with Python's."""
    pairs: list[tuple[Sequence[cst.CSTNode], Sequence[ast.stmt]]] = []
    body = getattr(statement, "body", None)
    if isinstance(body, cst.BaseSuite):
        pairs.append((_statements(body), getattr(python, "body", ())))
    orelse = getattr(statement, "orelse", None)
    if isinstance(orelse, cst.If):
        pairs.append(([orelse], getattr(python, "orelse", ())))
    elif isinstance(orelse, cst.Else):
        pairs.append((_statements(orelse.body), getattr(python, "orelse", ())))
    if isinstance(statement, cst.Try) and isinstance(python, ast.Try):
        pairs.extend(
            (_statements(ours.body), theirs.body)
            for ours, theirs in zip(statement.handlers, python.handlers, strict=False)
        )
        if statement.finalbody is not None:
            pairs.append((_statements(statement.finalbody.body), python.finalbody))
    if isinstance(statement, cst.Match) and isinstance(python, ast.Match):
        pairs.extend(
            (_statements(ours.body), theirs.body) for ours, theirs in zip(statement.cases, python.cases, strict=False)
        )
    return pairs


def _statements(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    """A block's statements; none for a one-line body, whose pieces are not statement lines."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


_NOT_CODE = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "equal",
        "leading_lines",
        "semicolon",
        "newline",
        "dot",
        "operator",
        "lbracket",
        "rbracket",
    }
)
"""Fields that hold only punctuation or whitespace: no call is in them."""
_FIELDS: dict[type, tuple[str, ...]] = {}


def _calls(node: cst.CSTNode, found: list[cst.Call]) -> bool:
    """The calls under ``node`` in source order, outer before inner (as Python's
    ranges sort); False where the parsers may disagree on a range or on the
    order: f-strings, ``a if c else b`` (written before its test), parenthesized
    calls or arguments, a generator as the only argument."""
    kind = type(node)
    if kind in (cst.FormattedString, cst.IfExp):
        return False
    if kind is cst.Call:
        call: cst.Call = node  # type: ignore[assignment]
        if call.lpar or getattr(call.func, "lpar", None) or any(_wrapped(arg.value) for arg in call.args):
            return False
        found.append(call)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(
            field.name
            for field in dataclasses.fields(kind)
            if field.name not in _NOT_CODE and "whitespace" not in field.name
        )
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not _calls(value, found):
                return False
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode) and not _calls(item, found):
                    return False
    return True


def _wrapped(value: cst.BaseExpression) -> bool:
    """In parentheses Python leaves out of its range (a tuple's own are in it)."""
    parens = getattr(value, "lpar", ())
    if isinstance(value, cst.Tuple):
        return len(parens) > 1
    return bool(parens) or isinstance(value, cst.GeneratorExp)


def _characters(line: str, offset: int) -> int:
    """A UTF-8 byte offset into ``line`` as a character count."""
    return offset if line.isascii() else len(line.encode("utf-8")[:offset].decode("utf-8", errors="replace"))
