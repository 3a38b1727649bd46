"""Every rule's own valid, invalid and fix examples, run as Fixit runs its rules'."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnlint.findings import FileResult
from rnnlint.pipeline import check_source
from rnnlint.rules import ALL_RULES, Example, FixExample, Rule, select_rules
from rnnlint.rules.base import DOC_SECTIONS
from rnnlint.testing import describe, expected, found, run_source, static_only

FIXTURES = Path(__file__).parent.parent / "fixtures"

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


FIX_CASES = [
    pytest.param(rule, example, id=f"{rule.code}-fix-{index}")
    for rule in ALL_RULES
    for index, example in enumerate(rule.fix_examples)
]


@pytest.mark.parametrize(("rule", "example"), FIX_CASES)
def test_fix_example(rule: type[Rule], example: FixExample) -> None:
    """Through the real machinery (plan, apply, verify), as ``--fix`` runs it:
    the rule's findings are fixable as declared, and the fixed code is the
    expected one, without them."""
    from rnnlint.fix.engine import fix_source

    rules = select_rules()

    def check(source: str) -> FileResult:
        return check_source("example.py", source, rules, str(example.keras))

    before = [f for f in check(example.code).findings if f.code == rule.code]
    assert before, f"the fix example gives no {rule.code} finding"
    wanted = "unsafe" if example.unsafe else "safe"
    assert {f.fix_applicability for f in before} == {wanted}, describe(before)
    outcome = fix_source(example.code, check, unsafe=example.unsafe)
    assert outcome.source == example.fixed_code
    assert not [f for f in outcome.result.findings if f.code == rule.code], describe(outcome.result.findings)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.code for rule in ALL_RULES])
def test_fix_is_declared_tested_and_documented(rule: type[Rule]) -> None:
    """A rule with a fix has fix examples and says in its doc how safe the
    fix is, as its fixer declares; a rule without one says there is none."""
    from rnnlint.fix.registry import FIXERS

    safety = rule.documentation().split("## Fix safety\n", 1)[1].lstrip()
    if rule.text_fix:  # its findings carry their own text edits (no fixer module): tested by its fixture pair
        assert rule.fixer is None and safety.startswith("The fix "), (
            f"{rule.code}: Fix safety must say what the fix does"
        )
        assert (FIXTURES / "fix" / f"{rule.__module__.rsplit('.', 1)[1]}.py").exists(), f"{rule.code}: no fixture pair"
        return
    if rule.fixer is None:
        assert rule.code not in FIXERS and not rule.fix_examples
        assert safety.startswith("There is no automatic fix"), f"{rule.code}: its Fix safety must say so"
        return
    assert rule.fix_examples, f"{rule.code} has a fix but no fix example"
    applicability = FIXERS[rule.code].applicability
    assert safety.startswith(f"The fix is {applicability}"), f"{rule.code}: Fix safety must say it is {applicability}"
    assert any(example.unsafe == (applicability == "unsafe") for example in rule.fix_examples)
