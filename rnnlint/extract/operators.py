"""Python's operators on abstract values: arithmetic, comparisons, indexing,
and the array attributes and reshapes every data library shares.

Pure functions of values; the CST is read by the interpreter. Anything not
modelled here is ``UNKNOWN``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, LoopIndex, Unknown, Value, is_int, is_known

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

_NUMBER = (int, float)
_MAX_INT = 10**15


def binary(op: str, left: Value, right: Value) -> Value:
    """``left op right`` on numbers, strings and tuples; UNKNOWN otherwise."""
    func = _BINARY.get(op)
    if func is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, LoopIndex) or isinstance(right, LoopIndex):
        return _shift(op, left, right)
    both_numbers = isinstance(left, _NUMBER) and isinstance(right, _NUMBER)
    sequence_ok = op in "+*" and (
        (isinstance(left, (tuple, str)) and type(left) is type(right) and op == "+")
        or (isinstance(left, (tuple, str)) and is_int(right) and op == "*" and 0 <= right < 10_000)
    )
    if not (both_numbers or sequence_ok):
        return UNKNOWN
    if op == "**" and (abs(right) > 64 or abs(left) > _MAX_INT):
        return UNKNOWN
    try:
        result = func(left, right)
    except (ArithmeticError, ValueError, TypeError):
        return UNKNOWN
    if isinstance(result, int) and abs(result) > _MAX_INT:
        return UNKNOWN
    return result


def _shift(op: str, left: Value, right: Value) -> Value:
    """``i + n``, ``n + i`` and ``i - n`` for a loop index ``i``."""
    if isinstance(left, LoopIndex) and is_int(right) and op in "+-":
        return LoopIndex(left.offset + right if op == "+" else left.offset - right)
    if isinstance(right, LoopIndex) and is_int(left) and op == "+":
        return LoopIndex(right.offset + left)
    return UNKNOWN


def compare(op: str, left: Value, right: Value) -> Value:
    func = _COMPARE.get(op)
    if func is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, (ArrayValue, DatasetValue)) or isinstance(right, (ArrayValue, DatasetValue)):
        return UNKNOWN
    try:
        return bool(func(left, right))
    except TypeError:
        return UNKNOWN


def unary(op: str, operand: Value) -> Value:
    if not is_known(operand):
        return UNKNOWN
    if op == "-" and isinstance(operand, _NUMBER) and not isinstance(operand, bool):
        return -operand
    if op == "+" and isinstance(operand, _NUMBER):
        return operand
    if op == "not" and isinstance(operand, (bool, int, float, str, tuple, type(None))):
        return not operand
    return UNKNOWN


def attribute(value: Value, name: str) -> Value:
    """``value.name`` for arrays (``shape``, ``ndim``, ``T``, ``size``)."""
    if isinstance(value, ArrayValue):
        if name == "shape":
            return value.shape
        if name == "ndim":
            return value.rank
        if name == "size":
            return product(value.shape)
        if name == "T" and not isinstance(value.shape, Unknown):
            return ArrayValue(tuple(reversed(value.shape)))
        if name == "values":
            return value
    return UNKNOWN


def subscript(value: Value, index: Value) -> Value:
    """``value[index]`` for tuples and arrays; ``index`` holds ints, slices
    (as ``slice`` objects), ``None`` (newaxis) and ``Ellipsis``."""
    if isinstance(value, tuple):
        return _subscript_tuple(value, index)
    if isinstance(value, ArrayValue):
        return _subscript_array(value, index)
    return UNKNOWN


def _subscript_tuple(value: tuple[Any, ...], index: Value) -> Value:
    if is_int(index):
        return value[index] if -len(value) <= index < len(value) else UNKNOWN
    if isinstance(index, slice) and _slice_known(index):
        return value[index]
    return UNKNOWN


def _slice_known(item: slice) -> bool:
    return all(part is None or is_int(part) for part in (item.start, item.stop, item.step))


def _window_length(item: slice) -> Value:
    """``x[i:i + n]`` in a loop over ``i`` has ``n`` rows."""
    start, stop = item.start, item.stop
    if isinstance(start, LoopIndex) and isinstance(stop, LoopIndex) and item.step is None:
        return stop.offset - start.offset if stop.offset >= start.offset else UNKNOWN
    return UNKNOWN


def _subscript_array(value: ArrayValue, index: Value) -> Value:
    items = index if isinstance(index, tuple) else (index,)
    if isinstance(value.shape, Unknown):
        return ArrayValue(UNKNOWN) if all(isinstance(item, slice) for item in items) else UNKNOWN
    if sum(1 for item in items if item is Ellipsis) > 1:
        return UNKNOWN
    consumers = sum(1 for item in items if item is not None and item is not Ellipsis)
    if consumers > len(value.shape):
        return UNKNOWN
    shape: list[Any] = []
    dims = list(value.shape)
    used = 0
    for item in items:
        if item is Ellipsis:
            keep = len(dims) - (consumers - used)
            shape.extend(dims[:keep])
            dims = dims[keep:]
        elif item is None:
            shape.append(1)
        elif isinstance(item, slice):
            shape.append(_slice_length(dims.pop(0), item))
            used += 1
        elif is_int(item) or isinstance(item, LoopIndex):
            dims.pop(0)
            used += 1
        else:
            return UNKNOWN
    return ArrayValue(tuple(shape + dims))


def _slice_length(length: Value, item: slice) -> Value:
    if not _slice_known(item):
        return _window_length(item)
    if is_int(length):
        return len(range(length)[item])
    return UNKNOWN  # x[:n] has min(len(x), n) rows


def product(shape: Value) -> Value:
    if isinstance(shape, Unknown) or not all(is_int(dim) for dim in shape):
        return UNKNOWN
    return math.prod(shape)


def as_shape(value: Value) -> tuple[Any, ...] | Unknown:
    """A shape argument: an int or a tuple of ints (entries may be UNKNOWN)."""
    if is_int(value):
        return (value,)
    if isinstance(value, tuple):
        return tuple(item if is_int(item) else UNKNOWN for item in value)
    return UNKNOWN


def reshape(array: Value, shape: Value) -> Value:
    """``array.reshape(shape)`` with ``-1`` resolved when the size is known."""
    target = as_shape(shape)
    if isinstance(target, Unknown):
        return ArrayValue(UNKNOWN)
    if -1 in target:
        size = product(array.shape) if isinstance(array, ArrayValue) else UNKNOWN
        rest = product(tuple(dim for dim in target if dim != -1))
        if target.count(-1) == 1 and is_int(size) and is_int(rest) and rest and size % rest == 0:
            target = tuple(size // rest if dim == -1 else dim for dim in target)
        else:
            target = tuple(UNKNOWN if dim == -1 else dim for dim in target)
    return ArrayValue(target)
