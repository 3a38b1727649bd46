"""Report formats: one function per format, each a pure function of the
findings and a ``Context``. Plain text and JSON are here, the others in
``rnnlint.formats``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from rnnlint.confirm.display import as_json, tag
from rnnlint.findings import Finding
from rnnlint.fix.report import hint, marker
from rnnlint.formats.common import BOLD, RED, RESET, Context, location, summary
from rnnlint.formats.full import full
from rnnlint.formats.github import github
from rnnlint.formats.gitlab import gitlab
from rnnlint.formats.sarif import sarif

Formatter = Callable[[Sequence[Finding], Context], str]


def text(findings: Sequence[Finding], context: Context) -> str:
    """``path:line:col: CODE message`` lines (what editors' problem matchers
    parse; ``path:cell_N:line:col`` in a notebook), then a one-line summary."""
    lines = [_text_line(f, context.color) for f in findings]
    if not context.quiet:
        fixable = hint(findings)
        lines.extend([fixable] if fixable else [])
        lines.append(summary(len(findings), context.files_checked))
    return "".join(line + "\n" for line in lines)


def _text_line(finding: Finding, color: bool) -> str:
    """``[*]``/``[~]`` after the code when ``--fix`` can repair it, as ruff marks it."""
    mark = f" {marker(finding)}" if marker(finding) else ""
    if not color:
        return f"{location(finding.span)}: {finding.code}{mark} {finding.text}{tag(finding)}"
    return f"{BOLD}{location(finding.span)}{RESET}: {RED}{finding.code}{RESET}{mark} {finding.text}{tag(finding)}"


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
        "cell": span.cell,
        "message": finding.text,
        "fix": finding.fix,
        "fixable": finding.fix_applicability is not None,
        "fix_applicability": finding.fix_applicability,
        "keras_version": finding.keras_version or None,
        "keras_source": finding.keras_source,
        **({"confirmation": as_json(finding.confirmation)} if finding.confirmation else {}),
    }


def json_report(findings: Sequence[Finding], context: Context) -> str:
    return json.dumps([as_dict(f) for f in findings], indent=2) + "\n"


FORMATTERS: dict[str, Formatter] = {
    "text": text,
    "full": full,
    "json": json_report,
    "github": github,
    "sarif": sarif,
    "gitlab": gitlab,
}
