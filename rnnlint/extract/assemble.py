"""IR assembly: the models read from a module, finished into ``ModuleIR``.

A Sequential model's layers become a chain of nodes behind its (possibly
implicit) input; a functional or subclassed model keeps the nodes its outputs
reach from its inputs, renumbered for the model alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rnnlint.extract.keras_models import KerasModels, ModelBuild
from rnnlint.ir import Layer, Loop, Model, ModelCall, ModuleIR, Node, TensorRef
from rnnlint.positions import LazyPositions
from rnnlint.values import LayerRef, ModelRef, TensorValue, Value


def module_ir(
    path: str, keras_version: int, keras: KerasModels, positions: LazyPositions, new_id: Callable[[], int]
) -> ModuleIR:
    assembler = _Assembler(keras, new_id, keras_version)
    models = tuple(model for build in keras.models.values() if (model := assembler.finish(build)))
    calls = tuple(
        ModelCall(
            call.model,
            call.method,
            call.args,
            call.span,
            tuple(Loop(positions.span(frame.node, frame.unit), frame.resets_states) for frame in call.loops),
        )
        for call in keras.calls
    )
    layers = tuple(keras.layers.values())
    return ModuleIR(path, keras_version, models, calls, layers, layer_calls=tuple(keras.layer_calls))


class _Assembler:
    def __init__(self, keras: KerasModels, new_id: Callable[[], int], keras_version: int) -> None:
        self.keras_version = keras_version
        self.layers = keras.layers
        self.nodes = keras.nodes
        self.builds = keras.models
        self.new_id = new_id
        self.finished: dict[int, Model | None] = {}
        self.active: set[int] = set()

    def finish(self, build: ModelBuild) -> Model | None:
        if build.id not in self.finished:
            self.active.add(build.id)
            if build.kind == "sequential":
                self.finished[build.id] = self.finish_sequential(build)
            else:
                self.finished[build.id] = self.finish_graph(build)
            self.active.discard(build.id)
        return self.finished[build.id]

    def resolve(self, layer: Layer) -> Layer:
        """A model used as a layer (or wrapped in one) gets its finished model;
        a model that contains itself stays unknown."""
        if layer.wrapped is not None and layer.wrapped.kind == "Model":
            wrapped = self.resolve(layer.wrapped)
            return replace(layer, wrapped=wrapped, known=layer.known and wrapped.known)
        if layer.kind != "Model" or layer.submodel is not None:
            return layer
        model_id = layer.get("model_id")
        build = self.builds.get(model_id) if isinstance(model_id, int) else None
        if build is None or build.id in self.active:
            return replace(layer, known=False)
        model = self.finish(build)
        known = model is not None and model.complete and len(model.inputs) == 1 and len(model.outputs) == 1
        return replace(layer, submodel=model, known=known)

    def model_item(self, model_id: int) -> Layer:
        """A model given to a Sequential as one of its layers."""
        build = self.builds[model_id]
        return self.resolve(Layer(self.new_id(), "Model", build.span, (("model_id", model_id),)))

    def finish_sequential(self, build: ModelBuild) -> Model:
        items = list(build.items)
        nodes: list[Node] = []
        complete = build.complete
        first = items[0] if items else None
        if isinstance(first, TensorValue) and self.nodes[first.node].layer.kind == "InputLayer":
            input_layer = self.nodes[first.node].layer
            items = items[1:]
        elif isinstance(first, LayerRef) and self.layers[first.layer_id].kind == "InputLayer":
            input_layer = self.layers[first.layer_id]
            items = items[1:]
        else:
            input_layer = self.implicit_input(first, build)
        nodes.append(Node(input_layer, (), input_layer.span))
        for item in items:
            if isinstance(item, LayerRef):
                layer = self.resolve(self.layers[item.layer_id])
            elif isinstance(item, ModelRef) and item.model_id in self.builds:
                layer = self.model_item(item.model_id)
            else:
                complete = False
                layer = Layer(self.new_id(), "?", build.span, (), (), None, known=False)
            nodes.append(Node(layer, (TensorRef(len(nodes) - 1),), layer.span))
        return Model(
            build.id,
            "sequential",
            build.span,
            build.name,
            tuple(nodes),
            (TensorRef(0),),
            (TensorRef(len(nodes) - 1),),
            complete,
            build.build_shape,
        )

    def implicit_input(self, first: Value, build: ModelBuild) -> Layer:
        """The input a Sequential model takes from its first layer's arguments."""
        config: dict[str, Value] = {}
        span = build.span
        known = True
        if isinstance(first, LayerRef):
            layer = self.layers[first.layer_id]
            span = layer.span
            known = layer.known or layer.kind in ("Bidirectional", "TimeDistributed")
            candidates = [layer] + ([layer.wrapped] if layer.wrapped is not None else [])
            for candidate in candidates:
                keras3_input_dim = self.keras3_input_dim(candidate)
                if keras3_input_dim is not None and "shape" not in config:
                    config["shape"] = keras3_input_dim
                for key, target in (("batch_input_shape", "batch_shape"), ("input_shape", "shape")):
                    if candidate.given(key) and target not in config:
                        config[target] = candidate.get(key)
                if candidate.given("batch_size") and "batch_size" not in config:
                    config["batch_size"] = candidate.get("batch_size")
        elif first is not None:
            known = False
        config["implicit"] = True
        layer = Layer(self.new_id(), "InputLayer", span, tuple(config.items()), (), None, known)
        self.layers[layer.id] = layer
        return layer

    def keras3_input_dim(self, layer: Layer) -> Value:
        """Keras 3 reads ``input_dim=d`` on any layer as ``input_shape=(d,)`` (a
        2-D input), where Keras 1 and 2 recurrent layers read it as the feature
        count (measured in Keras 3.15.1); None when that does not apply."""
        if self.keras_version < 3 or layer.kind == "Dense":
            return None
        keywords = {arg.keyword: arg.value for arg in layer.args if arg.keyword}
        if "input_dim" not in keywords or "input_shape" in keywords:
            return None
        return (keywords["input_dim"],)

    def finish_graph(self, build: ModelBuild) -> Model:
        inputs = _tensors(build.inputs)
        outputs = _tensors(build.outputs)
        if inputs is None or outputs is None:
            return Model(build.id, build.kind, build.span, build.name, (), (), (), False, build.build_shape)
        starts = {ref.node for ref in inputs}
        reachable: set[int] = set()
        stack = [ref.node for ref in outputs]
        while stack:
            index = stack.pop()
            if index in reachable:
                continue
            reachable.add(index)
            if index not in starts:  # Keras stops at the model's inputs
                stack.extend(ref.node for ref in self.nodes[index].inputs)
        reachable.update(starts)
        order = sorted(reachable)
        local = {index: position for position, index in enumerate(order)}
        nodes = tuple(self.local_node(index, index in starts, local) for index in order)
        disconnected = any(self.nodes[index].layer.kind == "InputLayer" and index not in starts for index in order)
        return Model(
            build.id,
            build.kind,
            build.span,
            build.name,
            nodes,
            tuple(TensorRef(local[ref.node], ref.index) for ref in inputs),
            tuple(TensorRef(local[ref.node], ref.index) for ref in outputs),
            build.complete and not disconnected,
            build.build_shape,
        )

    def local_node(self, index: int, is_input: bool, local: dict[int, int]) -> Node:
        """Node ``index`` renumbered for one model; an intermediate tensor used as
        the model's input becomes an input of unknown shape."""
        node = self.nodes[index]
        if is_input and node.layer.kind != "InputLayer":
            layer = Layer(self.new_id(), "InputLayer", node.span, (), (), None, known=False)
            return Node(layer, (), node.span)
        inputs = tuple(TensorRef(local[ref.node], ref.index) for ref in node.inputs)
        return Node(self.resolve(node.layer), inputs, node.span, node.initial_state)


def _tensors(value: Value) -> tuple[TensorRef, ...] | None:
    items = value if isinstance(value, tuple) else (value,)
    tensors = [item for item in items if isinstance(item, TensorValue)]
    if not items or len(tensors) != len(items):
        return None
    return tuple(TensorRef(item.node, item.index) for item in tensors)
