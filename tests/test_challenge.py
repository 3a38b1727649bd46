"""The shared challenge programs: every expected finding, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnlint.testing import describe, expected, found, run_source

CHALLENGE = Path(__file__).resolve().parents[2] / "shared" / "challenge"
KERAS2 = {"c01", "c02", "c04", "c09"}  # as the challenge README says
PROGRAMS = sorted(CHALLENGE.glob("c*.py"))


def test_challenge_folder_is_there() -> None:
    assert len(PROGRAMS) >= 12, f"expected the challenge programs in {CHALLENGE}"


@pytest.mark.parametrize("path", PROGRAMS, ids=[path.stem for path in PROGRAMS])
def test_challenge_program(path: Path) -> None:
    version = 2 if path.name[:3] in KERAS2 else 3
    source = path.read_text()
    findings = run_source(source, version)
    want = expected(source, version)
    assert found(findings, source, want) == want, describe(findings)
