"""The names rnnlint lets reach Keras's string lookups in the worker.

Keras resolves a string argument (``activation="tanh"``, ``loss="mse"``) by
looking it up, and a lookup of an arbitrary string may reach
``deserialize_keras_object`` and its module paths. So only names from
Keras's documented tables travel: activations, initializers, regularizers,
constraints, losses, and the few enumerations of shape arguments. Another
string is left at Keras's default when it cannot change shapes, parameters
or state, and makes the model not rebuilt otherwise. Every name here
resolves in Keras 3.15.1 (``keras.activations.get`` ... ; tested, slow).
"""

from __future__ import annotations

import re

from rnnlint.confirm.protocol import Json

ACTIVATIONS = frozenset(
    {
        "elu", "exponential", "gelu", "hard_sigmoid", "hard_silu", "hard_swish", "leaky_relu", "linear",
        "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
        "swish", "tanh",
    }
)  # fmt: skip
INITIALIZERS = frozenset(
    {
        "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal",
        "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal",
        "variance_scaling", "zeros", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform",
        "Identity", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomNormal", "RandomUniform",
        "TruncatedNormal", "VarianceScaling", "Zeros",
    }
)  # fmt: skip
REGULARIZERS = frozenset({"l1", "l2", "l1l2", "L1", "L2", "L1L2"})
CONSTRAINTS = frozenset(
    {"max_norm", "min_max_norm", "non_neg", "unit_norm", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"}
)
LOSSES = frozenset(
    {
        "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
        "categorical_focal_crossentropy", "categorical_hinge", "cosine_similarity", "hinge", "huber",
        "kl_divergence", "kld", "log_cosh", "mae", "mape", "mean_absolute_error",
        "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error", "mse", "msle",
        "poisson", "sparse_categorical_crossentropy", "squared_hinge",
    }
)  # fmt: skip
ENUMS: dict[str, frozenset[str]] = {
    "padding": frozenset({"valid", "same", "causal"}),
    "data_format": frozenset({"channels_last", "channels_first"}),
    "merge_mode": frozenset({"concat", "sum", "mul", "ave"}),
    "dtype": frozenset(
        {"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
    ),
}
_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
"""A layer's ``name``: a label Keras never looks up."""


def allowed(key: str, value: Json) -> bool:
    """Whether ``value`` may be passed to Keras as argument ``key``: each string in it from ``key``'s table."""
    if isinstance(value, str):
        return value in _table(key) if key != "name" else _LABEL.fullmatch(value) is not None
    if isinstance(value, (tuple, list)):
        return all(allowed(key, item) for item in value)
    return True


def _table(key: str) -> frozenset[str]:
    if key in ENUMS:
        return ENUMS[key]
    for suffix, table in (
        ("activation", ACTIVATIONS),
        ("initializer", INITIALIZERS),
        ("regularizer", REGULARIZERS),
        ("constraint", CONSTRAINTS),
    ):
        if key.endswith(suffix):
            return table
    return frozenset()
