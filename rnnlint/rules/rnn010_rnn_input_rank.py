"""RNN010: a recurrent layer receives input of the wrong rank."""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint.facts import fmt_shape, producer, recurrent_core, through_submodels
from rnnlint.findings import Finding
from rnnlint.ir import Model, ModuleIR, Node
from rnnlint.kerasnames import CONV_RECURRENT
from rnnlint.rules.base import BUILD_AND_CALL, KERAS_RAISES, SHAPE_ERROR, Example, Experiment, Rule
from rnnlint.rules.rnn011_stacked_rnn_missing_return_sequences import returns_last_output_only
from rnnlint.rules.rnn012_input_shape_includes_batch import reports_batch_in_input
from rnnlint.shapes import Shape, infer


class RnnInputRank(Rule):
    code = "RNN010"
    name = "rnn-input-rank"
    summary = "Recurrent layers take 3-D input: (batch, timesteps, features)."
    experiment = Experiment("build", BUILD_AND_CALL, KERAS_RAISES, error=SHAPE_ERROR)
    doc = """
    ## What it does
    Finds recurrent layers (LSTM, GRU, SimpleRNN, RNN, and those inside
    Bidirectional) whose input is not 3-D, and ConvLSTM layers whose input has
    the wrong rank: `input_shape=(16,)`, or an LSTM after `Flatten` or after a
    `Dense` applied to 2-D data.

    ## Why is this bad?
    A recurrent layer reads a sequence per sample: its input is
    `(batch, timesteps, features)`, so `input_shape` is `(timesteps, features)`.
    `units` is the layer's own width and has nothing to do with either. With
    any other rank Keras raises "expected ndim=3, found ndim=2".

    ## Example
    ```python
    model.add(Conv1D(64, 3, input_shape=(60, 8)))
    model.add(Flatten())
    model.add(LSTM(50))
    ```

    ## Use instead
    ```python
    model.add(Conv1D(64, 3, input_shape=(60, 8)))
    model.add(LSTM(50))
    ```

    ## Fix safety
    There is no automatic fix: whether the data lacks an axis or the model a layer
    is for you to decide.

    ## References
    - https://keras.io/api/layers/recurrent_layers/lstm/ (Call arguments: `inputs`)
    """
    valid = (
        Example(
            """
            from keras.models import Sequential
            from keras.layers import Conv1D, MaxPooling1D, LSTM, Dense
            model = Sequential()
            model.add(Conv1D(64, 3, activation="relu", input_shape=(60, 8)))
            model.add(MaxPooling1D(2))
            model.add(LSTM(50))
            model.add(Dense(1))
            """
        ),
    )
    invalid = (
        Example(
            """
            from keras.models import Sequential
            from keras.layers import Conv1D, Flatten, LSTM
            model = Sequential()
            model.add(Conv1D(64, 3, input_shape=(60, 8)))
            model.add(Flatten())
            model.add(LSTM(50))  # expect: RNN010
            """
        ),
        Example(
            """
            from keras.models import Sequential
            from keras.layers import GRU
            model = Sequential()
            model.add(GRU(32, input_shape=(16,)))  # expect: RNN010
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        for model in module.models:
            shapes = infer(model)
            for index, node in enumerate(model.nodes):
                if shapes.nodes[index].error != "rank" or not _expects_sequence(node):
                    continue
                if _explained_elsewhere(module, model, node):
                    continue
                received = shapes.nodes[index].inputs[0]
                yield self._report(module, model, node, received)

    def _report(self, module: ModuleIR, model: Model, node: Node, received: Shape) -> Finding:
        expected = CONV_RECURRENT.get(node.layer.kind, 3)
        got = len(received)
        message = f"{node.layer.label} receives {got}-D input {fmt_shape(received)} but needs {expected}-D input " + (
            "(batch, timesteps, features)" if expected == 3 else "(batch, timesteps, ...spatial, channels)"
        )
        source = producer(model, node)
        if source is not None and source[1].layer.kind != "InputLayer":
            layer = source[1].layer
            fix = f"{layer.label} on line {layer.span.line} removed the time axis; feed the recurrent layer a sequence"
            if layer.kind == "Flatten":
                fix = f"remove Flatten on line {layer.span.line} (the recurrent layer reads the time axis itself)"
        elif expected == 3 and got == 2 and module.keras_version >= 3 and node.layer.arg_span("input_dim"):
            (features,) = received[1:]
            message += f" (Keras 3 reads input_dim={features} as input_shape=({features},), not as the feature count)"
            fix = f"replace input_dim={features} with input_shape=(timesteps, {features})"
        elif expected == 3 and got == 2:
            (features,) = received[1:]
            fix = (
                f"declare one sample as (timesteps, features): input_shape=({features}, 1) for {features} "
                f"timesteps of one feature, or input_shape=(1, {features}) for one timestep of {features} features"
            )
        elif got == expected + 1 and received[-1] == 1:
            fix = f"drop the channel axis of size 1: input_shape={fmt_shape(received[1:-1])} (timesteps, features)"
        else:
            fix = "declare input_shape=(timesteps, features) without the batch size"
        return self.finding(module, node.layer.span, message, fix, model=model.id, layer=node.layer.id)


def _expects_sequence(node: Node) -> bool:
    return recurrent_core(node.layer) is not None or node.layer.kind in CONV_RECURRENT


def _explained_elsewhere(module: ModuleIR, model: Model, node: Node) -> bool:
    """RNN011 (a recurrent layer feeding it) and RNN012 (batch in input_shape)
    report the cause themselves; when RNN012 cannot tell that the extra entry
    is a batch size (no data in the file), the rank error is reported here."""
    source = producer(model, node)
    if source is None:
        return False
    if returns_last_output_only(through_submodels(model, *source)[2].layer):
        return True
    layer = source[1].layer
    return layer.kind == "InputLayer" and reports_batch_in_input(module, model, layer)
