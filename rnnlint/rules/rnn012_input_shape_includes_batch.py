"""RNN012: input_shape holds the batch size (or the sample count)."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import BATCHED, batch_size_arg, fmt_shape, producer, recurrent_core, x_value
from rnnlint.findings import Finding
from rnnlint.ir import Layer, Model, ModelCall, ModuleIR
from rnnlint.rules.base import BUILD_AND_CALL, KERAS_RAISES, SHAPE_ERROR, Example, Experiment, Rule
from rnnlint.rules.rnn021_data_shape_mismatch import keras_checks_timesteps
from rnnlint.shapes import as_dims
from rnnlint.values import ArrayValue, ShapeOf, Sym, Unknown, is_int


class InputShapeIncludesBatch(Rule):
    code = "RNN012"
    name = "input-shape-includes-batch"
    keras_specific = True
    summary = "input_shape describes one sample: it must not include the batch size."
    experiment = Experiment(
        "input-samples",
        BUILD_AND_CALL,
        KERAS_RAISES,
        error=SHAPE_ERROR,
        cases=(
            (
                "the samples of the data (`input_shape=X.shape`, sizes unknown)",
                "the same with 64 samples (and small sizes for the other unknown axes) standing in, named in the "
                "evidence; when the input then has the right rank, run the call on data of that shape",
                "Keras raises the error the rule predicts",
            ),
        ),
    )
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
    ndim=4". Passing `X_train.shape` is the common way to get there. When
    the samples take the place of the timesteps
    (`input_shape=(X.shape[0], X.shape[2])`), a Keras 3 `Sequential` model
    without a timestep-dependent layer does not check them and runs on the
    data's own timesteps without an error (measured): the declared model is
    not the one that runs, and the message says so.

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

    ## Fix safety
    There is no automatic fix: which axis is the batch size is for you to confirm.

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
                symbolic = samples_in_input(module, model, layer)
                if symbolic is not None:
                    yield self._report_samples(module, model, layer, node.layer, *symbolic)
                    continue
                sample = includes_batch(layer)
                if sample is None:
                    continue
                reason = _looks_like_batch(module, model, sample)
                if reason is None:
                    continue
                yield self._report(module, model, layer, node.layer, sample, reason)

    def _report_samples(
        self, module: ModuleIR, model: Model, input_layer: Layer, rnn: Layer, written: str, call: ModelCall
    ) -> Finding:
        """``input_shape`` holds the sample axis of the very data ``fit`` gets."""
        keyword = "input_shape" if input_layer.get("implicit") else "shape"
        span = rnn.span if input_layer.get("implicit") else input_layer.span
        data = x_value(call)
        assert isinstance(data, ArrayValue)
        return self.finding(
            module,
            span,
            f"{keyword}={written} includes {data.sample_dim}, the number of samples of the data given to "
            f"{call.method}() on line {call.span.line}: {keyword} is the shape of one sample, and Keras adds the "
            f"batch axis in front of it{_unchecked(module, model, input_layer)}",
            f"use {keyword}={array_name(data.sample_dim)}.shape[1:] (the axes after the samples: "
            "(timesteps, features))",
            model=model.id,
            layer=input_layer.id,
        )

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


def _unchecked(module: ModuleIR, model: Model, input_layer: Layer) -> str:
    """What Keras does instead of raising when the samples stand where the
    timesteps belong in a model whose timesteps it does not check (measured)."""
    declared = input_layer.get("shape")
    if not isinstance(declared, tuple) or len(declared) != 2 or keras_checks_timesteps(module, model):
        return ""
    return (
        f"; Keras {module.keras_version} does not check the declared timesteps here and runs the model on the "
        "data's own timesteps without an error"
    )


def reports_batch_in_input(module: ModuleIR, model: Model, layer: Layer) -> bool:
    """RNN012 reports ``layer`` (an input layer of ``model``)."""
    if samples_in_input(module, model, layer) is not None:
        return True
    sample = includes_batch(layer)
    return sample is not None and _looks_like_batch(module, model, sample) is not None


def samples_in_input(module: ModuleIR, model: Model, layer: Layer) -> tuple[str, ModelCall] | None:
    """How the declared shape holds the samples of data a call gets (``X.shape``,
    or ``(X.shape[0], ...)``), with that call; None when it does not."""
    declared = layer.get("shape")
    for call in module.calls_of(model, *BATCHED):
        data = x_value(call)
        if not isinstance(data, ArrayValue):
            continue
        lead = data.sample_dim
        if not isinstance(lead, Sym):
            continue
        if isinstance(declared, ShapeOf) and declared.start == 0 and declared.lead.root == lead.root:
            return f"{array_name(declared.lead)}.shape", call
        if isinstance(declared, tuple):
            for item in declared:
                if isinstance(item, Sym) and item.root == lead.root:
                    return _written(declared), call
    return None


def array_name(size: object) -> str:
    """``X`` for the samples ``len(X)`` of an array bound to ``X``."""
    label = str(size)
    return label[4:-1] if label.startswith("len(") and label.endswith(")") else "X"


def _written(shape: tuple) -> str:
    return "(" + ", ".join(str(item) if not isinstance(item, Unknown) else "?" for item in shape) + ")"


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
