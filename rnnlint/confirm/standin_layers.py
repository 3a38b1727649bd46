"""Stand-in values for experiments whose outcome does not depend on what
is unknown.

Keras 3 rejects ``dropout_U=`` whatever the layer's ``units``, and a Keras 3
model lacks ``reset_states`` whatever its layers: such a finding is shown on
a layer or model with stand-ins for the unknown values, and the evidence
names each stand-in ("8 as a stand-in for the unknown units").
"""

from __future__ import annotations

from rnnlint.confirm.protocol import INPUT_CLASS, LAYER_CLASSES, Json, LayerSpec, ModelSpec, NodeSpec
from rnnlint.confirm.spec import INPUT_ARGS, INTERNAL_ARGS, SHAPE_ARGS, Unbuildable, is_literal
from rnnlint.ir import Layer

SIZE = 8
SIZES = frozenset({"units", "filters", "output_dim"})
"""Sizes a layer needs to exist: ``SIZE`` stands in for an unknown one."""

STAND_IN_MODEL = ModelSpec(
    "sequential",
    (
        NodeSpec(LayerSpec(-1, INPUT_CLASS, (("shape", (4, 2)),))),
        NodeSpec(LayerSpec(-2, "LSTM", (("units", SIZE),)), ((0, 0),)),
    ),
    ((0, 0),),
    ((1, 0),),
)
STAND_IN_MODEL_TEXT = f"keras.Sequential([keras.Input(shape=(4, 2)), LSTM({SIZE})])"


def layer_with_stand_ins(layer: Layer, notes: list[str], extra: tuple[tuple[str, Json], ...] = ()) -> LayerSpec:
    """The layer with its literal arguments, ``SIZE`` for an unknown size and
    Keras's default for any other unknown argument (each noted)."""
    if layer.kind not in LAYER_CLASSES:
        raise Unbuildable(f"{layer.label} on line {layer.span.line} is not a layer rnnlint rebuilds")
    wrapped = layer_with_stand_ins(layer.wrapped, notes) if layer.wrapped is not None else None
    kwargs: list[tuple[str, Json]] = []
    for key, value in layer.config:
        if key in INTERNAL_ARGS or (key in INPUT_ARGS and not (key == "input_dim" and layer.kind == "Embedding")):
            continue
        if is_literal(value):
            kwargs.append((key, value))
        elif key in SIZES:
            kwargs.append(("units" if key == "output_dim" else key, SIZE))
            notes.append(f"{SIZE} as a stand-in for the unknown {key}")
        elif key in SHAPE_ARGS:
            notes.append(f"Keras's default for the unknown {key}")
    return LayerSpec(layer.id, layer.kind, (*kwargs, *extra), wrapped)
