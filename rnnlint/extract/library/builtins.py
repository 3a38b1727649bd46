"""Python's builtins on abstract values: ``len``, ``int``, ``range``, ``min``..."""

from __future__ import annotations

from functools import partial

from rnnlint.extract.library.base import Handler
from rnnlint.extract.operators import bounded, range_length
from rnnlint.values import UNKNOWN, ArrayValue, FrameValue, ListValue, SymRange, Value, fresh_sym, is_int, is_known

_NUMBER = (int, float)
_MANY_ARGUMENTS = ("builtins.min", "builtins.max", "builtins.round", "builtins.range")


def _call(qualname: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if kwargs or not args or (len(args) != 1 and qualname not in _MANY_ARGUMENTS):
        return UNKNOWN
    if qualname == "builtins.len":
        return _length(args[0])
    if qualname == "builtins.range" and args and not all(is_int(arg) for arg in args):
        return SymRange(fresh_sym())  # still a range of indices, of unknown length
    if not all(is_known(arg) for arg in args):
        return UNKNOWN
    try:
        if qualname == "builtins.int" and isinstance(args[0], _NUMBER):
            return bounded(int(args[0]))
        if qualname == "builtins.float" and isinstance(args[0], _NUMBER):
            return bounded(float(args[0]))
        if qualname in ("builtins.tuple", "builtins.list") and isinstance(args[0], tuple):
            return args[0]
        if qualname in ("builtins.min", "builtins.max") and all(isinstance(a, _NUMBER) for a in args):
            return (min if qualname == "builtins.min" else max)(args)  # type: ignore[type-var]
        if qualname == "builtins.round" and isinstance(args[0], _NUMBER):
            return bounded(round(*args))  # type: ignore[arg-type]
        if qualname == "builtins.abs" and isinstance(args[0], _NUMBER):
            return abs(args[0])
        if qualname == "builtins.range" and all(is_int(arg) for arg in args):
            return range(*args)  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        return UNKNOWN
    return UNKNOWN


def _length(value: Value) -> Value:
    if isinstance(value, range):
        return range_length(value)
    if isinstance(value, (tuple, str)):
        return len(value)
    if isinstance(value, ArrayValue):
        return value.sample_dim
    if isinstance(value, FrameValue):
        return value.rows
    if isinstance(value, ListValue):
        return value.length
    return UNKNOWN


NAMES = ("len", "int", "float", "range", "min", "max", "round", "abs", "tuple", "list")
"""The builtins the interpreter knows; any other name a module does not bind is unknown."""

MODELS: dict[str, Handler] = {f"builtins.{name}": partial(_call, f"builtins.{name}") for name in NAMES}
