"""RNN020's advice fits the data it saw: one sample missing its batch axis
is told to get one back, a table is reshaped only when its columns fill the
declared axes, and windowed otherwise."""

from __future__ import annotations

import pytest

from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

MODEL = """\
import numpy as np
import keras
model = keras.Sequential([keras.Input(shape={declared}), keras.layers.LSTM(8), keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
X = np.zeros({data})
model.fit(np.zeros((64,) + {declared}), np.zeros((64, 1)))
model.predict({given})
"""


def _hint(declared: str, data: str, given: str = "X") -> str:
    source = MODEL.format(declared=declared, data=data, given=given)
    (finding,) = [f for f in check_source("m.py", source, select_rules(), "3").findings if f.code == "RNN020"]
    assert finding.fix is not None
    return finding.fix


def test_one_sample_without_its_batch_axis() -> None:
    hint = _hint("(30, 3)", "(200, 30, 3)", "X[0]")
    assert hint == (
        "it is one sample without its batch axis: add one with x[np.newaxis] (shape (1, 30, 3)), "
        "or index with a slice (x[0:1], not x[0])"
    )


@pytest.mark.parametrize(
    ("declared", "data", "hint"),
    [
        ("(4, 2)", "(100, 8)", "reshape it to (samples, timesteps, features): x.reshape((100, 4, 2))"),
        ("(5, 2)", "(100, 8)", "cut it into windows of (samples, timesteps, features), each shaped (5, 2)"),
        ("(1, 8)", "(100, 8)", "reshape it to (samples, 1, 8): x.reshape((100, 1, 8))"),
    ],
)
def test_a_table_is_reshaped_only_when_its_columns_fill_the_axes(declared: str, data: str, hint: str) -> None:
    assert _hint(declared, data) == hint
