"""RNN003: the fixed batch size does not divide the number of samples."""

from __future__ import annotations

import math
from collections.abc import Iterator

from rnnlint.facts import BATCHED, batch_size_arg, feeds_arrays, samples, stateful_models, x_value
from rnnlint.findings import Finding
from rnnlint.ir import ModelCall, ModuleIR
from rnnlint.rules.base import BATCH_ERROR, Example, Experiment, Rule
from rnnlint.values import is_int

VALIDATION_SPLIT_POSITION = 6
VALIDATION_DATA_POSITION = 7


class StatefulSamplesNotDivisible(Rule):
    code = "RNN003"
    name = "stateful-samples-not-divisible"
    summary = "A stateful model's batch size must divide every sample count it sees."
    experiment = Experiment(
        "not-divisible",
        "run the call (`fit`, `evaluate`, `predict`, `*_on_batch`) with the batch size the code uses, on one full "
        "batch plus your remainder (37 samples instead of 325; with `validation_split`, the smallest count that "
        "leaves the same remainders)",
        "Keras fails on the batch, or runs a last batch of one sample against the state of a full batch",
        error=BATCH_ERROR,
        judge="not-divisible",
    )
    doc = """
    ## What it does
    Checks that the fixed batch size of a stateful model divides the number of
    samples given to `fit` (and, with `validation_split`, both the training
    part and the validation part), to `validation_data`, `evaluate` and
    `predict`.

    ## Why is this bad?
    The last batch of an epoch is smaller than the others when the batch size
    does not divide the sample count, and a stateful layer's state has exactly
    `batch_size` rows. Keras fails at that last partial batch, deep in training,
    with a cryptic `BroadcastGradientArgs` or `Incompatible shapes` error.
    `validation_split=v` keeps the first `floor(n * (1 - v))` samples for
    training and the rest for validation: each part must be divisible.

    ## Example
    ```python
    # batch size 32, 325 samples
    model.fit(x[:325], y[:325], batch_size=32, shuffle=False)
    ```

    ## Use instead
    ```python
    model.fit(x[:320], y[:320], batch_size=32, shuffle=False)
    ```

    ## Fix safety
    There is no automatic fix: which samples to drop or add, or which batch size to
    use instead, is for you to decide.

    ## References
    - https://keras.io/getting_started/faq/#how-can-i-use-stateful-rnns
    - https://keras.io/api/models/model_training_apis/#fit-method (`validation_split`)
    """
    valid = (
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((320, 8, 16)), np.zeros((320, 4)), batch_size=32, shuffle=False,
                      validation_data=(np.zeros((96, 8, 16)), np.zeros((96, 4))))
            model.predict(np.zeros((64, 8, 16)), batch_size=32)
            """
        ),
        Example(
            """
            import numpy as np
            import tf_keras as keras
            model = keras.Sequential([keras.layers.LSTM(4, stateful=True, batch_input_shape=(10, 7, 3))])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((1000, 7, 3)), np.zeros((1000, 4)), batch_size=10, shuffle=False, validation_split=0.2)
            """,
            keras=2,
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((325, 8, 16)), np.zeros((325, 4)), batch_size=32, shuffle=False)  # expect: RNN003
            """
        ),
        Example(
            """
            import numpy as np
            import tf_keras as keras
            model = keras.Sequential([keras.layers.LSTM(4, stateful=True, batch_input_shape=(10, 7, 3))])
            model.compile(loss="mse", optimizer="adam")
            x = np.random.rand(1010, 7, 3)
            model.fit(x, np.zeros((1010, 4)), batch_size=10, shuffle=False, validation_split=0.2)  # expect: RNN003
            model.evaluate(x[:95], np.zeros((95, 4)), batch_size=10)  # expect: RNN003
            """,
            keras=2,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model, batch in stateful_models(module):
            for call in module.calls_of(model, *BATCHED):
                if not feeds_arrays(call) or call.given("steps_per_epoch") or call.given("steps"):
                    continue
                used = batch_size_arg(call)
                if is_int(used) and used != batch:
                    continue  # RNN004 reports the batch size itself
                problems = list(self._problems(call, batch))
                if problems:
                    yield self._report(module, call, batch, problems)

    def _problems(self, call: ModelCall, batch: int) -> Iterator[tuple[str, int, str]]:
        """(what, count, how to fix) for each sample count ``batch`` does not divide."""
        total = samples(x_value(call))
        split = call.value("validation_split", VALIDATION_SPLIT_POSITION, default=0.0) if call.method == "fit" else 0.0
        if is_int(total):
            if isinstance(split, float) and 0.0 < split < 1.0:
                train = math.floor(total * (1.0 - split))
                valid = total - train
                if train % batch or valid % batch:
                    parts = []
                    if train % batch:
                        parts.append(f"the {train} training samples")
                    if valid % batch:
                        parts.append(f"the {valid} validation samples")
                    what = " nor ".join(parts) + f" that validation_split={split} leaves of {total}"
                    yield what, total, _split_fix(total, split, batch)
            elif isinstance(split, (int, float)) and not split:
                if total % batch:
                    yield f"the {total} samples", total, _nearest(total, batch)
        if call.method == "fit":
            validation = call.value("validation_data", VALIDATION_DATA_POSITION, default=None)
            if isinstance(validation, tuple) and validation:
                count = samples(validation[0])
                if is_int(count) and count % batch:
                    yield f"the {count} samples of validation_data", count, _nearest(count, batch)

    def _report(self, module: ModuleIR, call: ModelCall, batch: int, problems: list[tuple[str, int, str]]) -> Finding:
        what = "; nor ".join(problem[0] for problem in problems)
        fixes = "; ".join(problem[2] for problem in problems)
        if all(count % batch == 1 for _, count, _ in problems):
            outcome = (
                "its last batch holds one sample, which Keras silently broadcasts against the state: wrong results"
            )
        else:
            outcome = "it fails at the last, partial batch"
        return self.finding(
            module,
            call.span,
            f"the stateful model's batch size {batch} does not divide {what}: in {call.method}() {outcome}",
            fixes,
            call=call,
        )


def _nearest(count: int, batch: int) -> str:
    below = count // batch * batch
    above = below + batch
    if below:
        return f"use {below} or {above} samples (multiples of {batch})"
    return f"use {above} samples (a multiple of {batch})"


def _split_fix(total: int, split: float, batch: int) -> str:
    """The nearest total sample count (within 100 batches) whose split leaves two
    divisible parts. Both parts divisible means the total is a multiple of
    ``batch``: only those ~200 candidates are tried, whatever the batch size."""
    base = total // batch
    multiples = (m * batch for m in range(max(1, base - 100), base + 102))
    near = sorted(
        (n for n in multiples if n != total and abs(n - total) < 100 * batch), key=lambda n: (abs(n - total), n)
    )
    for candidate in near:
        if candidate > 0:
            train = math.floor(candidate * (1.0 - split))
            if train and not train % batch and not (candidate - train) % batch:
                return (
                    f"use {candidate} samples (split into {train} + {candidate - train}), "
                    f"or pass validation_data with a multiple of {batch} samples"
                )
    return f"pass validation_data with a multiple of {batch} samples instead of validation_split"
