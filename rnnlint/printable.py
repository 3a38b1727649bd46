"""Text safe to print: what a file name, a source line or Keras's message
holds is shown, never obeyed by the terminal or the CI log.

C0 and C1 control characters (escape sequences start with them), DEL, the
bidirectional overrides, and the lone surrogates a non-UTF-8 file name
decodes to are written as ``\\xNN``/``\\uNNNN`` escapes, in every format:
a report is always valid UTF-8 and one line per finding stays one line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnnlint.findings import Finding
    from rnnlint.ir import Span
    from rnnlint.runner import Report

_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Keeps newlines and tabs: for source text and tracebacks."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode gives it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def line(text: str) -> str:
    """One line of text, every control character escaped."""
    return _ONE_LINE.sub(_escape, text) if _ONE_LINE.search(text) else text


def block(text: str) -> str:
    """Text of several lines: newlines and tabs kept, other controls escaped."""
    return _MULTILINE.sub(_escape, text) if _MULTILINE.search(text) else text


def _optional(text: str | None) -> str | None:
    return None if text is None else line(text)


def span(value: Span) -> Span:
    return replace(value, path=line(value.path))


def finding(value: Finding) -> Finding:
    confirmation = value.confirmation
    if confirmation is not None:
        confirmation = replace(confirmation, detail=line(confirmation.detail))
    return replace(
        value,
        code=line(value.code),
        name=line(value.name),
        message=line(value.message),
        span=span(value.span),
        fix=_optional(value.fix),
        confirmation=confirmation,
        detail=None if value.detail is None else block(value.detail),
    )


def report(value: Report) -> Report:
    """Every text of a report made printable, in the same order."""
    sources = {(line(path), cell): block(text) for (path, cell), text in value.sources.items()}
    return replace(
        value,
        findings=tuple(finding(item) for item in value.findings),
        missing=tuple(line(path) for path in value.missing),
        config_errors=tuple(line(message) for message in value.config_errors),
        sources=sources,
    )
