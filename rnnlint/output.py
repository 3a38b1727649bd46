"""Report formats: one function per format, each a pure function of results."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rnnlint.rules import Finding


def text(findings: Sequence[Finding], files_checked: int) -> str:
    """``path:line:col: CODE message`` lines, then a one-line summary."""
    lines = [f"{f.span.path}:{f.span.line}:{f.span.column}: {f.code} {f.text}" for f in findings]
    count = len(findings)
    noun = "file" if files_checked == 1 else "files"
    if count:
        lines.append(f"Found {count} finding{'s' if count != 1 else ''} in {files_checked} {noun} checked.")
    else:
        lines.append(f"All checks passed ({files_checked} {noun} checked).")
    return "\n".join(lines) + "\n"


def as_dict(finding: Finding) -> dict[str, object]:
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": finding.text,
        "fix": finding.fix,
        "keras_version": finding.keras_version or None,
    }


def json_report(findings: Sequence[Finding], files_checked: int) -> str:
    return json.dumps([as_dict(f) for f in findings], indent=2) + "\n"


FORMATTERS = {"text": text, "json": json_report}
