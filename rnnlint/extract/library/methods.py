"""Methods of arrays, pandas frames, datasets and data-library objects:
``x.reshape(...)``, ``df.dropna()``, ``ds.batch(...)``, ``scaler.fit_transform(X)``..."""

from __future__ import annotations

from dataclasses import replace

from rnnlint.extract.library.base import argument, as_array, reduce, squeeze
from rnnlint.extract.library.numpy import swapaxes, transpose
from rnnlint.extract.library.sklearn import ENCODERS, SCALERS
from rnnlint.extract.operators import product, reshape
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    Dim,
    FrameValue,
    LibraryObject,
    ListValue,
    Sym,
    Unknown,
    Value,
    fresh_sym,
    is_int,
)

_ARRAY_METHODS_SAME_SHAPE = frozenset(
    {"astype", "copy", "to_numpy", "numpy", "clip", "round", "fillna", "view", "__array__"}
)
_REDUCTIONS = frozenset({"mean", "std", "var", "sum", "min", "max", "argmax", "argmin", "prod", "median"})

_DATASET_METHODS = frozenset({"prefetch", "repeat", "cache", "take", "skip", "filter", "with_options"})
"""Dataset methods that keep the elements' shape."""

_FRAME_SAME_ROWS = frozenset(
    {
        "astype",
        "copy",
        "fillna",
        "ffill",
        "bfill",
        "interpolate",
        "sort_values",
        "sort_index",
        "reset_index",
        "abs",
        "diff",
        "shift",
        "pct_change",
        "clip",
        "round",
        "rename",
        "replace",
        "map",
        "apply",
        "isin",
        "isna",
        "notna",
        "cumsum",
        "normalize",
    }
)
_FRAME_SOME_ROWS = frozenset({"dropna", "sample", "drop_duplicates", "query"})


def method(receiver: Value, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``receiver.name(*args, **kwargs)`` for arrays, frames, datasets and library objects."""
    if isinstance(receiver, ArrayValue):
        return _array_method(receiver, name, args, kwargs)
    if isinstance(receiver, FrameValue):
        return _frame_method(receiver, name, args, kwargs)
    if isinstance(receiver, DatasetValue):
        return _dataset_method(receiver, name, args, kwargs)
    if isinstance(receiver, LibraryObject):
        return _object_method(receiver, name, args, kwargs)
    return UNKNOWN


def _array_method(receiver: ArrayValue, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name == "reshape":
        shape = args[0] if len(args) == 1 else tuple(args) if args else kwargs.get("shape", UNKNOWN)
        return reshape(receiver, shape)
    if name in _ARRAY_METHODS_SAME_SHAPE:
        return receiver
    if name in ("flatten", "ravel"):
        return ArrayValue((product(receiver.shape),))  # type: ignore[arg-type]
    if name in _REDUCTIONS:
        return reduce(receiver.shape, argument(args, kwargs, 0, "axis", default=None), kwargs.get("keepdims", False))
    if name == "squeeze":
        return squeeze([receiver, *args], kwargs)
    if name == "transpose":
        axes = tuple(args) if len(args) > 1 else argument(args, kwargs, 0, "axes", default=None)
        return transpose([receiver, axes], {})
    if name == "swapaxes":
        return swapaxes([receiver, *args], kwargs)
    return UNKNOWN


def _frame_method(frame: FrameValue, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name in ("to_numpy", "to_list", "tolist"):
        return frame.as_array() if name == "to_numpy" else UNKNOWN
    if name in _FRAME_SAME_ROWS:
        if name in ("map", "apply") and not frame.series:
            return UNKNOWN
        if name == "reset_index" and kwargs.get("drop") is not True:
            return replace(frame, columns=UNKNOWN)
        return frame
    if name in _FRAME_SOME_ROWS:
        return replace(frame, rows=_some_rows(frame.rows))
    if name in ("head", "tail"):
        count = argument(args, kwargs, 0, "n", default=5)
        return replace(frame, rows=UNKNOWN if not is_int(count) else _some_rows(frame.rows))
    if name == "set_index" and not frame.series:
        keys = argument(args, kwargs, 0, "keys")
        drop = kwargs.get("drop", True) is True
        width = frame.columns - 1 if is_int(frame.columns) and isinstance(keys, str) and drop else UNKNOWN  # type: ignore[operator]
        return replace(frame, columns=width)
    if name == "drop" and not frame.series:
        columns = kwargs.get("columns")
        if isinstance(columns, str):
            columns = (columns,)
        if isinstance(columns, tuple) and is_int(frame.columns):
            return replace(frame, columns=frame.columns - len(columns))  # type: ignore[operator]
        return replace(frame, columns=UNKNOWN) if "columns" in kwargs or kwargs.get("axis") == 1 else UNKNOWN
    if name in _REDUCTIONS and not frame.series and argument(args, kwargs, 0, "axis", default=0) in (0, "index"):
        return FrameValue(frame.columns, series=True)
    return UNKNOWN


def _some_rows(rows: Dim) -> Dim:
    return fresh_sym(root=rows) if isinstance(rows, Sym) else UNKNOWN


def _dataset_method(receiver: DatasetValue, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name == "shuffle":
        return replace(receiver, shuffled=True)
    if name in _DATASET_METHODS:
        return receiver
    if name in ("batch", "padded_batch"):
        if receiver.batched or isinstance(receiver.element, Unknown) or name == "padded_batch":
            return replace(receiver, element=UNKNOWN, batched=True)
        return replace(receiver, element=(None, *receiver.element), batched=True)
    if name == "unbatch":
        element = receiver.element
        if receiver.batched and isinstance(element, tuple) and element:
            return replace(receiver, element=element[1:], batched=False)
        return replace(receiver, element=UNKNOWN, batched=False)
    if name in ("map", "flat_map", "window", "interleave"):
        return replace(receiver, element=UNKNOWN, batched=False)
    return UNKNOWN


def _object_method(receiver: LibraryObject, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if receiver.kind in SCALERS or receiver.kind in ENCODERS:
        if name == "fit":
            return receiver
        if name in ("transform", "fit_transform", "inverse_transform") and args:
            return _transformed(receiver.kind, args[0], name)
        return UNKNOWN
    if receiver.kind == "Tokenizer" and name == "texts_to_sequences" and args:
        texts = as_array(args[0])
        count = texts.sample_dim if texts is not None else UNKNOWN
        return ListValue(count if is_int(count) else fresh_sym(), UNKNOWN)  # type: ignore[arg-type]
    return UNKNOWN


def _transformed(kind: str, data: Value, name: str) -> Value:
    array = as_array(data)
    if array is None:
        return UNKNOWN
    if kind in SCALERS:
        return array
    if kind == "LabelEncoder" and name != "inverse_transform":
        return ArrayValue((array.sample_dim,)) if not isinstance(array.shape, Unknown) else ArrayValue(UNKNOWN)
    if kind in ("OneHotEncoder", "LabelBinarizer") and name != "inverse_transform":
        return ArrayValue((array.sample_dim, UNKNOWN))
    return UNKNOWN
