"""RNN020: the data's rank differs from the model input's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rnnlint.facts import fmt_shape, is_recurrent_model, shapes_ok, x_value
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModelCall, ModuleIR
from rnnlint.rules.base import SHAPE_ERROR, Example, Experiment, Rule
from rnnlint.shapes import infer
from rnnlint.values import ArrayValue, DatasetValue, is_int

DATA_CALLS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch")


@dataclass(frozen=True)
class DataFeed:
    """Data given to a model: the declared input shape, the data's shape
    (batch first), and the dataset it comes from when it is one."""

    model: Model
    call: ModelCall
    declared: tuple
    data: tuple
    dataset: DatasetValue | None = None


def model_inputs_and_data(module: ModuleIR) -> Iterator[tuple[ModelCall, tuple, tuple]]:
    """(call, declared input shape, data shape) for every data call on a model that builds."""
    for feed in data_feeds(module):
        yield feed.call, feed.declared, feed.data


def data_feeds(module: ModuleIR) -> Iterator[DataFeed]:
    """Every array or dataset of known rank given to a model that builds."""
    for model in module.models:
        if not shapes_ok(model) or not is_recurrent_model(model):
            continue
        declared = infer(model).input_shapes
        for call in module.calls_of(model, *DATA_CALLS):
            x = x_value(call)
            if isinstance(x, DatasetValue):
                if len(declared) == 1 and isinstance(x.batch_shape, tuple) and isinstance(declared[0], tuple):
                    yield DataFeed(model, call, declared[0], x.batch_shape, x)
                continue
            arrays = x if isinstance(x, tuple) else (x,)
            if len(arrays) != len(declared):
                continue
            for shape, array in zip(declared, arrays, strict=True):
                if isinstance(array, ArrayValue) and isinstance(array.shape, tuple) and isinstance(shape, tuple):
                    yield DataFeed(model, call, shape, array.shape)


def keras_adjusted(data: tuple, declared: tuple) -> tuple | None:
    """The data's shape as Keras 2 and 3 adjust it before checking it
    (measured, docs/data-apis.md): a missing trailing axis of size 1 is added,
    a trailing axis of size 1 is squeezed. None when an extra trailing axis
    may be 1 (its size is unknown), so that nothing can be told."""
    if len(data) == len(declared) - 1 and declared and declared[-1] == 1:
        return (*data, 1)
    if len(data) == len(declared) + 1 and data:
        if data[-1] == 1:
            return data[:-1]
        if not is_int(data[-1]):
            return None
    return data


class DataRank(Rule):
    code = "RNN020"
    name = "data-rank"
    summary = "Data given to a recurrent model must have the rank of its input."
    experiment = Experiment(
        "data-shape", "run the call on one batch shaped as your data", "Keras rejects the data", error=SHAPE_ERROR
    )
    doc = """
    ## What it does
    Compares the rank of the arrays given to `fit`, `evaluate`, `predict` and
    `*_on_batch` with the rank of the model's input, typically a 2-D
    `(samples, features)` table given to an LSTM that wants 3-D
    `(samples, timesteps, features)`.

    ## Why is this bad?
    Keras raises "expected ndim=3, found ndim=2" when it first sees the data,
    and the fix depends on what the columns mean: are they timesteps of one
    feature, or features of one timestep?

    ## Example
    ```python
    X = np.random.rand(100, 8)           # 100 samples, 8 columns
    model.add(LSTM(16, input_shape=(1, 8)))
    model.fit(X, y)
    ```

    ## Use instead
    ```python
    X = X.reshape((X.shape[0], 1, X.shape[1]))  # (100, 1, 8)
    model.fit(X, y)
    ```

    ## Fix safety
    There is no automatic fix: how to window or reshape your data is for you to
    decide.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/ (Call arguments: `inputs`)
    """
    valid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            X = np.random.rand(100, 8)
            X = np.reshape(X, (X.shape[0], 1, X.shape[1]))
            model = Sequential()
            model.add(LSTM(16, input_shape=(1, 8)))
            model.add(Dense(1))
            model.compile(loss="mse", optimizer="adam")
            model.fit(X, np.zeros((100, 1)))
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            X = np.random.rand(100, 8)
            model = Sequential()
            model.add(LSTM(16, input_shape=(1, 8)))
            model.add(Dense(1))
            model.compile(loss="mse", optimizer="adam")
            model.fit(X, np.zeros((100, 1)))  # expect: RNN020
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for feed in data_feeds(module):
            call, shape, data = feed.call, feed.declared, feed.data
            adjusted = keras_adjusted(data, shape)
            if adjusted is None or len(adjusted) == len(shape):
                continue
            yield self.finding(
                module,
                call.span,
                f"{call.method}() gets data of shape {fmt_shape(data)} ({len(data)}-D) but the model "
                f"expects {fmt_shape(shape)} ({len(shape)}-D: {_axes(len(shape))})",
                _reshape_hint(data, shape),
                call=call,
            )


def _axes(rank: int) -> str:
    return {2: "batch, timesteps", 3: "batch, timesteps, features"}.get(rank, "batch first")


def _reshape_hint(data: tuple, declared: tuple) -> str:
    if len(data) + 1 == len(declared) and data == declared[1:] and all(is_int(size) for size in data):
        return (
            f"it is one sample without its batch axis: add one with x[np.newaxis] (shape {fmt_shape((1, *data))}), "
            "or index with a slice (x[0:1], not x[0])"
        )
    if len(data) == 2 and len(declared) == 3:
        samples, columns = data
        steps, features = declared[1:]
        n = samples if is_int(samples) else "x.shape[0]"
        if steps == 1 or (features == columns and not is_int(steps)):
            return f"reshape it to (samples, 1, {columns}): x.reshape(({n}, 1, {columns}))"
        if features == 1 or steps == columns:
            return f"reshape it to (samples, {columns}, 1): x.reshape(({n}, {columns}, 1))"
        if is_int(steps) and is_int(features) and columns == steps * features:
            return f"reshape it to (samples, timesteps, features): x.reshape(({n}, {steps}, {features}))"
        return f"cut it into windows of (samples, timesteps, features), each shaped {fmt_shape(declared[1:])}"
    return f"give the data {len(declared)} axes, shaped like {fmt_shape(declared)} with the samples first"
