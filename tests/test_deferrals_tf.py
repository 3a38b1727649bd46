"""Rules that defer to one another leave no mistake unreported.

RNN010 leaves a wrong input rank to RNN011 (a recurrent layer returning its
last output feeds it) or to RNN012 (the extra entry is the batch size or the
samples); RNN020 and RNN021 skip a model that does not build; RNN020 and
RNN021 compare the data as Keras adjusts it. Each deferral is a small program
run unchanged in Keras 3 and tf_keras: when Keras raises, some rule must fire;
when Keras accepts it, no rule may predict an error (a finding may only say
that Keras runs something other than what the model declares, without one).

Slow: one TensorFlow process per Keras version runs every program.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

pytestmark = pytest.mark.slow

HEAD = "import numpy as np\nimport {module} as keras\nfrom {module} import layers\n"
COMPILE_FIT = (
    'model.compile(loss="mse", optimizer="adam")\nmodel.fit({x}, np.zeros((64, 1)), epochs=1, verbose=0{extra})\n'
)


def _fit(model: str, x: str | None = None, extra: str = "") -> str:
    """The model's code, then, given data ``x``, compile and fit (``extra``: more arguments)."""
    code = textwrap.dedent(model).lstrip("\n")
    return code + COMPILE_FIT.format(x=x, extra=extra) if x is not None else code


CASES: dict[str, str] = {
    # RNN010 leaves it to RNN011: the first LSTM returns its last output only
    "stacked-without-sequences": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.LSTM(4), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3))",
    ),
    "nested-encoder-without-sequences": _fit(
        """
        encoder = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8)])
        model = keras.Sequential([keras.Input(shape=(10, 3)), encoder, layers.LSTM(4), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3))",
    ),
    "nested-encoder-with-sequences": _fit(
        """
        encoder = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_sequences=True)])
        model = keras.Sequential([keras.Input(shape=(10, 3)), encoder, layers.LSTM(4), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3))",
    ),
    # RNN010 leaves it to RNN012: the extra entry is the batch size, the samples, or in front of (T, F)
    "batch-size-in-input-shape": _fit(
        """
        model = keras.Sequential([layers.LSTM(8, input_shape=(16, 10, 3)), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3))",
        ", batch_size=16",
    ),
    "samples-in-input-shape": _fit(
        """
        X = np.zeros((64, 10, 3))
        model = keras.Sequential([layers.LSTM(8, input_shape=X.shape), layers.Dense(1)])
        """,
        "X",
    ),
    "loaded-samples-in-input-shape": _fit(
        """
        X = np.load("x.npy")
        model = keras.Sequential([layers.LSTM(8, input_shape=X.shape), layers.Dense(1)])
        """,
        "X",
    ),
    "loaded-samples-as-timesteps": _fit(
        """
        X = np.load("x.npy")
        model = keras.Sequential([layers.LSTM(8, input_shape=(X.shape[0], X.shape[2])), layers.Dense(1)])
        """,
        "X",
    ),
    "entry-in-front-of-the-data": _fit(
        """
        model = keras.Sequential([layers.LSTM(8, input_shape=(5, 10, 3)), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3))",
    ),
    # RNN010 keeps it: nothing says the extra entry is a batch size
    "channel-axis-without-data": _fit(
        """
        model = keras.Sequential([layers.LSTM(8, input_shape=(20, 85, 1)), layers.Dense(1)])
        """
    ),
    "channel-axis-with-other-data": _fit(
        """
        model = keras.Sequential([layers.LSTM(8, input_shape=(20, 85, 1)), layers.Dense(1)])
        """,
        "np.zeros((64, 20, 85))",
    ),
    "2d-input-shape-with-2d-data": _fit(
        """
        model = keras.Sequential([layers.LSTM(8, input_shape=(10,)), layers.Dense(1)])
        """,
        "np.zeros((64, 10))",
    ),
    # RNN020 and RNN021 on data, as Keras adjusts it
    "2d-data-into-features": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 10))",
    ),
    "2d-data-into-one-feature": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 1)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 10))",
    ),
    "trailing-axis-of-one": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3, 1))",
    ),
    "trailing-axis-of-two": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 3, 2))",
    ),
    "features-differ": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 10, 5))",
    ),
    "timesteps-differ-sequential": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
        """,
        "np.zeros((64, 20, 3))",
    ),
    "timesteps-differ-functional": _fit(
        """
        inputs = keras.Input(shape=(10, 3))
        model = keras.Model(inputs, layers.Dense(1)(layers.LSTM(8)(inputs)))
        """,
        "np.zeros((64, 20, 3))",
    ),
    "timesteps-differ-flatten": _fit(
        """
        model = keras.Sequential(
            [keras.Input(shape=(10, 3)), layers.LSTM(8, return_sequences=True), layers.Flatten(), layers.Dense(1)]
        )
        """,
        "np.zeros((64, 20, 3))",
    ),
    "wrong-model-and-wrong-data": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.LSTM(4), layers.Dense(1)])
        """,
        "np.zeros((64, 10))",
    ),
    "loaded-data-correct-model": _fit(
        """
        X = np.load("x.npy")
        model = keras.Sequential([layers.LSTM(8, input_shape=X.shape[1:]), layers.Dense(1)])
        """,
        "X",
    ),
    "correct": _fit(
        """
        model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_sequences=True), layers.LSTM(4)])
        model.add(layers.Dense(1))
        """,
        "np.zeros((64, 10, 3))",
    ),
}
"""Each deferral as a program; ``x.npy`` holds zeros of shape (64, 10, 3)."""

MODULES = {3: "keras", 2: "tf_keras"}

RUNNER = """
import json, os, sys, traceback
import numpy as np
np.save("x.npy", np.zeros((64, 10, 3), dtype="float32"))
for name, source in json.loads(sys.stdin.read()).items():
    try:
        exec(compile(source, name, "exec"), {"__name__": "__main__"})
        print(json.dumps([name, None]), flush=True)
    except Exception as error:
        print(json.dumps([name, f"{type(error).__name__}: {str(error)[:300]}"]), flush=True)
"""


def program(name: str, version: int) -> str:
    return HEAD.format(module=MODULES[version]) + CASES[name]


def keras_verdicts(version: int, scratch: Path) -> dict[str, str | None]:
    """What Keras says of each program: None when it runs, else its error."""
    sources = {name: program(name, version) for name in CASES}
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    run = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        cwd=scratch,
        env=env,
        timeout=900,
        check=False,
    )
    verdicts = dict(json.loads(line) for line in run.stdout.splitlines() if line.startswith("["))
    assert set(verdicts) == set(CASES), run.stderr[-2000:]
    return verdicts


@pytest.mark.parametrize("version", [3, 2])
def test_some_rule_fires_exactly_when_keras_raises(version: int, tmp_path: Path) -> None:
    verdicts = keras_verdicts(version, tmp_path)
    wrong = []
    for name, error in verdicts.items():
        findings = check_source(f"{name}.py", program(name, version), select_rules(), str(version)).findings
        predicting = [f for f in findings if "without an error" not in f.message]
        if error is not None and not findings:
            wrong.append(f"{name}: Keras raises ({error}) and no rule fires")
        if error is None and predicting:
            wrong.append(f"{name}: Keras runs it, yet {[f'{f.code} {f.message}' for f in predicting]}")
    assert not wrong, "\n".join(wrong)
    assert any(verdicts.values()) and not all(verdicts.values())  # both kinds are there
