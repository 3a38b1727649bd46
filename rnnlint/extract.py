"""Extraction: read a module's CST once, in program order, and build its IR.

A small abstract interpreter: statements run top to bottom over an
environment of abstract values (``values``), so rebinding, aliases, helper
functions with literal arguments and the functional API all resolve. Loops and
branches run once on copies; what they change becomes UNKNOWN and models they
change become incomplete. Nothing of the user's code is ever executed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from rnnlint import evaluate
from rnnlint.ir import Arg, Layer, Loop, Model, ModelCall, ModuleIR, Node, Span, TensorRef
from rnnlint.kerasnames import CELLS, LAYERS, MERGE_FUNCTIONS, canonical, normalize_config
from rnnlint.kerasversion import KerasBasis, resolve_version
from rnnlint.positions import LazyPositions, Unit
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    LayerRef,
    LayersOf,
    ListValue,
    LoopIndex,
    ModelRef,
    ModuleRef,
    TensorValue,
    Unknown,
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

_BUILTINS = frozenset({"len", "int", "float", "range", "min", "max", "round", "abs", "tuple", "list"})

_MAX_CALL_DEPTH = 8

_BINARY_OPS: dict[type[cst.BaseBinaryOp], str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
}

_COMPARE_OPS: dict[type[cst.BaseCompOp], str] = {
    cst.Equal: "==",
    cst.NotEqual: "!=",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
}


@dataclass(frozen=True)
class FunctionValue:
    """A user function: its definition and the scope it was defined in."""

    node: cst.FunctionDef
    scope: Scope


@dataclass(frozen=True)
class ClassValue:
    """A user class, with its bases' qualified names and its methods."""

    node: cst.ClassDef
    bases: tuple[str, ...]
    methods: tuple[tuple[str, FunctionValue], ...]

    def method(self, name: str) -> FunctionValue | None:
        return dict(self.methods).get(name)

    @property
    def model_kind(self) -> str | None:
        if "keras.Sequential" in self.bases:
            return "sequential"
        if "keras.Model" in self.bases:
            return "subclassed"
        return None


def _plain(value: Value) -> Value:
    """A value fit for the IR: the interpreter's own (a user function or
    class, which hold CST nodes) are unknown there, so that the IR stays
    free of the CST, small in the cache, and linkable across modules."""
    if isinstance(value, (FunctionValue, ClassValue)):
        return UNKNOWN
    if type(value) is tuple:
        return tuple(_plain(item) for item in value)
    if isinstance(value, ListValue):
        return ListValue(value.length, _plain(value.element))
    return value


class Scope:
    """Names bound in one module or function body, read through to the parent."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.parent = parent
        self.names: dict[str, Value] = {}

    def lookup(self, name: str) -> Value:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        if name in _BUILTINS:
            return ModuleRef(f"builtins.{name}")
        return UNKNOWN

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@dataclass
class LoopFrame:
    node: cst.For | cst.While
    unit: Unit
    resets_states: bool = False
    appends: dict[str, list[Value]] = field(default_factory=dict)


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


@dataclass
class PendingCall:
    model: int
    method: str
    args: tuple[Arg, ...]
    span: Span
    loops: tuple[LoopFrame, ...]


class _Return(Exception):
    """Unwinds a function body at a top-level ``return``."""


@dataclass
class Frame:
    """One function activation: where its ``return`` values go, and whether it
    turned out to be a generator (a ``yield`` ran)."""

    returns: list[Value] = field(default_factory=list)
    generator: bool = False


@dataclass(frozen=True)
class RawArg:
    """An argument evaluated at a call; its span is resolved only if recorded."""

    keyword: str | None
    value: Value
    node: cst.Arg


class Extractor:
    """Reads one module and produces its ``ModuleIR``."""

    def __init__(self, path: str, module: cst.Module, positions: LazyPositions | None = None) -> None:
        self.path = path
        self.positions = positions or LazyPositions(path, module)
        self.unit: Unit = None
        """Where the code being run stands: a function, or a top-level statement."""
        self.line: cst.SimpleStatementLine | None = None
        """The statement line being run, when the code being run is one."""
        self.module = module
        self.layers: dict[int, Layer] = {}
        self.nodes: list[Node] = []
        self.models: dict[int, ModelBuild] = {}
        self.calls: list[PendingCall] = []
        self.loops: list[LoopFrame] = []
        self.uncertain = 0
        self.frames: list[Frame] = []
        self.frame_uncertainty: list[int] = []
        self.called: set[cst.FunctionDef] = set()
        self.defined: list[FunctionValue] = []
        self.active: list[cst.FunctionDef] = []
        self.uses_tf_keras = False
        self._next_id = 0
        self._assigned: dict[int, list[str]] = {}

    # -- entry point -------------------------------------------------------

    def run(self) -> None:
        scope = Scope()
        for index, statement in enumerate(self.module.body):
            self.unit = index
            self.exec_statement(statement, scope)
        for function in self.defined:
            if function.node not in self.called:
                self.call_function(function, [], {}, unknown_params=True)

    def module_ir(self, keras_version: int) -> ModuleIR:
        models = tuple(model for build in self.models.values() if (model := self._finish_model(build)))
        calls = tuple(
            ModelCall(
                call.model,
                call.method,
                call.args,
                call.span,
                tuple(Loop(self.positions.span(frame.node, frame.unit), frame.resets_states) for frame in call.loops),
            )
            for call in self.calls
        )
        return ModuleIR(self.path, keras_version, models, calls, tuple(self.layers.values()))

    # -- helpers -----------------------------------------------------------

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def span(self, node: cst.CSTNode) -> Span:
        return self.positions.span(node, self.unit, self.line)

    def assigned_names(self, node: cst.CSTNode) -> list[str]:
        """Names a loop body binds or mutates (cached: loops run once per call)."""
        key = id(node)
        if key not in self._assigned:
            self._assigned[key] = _assigned_names(node)
        return self._assigned[key]

    def record_args(self, raw: Sequence[RawArg]) -> tuple[Arg, ...]:
        return tuple(Arg(item.keyword, _plain(item.value), self.span(item.node)) for item in raw)

    # -- statements --------------------------------------------------------

    def exec_block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        for statement in body:
            self.exec_statement(statement, scope)

    def exec_statement(self, statement: cst.CSTNode, scope: Scope) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            outer, self.line = self.line, statement
            try:
                for small in statement.body:
                    self.exec_small(small, scope)
            finally:
                self.line = outer
        elif isinstance(statement, cst.BaseSmallStatement):  # a one-line body: ``for ...: model.fit(...)``
            self.exec_small(statement, scope)
        elif isinstance(statement, cst.FunctionDef):
            function = FunctionValue(statement, scope)
            self.defined.append(function)
            scope.names[statement.name.value] = function
        elif isinstance(statement, cst.ClassDef):
            scope.names[statement.name.value] = self.make_class(statement, scope)
        elif isinstance(statement, cst.If):
            self.exec_if(statement, scope)
        elif isinstance(statement, (cst.For, cst.While)):
            self.exec_loop(statement, scope)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                self.eval(item.item, scope)
                if item.asname is not None:
                    self.assign(item.asname.name, UNKNOWN, scope)
            self.exec_block(statement.body.body, scope)
        elif isinstance(statement, cst.Try):
            self.exec_block(statement.body.body, scope)
            branches = [handler.body.body for handler in statement.handlers]
            if statement.orelse is not None:
                branches.append(statement.orelse.body.body)
            self.exec_branches(branches, scope, include_fallthrough=True)
            if statement.finalbody is not None:
                self.exec_block(statement.finalbody.body.body, scope)
        elif isinstance(statement, cst.Match):
            self.eval(statement.subject, scope)
            self.exec_branches([case.body.body for case in statement.cases], scope, include_fallthrough=True)

    def exec_small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            name = _append_target(small.value)
            if self.loops and name is not None and name in self.loops[-1].appends:
                assert isinstance(small.value, cst.Call)
                self.loops[-1].appends[name].append(self.eval(small.value.args[0].value, scope))
                return
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope)
        elif isinstance(small, cst.AugAssign):
            op = _augmented_op(small.operator)
            left = self.eval(small.target, scope)
            right = self.eval(small.value, scope)
            self.assign(small.target, evaluate.binary(op, left, right) if op else UNKNOWN, scope)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.exec_import(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else None
            if self.frames:
                self.frames[-1].returns.append(value)
                if self.uncertain == self.frame_uncertainty[-1]:
                    raise _Return()
        elif isinstance(small, cst.Del):
            for name in _target_names(small.target):
                scope.names[name] = UNKNOWN

    def exec_import(self, small: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                qualname = dotted_name(alias.name)
                self._note_import(qualname)
                if alias.asname is not None:
                    self.assign(alias.asname.name, ModuleRef(qualname), scope)
                else:
                    top = qualname.split(".")[0]
                    scope.names[top] = ModuleRef(top)
            return
        if small.relative or small.module is None:
            if isinstance(small.names, Sequence):
                for alias in small.names:
                    name = alias.asname.name if alias.asname else alias.name
                    if isinstance(name, cst.Name):
                        scope.names[name.value] = UNKNOWN
            return
        base = dotted_name(small.module)
        self._note_import(base)
        if isinstance(small.names, cst.ImportStar):
            return
        for alias in small.names:
            qualname = f"{base}.{dotted_name(alias.name)}"
            target = alias.asname.name if alias.asname is not None else alias.name
            self.assign(target, ModuleRef(qualname), scope)

    def _note_import(self, qualname: str) -> None:
        if qualname == "tf_keras" or qualname.startswith("tf_keras."):
            self.uses_tf_keras = True

    def exec_if(self, statement: cst.If, scope: Scope) -> None:
        test = self.eval(statement.test, scope)
        orelse = statement.orelse
        else_body: Sequence[cst.CSTNode] = ()
        if isinstance(orelse, cst.If):
            else_body = (orelse,)
        elif isinstance(orelse, cst.Else):
            else_body = orelse.body.body
        if isinstance(test, bool):
            self.exec_block(statement.body.body if test else else_body, scope)
            return
        self.exec_branches([statement.body.body, else_body], scope, include_fallthrough=False)

    def exec_branches(
        self, branches: Sequence[Sequence[cst.CSTNode]], scope: Scope, *, include_fallthrough: bool
    ) -> None:
        """Run each branch on a copy of the scope, then keep what they agree on."""
        before = dict(scope.names)
        outcomes = [before] if include_fallthrough else []
        self.uncertain += 1
        try:
            for body in branches:
                scope.names = dict(before)
                with contextlib.suppress(_Return):
                    self.exec_block(body, scope)
                outcomes.append(scope.names)
        finally:
            self.uncertain -= 1
        merged: dict[str, Value] = {}
        for name in set().union(*outcomes) if outcomes else before:
            values = [outcome.get(name, UNKNOWN) for outcome in outcomes]
            merged[name] = values[0] if all(_same(values[0], value) for value in values) else UNKNOWN
        scope.names = merged

    def exec_loop(self, statement: cst.For | cst.While, scope: Scope) -> None:
        iterable = self.eval(statement.iter if isinstance(statement, cst.For) else statement.test, scope)
        changed = set(self.assigned_names(statement.body))
        if isinstance(statement, cst.For):
            changed.update(_target_names(statement.target))
        collected = self.collected_lists(statement, iterable, scope)
        for name in changed:
            scope.names[name] = UNKNOWN
        if isinstance(statement, cst.For) and isinstance(statement.target, cst.Name) and isinstance(iterable, range):
            scope.names[statement.target.value] = LoopIndex()
        frame = LoopFrame(statement, self.unit, appends={name: [] for name in collected})
        self.loops.append(frame)
        self.uncertain += 1
        try:
            self.exec_block(statement.body.body, scope)
            if statement.orelse is not None:
                self.exec_block(statement.orelse.body.body, scope)
        except _Return:
            pass
        finally:
            self.uncertain -= 1
            self.loops.pop()
        for name in changed | set(self.assigned_names(statement.body)):
            scope.names[name] = UNKNOWN
        for name, length in collected.items():
            elements = frame.appends[name]
            if len(elements) == 1 and not isinstance(elements[0], Unknown):
                scope.names[name] = ListValue(length, elements[0])

    def collected_lists(self, statement: cst.For | cst.While, iterable: Value, scope: Scope) -> dict[str, int]:
        """Empty lists that a ``for`` loop over a known range fills with one
        ``append`` per turn (windowing code), with the number of turns."""
        if not isinstance(statement, cst.For) or not isinstance(iterable, range):
            return {}
        collected = {}
        for name in _unconditional_appends(statement.body.body):
            if scope.lookup(name) == () and self.assigned_names(statement.body).count(name) == 1:
                collected[name] = len(iterable)
        return collected

    # -- assignment --------------------------------------------------------

    def assign(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.names[target.value] = value
            if isinstance(value, ModelRef):
                build = self.models[value.model_id]
                build.name = build.name or target.value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(element, cst.StarredElement) for element in elements)
            known = isinstance(value, tuple) and len(value) == len(elements) and not starred
            for index, element in enumerate(elements):
                inner = element.value
                self.assign(inner, value[index] if known else UNKNOWN, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope)
            if isinstance(owner, ModelRef):
                self.models[owner.model_id].attrs[target.attr.value] = value

    # -- expressions -------------------------------------------------------

    def eval(self, node: cst.BaseExpression | None, scope: Scope) -> Value:
        if node is None:
            return None
        method = getattr(self, f"eval_{type(node).__name__}", None)
        if method is None:
            return UNKNOWN
        return method(node, scope)

    def eval_Integer(self, node: cst.Integer, scope: Scope) -> Value:
        return node.evaluated_value

    def eval_Float(self, node: cst.Float, scope: Scope) -> Value:
        return node.evaluated_value

    def eval_SimpleString(self, node: cst.SimpleString, scope: Scope) -> Value:
        value = node.evaluated_value
        return value if isinstance(value, str) else UNKNOWN

    def eval_ConcatenatedString(self, node: cst.ConcatenatedString, scope: Scope) -> Value:
        value = node.evaluated_value
        return value if isinstance(value, str) else UNKNOWN

    def eval_Name(self, node: cst.Name, scope: Scope) -> Value:
        constants = {"True": True, "False": False, "None": None}
        if node.value in constants:
            return constants[node.value]
        return scope.lookup(node.value)

    def eval_Tuple(self, node: cst.Tuple | cst.List, scope: Scope) -> Value:
        items: list[Value] = []
        for element in node.elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                if not isinstance(value, tuple):
                    return UNKNOWN
                items.extend(value)
            else:
                items.append(value)
        return tuple(items)

    eval_List = eval_Tuple

    def eval_BinaryOperation(self, node: cst.BinaryOperation, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        op = _BINARY_OPS.get(type(node.operator))
        if op is None:
            return UNKNOWN
        for array, other in ((left, right), (right, left)):
            if isinstance(array, ArrayValue) and isinstance(other, (int, float, ArrayValue)):
                return array
        return evaluate.binary(op, left, right)

    def eval_UnaryOperation(self, node: cst.UnaryOperation, scope: Scope) -> Value:
        ops = {cst.Minus: "-", cst.Plus: "+", cst.Not: "not"}
        return evaluate.unary(ops.get(type(node.operator), "?"), self.eval(node.expression, scope))

    def eval_BooleanOperation(self, node: cst.BooleanOperation, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if isinstance(node.operator, cst.And) else (left or right)
        return UNKNOWN

    def eval_Comparison(self, node: cst.Comparison, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        if len(node.comparisons) != 1:
            for target in node.comparisons:
                self.eval(target.comparator, scope)
            return UNKNOWN
        comparison = node.comparisons[0]
        right = self.eval(comparison.comparator, scope)
        op = _COMPARE_OPS.get(type(comparison.operator))
        return evaluate.compare(op, left, right) if op else UNKNOWN

    def eval_IfExp(self, node: cst.IfExp, scope: Scope) -> Value:
        test = self.eval(node.test, scope)
        body = self.eval(node.body, scope)
        orelse = self.eval(node.orelse, scope)
        if isinstance(test, bool):
            return body if test else orelse
        return body if _same(body, orelse) else UNKNOWN

    def eval_Yield(self, node: cst.Yield, scope: Scope) -> Value:
        if self.frames:
            self.frames[-1].generator = True
        return UNKNOWN

    def eval_NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> Value:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def eval_Attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        name = node.attr.value
        if isinstance(owner, ModuleRef):
            return ModuleRef(f"{owner.qualname}.{name}")
        if isinstance(owner, ModelRef):
            build = self.models[owner.model_id]
            if name in build.attrs:
                return build.attrs[name]
            if name == "layers":
                return LayersOf(owner.model_id)
            return UNKNOWN
        return evaluate.attribute(owner, name)

    def eval_Subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        indices = tuple(self.eval_slice(element.slice, scope) for element in node.slice)
        index = indices[0] if len(indices) == 1 else indices
        if isinstance(owner, LayersOf) and owner.index is None and isinstance(index, int):
            return LayersOf(owner.model_id, index)
        return evaluate.subscript(owner, index)

    def eval_slice(self, item: cst.BaseSlice, scope: Scope) -> Value:
        if isinstance(item, cst.Index):
            value = self.eval(item.value, scope)
            return Ellipsis if isinstance(item.value, cst.Ellipsis) else value
        assert isinstance(item, cst.Slice)
        parts = [self.eval(part, scope) for part in (item.lower, item.upper, item.step)]
        if any(isinstance(part, Unknown) for part in parts):
            return UNKNOWN
        return slice(*parts)

    def eval_Call(self, node: cst.Call, scope: Scope) -> Value:
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, scope)
            name = func.attr.value
            if isinstance(receiver, ModuleRef):
                return self.call_qualname(f"{receiver.qualname}.{name}", node, scope)
            args, kwargs, arg_list = self.eval_args(node, scope)
            return self.call_method(receiver, name, args, kwargs, arg_list, node)
        callee = self.eval(func, scope)
        if isinstance(callee, ModuleRef):
            return self.call_qualname(callee.qualname, node, scope)
        args, kwargs, arg_list = self.eval_args(node, scope)
        if isinstance(callee, LayerRef):
            return self.apply_layer(self.layers[callee.layer_id], args, kwargs, node)
        if isinstance(callee, FunctionValue):
            return self.call_function(callee, args, kwargs)
        if isinstance(callee, ClassValue):
            return self.instantiate(callee, args, kwargs, node)
        if isinstance(callee, ModelRef):
            return self.apply_layer(self.opaque_layer(node, "Model"), args, kwargs, node)
        self.note_opaque_call(args, kwargs)
        return UNKNOWN

    def eval_args(self, node: cst.Call, scope: Scope) -> tuple[list[Value], dict[str, Value], tuple[RawArg, ...]]:
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        raw: list[RawArg] = []
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, tuple):
                    args.extend(value)
                    raw.extend(RawArg(None, item, arg) for item in value)
                else:
                    args.append(UNKNOWN)
                    kwargs["*"] = UNKNOWN
                    raw.append(RawArg("*", UNKNOWN, arg))
            elif arg.star == "**":
                kwargs["**"] = UNKNOWN
                raw.append(RawArg("**", UNKNOWN, arg))
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
                raw.append(RawArg(arg.keyword.value, value, arg))
            else:
                args.append(value)
                raw.append(RawArg(None, value, arg))
        return args, kwargs, tuple(raw)

    # -- calls -------------------------------------------------------------

    def call_qualname(self, qualname: str, node: cst.Call, scope: Scope) -> Value:
        name = canonical(qualname)
        args, kwargs, arg_list = self.eval_args(node, scope)
        if name in ("keras.Sequential",):
            return self.new_sequential(args, kwargs, node)
        if name == "keras.Model":
            return self.new_functional(args, kwargs, node)
        if name == "keras.layers.Input":
            return self.new_input(args, kwargs, arg_list, node)
        if name.startswith("keras.losses."):
            return name.rsplit(".", 1)[1]  # a loss object stands for its name
        if name.startswith("keras.layers."):
            kind = name.rsplit(".", 1)[1]
            if kind in MERGE_FUNCTIONS:
                layer = self.make_layer(MERGE_FUNCTIONS[kind], [], {k: v for k, v in kwargs.items()}, (), node)
                return self.apply_layer(layer, args[:1], {}, node)
            return LayerRef(self.make_layer(kind, args, kwargs, arg_list, node).id)
        result = evaluate.call_library(name, args, kwargs)
        if isinstance(result, Unknown):
            self.note_opaque_call(args, kwargs)
        return result

    def note_opaque_call(self, args: list[Value], kwargs: dict[str, Value]) -> None:
        """A model handed to code we cannot see may have its states reset there."""
        if self.loops and any(isinstance(value, (ModelRef, LayersOf, LayerRef)) for value in [*args, *kwargs.values()]):
            for frame in self.loops:
                frame.resets_states = True

    def call_method(
        self,
        receiver: Value,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        arg_list: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Value:
        if name in RESET_METHODS:
            for frame in self.loops:
                frame.resets_states = True
        if isinstance(receiver, ModelRef):
            return self.call_model_method(receiver, name, args, kwargs, arg_list, node)
        if isinstance(receiver, (ClassValue, FunctionValue)):
            return UNKNOWN
        if isinstance(receiver, tuple) and name in ("append", "extend"):
            return None
        if not isinstance(receiver, (ArrayValue, DatasetValue)):
            self.note_opaque_call(args, kwargs)
        return evaluate.method(receiver, name, args, kwargs)

    def call_model_method(
        self,
        model: ModelRef,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        arg_list: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Value:
        build = self.models[model.model_id]
        attribute = build.attrs.get(name)
        if isinstance(attribute, LayerRef):  # self.lstm(x) in a subclassed model's call
            return self.apply_layer(self.layers[attribute.layer_id], args, kwargs, node)
        if name == "add":
            if self.uncertain or not args:
                build.complete = False
            if args:
                build.items.append(args[0])
            return None
        method = build.attrs.get(name)
        if isinstance(method, FunctionValue):
            return self.call_function(method, [model, *args], kwargs)
        if name in MODEL_METHODS:
            if name == "build":
                build.build_shape = (
                    args[0]
                    if args
                    else dict((a.keyword, a.value) for a in arg_list if a.keyword).get("input_shape", UNKNOWN)
                )
            args_ir = self.record_args(arg_list)
            self.calls.append(PendingCall(model.model_id, name, args_ir, self.span(node), tuple(self.loops)))
        if name in ("predict", "predict_on_batch", "__call__"):
            return ArrayValue(UNKNOWN)
        return UNKNOWN

    def call_function(
        self, function: FunctionValue, args: list[Value], kwargs: dict[str, Value], *, unknown_params: bool = False
    ) -> Value:
        definition = function.node
        if definition in self.active or len(self.active) >= _MAX_CALL_DEPTH:
            return UNKNOWN
        self.called.add(definition)
        scope = Scope(function.scope)
        self.bind_params(definition.params, args, kwargs, scope, unknown_params)
        frame = Frame()
        outer_unit, self.unit = self.unit, definition
        outer_line, self.line = self.line, None
        self.frames.append(frame)
        self.frame_uncertainty.append(self.uncertain)
        self.active.append(definition)
        try:
            self.exec_block(_body(definition), scope)
        except _Return:
            pass
        finally:
            self.frames.pop()
            self.frame_uncertainty.pop()
            self.active.pop()
            self.unit = outer_unit
            self.line = outer_line
        if frame.generator:
            return DatasetValue(shuffled=False, description="generator")
        if not frame.returns:
            return None
        first = frame.returns[0]
        return first if all(_same(first, value) for value in frame.returns) else UNKNOWN

    def bind_params(
        self,
        params: cst.Parameters,
        args: list[Value],
        kwargs: dict[str, Value],
        scope: Scope,
        unknown_params: bool,
    ) -> None:
        positional = [*params.posonly_params, *params.params]
        opaque = "*" in kwargs or "**" in kwargs
        for index, param in enumerate(positional):
            name = param.name.value
            if unknown_params:
                value = UNKNOWN
            elif index < len(args):
                value = args[index]
            elif name in kwargs:
                value = kwargs[name]
            elif param.default is not None and not opaque:
                value = self.eval(param.default, scope.parent or scope)
            else:
                value = UNKNOWN
            scope.names[name] = value
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs and not unknown_params:
                scope.names[name] = kwargs[name]
            elif param.default is not None and not unknown_params and not opaque:
                scope.names[name] = self.eval(param.default, scope.parent or scope)
            else:
                scope.names[name] = UNKNOWN
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.names[star.name.value] = UNKNOWN

    # -- classes and subclassed models --------------------------------------

    def make_class(self, node: cst.ClassDef, scope: Scope) -> ClassValue:
        bases = []
        for base in node.bases:
            value = self.eval(base.value, scope)
            if isinstance(value, ModuleRef):
                bases.append(canonical(value.qualname))
            elif isinstance(value, ClassValue):
                bases.extend(value.bases)
        methods = []
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                function = FunctionValue(statement, scope)
                methods.append((statement.name.value, function))
                self.defined.append(function)
        return ClassValue(node, tuple(bases), tuple(methods))

    def instantiate(self, cls: ClassValue, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
        kind = cls.model_kind
        if kind is None:
            return UNKNOWN
        model = self.new_model("sequential" if kind == "sequential" else "subclassed", node)
        build = self.models[model.model_id]
        for name, function in cls.methods:
            if name not in ("__init__", "call"):
                build.attrs[name] = function
        init = cls.method("__init__")
        if init is not None:
            self.call_function(init, [model, *args], kwargs)
        call = cls.method("call")
        if call is not None and kind == "subclassed":
            input_layer = self.make_layer("InputLayer", [], {"shape": UNKNOWN}, (), node)
            tensor = self.add_node(input_layer, (), node)
            output = self.call_function(call, [model, tensor], {})
            build.inputs = tensor
            build.outputs = output
        return model

    # -- models and layers ---------------------------------------------------

    def new_model(self, kind: str, node: cst.Call) -> ModelRef:
        model_id = self.new_id()
        self.models[model_id] = ModelBuild(model_id, kind, self.span(node))
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

    def new_input(
        self, args: list[Value], kwargs: dict[str, Value], arg_list: tuple[RawArg, ...], node: cst.Call
    ) -> TensorValue:
        layer = self.make_layer("InputLayer", args, kwargs, arg_list, node)
        return self.add_node(layer, (), node)

    def opaque_layer(self, node: cst.Call, kind: str) -> Layer:
        layer = Layer(self.new_id(), kind, self.span(node), (), (), None, known=False)
        self.layers[layer.id] = layer
        return layer

    def make_layer(
        self,
        kind: str,
        args: list[Value],
        kwargs: dict[str, Value],
        arg_list: tuple[RawArg, ...],
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
        known = spec is not None and "*" not in kwargs and "**" not in kwargs
        if kind in ("Bidirectional", "TimeDistributed", "RNN") and (wrapped is None or not wrapped.known):
            known = False
        if kind == "RNN" and wrapped is not None and wrapped.kind not in CELLS:
            known = False
        layer = Layer(
            self.new_id(),
            kind,
            self.span(node),
            tuple((key, _plain(value)) for key, value in config.items()),
            self.record_args(arg_list),
            wrapped,
            known,
        )
        self.layers[layer.id] = layer
        return layer

    def add_node(self, layer: Layer, inputs: tuple[TensorRef, ...], node: cst.Call, **extra: Any) -> TensorValue:
        self.nodes.append(Node(layer, inputs, self.span(node), **extra))
        return TensorValue(len(self.nodes) - 1)

    def apply_layer(self, layer: Layer, args: list[Value], kwargs: dict[str, Value], node: cst.Call) -> Value:
        """``layer(x)``: a new graph node, or UNKNOWN when ``x`` is not a tensor."""
        inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
        tensors = inputs if isinstance(inputs, tuple) else (inputs,)
        if not tensors or not all(isinstance(tensor, TensorValue) for tensor in tensors):
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

    # -- finishing -----------------------------------------------------------

    def _finish_model(self, build: ModelBuild) -> Model | None:
        if build.kind == "sequential":
            return self._finish_sequential(build)
        return self._finish_graph(build)

    def _finish_sequential(self, build: ModelBuild) -> Model:
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
            input_layer = self._implicit_input(first, build)
        nodes.append(Node(input_layer, (), input_layer.span))
        for item in items:
            if isinstance(item, LayerRef):
                layer = self.layers[item.layer_id]
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

    def _implicit_input(self, first: Value, build: ModelBuild) -> Layer:
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

    def _finish_graph(self, build: ModelBuild) -> Model:
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
        nodes = tuple(self._local_node(index, index in starts, local) for index in order)
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

    def _local_node(self, index: int, is_input: bool, local: dict[int, int]) -> Node:
        """Node ``index`` renumbered for one model; an intermediate tensor used as
        the model's input becomes an input of unknown shape."""
        node = self.nodes[index]
        if is_input and node.layer.kind != "InputLayer":
            layer = Layer(self.new_id(), "InputLayer", node.span, (), (), None, known=False)
            return Node(layer, (), node.span)
        inputs = tuple(TensorRef(local[ref.node], ref.index) for ref in node.inputs)
        return Node(node.layer, inputs, node.span, node.initial_state)


def _tensors(value: Value) -> tuple[TensorRef, ...] | None:
    items = value if isinstance(value, tuple) else (value,)
    if not items or not all(isinstance(item, TensorValue) for item in items):
        return None
    return tuple(TensorRef(item.node, item.index) for item in items)


def _output_count(layer: Layer) -> int:
    """How many tensors ``layer(x)`` returns: more with ``return_state=True``."""
    core = layer.wrapped if layer.kind == "Bidirectional" and layer.wrapped is not None else layer
    if core.get("return_state") is not True:
        return 1
    kind = core.wrapped.kind if core.kind == "RNN" and core.wrapped is not None else core.kind
    states = 2 if kind.startswith(("LSTM", "CuDNNLSTM", "ConvLSTM")) else 1
    return 1 + states * (2 if layer.kind == "Bidirectional" else 1)


def _same(left: Value, right: Value) -> bool:
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return False
    try:
        return type(left) is type(right) and bool(left == right)
    except Exception:
        return False


def dotted_name(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a dotted name node (``?`` for anything else)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return "?"


def _augmented_op(operator: cst.BaseAugOp) -> str | None:
    names = {
        cst.AddAssign: "+",
        cst.SubtractAssign: "-",
        cst.MultiplyAssign: "*",
        cst.DivideAssign: "/",
        cst.FloorDivideAssign: "//",
        cst.ModuloAssign: "%",
        cst.PowerAssign: "**",
    }
    return names.get(type(operator))


def _body(definition: cst.FunctionDef) -> Sequence[cst.CSTNode]:
    body = definition.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return (body,)


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


class _AssignedNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.extend(_target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.extend(_target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.extend(_target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.names.extend(_target_names(node.target))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.extend(_target_names(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value in ("append", "extend", "insert", "update", "pop"):
                self.names.append(func.value.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.append(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.append(node.name.value)
        return False


def _append_target(expression: cst.BaseExpression) -> str | None:
    """``name`` for an expression ``name.append(value)``."""
    if (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Attribute)
        and isinstance(expression.func.value, cst.Name)
        and expression.func.attr.value == "append"
        and len(expression.args) == 1
        and not expression.args[0].star
        and expression.args[0].keyword is None
    ):
        return expression.func.value.value
    return None


def _unconditional_appends(body: Sequence[cst.CSTNode]) -> list[str]:
    """Names appended to exactly once per turn, at the top level of a loop body."""
    names = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and (name := _append_target(small.value)):
                    names.append(name)
    return [name for name in names if names.count(name) == 1]


def _assigned_names(node: cst.CSTNode) -> list[str]:
    visitor = _AssignedNames()
    node.visit(visitor)
    return visitor.names


def extract(
    path: str, module: cst.Module, keras: str | KerasBasis = "auto", positions: LazyPositions | None = None
) -> ModuleIR:
    """The IR of ``module``, judged for the Keras version ``keras`` selects
    (``positions``: of ``module``, when the caller wants to reuse them)."""
    extractor = Extractor(path, module, positions)
    extractor.run()
    judged = resolve_version(keras, extractor.uses_tf_keras)
    return replace(extractor.module_ir(judged.major), keras_source=judged.source, keras_origin=judged.origin)
