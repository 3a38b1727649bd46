"""Keras utilities: ``to_categorical`` and the time-series batch makers."""

from __future__ import annotations

from rnnlint.extract.library.base import Handler, dataset
from rnnlint.values import UNKNOWN, ArrayValue, Unknown, Value, is_int


def _to_categorical(args: list[Value], kwargs: dict[str, Value]) -> Value:
    labels = args[0] if args else kwargs.get("y", UNKNOWN)
    classes = args[1] if len(args) > 1 else kwargs.get("num_classes", UNKNOWN)
    if not isinstance(labels, ArrayValue) or isinstance(labels.shape, Unknown):
        return ArrayValue(UNKNOWN)
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    return ArrayValue((*shape, classes if is_int(classes) else UNKNOWN))


MODELS: dict[str, Handler] = {
    "keras.utils.to_categorical": _to_categorical,
    "keras.utils.timeseries_dataset_from_array": dataset,
    "keras.preprocessing.timeseries_dataset_from_array": dataset,
    "keras.preprocessing.sequence.TimeseriesGenerator": dataset,
    "keras.utils.Sequence": dataset,
}
