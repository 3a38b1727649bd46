"""The model IR as a spec the worker can rebuild, and nothing more.

Only layer classes on the allowlist (``protocol.LAYER_CLASSES``) and only
arguments whose values the analysis evaluated to literals travel. An argument
that is not a literal is left at its Keras default when it cannot change
shapes, parameters or state (an activation, an initializer); when it can
(``units``, ``return_sequences`` ...) the rebuilt model would not be the
user's, so the model is not rebuilt and the reason says why. Nothing of the
user's code is imported, executed or evaluated, here or in the worker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rnnlint.confirm.names import allowed
from rnnlint.confirm.protocol import (
    INPUT_CLASS,
    LAYER_CLASSES,
    NESTED_CLASS,
    Json,
    LayerSpec,
    ModelSpec,
    NodeSpec,
    Shape,
)
from rnnlint.ir import Layer, Model
from rnnlint.shapes import input_shape
from rnnlint.values import Unknown, Value, is_int

INPUT_ARGS = frozenset({"input_shape", "batch_input_shape", "batch_size", "input_dim", "input_length"})
"""Arguments the IR already folded into the model's input; Keras 3 rejects some of them on layers.
(``input_dim`` of an Embedding is its vocabulary size, not one of them.)"""

INTERNAL_ARGS = frozenset({"implicit"})

SHAPE_ARGS = frozenset(
    {
        "units",
        "return_sequences",
        "return_state",
        "stateful",
        "go_backwards",
        "time_major",
        "reset_after",
        "use_bias",
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "data_format",
        "groups",
        "pool_size",
        "keepdims",
        "target_shape",
        "n",
        "dims",
        "axis",
        "merge_mode",
        "input_dim",
        "output_dim",
        "shape",
        "batch_shape",
        "batch_size",
        "dtype",
        "mask_zero",
        "layer",
        "cell",
        "backward_layer",
    }
)
"""Arguments that decide shapes, parameter counts or statefulness."""

BATCH_PLACEHOLDER = 2
STEPS_PLACEHOLDER = 4
"""What a variable dimension (None) becomes when the model is called on zeros."""


class Unbuildable(Exception):
    """The model cannot be rebuilt faithfully; ``str()`` is the reason."""


@dataclass(frozen=True)
class BuildSpec:
    """A model spec, the shapes of its declared inputs (None for a variable
    dimension), and the non-literal arguments left at their Keras defaults."""

    spec: ModelSpec
    declared: tuple[Shape, ...]
    defaults: tuple[str, ...]

    @property
    def call_shapes(self) -> tuple[Shape, ...]:
        """Concrete shapes to call the model with: placeholders for variable dims."""
        return tuple(concrete(shape) for shape in self.declared)

    @property
    def batch(self) -> int | None:
        """The fixed batch size all inputs declare, else None."""
        batches = {shape[0] for shape in self.declared if shape}
        return batches.pop() if len(batches) == 1 and None not in batches else None


def concrete(shape: Shape) -> tuple[int, ...]:
    """``shape`` with placeholders for its variable dimensions."""
    if not shape:
        return ()
    batch = BATCH_PLACEHOLDER if shape[0] is None else shape[0]
    return (batch, *(STEPS_PLACEHOLDER if dim is None else dim for dim in shape[1:]))


def model_spec(model: Model) -> BuildSpec:
    """The spec of ``model``; raises Unbuildable with the reason it cannot be."""
    if not model.nodes or not model.inputs or not model.outputs:
        raise Unbuildable("the model's inputs or outputs are not known")
    if not model.complete:
        raise Unbuildable("the model's layers are not all known (added in a loop, a branch or from a variable)")
    nodes: list[NodeSpec] = []
    defaults: list[str] = []
    declared: dict[int, Shape] = {}
    for index, node in enumerate(model.nodes):
        if node.layer.kind == INPUT_CLASS:
            shape = _declared_shape(node.layer, model)
            declared[index] = shape
            layer = _input_spec(node.layer, shape)
        else:
            layer = layer_spec(node.layer, defaults)
        inputs = tuple((ref.node, ref.index) for ref in node.inputs)
        nodes.append(NodeSpec(layer, inputs, node.initial_state))
    spec = ModelSpec(
        model.kind,
        tuple(nodes),
        tuple((ref.node, ref.index) for ref in model.inputs),
        tuple((ref.node, ref.index) for ref in model.outputs),
    )
    return BuildSpec(spec, tuple(declared[ref.node] for ref in model.inputs), tuple(defaults))


def layer_spec(layer: Layer, defaults: list[str], extra: tuple[tuple[str, Json], ...] = ()) -> LayerSpec:
    """An allowlisted layer with its literal arguments (``extra`` added as given)."""
    where = f"{layer.label} on line {layer.span.line}"
    if layer.submodel is not None and layer.known:
        return _nested_spec(layer, defaults)
    if not layer.known or layer.kind not in LAYER_CLASSES:
        raise Unbuildable(f"{where} is not a layer rnnlint rebuilds")
    wrapped = layer_spec(layer.wrapped, defaults) if layer.wrapped is not None else None
    kwargs: list[tuple[str, Json]] = []
    for key, value in layer.config:
        if key in INTERNAL_ARGS or (key in INPUT_ARGS and not (key == "input_dim" and layer.kind == "Embedding")):
            continue
        if is_literal(value) and allowed(key, value):
            kwargs.append((key, value))
        elif key in SHAPE_ARGS:
            what = "not a literal" if not is_literal(value) else "not a name rnnlint passes to Keras"
            raise Unbuildable(f"{key}= of {where} is {what}")
        else:
            defaults.append(f"{key}= of {where}")
    return LayerSpec(layer.id, layer.kind, (*kwargs, *extra), wrapped)


def _nested_spec(layer: Layer, defaults: list[str]) -> LayerSpec:
    """A model used as a layer, rebuilt whole from its own declared input."""
    assert layer.submodel is not None
    try:
        built = model_spec(layer.submodel)
    except Unbuildable as error:
        raise Unbuildable(f"{layer.label} on line {layer.span.line}, used as a layer: {error}") from None
    defaults.extend(built.defaults)
    return LayerSpec(layer.id, NESTED_CLASS, model=built.spec)


def _declared_shape(layer: Layer, model: Model) -> Shape:
    shape = input_shape(layer, model)
    if isinstance(shape, Unknown) or not all(dim is None or (is_int(dim) and dim > 0) for dim in shape):
        raise Unbuildable(f"the model's input shape is not known (input on line {layer.span.line})")
    return tuple(shape)


def _input_spec(layer: Layer, shape: Shape) -> LayerSpec:
    kwargs: list[tuple[str, Json]] = [("batch_shape", shape)] if shape[0] is not None else [("shape", shape[1:])]
    dtype = layer.get("dtype")
    if isinstance(dtype, str) and allowed("dtype", dtype):
        kwargs.append(("dtype", dtype))
    return LayerSpec(layer.id, INPUT_CLASS, tuple(kwargs))


def is_literal(value: Value) -> bool:
    """A value that means the same in the worker: JSON scalars and tuples of them."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple):
        return all(is_literal(item) for item in value)
    return False
