"""Static shape inference and parameter counts, with Keras's own rules.

A shape is a tuple of dims (an int, ``None`` for Keras's variable dimension,
or UNKNOWN to us), or UNKNOWN when even the rank is unknown. A layer that
cannot accept its input records an error and yields UNKNOWN, so one mistake
never cascades into others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rnnlint.ir import Layer, Model, TensorRef
from rnnlint.kerasnames import CELLS, CONV_RECURRENT, MERGE, PASSTHROUGH, RECURRENT
from rnnlint.values import UNKNOWN, Unknown, Value, is_int

Shape = Any
"""``tuple[Dim, ...]`` or UNKNOWN."""


@dataclass(frozen=True)
class NodeShapes:
    """What one graph node receives and produces."""

    inputs: tuple[Shape, ...]
    outputs: tuple[Shape, ...]
    params: int | Unknown
    error: str | None = None


@dataclass(frozen=True)
class ModelShapes:
    model: Model
    nodes: tuple[NodeShapes, ...]

    def of(self, ref: TensorRef) -> Shape:
        outputs = self.nodes[ref.node].outputs
        return outputs[ref.index] if ref.index < len(outputs) else UNKNOWN

    @property
    def input_shapes(self) -> tuple[Shape, ...]:
        return tuple(self.of(ref) for ref in self.model.inputs)

    @property
    def output_shapes(self) -> tuple[Shape, ...]:
        return tuple(self.of(ref) for ref in self.model.outputs)

    @property
    def has_errors(self) -> bool:
        return any(node.error for node in self.nodes)

    @property
    def total_params(self) -> int | Unknown:
        seen: dict[int, int | Unknown] = {}
        for node, shapes in zip(self.model.nodes, self.nodes, strict=True):
            seen.setdefault(node.layer.id, shapes.params)
        values = list(seen.values())
        if any(isinstance(value, Unknown) for value in values):
            return UNKNOWN
        return sum(values)  # type: ignore[arg-type]


def rank(shape: Shape) -> int | Unknown:
    return UNKNOWN if isinstance(shape, Unknown) else len(shape)


def dim(value: Value) -> Any:
    """A config value as a dim: ints and None stay, anything else is UNKNOWN."""
    return value if is_int(value) or value is None else UNKNOWN


def as_dims(value: Value) -> Shape:
    if is_int(value):
        return (value,)
    if isinstance(value, tuple):
        return tuple(dim(item) for item in value)
    return UNKNOWN


_INFERRED: dict[int, tuple[Model, ModelShapes]] = {}
_INFERRED_MAX = 512


def infer(model: Model) -> ModelShapes:
    """Shapes of every node of ``model``, in graph order; kept per model object
    (by identity: hashing a whole model graph on every call costs more than it saves)."""
    kept = _INFERRED.get(id(model))
    if kept is not None and kept[0] is model:
        return kept[1]
    if len(_INFERRED) >= _INFERRED_MAX:
        _INFERRED.pop(next(iter(_INFERRED)))
    result = _infer(model)
    _INFERRED[id(model)] = (model, result)
    return result


def _infer(model: Model) -> ModelShapes:
    results: list[NodeShapes] = []
    for node in model.nodes:
        inputs = tuple(
            results[ref.node].outputs[ref.index] if ref.index < len(results[ref.node].outputs) else UNKNOWN
            for ref in node.inputs
        )
        if node.initial_state:
            inputs = inputs[:1]
        if node.layer.kind == "InputLayer":
            results.append(NodeShapes((), (input_shape(node.layer, model),), 0))
        elif not node.layer.known:
            results.append(NodeShapes(inputs, (UNKNOWN,) * 8, UNKNOWN))
        else:
            results.append(apply(node.layer, inputs))
    return ModelShapes(model, tuple(results))


def input_shape(layer: Layer, model: Model | None = None) -> Shape:
    """The full shape, batch first, that an input layer declares."""
    if not layer.known:
        return UNKNOWN
    if layer.given("batch_shape"):
        return as_dims(layer.get("batch_shape"))
    if layer.given("shape"):
        shape = as_dims(layer.get("shape"))
        if isinstance(shape, Unknown):
            return UNKNOWN
        return (dim(layer.get("batch_size")), *shape)
    if model is not None and model.build_shape is not None:
        return as_dims(model.build_shape)
    return UNKNOWN


def declared_batch(model: Model) -> Any:
    """The model's fixed batch size: an int, None when it is known not to be
    fixed, UNKNOWN when the analysis cannot tell."""
    if not model.complete or not model.inputs:
        return UNKNOWN
    batches = []
    for ref in model.inputs:
        layer = model.nodes[ref.node].layer
        if not layer.known:
            return UNKNOWN
        shape = input_shape(layer, model)
        if not isinstance(shape, Unknown) and shape:
            batches.append(shape[0])
        elif layer.given("batch_size"):
            batches.append(dim(layer.get("batch_size")))
        elif layer.get("implicit") and not _declares_anything(layer) and model.build_shape is None:
            batches.append(None)  # Keras builds it on the first call, batch None
        else:
            return UNKNOWN
    if len(set(map(repr, batches))) == 1:
        return batches[0]
    return UNKNOWN


def _declares_anything(layer: Layer) -> bool:
    return any(layer.given(key) for key in ("shape", "batch_shape", "batch_size"))


# -- layer rules -------------------------------------------------------------


def apply(layer: Layer, inputs: Sequence[Shape]) -> NodeShapes:
    kind = layer.kind
    main = inputs[0] if inputs else UNKNOWN
    if kind in RECURRENT:
        return _recurrent(layer, main, inputs)
    if kind in CONV_RECURRENT:
        return _conv_recurrent(layer, main, inputs)
    if kind == "Bidirectional":
        return _bidirectional(layer, main, inputs)
    if kind == "TimeDistributed":
        return _time_distributed(layer, main, inputs)
    if kind in MERGE:
        return _merge(layer, inputs)
    if kind == "Model":
        return _submodel(layer, main, inputs)
    handler = _SIMPLE.get(kind)
    if handler is None:
        return NodeShapes(tuple(inputs), (UNKNOWN,), UNKNOWN)
    output, params = handler(layer, main)
    return NodeShapes(tuple(inputs), (output,), params)


def _core(layer: Layer) -> tuple[str, Layer]:
    """The recurrent kind and the layer holding units (the cell for RNN)."""
    if layer.kind == "RNN" and layer.wrapped is not None:
        return layer.wrapped.kind.replace("Cell", ""), layer.wrapped
    return layer.kind, layer


def _recurrent(layer: Layer, main: Shape, inputs: Sequence[Shape]) -> NodeShapes:
    if not isinstance(main, Unknown) and len(main) != 3:
        return NodeShapes(tuple(inputs), (UNKNOWN,) * 5, UNKNOWN, error="rank")
    batch, steps, features = (UNKNOWN, UNKNOWN, UNKNOWN) if isinstance(main, Unknown) else main
    kind, holder = _core(layer)
    units = dim(holder.get("units"))
    units = units if is_int(units) else UNKNOWN
    sequences = layer.get("return_sequences", False)
    if not isinstance(sequences, bool):
        output: Shape = UNKNOWN
    elif sequences:
        output = (batch, steps, units)
    else:
        output = (batch, units)
    outputs = [output]
    if layer.get("return_state") is True:
        outputs += [(batch, units)] * (2 if "LSTM" in kind else 1)
    return NodeShapes(tuple(inputs), tuple(outputs), _recurrent_params(kind, holder, features, units))


def _recurrent_params(kind: str, holder: Layer, features: Any, units: Any) -> int | Unknown:
    if not (is_int(features) and is_int(units)):
        return UNKNOWN
    bias = holder.get("use_bias", True)
    if not isinstance(bias, bool):
        return UNKNOWN
    weights = units * (features + units)
    if kind == "LSTM":
        return 4 * (weights + (units if bias else 0))
    if kind == "GRU":
        reset_after = holder.get("reset_after", True)
        if not isinstance(reset_after, bool):
            return UNKNOWN
        return 3 * (weights + ((2 if reset_after else 1) * units if bias else 0))
    if kind == "SimpleRNN":
        return weights + (units if bias else 0)
    if kind == "CuDNNLSTM":
        return 4 * weights + 8 * units
    if kind == "CuDNNGRU":
        return 3 * weights + 6 * units
    return UNKNOWN


def _conv_recurrent(layer: Layer, main: Shape, inputs: Sequence[Shape]) -> NodeShapes:
    expected = CONV_RECURRENT[layer.kind]
    if not isinstance(main, Unknown) and len(main) != expected:
        return NodeShapes(tuple(inputs), (UNKNOWN,) * 3, UNKNOWN, error="rank")
    spatial_rank = expected - 3
    if isinstance(main, Unknown) or layer.get("data_format", "channels_last") != "channels_last":
        main = (UNKNOWN,) * expected
    batch, steps, *spatial, channels = main
    filters = dim(layer.get("filters"))
    kernel = _tuple_arg(layer.get("kernel_size"), spatial_rank)
    strides = _tuple_arg(layer.get("strides", 1), spatial_rank)
    dilation = _tuple_arg(layer.get("dilation_rate", 1), spatial_rank)
    padding = layer.get("padding", "valid")
    out_spatial = [
        _conv_length(size, k, s, d, padding) for size, k, s, d in zip(spatial, kernel, strides, dilation, strict=True)
    ]
    sequences = layer.get("return_sequences", False)
    if not isinstance(sequences, bool):
        output: Shape = UNKNOWN
    else:
        output = (batch, steps, *out_spatial, filters) if sequences else (batch, *out_spatial, filters)
    outputs = [output]
    if layer.get("return_state") is True:
        outputs += [(batch, *out_spatial, filters)] * 2
    params: int | Unknown = UNKNOWN
    if is_int(channels) and is_int(filters) and all(is_int(k) for k in kernel):
        bias = layer.get("use_bias", True)
        if isinstance(bias, bool):
            params = 4 * filters * math.prod(kernel) * (channels + filters) + (4 * filters if bias else 0)
    return NodeShapes(tuple(inputs), tuple(outputs), params)


def _bidirectional(layer: Layer, main: Shape, inputs: Sequence[Shape]) -> NodeShapes:
    inner_layer = layer.wrapped
    assert inner_layer is not None
    inner = apply(inner_layer, [main])
    if inner.error:
        return NodeShapes(tuple(inputs), inner.outputs, UNKNOWN, error=inner.error)
    merge = layer.get("merge_mode", "concat")
    output = inner.outputs[0]
    states = inner.outputs[1:]
    if merge == "concat":
        merged = _scale_last(output, 2)
    elif merge in ("sum", "mul", "ave"):
        merged = output
    else:
        merged = UNKNOWN
    outputs = (merged, *states, *states) if merge is not None else (output, output, *states, *states)
    params = inner.params * 2 if isinstance(inner.params, int) else UNKNOWN
    return NodeShapes(tuple(inputs), outputs, params)


def _submodel(layer: Layer, main: Shape, inputs: Sequence[Shape]) -> NodeShapes:
    """A model used as a layer gives its own output shape, on the caller's batch.
    A model that does not build gives UNKNOWN: its own rules report it."""
    if layer.submodel is None:
        return NodeShapes(tuple(inputs), (UNKNOWN,), UNKNOWN)
    inner = infer(layer.submodel)
    outputs = inner.output_shapes
    if inner.has_errors or len(outputs) != 1 or isinstance(outputs[0], Unknown) or not outputs[0]:
        return NodeShapes(tuple(inputs), (UNKNOWN,), inner.total_params)
    batch = main[0] if not isinstance(main, Unknown) and main else UNKNOWN
    return NodeShapes(tuple(inputs), ((batch, *outputs[0][1:]),), inner.total_params)


def _scale_last(shape: Shape, factor: int) -> Shape:
    if isinstance(shape, Unknown) or not shape:
        return UNKNOWN
    last = shape[-1]
    return (*shape[:-1], last * factor if is_int(last) else last)


def _time_distributed(layer: Layer, main: Shape, inputs: Sequence[Shape]) -> NodeShapes:
    inner_layer = layer.wrapped
    assert inner_layer is not None
    if isinstance(main, Unknown):
        inner = apply(inner_layer, [UNKNOWN])
        return NodeShapes(tuple(inputs), (UNKNOWN,), inner.params)
    if len(main) < 3:
        return NodeShapes(tuple(inputs), (UNKNOWN,), UNKNOWN, error="rank")
    batch, steps, *rest = main
    inner = apply(inner_layer, [(batch, *rest)])
    output = inner.outputs[0]
    if isinstance(output, Unknown):
        return NodeShapes(tuple(inputs), (UNKNOWN,), inner.params, inner.error)
    return NodeShapes(tuple(inputs), ((output[0], steps, *output[1:]),), inner.params, inner.error)


def _merge(layer: Layer, inputs: Sequence[Shape]) -> NodeShapes:
    if not inputs or any(isinstance(shape, Unknown) for shape in inputs):
        return NodeShapes(tuple(inputs), (UNKNOWN,), 0)
    if layer.kind != "Concatenate":
        return NodeShapes(tuple(inputs), (inputs[0],), 0)
    ranks = {len(shape) for shape in inputs}
    axis = layer.get("axis", -1)
    if len(ranks) != 1 or not isinstance(axis, int):
        return NodeShapes(tuple(inputs), (UNKNOWN,), 0)
    size = ranks.pop()
    axis = axis % size
    for index in range(1, size):
        sizes = {shape[index] for shape in inputs if is_int(shape[index])}
        if index != axis and len(sizes) > 1:
            return NodeShapes(tuple(inputs), (UNKNOWN,), 0)  # Keras refuses it: nothing to infer
    joined = [shape[axis] for shape in inputs]
    total = sum(joined) if all(is_int(item) for item in joined) else UNKNOWN
    output = tuple(total if index == axis else inputs[0][index] for index in range(size))
    return NodeShapes(tuple(inputs), (output,), 0)


# -- simple layers: (layer, input) -> (output, params) ------------------------


def _dense(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    units = dim(layer.get("units"))
    if isinstance(shape, Unknown):
        return UNKNOWN, UNKNOWN
    features = shape[-1] if shape else UNKNOWN
    bias = layer.get("use_bias", True)
    params: int | Unknown = UNKNOWN
    if is_int(features) and is_int(units) and isinstance(bias, bool):
        params = features * units + (units if bias else 0)
    return (*shape[:-1], units), params


def _embedding(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    vocab = dim(layer.get("input_dim"))
    width = dim(layer.get("output_dim"))
    params = vocab * width if is_int(vocab) and is_int(width) else UNKNOWN
    if isinstance(shape, Unknown):
        return (UNKNOWN, UNKNOWN, width), params
    return (*shape, width), params


def _passthrough(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    features = shape[-1] if not isinstance(shape, Unknown) and shape else UNKNOWN
    if layer.kind == "BatchNormalization":
        return shape, 4 * features if isinstance(features, int) else UNKNOWN
    if layer.kind == "LayerNormalization":
        return shape, 2 * features if isinstance(features, int) else UNKNOWN
    if layer.kind == "PReLU":
        return shape, UNKNOWN
    return shape, 0


def _conv1d(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    filters = dim(layer.get("filters"))
    (kernel,) = _tuple_arg(layer.get("kernel_size"), 1)
    (stride,) = _tuple_arg(layer.get("strides", 1), 1)
    (dilation,) = _tuple_arg(layer.get("dilation_rate", 1), 1)
    if isinstance(shape, Unknown) or len(shape) != 3 or layer.get("data_format", "channels_last") != "channels_last":
        return UNKNOWN, UNKNOWN
    batch, steps, channels = shape
    length = _conv_length(steps, kernel, stride, dilation, layer.get("padding", "valid"))
    bias = layer.get("use_bias", True)
    params: int | Unknown = UNKNOWN
    if (
        all(is_int(item) for item in (kernel, channels, filters))
        and isinstance(bias, bool)
        and layer.get("groups", 1) == 1
    ):
        params = kernel * channels * filters + (filters if bias else 0)
    return (batch, length, filters), params


def _pool1d(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    (pool,) = _tuple_arg(layer.get("pool_size", 2), 1)
    strides = layer.get("strides", None)
    (stride,) = _tuple_arg(pool if strides is None else strides, 1)
    if isinstance(shape, Unknown) or len(shape) != 3 or layer.get("data_format", "channels_last") != "channels_last":
        return UNKNOWN, 0
    batch, steps, channels = shape
    return (batch, _conv_length(steps, pool, stride, 1, layer.get("padding", "valid")), channels), 0


def _global_pool1d(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    if isinstance(shape, Unknown) or len(shape) != 3 or layer.get("data_format", "channels_last") != "channels_last":
        return UNKNOWN, 0
    batch, _, channels = shape
    return ((batch, 1, channels) if layer.get("keepdims") is True else (batch, channels)), 0


def _flatten(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    if isinstance(shape, Unknown) or not shape:
        return UNKNOWN, 0
    rest = shape[1:]
    if all(is_int(item) for item in rest):
        return (shape[0], math.prod(rest)), 0
    return (shape[0], None if any(item is None for item in rest) else UNKNOWN), 0


def _reshape(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    target = as_dims(layer.get("target_shape"))
    if isinstance(target, Unknown):
        return UNKNOWN, 0
    batch = shape[0] if not isinstance(shape, Unknown) and shape else UNKNOWN
    if -1 in target:
        rest = shape[1:] if not isinstance(shape, Unknown) else (UNKNOWN,)
        known = [item for item in target if item != -1]
        if all(is_int(item) for item in (*rest, *known)) and math.prod(known):
            fill = math.prod(rest) // math.prod(known)
            target = tuple(fill if item == -1 else item for item in target)
        else:
            target = tuple(UNKNOWN if item == -1 else item for item in target)
    rest = shape[1:] if not isinstance(shape, Unknown) else (UNKNOWN,)
    if all(is_int(item) for item in (*rest, *target)) and math.prod(rest) != math.prod(target):
        return UNKNOWN, 0  # the sizes differ: Keras refuses it
    return (batch, *target), 0


def _repeat_vector(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    if isinstance(shape, Unknown) or len(shape) != 2:
        return UNKNOWN, 0
    return (shape[0], dim(layer.get("n")), shape[1]), 0


def _permute(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    dims = layer.get("dims")
    if (
        isinstance(shape, Unknown)
        or not isinstance(dims, tuple)
        or not all(isinstance(item, int) for item in dims)
        or sorted(dims) != list(range(1, len(shape)))  # type: ignore[type-var]
    ):
        return UNKNOWN, 0
    return (shape[0], *(shape[index] for index in dims)), 0


def _cell(layer: Layer, shape: Shape) -> tuple[Shape, int | Unknown]:
    return UNKNOWN, UNKNOWN


_SIMPLE = {
    "Dense": _dense,
    "Embedding": _embedding,
    "Conv1D": _conv1d,
    "MaxPooling1D": _pool1d,
    "AveragePooling1D": _pool1d,
    "GlobalAveragePooling1D": _global_pool1d,
    "GlobalMaxPooling1D": _global_pool1d,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "RepeatVector": _repeat_vector,
    "Permute": _permute,
    **{name: _passthrough for name in PASSTHROUGH},
    **{name: _cell for name in CELLS},
}


def _tuple_arg(value: Value, size: int) -> tuple[Any, ...]:
    if is_int(value):
        return (value,) * size
    if isinstance(value, tuple) and len(value) == size:
        return tuple(item if is_int(item) else UNKNOWN for item in value)
    return (UNKNOWN,) * size


def _conv_length(size: Any, kernel: Any, stride: Any, dilation: Any, padding: Value) -> Any:
    if size is None:
        return None
    if not all(is_int(item) for item in (size, kernel, stride, dilation)) or stride <= 0:
        return UNKNOWN
    if padding in ("same", "causal"):
        return -(-size // stride)
    if padding == "valid":
        effective = dilation * (kernel - 1) + 1
        return max(0, (size - effective) // stride + 1)
    return UNKNOWN
