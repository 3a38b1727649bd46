"""numpy: array constructors, ``np.random``, ``arange``, ``reshape``, ``expand_dims``."""

from __future__ import annotations

from rnnlint.extract.library.base import (
    Handler,
    array,
    expand_dims,
    from_size,
    like,
    reshape_function,
    shape_first,
    size_argument,
)
from rnnlint.extract.operators import as_shape
from rnnlint.values import UNKNOWN, ArrayValue, Value, is_int


def _random_with_size(position: int) -> Handler:
    """``np.random.normal(loc, scale, size)``: the shape is ``size=`` or the argument at ``position``."""

    def make(args: list[Value], kwargs: dict[str, Value]) -> Value:
        return from_size(size_argument(args, kwargs, position))

    return make


def _dims_as_args(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.random.rand(3, 4)``: each argument is one axis."""
    return ArrayValue(as_shape(tuple(args))) if args else UNKNOWN


def _arange(args: list[Value], kwargs: dict[str, Value]) -> Value:
    numbers = [arg for arg in args if is_int(arg)]
    if len(numbers) != len(args) or not 1 <= len(numbers) <= 3 or kwargs:
        return ArrayValue((UNKNOWN,))
    return ArrayValue((len(range(*numbers)),))


_RANDOM_SIZE_POSITION = {"random": 0, "random_sample": 0, "sample": 0, "normal": 2, "uniform": 2, "randint": 2}

MODELS: dict[str, Handler] = {
    **{f"numpy.{name}": shape_first for name in ("zeros", "ones", "empty")},
    "numpy.full": shape_first,
    **{f"numpy.random.{name}": _random_with_size(pos) for name, pos in _RANDOM_SIZE_POSITION.items()},
    "numpy.random.rand": _dims_as_args,
    "numpy.random.randn": _dims_as_args,
    "numpy.arange": _arange,
    "numpy.reshape": reshape_function,
    "numpy.array": array,
    "numpy.asarray": array,
    "numpy.float32": array,
    "numpy.expand_dims": expand_dims,
    **{f"numpy.{name}": like for name in ("zeros_like", "ones_like", "empty_like", "full_like", "copy")},
}
