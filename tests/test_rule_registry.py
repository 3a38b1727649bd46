"""A rule owns everything about itself: the rules are discovered, and every
table about them (experiments, expected errors, judges, fixes, pre-filter
words) is derived from them. A rule's code string appears in its own files
only, and the pipeline's codes in rnnlint/codes.py only."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

from rnnlint import codes
from rnnlint.confirm.plan import PLANNERS, PLANNERS_BY_NAME, Plan
from rnnlint.confirm.protocol import Failure, Probe, Reply
from rnnlint.confirm.verdict import EXPECTED_ERRORS, JUDGES, JUDGES_BY_NAME, UNCONFIRMED, judge
from rnnlint.confirm.versions import Versions
from rnnlint.findings import Finding
from rnnlint.ir import Span
from rnnlint.rules import ALL_RULES, BY_CODE, RULE_MODULE, Experiment, Rule, RuleError, discover
from rnnlint.rules.base import MODEL_WORDS, RECURRENT_WORDS

PACKAGE = REPO / "rnnlint"
RULE_FILES = sorted(path for path in (PACKAGE / "rules").glob("*.py") if RULE_MODULE.fullmatch(path.stem))
FIX_FILES = sorted(path for path in (PACKAGE / "fix").glob("*.py") if RULE_MODULE.fullmatch(path.stem))


def module_file(dotted: str) -> Path:
    return REPO.joinpath(*dotted.split(".")).with_suffix(".py")


# -- discovery ------------------------------------------------------------------------


def test_every_rule_module_is_a_rule_in_code_order() -> None:
    assert [module_file(rule.__module__) for rule in ALL_RULES] == RULE_FILES
    assert [rule.code for rule in ALL_RULES] == sorted(BY_CODE)


TOY_RULE = """
from rnnlint.rules.base import Rule

class {cls}(Rule):
    code = "{code}"
    name = "toy"
"""


def toy_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, modules: dict[str, str]) -> str:
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("SHARED = 1\n")  # not a rule module: ignored
    for module, source in modules.items():
        (package / f"{module}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_discovery_finds_a_new_rule_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = toy_package(
        tmp_path,
        monkeypatch,
        "toy_rules_ok",
        {
            "rnn902_later": TOY_RULE.format(cls="Later", code="RNN902"),
            "rnn901_toy": TOY_RULE.format(cls="Toy", code="RNN901"),
        },
    )
    assert [rule.code for rule in discover(package)] == ["RNN901", "RNN902"]


@pytest.mark.parametrize(
    ("modules", "says"),
    [
        ({"rnn901_toy": "SHARED = 1\n"}, "holds no rule"),
        ({"rnn901_toy": TOY_RULE.format(cls="A", code="RNN901") + TOY_RULE.format(cls="B", code="RNN901")}, "A, B"),
        ({"rnn901_toy": TOY_RULE.format(cls="Toy", code="RNN907")}, "RNN907, not RNN901"),
        (
            {
                "rnn901_toy": TOY_RULE.format(cls="Toy", code="RNN901"),
                "rnn901_again": TOY_RULE.format(cls="Again", code="RNN901"),
            },
            "code RNN901 is also",
        ),
    ],
    ids=["no-rule", "two-rules", "code-mismatch", "duplicate-code"],
)
def test_a_broken_rule_module_stops_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, modules: dict[str, str], says: str
) -> None:
    name = f"toy_rules_{abs(hash(tuple(modules.items())))}"
    with pytest.raises(RuleError, match=re.escape(says)):
        discover(toy_package(tmp_path, monkeypatch, name, modules))


def test_importing_the_rules_loads_no_fix_and_no_confirmation() -> None:
    code = (
        "import sys, rnnlint.rules, rnnlint.prefilter, rnnlint.docs\n"
        "heavy = ('libcst', 'rnnlint.fix', 'rnnlint.confirm', 'tensorflow', 'keras', 'numpy')\n"
        "print(sorted(name for name in sys.modules if name.startswith(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout == "[]\n", result.stderr


# -- confirmation -----------------------------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.code for rule in ALL_RULES])
def test_every_rule_says_how_confirm_shows_it(rule: type[Rule]) -> None:
    experiment = rule.experiment
    if rule.confirm_only or not rule.about_keras:  # made by the confirm step itself, or about comments
        assert experiment is None and rule.code not in PLANNERS
        return
    assert experiment is not None, f"{rule.code} declares no confirmation experiment"
    assert PLANNERS[rule.code] is PLANNERS_BY_NAME[experiment.planner]
    if experiment.judge is None:
        assert rule.code not in JUDGES and EXPECTED_ERRORS[rule.code] == experiment.error
    else:
        assert JUDGES[rule.code] is JUDGES_BY_NAME[experiment.judge]


def test_an_error_rule_must_declare_its_error() -> None:
    with pytest.raises(ValueError, match="needs the Keras error that confirms it"):
        Experiment("build", "build the model", "Keras raises")


def _keras_error(code: str, message: str) -> str:
    finding = Finding(code, "toy", "message", Span("m.py", 1, 1, 1, 2), 3)
    plan = Plan(Probe("build", code, 3), "built the model")
    reply = Reply(failure=Failure("ValueError", message, "call"))
    return judge(finding, plan, reply, Versions("3.0", "2.0")).status


@pytest.mark.parametrize("code", sorted(EXPECTED_ERRORS))
def test_another_keras_error_confirms_no_error_rule(code: str) -> None:
    assert _keras_error(code, "Something else went wrong") == UNCONFIRMED


def test_a_finding_without_an_expected_error_is_not_confirmed_by_any_error() -> None:
    assert "RNN998" not in EXPECTED_ERRORS and "RNN998" not in JUDGES
    assert _keras_error("RNN998", "stateful incompatible ndim reset_states") == UNCONFIRMED


# -- fixes and the pre-filter ---------------------------------------------------------------


def test_fix_modules_are_named_by_their_rules() -> None:
    """``rnnlint/fix/rnnNNN_name.py`` fixes the rule of ``rnnlint/rules/rnnNNN_name.py``, which names it."""
    fixers = {rule.fixer for rule in ALL_RULES if rule.fixer is not None}
    assert fixers == {f"rnnlint.fix.{path.stem}" for path in FIX_FILES}
    for rule in ALL_RULES:
        if rule.fixer is not None:
            assert rule.fixer.rsplit(".", 1)[1] == rule.__module__.rsplit(".", 1)[1]


def test_fixers_are_derived_from_the_rules() -> None:
    from rnnlint.fix.registry import FIXERS

    assert set(FIXERS) == {rule.code for rule in ALL_RULES if rule.fixer is not None}
    assert all(fixer.code == code for code, fixer in FIXERS.items())


def test_prefilter_words_are_the_rules() -> None:
    from rnnlint.prefilter import ALTERNATIVES, may_concern_recurrent_models

    assert set(ALTERNATIVES) == {words for rule in ALL_RULES for words in rule.words}
    assert ((RECURRENT_WORDS, MODEL_WORDS)) in ALTERNATIVES
    assert may_concern_recurrent_models("import keras\nlayer = keras.layers.Dense(4, batch_input_shape=(2, 3))\n")
    assert not may_concern_recurrent_models("import keras\nlayer = keras.layers.Dense(4, batch_size=2)\n")


# -- code strings -----------------------------------------------------------------------------

CODE = re.compile(r"\b(?:RNN|E)[0-9]{3}\b")
PIPELINE = {value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}


def code_strings(path: Path) -> set[str]:
    """The codes in the strings of ``path``'s code: documentation, which shows
    examples, does not count: docstrings (a string that is a statement of its
    own), comments, a rule's ``doc`` and the programs of its ``Example``s and
    ``FixExample``s (RNN100's examples must name the codes a comment silences)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    documentation = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        examples = isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Example", "FixExample")
        doc = isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "doc" for target in node.targets)
        if examples or doc:
            documentation.update(id(inner) for inner in ast.walk(node) if isinstance(inner, ast.Constant))
    return {
        code
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documentation
        for code in CODE.findall(node.value)
    }


def own_files(code: str) -> set[str]:
    """Where a code may be spelt out: its rule's module and fix, and for a pipeline code rnnlint/codes.py."""
    owned = {"rnnlint/codes.py"} if code in PIPELINE else set()
    rule = BY_CODE.get(code)
    if rule is not None:
        owned.add(str(module_file(rule.__module__).relative_to(REPO)))
        if rule.fixer is not None:
            owned.add(str(module_file(rule.fixer).relative_to(REPO)))
    return owned


def test_codes_are_spelt_out_in_their_own_files_only() -> None:
    misplaced: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = str(path.relative_to(REPO))
        misplaced.extend(f"{name}: {code}" for code in sorted(code_strings(path)) if name not in own_files(code))
    assert not misplaced, "move this knowledge into the rule (or rnnlint/codes.py):\n" + "\n".join(misplaced)


def test_the_code_string_check_can_fail(tmp_path: Path) -> None:
    stray = tmp_path / "stray.py"
    stray.write_text('"""RNN002 in a docstring is an example."""\nCHECKED = {"RNN002": 1}  # RNN003 in a comment\n')
    assert code_strings(stray) == {"RNN002"}
    assert "rnnlint/confirm/plan.py" not in own_files("RNN002")
