"""RNN031: the final layer's width or activation does not fit the targets and loss."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape, is_recurrent_model, is_sparse
from rnnlint.findings import Finding
from rnnlint.ir import Layer, Model, ModuleIR
from rnnlint.rules.base import Example, Experiment, Rule
from rnnlint.rules.rnn030_sequence_output_vs_target import has_time_axis_mismatch, outputs_and_targets
from rnnlint.values import is_int


class OutputTargetMismatch(Rule):
    code = "RNN031"
    name = "output-target-mismatch"
    summary = "The last layer must produce what the loss compares with the targets."
    experiment = Experiment(
        "targets",
        "`train_on_batch` against targets shaped as yours, with your loss",
        "Keras fails, or trains while the real output shape does not fit the targets (the loss broadcasts)",
        judge="targets",
        cases=(("softmax over one unit", "call the model", "every output is 1.0"),),
    )
    doc = """
    ## What it does
    Checks the model's last layer against the targets and the loss: its width
    against the targets' last dimension; `categorical_crossentropy` with
    integer labels or a single output unit; `sparse_categorical_crossentropy`
    with one-hot targets; `softmax` over a single unit.

    ## Why is this bad?
    `units` of the last layer is the number of values predicted per sample.
    With 3 one-hot classes and `Dense(1)`, the loss compares 1 value with 3
    (Keras fails or, worse, broadcasts). A softmax over one unit always
    outputs 1.0, and categorical crossentropy over one unit is always 0: the
    model cannot learn.

    ## Example
    ```python
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(X, to_categorical(labels, 3))
    ```

    ## Use instead
    ```python
    model.add(Dense(3, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Fix safety
    There is no automatic fix: the last layer, the loss and the labels must agree,
    and which of them is wrong is for you to decide.

    ## References
    - https://keras.io/api/losses/probabilistic_losses/
    - https://keras.io/api/layers/core_layers/dense/
    """
    valid = (
        Example(
            """
            import numpy as np
            from tensorflow import keras
            labels = np.random.randint(0, 3, size=(700,))
            model = keras.Sequential([keras.Input(shape=(128, 9)), keras.layers.LSTM(100),
                                      keras.layers.Dense(3, activation="softmax")])
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            model.fit(np.random.rand(700, 128, 9), keras.utils.to_categorical(labels, 3))
            model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
            """
        ),
        Example(
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential([keras.Input(shape=(128, 9)), keras.layers.LSTM(100),
                                      keras.layers.Dense(1, activation="sigmoid")])
            model.compile(loss="binary_crossentropy", optimizer="adam")
            model.fit(np.random.rand(700, 128, 9), np.random.randint(0, 2, size=(700,)))
            """
        ),
    )
    invalid = (
        Example(
            """
            import numpy as np
            from tensorflow import keras
            labels = np.random.randint(0, 3, size=(700,))
            model = keras.Sequential()
            model.add(keras.layers.LSTM(100, input_shape=(128, 9)))
            model.add(keras.layers.Dense(1, activation="sigmoid"))  # expect: RNN031
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            model.fit(np.random.rand(700, 128, 9), keras.utils.to_categorical(labels, 3))
            """
        ),
        Example(
            """
            import numpy as np
            from tensorflow import keras
            model = keras.Sequential([keras.Input(shape=(128, 9)), keras.layers.LSTM(100),
                                      keras.layers.Dense(5, activation="softmax")])  # expect: RNN031
            model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
            model.fit(np.random.rand(700, 128, 9), np.zeros((700, 5)))
            """
        ),
        Example(
            """
            from keras.models import Sequential
            from keras.layers import GRU, Dense
            model = Sequential([GRU(8, input_shape=(10, 2)), Dense(1, activation="softmax")])  # expect: RNN031
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        reported: set[int] = set()
        for model, call, output, target, loss in outputs_and_targets(module):
            if model.id in reported or has_time_axis_mismatch(output, target, loss):
                continue
            problem = target_problem(output, target, loss)
            if problem is not None:
                reported.add(model.id)
                layer = _final_layer(model)
                yield self.finding(
                    module,
                    layer.span,
                    f"{problem} (targets given on line {call.span.line})",
                    _fix(layer, output, target, loss),
                    call=call,
                    layer=layer.id,
                )
        for model in module.models:
            if not model.outputs or not is_recurrent_model(model):
                continue
            layer = _final_layer(model)
            if model.id not in reported and _units(layer) == 1 and _activation(layer) == "softmax":
                yield self.finding(
                    module,
                    layer.span,
                    f"softmax over a single unit always outputs 1.0: {layer.label} cannot learn anything",
                    "use activation='sigmoid' for a binary target, or one unit per class with softmax",
                    model=model.id,
                    layer=layer.id,
                )


def _final_layer(model: Model) -> Layer:
    return model.nodes[model.outputs[0].node].layer


def _units(layer: Layer) -> object:
    holder = layer.wrapped if layer.kind == "TimeDistributed" and layer.wrapped is not None else layer
    return holder.get("units") if holder.kind == "Dense" else None


def _activation(layer: Layer) -> object:
    holder = layer.wrapped if layer.kind == "TimeDistributed" and layer.wrapped is not None else layer
    return holder.get("activation")


def target_problem(output: tuple, target: tuple, loss: str) -> str | None:
    width = output[-1]
    target_width = target[-1] if len(target) == len(output) else 1
    if not is_int(width) or not is_int(target_width):
        return None
    categorical = loss == "categoricalcrossentropy"
    if is_sparse(loss):
        if len(target) == len(output) and target_width == width and width > 1:
            return (
                f"sparse_categorical_crossentropy expects integer class labels but the targets {fmt_shape(target)} "
                f"are one-hot over the {width} outputs"
            )
        return None
    if categorical and width == 1:
        return (
            f"categorical_crossentropy over a single output unit is always 0, and the targets "
            f"{fmt_shape(target)} have {target_width} values per sample"
        )
    if categorical and target_width == 1 and width > 1:
        return (
            f"categorical_crossentropy expects one-hot targets of width {width} but the targets "
            f"{fmt_shape(target)} hold integer labels"
        )
    if width != target_width:
        return (
            f"the model outputs {width} value{'s' if width != 1 else ''} per sample {fmt_shape(output)} but the "
            f"targets have {target_width} {fmt_shape(target)}"
        )
    return None


def _fix(layer: Layer, output: tuple, target: tuple, loss: str) -> str:
    width = output[-1]
    target_width = target[-1] if len(target) == len(output) else 1
    if is_sparse(loss):
        return "use categorical_crossentropy with one-hot targets, or integer labels with the sparse loss"
    if loss == "categoricalcrossentropy" and target_width == 1 and is_int(width) and width > 1:
        return "use sparse_categorical_crossentropy for integer labels, or one-hot them with to_categorical"
    if loss == "categoricalcrossentropy":
        return f"give the last layer {target_width} units with activation='softmax'"
    return f"give the last layer {target_width} unit{'s' if target_width != 1 else ''} (it has {layer.label})"
