"""numpy: array constructors, ``np.random``, ``arange``, ``load``, and the
functions that reshape, join, reorder and reduce axes."""

from __future__ import annotations

from rnnlint.extract.library.base import (
    Handler,
    argument,
    array,
    as_array,
    axis_position,
    expand_dims,
    from_size,
    known_shape,
    like,
    reduce,
    reshape_function,
    shape_first,
    size_argument,
    squeeze,
)
from rnnlint.extract.operators import as_shape, range_length
from rnnlint.values import UNKNOWN, ArrayValue, Dim, ListValue, Value, fresh_sym, is_int


def _random_with_size(position: int) -> Handler:
    """``np.random.normal(loc, scale, size)``: the shape is ``size=`` or the argument at ``position``."""

    def make(args: list[Value], kwargs: dict[str, Value]) -> Value:
        return from_size(size_argument(args, kwargs, position))

    return make


def _dims_as_args(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.random.rand(3, 4)``: each argument is one axis."""
    return ArrayValue(as_shape(tuple(args))) if args else UNKNOWN


def _arange(args: list[Value], kwargs: dict[str, Value]) -> Value:
    numbers = [arg for arg in args if isinstance(arg, int) and not isinstance(arg, bool)]
    if len(numbers) != len(args) or not 1 <= len(numbers) <= 3 or kwargs:
        return ArrayValue((UNKNOWN,))
    try:
        return ArrayValue((range_length(range(*numbers)),))
    except ValueError:  # a step of 0
        return ArrayValue((UNKNOWN,))


def _load(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.load(path)``: an array whose rank and sizes are in the file; its
    samples are a size of their own."""
    return ArrayValue(UNKNOWN, fresh_sym())


def _sequence(args: list[Value], kwargs: dict[str, Value]) -> list[tuple[Dim, ...]] | None:
    """The shapes of the arrays given to ``stack``/``concatenate``, when all are known."""
    items = argument(args, kwargs, 0, "arrays", "tup")
    if not isinstance(items, tuple) or not items:
        return None
    shapes = [known_shape(item) for item in items]
    return None if any(shape is None for shape in shapes) else shapes  # type: ignore[return-value]


def _listed(args: list[Value], kwargs: dict[str, Value]) -> tuple[Dim, tuple[Dim, ...]] | None:
    """A list built by a loop or a comprehension (``ListValue``): its length
    and its element's shape, when the element is an array of known rank."""
    items = argument(args, kwargs, 0, "arrays", "tup")
    if not isinstance(items, ListValue):
        return None
    shape = known_shape(items.element)
    return None if shape is None else (items.length, shape)


def _join_listed(shape: tuple[Dim, ...], axis: Value) -> Value:
    """Arrays of ``shape``, as many as a loop made, end to end: the joined
    axis's size is unknown, the others stay."""
    position = axis_position(axis, len(shape))
    if position is None:
        return ArrayValue(UNKNOWN)
    return ArrayValue(tuple(UNKNOWN if index == position else dim for index, dim in enumerate(shape)))


def _join(shapes: list[tuple[Dim, ...]], axis: int) -> Value:
    rank = len(shapes[0])
    position = axis_position(axis, rank)
    if position is None or any(len(shape) != rank for shape in shapes):
        return ArrayValue(UNKNOWN)
    sizes = [shape[position] for shape in shapes]
    total = sum(sizes) if all(is_int(size) for size in sizes) else UNKNOWN  # type: ignore[arg-type]
    return ArrayValue(tuple(total if index == position else dim for index, dim in enumerate(shapes[0])))


def _concatenate(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shapes = _sequence(args, kwargs)
    axis = argument(args, kwargs, 1, "axis", default=0)
    listed = _listed(args, kwargs)
    if listed is not None:
        return _join_listed(listed[1], axis)
    if shapes is None or not is_int(axis):
        return ArrayValue(UNKNOWN)
    return _join(shapes, axis)  # type: ignore[arg-type]


def _stack(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shapes = _sequence(args, kwargs)
    axis = argument(args, kwargs, 1, "axis", default=0)
    listed = _listed(args, kwargs)
    if listed is not None:  # windows from a loop or a comprehension: a new axis of their number
        return _new_axis(listed[1], listed[0], axis)
    if shapes is None or any(shape != shapes[0] for shape in shapes):
        return ArrayValue(UNKNOWN)
    return _new_axis(shapes[0], len(shapes), axis)


def _new_axis(shape: tuple[Dim, ...], count: Dim, axis: Value) -> Value:
    """``count`` arrays of ``shape`` stacked along a new ``axis``."""
    position = axis_position(axis, len(shape) + 1)
    if position is None:
        return ArrayValue(UNKNOWN)
    return ArrayValue((*shape[:position], count, *shape[position:]))


def _at_least_2d(shape: tuple[Dim, ...], column: bool) -> tuple[Dim, ...]:
    if len(shape) >= 2:
        return shape
    if len(shape) == 1:
        return (shape[0], 1) if column else (1, shape[0])
    return (1, 1)


def _vstack(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shapes = _sequence(args, kwargs)
    listed = _listed(args, kwargs)
    if listed is not None:
        return _join_listed(_at_least_2d(listed[1], False), 0)
    return ArrayValue(UNKNOWN) if shapes is None else _join([_at_least_2d(s, False) for s in shapes], 0)


def _hstack(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shapes = _sequence(args, kwargs)
    listed = _listed(args, kwargs)
    if listed is not None:
        return _join_listed(listed[1], 0 if len(listed[1]) == 1 else 1)
    if shapes is None:
        return ArrayValue(UNKNOWN)
    return _join(shapes, 0 if all(len(shape) == 1 for shape in shapes) else 1)


def _column_stack(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shapes = _sequence(args, kwargs)
    return ArrayValue(UNKNOWN) if shapes is None else _join([_at_least_2d(s, True) for s in shapes], 1)


def transpose(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shape = known_shape(argument(args, kwargs, 0, "a"))
    axes = argument(args, kwargs, 1, "axes", "perm", default=None)
    if shape is None:
        return ArrayValue(UNKNOWN)
    if axes is None:
        return ArrayValue(tuple(reversed(shape)))
    if not isinstance(axes, tuple) or sorted(axis_position(a, len(shape)) or 0 for a in axes) != list(
        range(len(shape))
    ):
        return ArrayValue(UNKNOWN)
    return ArrayValue(tuple(shape[axis_position(a, len(shape)) or 0] for a in axes))


def swapaxes(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shape = known_shape(argument(args, kwargs, 0, "a"))
    if shape is None:
        return ArrayValue(UNKNOWN)
    first = axis_position(argument(args, kwargs, 1, "axis1"), len(shape))
    second = axis_position(argument(args, kwargs, 2, "axis2"), len(shape))
    if first is None or second is None:
        return ArrayValue(UNKNOWN)
    dims = list(shape)
    dims[first], dims[second] = dims[second], dims[first]
    return ArrayValue(tuple(dims))


def _moveaxis(args: list[Value], kwargs: dict[str, Value]) -> Value:
    shape = known_shape(argument(args, kwargs, 0, "a"))
    if shape is None:
        return ArrayValue(UNKNOWN)
    source = axis_position(argument(args, kwargs, 1, "source"), len(shape))
    target = axis_position(argument(args, kwargs, 2, "destination"), len(shape))
    if source is None or target is None:
        return ArrayValue(UNKNOWN)
    dims = list(shape)
    dims.insert(target, dims.pop(source))
    return ArrayValue(tuple(dims))


def reduction(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.mean(x, axis=...)``, ``np.argmax``...: the reduced axes go."""
    first = as_array(argument(args, kwargs, 0, "a", "input_tensor", "input"))
    if first is None:
        return UNKNOWN
    return reduce(first.shape, argument(args, kwargs, 1, "axis", default=None), kwargs.get("keepdims", False))


def _unique(args: list[Value], kwargs: dict[str, Value]) -> Value:
    return UNKNOWN if kwargs else ArrayValue((UNKNOWN,))


def _same(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """Elementwise functions: the argument's shape."""
    first = as_array(args[0]) if args else None
    return first if first is not None else UNKNOWN


_RANDOM_SIZE_POSITION = {"random": 0, "random_sample": 0, "sample": 0, "normal": 2, "uniform": 2, "randint": 2}
_REDUCTIONS = ("mean", "std", "var", "sum", "min", "max", "median", "argmax", "argmin", "amax", "amin", "prod")
_ELEMENTWISE = ("log", "log1p", "exp", "sqrt", "abs", "nan_to_num", "clip", "round", "tanh", "sin", "cos", "float32")

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
    "numpy.expand_dims": expand_dims,
    "numpy.squeeze": squeeze,
    "numpy.load": _load,
    "numpy.loadtxt": _load,
    "numpy.genfromtxt": _load,
    "numpy.stack": _stack,
    "numpy.concatenate": _concatenate,
    "numpy.vstack": _vstack,
    "numpy.hstack": _hstack,
    "numpy.column_stack": _column_stack,
    "numpy.transpose": transpose,
    "numpy.swapaxes": swapaxes,
    "numpy.moveaxis": _moveaxis,
    "numpy.unique": _unique,
    **{f"numpy.{name}": reduction for name in _REDUCTIONS},
    **{f"numpy.{name}": _same for name in _ELEMENTWISE},
    **{f"numpy.{name}": like for name in ("zeros_like", "ones_like", "empty_like", "full_like", "copy")},
}
