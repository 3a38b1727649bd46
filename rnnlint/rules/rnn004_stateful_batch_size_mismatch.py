"""RNN004: fit/evaluate/predict batch size differs from the stateful model's."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import BATCHED, batch_size_arg, batch_size_given, feeds_arrays, samples, stateful_models, x_value
from rnnlint.findings import Finding
from rnnlint.ir import ModelCall, ModuleIR
from rnnlint.rules.base import BATCH_ERROR, Example, Experiment, FixExample, Rule
from rnnlint.values import is_int

ON_BATCH = ("train_on_batch", "test_on_batch", "predict_on_batch")


class StatefulBatchSizeMismatch(Rule):
    code = "RNN004"
    name = "stateful-batch-size-mismatch"
    summary = "Calls on a stateful model must use the model's fixed batch size."
    experiment = Experiment(
        "batch-mismatch",
        "run the call (`fit`, `evaluate`, `predict`, `*_on_batch`) with the batch size the code uses, on one full "
        "batch plus your remainder",
        "Keras fails on the batch",
        error=BATCH_ERROR,
    )
    fixer = "rnnlint.fix.rnn004_stateful_batch_size_mismatch"
    doc = """
    ## What it does
    Finds `fit`, `evaluate`, `predict` and `*_on_batch` calls on a stateful
    model whose batches differ from the model's fixed batch size, including the
    default `batch_size` of 32 when the argument is missing.

    ## Why is this bad?
    A stateful layer's state has exactly one row per sample of the batch it
    was built for. Any other batch size fails: Keras 3 says "If an RNN is
    stateful, the batch size of the input sequences must be the same as the
    batch size of the initial state"; Keras 2 fails deep inside the train or
    predict function with "Incompatible shapes". The classic: a model trained
    with `batch_size=1` and then `model.predict(x)`, which uses 32.

    ## Example
    ```python
    model = Sequential()
    model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
    ...
    model.predict(x_test)
    ```

    ## Use instead
    ```python
    model.predict(x_test, batch_size=1)
    ```

    ## Fix safety
    The fix is unsafe: it sets `batch_size=` of `fit`, `evaluate` or `predict`
    to the model's fixed batch size, which changes how many samples each step
    sees. `train_on_batch`, `test_on_batch` and `predict_on_batch` calls are
    never fixed: their data must change.

    ## References
    - https://keras.io/api/models/model_training_apis/#predict-method (`batch_size` defaults to 32)
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
            model.fit(np.zeros((90, 3, 1)), np.zeros((90, 4)), batch_size=1, shuffle=False)
            model.predict(np.zeros((10, 3, 1)), batch_size=1)
            model.predict(np.zeros((1, 3, 1)))
            """,
            keras=2,
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
            model.fit(np.zeros((90, 3, 1)), np.zeros((90, 4)), batch_size=1, shuffle=False)
            model.predict(np.zeros((10, 3, 1)))  # expect: RNN004
            """,
            keras=2,
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((320, 8, 16)), np.zeros((320, 4)), batch_size=64, shuffle=False)  # expect: RNN004
            model.train_on_batch(np.zeros((16, 8, 16)), np.zeros((16, 4)))  # expect: RNN004
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
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=8, shuffle=False)
            predictions = model.predict(np.zeros((40, 5, 2)))
            """,
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4, shuffle=False)
            predictions = model.predict(np.zeros((40, 5, 2)), batch_size=4)
            """,
            unsafe=True,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model, batch in stateful_models(module):
            for call in module.calls_of(model, *BATCHED, *ON_BATCH):
                if not feeds_arrays(call):
                    continue
                finding = self._check_call(module, call, batch)
                if finding is not None:
                    yield finding

    def _check_call(self, module: ModuleIR, call: ModelCall, batch: int) -> Finding | None:
        count = samples(x_value(call))
        if call.method in ON_BATCH:
            if not is_int(count) or count == batch:
                return None
            return self.finding(
                module,
                call.span,
                f"{call.method}() gets a batch of {count} samples but the stateful model's batch size is {batch}",
                f"pass exactly {batch} samples per call",
                call=call,
            )
        used = batch_size_arg(call)
        if not is_int(used) or used == batch:
            return None
        if is_int(count) and {used if count >= used else count % used, count % used or used} == {batch}:
            return None  # every batch Keras forms has exactly `batch` samples
        said = f"batch_size={used}" if batch_size_given(call) else f"the default batch_size of {used}"
        return self.finding(
            module,
            call.span,
            f"{call.method}() uses {said} but the stateful model's batch size is fixed to {batch}",
            f"pass batch_size={batch}",
            call=call,
        )
