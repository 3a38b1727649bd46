"""Keras utilities: ``to_categorical``, ``pad_sequences``, the ``Tokenizer``,
and the time-series batch makers (datasets that know their window length)."""

from __future__ import annotations

from rnnlint.extract.library.base import Handler, argument, as_array, dataset
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    LibraryObject,
    ListValue,
    Unknown,
    Value,
    is_int,
)


def _to_categorical(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``(n,)`` or ``(n, 1)`` labels become ``(n, num_classes)``."""
    labels = as_array(argument(args, kwargs, 0, "y", "x"))
    classes = argument(args, kwargs, 1, "num_classes", default=None)
    if labels is None or isinstance(labels.shape, Unknown):
        return ArrayValue(UNKNOWN)
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    return ArrayValue((*shape, classes if is_int(classes) else UNKNOWN))  # type: ignore[arg-type]


def _pad_sequences(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``(n, maxlen)``: one row per sequence, ``maxlen`` columns (the longest when not given)."""
    sequences = argument(args, kwargs, 0, "sequences")
    maxlen = argument(args, kwargs, 1, "maxlen", default=None)
    width = maxlen if is_int(maxlen) else UNKNOWN
    if isinstance(sequences, ListValue):
        return ArrayValue((sequences.length, width))  # type: ignore[arg-type]
    array = as_array(sequences)
    if array is not None and isinstance(array.shape, tuple) and array.shape:
        return ArrayValue((array.shape[0], width))  # type: ignore[arg-type]
    return ArrayValue((UNKNOWN, width))  # type: ignore[arg-type]


def _windows(data: Value, length: Value) -> tuple[Value, ...] | Unknown:
    """The shape of a batch of windows of ``length`` steps cut from ``data``."""
    array = as_array(data)
    if array is None or not isinstance(array.shape, tuple) or not array.shape or not is_int(length):
        return UNKNOWN
    return (None, length, *array.shape[1:])


def _timeseries_dataset(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``timeseries_dataset_from_array(data, targets, sequence_length)``:
    batches ``(None, sequence_length, *data.shape[1:])``. Its element spec
    leaves the timesteps None, so Keras's input check does not see them."""
    element = _windows(argument(args, kwargs, 0, "data"), argument(args, kwargs, 2, "sequence_length"))
    return DatasetValue(shuffled=False, element=element, batched=True, static_steps=False)  # type: ignore[arg-type]


def _timeseries_generator(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``TimeseriesGenerator(data, targets, length)``: batches ``(None, length, *data.shape[1:])``."""
    element = _windows(argument(args, kwargs, 0, "data"), argument(args, kwargs, 2, "length"))
    return DatasetValue(shuffled=False, element=element, batched=True, static_steps=False)  # type: ignore[arg-type]


def _tokenizer(args: list[Value], kwargs: dict[str, Value]) -> Value:
    return LibraryObject("Tokenizer")


MODELS: dict[str, Handler] = {
    "keras.utils.to_categorical": _to_categorical,
    "keras.utils.pad_sequences": _pad_sequences,
    "keras.preprocessing.sequence.pad_sequences": _pad_sequences,
    "keras.utils.timeseries_dataset_from_array": _timeseries_dataset,
    "keras.preprocessing.timeseries_dataset_from_array": _timeseries_dataset,
    "keras.preprocessing.sequence.TimeseriesGenerator": _timeseries_generator,
    "keras.preprocessing.text.Tokenizer": _tokenizer,
    "keras.utils.Sequence": dataset,
}
