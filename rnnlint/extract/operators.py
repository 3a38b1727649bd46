"""Python's operators on abstract values: arithmetic, comparisons, indexing,
and the array attributes and reshapes every data library shares.

Pure functions of values; the CST is read by the interpreter. Anything not
modelled here is ``UNKNOWN``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    Dim,
    FrameAccessor,
    FrameValue,
    LoopIndex,
    ModuleRef,
    Shape,
    ShapeOf,
    Sym,
    Unknown,
    Value,
    fresh_sym,
    is_int,
    is_known,
)

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
MAX_LENGTH = 10_000
"""The longest string or tuple evaluated; longer is UNKNOWN (28 lines of ``t = t + t`` make 2^28 items)."""


def bounded(value: Value) -> Value:
    """``value``, or UNKNOWN when it is an integer beyond 10^15 or a string or tuple beyond MAX_LENGTH:
    every bound of the evaluation is applied here, so nothing it computes can grow without limit."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_INT:
        return UNKNOWN
    if isinstance(value, float) and not math.isfinite(value):
        return UNKNOWN
    if isinstance(value, (str, tuple)) and len(value) > MAX_LENGTH:
        return UNKNOWN
    return value


def range_length(numbers: range) -> int | Unknown:
    """``len(range(...))``, UNKNOWN beyond the bounds (``len`` itself overflows past 2^63)."""
    try:
        length = len(numbers)
    except OverflowError:
        return UNKNOWN
    return length if length <= _MAX_INT else UNKNOWN


def binary(op: str, left: Value, right: Value) -> Value:
    """``left op right`` on numbers, strings, tuples, arrays and frames; UNKNOWN otherwise."""
    data = _data_binary(left, right)
    if data is not None:
        return data
    func = _BINARY.get(op)
    if func is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, LoopIndex) or isinstance(right, LoopIndex):
        return _shift(op, left, right)
    both_numbers = isinstance(left, _NUMBER) and isinstance(right, _NUMBER)
    sequence_ok = op in "+*" and (
        (isinstance(left, (tuple, str)) and type(left) is type(right) and op == "+")
        or (isinstance(left, (tuple, str)) and is_int(right) and op == "*" and 0 <= right <= MAX_LENGTH)  # type: ignore[operator]
    )
    if sequence_ok and (len(left) + len(right) if op == "+" else len(left) * right) > MAX_LENGTH:  # type: ignore[arg-type,operator]
        return UNKNOWN
    if not (both_numbers or sequence_ok):
        return UNKNOWN
    if op == "**" and (abs(right) > 64 or abs(left) > _MAX_INT):  # type: ignore[arg-type]
        return UNKNOWN
    try:
        result = func(left, right)
    except (ArithmeticError, ValueError, TypeError):
        return UNKNOWN
    return bounded(result)


def _data_binary(left: Value, right: Value) -> Value | None:
    """Elementwise arithmetic: arrays broadcast, frames keep their shape;
    None when neither side is an array or a frame."""
    if isinstance(left, FrameValue) and isinstance(right, (int, float, FrameValue, ArrayValue)):
        return left
    if isinstance(right, FrameValue) and isinstance(left, (int, float)):
        return right
    for array, other in ((left, right), (right, left)):
        if isinstance(array, ArrayValue) and isinstance(other, (int, float)) and not isinstance(other, bool):
            return array
    if isinstance(left, ArrayValue) and isinstance(right, ArrayValue):
        return ArrayValue(broadcast(left.shape, right.shape))
    if isinstance(left, ArrayValue) or isinstance(right, ArrayValue):
        return UNKNOWN
    return None


def broadcast(left: Shape, right: Shape) -> Shape:
    """numpy's broadcast of two shapes: the larger rank; per axis the size
    that is not 1 (a known int wins over an unknown one, since the other
    must then be equal or 1)."""
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return UNKNOWN
    size = max(len(left), len(right))
    padded_left = (1,) * (size - len(left)) + left
    padded_right = (1,) * (size - len(right)) + right
    return tuple(_broadcast_dim(a, b) for a, b in zip(padded_left, padded_right, strict=True))


def _broadcast_dim(left: Dim, right: Dim) -> Dim:
    if left == right:
        return left
    if left == 1:
        return right
    if right == 1:
        return left
    if is_int(left) and not is_int(right):
        return left
    if is_int(right) and not is_int(left):
        return right
    return UNKNOWN


def _shift(op: str, left: Value, right: Value) -> Value:
    """``i + n``, ``n + i`` and ``i - n`` for a loop index ``i``."""
    if isinstance(left, LoopIndex) and isinstance(right, int) and op in "+-":
        return LoopIndex(left.offset + right if op == "+" else left.offset - right)
    if isinstance(right, LoopIndex) and isinstance(left, int) and op == "+":
        return LoopIndex(right.offset + left)
    return UNKNOWN


def compare(op: str, left: Value, right: Value) -> Value:
    func = _COMPARE.get(op)
    if func is None or not is_known(left) or not is_known(right):
        return UNKNOWN
    if isinstance(left, (ArrayValue, DatasetValue, FrameValue, Sym)) or isinstance(
        right, (ArrayValue, DatasetValue, FrameValue, Sym)
    ):
        return UNKNOWN
    try:
        return bool(func(left, right))
    except TypeError:
        return UNKNOWN


def unary(op: str, operand: Value) -> Value:
    if not is_known(operand):
        return UNKNOWN
    if isinstance(operand, (ArrayValue, FrameValue)) and op in "-+":
        return operand
    if op == "-" and isinstance(operand, _NUMBER) and not isinstance(operand, bool):
        return bounded(-operand)
    if op == "+" and isinstance(operand, _NUMBER):
        return operand
    if op == "not" and isinstance(operand, (bool, int, float, str, tuple, type(None))):
        return not operand
    return UNKNOWN


def attribute(value: Value, name: str) -> Value:
    """``value.name`` for arrays (``shape``, ``ndim``, ``T``, ``size``) and pandas frames."""
    if isinstance(value, ArrayValue):
        return _array_attribute(value, name)
    if isinstance(value, FrameValue):
        if name in ("values", "array"):
            return value.as_array()
        if name == "shape":
            return value.as_array().shape
        if name in ("iloc", "loc"):
            return FrameAccessor(value, name)
        if name == "T" and not value.series:
            return FrameValue(value.columns, value.rows if isinstance(value.rows, int) else UNKNOWN)
        if name in ("str", "dt"):
            return value
    return UNKNOWN


def _array_attribute(value: ArrayValue, name: str) -> Value:
    if name == "shape":
        if isinstance(value.shape, Unknown) and value.lead is not None:
            return ShapeOf(value.lead)
        return value.shape
    if name == "ndim":
        return value.rank
    if name == "size":
        return product(value.shape)
    if name == "T" and not isinstance(value.shape, Unknown):
        return ArrayValue(tuple(reversed(value.shape)))
    if name in ("values", "real"):
        return value
    return UNKNOWN


def subscript(value: Value, index: Value) -> Value:
    """``value[index]`` for tuples, arrays and frames; ``index`` holds ints,
    slices (as ``slice`` objects), ``None`` (newaxis) and ``Ellipsis``."""
    index = _newaxis(index)
    if isinstance(value, tuple):
        return _subscript_tuple(value, index)
    if isinstance(value, ShapeOf):
        return _subscript_shape_of(value, index)
    if isinstance(value, ArrayValue):
        return _subscript_array(value, index)
    if isinstance(value, FrameValue):
        return _subscript_frame(value, index)
    if isinstance(value, FrameAccessor):
        return _subscript_accessor(value, index)
    return UNKNOWN


def _newaxis(index: Value) -> Value:
    """``np.newaxis`` is None."""
    if isinstance(index, ModuleRef) and index.qualname.endswith(".newaxis"):
        return None
    if isinstance(index, tuple):
        return tuple(_newaxis(item) for item in index)
    return index


def _subscript_tuple(value: tuple[Value, ...], index: Value) -> Value:
    if isinstance(index, int) and not isinstance(index, bool):
        return value[index] if -len(value) <= index < len(value) else UNKNOWN
    if isinstance(index, slice) and _slice_known(index):
        return value[index]
    return UNKNOWN


def _subscript_shape_of(value: ShapeOf, index: Value) -> Value:
    """``X.shape[0]`` is the samples; ``X.shape[1:]`` the rest, still of unknown rank."""
    if index == 0 and value.start == 0:
        return value.lead
    if isinstance(index, slice) and index.stop is None and index.step is None and is_int(index.start):
        start = index.start or 0
        return ShapeOf(value.lead, value.start + start) if start >= 0 else UNKNOWN
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
        if all(isinstance(item, slice) for item in items):
            first = items[0]
            lead = value.lead if isinstance(first, slice) and first == slice(None) else None
            if value.lead is not None and lead is None and len(items) == 1:
                lead = fresh_sym(root=value.lead)
            return ArrayValue(UNKNOWN, lead)
        return UNKNOWN
    if sum(1 for item in items if item is Ellipsis) > 1:
        return UNKNOWN
    consumers = sum(1 for item in items if item is not None and item is not Ellipsis)
    if consumers > len(value.shape):
        return UNKNOWN
    shape: list[Dim] = []
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
        elif is_int(item) or isinstance(item, (LoopIndex, Sym)):
            dims.pop(0)
            used += 1
        elif isinstance(item, ArrayValue) and item.rank == 1:
            dims.pop(0)
            shape.append(UNKNOWN)  # an index array or a mask: some rows
            used += 1
        else:
            return UNKNOWN
    return ArrayValue(tuple(shape + dims))


def _slice_length(length: Dim, item: slice) -> Dim:
    if not _slice_known(item):
        window = _window_length(item)
        if is_int(window):
            return window  # type: ignore[return-value]
        return _part_of(length)
    if is_int(length):
        return range_length(range(length)[item])  # type: ignore[arg-type,return-value]
    if item == slice(None):
        return length
    return _part_of(length)  # x[:n] has min(len(x), n) rows


def _part_of(length: Dim) -> Dim:
    """Some of ``length``'s rows: a new size of the same data when it is a symbol."""
    return fresh_sym(root=length) if isinstance(length, Sym) else UNKNOWN


def _subscript_frame(frame: FrameValue, index: Value) -> Value:
    if frame.series:
        if isinstance(index, slice):
            return replace(frame, rows=_slice_length(frame.rows, index))
        return UNKNOWN
    if isinstance(index, str):
        return FrameValue(frame.rows, series=True)
    if isinstance(index, tuple) and index and all(isinstance(item, str) for item in index):
        return FrameValue(frame.rows, len(index))
    if isinstance(index, slice):
        return replace(frame, rows=_slice_length(frame.rows, index))
    if isinstance(index, (FrameValue, ArrayValue)):  # a boolean mask: some rows
        return replace(frame, rows=_part_of(frame.rows))
    return UNKNOWN


def _subscript_accessor(accessor: FrameAccessor, index: Value) -> Value:
    """``df.iloc[rows, columns]`` and ``df.loc[rows, columns]``."""
    frame = accessor.frame
    rows_index, columns_index = index if isinstance(index, tuple) and len(index) == 2 else (index, slice(None))
    if isinstance(rows_index, slice):
        rows: Dim = frame.rows if rows_index == slice(None) else _slice_length(frame.rows, rows_index)
    elif isinstance(rows_index, (ArrayValue, FrameValue)):
        rows = _part_of(frame.rows)
    else:
        return UNKNOWN  # one row: a Series of columns, or a scalar
    if frame.series:
        return FrameValue(rows, series=True) if columns_index == slice(None) else UNKNOWN
    if columns_index == slice(None):
        return FrameValue(rows, frame.columns)
    if isinstance(columns_index, str) or (accessor.kind == "iloc" and is_int(columns_index)):
        return FrameValue(rows, series=True)
    if isinstance(columns_index, tuple) and columns_index and all(isinstance(c, (str, int)) for c in columns_index):
        return FrameValue(rows, len(columns_index))
    if accessor.kind == "iloc" and isinstance(columns_index, slice) and is_int(frame.columns):
        if _slice_known(columns_index):
            return FrameValue(rows, range_length(range(frame.columns)[columns_index]))  # type: ignore[arg-type]
    return FrameValue(rows, UNKNOWN)


def product(shape: Shape) -> Value:
    if isinstance(shape, Unknown) or not all(is_int(dim) for dim in shape):
        return UNKNOWN
    size: Value = 1
    for dim in shape:
        size = bounded(size * dim)  # type: ignore[operator]
        if not is_int(size):
            return UNKNOWN
    return size


def as_shape(value: Value) -> Shape:
    """A shape argument: an int or a tuple of ints (entries may be symbols or UNKNOWN)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, tuple):
        return tuple(item if is_int(item) or isinstance(item, Sym) else UNKNOWN for item in value)  # type: ignore[misc]
    return UNKNOWN


def reshape(array: Value, shape: Value) -> Value:
    """``array.reshape(shape)`` with ``-1`` resolved when the size is known.

    Keeps the rank (and what is known of the sizes) whatever the array was:
    ``raw.reshape(n, 20, 8, 8)`` is 4-D even when nothing is known of ``raw``.
    """
    if isinstance(shape, ShapeOf):
        return ArrayValue(UNKNOWN, shape.lead if shape.start == 0 else None)
    target = as_shape(shape)
    if isinstance(target, Unknown):
        return ArrayValue(UNKNOWN)
    if -1 in target:
        size = product(array.shape) if isinstance(array, ArrayValue) else UNKNOWN
        rest = product(tuple(dim for dim in target if dim != -1))
        if target.count(-1) == 1 and isinstance(size, int) and isinstance(rest, int) and rest and size % rest == 0:
            target = tuple(size // rest if dim == -1 else dim for dim in target)
        else:
            target = tuple(UNKNOWN if dim == -1 else dim for dim in target)
            if isinstance(array, ArrayValue) and target and isinstance(target[0], Unknown):
                target = (_same_samples(array, shape), *target[1:])
    return ArrayValue(target)


def _same_samples(array: ArrayValue, shape: Value) -> Dim:
    """``x.reshape(-1, T, F)`` of a 3-D ``x`` keeps its samples when the
    trailing axes are the same; anything else is unknown."""
    if isinstance(array.shape, tuple) and isinstance(shape, tuple) and len(array.shape) == len(shape):
        if all(is_int(a) and a == b for a, b in zip(array.shape[1:], shape[1:], strict=True)):
            return array.shape[0]
    return UNKNOWN
