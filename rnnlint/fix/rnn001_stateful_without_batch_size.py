"""RNN001: the batch size every fit/evaluate/predict uses becomes the
model's fixed batch size (unsafe: the model then accepts no other batch
size), in the form of the Keras version judged for (version-dependent).

Keras 3: an explicit ``Input(shape=(t, f))`` becomes ``Input(batch_shape=(b,
t, f))``; a Sequential model's ``input_shape=(t, f)`` on its first layer
moves to ``Input(batch_shape=(b, t, f))`` in front of it. Keras 2: the first
layer's ``input_shape=`` becomes ``batch_input_shape=(b, t, f)``. A shape not
written as a tuple gets ``batch_size=b`` next to it instead.
"""

from __future__ import annotations

import libcst as cst

from rnnlint.facts import training_batch_size
from rnnlint.findings import Finding
from rnnlint.fix.arguments import argument_edit
from rnnlint.fix.base import UNSAFE, Edit, FixContext, Fixer
from rnnlint.fix.edits import find_keyword, prefixed_tuple
from rnnlint.fix.input_layer import first_layer, move_to_input, with_batch
from rnnlint.ir import Layer, Model
from rnnlint.values import is_int


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    if finding.model is None:
        return None
    model = context.module.model(finding.model)
    batch = training_batch_size(context.module, model)
    if not is_int(batch) or not model.complete or len(model.inputs) != 1:
        return None
    entry = model.nodes[model.inputs[0].node].layer
    if entry.kind == "InputLayer" and not entry.get("implicit"):
        return _explicit_input(context, entry, batch)
    return _first_layer(context, model, batch)


def _explicit_input(context: FixContext, entry: Layer, batch: int) -> tuple[Edit, ...] | None:
    """``Input(shape=(t, f))`` becomes ``Input(batch_shape=(b, t, f))``, else gets ``batch_size=b``."""
    call = context.call(entry.span)
    if call is None:
        return None
    shape = find_keyword(call, "shape")
    if shape is not None and isinstance(shape.value, cst.List | cst.Tuple) and find_keyword(call, "batch_size") is None:
        return (_renamed(shape, "batch_shape", prefixed_tuple(cst.Integer(str(batch)), shape.value)),)
    given = next((arg for arg in entry.args if arg.keyword == "batch_size"), None)
    edit = argument_edit(context, call, given, "batch_size", cst.Integer(str(batch)))
    return (edit,) if edit is not None else None


def _first_layer(context: FixContext, model: Model, batch: int) -> tuple[Edit, ...] | None:
    """A Sequential model whose first layer (or the layer it wraps) says ``input_shape=``."""
    first = first_layer(model)
    if first is None:
        return None
    for layer in (first, first.wrapped):
        holder = context.call(layer.span) if layer is not None else None
        shape = find_keyword(holder, "input_shape") if holder is not None else None
        if holder is None or shape is None:
            continue
        if context.module.keras_version >= 3:
            return move_to_input(context, model, holder, ("input_shape",), with_batch(batch, shape.value))
        if isinstance(shape.value, cst.List | cst.Tuple):
            return (_renamed(shape, "batch_input_shape", prefixed_tuple(cst.Integer(str(batch)), shape.value)),)
        edit = argument_edit(context, holder, None, "batch_size", cst.Integer(str(batch)))
        return (edit,) if edit is not None else None
    return None


def _renamed(arg: cst.Arg, name: str, value: cst.BaseExpression) -> Edit:
    """``arg`` becomes ``name=value``, where it stands."""

    def change(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Arg)
        return node.with_changes(keyword=cst.Name(name), value=value)

    return Edit(arg, change)


FIXER = Fixer("RNN001", UNSAFE, plan, version_dependent=True)
