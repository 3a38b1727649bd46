"""Edits that set one argument of a call the IR knows: a ``fit`` call or a layer."""

from __future__ import annotations

import libcst as cst

from rnnlint.fix.base import Edit, FixContext
from rnnlint.fix.edits import has_unpacking, set_keyword
from rnnlint.ir import Arg, Layer
from rnnlint.kerasnames import LAYERS


def argument_edit(
    context: FixContext, call: cst.Call, given: Arg | None, name: str, value: cst.BaseExpression
) -> Edit | None:
    """``name=value`` at ``call``: the argument the IR found (keyword or
    positional) gets the new value, else the keyword is appended. None when
    ``*args``/``**kwargs`` may pass it already."""
    if given is not None:
        if given.keyword in ("*", "**"):
            return None
        node = context.locator.arg_at(call, given.span)
        if node is None:
            return None
        return Edit(node, lambda arg: _with_value(arg, value))
    if set_keyword(call, name, value) is None:
        return None
    return Edit(call, lambda node: _with_keyword(node, name, value))


def layer_argument_edit(context: FixContext, layer: Layer, name: str, value: cst.BaseExpression) -> Edit | None:
    """``name=value`` on the layer's constructor call, where it was written."""
    call = context.call(layer.span)
    if call is None:
        return None
    spec = LAYERS.get(layer.kind)
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if spec is not None and name in spec.positional:
        index = spec.positional.index(name)
        if index < len(positional):
            return Edit(positional[index], lambda arg: _with_value(arg, value))
        if has_unpacking(call):
            return None
    given = next((arg for arg in layer.args if arg.keyword == name), None)
    return argument_edit(context, call, given, name, value)


def _with_value(arg: cst.CSTNode, value: cst.BaseExpression) -> cst.CSTNode:
    assert isinstance(arg, cst.Arg)
    return arg.with_changes(value=value)


def _with_keyword(call: cst.CSTNode, name: str, value: cst.BaseExpression) -> cst.CSTNode:
    assert isinstance(call, cst.Call)
    return set_keyword(call, name, value) or call
