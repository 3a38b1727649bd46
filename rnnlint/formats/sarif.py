"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other viewers.

The output is stable: the same findings give the same bytes (no timestamps,
no absolute paths), so it can be diffed and cached. URIs are relative to the
working folder (the repository root in CI) under the ``%SRCROOT%`` base.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from rnnlint import __version__
from rnnlint.confirm.display import as_json, one_line
from rnnlint.findings import Finding
from rnnlint.formats.common import Context, cell_prefix, fingerprints, relative_path
from rnnlint.rules import BY_CODE

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "rnnlint/v1"


def sarif(findings: Sequence[Finding], context: Context) -> str:
    codes = sorted({finding.code: finding.name for finding in findings}.items())
    index = {code: position for position, (code, _) in enumerate(codes)}
    prints = fingerprints(findings, context.sources)
    results = [
        _result(finding, index[finding.code], fingerprint)
        for finding, fingerprint in zip(findings, prints, strict=True)
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rnnlint",
                        "version": __version__,
                        "rules": [_rule(code, name) for code, name in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _rule(code: str, name: str) -> dict[str, Any]:
    rule = BY_CODE.get(code)
    descriptor: dict[str, Any] = {"id": code, "name": name}
    if rule is not None:
        doc = rule.documentation()
        descriptor["shortDescription"] = {"text": rule.summary}
        descriptor["help"] = {"text": doc, "markdown": doc}
    else:
        descriptor["shortDescription"] = {"text": f"{name}: the file could not be checked"}
    descriptor["defaultConfiguration"] = {"level": "error"}
    return descriptor


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(relative_path(span.path)), "uriBaseId": "%SRCROOT%"}}
    if span.cell is None:  # a notebook's cell lines are not lines of the .ipynb file: the message says where
        physical["region"] = {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": max(span.end_line, span.line),
            "endColumn": max(span.end_column, 1),
        }
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding),
        "message": {"text": cell_prefix(span) + finding.text + one_line(finding)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {
            "fixable": finding.fix_applicability is not None,
            "fixApplicability": finding.fix_applicability,
            **({"confirmation": as_json(finding.confirmation)} if finding.confirmation else {}),
        },
    }


def level(finding: Finding) -> str:
    """``error``, but ``warning`` when ``--confirm`` did not reproduce it in Keras."""
    confirmation = finding.confirmation
    return "warning" if confirmation is not None and confirmation.status == "not-reproduced" else "error"
