"""RNN001: a stateful recurrent layer in a model whose batch size is not fixed."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape, model_batch, stateful_layers, training_batch_size
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModuleIR
from rnnlint.rules.base import BUILD_AND_CALL, KERAS_RAISES, Example, Experiment, FixExample, Rule
from rnnlint.shapes import infer
from rnnlint.values import is_int


class StatefulWithoutBatchSize(Rule):
    code = "RNN001"
    name = "stateful-without-batch-size"
    keras_specific = True
    summary = "A stateful recurrent layer needs a model with a fixed batch size."
    experiment = Experiment("build", BUILD_AND_CALL, KERAS_RAISES, error=r"stateful")
    fixer = "rnnlint.fix.rnn001_stateful_without_batch_size"
    doc = """
    ## What it does
    Finds `stateful=True` recurrent layers in models whose input declares no
    batch size (`input_shape=(timesteps, features)` or `Input(shape=...)` only).

    ## Why is this bad?
    A stateful layer keeps one state per sample of the batch between calls, so
    it must know how many samples a batch holds. Keras refuses to build such a
    model: "If a RNN is stateful, it needs to know its batch size" (Keras 2) or
    "When using stateful=True in a RNN, the batch size must be static" (Keras 3).

    ## Example
    ```python
    model = Sequential()
    model.add(LSTM(32, stateful=True, input_shape=(8, 16)))
    ```

    ## Use instead
    Keras 3:
    ```python
    model = Sequential()
    model.add(keras.Input(batch_shape=(32, 8, 16)))
    model.add(LSTM(32, stateful=True))
    ```
    Keras 2: `LSTM(32, stateful=True, batch_input_shape=(32, 8, 16))`.

    ## Fix safety
    The fix is unsafe: the model then accepts no other batch size. It gives the
    model the batch size that every `fit`, `evaluate` and `predict` call uses,
    in the form of the Keras version judged for: under Keras 3,
    `Input(shape=(t, f))` becomes `Input(batch_shape=(b, t, f))`, and a
    Sequential model's first-layer `input_shape=(t, f)` moves to an
    `Input(batch_shape=(b, t, f))` in front of it; under Keras 2, the first
    layer's `input_shape=` becomes `batch_input_shape=`. A shape not written as
    a tuple gets `batch_size=b` next to it. There is no fix when no such call
    feeds arrays, when the calls disagree, or when their batch size is not
    known.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/ (`stateful`)
    - https://keras.io/getting_started/faq/#how-can-i-use-stateful-rnns
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
            model.add(LSTM(4, input_shape=(5, 2), batch_size=10, stateful=True))
            """,
            keras=2,
        ),
        Example(
            """
            import keras
            def build(batch_size):
                inputs = keras.Input(shape=(8, 16), batch_size=batch_size)
                return keras.Model(inputs, keras.layers.LSTM(4, stateful=True)(inputs))
            """
        ),
    )
    invalid = (
        Example(
            """
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            model = Sequential()
            model.add(LSTM(32, stateful=True, input_shape=(8, 16)))  # expect: RNN001
            model.add(Dense(1))
            """
        ),
        Example(
            """
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(10, 3))
            outputs = tf.keras.layers.GRU(8, stateful=True)(inputs)  # expect: RNN001
            model = tf.keras.Model(inputs, outputs)
            """,
            keras=2,
        ),
    )

    fix_examples = (
        FixExample(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            unsafe=True,
        ),
        FixExample(
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.layers.LSTM(8, stateful=True, input_shape=(5, 2)))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.layers.LSTM(8, stateful=True, batch_input_shape=(4, 5, 2)))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            keras=2,
            unsafe=True,
        ),
        FixExample(
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.layers.LSTM(8, stateful=True, input_shape=(5, 2)))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.Input(batch_shape=(4, 5, 2)))
            model.add(keras.layers.LSTM(8, stateful=True))
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
            unsafe=True,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            layers = stateful_layers(model)
            if not layers or model_batch(model) is not None:
                continue
            layer = layers[0]
            yield self.finding(
                module,
                layer.span,
                f"{layer.label} is stateful but the model has no fixed batch size",
                self._fix(module, model),
                model=model.id,
                layer=layer.id,
            )

    def _fix(self, module: ModuleIR, model: Model) -> str:
        batch = _training_batch(module, model)
        shape = infer(model).input_shapes[0] if model.inputs else None
        sample = fmt_shape(shape[1:]) if isinstance(shape, tuple) else "(timesteps, features)"
        full = fmt_shape((batch, *shape[1:])) if isinstance(shape, tuple) else f"({batch}, timesteps, features)"
        if module.keras_version >= 3:
            if model.kind == "sequential":
                return f"add keras.Input(batch_shape={full}) as the model's first layer"
            return f"declare the input as keras.Input(batch_shape={full})"
        if model.kind == "sequential":
            return f"pass batch_input_shape={full} to the first layer (or batch_size={batch} with input_shape={sample})"
        return f"declare the input as Input(batch_shape={full})"


def _training_batch(module: ModuleIR, model: Model) -> str:
    """The batch size the code trains with, to put in the fix ('batch_size' if unknown)."""
    size = training_batch_size(module, model)
    return str(size) if is_int(size) else "batch_size"
