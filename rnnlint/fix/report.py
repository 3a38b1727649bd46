"""How every report format says that a finding can be fixed, and how.

``[*]``: ``rnnlint --fix`` repairs it. ``[~]``: ``rnnlint --fix
--unsafe-fixes`` does (the fix changes behaviour beyond the mistake). No
marker: fix it by hand, as the finding's own ``fix`` text says. Light on
purpose (no libcst): the formats import it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnlint.findings import Finding

MARKERS = {"safe": "[*]", "unsafe": "[~]"}
COMMANDS = {"safe": "rnnlint --fix", "unsafe": "rnnlint --fix --unsafe-fixes"}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def marker(finding: Finding) -> str | None:
    """``[*]`` or ``[~]``, None when there is no automatic fix."""
    return MARKERS.get(finding.fix_applicability or "")


def with_marker(code: str, finding: Finding) -> str:
    """``RNN002 [*]``: the code as the text formats print it."""
    mark = marker(finding)
    return f"{code} {mark}" if mark else code


def how(finding: Finding) -> str | None:
    """``fixable with rnnlint --fix``, for formats that carry plain messages."""
    command = COMMANDS.get(finding.fix_applicability or "")
    return f"fixable with {command}" if command else None


def with_how(text: str, finding: Finding) -> str:
    """``text (fixable with rnnlint --fix)``, ``text`` alone when there is no automatic fix."""
    said = how(finding)
    return f"{text} ({said})" if said else text


def hint(findings: Sequence[Finding]) -> str | None:
    """The line under the findings of the text formats: how many ``--fix`` repairs."""
    safe = sum(1 for finding in findings if finding.fix_applicability == "safe")
    unsafe = sum(1 for finding in findings if finding.fix_applicability == "unsafe")
    if safe and unsafe:
        return f"[*] {safe} fixable with rnnlint --fix ([~] {unsafe} more with --unsafe-fixes)."
    if safe:
        return f"[*] {safe} fixable with rnnlint --fix."
    if unsafe:
        return f"[~] {unsafe} fixable with rnnlint --fix --unsafe-fixes."
    return None
