"""Suppression comments, read from the source text after the rules have run.

- ``# noqa`` silences every finding of its statement, ``# noqa: RNN002, RNN010``
  only those codes (flake8's syntax; codes are case-insensitive prefixes), so
  one comment serves flake8, ruff and rnnlint alike.
- ``# rnnlint: ignore[RNN002]`` does the same, and may also stand alone on the
  line just above the statement.
- ``# rnnlint: skip-file`` on a line of its own silences the whole file.

A finding on any line of a multi-line statement is silenced by a comment on
any line of that statement (for a compound statement: of its header), since a
Keras call is often spread over many lines and the finding may point at an
argument. Comments are found with ``tokenize`` (a ``#`` in a string is not a
comment) and statements with ``ast``, which is fast; libcst is not needed here.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rnnlint.findings import Finding

_CODE = r"[A-Za-z]+[0-9]*"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*rnnlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_SKIP_FILE = re.compile(r"#\s*rnnlint:\s*skip-file\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Directive:
    """One suppression comment: the codes it names (None for all of them)."""

    line: int
    codes: tuple[str, ...] | None
    own_line: bool
    above_allowed: bool

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


@dataclass(frozen=True)
class Suppressions:
    skip_file: bool
    directives: Mapping[int, tuple[Directive, ...]]
    statements: Mapping[int, tuple[int, int]]
    """For each line, the first and last line of the innermost statement holding it."""

    def silences(self, finding: Finding) -> bool:
        if self.skip_file:
            return True
        line = finding.span.line
        first, last = self.statements.get(line, (line, line))
        for number in range(min(first, line), max(last, line) + 1):
            if any(d.covers(finding.code) for d in self.directives.get(number, ())):
                return True
        return any(
            d.own_line and d.above_allowed and d.covers(finding.code) for d in self.directives.get(first - 1, ())
        )


def parse(source: str) -> Suppressions:
    directives: dict[int, list[Directive]] = {}
    skip_file = False
    for line, text, own_line in _comments(source):
        skip_file = skip_file or (own_line and _SKIP_FILE.search(text) is not None)
        for directive in _directives(line, text, own_line):
            directives.setdefault(line, []).append(directive)
    frozen = {line: tuple(items) for line, items in directives.items()}
    return Suppressions(skip_file, frozen, statement_ranges(source) if frozen else {})


def skips_file(source: str) -> bool:
    """Whether a ``# rnnlint: skip-file`` line is there: checked before the rules, to save their work."""
    if "skip-file" not in source:
        return False
    return any(own_line and _SKIP_FILE.search(text) for _, text, own_line in _comments(source))


def apply(findings: Iterable[Finding], source: str | None) -> tuple[Finding, ...]:
    """The findings that no comment in ``source`` silences."""
    findings = tuple(findings)
    if not findings or source is None or ("noqa" not in source.lower() and "rnnlint:" not in source.lower()):
        return findings
    suppressions = parse(source)
    return tuple(finding for finding in findings if not suppressions.silences(finding))


def _directives(line: int, text: str, own_line: bool) -> Iterable[Directive]:
    for match in _NOQA.finditer(text):
        yield Directive(line, _codes(match.group("codes")), own_line, above_allowed=False)
    for match in _IGNORE.finditer(text):
        yield Directive(line, _codes(match.group("codes")), own_line, above_allowed=True)


def _codes(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    codes = tuple(code.upper() for code in re.split(r"[\s,]+", text) if code)
    return codes or None


def _comments(source: str) -> list[tuple[int, str, bool]]:
    """(line, comment text, whether the comment is alone on its line) for each comment."""
    lines = source.splitlines()
    comments: list[tuple[int, str, bool]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                before = lines[row - 1][:column] if row <= len(lines) else ""
                comments.append((row, token.string, not before.strip()))
    except (tokenize.TokenError, SyntaxError):
        pass  # keep the comments read before the error
    return comments


def statement_ranges(source: str) -> dict[int, tuple[int, int]]:
    """Line -> (first, last) line of the innermost statement holding it; {} if ``ast`` cannot parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    ranges: dict[int, tuple[int, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            first, last = node.lineno, node.end_lineno or node.lineno
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                last = max(first, body[0].lineno - 1)  # a compound statement: its header only
            for line in range(first, last + 1):
                if line not in ranges or ranges[line][0] <= first:
                    ranges[line] = (first, last)
    return ranges
