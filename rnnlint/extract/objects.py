"""The interpreter's own objects: scopes, user functions and classes, loops.

They hold CST nodes, so they never reach the IR (``plain`` turns them into
``UNKNOWN`` there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from rnnlint.extract.library.builtins import NAMES as BUILTIN_NAMES
from rnnlint.ir import Span
from rnnlint.positions import LazyPositions, Unit
from rnnlint.values import UNKNOWN, InterpreterObject, ListValue, ModuleRef, Value


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
        if name in BUILTIN_NAMES:
            return ModuleRef(f"builtins.{name}")
        return UNKNOWN

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@dataclass(frozen=True)
class FunctionValue(InterpreterObject):
    """A user function: its definition and the scope it was defined in
    (``home``: the positions of another module of the project it comes from)."""

    node: cst.FunctionDef
    scope: Scope
    home: LazyPositions | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LambdaValue(InterpreterObject):
    """A ``lambda``: its expression and the scope it was written in."""

    node: cst.Lambda
    scope: Scope
    home: LazyPositions | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ClassValue(InterpreterObject):
    """A user class, with its bases' qualified names and its methods."""

    node: cst.ClassDef
    bases: tuple[str, ...]
    methods: tuple[tuple[str, FunctionValue], ...]
    constants: tuple[tuple[str, Value], ...] = ()
    """Names the class body binds by assignment (class attributes)."""

    def method(self, name: str) -> FunctionValue | None:
        return dict(self.methods).get(name)

    def constant(self, name: str) -> Value:
        return dict(self.constants).get(name, UNKNOWN)


class InstanceValue(InterpreterObject):
    """An instance of a user class: its attributes, set by its methods as
    the program calls them (compared by identity, like the object)."""

    def __init__(self, cls: ClassValue, attrs: dict[str, Value] | None = None) -> None:
        self.cls = cls
        self.attrs: dict[str, Value] = dict(attrs or {})

    def copy(self) -> InstanceValue:
        return InstanceValue(self.cls, self.attrs)


@dataclass(frozen=True)
class BoundMethod(InterpreterObject):
    """``instance.method`` looked up but not yet called."""

    function: FunctionValue
    instance: InstanceValue


@dataclass(frozen=True)
class Forwarded(InterpreterObject):
    """What a call gave to a function's ``*args`` or ``**kwargs``, kept with
    the call's own arguments so that ``f(*args, **kwargs)`` hands them on as
    written; ``opaque``: more may arrive through an unknown ``*``/``**``."""

    items: tuple[RawArg, ...]
    opaque: bool
    site: Span | None = None
    """The call that gave them: a layer made from them is reported there."""


@dataclass(frozen=True)
class Partial(InterpreterObject):
    """``functools.partial(func, *args, **kwargs)``."""

    func: Value
    items: tuple[RawArg, ...]


class ModuleValue(InterpreterObject):
    """Another module of the project, by its top-level names."""

    def __init__(self, name: str, scope: Scope | None) -> None:
        self.name = name
        self.scope = scope


@dataclass
class LoopFrame:
    """A loop being run: whether something in it resets states, and the lists
    its turns fill with ``append`` (windowing code)."""

    node: cst.For | cst.While
    unit: Unit
    resets_states: bool = False
    appends: dict[str, list[Value]] = field(default_factory=dict)


@dataclass(frozen=True)
class RawArg:
    """An argument evaluated at a call; its span is resolved only if recorded."""

    keyword: str | None
    value: Value
    node: cst.Arg
    span: Span | None = None
    """Resolved where the argument was written, when handed on to another call."""


INTERPRETER_OBJECTS = (
    FunctionValue,
    LambdaValue,
    ClassValue,
    InstanceValue,
    BoundMethod,
    Forwarded,
    Partial,
    ModuleValue,
)


def plain(value: object) -> Value:
    """A value fit for the IR: the interpreter's own (a user function or
    class, which hold CST nodes) are unknown there, so that the IR stays
    free of the CST, small in the cache, and linkable across modules."""
    if isinstance(value, INTERPRETER_OBJECTS):
        return UNKNOWN
    if type(value) is tuple:
        return tuple(plain(item) for item in value)
    if isinstance(value, ListValue):
        return ListValue(value.length, plain(value.element))
    return cast(Value, value)
