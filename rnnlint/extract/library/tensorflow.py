"""TensorFlow: tensor constructors, ``tf.reshape``/``tf.expand_dims``/``tf.one_hot``,
and the ``tf.data`` sources (their per-sample element shape when known)."""

from __future__ import annotations

from rnnlint.extract.library.base import (
    Handler,
    argument,
    array,
    as_array,
    dataset,
    expand_dims,
    reshape_function,
    shape_first,
    squeeze,
)
from rnnlint.extract.library.numpy import reduction, transpose
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, Unknown, Value, is_int


def _one_hot(args: list[Value], kwargs: dict[str, Value]) -> Value:
    indices = as_array(argument(args, kwargs, 0, "indices"))
    depth = argument(args, kwargs, 1, "depth")
    if indices is None or isinstance(indices.shape, Unknown):
        return ArrayValue(UNKNOWN)
    return ArrayValue((*indices.shape, depth if is_int(depth) else UNKNOWN))  # type: ignore[arg-type]


def _from_tensor_slices(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``from_tensor_slices(x)`` or ``((x, y))``: elements are ``x``'s samples."""
    tensors = argument(args, kwargs, 0, "tensors")
    x = tensors[0] if isinstance(tensors, tuple) and tensors else tensors
    array = as_array(x) if not isinstance(tensors, tuple) or len(tensors) == 2 else None
    if array is None or not isinstance(array.shape, tuple) or not array.shape:
        return DatasetValue(shuffled=False)
    return DatasetValue(shuffled=False, element=array.shape[1:])


MODELS: dict[str, Handler] = {
    **{f"tensorflow.{name}": shape_first for name in ("zeros", "ones")},
    "tensorflow.random.normal": shape_first,
    "tensorflow.random.uniform": shape_first,
    "tensorflow.reshape": reshape_function,
    "tensorflow.expand_dims": expand_dims,
    "tensorflow.squeeze": squeeze,
    "tensorflow.transpose": transpose,
    "tensorflow.one_hot": _one_hot,
    "tensorflow.convert_to_tensor": array,
    "tensorflow.constant": array,
    "tensorflow.cast": array,
    **{f"tensorflow.reduce_{name}": reduction for name in ("mean", "sum", "max", "min")},
    "tensorflow.data.Dataset.from_tensor_slices": _from_tensor_slices,
    "tensorflow.data.Dataset.from_tensors": dataset,
    "tensorflow.data.Dataset.from_generator": dataset,
    "tensorflow.data.Dataset.zip": dataset,
    "tensorflow.data.Dataset.range": dataset,
}
