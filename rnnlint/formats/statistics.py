"""``--statistics``: how many findings of each code, instead of the findings."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from rnnlint.findings import Finding
from rnnlint.fix.report import MARKERS


def statistics(findings: Sequence[Finding], as_json: bool) -> str:
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    fixable = Counter(finding.code for finding in findings if finding.fix_applicability is not None)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        items = [{"code": c, "name": names[c], "count": n, "fixable": fixable[c]} for c, n in rows]
        return json.dumps(items, indent=2) + "\n"
    width = len(str(rows[0][1])) if rows else 1
    return "".join(f"{count:>{width}}\t{code}\t{_marker(findings, code)}{names[code]}\n" for code, count in rows)


def _marker(findings: Sequence[Finding], code: str) -> str:
    """``[*] `` when ``--fix`` repairs every finding of ``code``, ``[~] `` with
    ``--unsafe-fixes``, as ruff marks them."""
    kinds = {finding.fix_applicability for finding in findings if finding.code == code}
    if kinds == {"safe"}:
        return f"{MARKERS['safe']} "
    if kinds <= {"safe", "unsafe"} and kinds:
        return f"{MARKERS['unsafe']} "
    return ""
