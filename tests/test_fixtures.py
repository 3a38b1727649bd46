"""Every fixture, under Keras 2 and Keras 3: exactly the findings it marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnlint.testing import describe, expected, found, run_source, static_only

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROGRAMS = sorted(path for path in FIXTURES.rglob("*.py") if not path.name.endswith(".fixed.py"))
"""``fixtures/fix/NAME.fixed.py`` is what ``--fix`` makes of ``NAME.py``: it keeps the
``# expect`` comments of the findings it fixed, so tests/test_fix.py checks it instead."""


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("path", PROGRAMS, ids=[str(p.relative_to(FIXTURES)) for p in PROGRAMS])
def test_fixture(path: Path, version: int) -> None:
    source = path.read_text()
    findings = run_source(source, version, path=str(path))
    want = static_only(expected(source, version))
    assert found(findings, source, want) == want, describe(findings)


def test_there_are_fixtures_for_every_rule() -> None:
    from rnnlint.rules import ALL_RULES

    marked = {code for path in PROGRAMS for version in (2, 3) for _, code in expected(path.read_text(), version)}
    missing = {rule.code for rule in ALL_RULES} - marked
    assert not missing, f"no fixture marks {sorted(missing)}"
