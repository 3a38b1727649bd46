"""RNN012: input_shape holds the batch size (or the sample count)."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import BATCHED, batch_size_arg, fmt_shape, producer, recurrent_core, x_value
from rnnlint.ir import Layer, Model, ModuleIR
from rnnlint.rules.base import Example, Finding, Rule
from rnnlint.shapes import as_dims
from rnnlint.values import ArrayValue, is_int


class InputShapeIncludesBatch(Rule):
    code = "RNN012"
    name = "input-shape-includes-batch"
    keras_specific = True
    summary = "input_shape describes one sample: it must not include the batch size."
    doc = """
    ## What it does
    Finds a recurrent first layer whose `input_shape` (or `Input(shape=...)`)
    has three entries, the first of which is the batch size or the number of
    samples: the batch size used in `fit`, the training data's sample count, or
    a leading entry in front of the data's own `(timesteps, features)`.

    ## Why is this bad?
    `input_shape` is the shape of one sample; Keras adds the batch axis in
    front of it. `input_shape=(32, 8, 16)` therefore makes the layer expect
    4-D input `(None, 32, 8, 16)`, and Keras raises "expected ndim=3, found
    ndim=4". Passing `X_train.shape` is the common way to get there.

    ## Example
    ```python
    model.add(LSTM(32, input_shape=X_train.shape))  # (500, 20, 3)
    ```

    ## Use instead
    ```python
    model.add(LSTM(32, input_shape=X_train.shape[1:]))  # (20, 3)
    ```
    To fix the batch size too (stateful models), use
    `keras.Input(batch_shape=(b, 20, 3))` (Keras 3) or
    `batch_input_shape=(b, 20, 3)` (Keras 2).

    ## References
    - https://keras.io/getting_started/sequential_model_guide/ (specifying the input shape)
    """
    valid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            X = np.random.rand(500, 20, 3)
            model = Sequential()
            model.add(LSTM(32, input_shape=X.shape[1:]))
            model.add(Dense(1))
            model.compile(loss="mse", optimizer="adam")
            model.fit(X, np.zeros((500, 1)), batch_size=50)
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            X = np.random.rand(500, 20, 3)
            model = Sequential()
            model.add(LSTM(32, input_shape=X.shape))  # expect: RNN012
            model.add(Dense(1))
            model.compile(loss="mse", optimizer="adam")
            model.fit(X, np.zeros((500, 1)), batch_size=50)
            """
        ),
        Example(
            """
            import keras
            inputs = keras.Input(shape=(32, 8, 16))  # expect: RNN012
            outputs = keras.layers.LSTM(4)(inputs)
            model = keras.Model(inputs, outputs)
            model.compile(loss="mse", optimizer="adam")
            model.fit(x, y, batch_size=32)
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            for node in model.nodes:
                if recurrent_core(node.layer) is None:
                    continue
                source = producer(model, node)
                if source is None or source[1].layer.kind != "InputLayer":
                    continue
                layer = source[1].layer
                sample = includes_batch(layer)
                if sample is None:
                    continue
                reason = _looks_like_batch(module, model, sample)
                if reason is None:
                    continue
                yield self._report(module, model, layer, node.layer, sample, reason)

    def _report(
        self, module: ModuleIR, model: Model, input_layer: Layer, rnn: Layer, sample: tuple, reason: str
    ) -> Finding:
        first, *rest = sample
        written = "input_shape" if input_layer.get("implicit") else "shape"
        span = rnn.span if input_layer.get("implicit") else input_layer.span
        if module.keras_version >= 3:
            batch_form = f"keras.Input(batch_shape={fmt_shape((first, *rest))})"
        else:
            batch_form = f"batch_input_shape={fmt_shape((first, *rest))}"
        return self.finding(
            module,
            span,
            f"{written}={fmt_shape(sample)} includes {first}, {reason}: Keras adds the batch axis in front, so "
            f"{rnn.label} gets 4-D input {fmt_shape((None, *sample))} instead of (batch, timesteps, features)",
            f"use {written}={fmt_shape(tuple(rest))}, or {batch_form} to fix the batch size",
            model=model.id,
            layer=input_layer.id,
        )


def includes_batch(layer: Layer) -> tuple | None:
    """The declared per-sample shape when it has 3 entries (one too many)."""
    if layer.given("batch_shape"):
        return None
    shape = as_dims(layer.get("shape"))
    if isinstance(shape, tuple) and len(shape) == 3 and is_int(shape[0]):
        return shape
    return None


def _looks_like_batch(module: ModuleIR, model: Model, sample: tuple) -> str | None:
    """Why the first entry is a batch size, or None when it may be real."""
    first, *rest = sample
    for call in module.calls_of(model, *BATCHED):
        if batch_size_arg(call) == first and call.given("batch_size", 2 if call.method != "predict" else 1):
            return f"the batch_size given to {call.method}()"
        x = x_value(call)
        if isinstance(x, ArrayValue) and isinstance(x.shape, tuple):
            if x.shape and x.shape[0] == first:
                return "the number of samples in the training data"
            if list(x.shape[1:]) == rest and len(x.shape) == 3:
                return f"in front of the data's own (timesteps, features) {fmt_shape(tuple(rest))}"
    return None
