"""Facts about models and their calls that several rules share.

Each is a pure function of the IR, answering UNKNOWN (or None) when the
analysis cannot tell, so that rules stay short and never guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rnnlint.ir import Layer, Model, ModelCall, ModuleIR, Node
from rnnlint.kerasnames import CONV_RECURRENT, PASSTHROUGH, RECURRENT
from rnnlint.shapes import declared_batch, infer
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, Unknown, Value, is_int

DEFAULT_BATCH_SIZE = 32
"""What fit, evaluate and predict use when batch_size is not given (or None)."""

TRAINING = ("fit", "fit_generator")
BATCHED = ("fit", "evaluate", "predict")
"""Calls that split their data into batches of ``batch_size``."""

BATCH_SIZE_POSITION = {"fit": 2, "evaluate": 2, "predict": 1}
Y_CALLS = ("fit", "evaluate", "train_on_batch", "test_on_batch")


def recurrent_core(layer: Layer) -> Layer | None:
    """The recurrent layer inside ``layer`` (itself, or what Bidirectional wraps)."""
    if layer.kind in RECURRENT:
        return layer
    if layer.kind in ("Bidirectional", "TimeDistributed") and layer.wrapped is not None:
        return recurrent_core(layer.wrapped)
    return None


def stateful_layers(model: Model) -> list[Layer]:
    """Layers of ``model`` created with ``stateful=True``."""
    found = []
    for layer in model.layers:
        core = recurrent_core(layer)
        if (core is not None and core.get("stateful") is True) or layer.get("stateful") is True:
            found.append(layer)
    return found


def is_stateful(model: Model) -> bool:
    return bool(stateful_layers(model))


def model_batch(model: Model) -> Any:
    """The fixed batch size as an int, None if not fixed, UNKNOWN if unknowable."""
    return declared_batch(model)


def stateful_models(module: ModuleIR) -> Iterator[tuple[Model, int]]:
    """Stateful models whose fixed batch size is known, with that size."""
    for model in module.models:
        if is_stateful(model):
            batch = model_batch(model)
            if is_int(batch):
                yield model, batch


def x_value(call: ModelCall) -> Value:
    return call.value("x", 0, default=None)


def y_value(call: ModelCall) -> Value:
    if call.method not in Y_CALLS:
        return None
    return call.value("y", 1, default=None)


def feeds_arrays(call: ModelCall) -> bool:
    """True when the call's data is known to be arrays (not a dataset or generator).

    Keras refuses ``y`` next to a dataset or generator, so a given ``y`` means arrays.
    """
    x = x_value(call)
    if isinstance(x, DatasetValue):
        return False
    if isinstance(x, ArrayValue) or (isinstance(x, tuple) and x and all(isinstance(i, ArrayValue) for i in x)):
        return True
    y = y_value(call)
    return y is not None and not isinstance(y, DatasetValue) and call.method in Y_CALLS and call.given("y", 1)


def samples(value: Value) -> Any:
    """The number of samples in ``value`` (an array, or a list of arrays)."""
    if isinstance(value, ArrayValue):
        return value.samples
    if isinstance(value, tuple) and value:
        counts = {samples(item) for item in value}
        counts.discard(UNKNOWN)
        return counts.pop() if len(counts) == 1 else UNKNOWN
    return UNKNOWN


def batch_size_arg(call: ModelCall) -> Any:
    """The batch size the call uses: the argument, or 32 when missing or None."""
    position = BATCH_SIZE_POSITION.get(call.method)
    value = call.value("batch_size", position, default=None)
    return DEFAULT_BATCH_SIZE if value is None else value


def training_batch_size(module: ModuleIR, model: Model) -> Any:
    """The one batch size every fit/evaluate/predict on arrays uses, UNKNOWN
    when they disagree or it cannot be known (what a fixed batch should be)."""
    sizes = {batch_size_arg(call) for call in module.calls_of(model, *BATCHED) if feeds_arrays(call)}
    if len(sizes) == 1:
        (size,) = sizes
        if is_int(size):
            return size
    return UNKNOWN


def batch_size_given(call: ModelCall) -> bool:
    return call.value("batch_size", BATCH_SIZE_POSITION.get(call.method), default=None) is not None


def loss_of(module: ModuleIR, model: Model) -> str | None:
    """The model's loss as a normalized name (``categoricalcrossentropy``), or None."""
    losses = set()
    for call in module.calls_of(model, "compile"):
        loss = call.value("loss", 1, default=UNKNOWN)
        losses.add(normalize_loss(loss))
    if len(losses) != 1:
        return None
    return losses.pop()


def normalize_loss(loss: Value) -> str | None:
    if isinstance(loss, str):
        name = loss.lower().replace("_", "")
        aliases = {"mse": "meansquarederror", "mae": "meanabsoluteerror"}
        return aliases.get(name, name)
    return None


def is_sparse(loss: str | None) -> bool:
    return loss is not None and loss.startswith("sparsecategorical")


def producer(model: Model, node: Node) -> tuple[int, Node] | None:
    """The node feeding ``node``, skipping layers that keep the shape (Dropout ...)."""
    if not node.inputs:
        return None
    index = node.inputs[0].node
    while True:
        current = model.nodes[index]
        if current.layer.kind in PASSTHROUGH and current.inputs:
            index = current.inputs[0].node
            continue
        return index, current


def through_submodels(model: Model, index: int, node: Node) -> tuple[Model, int, Node]:
    """Where the output of node ``index`` really comes from: for a model used
    as a layer, the node giving that model's output (recursively)."""
    seen = 0
    while node.layer.kind == "Model" and node.layer.submodel is not None and seen < 8:
        inner = node.layer.submodel
        if len(inner.outputs) != 1:
            break
        model, index = inner, inner.outputs[0].node
        node = model.nodes[index]
        while node.layer.kind in PASSTHROUGH and node.inputs:
            index = node.inputs[0].node
            node = model.nodes[index]
        seen += 1
    return model, index, node


def is_recurrent_model(model: Model) -> bool:
    """rnnlint's scope: models with a recurrent (or convolutional recurrent) layer."""
    return any(recurrent_core(layer) is not None or layer.kind in CONV_RECURRENT for layer in model.layers)


def single_io(model: Model) -> bool:
    return len(model.inputs) == 1 and len(model.outputs) == 1


def shapes_ok(model: Model) -> bool:
    """The model is complete and builds: data rules compare against it."""
    return model.complete and not infer(model).has_errors


def fmt_shape(shape: Any) -> str:
    """A shape as Keras prints it: ``(None, 8, 16)``, ``?`` for unknown dims."""
    if isinstance(shape, Unknown):
        return "(?)"
    parts = ["?" if isinstance(item, Unknown) else str(item) for item in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def last_recurrent(model: Model) -> tuple[int, Node] | None:
    for index in range(len(model.nodes) - 1, -1, -1):
        if recurrent_core(model.nodes[index].layer) is not None:
            return index, model.nodes[index]
    return None
