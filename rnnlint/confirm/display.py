"""How a confirmation shows in the reports: a tag after the message, the
Keras detail on its own line (``--format full``), and a JSON object."""

from __future__ import annotations

from rnnlint.findings import Confirmation, Finding

TAGS = {"confirmed": "confirmed", "not-reproduced": "not reproduced"}


def tag(finding: Finding) -> str:
    """`` [confirmed]``, `` [not reproduced]``, `` [unconfirmed: reason]``, or nothing."""
    confirmation = finding.confirmation
    if confirmation is None:
        return ""
    if confirmation.status in TAGS:
        return f" [{TAGS[confirmation.status]}]"
    return f" [unconfirmed: {confirmation.detail}]"


def one_line(finding: Finding) -> str:
    """The tag and what Keras showed, for reports with one message per finding
    (GitHub annotations, SARIF, GitLab): empty without a confirmation."""
    detail = detail_line(finding)
    return tag(finding) + (f" {detail}" if detail else "")


def detail_line(finding: Finding) -> str | None:
    """What Keras showed, for the line under the finding (none when unconfirmed:
    the reason is already in the tag)."""
    confirmation = finding.confirmation
    if confirmation is None or confirmation.status not in TAGS or not confirmation.detail:
        return None
    versions = _versions(confirmation)
    return f"{confirmation.detail}{f' [{versions}]' if versions else ''}"


def as_json(confirmation: Confirmation) -> dict[str, str | None]:
    return {
        "status": confirmation.status,
        "keras_version": confirmation.keras_version,
        "tensorflow_version": confirmation.tensorflow_version,
        "detail": confirmation.detail,
    }


def _versions(confirmation: Confirmation) -> str:
    parts = []
    if confirmation.keras_version:
        parts.append(f"Keras {confirmation.keras_version}")
    if confirmation.tensorflow_version:
        parts.append(f"TensorFlow {confirmation.tensorflow_version}")
    return ", ".join(parts)
