"""What each layer and each batched call of a model means, in the user's numbers.

Shared by the language server (inlay hints, hovers) and the HTML picture
(``rnnlint shapes --format html``). Everything is read from the IR and from
``shapes.infer``: no number here is computed any other way, so the editor,
the picture and the findings never disagree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from rnnlint.facts import (
    batch_size_arg,
    feeds_arrays,
    fmt_shape,
    is_stateful,
    model_batch,
    samples,
    x_value,
)
from rnnlint.ir import Layer, Model, ModelCall, ModuleIR, Node, Span
from rnnlint.kerasnames import CONV_RECURRENT, RECURRENT
from rnnlint.rules.rnn002_stateful_fit_shuffle import SHUFFLE_POSITION
from rnnlint.rules.rnn003_stateful_samples_not_divisible import VALIDATION_SPLIT_POSITION
from rnnlint.shapes import Shape, infer
from rnnlint.values import Unknown, is_int

WIDTH_NAMES = {"Dense": "units", **{kind: "units" for kind in RECURRENT}}
"""Layers whose last output axis is their own width, not the data's features."""


@dataclass(frozen=True)
class LayerView:
    """One layer applied in a model: what goes in, what comes out, what it weighs."""

    node: Node
    inputs: Shape
    output: Shape
    params: int | Unknown
    formula: Formula | None

    @property
    def layer(self) -> Layer:
        return self.node.layer

    @property
    def output_axes(self) -> tuple[str, ...]:
        if self.layer.kind in CONV_RECURRENT:
            return ()  # frames, not (batch, timesteps, features)
        return axis_names(self.output, output_width_name(self.layer))

    @property
    def input_axes(self) -> tuple[str, ...]:
        return () if self.layer.kind in CONV_RECURRENT else axis_names(self.inputs, "features")


@dataclass(frozen=True)
class Formula:
    """A parameter count written out: ``4 x (units x (features + units) + units)``."""

    symbols: str
    numbers: str
    total: int

    @property
    def text(self) -> str:
        return f"{self.symbols} = {self.numbers} = {self.total:,}"


@dataclass(frozen=True)
class Batching:
    """How a fit/evaluate/predict call cuts its arrays into batches."""

    call: ModelCall
    samples: int
    batch_size: int
    validation: int
    """Samples validation_split holds back from training (the last ones)."""
    stateful: bool
    shuffles: bool | None
    """For fit: True when it shuffles, None when it cannot be known."""

    @property
    def used(self) -> int:
        return self.samples - self.validation

    @property
    def batches(self) -> int:
        return math.ceil(self.used / self.batch_size)

    @property
    def last(self) -> int:
        return self.used - (self.batches - 1) * self.batch_size if self.batches else 0


def axis_names(shape: Shape, last: str) -> tuple[str, ...]:
    """Names of the axes of a rank 2 or 3 shape, batch first; () for any other."""
    if isinstance(shape, Unknown) or shape is None:
        return ()
    if len(shape) == 3:
        return ("batch", "timesteps", last)
    if len(shape) == 2:
        return ("batch", last)
    return ()


def output_width_name(layer: Layer) -> str:
    """What the last output axis of ``layer`` counts."""
    if layer.kind == "Bidirectional" and layer.wrapped is not None:
        inner = output_width_name(layer.wrapped)
        return f"2 x {inner}" if layer.get("merge_mode", "concat") == "concat" else inner
    if layer.kind == "RNN":
        return "units"
    return WIDTH_NAMES.get(layer.kind, "features")


def dims_text(shape: Shape) -> str:
    """``(32, 8, 32)``; unknown dims ``?``, Keras's free dims ``None``."""
    if isinstance(shape, Unknown) or shape is None:
        return "?"
    return fmt_shape(tuple("None" if item is None else item for item in shape))


def shape_with_axes(shape: Shape, axes: tuple[str, ...]) -> str:
    """``(32, 8, 32) batch, timesteps, units``."""
    return f"{dims_text(shape)} {', '.join(axes)}".rstrip()


def layer_views(model: Model) -> list[LayerView]:
    """Every layer application of ``model`` but the implicit input, in graph order."""
    shapes = infer(model)
    views = []
    for node, node_shapes in zip(model.nodes, shapes.nodes, strict=True):
        if node.layer.kind == "InputLayer":
            continue
        main = node_shapes.inputs[0] if node_shapes.inputs else None
        output = node_shapes.outputs[0] if node_shapes.outputs else None
        formula = param_formula(node.layer, main, node_shapes.params) if node.layer.known else None
        views.append(LayerView(node, main, output, node_shapes.params, formula))
    return views


_TEMPLATES = {
    ("LSTM", True): "4 x (units x (features + units) + units)",
    ("LSTM", False): "4 x units x (features + units)",
    ("GRU", True, True): "3 x (units x (features + units) + 2 x units)",
    ("GRU", True, False): "3 x (units x (features + units) + units)",
    ("GRU", False): "3 x units x (features + units)",
    ("SimpleRNN", True): "units x (features + units) + units",
    ("SimpleRNN", False): "units x (features + units)",
    ("Dense", True): "features x units + units",
    ("Dense", False): "features x units",
}


def param_formula(layer: Layer, inputs: Shape, params: int | Unknown) -> Formula | None:
    """How ``params`` (from ``shapes.infer``) is computed, for the layers whose rule is simple to state."""
    if not isinstance(params, int) or isinstance(inputs, Unknown) or not inputs:
        return None
    if layer.kind == "Bidirectional" and layer.wrapped is not None:
        inner = param_formula(layer.wrapped, inputs, params // 2) if params % 2 == 0 else None
        if inner is None:
            return None
        return Formula(f"2 x ({inner.symbols})", f"2 x ({inner.numbers})", params)
    holder = layer.wrapped if layer.kind == "RNN" and layer.wrapped is not None else layer
    kind = holder.kind.replace("Cell", "")
    bias = holder.get("use_bias", True)
    key: tuple[Any, ...] = (kind, bias)
    if kind == "GRU" and bias is True:
        key = (kind, bias, holder.get("reset_after", True))
    template = _TEMPLATES.get(key)
    units, features = holder.get("units"), inputs[-1]
    if template is None or not (is_int(units) and is_int(features)):
        return None
    names = {"units": units, "features": features}
    numbers = re.sub(r"units|features", lambda match: str(names[match.group(0)]), template)
    return Formula(template, numbers, params)


def batching(module: ModuleIR, call: ModelCall) -> Batching | None:
    """How ``call`` splits its arrays, when their sample count and the batch size are known."""
    if call.method not in ("fit", "evaluate", "predict") or not feeds_arrays(call):
        return None
    total, size = samples(x_value(call)), batch_size_arg(call)
    if not (is_int(total) and is_int(size)) or size <= 0:
        return None
    model = module.model(call.model)
    validation = 0
    shuffles: bool | None = None
    if call.method == "fit":
        split = call.value("validation_split", VALIDATION_SPLIT_POSITION, default=0.0)
        if isinstance(split, float) and 0.0 < split < 1.0:
            validation = total - math.floor(total * (1.0 - split))
        shuffle = call.value("shuffle", SHUFFLE_POSITION, default=True)
        shuffles = shuffle is not False if isinstance(shuffle, (bool, str)) else None
    return Batching(call, total, size, validation, is_stateful(model), shuffles)


def continuation(batching: Batching, model: Model) -> str | None:
    """Which sample carries its state to which, for a stateful model."""
    if not batching.stateful:
        return None
    size = batching.batch_size
    fixed = model_batch(model)
    lines = [
        f"Stateful: sample i of batch k+1 starts from the state sample i of batch k left, "
        f"i.e. row (k+1) x {size} + i of x continues row k x {size} + i "
        f"(row {size} continues row 0, row {size + 1} continues row 1, ...)."
    ]
    if is_int(fixed) and fixed != size:
        lines.append(f"The model's fixed batch size is {fixed}, not {size}: the rows do not line up.")
    if batching.shuffles:
        lines.append("fit shuffles the rows each epoch (shuffle=True is the default): the carried state is noise.")
    return " ".join(lines)


def batching_text(batching: Batching) -> str:
    """``320 samples / batch size 32 = 10 batches of 32``, with the last one's size."""
    parts = [f"{batching.samples:,} samples"]
    if batching.validation:
        parts.append(f"minus {batching.validation:,} held back by validation_split = {batching.used:,}")
    text = " ".join(parts) + f", batch size {batching.batch_size}: {batching.batches:,} batches"
    if batching.last == batching.batch_size:
        return text + f" of {batching.batch_size}"
    return text + f" ({batching.batches - 1:,} of {batching.batch_size}, the last of {batching.last})"


def layer_at(module: ModuleIR, line: int, column: int) -> tuple[Model, LayerView] | None:
    """The layer written at (line, column), 1-based code points."""
    for model in module.models:
        for view in layer_views(model):
            if contains(view.layer.span, line, column) or contains(view.node.span, line, column):
                return model, view
    return None


def call_at(module: ModuleIR, line: int, column: int) -> ModelCall | None:
    for call in module.calls:
        if call.method in ("fit", "evaluate", "predict") and contains(call.span, line, column):
            return call
    return None


def contains(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)
