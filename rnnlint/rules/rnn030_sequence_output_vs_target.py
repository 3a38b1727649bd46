"""RNN030: the output keeps a time axis the targets lack, or the reverse."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import (
    fmt_shape,
    is_sparse,
    last_recurrent,
    loss_of,
    recurrent_core,
    shapes_ok,
    single_io,
    y_value,
)
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModelCall, ModuleIR
from rnnlint.rules.base import Example, Experiment, FixExample, Rule
from rnnlint.shapes import Shape, infer
from rnnlint.values import ArrayValue, Unknown, is_int

TARGET_CALLS = ("fit", "evaluate", "train_on_batch", "test_on_batch")


def outputs_and_targets(module: ModuleIR) -> Iterator[tuple[Model, ModelCall, Shape, tuple, str]]:
    """(model, call, output shape, target shape, loss) where all are known."""
    for model in module.models:
        if not single_io(model) or not shapes_ok(model):
            continue
        loss = loss_of(module, model)
        output = infer(model).output_shapes[0]
        if loss is None or isinstance(output, Unknown):
            continue
        if last_recurrent(model) is None:
            continue  # the rule is about recurrent layers' return_sequences
        for call in module.calls_of(model, *TARGET_CALLS):
            y = y_value(call)
            if isinstance(y, ArrayValue) and isinstance(y.shape, tuple) and y.shape:
                yield model, call, output, y.shape, loss


def has_time_axis_mismatch(output: Shape, target: tuple, loss: str) -> bool:
    """True when one of output and target has a time axis the other lacks."""
    if is_sparse(loss):  # integer labels: one axis fewer than the output (or a last axis of 1)
        return (len(output) == 3 and len(target) == 1) or (len(output) == 2 and len(target) == 3)
    target_rank = max(len(target), 2)  # Keras reads (n,) targets as (n, 1)
    if len(output) == 3 and target_rank == 2 and output[-1] == 1:
        # Keras squeezes a last axis of 1: (n, t) targets fit (batch, t, 1) outputs
        steps, target_steps = output[1], target[1] if len(target) == 2 else 1
        return is_int(steps) and is_int(target_steps) and steps != target_steps
    return (len(output) == 3 and target_rank == 2) or (len(output) == 2 and target_rank == 3)


class SequenceOutputVsTarget(Rule):
    code = "RNN030"
    name = "sequence-output-vs-target"
    summary = "Per-timestep outputs need per-timestep targets, and the reverse."
    experiment = Experiment(
        "targets",
        "`train_on_batch` against targets shaped as yours, with your loss",
        "Keras fails, or trains while the real output shape does not fit the targets (the loss broadcasts)",
        judge="time-axis",
    )
    fixer = "rnnlint.fix.rnn030_sequence_output_vs_target"
    doc = """
    ## What it does
    Finds models whose output keeps a time axis, `(batch, timesteps, units)`,
    because the last recurrent layer has `return_sequences=True`, while the
    targets have one value per sample, `(samples, units)`, or the reverse.

    ## Why is this bad?
    Keras does not complain: the loss broadcasts the per-sample target over
    every timestep and training "works", while the model learns to predict the
    same value at every step (or compares a whole sequence to one value).
    This is one of the silent mistakes.

    ## Example
    ```python
    model.add(LSTM(64, return_sequences=True, input_shape=(12, 5)))
    model.add(TimeDistributed(Dense(1)))
    model.fit(X, y)  # y.shape == (800, 1)
    ```

    ## Use instead
    ```python
    model.add(LSTM(64, input_shape=(12, 5)))
    model.add(Dense(1))
    model.fit(X, y)
    ```
    or give `y` the shape `(800, 12, 1)` if you want one prediction per step.

    ## Fix safety
    The fix is unsafe: the model's output changes shape. When the model
    outputs a sequence but the targets hold one value per sample, it sets
    `return_sequences=False` on the last recurrent layer. The other direction
    (one output per sample, targets per timestep) is a design change and is
    not fixed.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/ (`return_sequences`)
    """
    valid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, TimeDistributed, Dense
            model = Sequential()
            model.add(LSTM(64, return_sequences=True, input_shape=(12, 5)))
            model.add(TimeDistributed(Dense(1)))
            model.compile(loss="mae", optimizer="adam")
            model.fit(np.random.rand(800, 12, 5), np.random.rand(800, 12, 1))
            """
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([
                keras.Input(shape=(None,)),
                keras.layers.Embedding(65, 32),
                keras.layers.GRU(64, return_sequences=True),
                keras.layers.Dense(65),
            ])
            model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
            model.fit(np.zeros((100, 40)), np.zeros((100, 40)))
            """
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([keras.Input(shape=(12, 5)), keras.layers.GRU(8, return_sequences=True),
                                      keras.layers.Dense(1)])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.random.rand(800, 12, 5), np.random.rand(800, 12))
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            from keras.models import Sequential
            from keras.layers import LSTM, TimeDistributed, Dense
            model = Sequential()
            model.add(LSTM(64, return_sequences=True, input_shape=(12, 5)))  # expect: RNN030
            model.add(TimeDistributed(Dense(1)))
            model.compile(loss="mae", optimizer="adam")
            model.fit(np.random.rand(800, 12, 5), np.random.rand(800, 1))
            """
        ),
        Example(
            """
            import numpy as np
            import keras
            model = keras.Sequential([
                keras.Input(shape=(12, 5)),
                keras.layers.LSTM(64),  # expect: RNN030
                keras.layers.Dense(1),
            ])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.random.rand(800, 12, 5), np.random.rand(800, 12, 1))
            """
        ),
    )

    fix_examples = (
        FixExample(
            """
            import numpy as np
            import keras
            model = keras.Sequential([
                keras.Input(shape=(12, 3)),
                keras.layers.LSTM(16, return_sequences=True),
                keras.layers.Dense(1),
            ])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((100, 12, 3)), np.zeros((100, 1)))
            """,
            """
            import numpy as np
            import keras
            model = keras.Sequential([
                keras.Input(shape=(12, 3)),
                keras.layers.LSTM(16, return_sequences=False),
                keras.layers.Dense(1),
            ])
            model.compile(loss="mse", optimizer="adam")
            model.fit(np.zeros((100, 12, 3)), np.zeros((100, 1)))
            """,
            unsafe=True,
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        reported: set[int] = set()
        for model, call, output, target, loss in outputs_and_targets(module):
            if model.id in reported or not has_time_axis_mismatch(output, target, loss):
                continue
            reported.add(model.id)
            found = last_recurrent(model)
            assert found is not None
            anchor = found[1].layer
            core = recurrent_core(anchor) or anchor
            if len(output) == 3:
                steps = output[1]
                message = (
                    f"the model outputs one value per timestep {fmt_shape(output)} but the targets passed to "
                    f"{call.method}() on line {call.span.line} have one per sample {fmt_shape(target)}: Keras "
                    "broadcasts the loss over the timesteps and trains without any error"
                )
                fix = f"set return_sequences=False on {core.label} for one prediction per sequence"
                if isinstance(steps, int) and len(target) == 2:
                    fix += f", or give the targets the shape ({target[0]}, {steps}, {target[1]})"
            else:
                message = (
                    f"the model outputs one value per sample {fmt_shape(output)} but the targets passed to "
                    f"{call.method}() on line {call.span.line} have a time axis {fmt_shape(target)}"
                )
                fix = f"set return_sequences=True on {core.label} to predict every timestep"
            yield self.finding(module, anchor.span, message, fix, call=call, layer=anchor.id)
