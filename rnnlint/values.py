"""Abstract values: what the constant evaluator can know about an expression.

Python literals stand for themselves (tuples for tuples and lists). Everything
else is one of the small frozen classes below, or ``UNKNOWN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Unknown:
    """A value the analysis cannot know. Rules never fire on it."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()

Value = Any
"""An abstract value: a literal, a tuple of values, one of the classes below, or UNKNOWN."""


@dataclass(frozen=True)
class ArrayValue:
    """A numpy array or tensor whose shape is (partly) known.

    ``shape`` is a tuple of ints or UNKNOWN entries, or UNKNOWN when even the
    rank is unknown.
    """

    shape: tuple[Any, ...] | Unknown

    @property
    def rank(self) -> int | Unknown:
        return UNKNOWN if isinstance(self.shape, Unknown) else len(self.shape)

    @property
    def samples(self) -> int | Unknown:
        if isinstance(self.shape, Unknown) or not self.shape:
            return UNKNOWN
        first = self.shape[0]
        return first if is_int(first) else UNKNOWN


@dataclass(frozen=True)
class DatasetValue:
    """A ``tf.data.Dataset`` (or a generator): fit ignores shuffle and batch_size."""

    shuffled: bool
    description: str = "dataset"


@dataclass(frozen=True)
class ModuleRef:
    """An imported module, class or function, by qualified name."""

    qualname: str


@dataclass(frozen=True)
class LayerRef:
    """A layer object (not yet applied to a tensor)."""

    layer_id: int


@dataclass(frozen=True)
class TensorValue:
    """A symbolic Keras tensor: output ``index`` of graph node ``node``."""

    node: int
    index: int = 0


@dataclass(frozen=True)
class ModelRef:
    """A Keras model under construction."""

    model_id: int


@dataclass(frozen=True)
class LayersOf:
    """``model.layers`` of a model, or one of them (``index``)."""

    model_id: int
    index: int | None = None


@dataclass(frozen=True)
class LoopIndex:
    """The variable of ``for i in range(...)``, plus a constant: in windowing
    code ``x[i:i + n]`` has ``n`` rows whatever ``i`` is."""

    offset: int = 0


@dataclass(frozen=True)
class ListValue:
    """A list built by ``append`` in a loop of known length: ``length`` copies
    of one element's abstract value."""

    length: int
    element: Any


def is_int(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_known(value: Value) -> bool:
    """True when ``value`` holds nothing unknown (recursively through tuples)."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, tuple):
        return all(is_known(item) for item in value)
    return True
