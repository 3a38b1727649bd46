"""Putting a ``keras.Input(...)`` in front of a Sequential model's first layer.

Keras 3 takes the batch dimension only from an Input, so the Keras 2 way
(``batch_input_shape=`` or ``batch_size=`` on the first layer) moves there:
as the first element of ``Sequential([...])`` or as a ``model.add(...)``
line above the first one. Anything else (a layer made elsewhere and added
by name, layers added in a loop) is not fixed.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from rnnlint.fix.base import Edit, FixContext
from rnnlint.fix.edits import insert_before, keyword, prefixed_tuple, prepend_element, remove_args
from rnnlint.ir import Layer, Model


def first_layer(model: Model) -> Layer | None:
    """The first layer of a Sequential model whose input comes from that layer's arguments."""
    if model.kind != "sequential" or not model.complete or len(model.nodes) < 2:
        return None
    if not model.nodes[0].layer.get("implicit"):
        return None
    return model.nodes[1].layer


def move_to_input(
    context: FixContext,
    model: Model,
    holder: cst.Call,
    removed: Sequence[str],
    input_args: Sequence[cst.Arg],
) -> tuple[Edit, ...] | None:
    """Remove the keyword arguments ``removed`` from ``holder`` (the first
    layer or the layer it wraps) and put ``Input(*input_args)`` in front of
    the first layer."""
    layer = first_layer(model)
    first = context.call(layer.span) if layer is not None else None
    if first is None:
        return None
    spelling = context.imports.input_spelling(first)
    if spelling is None:
        return None
    new_input = cst.Call(func=spelling.expression, args=_separated(input_args))
    place = _placement(context, model, first, new_input)
    if place is None:
        return None

    def without(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call)
        return remove_args(node, [arg for arg in node.args if arg.keyword is not None and arg.keyword.value in removed])

    return (Edit(holder, without), place, *spelling.edits)


def _separated(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    last = len(args) - 1
    return [
        arg if index == last else arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for index, arg in enumerate(args)
    ]


def _placement(context: FixContext, model: Model, first: cst.Call, new_input: cst.Call) -> Edit | None:
    parent = context.locator.parent(first)
    if isinstance(parent, cst.Element):
        return _in_list(context, model, parent, new_input)
    if isinstance(parent, cst.Arg):
        return _before_add(context, parent, new_input)
    return None


def _in_list(context: FixContext, model: Model, element: cst.Element, new_input: cst.Call) -> Edit | None:
    """``Sequential([Input(...), LSTM(...), ...])``: only when the list is the constructor's."""
    sequence = context.locator.parent(element)
    if not isinstance(sequence, cst.List | cst.Tuple) or not sequence.elements or sequence.elements[0] is not element:
        return None
    arg = context.locator.parent(sequence)
    constructor = context.locator.parent(arg) if isinstance(arg, cst.Arg) else None
    if constructor is None or context.locator.find(model.span, cst.Call) is not constructor:
        return None

    def change(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.List | cst.Tuple)
        return prepend_element(node, new_input)

    return Edit(sequence, change)


def _before_add(context: FixContext, arg: cst.Arg, new_input: cst.Call) -> Edit | None:
    """``model.add(LSTM(...))`` alone on its line: ``model.add(Input(...))`` goes above it."""
    add = context.locator.parent(arg)
    if not isinstance(add, cst.Call) or not isinstance(add.func, cst.Attribute) or add.func.attr.value != "add":
        return None
    statement = context.locator.statement_of(add)
    if statement is None or len(add.args) != 1:
        return None
    new_line = cst.SimpleStatementLine([cst.Expr(cst.Call(func=add.func.deep_clone(), args=[cst.Arg(new_input)]))])

    def change(node: cst.CSTNode) -> cst.FlattenSentinel[cst.BaseStatement]:
        assert isinstance(node, cst.SimpleStatementLine)
        return insert_before(node, new_line)

    return Edit(statement, change)


def with_batch(batch: int, shape: cst.BaseExpression) -> list[cst.Arg]:
    """``batch_shape=(b, t, f)`` for a written tuple ``(t, f)``, else ``shape=..., batch_size=b``."""
    size = cst.Integer(str(batch))
    if isinstance(shape, cst.List | cst.Tuple):
        return [keyword("batch_shape", prefixed_tuple(size, shape))]
    return [keyword("shape", shape), keyword("batch_size", size)]
