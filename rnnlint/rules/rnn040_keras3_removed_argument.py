"""RNN040: Keras 2 batch arguments on a layer, which Keras 3 rejects."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape, is_recurrent_model, recurrent_core
from rnnlint.findings import Finding
from rnnlint.ir import Layer, ModuleIR
from rnnlint.rules.base import RECURRENT_WORDS, Example, Experiment, FixExample, Rule
from rnnlint.shapes import as_dims

REMOVED = ("batch_input_shape", "batch_size")


class Keras3RemovedArgument(Rule):
    code = "RNN040"
    name = "keras3-removed-argument"
    keras_specific = True
    summary = "Keras 3 layers take no batch_input_shape= or batch_size=."
    words = ((("batch_input_shape",),), (RECURRENT_WORDS, ("batch_size",)))
    """Any layer given ``batch_input_shape``, or a recurrent layer given ``batch_size``, even outside a model."""
    experiment = Experiment(
        "removed-argument",
        "create the layer with the removed argument exactly as written (`batch_input_shape=(32, 8, 16)`)",
        'Keras 3 raises "Unrecognized keyword arguments"',
        error=r"Unrecognized keyword argument|not understood|unexpected keyword",
    )
    fixer = "rnnlint.fix.rnn040_keras3_removed_argument"
    doc = """
    ## What it does
    Under Keras 3, finds `batch_input_shape=` or `batch_size=` passed to a layer
    other than `Input`/`InputLayer`: the Keras 2 way of fixing the batch size
    of a (stateful) model.

    ## Why is this bad?
    Keras 3 removed these arguments from layers. Creating the layer raises
    `ValueError: Unrecognized keyword arguments passed to LSTM:
    {'batch_input_shape': (32, 8, 16)}`. Code from Keras 2 tutorials fails
    before the model even exists.

    ## Example
    ```python
    model.add(LSTM(32, stateful=True, batch_input_shape=(32, 8, 16)))
    ```

    ## Use instead
    ```python
    model.add(keras.Input(batch_shape=(32, 8, 16)))
    model.add(LSTM(32, stateful=True))
    ```
    or `keras.Input(shape=(8, 16), batch_size=32)`.

    ## Fix safety
    The fix is safe: Keras 2 builds the same model, and Keras 3 can build it
    at all. The first layer's `batch_input_shape=(b, t, f)` moves to a
    `keras.Input(batch_shape=(b, t, f))` in front of it, and `batch_size=b`
    with `input_shape=(t, f)` to `keras.Input(shape=(t, f), batch_size=b)`;
    the expressions move as written, and `Input` is imported the way the file
    imports its layers. The argument on any other layer is not fixed.

    ## References
    - https://keras.io/guides/migrating_to_keras_3/
    - https://keras.io/api/layers/core_layers/input/
    """
    valid = (
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(32, stateful=True)])
            """
        ),
        Example(
            """
            from keras.models import Sequential
            from keras.layers import LSTM
            model = Sequential()
            model.add(LSTM(32, stateful=True, batch_input_shape=(32, 8, 16)))
            """,
            keras=2,
        ),
    )
    invalid = (
        Example(
            """
            import keras
            model = keras.Sequential()
            model.add(keras.layers.LSTM(32, stateful=True,
                                        batch_input_shape=(32, 8, 16)))  # expect: RNN040
            """
        ),
        Example(
            """
            from keras import layers
            lstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)  # expect: RNN040
            """
        ),
    )

    fix_examples = (
        FixExample(
            """
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            model = Sequential()
            model.add(LSTM(32, stateful=True, batch_input_shape=(32, 8, 16)))
            model.add(Dense(10, activation="softmax"))
            """,
            """
            from keras.models import Sequential
            from keras.layers import LSTM, Dense, Input
            model = Sequential()
            model.add(Input(batch_shape=(32, 8, 16)))
            model.add(LSTM(32, stateful=True))
            model.add(Dense(10, activation="softmax"))
            """,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        if module.keras_version < 3:
            return
        for layer in module.layers:
            if layer.kind == "InputLayer":
                continue
            for arg in layer.args:
                if arg.keyword == "batch_size" and not _in_recurrent_model(module, layer):
                    continue  # only a batch size that a recurrent model depends on is rnnlint's business
                if arg.keyword in REMOVED:
                    yield self.finding(
                        module,
                        arg.span,
                        f"Keras 3 has no {arg.keyword}= argument on layers: {layer.kind}(...) raises "
                        f"'Unrecognized keyword arguments passed to {layer.kind}'",
                        _fix(layer, arg.keyword),
                        model=_model_of(module, layer),
                        layer=layer.id,
                    )


def _in_recurrent_model(module: ModuleIR, layer: Layer) -> bool:
    if recurrent_core(layer) is not None:
        return True
    return any(is_recurrent_model(model) for model in module.models if model.id == _model_of(module, layer))


def _model_of(module: ModuleIR, layer: Layer) -> int | None:
    for model in module.models:
        if any(candidate.id == layer.id for candidate in model.layers):
            return model.id
    return None


def _fix(layer: Layer, keyword: str) -> str:
    if keyword == "batch_input_shape":
        shape = as_dims(layer.get("batch_input_shape"))
        spec = (
            f"batch_shape={fmt_shape(shape)}"
            if isinstance(shape, tuple)
            else "batch_shape=(batch, timesteps, features)"
        )
    else:
        sample = as_dims(layer.get("input_shape"))
        shape_text = fmt_shape(sample) if isinstance(sample, tuple) else "(timesteps, features)"
        batch = layer.get("batch_size")
        spec = f"shape={shape_text}, batch_size={batch if isinstance(batch, int) else 'batch_size'}"
    return f"remove it and put keras.Input({spec}) before the first layer"
