"""Keras semantics for the interpreter: layers, models, and the model methods
whose calls the rules judge.

The interpreter hands over what only Keras gives meaning to (a call of a
``keras.*`` name, a method of a model, a layer applied to a tensor) through
the narrow ``KerasModels`` interface; anything this module does not claim
comes back as ``NOT_KERAS`` and stays plain Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import libcst as cst

from rnnlint.cstnames import dotted_name
from rnnlint.extract.objects import ClassValue, FunctionValue, LoopFrame, RawArg, plain
from rnnlint.ir import Arg, Layer, LayerCall, Node, Span, TensorRef
from rnnlint.kerasnames import CELLS, LAYERS, MERGE_FUNCTIONS, canonical, normalize_config
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    LayerRef,
    LayersOf,
    ModelRef,
    TensorValue,
    Value,
)

MODEL_METHODS = frozenset(
    {
        "compile",
        "fit",
        "fit_generator",
        "evaluate",
        "evaluate_generator",
        "predict",
        "predict_generator",
        "predict_on_batch",
        "train_on_batch",
        "test_on_batch",
        "reset_states",
        "reset_state",
        "build",
    }
)
"""Model methods recorded in the IR."""

RESET_METHODS = frozenset({"reset_states", "reset_state"})

UNSEEN_MODELS = frozenset(
    {
        "keras.models.load_model",
        "keras.saving.load_model",
        "keras.models.clone_model",
        "keras.models.model_from_json",
        "keras.models.model_from_config",
        "keras.models.model_from_yaml",
    }
)
"""Calls that give a model whose layers a static reading cannot see."""


class _NotKeras:
    """What ``KerasModels`` answers for what is not Keras's to decide."""

    def __repr__(self) -> str:
        return "NOT_KERAS"


NOT_KERAS: Any = _NotKeras()


class Host(Protocol):
    """What Keras semantics asks of the interpreter running the code."""

    uncertain: int
    """Above 0 inside a branch or loop: what happens there may not happen."""
    loops: list[LoopFrame]

    def span(self, node: cst.CSTNode) -> Span: ...

    def record_args(self, raw: Sequence[RawArg]) -> tuple[Arg, ...]: ...

    def call_function(self, function: FunctionValue, args: list[Value], kwargs: dict[str, Value]) -> Value: ...

    def new_id(self) -> int: ...

    def bind_callbacks(self, callbacks: Value, model: Value) -> None: ...


@dataclass
class ModelBuild:
    """A model while the module is being read: Sequential models grow by ``add``."""

    id: int
    kind: str
    span: Span
    name: str | None = None
    items: list[Value] = field(default_factory=list)
    inputs: Value = UNKNOWN
    outputs: Value = UNKNOWN
    complete: bool = True
    build_shape: Value = None
    attrs: dict[str, Value] = field(default_factory=dict)
    uncertain: int = 0
    """The host's uncertainty where the model was created: an ``add`` no more
    uncertain than that (in a function called under ``if __name__ ...``) is certain."""


@dataclass
class PendingCall:
    """A model method call, with the loops around it (their spans are made at the end)."""

    model: int
    method: str
    args: tuple[Arg, ...]
    span: Span
    loops: tuple[LoopFrame, ...]


def model_kind(cls: ClassValue) -> str | None:
    """``sequential`` or ``subclassed`` for a user class deriving from a Keras model."""
    if "keras.Sequential" in cls.bases:
        return "sequential"
    if "keras.Model" in cls.bases:
        return "subclassed"
    return None


class KerasModels:
    """Every layer, graph node, model and model call of one module."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.layers: dict[int, Layer] = {}
        self.nodes: list[Node] = []
        self.models: dict[int, ModelBuild] = {}
        self.calls: list[PendingCall] = []
        self.layer_calls: list[LayerCall] = []
        self.uses_tf_keras = False

    # -- what the interpreter asks ---------------------------------------------

    def note_import(self, qualname: str) -> None:
        if qualname == "tf_keras" or qualname.startswith("tf_keras."):
            self.uses_tf_keras = True

    def call(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], raw: tuple[RawArg, ...], node: cst.Call
    ) -> Value:
        """A call of an imported name: a model, an input, a layer or a loss; NOT_KERAS for anything else."""
        name = canonical(qualname)
        if name == "keras.Sequential":
            return self.new_sequential(args, kwargs, node)
        if name == "keras.Model":
            return self.new_functional(args, kwargs, node)
        if name == "keras.layers.Input":
            layer = self.make_layer("InputLayer", args, kwargs, raw, node)
            return self.add_node(layer, (), node)
        if name in UNSEEN_MODELS:
            return self.opaque_model(self.host.span(node), None)
        if name.startswith("keras.losses."):
            return name.rsplit(".", 1)[1]  # a loss object stands for its name
        if name.startswith("keras.layers."):
            kind = name.rsplit(".", 1)[1]
            if kind in MERGE_FUNCTIONS:
                layer = self.make_layer(MERGE_FUNCTIONS[kind], [], dict(kwargs), (), node)
                return self.apply_layer(layer, args[:1], {}, node)
            return LayerRef(self.make_layer(kind, args, kwargs, raw, node).id)
        return NOT_KERAS

    def call_object(self, callee: Value, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
        """``callee(...)`` for a layer or a model object."""
        if isinstance(callee, LayerRef):
            return self.apply_layer(self.layers[callee.layer_id], args, kwargs, node)
        if isinstance(callee, ModelRef):
            return self.apply_layer(self.model_layer(callee, node), args, kwargs, node)
        if _tensors_in(args):  # a layer or function nobody can see: its output is unknown
            return self.apply_layer(self.opaque_layer(node, _callee_name(node)), args, kwargs, node)
        return NOT_KERAS

    def call_method(
        self,
        receiver: Value,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        raw: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Value:
        if name in RESET_METHODS:
            self.mark_resets()
            if isinstance(receiver, (LayerRef, LayersOf)):
                self.note_layer_call(receiver, name, raw, node)
        if isinstance(receiver, ModelRef):
            return self.call_model_method(receiver, name, args, kwargs, raw, node)
        return NOT_KERAS

    def note_layer_call(
        self, receiver: LayerRef | LayersOf, name: str, raw: tuple[RawArg, ...], node: cst.Call
    ) -> None:
        """A reset of one layer (``lstm.reset_states(states)``), for the version rules."""
        if isinstance(receiver, LayersOf) and receiver.index is None:
            return
        layer = receiver.layer_id if isinstance(receiver, LayerRef) else None
        self.layer_calls.append(LayerCall(layer, name, self.host.record_args(raw), self.host.span(node)))

    def note_opaque_call(self, args: list[Value], kwargs: dict[str, Value]) -> None:
        """A model handed to code we cannot see may have its states reset there."""
        keras_objects = (ModelRef, LayersOf, LayerRef)
        if any(isinstance(value, keras_objects) for value in [*args, *kwargs.values()]):
            self.mark_resets()

    def mark_resets(self) -> None:
        for frame in self.host.loops:
            frame.resets_states = True

    def attribute(self, owner: Value, name: str) -> Value:
        if not isinstance(owner, ModelRef):
            return NOT_KERAS
        build = self.models[owner.model_id]
        if name in build.attrs:
            return build.attrs[name]
        if name == "layers":
            return LayersOf(owner.model_id)
        return UNKNOWN

    def set_attribute(self, owner: Value, name: str, value: Value) -> None:
        if isinstance(owner, ModelRef):
            self.models[owner.model_id].attrs[name] = value

    def subscript(self, owner: Value, index: Value) -> Value:
        """``model.layers[i]``."""
        if isinstance(owner, LayersOf) and owner.index is None and isinstance(index, int):
            return LayersOf(owner.model_id, index)
        return NOT_KERAS

    def name(self, value: Value, name: str) -> None:
        """A model is named by the first variable it is assigned to."""
        if isinstance(value, ModelRef):
            build = self.models[value.model_id]
            build.name = build.name or name

    def instantiate(self, cls: ClassValue, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
        """An instance of a user class deriving from a Keras model: its ``__init__``
        and ``call`` are run on the new model."""
        kind = model_kind(cls)
        if kind is None:
            return NOT_KERAS
        model = self.new_model("sequential" if kind == "sequential" else "subclassed", node)
        build = self.models[model.model_id]
        for name, function in cls.methods:
            if name not in ("__init__", "call"):
                build.attrs[name] = function
        init = cls.method("__init__")
        if init is not None:
            self.host.call_function(init, [model, *args], kwargs)
        call = cls.method("call")
        if call is not None and kind == "subclassed":
            input_layer = self.make_layer("InputLayer", [], {"shape": UNKNOWN}, (), node)
            tensor = self.add_node(input_layer, (), node)
            output = self.host.call_function(call, [model, tensor], {})
            build.inputs = tensor
            build.outputs = output
        return model

    # -- models ------------------------------------------------------------------

    def call_model_method(
        self,
        model: ModelRef,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        raw: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Value:
        build = self.models[model.model_id]
        attribute = build.attrs.get(name)
        if isinstance(attribute, LayerRef):  # self.lstm(x) in a subclassed model's call
            return self.apply_layer(self.layers[attribute.layer_id], args, kwargs, node)
        if name == "add":
            if self.host.uncertain > build.uncertain or not args:
                build.complete = False
            if args:
                build.items.append(args[0])
            return None
        if isinstance(attribute, FunctionValue):
            return self.host.call_function(attribute, [model, *args], kwargs)
        if name in MODEL_METHODS:
            if name == "build":
                keywords = {item.keyword: item.value for item in raw if item.keyword}
                build.build_shape = args[0] if args else keywords.get("input_shape", UNKNOWN)
            recorded = self.host.record_args(raw)
            self.calls.append(PendingCall(model.model_id, name, recorded, self.host.span(node), tuple(self.host.loops)))
            if name in ("fit", "fit_generator") and "callbacks" in kwargs:
                self.host.bind_callbacks(kwargs["callbacks"], model)
        if name in ("predict", "predict_on_batch", "__call__"):
            return ArrayValue(UNKNOWN)
        return UNKNOWN

    def new_model(self, kind: str, node: cst.Call) -> ModelRef:
        model_id = self.host.new_id()
        self.models[model_id] = ModelBuild(model_id, kind, self.host.span(node), uncertain=self.host.uncertain)
        return ModelRef(model_id)

    def opaque_model(self, span: Span, name: str | None) -> ModelRef:
        """A model of unknown structure (loaded, cloned, passed in): version
        rules apply to its calls, shape rules find nothing to judge."""
        model_id = self.host.new_id()
        self.models[model_id] = ModelBuild(model_id, "unseen", span, name, complete=False)
        return ModelRef(model_id)

    def new_sequential(self, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> ModelRef:
        model = self.new_model("sequential", node)
        build = self.models[model.model_id]
        layers = args[0] if args else kwargs.get("layers", ())
        if isinstance(layers, tuple):
            build.items.extend(layers)
        elif layers is not None:
            build.complete = False
        return model

    def new_functional(self, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> ModelRef:
        model = self.new_model("functional", node)
        build = self.models[model.model_id]
        build.inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
        build.outputs = args[1] if len(args) > 1 else kwargs.get("outputs", UNKNOWN)
        return model

    # -- layers ------------------------------------------------------------------

    def model_layer(self, model: ModelRef, node: cst.Call) -> Layer:
        """A model used as a layer: the assembly puts the finished model in it."""
        layer = Layer(self.host.new_id(), "Model", self.host.span(node), (("model_id", model.model_id),))
        self.layers[layer.id] = layer
        return layer

    def opaque_layer(self, node: cst.Call, kind: str) -> Layer:
        layer = Layer(self.host.new_id(), kind, self.host.span(node), (), (), None, known=False)
        self.layers[layer.id] = layer
        return layer

    def make_layer(
        self,
        kind: str,
        args: list[Value],
        kwargs: dict[str, Value],
        raw: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Layer:
        spec = LAYERS.get(kind)
        given: dict[str, Value] = {}
        for index, value in enumerate(args):
            if spec is not None and index < len(spec.positional):
                given[spec.positional[index]] = value
        given.update(kwargs)
        config = normalize_config(kind, given)
        wrapped: Layer | None = None
        inner = config.pop("layer", None) if kind in ("Bidirectional", "TimeDistributed") else None
        if kind == "RNN":
            inner = config.pop("cell", None)
        if isinstance(inner, LayerRef):
            wrapped = self.layers[inner.layer_id]
        elif isinstance(inner, ModelRef) and kind == "TimeDistributed":
            wrapped = self.model_layer(inner, node)
        known = spec is not None and "*" not in kwargs and "**" not in kwargs
        if kind in ("Bidirectional", "TimeDistributed", "RNN") and (wrapped is None or not wrapped.known):
            known = False
        if kind == "RNN" and wrapped is not None and wrapped.kind not in CELLS:
            known = False
        layer = Layer(
            self.host.new_id(),
            kind,
            self.host.span(node),
            tuple((key, plain(value)) for key, value in config.items()),
            self.host.record_args(raw),
            wrapped,
            known,
            open_keywords="*" in kwargs or "**" in kwargs,
        )
        self.layers[layer.id] = layer
        return layer

    def add_node(self, layer: Layer, inputs: tuple[TensorRef, ...], node: cst.Call, **extra: Any) -> TensorValue:
        self.nodes.append(Node(layer, inputs, self.host.span(node), **extra))
        return TensorValue(len(self.nodes) - 1)

    def apply_layer(self, layer: Layer, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
        """``layer(x)``: a new graph node, or UNKNOWN when ``x`` is not a tensor."""
        inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
        items = inputs if isinstance(inputs, tuple) else (inputs,)
        tensors = [item for item in items if isinstance(item, TensorValue)]
        if not items or len(tensors) != len(items):
            if isinstance(inputs, ArrayValue):
                return ArrayValue(UNKNOWN)
            return UNKNOWN
        refs = tuple(TensorRef(tensor.node, tensor.index) for tensor in tensors)
        states = kwargs.get("initial_state")
        state_refs: tuple[TensorRef, ...] = ()
        if states is not None:
            items = states if isinstance(states, tuple) else (states,)
            state_refs = tuple(TensorRef(s.node, s.index) for s in items if isinstance(s, TensorValue))
        output = self.add_node(layer, refs + state_refs, node, initial_state=bool(state_refs))
        count = _output_count(layer)
        if count == 1:
            return output
        return tuple(TensorValue(output.node, index) for index in range(count))


def _tensors_in(args: list[Value]) -> bool:
    """The first argument is a Keras tensor (or a tuple of them)."""
    first = args[0] if args else None
    items = first if isinstance(first, tuple) else (first,)
    return bool(items) and all(isinstance(item, TensorValue) for item in items)


def _callee_name(node: cst.Call) -> str:
    """``AttentionBlock`` for ``AttentionBlock(32)(x)`` or ``AttentionBlock(x)``."""
    func = node.func.func if isinstance(node.func, cst.Call) else node.func
    name = dotted_name(func)
    return name.rsplit(".", 1)[-1] if name != "?" else "?"


def _output_count(layer: Layer) -> int:
    """How many tensors ``layer(x)`` returns: more with ``return_state=True``."""
    core = layer.wrapped if layer.kind == "Bidirectional" and layer.wrapped is not None else layer
    if core.get("return_state") is not True:
        return 1
    kind = core.wrapped.kind if core.kind == "RNN" and core.wrapped is not None else core.kind
    states = 2 if kind.startswith(("LSTM", "CuDNNLSTM", "ConvLSTM")) else 1
    return 1 + states * (2 if layer.kind == "Bidirectional" else 1)
