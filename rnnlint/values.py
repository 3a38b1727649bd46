"""Abstract values: what the constant evaluator can know about an expression.

Python literals stand for themselves (tuples for tuples and lists). Everything
else is one of the small frozen classes below, or ``UNKNOWN``.

A size the program only knows at run time (``len(X)`` of a loaded file, the
windows a loop cuts) is a ``Sym``: unknown, but the same symbol wherever the
same size flows, so that ``input_shape=(X.shape[0], ...)`` can be recognised
as the samples of the ``X`` given to ``fit``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from types import EllipsisType


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

_SYMBOLS = itertools.count(1)


@dataclass(frozen=True)
class Sym:
    """A size known only by its origin: the samples of a loaded array, the
    windows a loop cuts, the ``n`` of a reshape.

    Equal only to itself (``id``). ``root`` is shared by the parts of one
    array (``X[:split]``, a ``train_test_split``): they are different sizes,
    but all count the samples of the same data. ``label`` says where it
    comes from (``len(X)``), for messages.
    """

    id: int
    root: int
    label: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.label or "?"


def reset_symbols() -> None:
    """Number symbols from 1 again: each module's extraction starts afresh, so
    the same source gives the same IR in any process, in any order (a
    language server re-checks a document many times in one process)."""
    global _SYMBOLS
    _SYMBOLS = itertools.count(1)


def fresh_sym(label: str = "", root: Sym | None = None) -> Sym:
    """A new size; a part of ``root``'s samples when ``root`` is given."""
    number = next(_SYMBOLS)
    return Sym(number, root.root if root is not None else number, label)


Dim = int | None | Sym | Unknown
"""One axis: a size, None (Keras's variable axis), a symbol, or UNKNOWN."""

Shape = tuple[Dim, ...] | Unknown
"""A shape with a known rank, or UNKNOWN when even the rank is unknown."""


@dataclass(frozen=True)
class ArrayValue:
    """A numpy array or tensor whose shape is (partly) known.

    ``shape`` is a tuple of dims, or UNKNOWN when even the rank is unknown;
    then ``lead`` may still name its samples (an ``np.load``-ed array).
    """

    shape: Shape
    lead: Sym | None = None

    @property
    def rank(self) -> int | Unknown:
        return UNKNOWN if isinstance(self.shape, Unknown) else len(self.shape)

    @property
    def samples(self) -> int | Unknown:
        if isinstance(self.shape, Unknown) or not self.shape:
            return UNKNOWN
        first = self.shape[0]
        return first if isinstance(first, int) and not isinstance(first, bool) else UNKNOWN

    @property
    def sample_dim(self) -> Dim:
        """The first axis, a symbol included (``samples`` keeps ints only)."""
        if isinstance(self.shape, Unknown):
            return self.lead if self.lead is not None else UNKNOWN
        return self.shape[0] if self.shape else UNKNOWN


@dataclass(frozen=True)
class ShapeOf:
    """``X.shape[start:]`` of an array whose rank is unknown: its first entry
    (when ``start`` is 0) is the samples ``lead``."""

    lead: Sym
    start: int = 0


@dataclass(frozen=True)
class FrameValue:
    """A pandas DataFrame (``columns`` wide) or, ``series``, a Series."""

    rows: Dim
    columns: int | Unknown = UNKNOWN
    series: bool = False

    def as_array(self) -> ArrayValue:
        if self.series:
            return ArrayValue((self.rows,))
        return ArrayValue((self.rows, self.columns))


@dataclass(frozen=True)
class FrameAccessor:
    """``df.iloc`` or ``df.loc`` (``kind``), waiting for its index."""

    frame: FrameValue
    kind: str


@dataclass(frozen=True)
class LibraryObject:
    """An object of a data library whose methods the shape library models:
    a scikit-learn transformer (``sklearn.preprocessing.StandardScaler``), a
    Keras ``Tokenizer``. ``kind`` is its canonical class name."""

    kind: str


@dataclass(frozen=True)
class DatasetValue:
    """A ``tf.data.Dataset`` (or a generator): fit ignores shuffle and batch_size.

    ``element`` is the shape of one ``x`` element (per sample when not
    ``batched``, a batch with a leading None when ``batched``), or UNKNOWN.
    ``static_steps`` is False when Keras's input check sees no timesteps
    (``timeseries_dataset_from_array``'s element spec is ``(None, None, F)``).
    """

    shuffled: bool
    description: str = "dataset"
    element: Shape = UNKNOWN
    batched: bool = False
    static_steps: bool = True

    @property
    def batch_shape(self) -> Shape:
        """The shape of one batch of ``x`` that ``fit`` sees, batch first."""
        if isinstance(self.element, Unknown):
            return UNKNOWN
        return self.element if self.batched else UNKNOWN


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
class SymRange:
    """``range(...)`` whose bounds are not all known: a loop over it has an
    unknown number of turns, but its variable is still an index."""

    length: Sym


@dataclass(frozen=True)
class ListValue:
    """A list built by ``append`` in a loop: ``length`` copies of one
    element's abstract value (``length`` a symbol when the turns are unknown)."""

    length: int | Sym
    element: Value


class InterpreterObject:
    """Base of the interpreter's own values (user functions and classes); they
    never reach the IR."""


Value = (
    None
    | bool
    | int
    | float
    | str
    | tuple["Value", ...]
    | slice
    | range
    | EllipsisType
    | Unknown
    | Sym
    | ArrayValue
    | ShapeOf
    | FrameValue
    | FrameAccessor
    | LibraryObject
    | DatasetValue
    | ModuleRef
    | LayerRef
    | TensorValue
    | ModelRef
    | LayersOf
    | LoopIndex
    | SymRange
    | ListValue
    | InterpreterObject
)
"""An abstract value: a literal, a tuple of values, one of the classes above, or UNKNOWN."""


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_known(value: object) -> bool:
    """True when ``value`` holds nothing unknown (recursively through tuples)."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, tuple):
        return all(is_known(item) for item in value)
    return True


def named(value: Value, name: str) -> Value:
    """``value`` bound to the variable ``name``: an unnamed samples symbol it
    carries is labelled ``len(name)``, for messages."""
    if isinstance(value, ArrayValue):
        lead = value.sample_dim
        if isinstance(lead, Sym) and not lead.label:
            label = replace(lead, label=f"len({name})")
            if isinstance(value.shape, Unknown):
                return replace(value, lead=label)
            return replace(value, shape=(label, *value.shape[1:]))
    if isinstance(value, FrameValue) and isinstance(value.rows, Sym) and not value.rows.label:
        return replace(value, rows=replace(value.rows, label=f"len({name})"))
    return value
