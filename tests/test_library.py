"""The data-API shape library, one entry at a time: what each modelled call
gives (``S`` stands for a symbolic size, ``?`` for an unknown one), that a
split keeps the samples' origin, and that what is not modelled stays unknown."""

from __future__ import annotations

import libcst as cst
import pytest

from rnnlint.extract.interpreter import Interpreter
from rnnlint.extract.library import LIBRARY
from rnnlint.extract.objects import Scope
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue, FrameValue, Sym, Unknown

PRELUDE = """\
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from sklearn.datasets import make_regression, make_classification, make_blobs
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler, LabelEncoder, OneHotEncoder
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences, TimeseriesGenerator
a = np.zeros((10, 4, 3))
m = np.zeros((10, 4))
v = np.zeros((10,))
loaded = np.load("x.npy")
df = pd.read_csv("data.csv")
"""


def run(source: str) -> Scope:
    interpreter = Interpreter("t.py", cst.parse_module(PRELUDE + source))
    scope = Scope()
    interpreter.exec_block(interpreter.module.body, scope)
    return scope


def value_of(expression: str) -> object:
    return run(f"result = {expression}\n").lookup("result")


def spec(shape: object) -> object:
    """A shape written for tests: ``S`` for a symbol, ``?`` for UNKNOWN."""
    if isinstance(shape, Unknown):
        return "?"
    assert isinstance(shape, tuple)
    return tuple("S" if isinstance(d, Sym) else "?" if isinstance(d, Unknown) else d for d in shape)


def shape_of(expression: str) -> object:
    value = value_of(expression)
    if isinstance(value, FrameValue):
        value = value.as_array()
    assert isinstance(value, ArrayValue), f"{expression} gave {value!r}"
    return spec(value.shape)


@pytest.mark.parametrize(
    ("expression", "shape"),
    [
        # numpy
        ("np.reshape(a, (-1, 12))", (10, 12)),
        ("a.reshape(5, -1, 3)", (5, 8, 3)),
        ("np.expand_dims(m, -1)", (10, 4, 1)),
        ("np.squeeze(np.zeros((10, 4, 1)), axis=-1)", (10, 4)),
        ("np.zeros((10, 1, 4, 1)).squeeze()", (10, 4)),
        ("np.stack([m, m], axis=1)", (10, 2, 4)),
        ("np.vstack([m, m])", (20, 4)),
        ("np.hstack([m, m])", (10, 8)),
        ("np.hstack([v, v])", (20,)),
        ("np.concatenate([a, a], axis=2)", (10, 4, 6)),
        ("np.column_stack([v, v, v])", (10, 3)),
        ("np.transpose(a, (1, 0, 2))", (4, 10, 3)),
        ("np.swapaxes(a, 1, 2)", (10, 3, 4)),
        ("np.moveaxis(a, 0, -1)", (4, 3, 10)),
        ("a.T", (3, 4, 10)),
        ("a[:, -2:]", (10, 2, 3)),
        ("a[..., 0]", (10, 4)),
        ("m[:, None, :]", (10, 1, 4)),
        ("m[:, np.newaxis]", (10, 1, 4)),
        ("a[np.arange(5)]", ("?", 4, 3)),
        ("a.mean(axis=0)", (4, 3)),
        ("np.mean(a, axis=(1, 2), keepdims=True)", (10, 1, 1)),
        ("(a - a.mean(axis=0)) / a.std(axis=0)", (10, 4, 3)),
        ("m * v[:, None]", (10, 4)),
        ("np.load('x.npy')", "?"),
        ("loaded.reshape(len(loaded), 20, 8, 8)", ("S", 20, 8, 8)),
        ("loaded[:100]", "?"),
        # pandas
        ("df[['a', 'b', 'c']]", ("S", 3)),
        ("df['a']", ("S",)),
        ("df[['a', 'b']].values", ("S", 2)),
        ("df['a'].to_numpy()", ("S",)),
        ("df.iloc[:, 1:4]", ("S", "?")),
        ("df[['a', 'b', 'c']].iloc[:, 1:]", ("S", 2)),
        ("df.iloc[:100, 0]", ("S",)),
        ("df.loc[:, ['a', 'b']]", ("S", 2)),
        ("df.dropna()[['a', 'b']].shape", None),
        ("pd.read_csv('f.csv', usecols=['a', 'b'])", ("S", 2)),
        ("pd.DataFrame(m)", (10, 4)),
        # scikit-learn
        ("make_regression(n_samples=50, n_features=7)[0]", (50, 7)),
        ("make_regression(n_samples=50, n_features=7, n_targets=2)[1]", (50, 2)),
        ("make_classification(n_samples=30)[0]", (30, 20)),
        ("make_blobs(n_samples=40, n_features=3)[1]", (40,)),
        ("train_test_split(a, v, test_size=0.2)[0]", (8, 4, 3)),
        ("train_test_split(a, v, test_size=0.2)[3]", (2,)),
        ("train_test_split(df[['a', 'b']].values, test_size=0.3)[1]", ("S", 2)),
        ("StandardScaler().fit_transform(m)", (10, 4)),
        ("StandardScaler().fit(m).transform(m)", (10, 4)),
        ("LabelEncoder().fit_transform(v)", (10,)),
        ("OneHotEncoder().fit_transform(m[:, :1])", (10, "?")),
        # Keras and TensorFlow
        ("keras.utils.to_categorical(v, num_classes=5)", (10, 5)),
        ("keras.utils.to_categorical(np.zeros((10, 1)), 3)", (10, 3)),
        ("pad_sequences(Tokenizer().texts_to_sequences(df['text']), maxlen=40)", ("S", 40)),
        ("tf.reshape(a, (10, -1))", (10, 12)),
        ("tf.expand_dims(m, axis=-1)", (10, 4, 1)),
        ("tf.one_hot(v, 6)", (10, 6)),
        ("tf.convert_to_tensor(a)", (10, 4, 3)),
    ],
)
def test_shape(expression: str, shape: object) -> None:
    if shape is None:
        assert spec(value_of(expression)) == ("S", 2)
    else:
        assert shape_of(expression) == shape


@pytest.mark.parametrize(
    ("expression", "element"),
    [
        ("keras.utils.timeseries_dataset_from_array(m, v, sequence_length=6)", (None, 6, 4)),
        ("TimeseriesGenerator(m, v, length=5, batch_size=2)", (None, 5, 4)),
        ("tf.data.Dataset.from_tensor_slices((a, v)).shuffle(10).batch(8).prefetch(1)", (None, 4, 3)),
        ("tf.data.Dataset.from_tensor_slices(a).window(4).flat_map(f)", "?"),
    ],
)
def test_dataset(expression: str, element: object) -> None:
    value = value_of(expression)
    assert isinstance(value, DatasetValue)
    assert spec(value.batch_shape) == element


def test_windowing_loops_give_known_trailing_axes() -> None:
    scope = run(
        "data = df[['a', 'b', 'c']].values\n"
        "X, y, u = [], [], []\n"
        "for i in range(len(data) - 24):\n"
        "    X.append(data[i:i + 24])\n"
        "    y.append(data[i + 24, 0])\n"
        "    u.append(data[i:i + 24, 0])\n"
        "X, y, u = np.array(X), np.array(y), np.array(u)\n"
    )
    assert spec(scope.lookup("X").shape) == ("S", 24, 3)
    assert spec(scope.lookup("y").shape) == ("S",)
    assert spec(scope.lookup("u").shape) == ("S", 24)


@pytest.mark.parametrize(
    ("expression", "shape"),
    [
        ("np.array([data[i:i + 24] for i in range(len(data) - 24)])", ("S", 24, 3)),
        ("np.stack([data[i:i + 24] for i in range(len(data) - 24)])", ("S", 24, 3)),
        ("np.stack([data[i:i + 24] for i in range(len(data) - 24)], axis=1)", (24, "S", 3)),
        ("np.array([data[i:i + 24, 0] for i in range(100)])", (100, 24)),
        ("np.array([data[i + 24, 0] for i in range(100)])", (100,)),
        ("np.array([data[i:i + 24] for i in range(0, 100, 10) if i % 2])", ("S", 24, 3)),
        ("np.concatenate([data[i:i + 24] for i in range(100)])", ("?", 3)),
        ("np.vstack([data[i:i + 24] for i in range(100)])", ("?", 3)),
        ("np.hstack([data[i:i + 24, 0] for i in range(100)])", ("?",)),
    ],
)
def test_windowing_comprehensions_give_known_trailing_axes(expression: str, shape: object) -> None:
    scope = run(f"data = df[['a', 'b', 'c']].values\nresult = {expression}\n")
    value = scope.lookup("result")
    assert isinstance(value, ArrayValue) and spec(value.shape) == shape


@pytest.mark.parametrize(
    "expression",
    [
        "[data[i:j] for i in range(10) for j in range(20)]",  # nested loops
        "[row for row in data]",  # an element nobody knows
        "[unknown_function(i) for i in range(10)]",
    ],
)
def test_comprehensions_beyond_the_model_are_unknown(expression: str) -> None:
    scope = run(f"data = df[['a', 'b', 'c']].values\nresult = np.array({expression})\n")
    value = scope.lookup("result")
    assert isinstance(value, ArrayValue) and isinstance(value.shape, Unknown)


def test_a_comprehension_variable_stays_inside() -> None:
    scope = run("i = 5\nwindows = [m[i:i + 2] for i in range(3)]\n")
    assert scope.lookup("i") == 5


def test_splits_keep_the_origin_of_the_samples() -> None:
    scope = run(
        "X = df[['a', 'b']].values\n"
        "n = int(len(X) * 0.8)\n"
        "head, tail = X[:n], X[n:]\n"
        "X_tr, X_te = train_test_split(X)\n"
    )
    whole = scope.lookup("X").shape[0]
    parts = [scope.lookup(name).shape[0] for name in ("head", "tail", "X_tr", "X_te")]
    assert all(isinstance(part, Sym) and part.root == whole.root and part != whole for part in parts)
    assert str(whole) == "len(df)"  # the rows of the frame the columns come from


def test_shape_of_an_array_of_unknown_rank_keeps_its_samples() -> None:
    scope = run("shape = loaded.shape\nfirst = loaded.shape[0]\nrest = loaded.shape[1:]\n")
    lead = scope.lookup("loaded").lead
    assert scope.lookup("first") == lead
    assert scope.lookup("rest").lead == lead and scope.lookup("rest").start == 1


@pytest.mark.parametrize(
    "expression",
    ["pd.read_pickle('x.pkl')", "df.groupby('a')", "np.fft.fft(m)", "a @ m", "loaded['X']", "df.iloc[3]"],
)
def test_not_modelled_is_unknown(expression: str) -> None:
    value = value_of(expression)
    assert value is UNKNOWN or (isinstance(value, ArrayValue) and isinstance(value.shape, Unknown))


def test_every_entry_is_tested_or_shared() -> None:
    """Each library module's table is non-empty and every handler is callable on no arguments."""
    for qualname, handler in LIBRARY.items():
        handler([], {})  # never raises: a call with missing arguments is unknown, not a crash
        assert qualname.split(".")[0] in {"builtins", "numpy", "pandas", "sklearn", "tensorflow", "keras"}
