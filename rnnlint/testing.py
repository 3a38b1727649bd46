"""Expectations written in source, as Fixit does: a line ending in
``# expect: RNN002`` must get that finding, and every other line none.

``expect[2]: CODE`` / ``expect[3]: CODE`` hold under one Keras version only.
A finding on any line of a multi-line statement counts for the line where the
statement starts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rnnlint.findings import FileResult, Finding
from rnnlint.pipeline import UNUSED_SUPPRESSION, check_source, unused_suppressions
from rnnlint.rules import Rule, select_rules

_EXPECT = re.compile(r"expect(?:\[(?P<version>[23])\])?:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected(source: str, keras_version: int) -> set[tuple[int, str]]:
    """(line, code) pairs the source's ``# expect`` comments ask for."""
    wanted = set()
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        comment = line[line.index("#") :]
        for match in _EXPECT.finditer(comment):
            version = match.group("version")
            if version is None or int(version) == keras_version:
                for code in match.group("codes").split(","):
                    wanted.add((number, code.strip()))
    return wanted


def statement_starts(source: str) -> dict[int, int]:
    """For each line, where the innermost statement holding it starts."""
    starts: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            end = node.end_lineno or node.lineno
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                end = body[0].lineno - 1  # a compound statement: its header only
            for line in range(node.lineno, max(end, node.lineno) + 1):
                starts[line] = max(starts.get(line, 0), node.lineno)
    return starts


def found(findings: Iterable[Finding], source: str, want: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """(line, code) of each finding, on its own line or, when that is where the
    expectation is written, on the line its statement starts."""
    starts = statement_starts(source)
    result = set()
    for finding in findings:
        line = finding.span.line
        start = starts.get(line, line)
        if (line, finding.code) not in want and (start, finding.code) in want:
            line = start
        result.add((line, finding.code))
    return result


def run_source(
    source: str, keras_version: int, rules: list[Rule] | None = None, *, prefilter: bool = True
) -> list[Finding]:
    chosen = rules if rules is not None else select_rules()
    result = check("example.py", source, chosen, str(keras_version), prefilter=prefilter)
    return [*result.errors, *result.findings]


def check(path: str, source: str, rules: Sequence[Rule], keras: str, *, prefilter: bool = True) -> FileResult:
    """``check_source``, and the suppression comments that silence nothing
    (RNN100) when ``rules`` has it, as a run without a config reports them."""
    result = check_source(path, source, rules, keras, prefilter=prefilter)
    enabled = {rule.code for rule in rules}
    if UNUSED_SUPPRESSION not in enabled or result.source is None:
        return result
    unused = unused_suppressions(path, source, result.silenced, enabled)
    findings = sorted((*result.findings, *unused), key=lambda f: (f.span.line, f.span.column, f.code))
    return replace(result, findings=tuple(findings))


def static_only(want: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """The expectations the static rules must meet: without the codes only
    ``--confirm`` reports (RNN099), which the TensorFlow tests check."""
    from rnnlint.rules import BY_CODE

    return {(line, code) for line, code in want if code not in BY_CODE or not BY_CODE[code].confirm_only}


def describe(findings: Iterable[Finding]) -> str:
    return "\n".join(f"  {f.span.line}:{f.span.column} {f.code} {f.text}" for f in findings) or "  (none)"
