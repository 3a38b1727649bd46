"""RNN041: model.reset_states() under Keras 3."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR
from rnnlint.rules.base import MODEL_WORDS, Example, Experiment, FixExample, Rule


class Keras3ModelResetStates(Rule):
    code = "RNN041"
    name = "keras3-model-reset-states"
    keras_specific = True
    summary = "Keras 3 models have no reset_states(); reset the recurrent layers."
    words = ((("reset_states",), MODEL_WORDS),)
    """A ``reset_states`` call and a model, with or without a recurrent layer."""
    experiment = Experiment(
        "attribute",
        "build the model as the class you used (`Sequential` or `Model`), look up `reset_states`",
        "Keras raises AttributeError",
        error=r"reset_states",
    )
    fixer = "rnnlint.fix.rnn041_keras3_model_reset_states"
    doc = """
    ## What it does
    Under Keras 3, finds `model.reset_states()` calls on a model.

    ## Why is this bad?
    In Keras 2, `Model.reset_states()` reset every stateful layer. Keras 3
    removed it from `Model`: the call raises `AttributeError` (often after a
    whole epoch of training). Recurrent layers still have `reset_states()`
    and `reset_state()`. Reset only the stateful ones, as Keras 2 did: a
    non-stateful `Bidirectional` raises "Layer must be stateful." on
    `reset_state()`, and preprocessing layers (`TextVectorization`,
    `StringLookup`, `Discretization`) have a `reset_state()` that clears what
    `adapt` gathered.

    ## Example
    ```python
    for epoch in range(5):
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False)
        model.reset_states()
    ```

    ## Use instead
    ```python
    for epoch in range(5):
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False)
        for layer in model.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
                layer.reset_state()
    ```

    ## Fix safety
    The fix is safe: it resets exactly the layers Keras 2 reset. The
    `model.reset_states()` statement becomes the loop Keras 2 ran inside it,
    written for Keras 3: each layer of the model that is stateful and has
    `reset_state` calls `reset_state()` (a non-stateful `Bidirectional` would
    raise, and a preprocessing layer's `reset_state()` clears what `adapt`
    learnt). A call that is not a whole statement on its own line, such as one
    whose result is used, is not fixed.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/
    - https://keras.io/guides/migrating_to_keras_3/
    """
    valid = (
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(8, 15, 2)), keras.layers.LSTM(4, stateful=True)])
            for layer in model.layers:
                layer.reset_state()
            """
        ),
        Example(
            """
            import tf_keras as keras
            model = keras.Sequential([keras.layers.LSTM(4, stateful=True, batch_input_shape=(8, 15, 2))])
            model.reset_states()
            """,
            keras=2,
        ),
    )
    invalid = (
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(8, 15, 2)), keras.layers.LSTM(4, stateful=True)])
            model.reset_states()  # expect: RNN041
            """
        ),
    )

    fix_examples = (
        FixExample(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            for epoch in range(10):
                model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
                model.reset_states()
            """,
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            for epoch in range(10):
                model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
                for layer in model.layers:
                    if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
                        layer.reset_state()
            """,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        if module.keras_version < 3:
            return
        for call in module.calls:
            if call.method == "reset_states":
                name = module.model(call.model).name or "model"
                yield self.finding(
                    module,
                    call.span,
                    f"Keras 3 models have no reset_states(): {name}.reset_states() raises AttributeError",
                    f"reset each stateful layer instead: for layer in {name}.layers: "
                    "if getattr(layer, 'stateful', False) and hasattr(layer, 'reset_state'): layer.reset_state()",
                    call=call,
                )
