"""No input makes rnnlint crash: generated programs, mutated fixtures, and
programs nested deeper than any parser likes. Set RNNLINT_FUZZ_EXAMPLES for a
longer run (the CI runs a bounded number)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from rnnlint.codes import INTERNAL_ERROR
from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
EXAMPLES = int(os.environ.get("RNNLINT_FUZZ_EXAMPLES", "20"))
RULES = select_rules()


def assert_contained(source: str) -> None:
    """Checking never raises, and never reports an internal error."""
    for keras in ("2", "3"):
        result = check_source("fuzz.py", source, RULES, keras, prefilter=False)
        internal = [f for f in result.errors if f.code == INTERNAL_ERROR]
        assert not internal, f"{internal[0].message}\n--- source ---\n{source}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs(source: str) -> None:
    assert_contained(source)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_node())
def test_generated_syntax_trees(source: str) -> None:
    assert_contained(source)


def _mutations(source: str, rng: random.Random, count: int) -> list[str]:
    """Programs one edit away from ``source``: a line or token deleted,
    duplicated or swapped for another."""
    lines = source.splitlines(keepends=True)
    tokens = source.replace("(", " ( ").replace(")", " ) ").replace(",", " , ").split()
    results = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0 and lines:
            index = rng.randrange(len(lines))
            results.append("".join(lines[:index] + lines[index + 1 :]))
        elif kind == 1 and lines:
            index = rng.randrange(len(lines))
            results.append("".join(lines[: index + 1] + lines[index:]))
        elif kind == 2 and len(lines) > 1:
            first, second = rng.sample(range(len(lines)), 2)
            swapped = list(lines)
            swapped[first], swapped[second] = swapped[second], swapped[first]
            results.append("".join(swapped))
        elif tokens:
            token = rng.choice(tokens)
            replacement = rng.choice(["", "None", "-1", "0", "(", ")", "[", "*", "x", "'s'", token + token, "1e9"])
            position = source.find(token, rng.randrange(max(1, len(source))))
            position = position if position >= 0 else source.find(token)
            results.append(source[:position] + replacement + source[position + len(token) :])
    return results


@pytest.mark.parametrize("path", FIXTURES, ids=[path.name for path in FIXTURES])
def test_mutated_fixtures(path: Path) -> None:
    source = path.read_text()
    rng = random.Random(path.name)
    for mutant in _mutations(source, rng, max(5, EXAMPLES // 4)):
        assert_contained(mutant)


@pytest.mark.parametrize(
    "body",
    [
        "x = " + "(" * 3000 + "1" + ")" * 3000,
        "x = " + "1 + " * 3000 + "1",
        "x = " + "lambda: " * 3000 + "1",
        "x = " + "[" * 250 + "]" * 250,
        "x = f" + "(1)" * 3000,
    ],
    ids=["parentheses", "sum", "lambdas", "lists", "calls"],
)
def test_deep_nesting_is_a_syntax_error_not_a_crash(body: str) -> None:
    source = "import keras\nmodel = keras.Sequential([keras.layers.LSTM(4)])\n" + body + "\n"
    result = check_source("deep.py", source, RULES)
    assert [finding.code for finding in result.errors] == ["E999"]
    assert "nested" in result.errors[0].message


def test_long_straight_line_code_is_analysed() -> None:
    """Thousands of statements: linear, not a recursion problem."""
    source = "import keras\nimport numpy as np\nx = np.zeros((64, 8, 3))\n"
    source += "".join(f"v{i} = x.shape[0] + {i}\n" for i in range(5000))
    source += "model = keras.Sequential([keras.Input(shape=(8, 16)), keras.layers.LSTM(4)])\n"
    source += "model.compile(loss='mse', optimizer='adam')\nmodel.fit(x, np.zeros((64, 4)))\n"
    result = check_source("long.py", source, RULES, "3")
    assert [f.code for f in result.findings] == ["RNN021"]
