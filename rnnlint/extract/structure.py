"""Program structure for the interpreter: instances of user classes, Keras
callbacks, arguments forwarded through ``*args``/``**kwargs`` and
``functools.partial``, lambdas, star imports, and the project's other modules.

These are plain Python semantics; what they hand to Keras still goes through
``KerasModels``. The interpreter calls the functions below at the few places
where program structure decides what a value is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import libcst as cst

from rnnlint.extract.budget import MAX_CALL_DEPTH
from rnnlint.extract.exports import star_exports
from rnnlint.extract.keras_models import NOT_KERAS
from rnnlint.extract.objects import (
    BoundMethod,
    ClassValue,
    Forwarded,
    FunctionValue,
    InstanceValue,
    LambdaValue,
    ModuleValue,
    Partial,
    RawArg,
    Scope,
)
from rnnlint.extract.operators import same
from rnnlint.kerasnames import canonical
from rnnlint.values import UNKNOWN, LayerRef, LayersOf, ModelRef, ModuleRef, TensorValue, Unknown, Value

if TYPE_CHECKING:
    from rnnlint.extract.interpreter import Interpreter

CALLBACK_BASES = frozenset({"keras.callbacks.Callback", "keras.callbacks.callbacks.Callback"})
MODEL_ONLY_METHODS = frozenset({"fit", "fit_generator", "compile", "train_on_batch"})
"""Methods that only a model has: a parameter they are called on is a model."""


class Project(Protocol):
    """The project's modules, as the linker finds and summarises them."""

    def resolve(self, importer: str, name: str, level: int) -> str | None:
        """The path of module ``name`` imported from ``importer`` (``level`` dots), if in the project."""

    def scope_of(self, path: str) -> Scope | None:
        """The top-level names of the module at ``path``; None while it is being read (a cycle)."""


# -- classes and instances ---------------------------------------------------


def is_callback(cls: ClassValue) -> bool:
    return any(base in CALLBACK_BASES for base in cls.bases)


def instantiate(
    interp: Interpreter,
    cls: ClassValue,
    args: list[Value],
    kwargs: dict[str, Value],
    raw: tuple[RawArg, ...],
    node: cst.Call,
) -> InstanceValue:
    """``Cls(...)`` for a user class: a new instance, its ``__init__`` run on it."""
    instance = InstanceValue(cls)
    interp.instances.setdefault(cls.node, []).append(instance)
    init = cls.method("__init__")
    if init is not None:
        interp.call_function(init, [instance, *args], kwargs, raw=raw, node=node)
    return instance


def attribute(interp: Interpreter, owner: InstanceValue | ClassValue | ModuleValue, name: str) -> Value:
    """``owner.name``: an attribute set by a method, a method, a class attribute, a module's name."""
    if isinstance(owner, ModuleValue):
        if owner.scope is not None and name in owner.scope.names:
            return owner.scope.names[name]
        return import_module(interp, f"{owner.name}.{name}", 0, only_project=True)
    cls = owner.cls if isinstance(owner, InstanceValue) else owner
    if isinstance(owner, InstanceValue) and name in owner.attrs:
        return owner.attrs[name]
    method = cls.method(name)
    if method is not None:
        if isinstance(owner, InstanceValue) and _decorator(method) is None:
            return BoundMethod(method, owner)
        return method
    return cls.constant(name)


def set_attribute(interp: Interpreter, instance: InstanceValue, name: str, value: Value) -> None:
    """``self.name = value``; in a branch or loop, a second different value makes it unknown."""

    if interp.uncertain and name in instance.attrs and not same(instance.attrs[name], value):
        value = UNKNOWN
    instance.attrs[name] = value


def _decorator(function: FunctionValue) -> str | None:
    for decorator in function.node.decorators:
        if isinstance(decorator.decorator, cst.Name) and decorator.decorator.value in ("staticmethod", "classmethod"):
            return decorator.decorator.value
    return None


def run_unseen_methods(interp: Interpreter) -> None:
    """Methods the program never calls, each run once on an instance as
    ``__init__`` leaves it (attributes other methods set stay unknown). A
    callback's ``self.model`` is a model of unknown structure when no
    ``fit`` gave it one."""
    from rnnlint.extract.keras_models import model_kind

    for cls in interp.classes:
        if model_kind(cls) is not None:
            continue
        unseen = [f for name, f in cls.methods if name != "__init__" and f.node not in interp.called]
        if not unseen:
            continue
        instances = interp.instances.get(cls.node)
        base = instances[0].copy() if instances else InstanceValue(cls)
        if is_callback(cls) and isinstance(base.attrs.get("model", UNKNOWN), Unknown):
            base.attrs["model"] = interp.keras.opaque_model(interp.span(cls.node.name), "self.model")
        init = cls.method("__init__")
        if not instances and init is not None:
            interp.call_function(init, [base], {}, unknown_params=True)
        for function in unseen:
            if function.node in interp.called:
                continue
            decorator = _decorator(function)
            first: list[Value] = [] if decorator == "staticmethod" else [cls if decorator else base.copy()]
            interp.call_function(function, first, {}, unknown_params=True)


# -- callbacks -----------------------------------------------------------------


def bind_callbacks(interp: Interpreter, callbacks: Value, model: Value) -> None:
    """``fit(..., callbacks=[...])``: each user callback's ``self.model`` is
    ``model``, and its ``on_*`` methods run there (inside fit's loops)."""
    items = callbacks if isinstance(callbacks, tuple) else (callbacks,)
    for item in items:
        if isinstance(item, InstanceValue) and is_callback(item.cls):
            item.attrs["model"] = model
            for name, function in item.cls.methods:
                if name.startswith("on_"):
                    interp.call_function(function, [item], {}, unknown_params=True)


def call_lambda(interp: Interpreter, function: LambdaValue, args: list[Value], kwargs: dict[str, Value]) -> Value:

    if len(interp.active) >= MAX_CALL_DEPTH:
        return UNKNOWN
    scope = Scope(function.scope)
    params = function.node.params
    interp.bind_params(params, args, kwargs, scope, unknown_params=True)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            scope.names[star.name.value] = Forwarded((), opaque=True)
    outer, interp.positions = interp.positions, function.home or interp.positions
    try:
        return interp.eval(function.node.body, scope)
    finally:
        interp.positions = outer


def call_python(
    interp: Interpreter, name: str, args: list[Value], kwargs: dict[str, Value], raw: tuple[RawArg, ...]
) -> Value:
    """``functools.partial`` and ``LambdaCallback``; NOT_KERAS for any other name."""
    if name == "functools.partial" and args:
        return Partial(args[0], tuple(_resolved(interp, item) for item in raw[1:]))
    if name == "keras.callbacks.LambdaCallback":
        for value in kwargs.values():  # run when fit runs the callback: what they reset counts there
            if isinstance(value, LambdaValue):
                call_lambda(interp, value, [], {})
            elif isinstance(value, FunctionValue):
                interp.call_function(value, [], {}, unknown_params=True)
        return UNKNOWN
    return NOT_KERAS


# -- forwarding ------------------------------------------------------------------


def _resolved(interp: Interpreter, item: RawArg, site: cst.CSTNode | None = None) -> RawArg:
    """An argument with its span fixed where it is written (it is handed on elsewhere)."""
    return RawArg(item.keyword, item.value, item.node, item.span or interp.span(item.node))


def bind_stars(
    interp: Interpreter,
    function: FunctionValue,
    args: list[Value],
    kwargs: dict[str, Value],
    raw: tuple[RawArg, ...],
    node: cst.Call | None,
    scope: Scope,
    unknown_params: bool,
) -> None:
    """``*args``/``**kwargs`` bound to what the call gave, as written there."""
    params = function.node.params
    positional = [*params.posonly_params, *params.params]
    if isinstance(params.star_arg, cst.Param) or isinstance(params.star_kwarg, cst.Param):
        site = interp.span(node) if node is not None else None
        named = {param.name.value for param in [*positional, *params.kwonly_params]}
        given: list[RawArg | None] = [item for item in raw if item.keyword in (None, "*")]
        padding: list[RawArg | None] = [None] * (len(args) - len(given))  # ``self``, given by no argument
        aligned = padding + given
        if isinstance(params.star_arg, cst.Param):
            extra = aligned[len(positional) :]
            opaque = unknown_params or "*" in kwargs or any(item is None for item in extra)
            items = tuple(_resolved(interp, item) for item in extra if item is not None and item.keyword is None)
            scope.names[params.star_arg.name.value] = Forwarded(items, opaque, site)
        if isinstance(params.star_kwarg, cst.Param):
            keywords = [item for item in raw if item.keyword not in (None, "*", "**") and item.keyword not in named]
            loose = {key for key in kwargs if key not in named and key not in ("*", "**")}
            opaque = unknown_params or "**" in kwargs or len(keywords) != len(loose)
            items = tuple(_resolved(interp, item) for item in keywords)
            scope.names[params.star_kwarg.name.value] = Forwarded(items, opaque, site)


def expand_forwarded(
    interp: Interpreter,
    value: Forwarded,
    arg: cst.Arg,
    node: cst.Call,
    args: list[Value],
    kwargs: dict[str, Value],
    raw: list[RawArg],
) -> None:
    """``f(*args)``/``f(**kwargs)`` of forwarded arguments: handed on as the
    original call wrote them; the call is then reported at that call."""
    for item in value.items:
        if item.keyword is None:
            args.append(item.value)
        else:
            kwargs[item.keyword] = item.value
        raw.append(item)
    if value.opaque:
        star = "*" if arg.star == "*" else "**"
        if star == "*":
            args.append(UNKNOWN)
        kwargs[star] = UNKNOWN
        raw.append(RawArg(star, UNKNOWN, arg))
    if value.site is not None:
        interp.sites[node] = value.site


def forwarded_method(
    interp: Interpreter, target: cst.BaseExpression, value: Forwarded, name: str, args: list[Value], scope: Scope
) -> Value:
    """``kwargs.get(...)``/``kwargs.pop(...)``; anything else makes ``kwargs`` unknown."""
    if name in ("get", "pop") and args and isinstance(args[0], str):
        found = [item for item in value.items if item.keyword == args[0]]
        if found:
            result = found[0].value
        elif value.opaque:
            result = UNKNOWN
        else:
            result = args[1] if len(args) > 1 else None
        if name == "pop" and isinstance(target, cst.Name):
            rest = tuple(item for item in value.items if item.keyword != args[0])
            scope.names[target.value] = Forwarded(rest, value.opaque, value.site)
        return result
    if isinstance(target, cst.Name):
        scope.names[target.value] = UNKNOWN
    return UNKNOWN


def merge_partial(
    partial: Partial, args: list[Value], kwargs: dict[str, Value], raw: tuple[RawArg, ...]
) -> tuple[list[Value], dict[str, Value], tuple[RawArg, ...]]:
    """A partial's arguments, then the call's (whose keywords win)."""
    fixed_args = [item.value for item in partial.items if item.keyword is None]
    fixed_kwargs = {item.keyword: item.value for item in partial.items if item.keyword is not None}
    overridden = set(kwargs)
    kept = tuple(item for item in partial.items if item.keyword is None or item.keyword not in overridden)
    return [*fixed_args, *args], {**fixed_kwargs, **kwargs}, kept + raw


def model_parameter(interp: Interpreter, receiver: cst.BaseExpression, method: str, scope: Scope) -> Value:
    """``net.fit(...)`` on a parameter of unknown value: ``net`` is a model
    of unknown structure from here on (only models have these methods)."""
    if method not in MODEL_ONLY_METHODS or not isinstance(receiver, cst.Name) or not interp.active:
        return UNKNOWN
    params = interp.active[-1].params
    names = {param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)}
    name = receiver.value
    if name == "self" or name not in names or name not in scope.names:
        return UNKNOWN
    model = interp.keras.opaque_model(interp.span(receiver), name)
    scope.names[name] = model
    return model


# -- imports ---------------------------------------------------------------------


def import_module(interp: Interpreter, qualname: str, level: int, *, only_project: bool = False) -> Value:
    """``import a.b``: a module of the project by its names, else a qualified name."""
    project = interp.project
    if project is not None:
        path = project.resolve(interp.path, qualname, level)
        if path is not None:
            return ModuleValue(qualname, project.scope_of(path))
    if only_project or level:
        return UNKNOWN
    return ModuleRef(qualname)


def import_name(interp: Interpreter, base: str, level: int, name: str) -> Value:
    """``from base import name``: the name a project module defines, a
    submodule, or a qualified name."""
    module = import_module(interp, base, level, only_project=True) if base or level else UNKNOWN
    if isinstance(module, ModuleValue):
        if module.scope is not None and name in module.scope.names:
            return module.scope.names[name]
        qualname = f"{base}.{name}" if base else name
        return import_module(interp, qualname, level, only_project=True)
    if level:
        return UNKNOWN
    return ModuleRef(f"{base}.{name}")


def star_names(interp: Interpreter, base: str, level: int) -> dict[str, Value]:
    """``from base import *``: a project module's public names, or a Keras module's exports."""
    module = import_module(interp, base, level, only_project=True)
    if isinstance(module, ModuleValue):
        names = module.scope.names if module.scope is not None else {}
        return {key: value for key, value in names.items() if not key.startswith("_")}
    if level:
        return {}
    return {name: ModuleRef(f"{base}.{name}") for name in star_exports(canonical(base))}


def exported(value: Value) -> Value:
    """A top-level value as another module sees it: Keras objects belong to
    the interpreter that made them, so they become unknown."""
    if isinstance(value, (ModelRef, LayerRef, LayersOf, TensorValue)):
        return UNKNOWN
    if type(value) is tuple:
        return tuple(exported(item) for item in value)
    if isinstance(value, InstanceValue):
        return InstanceValue(value.cls, {key: exported(item) for key, item in value.attrs.items()})
    return value
