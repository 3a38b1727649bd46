"""Measure Keras's own input adjustments (run with Keras 3, or with
KERAS2=1 for tf_keras): which data shapes a model declared for another shape
accepts.

    python tools/measure_input_adjustments.py          # Keras 3
    KERAS2=1 python tools/measure_input_adjustments.py # tf_keras (Keras 2)

Prints one line per case: the case, then ``ok`` or the first line of the
error. docs/data-apis.md records the results with the versions.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np

if os.environ.get("KERAS2"):
    import tf_keras as keras
else:
    import keras


def build(kind, shape, head="lstm", out=1):
    if kind == "functional":
        inputs = keras.Input(shape=shape)
        x = keras.layers.LSTM(4, return_sequences=head == "flatten")(inputs)
        if head == "flatten":
            x = keras.layers.Flatten()(x)
        model = keras.Model(inputs, keras.layers.Dense(out)(x))
    elif kind == "sequential-input":
        layers = [keras.Input(shape=shape), keras.layers.LSTM(4, return_sequences=head == "flatten")]
        if head == "flatten":
            layers.append(keras.layers.Flatten())
        model = keras.Sequential([*layers, keras.layers.Dense(out)])
    else:
        layers = [keras.layers.LSTM(4, input_shape=shape, return_sequences=head == "flatten")]
        if head == "flatten":
            layers.append(keras.layers.Flatten())
        model = keras.Sequential([*layers, keras.layers.Dense(out)])
    model.compile(loss="mse", optimizer="sgd")
    return model


def run(label, action):
    try:
        action()
        print(f"{label}: ok")
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"{label}: {type(error).__name__}: {first[:160]}")


def calls(model, x, y):
    """The four ways data reaches a model, as (name, action)."""
    return [
        ("fit", lambda: model.fit(x, y, epochs=1, verbose=0)),
        ("fit validation_data", lambda: model.fit(x[:8], y[:8], validation_data=(x, y), epochs=1, verbose=0)),
        ("evaluate", lambda: model.evaluate(x, y, verbose=0)),
        ("predict", lambda: model.predict(x, verbose=0)),
    ]


n = 16
cases = [
    ("x (n,10) into (10,1)", (10, 1), np.zeros((n, 10)), np.zeros((n, 1))),
    ("x (n,10) into (10,3)", (10, 3), np.zeros((n, 10)), np.zeros((n, 1))),
    ("x (n,10,3,1) into (10,3)", (10, 3), np.zeros((n, 10, 3, 1)), np.zeros((n, 1))),
    ("x (n,10,3,2) into (10,3)", (10, 3), np.zeros((n, 10, 3, 2)), np.zeros((n, 1))),
    ("x (n,10,1) into (10,)", (10,), None, None),
    ("x (n,20,3) into (10,3)", (10, 3), np.zeros((n, 20, 3)), np.zeros((n, 1))),
    ("y (n,) for Dense(1)", (10, 3), np.zeros((n, 10, 3)), np.zeros((n,))),
    ("y (n,1,1) for Dense(1)", (10, 3), np.zeros((n, 10, 3)), np.zeros((n, 1, 1))),
]
for kind in ("functional", "sequential-input", "sequential-input_shape"):
    for head in ("lstm", "flatten"):
        for label, shape, x, y in cases:
            if x is None:
                continue
            model = build(kind, shape, head)
            tag = f"{kind}/{head}: {label}"
            for call, action in calls(model, x, y):
                run(f"{tag}: {call}", action)
print("versions:", keras.__version__, file=sys.stderr)
