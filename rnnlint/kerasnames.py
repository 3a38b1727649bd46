"""Keras names: canonical qualified names and the catalogue of known layers.

Every import style (``tf.keras``, ``tensorflow.keras``, ``tf_keras``, Keras 1
submodules such as ``keras.layers.recurrent``) maps to one canonical name, so
the rest of rnnlint only ever sees ``keras.layers.LSTM``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_KERAS_PREFIXES = (
    "tensorflow.compat.v1.keras.",
    "tensorflow.compat.v2.keras.",
    "tensorflow.python.keras.",
    "tensorflow.keras.",
    "keras._tf_keras.keras.",
    "keras.src.",
    "keras.api.",
    "tf_keras.src.",
    "tf_keras.",
)

_MODEL_NAMES = {
    "Sequential": "keras.Sequential",
    "Model": "keras.Model",
    "Input": "keras.layers.Input",
}


def canonical(qualname: str) -> str:
    """Map any spelling of a Keras name to one canonical qualified name."""
    if qualname in ("tensorflow.keras", "tf_keras", "keras._tf_keras.keras"):
        return "keras"
    for prefix in _KERAS_PREFIXES:
        if qualname.startswith(prefix):
            qualname = "keras." + qualname[len(prefix) :]
            break
    if not qualname.startswith("keras."):
        return qualname
    last = qualname.rsplit(".", 1)[-1]
    if last in _MODEL_NAMES and (
        qualname.startswith(("keras.models.", "keras.engine.", "keras.layers.")) or qualname.count(".") == 1
    ):
        return _MODEL_NAMES[last]
    if qualname.startswith("keras.layers.") and qualname.count(".") >= 2:
        return "keras.layers." + last
    if qualname.startswith("keras.utils.") and last == "to_categorical":
        return "keras.utils.to_categorical"
    return qualname


RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "CuDNNLSTM", "CuDNNGRU"})
"""Layers that take (batch, timesteps, features)."""

CONV_RECURRENT = {"ConvLSTM1D": 4, "ConvLSTM2D": 5, "ConvLSTM3D": 6}
"""Convolutional recurrent layers and the input rank each expects."""

CELLS = frozenset({"LSTMCell", "GRUCell", "SimpleRNNCell"})

PASSTHROUGH = frozenset(
    {
        "Dropout",
        "SpatialDropout1D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "ActivityRegularization",
        "BatchNormalization",
        "LayerNormalization",
        "Activation",
        "Masking",
        "LeakyReLU",
        "ReLU",
        "PReLU",
        "ELU",
        "Softmax",
    }
)
"""Layers whose output shape is their input shape."""

MERGE = frozenset({"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})

MERGE_FUNCTIONS = {name.lower(): name for name in MERGE}
"""``keras.layers.concatenate([a, b])`` and friends."""


@dataclass(frozen=True)
class LayerSpec:
    """How a layer class takes its arguments."""

    positional: tuple[str, ...]


_RNN_ARGS = LayerSpec(("units",))
_CONV_RNN_ARGS = LayerSpec(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"))
_POOL_ARGS = LayerSpec(("pool_size", "strides", "padding", "data_format"))

LAYERS: dict[str, LayerSpec] = {
    **{name: _RNN_ARGS for name in ("LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU")},
    **{name: _RNN_ARGS for name in CELLS},
    "RNN": LayerSpec(("cell", "return_sequences", "return_state", "go_backwards", "stateful", "unroll")),
    **{name: _CONV_RNN_ARGS for name in CONV_RECURRENT},
    "Bidirectional": LayerSpec(("layer", "merge_mode", "weights", "backward_layer")),
    "TimeDistributed": LayerSpec(("layer",)),
    "InputLayer": LayerSpec(("shape", "batch_size")),
    "Dense": LayerSpec(("units", "activation", "use_bias")),
    "Embedding": LayerSpec(("input_dim", "output_dim")),
    "Conv1D": LayerSpec(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")),
    "MaxPooling1D": _POOL_ARGS,
    "AveragePooling1D": _POOL_ARGS,
    "GlobalAveragePooling1D": LayerSpec(("data_format",)),
    "GlobalMaxPooling1D": LayerSpec(("data_format",)),
    "Flatten": LayerSpec(("data_format",)),
    "Reshape": LayerSpec(("target_shape",)),
    "RepeatVector": LayerSpec(("n",)),
    "Permute": LayerSpec(("dims",)),
    "Dropout": LayerSpec(("rate", "noise_shape", "seed")),
    "SpatialDropout1D": LayerSpec(("rate",)),
    "GaussianNoise": LayerSpec(("stddev",)),
    "GaussianDropout": LayerSpec(("rate",)),
    "AlphaDropout": LayerSpec(("rate",)),
    "Activation": LayerSpec(("activation",)),
    "Masking": LayerSpec(("mask_value",)),
    "BatchNormalization": LayerSpec(("axis",)),
    "LayerNormalization": LayerSpec(("axis",)),
    **{name: LayerSpec(("axis",)) for name in ("Concatenate",)},
    **{name: LayerSpec(()) for name in MERGE - {"Concatenate"}},
    **{name: LayerSpec(()) for name in ("ActivityRegularization", "LeakyReLU", "ReLU", "PReLU", "ELU", "Softmax")},
}
"""The layers whose arguments rnnlint understands (others are kept as unknown)."""

_KERAS1_RENAMES = {
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "subsample_length": "strides",
    "border_mode": "padding",
    "pool_length": "pool_size",
    "stride": "strides",
}


def normalize_config(kind: str, given: Mapping[str, object]) -> dict[str, object]:
    """Translate Keras 1 and 2 argument spellings into the Keras 3 ones.

    ``output_dim`` becomes ``units``; ``input_dim``/``input_length`` become
    ``input_shape``; ``InputLayer(input_shape=...)`` becomes ``shape``.
    """
    config = {_KERAS1_RENAMES.get(key, key): value for key, value in given.items()}
    if kind in RECURRENT or kind in CELLS or kind == "Dense":
        if "output_dim" in config and "units" not in config:
            config["units"] = config.pop("output_dim")
    if (kind in RECURRENT or kind == "Dense") and "input_dim" in config and "input_shape" not in config:
        input_dim = config.pop("input_dim")
        if kind == "Dense":
            config["input_shape"] = (input_dim,)
        else:
            config["input_shape"] = (config.pop("input_length", None), input_dim)
    if kind == "Embedding" and "input_length" in config and "input_shape" not in config:
        config["input_shape"] = (config["input_length"],)
    if kind == "InputLayer":
        if "input_shape" in config and "shape" not in config:
            config["shape"] = config.pop("input_shape")
        if "batch_input_shape" in config and "batch_shape" not in config:
            config["batch_shape"] = config.pop("batch_input_shape")
    return config
