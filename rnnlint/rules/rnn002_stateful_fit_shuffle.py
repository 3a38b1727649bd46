"""RNN002: fit shuffles the batches of a stateful model."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import feeds_arrays, is_stateful, x_value
from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR
from rnnlint.rules.base import Example, Experiment, FixExample, Rule
from rnnlint.values import DatasetValue

SHUFFLE_POSITION = 8
"""``shuffle`` is fit's ninth parameter in Keras 2 and 3."""


class StatefulFitShuffle(Rule):
    code = "RNN002"
    name = "stateful-fit-shuffle"
    summary = "fit on a stateful model must not shuffle its samples."
    experiment = Experiment(
        "state",
        "run batch 1, then batch 2 with the state batch 1 left and with fresh states",
        "the state is non-zero and changes batch 2's output",
        judge="shuffled-state",
    )
    fixer = "rnnlint.fix.rnn002_stateful_fit_shuffle"
    doc = """
    ## What it does
    Finds `fit` calls on stateful models that shuffle the training samples:
    `shuffle=True`, or no `shuffle` argument at all (its default is True), or a
    `tf.data` dataset built with `.shuffle(...)`.

    ## Why is this bad?
    A stateful layer carries its state from sample *i* of batch *k* to sample
    *i* of batch *k + 1*: the data must be ordered so that each batch continues
    the previous one. Shuffling breaks that order, so every state the model
    carries over belongs to an unrelated sequence. Keras raises no error: the
    model just learns from noise.

    ## Example
    ```python
    model.fit(x, y, batch_size=32, epochs=10)
    ```

    ## Use instead
    ```python
    model.fit(x, y, batch_size=32, epochs=10, shuffle=False)
    ```

    ## Fix safety
    The fix is safe: it passes `shuffle=False` to `fit`, and a stateful model
    needs its batches in order. A `tf.data` dataset built with `.shuffle()` is
    not fixed: where the pipeline is built, and whether it is reused elsewhere,
    is for you to decide.

    ## References
    - https://keras.io/api/models/model_training_apis/#fit-method (`shuffle`)
    - https://keras.io/getting_started/faq/#how-can-i-use-stateful-rnns
    """
    valid = (
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(8)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)
            """
        ),
        Example(
            """
            import keras
            def train(model, dataset):
                model.fit(dataset, epochs=3)
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            train(model, load_dataset())
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)  # expect: RNN002
            """
        ),
        Example(
            """
            import tensorflow as tf
            ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1000).batch(4, drop_remainder=True)
            model = tf.keras.Sequential([
                tf.keras.Input(batch_shape=(4, 5, 2)),
                tf.keras.layers.LSTM(8, stateful=True),
            ])
            model.compile(loss="mse", optimizer="adam")
            model.fit(ds, epochs=3)  # expect: RNN002
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
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)
            """,
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            """,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            if not is_stateful(model):
                continue
            for call in module.calls_of(model, "fit"):
                finding = self._check_call(module, call)
                if finding is not None:
                    yield finding

    def _check_call(self, module: ModuleIR, call) -> Finding | None:  # type: ignore[no-untyped-def]
        x = x_value(call)
        if isinstance(x, DatasetValue):
            if not x.shuffled:
                return None
            return self.finding(
                module,
                call.span,
                "fit() trains a stateful model on a dataset built with .shuffle(), so consecutive "
                "batches are unrelated and the state carried between them is meaningless",
                "remove .shuffle() from the pipeline (keep sequences in order for a stateful model)",
                call=call,
            )
        if not feeds_arrays(call):
            return None
        shuffle = call.value("shuffle", SHUFFLE_POSITION, default=None)
        if shuffle is None:
            reason = "shuffles the samples (shuffle defaults to True)"
        elif shuffle is True or shuffle == "batch":
            reason = f"is called with shuffle={shuffle!r}"
        else:
            return None
        return self.finding(
            module,
            call.span,
            f"fit() on a stateful model {reason}, so batch k+1 no longer continues batch k "
            "and the state carried between them is meaningless",
            "pass shuffle=False",
            call=call,
        )
