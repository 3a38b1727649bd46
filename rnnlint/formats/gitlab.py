"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

GitLab tells new findings from old ones by fingerprint, so a fingerprint must
not change when lines are added above a finding: see ``fingerprints``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rnnlint.confirm.display import one_line
from rnnlint.findings import Finding
from rnnlint.fix.report import with_how
from rnnlint.formats.common import Context, cell_prefix, fingerprints, relative_path
from rnnlint.rules import BY_CODE

RULE_SEVERITY = "major"
NOT_REPRODUCED_SEVERITY = "minor"
"""A finding ``--confirm`` did not reproduce in Keras."""
FILE_ERROR_SEVERITY = "blocker"
"""A file that cannot be read or parsed was not checked at all."""


def gitlab(findings: Sequence[Finding], context: Context) -> str:
    prints = fingerprints(findings, context.sources)
    issues = [_issue(finding, fingerprint) for finding, fingerprint in zip(findings, prints, strict=True)]
    return json.dumps(issues, indent=2) + "\n"


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    lines = {"begin": 1} if span.cell is not None else {"begin": span.line, "end": max(span.end_line, span.line)}
    return {
        "description": f"{finding.code} {cell_prefix(span)}{with_how(finding.text, finding)}{one_line(finding)}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": _severity(finding),
        "location": {"path": relative_path(span.path), "lines": lines},
    }


def _severity(finding: Finding) -> str:
    if finding.code not in BY_CODE:
        return FILE_ERROR_SEVERITY
    confirmation = finding.confirmation
    return (
        NOT_REPRODUCED_SEVERITY
        if confirmation is not None and confirmation.status == "not-reproduced"
        else RULE_SEVERITY
    )
