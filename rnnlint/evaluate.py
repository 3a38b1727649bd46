"""Constant evaluation on abstract values: operators, indexing, and the numpy,
TensorFlow and Keras utility calls whose result shape is known.

Pure functions of values; the CST is read elsewhere (``extract``). Anything
not modelled here is ``UNKNOWN``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, ListValue, LoopIndex, Unknown, Value, is_int, is_known

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
        or (isinstance(left, (tuple, str)) and is_int(right) and op == "*" and 0 <= right <= MAX_LENGTH)
    )
    if sequence_ok and (len(left) + len(right) if op == "+" else len(left) * right) > MAX_LENGTH:
        return UNKNOWN
    if not (both_numbers or sequence_ok):
        return UNKNOWN
    if op == "**" and (abs(right) > 64 or abs(left) > _MAX_INT):
        return UNKNOWN
    try:
        result = func(left, right)
    except (ArithmeticError, ValueError, TypeError):
        return UNKNOWN
    return bounded(result)


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
        return bounded(-operand)
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
            return _product(value.shape)
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
        return _length(range(length)[item])
    return UNKNOWN  # x[:n] has min(len(x), n) rows


def _length(numbers: range) -> Value:
    """``len(range(...))``, UNKNOWN beyond the bounds (``len`` itself overflows past 2^63)."""
    try:
        return bounded(len(numbers))
    except OverflowError:
        return UNKNOWN


def _product(shape: Value) -> Value:
    if isinstance(shape, Unknown) or not all(is_int(dim) for dim in shape):
        return UNKNOWN
    if any(abs(dim) > _MAX_INT for dim in shape):
        return UNKNOWN
    size = 1
    for dim in shape:
        size = bounded(size * dim)
        if not is_int(size):
            return UNKNOWN
    return size


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
        size = _product(array.shape) if isinstance(array, ArrayValue) else UNKNOWN
        rest = _product(tuple(dim for dim in target if dim != -1))
        if target.count(-1) == 1 and is_int(size) and is_int(rest) and rest and size % rest == 0:
            target = tuple(size // rest if dim == -1 else dim for dim in target)
        else:
            target = tuple(UNKNOWN if dim == -1 else dim for dim in target)
    return ArrayValue(target)


def _array_from_literal(value: Value) -> Value:
    if isinstance(value, ArrayValue):
        return value
    if isinstance(value, ListValue):
        element = _array_from_literal(value.element)
        if isinstance(element, ArrayValue) and isinstance(element.shape, tuple):
            return ArrayValue((value.length, *element.shape))
        return ArrayValue(UNKNOWN)
    if isinstance(value, tuple):
        if not value:
            return ArrayValue((0,))
        inner = [_array_from_literal(item) for item in value]
        if all(isinstance(item, ArrayValue) and item.shape == inner[0].shape for item in inner):
            first = inner[0].shape
            return ArrayValue(UNKNOWN if isinstance(first, Unknown) else (len(value), *first))
        if all(isinstance(item, (int, float)) for item in value):
            return ArrayValue((len(value),))
        return ArrayValue(UNKNOWN)
    if isinstance(value, (int, float)):
        return ArrayValue(())
    return UNKNOWN


def _size_argument(args: list[Value], kwargs: dict[str, Value], position: int) -> Value:
    if "size" in kwargs:
        return kwargs["size"]
    if "shape" in kwargs:
        return kwargs["shape"]
    return args[position] if len(args) > position else None


def _from_size(size: Value) -> Value:
    if size is None:
        return UNKNOWN  # a scalar: not an array we track
    return ArrayValue(as_shape(size))


def _to_categorical(args: list[Value], kwargs: dict[str, Value]) -> Value:
    labels = args[0] if args else kwargs.get("y", UNKNOWN)
    classes = args[1] if len(args) > 1 else kwargs.get("num_classes", UNKNOWN)
    if not isinstance(labels, ArrayValue) or isinstance(labels.shape, Unknown):
        return ArrayValue(UNKNOWN)
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    return ArrayValue((*shape, classes if is_int(classes) else UNKNOWN))


def _arange(args: list[Value], kwargs: dict[str, Value]) -> Value:
    numbers = [arg for arg in args if is_int(arg)]
    if len(numbers) != len(args) or not 1 <= len(numbers) <= 3 or kwargs:
        return ArrayValue((UNKNOWN,))
    try:
        return ArrayValue((_length(range(*numbers)),))
    except ValueError:  # a step of 0
        return ArrayValue((UNKNOWN,))


def _expand_dims(args: list[Value], kwargs: dict[str, Value]) -> Value:
    array = args[0] if args else UNKNOWN
    axis = args[1] if len(args) > 1 else kwargs.get("axis", UNKNOWN)
    if not isinstance(array, ArrayValue) or isinstance(array.shape, Unknown) or not is_int(axis):
        return ArrayValue(UNKNOWN)
    dims = list(array.shape)
    position = axis if axis >= 0 else len(dims) + 1 + axis
    if not 0 <= position <= len(dims):
        return UNKNOWN
    dims.insert(position, 1)
    return ArrayValue(tuple(dims))


def _like(args: list[Value], kwargs: dict[str, Value]) -> Value:
    array = args[0] if args else UNKNOWN
    return array if isinstance(array, ArrayValue) else ArrayValue(UNKNOWN)


def _reshape_function(args: list[Value], kwargs: dict[str, Value]) -> Value:
    array = args[0] if args else kwargs.get("a", kwargs.get("tensor", UNKNOWN))
    shape = args[1] if len(args) > 1 else kwargs.get("newshape", kwargs.get("shape", UNKNOWN))
    return reshape(array, shape)


def _random_with_size(position: int) -> Callable[[list[Value], dict[str, Value]], Value]:
    def make(args: list[Value], kwargs: dict[str, Value]) -> Value:
        return _from_size(_size_argument(args, kwargs, position))

    return make


def _dims_as_args(args: list[Value], kwargs: dict[str, Value]) -> Value:
    return ArrayValue(as_shape(tuple(args))) if args else UNKNOWN


def _shape_first(args: list[Value], kwargs: dict[str, Value]) -> Value:
    return _from_size(args[0] if args else kwargs.get("shape"))


def _array(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``np.array(x)`` is an array even when nothing is known of ``x``."""
    result = _array_from_literal(args[0]) if args else UNKNOWN
    return ArrayValue(UNKNOWN) if isinstance(result, Unknown) else result


def _from_tensor_slices(args: list[Value], kwargs: dict[str, Value]) -> Value:
    return DatasetValue(shuffled=False)


_NUMPY_RANDOM_SIZE = {"random": 0, "random_sample": 0, "sample": 0, "normal": 2, "uniform": 2, "randint": 2}

LIBRARY: dict[str, Callable[[list[Value], dict[str, Value]], Value]] = {
    **{f"numpy.{name}": _shape_first for name in ("zeros", "ones", "empty")},
    "numpy.full": _shape_first,
    **{f"numpy.random.{name}": _random_with_size(pos) for name, pos in _NUMPY_RANDOM_SIZE.items()},
    "numpy.random.rand": _dims_as_args,
    "numpy.random.randn": _dims_as_args,
    "numpy.arange": _arange,
    "numpy.reshape": _reshape_function,
    "numpy.array": _array,
    "numpy.asarray": _array,
    "numpy.float32": _array,
    "numpy.expand_dims": _expand_dims,
    **{f"numpy.{name}": _like for name in ("zeros_like", "ones_like", "empty_like", "full_like", "copy")},
    **{f"tensorflow.{name}": _shape_first for name in ("zeros", "ones")},
    "tensorflow.random.normal": _shape_first,
    "tensorflow.random.uniform": _shape_first,
    "tensorflow.reshape": _reshape_function,
    "tensorflow.expand_dims": _expand_dims,
    "tensorflow.convert_to_tensor": _array,
    "tensorflow.constant": _array,
    "keras.utils.to_categorical": _to_categorical,
    "tensorflow.data.Dataset.from_tensor_slices": _from_tensor_slices,
    "tensorflow.data.Dataset.from_tensors": _from_tensor_slices,
    "tensorflow.data.Dataset.from_generator": _from_tensor_slices,
    "tensorflow.data.Dataset.zip": _from_tensor_slices,
    "tensorflow.data.Dataset.range": _from_tensor_slices,
    "keras.utils.timeseries_dataset_from_array": _from_tensor_slices,
    "keras.preprocessing.timeseries_dataset_from_array": _from_tensor_slices,
    "keras.preprocessing.sequence.TimeseriesGenerator": _from_tensor_slices,
    "keras.utils.Sequence": _from_tensor_slices,
}
"""Library functions whose result the evaluator knows, by canonical qualified name."""


def call_library(qualname: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    handler = LIBRARY.get(qualname)
    if handler is None:
        return _call_builtin(qualname, args, kwargs)
    return handler(args, kwargs)


def _call_builtin(qualname: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if kwargs or (len(args) != 1 and qualname not in ("builtins.min", "builtins.max", "builtins.round")):
        return UNKNOWN
    if qualname == "builtins.len":
        value = args[0]
        if isinstance(value, (tuple, str)):
            return len(value)
        if isinstance(value, ArrayValue):
            return value.samples
        if isinstance(value, range):
            return _length(value)
        if isinstance(value, ListValue):
            return value.length
        return UNKNOWN
    if not all(is_known(arg) for arg in args):
        return UNKNOWN
    try:
        if qualname == "builtins.int" and isinstance(args[0], (int, float)):
            return bounded(int(args[0]))
        if qualname == "builtins.float" and isinstance(args[0], (int, float)):
            return bounded(float(args[0]))
        if qualname in ("builtins.tuple", "builtins.list") and isinstance(args[0], tuple):
            return args[0]
        if qualname in ("builtins.min", "builtins.max") and all(isinstance(a, _NUMBER) for a in args):
            return (min if qualname == "builtins.min" else max)(args)
        if qualname == "builtins.round" and isinstance(args[0], _NUMBER):
            return bounded(round(*args))
        if qualname == "builtins.abs" and isinstance(args[0], _NUMBER):
            return abs(args[0])
        if qualname == "builtins.range" and all(is_int(arg) for arg in args):
            return range(*args)
    except (TypeError, ValueError, ArithmeticError):
        return UNKNOWN
    return UNKNOWN


_ARRAY_METHODS_SAME_SHAPE = frozenset({"astype", "copy", "to_numpy", "numpy", "fit_transform", "transform"})

_DATASET_METHODS = frozenset(
    {"map", "batch", "padded_batch", "prefetch", "repeat", "cache", "take", "skip", "filter", "unbatch", "flat_map"}
)


def method(receiver: Value, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``receiver.name(*args, **kwargs)`` for arrays and datasets."""
    if isinstance(receiver, ArrayValue):
        if name == "reshape":
            shape = args[0] if len(args) == 1 else tuple(args) if args else kwargs.get("shape", UNKNOWN)
            return reshape(receiver, shape)
        if name in _ARRAY_METHODS_SAME_SHAPE:
            return receiver
        if name == "flatten" or name == "ravel":
            return ArrayValue((_product(receiver.shape),))
        return UNKNOWN
    if isinstance(receiver, DatasetValue):
        if name == "shuffle":
            return DatasetValue(shuffled=True, description=receiver.description)
        if name in _DATASET_METHODS:
            return receiver
        return UNKNOWN
    return UNKNOWN
