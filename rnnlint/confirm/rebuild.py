"""Worker side: a model spec to a real Keras model, with ``keras`` or ``tf_keras``.

Every model is rebuilt as the functional graph the IR describes (a Sequential
model is a chain of nodes), so that each node's symbolic output can be read.
Only allowlisted classes are created, with literal keyword arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rnnlint.confirm.protocol import INPUT_CLASS, LAYER_CLASSES, NESTED_CLASS, LayerSpec, ModelSpec
from rnnlint.kerasnames import MERGE


class NotRebuildable(ValueError):
    """The spec asks for something the worker does not create (never Keras's error)."""


@dataclass(frozen=True)
class Rebuilt:
    """A built model with each node's symbolic outputs and each spec layer's object."""

    model: Any
    node_outputs: tuple[tuple[Any, ...], ...]
    layers: dict[int, Any]


def make_layer(keras: Any, spec: LayerSpec, extra: dict[str, Any] | None = None) -> Any:
    """``keras.layers.<cls>(**kwargs)``, or a nested model rebuilt from its
    spec; refuses any class not on the allowlist."""
    if spec.cls == NESTED_CLASS and spec.model is not None:
        return rebuild(keras, spec.model).model
    if spec.cls not in LAYER_CLASSES:
        raise NotRebuildable(f"{spec.cls} is not a layer rnnlint rebuilds")
    factory = getattr(keras.layers, spec.cls)
    kwargs = {key: value for key, value in spec.kwargs}
    kwargs.update(extra or {})
    if spec.wrapped is not None:
        return factory(make_layer(keras, spec.wrapped), **kwargs)
    return factory(**kwargs)


def make_input(keras: Any, spec: LayerSpec) -> Any:
    return keras.Input(**{key: value for key, value in spec.kwargs})


def rebuild(keras: Any, spec: ModelSpec) -> Rebuilt:
    """Create the layers and apply them node by node; raises what Keras raises."""
    outputs: list[tuple[Any, ...]] = []
    layers: dict[int, Any] = {}
    for node in spec.nodes:
        if node.layer.cls == INPUT_CLASS:
            outputs.append((make_input(keras, node.layer),))
            continue
        layer = layers.get(node.layer.id)
        if layer is None:
            layer = layers[node.layer.id] = make_layer(keras, node.layer)
        tensors = [outputs[index][position] for index, position in node.inputs]
        outputs.append(_as_tuple(_apply(layer, node.layer.cls, tensors, node.initial_state)))
    inputs = [outputs[index][position] for index, position in spec.inputs]
    results = [outputs[index][position] for index, position in spec.outputs]
    model = keras.Model(inputs=_single(inputs), outputs=_single(results))
    return Rebuilt(model, tuple(outputs), layers)


def _apply(layer: Any, cls: str, tensors: list[Any], initial_state: bool) -> Any:
    if initial_state:
        return layer(tensors[0], initial_state=tensors[1:])
    if cls in MERGE or len(tensors) != 1:
        return layer(tensors)
    return layer(tensors[0])


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _single(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else items


def input_vocabularies(spec: ModelSpec) -> tuple[int | None, ...]:
    """For each model input, the vocabulary size of the Embedding reading it
    (its data must be integer ids below that), else None."""
    vocabularies = []
    for index, position in spec.inputs:
        vocabulary = None
        for node in spec.nodes:
            if (index, position) in node.inputs and node.layer.cls == "Embedding":
                value = dict(node.layer.kwargs).get("input_dim")
                vocabulary = value if isinstance(value, int) and value > 0 else None
                break
        vocabularies.append(vocabulary)
    return tuple(vocabularies)


def shape_of(tensor: Any) -> tuple[int | None, ...]:
    """A symbolic or eager tensor's shape as a plain tuple (Keras 2 and 3)."""
    shape = tensor.shape
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list())
    return tuple(None if dim is None else int(dim) for dim in shape)
