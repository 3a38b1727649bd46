"""Small sizes standing in for the ones a program only knows at run time.

A finding built on symbolic shapes (``input_shape=X_train.shape`` where
``X_train`` comes from ``np.load``) holds whatever those sizes are: its
experiment runs with small stand-ins, each named in the evidence ("with 64
samples standing in for len(X_train)"). A stand-in never equals a size the
shapes already hold, nor another stand-in, so that it can neither make the
mismatch a finding is about nor hide one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rnnlint.facts import producer, recurrent_core
from rnnlint.ir import Layer, Model, TensorRef
from rnnlint.values import ArrayValue, ShapeOf, Sym, Unknown, Value

SAMPLES = 64
"""What the samples of the data become (the evidence names it)."""
SAMPLE_SIZES = (SAMPLES, 48, 40, 56, 72, 80, 96, 112, 128)
SIZES = (8, 6, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16)
"""What other sizes become: the first of each not already taken."""
RECURRENT_RANK = 3
"""An array of unknown rank given to a recurrent model is taken as what it must be: (samples, timesteps, features)."""


class NoStandIn(Exception):
    """A size the finding may depend on is unknown; ``str()`` says which."""


@dataclass
class StandIns:
    """The stand-ins of one experiment, by symbol, and the words naming them."""

    taken: set[int]
    sizes: dict[int, int] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def size(self, sym: Sym, samples: bool) -> int:
        """The same stand-in wherever the same symbol is."""
        if sym.id not in self.sizes:
            self.sizes[sym.id] = self._fresh(samples)
            what = "samples" if samples else "as the size"
            self.words.append(f"{self.sizes[sym.id]} {what} standing in for {sym}")
        return self.sizes[sym.id]

    def axes(self, name: str, count: int) -> tuple[int, ...]:
        """``count`` stand-ins for the axes of an array whose rank is unknown."""
        sizes = tuple(self._fresh(False) for _ in range(count))
        self.words.append(f"{name} taken as {count + 1}-D, its other axes {' and '.join(map(str, sizes))}")
        return sizes

    def _fresh(self, samples: bool) -> int:
        pool = SAMPLE_SIZES if samples else SIZES
        size = next(size for size in pool if size not in self.taken)
        self.taken.add(size)
        return size

    def evidence(self) -> str:
        """``with 64 samples standing in for len(X)``, or nothing when none stood in."""
        return f"with {', '.join(self.words)}" if self.words else ""


def known_sizes(*values: Value) -> set[int]:
    """The int sizes already in these shapes, which no stand-in may take."""
    found: set[int] = set()
    for value in values:
        items = value.shape if isinstance(value, ArrayValue) else value
        if isinstance(items, tuple):
            found.update(item for item in items if isinstance(item, int) and not isinstance(item, bool))
    return found


def data_shape(array: ArrayValue, name: str, stand: StandIns) -> tuple[int, ...]:
    """``array``'s shape with stand-ins for its symbolic sizes (samples first)."""
    if isinstance(array.shape, Unknown):
        if array.lead is None:
            raise NoStandIn(f"the shape of {name} is not known")
        return (stand.size(array.lead, samples=True), *stand.axes(name, RECURRENT_RANK - 1))
    dims: list[int] = []
    for axis, dim in enumerate(array.shape):
        if isinstance(dim, int) and not isinstance(dim, bool):
            dims.append(dim)
        elif isinstance(dim, Sym):
            dims.append(stand.size(dim, samples=axis == 0))
        else:
            raise NoStandIn(f"axis {axis} of {name} is not known")
    return tuple(dims)


def declared_shape(declared: Value, data: tuple[int, ...], lead: Sym, stand: StandIns) -> tuple[int, ...]:
    """The per-sample shape an input declares from the data's sizes: ``X.shape``
    (of unknown rank) is the data's stand-in shape; a symbol is its stand-in."""
    if isinstance(declared, ShapeOf):
        samples = data[0] if declared.lead == lead else stand.size(declared.lead, samples=True)
        return (samples, *data[1:])[declared.start :]
    if not isinstance(declared, tuple):
        raise NoStandIn("the declared input shape is not known")
    dims: list[int] = []
    for item in declared:
        if isinstance(item, int) and not isinstance(item, bool):
            dims.append(item)
        elif isinstance(item, Sym):
            dims.append(stand.size(item, samples=item.root == lead.root))
        else:
            raise NoStandIn("the declared input shape is not known")
    return tuple(dims)


def with_input_shape(model: Model, layer_id: int, shape: tuple[int, ...]) -> Model:
    """``model`` with its input layer ``layer_id`` declaring ``shape`` (per sample)."""
    nodes = tuple(
        replace(node, layer=_declaring(node.layer, shape)) if node.layer.id == layer_id else node
        for node in model.nodes
    )
    return replace(model, nodes=nodes)


def _declaring(layer: Layer, shape: tuple[int, ...]) -> Layer:
    config = tuple((key, shape if key == "shape" else value) for key, value in layer.config)
    return replace(layer, config=config)


def up_to_recurrent(model: Model, layer_id: int) -> tuple[Model, str] | None:
    """``model`` cut after the recurrent layer that input ``layer_id`` feeds, and
    that layer's label: Keras raises a wrong input rank when it builds that
    layer, so what comes after it cannot change the verdict."""
    for index, node in enumerate(model.nodes):
        source = producer(model, node)
        if recurrent_core(node.layer) is not None and source is not None and source[1].layer.id == layer_id:
            return replace(model, nodes=model.nodes[: index + 1], outputs=(TensorRef(index),)), node.layer.label
    return None
