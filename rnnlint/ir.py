"""The model IR: what rnnlint knows about a program's Keras models.

Plain frozen dataclasses, independent of libcst and of how they were found, so
that rules stay pure functions and models can later be linked across modules.
Values the analysis could not work out are ``UNKNOWN``; rules never fire on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnlint.values import UNKNOWN, Value


@dataclass(frozen=True)
class Span:
    """A source range: 1-based lines and 1-based columns, end exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    cell: int | None = None
    """In a notebook, the 1-based cell the lines count in; None in a ``.py`` file."""


@dataclass(frozen=True)
class Arg:
    """One argument as written at a call: keyword (None when positional)."""

    keyword: str | None
    value: Value
    span: Span


@dataclass(frozen=True)
class Layer:
    """A layer object: its canonical class, normalized config and source."""

    id: int
    kind: str
    span: Span
    config: tuple[tuple[str, Value], ...]
    args: tuple[Arg, ...] = ()
    wrapped: Layer | None = None
    known: bool = True
    submodel: Model | None = None
    """For a model used as a layer (``kind`` "Model"): that model."""

    def get(self, name: str, default: Value = None) -> Value:
        """The normalized config value ``name``, ``default`` when not given."""
        for key, value in self.config:
            if key == name:
                return value
        return default

    def given(self, name: str) -> bool:
        return any(key == name for key, _ in self.config)

    def arg_span(self, keyword: str) -> Span | None:
        for arg in self.args:
            if arg.keyword == keyword:
                return arg.span
        return None

    @property
    def label(self) -> str:
        """How the user wrote it, shortly: ``LSTM(32)``, ``Bidirectional(LSTM(64))``."""
        if self.wrapped is not None:
            return f"{self.kind}({self.wrapped.label})"
        if self.submodel is not None:
            return f"{self.submodel.name or 'model'} ({self.submodel.kind} model)"
        first = self.get("units", self.get("filters", None))
        if isinstance(first, int) and not isinstance(first, bool):
            return f"{self.kind}({first})"
        return self.kind


@dataclass(frozen=True)
class TensorRef:
    """Output ``index`` of graph node ``node``."""

    node: int
    index: int = 0


@dataclass(frozen=True)
class Node:
    """One application of a layer to tensors (an Input is a node with no inputs)."""

    layer: Layer
    inputs: tuple[TensorRef, ...]
    span: Span
    initial_state: bool = False


@dataclass(frozen=True)
class Model:
    """A model's graph. Sequential models are chains; ``complete`` is False when
    layers were added in loops or branches, so the structure is not certain."""

    id: int
    kind: str  # "sequential" | "functional" | "subclassed"
    span: Span
    name: str | None
    nodes: tuple[Node, ...]
    inputs: tuple[TensorRef, ...]
    outputs: tuple[TensorRef, ...]
    complete: bool = True
    build_shape: Value = None  # the argument of ``model.build(...)``, None when not called

    @property
    def layers(self) -> tuple[Layer, ...]:
        seen: dict[int, Layer] = {}
        for node in self.nodes:
            if node.layer.kind != "InputLayer":
                seen.setdefault(node.layer.id, node.layer)
        return tuple(seen.values())


@dataclass(frozen=True)
class Loop:
    """A ``for``/``while`` loop around calls, with whether it resets states."""

    span: Span
    resets_states: bool


@dataclass(frozen=True)
class ModelCall:
    """``model.fit(...)``, ``predict``, ``compile``, ``reset_states`` ..."""

    model: int
    method: str
    args: tuple[Arg, ...]
    span: Span
    loops: tuple[Loop, ...] = ()

    def arg(self, keyword: str, position: int | None = None) -> Arg | None:
        """The argument given by keyword, or at ``position`` among positionals.

        Behind ``*args`` or ``**kwargs`` an argument not found may still be
        given: it is then an ``Arg`` holding UNKNOWN.
        """
        for arg in self.args:
            if arg.keyword == keyword:
                return arg
        if position is not None:
            positional = [a for a in self.args if a.keyword in (None, "*")]
            for index, arg in enumerate(positional):
                if arg.keyword == "*":
                    return Arg("*", UNKNOWN, arg.span)
                if index == position:
                    return arg
        for arg in self.args:
            if arg.keyword == "**":
                return Arg("**", UNKNOWN, arg.span)
        return None

    def value(self, keyword: str, position: int | None = None, default: Value = None) -> Value:
        arg = self.arg(keyword, position)
        return default if arg is None else arg.value

    def given(self, keyword: str, position: int | None = None) -> bool:
        return self.arg(keyword, position) is not None


@dataclass(frozen=True)
class ModuleIR:
    """Everything extracted from one module."""

    path: str
    keras_version: int
    models: tuple[Model, ...] = ()
    calls: tuple[ModelCall, ...] = field(default=())
    layers: tuple[Layer, ...] = ()
    keras_source: str = ""
    """Why ``keras_version``: ``requirements.txt:3: tensorflow==2.15.0`` (``rnnlint.kerasversion``)."""
    keras_origin: str = "option"
    """What decided it: option, project, code, environment or assumed."""

    @property
    def keras_trusted(self) -> bool:
        """Decided by the command line, the config, the project or the code:
        a fix whose result differs between Keras 2 and 3 may be safe."""
        return self.keras_origin in ("option", "project", "code")

    def model(self, model_id: int) -> Model:
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)

    def calls_of(self, model: Model, *methods: str) -> tuple[ModelCall, ...]:
        return tuple(call for call in self.calls if call.model == model.id and (not methods or call.method in methods))
