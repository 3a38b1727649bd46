"""scikit-learn: synthetic data sets from their arguments, ``train_test_split``,
and the transformers whose ``fit_transform``/``transform`` keep or set a shape."""

from __future__ import annotations

import math

from rnnlint.extract.library.base import Handler, argument, as_array
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    Dim,
    FrameValue,
    LibraryObject,
    Sym,
    Value,
    fresh_sym,
    is_int,
)


def _samples_features(kwargs: dict[str, Value], args: list[Value], features: int) -> tuple[Value, Value]:
    samples = argument(args, kwargs, 0, "n_samples", default=100)
    width = argument(args, kwargs, 1, "n_features", default=features)
    return (samples if is_int(samples) else UNKNOWN), (width if is_int(width) else UNKNOWN)


def _make_regression(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``X (n_samples, n_features)``, ``y (n_samples,)`` or ``(n_samples, n_targets)``."""
    samples, width = _samples_features(kwargs, args, 100)
    targets = kwargs.get("n_targets", 1)
    y = ArrayValue((samples,)) if targets == 1 else ArrayValue((samples, targets if is_int(targets) else UNKNOWN))  # type: ignore[arg-type]
    if kwargs.get("coef") is True:
        return (ArrayValue((samples, width)), y, ArrayValue(UNKNOWN))  # type: ignore[arg-type]
    return (ArrayValue((samples, width)), y)  # type: ignore[arg-type]


def _make_classification(args: list[Value], kwargs: dict[str, Value]) -> Value:
    samples, width = _samples_features(kwargs, args, 20)
    return (ArrayValue((samples, width)), ArrayValue((samples,)))  # type: ignore[arg-type]


def _make_blobs(args: list[Value], kwargs: dict[str, Value]) -> Value:
    samples, width = _samples_features(kwargs, args, 2)
    if kwargs.get("return_centers") is True:
        return UNKNOWN
    return (ArrayValue((samples, width)), ArrayValue((samples,)))  # type: ignore[arg-type]


def _split_sizes(samples: Dim, kwargs: dict[str, Value]) -> tuple[Dim, Dim]:
    """The train and test sizes, as scikit-learn computes them when the
    sample count is known; else two parts of the same samples."""
    test = kwargs.get("test_size")
    train = kwargs.get("train_size")
    if isinstance(samples, int) and train is None:
        n = samples
        test = 0.25 if test is None else test
        if isinstance(test, float) and 0 < test < 1:
            n_test = math.ceil(test * n)
            return n - n_test, n_test
        if isinstance(test, int) and not isinstance(test, bool) and 0 < test < n:
            return n - test, test
    root = samples if isinstance(samples, Sym) else None
    return fresh_sym(root=root), fresh_sym(root=root)


def _train_test_split(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``train_test_split(*arrays, test_size=...)``: each array in two parts,
    its trailing axes kept."""
    if not args or "*" in kwargs:
        return UNKNOWN
    results: list[Value] = []
    first = as_array(args[0])
    train, test = _split_sizes(first.sample_dim if first is not None else UNKNOWN, kwargs)
    for item in args:
        if isinstance(item, FrameValue):
            results += [FrameValue(train, item.columns, item.series), FrameValue(test, item.columns, item.series)]
            continue
        array = as_array(item)
        if array is None or (isinstance(array.shape, tuple) and not array.shape):
            results += [UNKNOWN, UNKNOWN]
        elif isinstance(array.shape, tuple):
            results += [ArrayValue((train, *array.shape[1:])), ArrayValue((test, *array.shape[1:]))]
        else:
            results += [ArrayValue(UNKNOWN), ArrayValue(UNKNOWN)]
    return tuple(results)


def _transformer(kind: str) -> Handler:
    def make(args: list[Value], kwargs: dict[str, Value]) -> Value:
        return LibraryObject(kind)

    return make


def _same(args: list[Value], kwargs: dict[str, Value]) -> Value:
    """``sklearn.preprocessing.scale(X)``: the shape of ``X``."""
    first = as_array(args[0]) if args else None
    return first if first is not None else UNKNOWN


SCALERS = (
    "StandardScaler",
    "MinMaxScaler",
    "RobustScaler",
    "MaxAbsScaler",
    "Normalizer",
    "PowerTransformer",
    "QuantileTransformer",
)
"""Transformers whose output has the input's shape."""

ENCODERS = ("LabelEncoder", "OneHotEncoder", "LabelBinarizer")

MODELS: dict[str, Handler] = {
    "sklearn.datasets.make_regression": _make_regression,
    "sklearn.datasets.make_classification": _make_classification,
    "sklearn.datasets.make_blobs": _make_blobs,
    "sklearn.model_selection.train_test_split": _train_test_split,
    **{f"sklearn.preprocessing.{name}": _transformer(name) for name in (*SCALERS, *ENCODERS)},
    **{f"sklearn.preprocessing.{name}": _same for name in ("scale", "minmax_scale", "robust_scale", "normalize")},
}
