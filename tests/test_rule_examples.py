"""Every rule's own valid and invalid examples, run as Fixit runs its rules'."""

from __future__ import annotations

import pytest

from rnnlint.rules import ALL_RULES, Example, Rule
from rnnlint.rules.base import DOC_SECTIONS
from rnnlint.testing import describe, expected, found, run_source, static_only

CASES = [
    pytest.param(rule, example, kind, id=f"{rule.code}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "kind"), CASES)
def test_example(rule: type[Rule], example: Example, kind: str) -> None:
    source = example.code
    findings = run_source(source, example.keras)
    want = expected(source, example.keras)
    if kind == "valid":
        assert not want, "a valid example must not expect findings"
    else:
        assert any(code == rule.code for _, code in want), f"an invalid example of {rule.code} must expect it"
    want = static_only(want)
    assert found(findings, source, want) == want, f"findings:\n{describe(findings)}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.code for rule in ALL_RULES])
def test_rule_is_documented(rule: type[Rule]) -> None:
    doc = rule.documentation()
    positions = [doc.find(f"## {section}") for section in DOC_SECTIONS]
    assert all(position > 0 for position in positions), f"{rule.code} doc lacks a section"
    assert positions == sorted(positions), f"{rule.code} doc sections are out of order"
    assert rule.valid and rule.invalid
    assert rule.name == rule.name.lower() and " " not in rule.name


def test_codes_and_names_are_unique() -> None:
    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES)
    assert len({rule.name for rule in ALL_RULES}) == len(ALL_RULES)
