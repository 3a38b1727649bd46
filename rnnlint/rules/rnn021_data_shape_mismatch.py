"""RNN021: the data's timesteps or features differ from the model's."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModuleIR
from rnnlint.rules.base import SHAPE_ERROR, Example, Experiment, Rule
from rnnlint.rules.rnn020_data_rank import DataFeed, data_feeds, keras_adjusted
from rnnlint.values import DatasetValue, is_int

AXIS_NAMES = {3: ("batch", "timesteps", "features"), 2: ("batch", "timesteps")}


class DataShapeMismatch(Rule):
    code = "RNN021"
    name = "data-shape-mismatch"
    summary = "The data's timesteps and features must match the model's input."
    experiment = Experiment(
        "data-shape", "run the call on one batch shaped as your data", "Keras rejects the data", error=SHAPE_ERROR
    )
    doc = """
    ## What it does
    Compares each axis but the first of the arrays given to `fit`, `evaluate`,
    `predict` and `*_on_batch` with the model's declared input shape.

    ## Why is this bad?
    A model built for 16 features cannot read 3: Keras fails with "Dimensions
    must be equal, but are 3 and 16" (Keras 3) or an error deep inside the
    train function (Keras 2). A different number of timesteps fails the same
    way when the input declares it.

    ## Example
    ```python
    model.add(LSTM(32, input_shape=(8, 16)))
    model.fit(np.zeros((64, 8, 3)), y)
    ```

    ## Use instead
    ```python
    model.add(LSTM(32, input_shape=(8, 3)))
    model.fit(np.zeros((64, 8, 3)), y)
    ```

    ## Fix safety
    There is no automatic fix: whether the data or the model is wrong is for you to
    decide.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/
    """
    valid = (
        Example(
            """
            import numpy as np
            import keras
            inputs = keras.Input(shape=(None, 3))
            model = keras.Model(inputs, keras.layers.LSTM(4)(inputs))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((64, 8, 3)), np.zeros((64, 4)))
            model.predict(np.zeros((64, 12, 3)))
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM
            model = Sequential()
            model.add(LSTM(32, input_shape=(8, 16)))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((64, 8, 3)), np.zeros((64, 32)))  # expect: RNN021
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for feed in data_feeds(module):
            call, shape = feed.call, feed.declared
            data = keras_adjusted(feed.data, shape)
            if data is None or len(data) != len(shape):
                continue
            names = AXIS_NAMES.get(len(shape), tuple(f"axis {i}" for i in range(len(shape))))
            differing = [
                axis
                for axis, (got, want) in enumerate(zip(data, shape, strict=True))
                if axis and is_int(got) and is_int(want) and got != want
            ]
            if not differing:
                continue
            diffs = ", ".join(f"{names[axis]} {data[axis]} vs {shape[axis]}" for axis in differing)
            message = (
                f"{call.method}() gets data of shape {fmt_shape(data)} but the model expects "
                f"{fmt_shape(shape)} ({diffs})"
            )
            if differing == [1] and not timesteps_checked(module, feed):
                message += (
                    f": Keras {module.keras_version} does not check the declared timesteps here and runs the model "
                    f"on the data's {data[1]} steps without an error, not the {shape[1]} it declares"
                )
            yield self.finding(
                module,
                call.span,
                message,
                f"declare the input as {fmt_shape(data[1:])} or give data shaped "
                f"(samples, {', '.join(str(d) for d in shape[1:])})",
                call=call,
            )


TIMESTEP_DEPENDENT = frozenset({"Flatten", "Reshape", "Permute"})
"""Layers whose weights or output depend on the number of timesteps."""


def timesteps_checked(module: ModuleIR, feed: DataFeed) -> bool:
    """Keras raises on data whose timesteps differ from the declared ones
    (measured, docs/data-apis.md): always when a layer depends on them
    (Flatten...); otherwise only when its input check sees them: Keras 2, or a
    Keras 3 functional model, on arrays or datasets of static timesteps
    (``timeseries_dataset_from_array`` leaves them None)."""
    return keras_checks_timesteps(module, feed.model, feed.dataset)


def keras_checks_timesteps(module: ModuleIR, model: Model, dataset: DatasetValue | None = None) -> bool:
    """``timesteps_checked`` for data given to ``model`` (arrays, or ``dataset``)."""
    if any(layer.kind in TIMESTEP_DEPENDENT for layer in model.layers):
        return True
    if dataset is not None and not dataset.static_steps:
        return False
    return module.keras_version < 3 or model.kind != "sequential"
