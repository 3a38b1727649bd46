"""What the linter and the TensorFlow worker say to each other: plain JSON.

Both sides import this module, so it imports nothing of rnnlint's analysis
and nothing heavy. Requests describe a model by allowlisted class names and
literal arguments only; replies carry observations, never verdicts, so that
the meaning of a finding stays in the linter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rnnlint.kerasnames import LAYERS

PROTOCOL_VERSION = 1
"""Bump when a probe's meaning changes: it is part of every cache key."""

Json = Any
"""A JSON-able value: None, bool, int, float, str, or a tuple of these."""

Shape = tuple[int | None, ...]

NOT_REBUILT = frozenset({"InputLayer", "CuDNNLSTM", "CuDNNGRU"})
"""Inputs are made with ``keras.Input``; the CuDNN layers need a GPU and are gone from Keras 3."""

LAYER_CLASSES = frozenset(LAYERS) - NOT_REBUILT
"""The only classes the worker ever instantiates (``keras.layers.<name>``): the
layers whose arguments the analysis understands (``kerasnames.LAYERS``)."""

INPUT_CLASS = "InputLayer"
NESTED_CLASS = "Model"
"""A model used as a layer: the worker rebuilds its ``LayerSpec.model`` and applies it."""


def freeze(value: Json) -> Json:
    """JSON lists back to tuples, so that specs stay hashable and comparable."""
    if isinstance(value, list):
        return tuple(freeze(item) for item in value)
    return value


def _shape(value: Json) -> Shape:
    return tuple(value)


def _shapes(value: Json) -> tuple[Shape, ...]:
    return tuple(_shape(item) for item in value)


@dataclass(frozen=True)
class LayerSpec:
    """A layer to create: ``keras.layers.<cls>(**kwargs)``, wrapping ``wrapped``;
    or, class ``NESTED_CLASS``, the model ``model`` used as a layer."""

    id: int
    cls: str
    kwargs: tuple[tuple[str, Json], ...] = ()
    wrapped: LayerSpec | None = None
    model: ModelSpec | None = None

    def to_json(self) -> dict[str, Json]:
        data = {
            "id": self.id,
            "cls": self.cls,
            "kwargs": {key: value for key, value in self.kwargs},
            "wrapped": self.wrapped.to_json() if self.wrapped else None,
        }
        if self.model is not None:  # only then: the keys of other probes stay as they were
            data["model"] = self.model.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> LayerSpec:
        wrapped = data.get("wrapped")
        model = data.get("model")
        return cls(
            int(data["id"]),
            str(data["cls"]),
            tuple((str(key), freeze(value)) for key, value in data.get("kwargs", {}).items()),
            cls.from_json(wrapped) if wrapped else None,
            ModelSpec.from_json(model) if model else None,
        )


@dataclass(frozen=True)
class NodeSpec:
    """One application of a layer; an input is a node of class InputLayer."""

    layer: LayerSpec
    inputs: tuple[tuple[int, int], ...] = ()
    initial_state: bool = False

    def to_json(self) -> dict[str, Json]:
        return {"layer": self.layer.to_json(), "inputs": self.inputs, "initial_state": self.initial_state}

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> NodeSpec:
        inputs = tuple((int(node), int(index)) for node, index in data.get("inputs", ()))
        return cls(LayerSpec.from_json(data["layer"]), inputs, bool(data.get("initial_state", False)))


@dataclass(frozen=True)
class ModelSpec:
    """A model as a graph of nodes in order; ``kind`` is how the user built it."""

    kind: str
    nodes: tuple[NodeSpec, ...]
    inputs: tuple[tuple[int, int], ...]
    outputs: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, Json]:
        return {
            "kind": self.kind,
            "nodes": [node.to_json() for node in self.nodes],
            "inputs": self.inputs,
            "outputs": self.outputs,
        }

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> ModelSpec:
        def refs(items: Json) -> tuple[tuple[int, int], ...]:
            return tuple((int(node), int(index)) for node, index in items)

        nodes = tuple(NodeSpec.from_json(node) for node in data["nodes"])
        return cls(str(data["kind"]), nodes, refs(data["inputs"]), refs(data["outputs"]))


@dataclass(frozen=True)
class Probe:
    """One experiment for the worker.

    ``build``: build the model and call it on zeros shaped ``x``.
    ``instantiate``: create ``layer`` alone (constructor errors).
    ``attribute``: whether the built model has ``attribute``.
    ``run``: compile with ``loss`` and run ``method`` on zeros shaped ``x``/``y``.
    ``state``: run two batches shaped ``x`` and measure what the state carries.
    """

    kind: str
    rule: str
    keras: int
    model: ModelSpec | None = None
    layer: LayerSpec | None = None
    attribute: str | None = None
    method: str | None = None
    x: tuple[Shape, ...] = ()
    y: tuple[Shape, ...] | None = None
    loss: str | None = None
    batch_size: int | None = None
    validation_split: float | None = None
    validation: tuple[tuple[Shape, ...], tuple[Shape, ...]] | None = None
    timeseries: bool = False
    """``run``: feed ``x``/``y`` as ``timeseries_dataset_from_array`` does, in
    batches whose timestep axis has no static size (Keras cannot check it)."""

    def to_json(self) -> dict[str, Json]:
        data = self._fields()
        if self.timeseries:  # only then: the keys of other probes stay as they were
            data["timeseries"] = True
        return data

    def _fields(self) -> dict[str, Json]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "keras": self.keras,
            "model": self.model.to_json() if self.model else None,
            "layer": self.layer.to_json() if self.layer else None,
            "attribute": self.attribute,
            "method": self.method,
            "x": self.x,
            "y": self.y,
            "loss": self.loss,
            "batch_size": self.batch_size,
            "validation_split": self.validation_split,
            "validation": self.validation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> Probe:
        validation = data.get("validation")
        y = data.get("y")
        return cls(
            kind=str(data["kind"]),
            rule=str(data["rule"]),
            keras=int(data["keras"]),
            model=ModelSpec.from_json(data["model"]) if data.get("model") else None,
            layer=LayerSpec.from_json(data["layer"]) if data.get("layer") else None,
            attribute=data.get("attribute"),
            method=data.get("method"),
            x=_shapes(data.get("x", ())),
            y=_shapes(y) if y is not None else None,
            loss=data.get("loss"),
            batch_size=data.get("batch_size"),
            validation_split=data.get("validation_split"),
            validation=(_shapes(validation[0]), _shapes(validation[1])) if validation else None,
            timeseries=bool(data.get("timeseries", False)),
        )

    def key(self) -> str:
        """A canonical text of the probe, for deduplication and cache keys."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Failure:
    """An exception Keras raised: its class, the line that says what happened, and when."""

    type: str
    message: str
    stage: str  # "build" | "call" | "compile" | "run" | "state"

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


@dataclass(frozen=True)
class Reply:
    """What the worker observed. ``failure`` is set when Keras raised."""

    failure: Failure | None = None
    output_shapes: tuple[Shape, ...] = ()
    node_shapes: tuple[tuple[Shape, ...], ...] = ()
    node_params: tuple[int | None, ...] = ()
    output_range: tuple[float, float] | None = None
    loss: float | None = None
    has_attribute: bool | None = None
    state_norm: float | None = None
    state_effect: float | None = None

    def to_json(self) -> dict[str, Json]:
        failure = self.failure
        return {
            "failure": None
            if failure is None
            else {"type": failure.type, "message": failure.message, "stage": failure.stage},
            "output_shapes": self.output_shapes,
            "node_shapes": self.node_shapes,
            "node_params": self.node_params,
            "output_range": self.output_range,
            "loss": self.loss,
            "has_attribute": self.has_attribute,
            "state_norm": self.state_norm,
            "state_effect": self.state_effect,
        }

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> Reply:
        failure = data.get("failure")
        output_range = data.get("output_range")
        return cls(
            failure=Failure(str(failure["type"]), str(failure["message"]), str(failure["stage"])) if failure else None,
            output_shapes=_shapes(data.get("output_shapes", ())),
            node_shapes=tuple(_shapes(item) for item in data.get("node_shapes", ())),
            node_params=tuple(data.get("node_params", ())),
            output_range=(float(output_range[0]), float(output_range[1])) if output_range else None,
            loss=data.get("loss"),
            has_attribute=data.get("has_attribute"),
            state_norm=data.get("state_norm"),
            state_effect=data.get("state_effect"),
        )


@dataclass(frozen=True)
class Hello:
    """The worker's first line: the versions it runs, or why it cannot run."""

    keras_version: str | None
    tensorflow_version: str | None
    unavailable: str | None = None

    def to_json(self) -> dict[str, Json]:
        return {
            "hello": True,
            "keras_version": self.keras_version,
            "tensorflow_version": self.tensorflow_version,
            "unavailable": self.unavailable,
        }

    @classmethod
    def from_json(cls, data: dict[str, Json]) -> Hello:
        return cls(data.get("keras_version"), data.get("tensorflow_version"), data.get("unavailable"))


def dumps(data: dict[str, Json]) -> str:
    """One protocol line (no newline inside: json never emits one unescaped)."""
    return json.dumps(data, separators=(",", ":"))
