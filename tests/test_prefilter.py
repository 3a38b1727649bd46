"""The pre-filter must never skip a file that would have a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnnlint.prefilter import may_concern_recurrent_models
from rnnlint.rules import ALL_RULES
from rnnlint.testing import run_source

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *(example.code for rule in ALL_RULES for example in (*rule.valid, *rule.invalid)),
    *(path.read_text() for path in sorted((ROOT / "fixtures").rglob("*.py"))),
    *(path.read_text() for path in sorted((ROOT.parent / "shared" / "challenge").glob("*.py"))),
]


@pytest.mark.parametrize("index", range(len(SOURCES)))
def test_every_file_with_a_finding_passes_the_filter(index: int) -> None:
    source = SOURCES[index]
    for version in (2, 3):
        if [f for f in run_source(source, version, prefilter=False) if f.code.startswith("RNN")]:
            assert may_concern_recurrent_models(source)


def test_aliases_keep_the_class_name() -> None:
    assert may_concern_recurrent_models(
        "from keras.layers import LSTM as L\nm = Sequential()\nm.add(L(4, stateful=True))\n"
    )
    assert may_concern_recurrent_models("from tensorflow.keras.layers import GRU as R\nm = Sequential([R(4)])\n")


def test_files_without_recurrent_models_are_skipped() -> None:
    assert not may_concern_recurrent_models("import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n")
    assert (
        run_source("import keras\nmodel = keras.Sequential([keras.layers.Dense(1, activation='softmax')])\n", 3) == []
    )


def test_layers_outside_models_pass_only_when_they_could_be_reported() -> None:
    assert may_concern_recurrent_models("from keras import layers\nlstm = layers.LSTM(4, batch_size=10)\n")
    assert may_concern_recurrent_models("x = dict(batch_input_shape=(1, 2, 3))\n")
    assert not may_concern_recurrent_models("class MyLSTM:\n    '''An LSTM cell written by hand.'''\n")
