"""The abstract interpreter: Python's statements and expressions run over
abstract values, in program order, without running anything.

Rebinding, aliases, helper functions and classes resolve; loops and branches
run once on copies, and what they change becomes UNKNOWN. Whatever only Keras
gives meaning to (a ``keras.*`` call, a model's methods, a layer applied to a
tensor) is handed to ``KerasModels``; library calls to the shape models of
``extract.library``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from rnnlint.cstnames import dotted_name
from rnnlint.extract import library, operators, structure
from rnnlint.extract.budget import MAX_CALL_DEPTH, Budget
from rnnlint.extract.keras_models import NOT_KERAS, KerasModels
from rnnlint.extract.objects import (
    BoundMethod,
    ClassValue,
    Forwarded,
    FunctionValue,
    InstanceValue,
    LambdaValue,
    LoopFrame,
    ModuleValue,
    Partial,
    RawArg,
    Scope,
    plain,
)
from rnnlint.extract.operators import same
from rnnlint.extract.pysyntax import (
    BINARY_OPS,
    COMPARE_OPS,
    UNARY_OPS,
    append_target,
    assigned_names,
    augmented_op,
    function_body,
    target_names,
    unconditional_appends,
)
from rnnlint.ir import Arg, Span
from rnnlint.kerasnames import canonical
from rnnlint.positions import LazyPositions, Unit
from rnnlint.values import (
    UNKNOWN,
    ArrayValue,
    DatasetValue,
    FrameValue,
    LibraryObject,
    ListValue,
    LoopIndex,
    ModuleRef,
    Sym,
    SymRange,
    Unknown,
    Value,
    fresh_sym,
    named,
)

MAX_LITERAL = 64
"""Characters of a number literal evaluated; a longer one is unknown."""


class _Return(Exception):
    """Unwinds a function body at a top-level ``return``."""


@dataclass
class Frame:
    """One function activation: where its ``return`` values go, and whether it
    turned out to be a generator (a ``yield`` ran)."""

    returns: list[Value] = field(default_factory=list)
    generator: bool = False


class Interpreter:
    """Runs one module; ``keras`` collects the layers, models and calls it makes."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        positions: LazyPositions | None = None,
        project: structure.Project | None = None,
    ) -> None:
        self.path = path
        self.positions = positions or LazyPositions(path, module)
        self.module = module
        self.project = project
        """The other modules of the project that imports may name."""
        self.classes: list[ClassValue] = []
        self.instances: dict[cst.ClassDef, list[InstanceValue]] = {}
        self.sites: dict[cst.CSTNode, Span] = {}
        """Calls whose layers are reported elsewhere: where forwarded arguments came from."""
        self.keras = KerasModels(self)
        self.unit: Unit = None
        """Where the code being run stands: a function, or a top-level statement."""
        self.line: cst.SimpleStatementLine | None = None
        """The statement line being run, when the code being run is one."""
        self.loops: list[LoopFrame] = []
        self.uncertain = 0
        self.frames: list[Frame] = []
        self.frame_uncertainty: list[int] = []
        self.called: set[cst.FunctionDef] = set()
        self.defined: list[FunctionValue] = []
        self.active: list[cst.FunctionDef] = []
        self.budget = Budget()
        self._next_id = 0
        self._assigned: dict[int, list[str]] = {}

    # -- entry point -------------------------------------------------------

    def run(self) -> None:
        self.run_top_level()
        structure.run_unseen_methods(self)
        for function in self.defined:
            if function.node not in self.called:
                self.call_function(function, [], {}, unknown_params=True)

    def run_top_level(self) -> Scope:
        """The module's top-level statements; its names (what other modules import)."""
        scope = Scope()
        for index, statement in enumerate(self.module.body):
            self.unit = index
            self.exec_statement(statement, scope)
        return scope

    # -- what Keras semantics asks (``keras_models.Host``) -------------------

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def span(self, node: cst.CSTNode) -> Span:
        site = self.sites.get(node)
        if site is not None:
            return site
        return self.positions.span(node, self.unit, self.line)

    def record_args(self, raw: Sequence[RawArg]) -> tuple[Arg, ...]:
        return tuple(Arg(item.keyword, plain(item.value), item.span or self.span(item.node)) for item in raw)

    def bind_callbacks(self, callbacks: Value, model: Value) -> None:
        structure.bind_callbacks(self, callbacks, model)

    # -- statements --------------------------------------------------------

    def assigned_names(self, node: cst.CSTNode) -> list[str]:
        """Names a loop body binds or mutates (cached: loops run once per call)."""
        key = id(node)
        if key not in self._assigned:
            self._assigned[key] = assigned_names(node)
        return self._assigned[key]

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
            function = FunctionValue(statement, scope, self.positions)
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
            name = append_target(small.value)
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
            op = augmented_op(small.operator)
            left = self.eval(small.target, scope)
            right = self.eval(small.value, scope)
            self.assign(small.target, operators.binary(op, left, right) if op else UNKNOWN, scope)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.exec_import(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else None
            if self.frames:
                self.frames[-1].returns.append(value)
                if self.uncertain == self.frame_uncertainty[-1]:
                    raise _Return()
        elif isinstance(small, cst.Del):
            for name in target_names(small.target):
                scope.names[name] = UNKNOWN

    def exec_import(self, small: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        """Imports bind qualified names; the project's own modules (``structure``)
        bind what those modules define."""
        if isinstance(small, cst.Import):
            for alias in small.names:
                qualname = dotted_name(alias.name)
                self.keras.note_import(qualname)
                if alias.asname is not None:
                    self.assign(alias.asname.name, structure.import_module(self, qualname, 0), scope)
                else:
                    top = qualname.split(".")[0]
                    scope.names[top] = structure.import_module(self, top, 0)
            return
        base = dotted_name(small.module) if small.module is not None else ""
        level = len(small.relative)
        if not level:
            self.keras.note_import(base)
        if isinstance(small.names, cst.ImportStar):
            scope.names.update(structure.star_names(self, base, level))
            return
        for alias in small.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            self.assign(target, structure.import_name(self, base, level, dotted_name(alias.name)), scope)

    def exec_if(self, statement: cst.If, scope: Scope) -> None:
        """An ``if/elif/else`` chain as one set of branches, walked in a loop: a
        chain of hundreds of ``elif`` must not exhaust the recursion limit."""
        branches: list[Sequence[cst.CSTNode]] = []
        uncertain = self.uncertain
        node: cst.If | None = statement
        while node is not None:
            test = self.eval(node.test, scope)
            if test is not False:
                branches.append(node.body.body)
            if test is True:
                break
            if not isinstance(test, bool):
                self.uncertain = uncertain + 1  # later tests run only if this one was false
            orelse, node = node.orelse, None
            if isinstance(orelse, cst.If):
                node = orelse
            else:
                branches.append(orelse.body.body if isinstance(orelse, cst.Else) else ())
        self.uncertain = uncertain
        if len(branches) == 1:
            self.exec_block(branches[0], scope)
        else:
            self.exec_branches(branches, scope, include_fallthrough=False)

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
            merged[name] = values[0] if all(same(values[0], value) for value in values) else UNKNOWN
        scope.names = merged

    def exec_loop(self, statement: cst.For | cst.While, scope: Scope) -> None:
        iterable = self.eval(statement.iter if isinstance(statement, cst.For) else statement.test, scope)
        changed = set(self.assigned_names(statement.body))
        if isinstance(statement, cst.For):
            changed.update(target_names(statement.target))
        collected = self.collected_lists(statement, iterable, scope)
        for name in changed:
            scope.names[name] = UNKNOWN
        if isinstance(statement, cst.For) and isinstance(statement.target, cst.Name) and is_range(iterable):
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

    def collected_lists(self, statement: cst.For | cst.While, iterable: Value, scope: Scope) -> dict[str, int | Sym]:
        """Empty lists that a ``for`` loop over a range fills with one
        ``append`` per turn (windowing code), with the number of turns (a
        symbol when the range's bounds are not known)."""
        if not isinstance(statement, cst.For) or not is_range(iterable):
            return {}
        collected: dict[str, int | Sym] = {}
        for name in unconditional_appends(statement.body.body):
            if scope.lookup(name) == () and self.assigned_names(statement.body).count(name) == 1:
                collected[name] = len(iterable) if isinstance(iterable, range) else fresh_sym()
        return collected

    # -- assignment --------------------------------------------------------

    def assign(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            value = named(value, target.value)
            scope.names[target.value] = value
            self.keras.name(value, target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(element, cst.StarredElement) for element in elements)
            known = isinstance(value, tuple) and len(value) == len(elements) and not starred
            for index, element in enumerate(elements):
                item = value[index] if known and isinstance(value, tuple) else UNKNOWN
                self.assign(element.value, item, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope)
            if isinstance(owner, InstanceValue):
                structure.set_attribute(self, owner, target.attr.value, value)
            else:
                self.keras.set_attribute(owner, target.attr.value, value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            if isinstance(scope.lookup(target.value.value), Forwarded):  # kwargs["stateful"] = True
                scope.names[target.value.value] = UNKNOWN

    # -- expressions -------------------------------------------------------

    def eval(self, node: cst.BaseExpression | None, scope: Scope) -> Value:
        if node is None:
            return None
        self.budget.spend()  # bounded work per file (extract.budget)
        method = getattr(self, f"eval_{type(node).__name__}", None)
        if method is None:
            return UNKNOWN
        return method(node, scope)

    def eval_Integer(self, node: cst.Integer, scope: Scope) -> Value:
        if len(node.value) > MAX_LITERAL:  # beyond the evaluator's bounds; int() would refuse 4,300+ digits
            return UNKNOWN
        return operators.bounded(node.evaluated_value)

    def eval_Float(self, node: cst.Float, scope: Scope) -> Value:
        if len(node.value) > MAX_LITERAL:
            return UNKNOWN
        return operators.bounded(node.evaluated_value)

    def eval_SimpleString(self, node: cst.SimpleString, scope: Scope) -> Value:
        value = node.evaluated_value
        return operators.bounded(value) if isinstance(value, str) else UNKNOWN

    def eval_ConcatenatedString(self, node: cst.ConcatenatedString, scope: Scope) -> Value:
        value = node.evaluated_value
        return operators.bounded(value) if isinstance(value, str) else UNKNOWN

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
        return operators.bounded(tuple(items))

    eval_List = eval_Tuple

    def eval_BinaryOperation(self, node: cst.BinaryOperation, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        op = BINARY_OPS.get(type(node.operator))
        if op is None:
            return UNKNOWN
        return operators.binary(op, left, right)

    def eval_UnaryOperation(self, node: cst.UnaryOperation, scope: Scope) -> Value:
        op = UNARY_OPS.get(type(node.operator), "?")
        return operators.unary(op, self.eval(node.expression, scope))

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
        op = COMPARE_OPS.get(type(comparison.operator))
        return operators.compare(op, left, right) if op else UNKNOWN

    def eval_IfExp(self, node: cst.IfExp, scope: Scope) -> Value:
        test = self.eval(node.test, scope)
        body = self.eval(node.body, scope)
        orelse = self.eval(node.orelse, scope)
        if isinstance(test, bool):
            return body if test else orelse
        return body if same(body, orelse) else UNKNOWN

    def eval_Yield(self, node: cst.Yield, scope: Scope) -> Value:
        if self.frames:
            self.frames[-1].generator = True
        return UNKNOWN

    def eval_ListComp(self, node: cst.ListComp, scope: Scope) -> Value:
        """``[data[i:i + n] for i in range(...)]``, windowing code written as a
        comprehension: as many copies of one element as the range has turns
        (a symbol when they are not known, or when a condition drops some).
        The element is evaluated once, in a scope of its own, with the loop
        variable an index; nested loops, or an element that is not known, are unknown."""
        loop = node.for_in
        iterable = self.eval(loop.iter, scope)
        if loop.inner_for_in is not None or loop.asynchronous is not None:
            return UNKNOWN
        inner = Scope(scope)
        self.assign(loop.target, UNKNOWN, inner)
        if isinstance(loop.target, cst.Name) and is_range(iterable):
            inner.names[loop.target.value] = LoopIndex()
        self.uncertain += 1  # as in a loop body: it may run any number of times
        try:
            for condition in loop.ifs:
                self.eval(condition.test, inner)
            element = self.eval(node.elt, inner)
        finally:
            self.uncertain -= 1
        if isinstance(element, (Unknown, LoopIndex)):  # the indices themselves: no shape to keep
            return UNKNOWN
        length = len(iterable) if isinstance(iterable, range) and not loop.ifs else fresh_sym()
        return ListValue(length, element)

    def eval_NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> Value:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def eval_Attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        name = node.attr.value
        if isinstance(owner, ModuleRef):
            return ModuleRef(f"{owner.qualname}.{name}")
        if isinstance(owner, (InstanceValue, ClassValue, ModuleValue)):
            return structure.attribute(self, owner, name)
        value = self.keras.attribute(owner, name)
        return operators.attribute(owner, name) if value is NOT_KERAS else value

    def eval_Subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        indices = tuple(self.eval_slice(element.slice, scope) for element in node.slice)
        index = indices[0] if len(indices) == 1 else indices
        value = self.keras.subscript(owner, index)
        return operators.subscript(owner, index) if value is NOT_KERAS else value

    def eval_slice(self, item: cst.BaseSlice, scope: Scope) -> Value:
        if isinstance(item, cst.Index):
            value = self.eval(item.value, scope)
            return Ellipsis if isinstance(item.value, cst.Ellipsis) else value
        assert isinstance(item, cst.Slice)
        parts = [self.eval(part, scope) for part in (item.lower, item.upper, item.step)]
        return slice(*parts)  # unknown bounds still keep the other axes

    def eval_Lambda(self, node: cst.Lambda, scope: Scope) -> Value:
        return LambdaValue(node, scope, self.positions)

    def eval_Call(self, node: cst.Call, scope: Scope) -> Value:
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, scope)
            name = func.attr.value
            if isinstance(receiver, ModuleRef):
                return self.call_qualname(f"{receiver.qualname}.{name}", node, scope)
            if isinstance(receiver, Unknown):
                receiver = structure.model_parameter(self, func.value, name, scope)
            args, kwargs, raw = self.eval_args(node, scope)
            if isinstance(receiver, Forwarded):
                return structure.forwarded_method(self, func.value, receiver, name, args, scope)
            if isinstance(receiver, (InstanceValue, ClassValue, ModuleValue)):
                callee = structure.attribute(self, receiver, name)
                return self.call_value(callee, args, kwargs, raw, node)
            return self.call_method(receiver, name, args, kwargs, raw, node)
        callee = self.eval(func, scope)
        if isinstance(callee, ModuleRef):
            return self.call_qualname(callee.qualname, node, scope)
        args, kwargs, raw = self.eval_args(node, scope)
        return self.call_value(callee, args, kwargs, raw, node)

    def call_value(
        self, callee: Value, args: list[Value], kwargs: dict[str, Value], raw: tuple[RawArg, ...], node: cst.Call
    ) -> Value:
        """A call of a value the program holds: a function, class, method, partial, layer or model."""
        if isinstance(callee, ModuleRef):
            return self.call_qualname_with(callee.qualname, args, kwargs, raw, node)
        if isinstance(callee, Partial):
            return self.call_value(callee.func, *structure.merge_partial(callee, args, kwargs, raw), node)
        if isinstance(callee, FunctionValue):
            return self.call_function(callee, args, kwargs, raw=raw, node=node)
        if isinstance(callee, BoundMethod):
            return self.call_function(callee.function, [callee.instance, *args], kwargs, raw=raw, node=node)
        if isinstance(callee, LambdaValue):
            return structure.call_lambda(self, callee, args, kwargs)
        if isinstance(callee, ClassValue):
            instance = self.keras.instantiate(callee, args, kwargs, node)
            if instance is NOT_KERAS:
                return structure.instantiate(self, callee, args, kwargs, raw, node)
            return instance
        result = self.keras.call_object(callee, args, kwargs, node)
        if result is not NOT_KERAS:
            return result
        self.keras.note_opaque_call(args, kwargs)
        return UNKNOWN

    def eval_args(self, node: cst.Call, scope: Scope) -> tuple[list[Value], dict[str, Value], tuple[RawArg, ...]]:
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        raw: list[RawArg] = []
        self.sites.pop(node, None)  # set again below if this call hands on forwarded arguments
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if isinstance(value, Forwarded) and arg.star:
                structure.expand_forwarded(self, value, arg, node, args, kwargs, raw)
            elif arg.star == "*":
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
        args, kwargs, raw = self.eval_args(node, scope)
        return self.call_qualname_with(qualname, args, kwargs, raw, node)

    def call_qualname_with(
        self, qualname: str, args: list[Value], kwargs: dict[str, Value], raw: tuple[RawArg, ...], node: cst.Call
    ) -> Value:
        result = self.keras.call(qualname, args, kwargs, raw, node)
        if result is not NOT_KERAS:
            return result
        result = structure.call_python(self, canonical(qualname), args, kwargs, raw)
        if result is not NOT_KERAS:
            return result
        result = library.call_library(canonical(qualname), args, kwargs)
        if isinstance(result, Unknown):
            self.keras.note_opaque_call(args, kwargs)
        return result

    def call_method(
        self,
        receiver: Value,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        raw: tuple[RawArg, ...],
        node: cst.Call,
    ) -> Value:
        result = self.keras.call_method(receiver, name, args, kwargs, raw, node)
        if result is not NOT_KERAS:
            return result
        if isinstance(receiver, (ClassValue, FunctionValue)):
            return UNKNOWN
        if isinstance(receiver, tuple) and name in ("append", "extend"):
            return None
        if not isinstance(receiver, (ArrayValue, DatasetValue, FrameValue, LibraryObject)):
            self.keras.note_opaque_call(args, kwargs)
        return library.method(receiver, name, args, kwargs)

    def call_function(
        self,
        function: FunctionValue,
        args: list[Value],
        kwargs: dict[str, Value],
        *,
        unknown_params: bool = False,
        raw: tuple[RawArg, ...] = (),
        node: cst.Call | None = None,
    ) -> Value:
        """``unknown_params``: parameters not given are unknown (the function
        is run for its own sake, not from a call); ``raw`` and ``node``: the
        call, whose arguments ``*args``/``**kwargs`` hand on as written."""
        definition = function.node
        if definition in self.active or len(self.active) >= MAX_CALL_DEPTH:
            return UNKNOWN
        if self.budget.call(definition):  # this helper ran often enough: its result is unknown
            self.keras.note_opaque_call(args, kwargs)
            return UNKNOWN
        self.called.add(definition)
        scope = Scope(function.scope)
        self.bind_params(definition.params, args, kwargs, scope, unknown_params)
        structure.bind_stars(self, function, args, kwargs, raw, node, scope, unknown_params)
        frame = Frame()
        outer_unit, self.unit = self.unit, definition
        outer_line, self.line = self.line, None
        outer_positions = self.positions
        self.positions = function.home or self.positions
        self.frames.append(frame)
        self.frame_uncertainty.append(self.uncertain)
        self.active.append(definition)
        try:
            self.exec_block(function_body(definition), scope)
        except _Return:
            pass
        finally:
            self.frames.pop()
            self.frame_uncertainty.pop()
            self.active.pop()
            self.unit = outer_unit
            self.line = outer_line
            self.positions = outer_positions
        if frame.generator:
            return DatasetValue(shuffled=False, description="generator")
        if not frame.returns:
            return None
        first = frame.returns[0]
        return first if all(same(first, value) for value in frame.returns) else UNKNOWN

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
            value: Value
            if index < len(args):
                value = args[index]
            elif unknown_params:
                value = UNKNOWN
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

    # -- classes -------------------------------------------------------------

    def make_class(self, node: cst.ClassDef, scope: Scope) -> ClassValue:
        """A class: its bases' qualified names, and its methods and class
        attributes with those it inherits from user classes."""
        bases: list[str] = []
        methods: dict[str, FunctionValue] = {}
        constants: dict[str, Value] = {}
        for base in node.bases:
            value = self.eval(base.value, scope)
            if isinstance(value, ModuleRef):
                bases.append(canonical(value.qualname))
            elif isinstance(value, ClassValue):
                bases.extend(value.bases)
                methods.update(value.methods)
                constants.update(value.constants)
        body = Scope(scope)
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                function = FunctionValue(statement, scope, self.positions)
                methods[statement.name.value] = function
                self.defined.append(function)
            elif isinstance(statement, cst.SimpleStatementLine):
                self.exec_statement(statement, body)
        constants.update(body.names)
        cls = ClassValue(node, tuple(bases), tuple(methods.items()), tuple(constants.items()))
        self.classes.append(cls)
        return cls


def is_range(value: Value) -> bool:
    """A ``range``, its bounds known or not: the loop variable is an index."""
    return isinstance(value, (range, SymRange))
