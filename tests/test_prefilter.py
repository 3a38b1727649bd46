"""The pre-filter must never skip a file that would have a finding."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from conftest import shared, shared_files

from rnnlint.pipeline import check_source
from rnnlint.prefilter import may_concern_recurrent_models
from rnnlint.rules import ALL_RULES, select_rules
from rnnlint.testing import run_source

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *(example.code for rule in ALL_RULES for example in (*rule.valid, *rule.invalid)),
    *(path.read_text() for path in sorted((ROOT / "fixtures").rglob("*.py"))),
]
SHARED_PROGRAMS = [*shared_files("challenge"), *shared_files("challenge2")]


@pytest.mark.parametrize("index", range(len(SOURCES)))
def test_every_file_with_a_finding_passes_the_filter(index: int) -> None:
    _passes_the_filter_if_found(SOURCES[index])


@pytest.mark.parametrize("path", SHARED_PROGRAMS, ids=[f"{p.parent.name}/{p.stem}" for p in SHARED_PROGRAMS])
def test_every_challenge_program_with_a_finding_passes_the_filter(path: Path) -> None:
    _passes_the_filter_if_found(shared(path).read_text())


def _passes_the_filter_if_found(source: str) -> None:
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
    assert may_concern_recurrent_models("import keras\nx = dict(batch_input_shape=(1, 2, 3))\n")
    assert not may_concern_recurrent_models("class MyLSTM:\n    '''An LSTM cell written by hand.'''\n")


def test_words_in_strings_and_comments_do_not_count() -> None:
    """Library code names LSTMs and Sequential models in docstrings and comments."""
    documented = (
        "from keras.src import ops\n\n"
        "def step(x):\n"
        '    """Like keras.layers.LSTM(4) in a keras.Sequential model."""\n'
        "    # a Sequential of LSTM layers calls this\n"
        "    return ops.tanh(x)  # 'GRU' too\n"
    )
    assert not may_concern_recurrent_models(documented)
    assert not may_concern_recurrent_models("model = Sequential([LSTM(4, stateful=True)])\n"), "no Keras in the code"


def test_code_after_quotes_and_hashes_still_counts() -> None:
    tricky = (
        "import keras  # it's here\n"
        'note = "# not a comment"; other = \'"\'\n'
        "doc = '''a \"\"\" inside'''\n"
        "model = keras.Sequential([keras.layers.LSTM(4)])\n"
    )
    assert may_concern_recurrent_models(tricky)
    assert run_source(tricky, 3) == run_source(tricky, 3, prefilter=False)


@pytest.mark.slow
@pytest.mark.parametrize("package", ["keras", "tf_keras", "tensorflow"])
def test_library_files_skipped_by_the_filter_have_no_finding(package: str) -> None:
    """Real code that names recurrent layers (in docstrings, tests, layer
    definitions) and is skipped: analysed anyway, it gives nothing."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
    recurrent = re.compile(r"LSTM|GRU|SimpleRNN|stateful|batch_input_shape")
    rules = select_rules()
    skipped = 0
    for path in sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.py")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if recurrent.search(source) and not may_concern_recurrent_models(source):
            skipped += 1
            result = check_source(str(path), source, rules, prefilter=False)
            assert not result.findings, f"{path}: {[f.code for f in result.findings]}"
    assert skipped > 10
