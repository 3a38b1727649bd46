"""Methods of arrays and datasets: ``x.reshape(...)``, ``ds.shuffle(...)``..."""

from __future__ import annotations

from rnnlint.extract.operators import product, reshape
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, Value

_ARRAY_METHODS_SAME_SHAPE = frozenset({"astype", "copy", "to_numpy", "numpy", "fit_transform", "transform"})

_DATASET_METHODS = frozenset(
    {"map", "batch", "padded_batch", "prefetch", "repeat", "cache", "take", "skip", "filter", "unbatch", "flat_map"}
)


def method(receiver: Value, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``receiver.name(*args, **kwargs)`` for arrays and datasets."""
    if isinstance(receiver, ArrayValue):
        return _array_method(receiver, name, args, kwargs)
    if isinstance(receiver, DatasetValue):
        if name == "shuffle":
            return DatasetValue(shuffled=True, description=receiver.description)
        if name in _DATASET_METHODS:
            return receiver
    return UNKNOWN


def _array_method(receiver: ArrayValue, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name == "reshape":
        shape = args[0] if len(args) == 1 else tuple(args) if args else kwargs.get("shape", UNKNOWN)
        return reshape(receiver, shape)
    if name in _ARRAY_METHODS_SAME_SHAPE:
        return receiver
    if name == "flatten" or name == "ravel":
        return ArrayValue((product(receiver.shape),))
    return UNKNOWN
