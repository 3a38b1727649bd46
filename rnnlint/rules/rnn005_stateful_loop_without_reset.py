"""RNN005: a manual epoch loop on a stateful model that never resets states."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import is_stateful
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModelCall, ModuleIR, Span
from rnnlint.rules.base import Example, Experiment, Rule


class StatefulLoopWithoutReset(Rule):
    code = "RNN005"
    name = "stateful-loop-without-reset"
    keras_specific = True
    summary = "A manual epoch loop on a stateful model must reset its states."
    experiment = Experiment(
        "state",
        "run batch 1, then batch 2 with the state batch 1 left and with fresh states",
        "the state is non-zero and changes batch 2's output",
        judge="carried-state",
    )
    doc = """
    ## What it does
    Finds `fit` calls inside a loop (and `train_on_batch` calls inside a loop
    over epochs) on a stateful model, where nothing in the loop resets the
    states with `reset_states()` / `reset_state()`.

    ## Why is this bad?
    A stateful layer keeps its state until it is reset. The usual reason for a
    manual loop of `fit(..., epochs=1)` is to reset between epochs: without it,
    each epoch starts from where the previous one ended, as if the end of the
    series were followed by its beginning.

    ## Example
    ```python
    for epoch in range(100):
        model.fit(x, y, epochs=1, batch_size=1, shuffle=False)
    ```

    ## Use instead
    ```python
    for epoch in range(100):
        model.fit(x, y, epochs=1, batch_size=1, shuffle=False)
        model.reset_states()  # Keras 3: reset each recurrent layer
    ```

    ## Fix safety
    There is no automatic fix: where each sequence starts in your loop is for you to
    say.

    ## References
    - https://keras.io/getting_started/faq/#how-can-i-use-stateful-rnns
    """
    valid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM
            model = Sequential()
            model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
            model.compile(loss="mse", optimizer="adam")
            x, y = np.zeros((90, 3, 1)), np.zeros((90, 4))
            for i in range(100):
                model.fit(x, y, epochs=1, batch_size=1, shuffle=False)
                model.reset_states()
            """,
            keras=2,
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            x, y = np.zeros((90, 3, 1)), np.zeros((90, 4))
            for epoch in range(10):
                for i in range(90):
                    model.train_on_batch(x[i:i + 1], y[i:i + 1])
                for layer in model.layers:
                    layer.reset_state()
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
            model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
            model.compile(loss="mse", optimizer="adam")
            x, y = np.zeros((90, 3, 1)), np.zeros((90, 4))
            for i in range(100):
                model.fit(x, y, epochs=1, batch_size=1, shuffle=False)  # expect: RNN005
            """,
            keras=2,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            if not is_stateful(model):
                continue
            for call in module.calls_of(model, "fit", "train_on_batch"):
                if self._misses_reset(model, call):
                    yield self.finding(
                        module,
                        call.span,
                        f"{call.method}() runs in a loop over epochs on a stateful model but nothing in the "
                        "loop resets the states, so each epoch starts from the state the last one ended with",
                        self._fix(module, model),
                        call=call,
                    )

    @staticmethod
    def _misses_reset(model: Model, call: ModelCall) -> bool:
        loops = [loop for loop in call.loops if not _inside(model.span, loop.span)]
        needed = 1 if call.method == "fit" else 2
        if len(loops) < needed or call.given("callbacks"):
            return False
        return not any(loop.resets_states for loop in loops)

    @staticmethod
    def _fix(module: ModuleIR, model: Model) -> str:
        name = model.name or "model"
        if module.keras_version >= 3:
            return f"call layer.reset_state() for each recurrent layer in {name}.layers at the end of each epoch"
        return f"call {name}.reset_states() at the end of each epoch"


def _inside(inner: Span, outer: Span) -> bool:
    """True when ``inner`` lies within ``outer`` (a model built inside the loop)."""
    return (outer.line, outer.column) <= (inner.line, inner.column) and (inner.end_line, inner.end_column) <= (
        outer.end_line,
        outer.end_column,
    )
