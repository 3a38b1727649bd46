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

from rnnlint.findings import Finding, LineEdit

_CODE = r"[A-Za-z]+[0-9]*"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODE}(?:[\s,]+{_CODE})*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*rnnlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_SKIP_FILE = re.compile(r"#\s*rnnlint:\s*skip-file\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Directive:
    """One suppression comment: the codes it names (None for all of them),
    as written, and where it is (0-based columns in its line), for RNN100's fix."""

    line: int
    codes: tuple[str, ...] | None
    own_line: bool
    above_allowed: bool
    start: int = 0
    end: int = 0
    """The directive's own text: ``# noqa: RNN002`` inside a longer comment."""
    comment_start: int = 0
    comment_end: int = 0

    @property
    def kind(self) -> str:
        return "rnnlint: ignore" if self.above_allowed else "noqa"

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix.upper()) for prefix in self.codes)


@dataclass(frozen=True)
class Suppressions:
    skip_file: bool
    directives: Mapping[int, tuple[Directive, ...]]
    statements: Mapping[int, tuple[int, int]]
    """For each line, the first and last line of the innermost statement holding it."""

    def silences(self, finding: Finding) -> bool:
        return self.skip_file or bool(self.covering(finding))

    def covering(self, finding: Finding) -> list[Directive]:
        """The directives that silence ``finding``: on a line of its statement, or just above it."""
        line = finding.span.line
        first, last = self.statements.get(line, (line, line))
        found = [
            directive
            for number in range(min(first, line), max(last, line) + 1)
            for directive in self.directives.get(number, ())
            if directive.covers(finding.code)
        ]
        found.extend(
            d for d in self.directives.get(first - 1, ()) if d.own_line and d.above_allowed and d.covers(finding.code)
        )
        return found


@dataclass(frozen=True)
class Usage:
    """A directive, and which of its codes silenced a finding (all of them, for a bare one)."""

    directive: Directive
    used: frozenset[str]
    silenced_any: bool


def parse(source: str) -> Suppressions:
    directives: dict[int, list[Directive]] = {}
    skip_file = False
    for line, column, text, own_line in _comments(source):
        skip_file = skip_file or (own_line and _SKIP_FILE.search(text) is not None)
        for directive in _directives(line, column, text, own_line):
            directives.setdefault(line, []).append(directive)
    frozen = {line: tuple(items) for line, items in directives.items()}
    return Suppressions(skip_file, frozen, statement_ranges(source) if frozen else {})


def skips_file(source: str) -> bool:
    """Whether a ``# rnnlint: skip-file`` line is there: checked before the rules, to save their work."""
    if "skip-file" not in source:
        return False
    return any(own_line and _SKIP_FILE.search(text) for _, _, text, own_line in _comments(source))


def apply(findings: Iterable[Finding], source: str | None) -> tuple[Finding, ...]:
    """The findings that no comment in ``source`` silences."""
    return split(findings, source)[0]


def split(findings: Iterable[Finding], source: str | None) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """The findings no comment in ``source`` silences, and those it silences."""
    findings = tuple(findings)
    if not findings or not mentions_directives(source):
        return findings, ()
    assert source is not None
    suppressions = parse(source)
    kept = tuple(finding for finding in findings if not suppressions.silences(finding))
    return kept, tuple(finding for finding in findings if suppressions.silences(finding))


def mentions_directives(source: str | None) -> bool:
    """Whether ``source`` may hold a suppression comment: a cheap test before tokenizing."""
    lowered = source.lower() if source is not None else ""
    return "noqa" in lowered or "rnnlint:" in lowered


def usages(source: str, silenced: Iterable[Finding]) -> list[Usage]:
    """Every directive of ``source``, in order, with the codes that silenced one of ``silenced``."""
    suppressions = parse(source)
    used: dict[Directive, set[str]] = {
        d: set() for line in sorted(suppressions.directives) for d in suppressions.directives[line]
    }
    hit: set[Directive] = set()
    for finding in silenced:
        for directive in suppressions.covering(finding):
            hit.add(directive)
            used[directive].update(c for c in directive.codes or () if finding.code.startswith(c.upper()))
    return [Usage(directive, frozenset(codes), directive in hit) for directive, codes in used.items()]


def without_codes(source: str, directive: Directive, keep: tuple[str, ...]) -> LineEdit:
    """The directive's line with only the codes ``keep`` left in it, or without
    the directive when ``keep`` is empty: without the comment when nothing else
    is in it, without the line when the comment was alone on it. Another
    comment after it (``# noqa: RNN002  # pylint: ...``) stays."""
    raw = source.split("\n")[directive.line - 1]
    text = raw.removesuffix("\r")
    if keep:
        joined = ", ".join(keep)
        written = f"# noqa: {joined}" if directive.kind == "noqa" else f"# rnnlint: ignore[{joined}]"
        return LineEdit(directive.line, text[: directive.start] + written + text[directive.end :])
    before = text[directive.comment_start : directive.start].rstrip()
    after = text[directive.end : directive.comment_end]
    after = after[after.index("#") :].strip() if "#" in after else ""
    comment = " ".join(part for part in (before, after) if part)
    code = text[: directive.comment_start].rstrip()
    if comment:
        return LineEdit(directive.line, text[: directive.comment_start] + comment)
    return LineEdit(directive.line, code if code else None)


def _directives(line: int, column: int, text: str, own_line: bool) -> Iterable[Directive]:
    end = column + len(text)
    for match in _NOQA.finditer(text):
        codes = _codes(match.group("codes"))
        yield Directive(line, codes, own_line, False, column + match.start(), column + match.end(), column, end)
    for match in _IGNORE.finditer(text):
        codes = _codes(match.group("codes"))
        yield Directive(line, codes, own_line, True, column + match.start(), column + match.end(), column, end)


def _codes(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    codes = tuple(code for code in re.split(r"[\s,]+", text) if code)
    return codes or None


def _comments(source: str) -> list[tuple[int, int, str, bool]]:
    """(line, column, comment text, whether the comment is alone on its line) for each comment."""
    lines = source.splitlines()
    comments: list[tuple[int, int, str, bool]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                row, column = token.start
                before = lines[row - 1][:column] if row <= len(lines) else ""
                comments.append((row, column, token.string, not before.strip()))
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
