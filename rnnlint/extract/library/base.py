"""What a shape model is, and the handlers several libraries share."""

from __future__ import annotations

from collections.abc import Callable

from rnnlint.extract.operators import as_shape, reshape
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, ListValue, Unknown, Value, is_int

Handler = Callable[[list[Value], dict[str, Value]], Value]
"""A library call's result from its evaluated positional and keyword arguments."""


def array_from_literal(value: Value) -> Value:
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, ListValue):
        element = array_from_literal(value.element)
        if isinstance(element, ArrayValue) and isinstance(element.shape, tuple):
            return ArrayValue((value.length, *element.shape))
        return ArrayValue(UNKNOWN)
    if isinstance(value, tuple):
        if not value:
            return ArrayValue((0,))
        inner = [array_from_literal(item) for item in value]
        if all(isinstance(item, ArrayValue) and item.shape == inner[0].shape for item in inner):
            first = inner[0].shape
            return ArrayValue(UNKNOWN if isinstance(first, Unknown) else (len(value), *first))
        if all(isinstance(item, (int, float)) for item in value):
            return ArrayValue((len(value),))
        return ArrayValue(UNKNOWN)
    if isinstance(value, (int, float)):
        return ArrayValue(())
    return UNKNOWN


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
    first = args[0] if args else UNKNOWN
    return first if isinstance(first, ArrayValue) else ArrayValue(UNKNOWN)


def reshape_function(args: list[Value], kwargs: dict[str, Value]) -> Value:
    first = args[0] if args else kwargs.get("a", kwargs.get("tensor", UNKNOWN))
    shape = args[1] if len(args) > 1 else kwargs.get("newshape", kwargs.get("shape", UNKNOWN))
    return reshape(first, shape)


def expand_dims(args: list[Value], kwargs: dict[str, Value]) -> Value:
    first = args[0] if args else UNKNOWN
    axis = args[1] if len(args) > 1 else kwargs.get("axis", UNKNOWN)
    if not isinstance(first, ArrayValue) or isinstance(first.shape, Unknown) or not is_int(axis):
        return ArrayValue(UNKNOWN)
    dims = list(first.shape)
    position = axis if axis >= 0 else len(dims) + 1 + axis
    if not 0 <= position <= len(dims):
        return UNKNOWN
    dims.insert(position, 1)
    return ArrayValue(tuple(dims))


def dataset(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """A dataset or generator of batches: ``fit`` ignores ``batch_size`` and ``shuffle`` for it."""
    return DatasetValue(shuffled=False)
