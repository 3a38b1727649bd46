"""What a shape model is, and the handlers several libraries share."""

from __future__ import annotations

from collections.abc import Callable

from rnnlint.extract.operators import as_shape, reshape
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    Dim,
    FrameValue,
    ListValue,
    Shape,
    Unknown,
    Value,
    is_int,
)

Handler = Callable[[list[Value], dict[str, Value]], Value]
"""A library call's result from its evaluated positional and keyword arguments."""


def argument(
    args: list[Value], kwargs: dict[str, Value], position: int, *names: str, default: Value = UNKNOWN
) -> Value:
    """The argument at ``position`` or given by one of ``names``."""
    if len(args) > position:
        return args[position]
    for name in names:
        if name in kwargs:
            return kwargs[name]
    return default


def array_from_literal(value: Value) -> Value:
    """What ``np.array(value)`` is: lists of equal arrays stack, frames become arrays."""
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, FrameValue):
        return value.as_array()
    if isinstance(value, ListValue):
        element = array_from_literal(value.element)
        if isinstance(element, ArrayValue) and isinstance(element.shape, tuple):
            return ArrayValue((value.length, *element.shape))
        if isinstance(value.element, (int, float)):
            return ArrayValue((value.length,))
        return ArrayValue(UNKNOWN)
    if isinstance(value, tuple):
        if not value:
            return ArrayValue((0,))
        inner = [array_from_literal(item) for item in value]
        first = inner[0]
        if isinstance(first, ArrayValue) and all(
            isinstance(item, ArrayValue) and item.shape == first.shape for item in inner
        ):
            return ArrayValue(UNKNOWN if isinstance(first.shape, Unknown) else (len(value), *first.shape))
        if all(isinstance(item, (int, float)) for item in value):
            return ArrayValue((len(value),))
        return ArrayValue(UNKNOWN)
    if isinstance(value, (int, float)):
        return ArrayValue(())
    return UNKNOWN


def as_array(value: Value) -> ArrayValue | None:
    """``value`` as an array when it is one (or a frame, or a list numpy would stack)."""
    result = array_from_literal(value)
    return result if isinstance(result, ArrayValue) else None


def known_shape(value: Value) -> tuple[Dim, ...] | None:
    """The shape of ``value`` when it is an array of known rank."""
    array = as_array(value)
    return array.shape if array is not None and isinstance(array.shape, tuple) else None


def size_argument(args: list[Value], kwargs: dict[str, Value], position: int) -> Value:
    if "size" in kwargs:
        return kwargs["size"]
    if "shape" in kwargs:
        return kwargs["shape"]
    return args[position] if len(args) > position else None


def from_size(size: Value) -> Value:
    if size is None:
        return UNKNOWN  # a scalar: not an array we track
    return ArrayValue(as_shape(size))


def shape_first(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``zeros(shape)``: the shape is the first argument."""
    return from_size(args[0] if args else kwargs.get("shape"))


def array(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.array(x)`` is an array even when nothing is known of ``x``."""
    result = array_from_literal(args[0]) if args else UNKNOWN
    return ArrayValue(UNKNOWN) if isinstance(result, Unknown) else result


def like(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``zeros_like(x)``: an array of ``x``'s shape."""
    first = as_array(args[0]) if args else None
    return first if first is not None else ArrayValue(UNKNOWN)


def reshape_function(args: list[Value], kwargs: dict[str, Value]) -> Value:
    first = argument(args, kwargs, 0, "a", "tensor")
    shape = argument(args, kwargs, 1, "newshape", "shape")
    return reshape(first, shape)


def axis_position(axis: Value, rank: int) -> int | None:
    """A non-negative axis of a ``rank``-D result, or None when out of range."""
    if not isinstance(axis, int) or isinstance(axis, bool):
        return None
    position = axis if axis >= 0 else rank + axis
    return position if 0 <= position < rank else None


def expand_dims(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shape = known_shape(argument(args, kwargs, 0, "a", "input"))
    axis = argument(args, kwargs, 1, "axis")
    if shape is None:
        return ArrayValue(UNKNOWN)
    position = axis_position(axis, len(shape) + 1)
    if position is None:
        return ArrayValue(UNKNOWN)
    dims = list(shape)
    dims.insert(position, 1)
    return ArrayValue(tuple(dims))


def squeeze(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``squeeze(x, axis)``: drops the axes of size 1 (only known sizes of 1 without ``axis``)."""
    shape = known_shape(argument(args, kwargs, 0, "a", "input"))
    axis = argument(args, kwargs, 1, "axis", default=None)
    if shape is None:
        return ArrayValue(UNKNOWN)
    if axis is None:
        if not all(is_int(dim) for dim in shape):
            return ArrayValue(UNKNOWN)  # an unknown size may be 1
        return ArrayValue(tuple(dim for dim in shape if dim != 1))
    axes = axis if isinstance(axis, tuple) else (axis,)
    positions = {axis_position(item, len(shape)) for item in axes}
    if None in positions:
        return ArrayValue(UNKNOWN)
    return ArrayValue(tuple(dim for index, dim in enumerate(shape) if index not in positions))


def reduce(shape: Shape, axis: Value, keepdims: Value = False) -> Value:
    """``x.mean(axis=...)`` and friends: the axis goes (or stays as 1)."""
    if axis is None:
        return ArrayValue(()) if keepdims is not True or isinstance(shape, Unknown) else ArrayValue((1,) * len(shape))
    if isinstance(shape, Unknown):
        return ArrayValue(UNKNOWN)
    axes = axis if isinstance(axis, tuple) else (axis,)
    positions = {axis_position(item, len(shape)) for item in axes}
    if None in positions or not isinstance(keepdims, bool):
        return ArrayValue(UNKNOWN)
    if keepdims:
        return ArrayValue(tuple(1 if index in positions else dim for index, dim in enumerate(shape)))
    return ArrayValue(tuple(dim for index, dim in enumerate(shape) if index not in positions))


def dataset(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """A dataset or generator of batches: ``fit`` ignores ``batch_size`` and ``shuffle`` for it."""
    return DatasetValue(shuffled=False)
