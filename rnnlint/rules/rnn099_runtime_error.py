"""RNN099: Keras rejects a model that no static rule flagged (found by ``--confirm=all``)."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.codes import RUNTIME_ERROR
from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR
from rnnlint.rules.base import Example, Rule


class RuntimeErrorInKeras(Rule):
    code = RUNTIME_ERROR  # the confirm step makes its findings: a pipeline code
    name = "runtime-error"
    summary = "Keras rejects the model when it is built and called (reported by --confirm=all only)."
    confirm_only = True
    doc = """
    ## What it does
    With `--confirm=all`, every model is rebuilt in TensorFlow from what
    rnnlint read (never by running your file) and called on zeros of its
    declared input shape. When Keras raises an error for a model that no
    static rule flagged, this finding reports it at the line where the model
    is created, with the exception type and Keras's message. Without
    `--confirm=all` it never fires: it needs TensorFlow.

    ## Why is this bad?
    The program fails as soon as the model is built or first called, with a
    mistake rnnlint's static rules do not know yet, such as merging two
    sequences of different lengths. Every RNN099 is a rule rnnlint lacks:
    please report it with the program.

    ## Example
    ```python
    encoded = layers.LSTM(32, return_sequences=True)(keras.Input(shape=(8, 16)))
    decoded = layers.LSTM(32, return_sequences=True)(keras.Input(shape=(4, 16)))
    merged = layers.Concatenate()([encoded, decoded])  # 8 timesteps and 4
    ```

    ## Use instead
    ```python
    merged = layers.Concatenate(axis=1)([encoded, decoded])  # (None, 12, 32)
    ```
    or give both sequences the same number of timesteps.

    ## Fix safety
    There is no automatic fix: Keras's message says what to change.

    ## References
    - https://keras.io/api/layers/merging_layers/concatenate/
    - `rnnlint --confirm` in docs/confirm.md
    """
    valid = (
        Example(
            """
            import keras
            from keras import layers
            encoder_in = keras.Input(shape=(8, 16))
            decoder_in = keras.Input(shape=(4, 16))
            encoded = layers.LSTM(32, return_sequences=True)(encoder_in)
            decoded = layers.LSTM(32, return_sequences=True)(decoder_in)
            merged = layers.Concatenate(axis=1)([encoded, decoded])
            model = keras.Model([encoder_in, decoder_in], layers.Dense(1)(merged))
            """
        ),
    )
    invalid = (
        Example(
            """
            import keras
            from keras import layers
            encoder_in = keras.Input(shape=(8, 16))
            decoder_in = keras.Input(shape=(4, 16))
            encoded = layers.LSTM(32, return_sequences=True)(encoder_in)
            decoded = layers.LSTM(32, return_sequences=True)(decoder_in)
            merged = layers.Concatenate(axis=-1)([encoded, decoded])
            model = keras.Model([encoder_in, decoder_in], layers.Dense(1)(merged))  # expect: RNN099
            """
        ),
        Example(
            """
            import tf_keras as keras
            model = keras.Sequential([  # expect: RNN099
                keras.layers.Dense(16, input_shape=(10,)),
                keras.layers.Reshape((5, 5)),
                keras.layers.LSTM(4),
            ])
            """,
            keras=2,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        """Nothing statically: ``rnnlint.confirm`` reports it from what Keras raised."""
        return iter(())
