"""The interpreter's own objects: scopes, user functions and classes, loops.

They hold CST nodes, so they never reach the IR (``plain`` turns them into
``UNKNOWN`` there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from rnnlint.extract.library.builtins import NAMES as BUILTIN_NAMES
from rnnlint.positions import Unit
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
    """A user function: its definition and the scope it was defined in."""

    node: cst.FunctionDef
    scope: Scope


@dataclass(frozen=True)
class ClassValue(InterpreterObject):
    """A user class, with its bases' qualified names and its methods."""

    node: cst.ClassDef
    bases: tuple[str, ...]
    methods: tuple[tuple[str, FunctionValue], ...]

    def method(self, name: str) -> FunctionValue | None:
        return dict(self.methods).get(name)


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


def plain(value: object) -> Value:
    """A value fit for the IR: the interpreter's own (a user function or
    class, which hold CST nodes) are unknown there, so that the IR stays
    free of the CST, small in the cache, and linkable across modules."""
    if isinstance(value, (FunctionValue, ClassValue)):
        return UNKNOWN
    if type(value) is tuple:
        return tuple(plain(item) for item in value)
    if isinstance(value, ListValue):
        return ListValue(value.length, plain(value.element))
    return cast(Value, value)
