"""RNN011: a recurrent layer feeds another without return_sequences=True."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape, producer, recurrent_core, through_submodels
from rnnlint.findings import Finding
from rnnlint.ir import Layer, ModuleIR
from rnnlint.rules.base import BUILD_AND_CALL, KERAS_RAISES, SHAPE_ERROR, Example, Experiment, FixExample, Rule
from rnnlint.shapes import infer


class StackedRnnMissingReturnSequences(Rule):
    code = "RNN011"
    name = "stacked-rnn-missing-return-sequences"
    summary = "A recurrent layer that feeds another must return sequences."
    experiment = Experiment("build", BUILD_AND_CALL, KERAS_RAISES, error=SHAPE_ERROR)
    fixer = "rnnlint.fix.rnn011_stacked_rnn_missing_return_sequences"
    doc = """
    ## What it does
    Finds a recurrent layer (possibly inside Bidirectional) whose output goes,
    directly or through Dropout/BatchNormalization-like layers, into another
    recurrent layer, without `return_sequences=True`.

    ## Why is this bad?
    By default a recurrent layer returns only its last output, `(batch,
    units)`: the time axis is gone, and the next recurrent layer, which needs
    `(batch, timesteps, features)`, fails with "expected ndim=3, found ndim=2".

    ## Example
    ```python
    model.add(LSTM(64, input_shape=(10, 8)))
    model.add(LSTM(32))
    ```

    ## Use instead
    ```python
    model.add(LSTM(64, return_sequences=True, input_shape=(10, 8)))
    model.add(LSTM(32))
    ```

    ## Fix safety
    The fix is safe: it adds `return_sequences=True` to the recurrent layer
    that feeds another, without which the model cannot be built. Inside
    `Bidirectional`, the wrapped layer gets it.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/ (`return_sequences`)
    """
    valid = (
        Example(
            """
            from keras.models import Sequential
            from keras.layers import LSTM, Dropout, Dense
            model = Sequential()
            model.add(LSTM(64, return_sequences=True, input_shape=(10, 8)))
            model.add(Dropout(0.2))
            model.add(LSTM(32))
            model.add(Dense(1))
            """
        ),
    )
    invalid = (
        Example(
            """
            from keras.models import Sequential
            from keras.layers import LSTM, Dropout
            model = Sequential()
            model.add(LSTM(64, input_shape=(10, 8)))  # expect: RNN011
            model.add(Dropout(0.2))
            model.add(LSTM(32))
            """
        ),
        Example(
            """
            from tensorflow.keras import layers, models
            model = models.Sequential([
                layers.Embedding(1000, 64),
                layers.Bidirectional(layers.GRU(32)),  # expect: RNN011
                layers.Bidirectional(layers.GRU(16)),
            ])
            """
        ),
    )

    fix_examples = (
        FixExample(
            """
            import keras
            from keras import layers
            model = keras.Sequential([
                keras.Input(shape=(10, 3)),
                layers.LSTM(32),
                layers.Bidirectional(layers.LSTM(16)),
                layers.Dense(1),
            ])
            """,
            """
            import keras
            from keras import layers
            model = keras.Sequential([
                keras.Input(shape=(10, 3)),
                layers.LSTM(32, return_sequences=True),
                layers.Bidirectional(layers.LSTM(16)),
                layers.Dense(1),
            ])
            """,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            shapes = infer(model)
            for node in model.nodes:
                if recurrent_core(node.layer) is None:
                    continue
                source = producer(model, node)
                if source is None:
                    continue
                owner, index, feeding = through_submodels(model, *source)
                if not returns_last_output_only(feeding.layer):
                    continue
                output = (shapes if owner is model else infer(owner)).nodes[index].outputs[0]
                core = recurrent_core(feeding.layer)
                assert core is not None
                yield self.finding(
                    module,
                    feeding.layer.span,
                    f"{feeding.layer.label} returns only its last output {fmt_shape(output)}, but "
                    f"{node.layer.label} on line {node.layer.span.line} needs a sequence (batch, timesteps, features)",
                    f"add return_sequences=True to {core.label}",
                    model=model.id,
                    layer=core.id,
                )


def returns_last_output_only(layer: Layer) -> bool:
    """A recurrent layer known to drop the time axis (``return_sequences`` False)."""
    core = recurrent_core(layer)
    if core is None or layer.kind == "TimeDistributed":
        return False
    return core.get("return_sequences", False) is False
