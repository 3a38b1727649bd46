"""Constant evaluation: what is known, and that everything else is UNKNOWN."""

from __future__ import annotations

import libcst as cst
import pytest

from rnnlint.extract.interpreter import Interpreter
from rnnlint.extract.objects import Scope
from rnnlint.values import UNKNOWN, ArrayValue, DatasetValue


def value_of(source: str, name: str = "result") -> object:
    """Run ``source`` through the extractor and read the module-level ``name``."""
    extractor = Interpreter("t.py", cst.parse_module(source))
    scope = Scope()
    extractor.exec_block(extractor.module.body, scope)
    return scope.lookup(name)


PRELUDE = "import numpy as np\nimport tensorflow as tf\nimport keras\nfrom keras.utils import to_categorical\n"


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("3 * 4 + 1", 13),
        ("2 ** 10 // 3", 341),
        ("-5 % 3", 1),
        ("7 / 2", 3.5),
        ("'a' + 'b'", "ab"),
        ("(1, 2) + (3,)", (1, 2, 3)),
        ("[1, 2] * 2", (1, 2, 1, 2)),
        ("(8, 16)[1]", 16),
        ("(32, 8, 16)[1:]", (8, 16)),
        ("True and not False", True),
        ("None", None),
        ("1 if 2 > 1 else 0", 1),
        ("len((1, 2, 3))", 3),
        ("int(7.9)", 7),
        ("max(3, 9, 4)", 9),
        ("np.zeros((10, 8, 3)).shape", (10, 8, 3)),
        ("np.ones([4, 2]).shape[0]", 4),
        ("len(np.empty((6, 2)))", 6),
        ("np.full((2, 3), 7.0).shape", (2, 3)),
        ("np.random.random((5, 4)).shape", (5, 4)),
        ("np.random.rand(5, 4, 1).shape", (5, 4, 1)),
        ("np.random.randn(3).shape", (3,)),
        ("np.random.normal(0, 1, size=(9, 2)).shape", (9, 2)),
        ("np.random.uniform(0, 1, (9, 2)).shape", (9, 2)),
        ("np.random.randint(0, 5, size=(9,)).shape", (9,)),
        ("np.arange(24).reshape(2, 3, 4).shape", (2, 3, 4)),
        ("np.arange(24).reshape((-1, 4, 1)).shape", (6, 4, 1)),
        ("np.reshape(np.zeros((10, 6)), (10, 3, 2)).shape", (10, 3, 2)),
        ("np.zeros((10, 6))[:4].shape", (4, 6)),
        ("np.zeros((10, 6))[2:].shape", (8, 6)),
        ("np.zeros((10, 6, 2))[:, :, 0].shape", (10, 6)),
        ("np.zeros((10, 6))[..., None].shape", (10, 6, 1)),
        ("np.zeros((10, 6)).T.shape", (6, 10)),
        ("np.expand_dims(np.zeros((10, 6)), -1).shape", (10, 6, 1)),
        ("tf.zeros((4, 2)).shape", (4, 2)),
        ("tf.random.normal([3, 5, 7]).shape", (3, 5, 7)),
        ("to_categorical(np.zeros((50,)), 4).shape", (50, 4)),
        ("keras.utils.to_categorical(np.zeros((50, 1)), num_classes=4).shape", (50, 4)),
    ],
)
def test_known(expression: str, value: object) -> None:
    assert value_of(f"{PRELUDE}result = {expression}\n") == value


@pytest.mark.parametrize(
    "expression",
    [
        "undefined_name",
        "open('f').read()",
        "np.load('x.npy')",
        "np.zeros(n)",
        "x * 2",
        "[i for i in range(3)]",
        "f'{1}'",
        "1 / 0",
        "10 ** 10 ** 10",
        "np.zeros((4, 2))[:n].shape[0]",
    ],
)
def test_unknown(expression: str) -> None:
    result = value_of(f"{PRELUDE}result = {expression}\n")
    unknown_array = isinstance(result, ArrayValue) and result.shape is UNKNOWN
    assert result is UNKNOWN or unknown_array or (isinstance(result, tuple) and UNKNOWN in result)


def test_names_follow_program_order() -> None:
    source = PRELUDE + "x = np.zeros((100, 12))\nx = np.reshape(x, (x.shape[0], 1, x.shape[1]))\nresult = x.shape\n"
    assert value_of(source) == (100, 1, 12)


def test_a_name_changed_in_a_branch_becomes_unknown() -> None:
    source = "import sys\nn = 4\nif sys.argv:\n    n = 8\nresult = n\n"
    assert value_of(source) is UNKNOWN
    assert value_of("n = 4\nif True:\n    n = 8\nresult = n\n") == 8
    assert value_of("import sys\nn = 4\nif sys.argv:\n    n = 4\nresult = n\n") == 4


def test_a_name_changed_in_a_loop_becomes_unknown() -> None:
    assert value_of("n = 0\nfor i in range(3):\n    n += 1\nresult = n\n") is UNKNOWN
    assert value_of("n = 5\nfor i in range(3):\n    pass\nresult = n\n") == 5


def test_functions_run_with_their_arguments_and_defaults() -> None:
    source = "def f(a, b=3, *, c=2):\n    return a * b + c\nresult = f(4)\nother = f(1, b=10, c=0)\n"
    assert value_of(source) == 14
    assert value_of(source, "other") == 10


def test_datasets_remember_shuffle() -> None:
    source = PRELUDE + "ds = tf.data.Dataset.from_tensor_slices(x).map(f)\nresult = ds.shuffle(100).batch(8)\n"
    result = value_of(source)
    assert isinstance(result, DatasetValue) and result.shuffled
    assert value_of(source, "ds") == DatasetValue(shuffled=False)


def test_windowing_loop_with_literal_sizes() -> None:
    source = PRELUDE + (
        "def windows(data, look_back=1):\n"
        "    xs, ys = [], []\n"
        "    for i in range(len(data) - look_back - 1):\n"
        "        xs.append(data[i:(i + look_back), 0])\n"
        "        ys.append(data[i + look_back, 0])\n"
        "    return np.array(xs), np.array(ys)\n"
        "x, y = windows(np.random.rand(100, 1), 3)\n"
        "result = np.reshape(x, (x.shape[0], x.shape[1], 1)).shape\n"
    )
    assert value_of(source) == (96, 3, 1)
    assert value_of(source, "y").shape == (96,)


def test_a_list_appended_conditionally_is_unknown() -> None:
    source = PRELUDE + (
        "xs = []\nfor i in range(10):\n    if i % 2:\n        xs.append(np.zeros((3,)))\nresult = np.array(xs)\n"
    )
    assert value_of(source) == ArrayValue(UNKNOWN)
