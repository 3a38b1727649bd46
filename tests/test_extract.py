"""Extraction of models, layers and calls into the IR."""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import libcst as cst
import pytest

from rnnlint.extract import extract
from rnnlint.ir import ModuleIR
from rnnlint.kerasnames import canonical


def ir(source: str, keras: str = "3") -> ModuleIR:
    return extract("t.py", cst.parse_module(source), keras)


@pytest.mark.parametrize(
    ("imports", "expression"),
    [
        ("from keras.layers import LSTM", "LSTM"),
        ("import keras", "keras.layers.LSTM"),
        ("import tensorflow as tf", "tf.keras.layers.LSTM"),
        ("from tensorflow.keras import layers", "layers.LSTM"),
        ("import tensorflow.keras as K", "K.layers.LSTM"),
        ("import tf_keras", "tf_keras.layers.LSTM"),
        ("from keras.layers import LSTM as L", "L"),
        ("from keras.layers.recurrent import LSTM", "LSTM"),
        ("import tensorflow as tf\nK = tf.keras", "K.layers.LSTM"),
        ("from tensorflow import keras", "keras.layers.LSTM"),
    ],
)
def test_layer_resolved_whatever_the_import_style(imports: str, expression: str) -> None:
    module = ir(f"{imports}\nlayer = {expression}(8, return_sequences=True)\n")
    (layer,) = module.layers
    assert layer.kind == "LSTM"
    assert layer.get("units") == 8
    assert layer.get("return_sequences") is True


def test_a_local_class_named_like_a_keras_layer_is_not_one() -> None:
    module = ir("class LSTM:\n    pass\nlayer = LSTM(8)\n")
    assert module.layers == ()


@pytest.mark.parametrize(
    ("name", "canonical_name"),
    [
        ("tensorflow.keras.layers.LSTM", "keras.layers.LSTM"),
        ("tensorflow.python.keras.layers.recurrent.GRU", "keras.layers.GRU"),
        ("tf_keras.models.Sequential", "keras.Sequential"),
        ("keras.engine.sequential.Sequential", "keras.Sequential"),
        ("keras.models.Model", "keras.Model"),
        ("keras.layers.core.Dense", "keras.layers.Dense"),
        ("keras.utils.np_utils.to_categorical", "keras.utils.to_categorical"),
        ("numpy.zeros", "numpy.zeros"),
    ],
)
def test_canonical_names(name: str, canonical_name: str) -> None:
    assert canonical(name) == canonical_name


def test_keras1_arguments_are_normalized() -> None:
    module = ir(
        "from keras.layers import LSTM, Dense\n"
        "LSTM(output_dim=300, input_dim=1, input_length=20)\n"
        "Dense(output_dim=1, input_dim=300)\n"
    )
    lstm, dense = module.layers
    assert lstm.get("units") == 300 and lstm.get("input_shape") == (20, 1)
    assert dense.get("units") == 1 and dense.get("input_shape") == (300,)


def test_sequential_add_and_list_forms() -> None:
    module = ir(
        "import keras\nfrom keras import layers\n"
        "a = keras.Sequential()\na.add(layers.LSTM(4, input_shape=(3, 2)))\na.add(layers.Dense(1))\n"
        "b = keras.Sequential([keras.Input(shape=(3, 2)), layers.GRU(4), layers.Dense(1)])\n"
    )
    first, second = module.models
    assert [node.layer.kind for node in first.nodes] == ["InputLayer", "LSTM", "Dense"]
    assert first.nodes[0].layer.get("shape") == (3, 2)
    assert [node.layer.kind for node in second.nodes] == ["InputLayer", "GRU", "Dense"]
    assert first.name == "a" and second.name == "b"
    assert first.complete and second.complete


def test_layers_added_in_a_loop_make_the_model_incomplete() -> None:
    module = ir("import keras\nm = keras.Sequential()\nfor n in (1, 2):\n    m.add(keras.layers.LSTM(n))\n")
    assert not module.models[0].complete


def test_a_function_called_under_a_condition_builds_a_complete_model() -> None:
    """The adds run whenever the model exists: only adds more conditional than the model are uncertain."""
    module = ir(
        "import sys\nimport keras\n"
        "def build(n):\n"
        "    m = keras.Sequential()\n"
        "    m.add(keras.layers.LSTM(n, input_shape=(5, 2)))\n"
        "    if len(sys.argv) > 1:\n"
        "        m.add(keras.layers.Dense(1))\n"
        "    return m\n"
        "def build_fixed():\n"
        "    m = keras.Sequential()\n"
        "    m.add(keras.layers.LSTM(4, input_shape=(5, 2)))\n"
        "    return m\n"
        "if __name__ == '__main__':\n"
        "    a = build(3)\n"
        "    b = build_fixed()\n"
    )
    conditional, fixed = module.models
    assert not conditional.complete
    assert fixed.complete and [node.layer.kind for node in fixed.nodes] == ["InputLayer", "LSTM"]


def test_functional_graph_with_states_and_multiple_inputs() -> None:
    source = (
        "import keras\nfrom keras import layers\n"
        "enc_in = keras.Input(shape=(None, 10))\n"
        "_, h, c = layers.LSTM(16, return_state=True)(enc_in)\n"
        "dec_in = keras.Input(shape=(None, 12))\n"
        "out = layers.LSTM(16, return_sequences=True)(dec_in, initial_state=[h, c])\n"
        "model = keras.Model([enc_in, dec_in], layers.Dense(12)(out))\n"
    )
    (model,) = ir(source).models
    assert len(model.inputs) == 2
    decoder = model.nodes[3]
    assert decoder.layer.kind == "LSTM" and decoder.initial_state
    assert {ref.index for ref in decoder.inputs[1:]} == {1, 2}


def test_calls_with_their_arguments_and_loops() -> None:
    source = (
        "import keras\nimport numpy as np\n"
        "m = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True)])\n"
        "m.compile(loss='mse', optimizer='adam')\n"
        "for epoch in range(3):\n    m.fit(np.zeros((9, 3, 1)), np.zeros((9, 4)), batch_size=1)\n    m.reset_states()\n"
    )
    module = ir(source)
    methods = [call.method for call in module.calls]
    assert methods == ["compile", "fit", "reset_states"]
    fit = module.calls[1]
    assert fit.value("batch_size") == 1
    assert fit.value("x", 0).shape == (9, 3, 1)
    assert len(fit.loops) == 1 and fit.loops[0].resets_states


def test_functions_called_with_literals_and_uncalled_functions() -> None:
    source = (
        "import keras\n"
        "def build(batch=32):\n"
        "    return keras.Sequential([keras.Input(batch_shape=(batch, 5, 2)), keras.layers.GRU(3, stateful=True)])\n"
        "m = build(8)\n"
        "def never_called(batch):\n"
        "    return keras.Sequential([keras.Input(batch_shape=(batch, 5, 2)), keras.layers.GRU(3)])\n"
    )
    module = ir(source)
    called, uncalled = module.models
    assert called.nodes[0].layer.get("batch_shape") == (8, 5, 2)
    assert uncalled.nodes[0].layer.get("batch_shape")[1:] == (5, 2)


def test_keras_version_auto() -> None:
    assert ir("import tf_keras as keras\n", "auto").keras_version == 2
    assert ir("import keras\n", "2").keras_version == 2
    assert ir("import tf_keras\n", "3").keras_version == 3


def test_functional_model_on_an_intermediate_tensor_stops_there() -> None:
    source = (
        "import keras\nfrom keras import layers\n"
        "x = keras.Input(shape=(4, 3))\nh = layers.LSTM(5, return_sequences=True)(x)\n"
        "model = keras.Model(h, layers.GRU(2)(h))\n"
        "other = keras.Model(keras.Input(shape=(6,)), layers.Dense(2)(keras.Input(shape=(6,))))\n"
    )
    first, second = ir(source).models
    assert [node.layer.kind for node in first.nodes] == ["InputLayer", "GRU"]
    assert not first.nodes[0].layer.known
    assert not second.complete  # output not connected to the inputs: Keras refuses it


def test_one_line_bodies_are_analysed() -> None:
    source = (
        "import keras\n"
        "m = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True)])\n"
        "for epoch in range(3): m.fit(x, y, batch_size=1, shuffle=False)\n"
        "if done: m.reset_states()\n"
    )
    assert [call.method for call in ir(source).calls] == ["fit", "reset_states"]


def _ir_sources() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "fixtures").rglob("*.py"))
    spec = importlib.util.find_spec("keras")
    if spec is not None and spec.submodule_search_locations:
        library = Path(next(iter(spec.submodule_search_locations)))
        paths += sorted(library.glob("src/layers/rnn/*.py"))
    return [(str(path), path.read_text(encoding="utf-8")) for path in paths]


def test_the_ir_holds_no_cst_and_no_interpreter_values() -> None:
    """Layer arguments such as ``Lambda(my_function)`` or ``activation=custom``
    are unknown in the IR: it must not drag the CST into the cache or across modules."""
    source = (
        "import keras\n"
        "def custom(x):\n    return x\n"
        "class Cell:\n    pass\n"
        "model = keras.Sequential([keras.layers.LSTM(4, activation=custom, cell=(Cell, [custom])),"
        " keras.layers.Lambda(custom)])\n"
        "model.fit(custom, custom)\n"
    )
    for path, text in [("inline.py", source), *_ir_sources()]:
        data = pickle.dumps(extract(path, cst.parse_module(text), "3"))
        assert b"libcst" not in data and b"rnnlint.extract" not in data, path
