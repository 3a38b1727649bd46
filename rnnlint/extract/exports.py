"""The names each Keras module exports to ``from keras.<module> import *``.

Derived from the catalogue in ``rnnlint.kerasnames`` (the layers rnnlint
understands, their functional forms) plus the model and callback names the
extraction gives meaning to. A name missing here stays unknown after a star
import, as any name rnnlint does not know.
"""

from __future__ import annotations

from rnnlint.kerasnames import CELLS, LAYERS, MERGE_FUNCTIONS

_LAYERS = frozenset({*LAYERS, *CELLS, *MERGE_FUNCTIONS, "Input"})
_MODELS = frozenset({"Sequential", "Model", "load_model", "clone_model", "model_from_json", "model_from_config"})
_CALLBACKS = frozenset({"Callback", "LambdaCallback"})
_TOP = frozenset({"Sequential", "Model", "Input", "layers", "models", "callbacks", "utils", "optimizers", "losses"})


def star_exports(module: str) -> frozenset[str]:
    """The names ``from module import *`` binds, for a canonical Keras module name."""
    if module == "keras":
        return _TOP
    if module == "keras.layers" or module.startswith("keras.layers."):
        return _LAYERS
    if module in ("keras.models", "keras.saving"):
        return _MODELS
    if module == "keras.callbacks":
        return _CALLBACKS
    return frozenset()
