"""``--format full``: each finding with its source excerpt, a caret under the
span, the fix, and where its documentation is."""

from __future__ import annotations

from collections.abc import Sequence

from rnnlint.confirm.display import detail_line, tag
from rnnlint.findings import Finding
from rnnlint.fix.report import hint, how, marker
from rnnlint.formats.common import BOLD, RED, RESET, Context, location, source_lines, summary
from rnnlint.ir import Span
from rnnlint.rules import BY_CODE

MAX_LINES = 4
"""Excerpt lines shown for a span over many lines."""


def full(findings: Sequence[Finding], context: Context) -> str:
    blocks = [_block(finding, context) for finding in findings]
    if not context.quiet:
        fixable = hint(findings)
        blocks.append((f"{fixable}\n" if fixable else "") + summary(len(findings), context.files_checked) + "\n")
    return "\n".join(blocks)


def _block(finding: Finding, context: Context) -> str:
    mark = f" {marker(finding)}" if marker(finding) else ""
    if context.color:
        header = f"{BOLD}{location(finding.span)}{RESET}: {RED}{finding.code}{RESET}{mark} {finding.message}"
    else:
        header = f"{location(finding.span)}: {finding.code}{mark} {finding.message}"
    lines = [header + tag(finding)]
    lines.extend(_excerpt(finding.span, context))
    if finding.fix:
        lines.append(f"  = fix: {finding.fix}" + (f" ({how(finding)})" if how(finding) else ""))
    if finding.keras_source:
        lines.append(f"  = judged for Keras {finding.keras_version}: {finding.keras_source}")
    if (keras := detail_line(finding)) is not None:
        lines.append(f"  = keras: {keras}")
    if finding.code in BY_CODE:
        lines.append(f"  = docs: rnnlint rule {finding.code} ({finding.name})")
    return "\n".join(lines) + "\n"


def _excerpt(span: Span, context: Context) -> list[str]:
    text = source_lines(context.sources, span)
    if text is None or not 1 <= span.line <= len(text):
        return []
    last = min(max(span.end_line, span.line), len(text))
    shown = list(range(span.line, min(last, span.line + MAX_LINES - 1) + 1))
    width = len(str(shown[-1]))
    gutter = " " * width
    out = [f"{gutter} |"]
    for number in shown:
        out.append(f"{number:>{width}} | {text[number - 1]}".rstrip())
        if number == span.line:
            out.append(f"{gutter} | {_carets(text[number - 1], span)}")
    if last > shown[-1]:
        out.append(f"{gutter} | ...")
    out.append(f"{gutter} |")
    return out


def _carets(line: str, span: Span) -> str:
    """Spaces up to the span's column (tabs kept, so that it lines up), then ``^`` to its end on this line."""
    start = min(max(span.column, 1), len(line) + 1)
    end = span.end_column if span.end_line == span.line else len(line.rstrip()) + 1
    padding = "".join("\t" if char == "\t" else " " for char in line[: start - 1])
    return padding + "^" * max(end - start, 1)
