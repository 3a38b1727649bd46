"""``rnnlint shapes``: each model's layers, output shapes and parameters,
like ``model.summary()`` but without TensorFlow."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rnnlint.explain import axis_names, output_width_name
from rnnlint.facts import fmt_shape, recurrent_core
from rnnlint.ir import Model, ModuleIR
from rnnlint.kerasnames import CONV_RECURRENT
from rnnlint.shapes import Shape, infer
from rnnlint.values import Unknown


@dataclass(frozen=True)
class LayerRow:
    line: int
    layer: str
    output: Shape
    axes: str
    units: object
    params: object
    stateful: bool | None
    return_sequences: bool | None


def rows(model: Model) -> list[LayerRow]:
    shapes = infer(model)
    result = []
    for node, node_shapes in zip(model.nodes, shapes.nodes, strict=True):
        layer = node.layer
        if layer.kind == "InputLayer" and layer.get("implicit"):
            continue
        core = recurrent_core(layer)
        holder = core or layer
        cell = holder.wrapped if holder.kind == "RNN" and holder.wrapped is not None else holder
        units = cell.get("units", holder.get("filters", None))
        output = node_shapes.outputs[0] if node_shapes.outputs else None
        axes = "" if layer.kind in CONV_RECURRENT else ", ".join(axis_names(output, output_width_name(layer)))
        result.append(
            LayerRow(
                layer.span.line,
                layer.label if layer.known else f"{layer.kind} (not analysed)",
                node_shapes.outputs[0] if node_shapes.outputs else None,
                axes,
                units,
                node_shapes.params,
                _flag(holder.get("stateful", False)) if core else None,
                _flag(holder.get("return_sequences", False)) if core else None,
            )
        )
    return result


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def shape_text(shape: Shape) -> str:
    if isinstance(shape, Unknown) or shape is None:
        return "?"
    return fmt_shape(tuple("None" if d is None else d for d in shape))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Unknown):
        return "?"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def text(modules: Sequence[ModuleIR]) -> str:
    blocks = []
    for module in modules:
        for model in module.models:
            blocks.append(_model_table(module, model))
    if not blocks:
        return "No Keras model found.\n"
    return "\n".join(blocks)


def _model_table(module: ModuleIR, model: Model) -> str:
    header = ("line", "layer", "output shape", "axes", "units", "params", "stateful", "return_sequences")
    table = [
        (
            str(r.line),
            r.layer,
            shape_text(r.output),
            r.axes,
            _cell(r.units),
            _cell(r.params),
            _cell(r.stateful),
            _cell(r.return_sequences),
        )
        for r in rows(model)
    ]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    name = model.name or "model"
    title = f"{module.path}:{model.span.line}: {name} ({model.kind}, Keras {module.keras_version})"
    lines = [title, "  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for row in table:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    total = infer(model).total_params
    note = "" if model.complete else " (structure not fully known)"
    lines.append(f"  Total params: {_cell(total)}{note}")
    return "\n".join(lines) + "\n"


def json_report(modules: Sequence[ModuleIR]) -> str:
    data = []
    for module in modules:
        for model in module.models:
            data.append(
                {
                    "path": module.path,
                    "line": model.span.line,
                    "name": model.name,
                    "kind": model.kind,
                    "keras_version": module.keras_version,
                    "complete": model.complete,
                    "total_params": _json(infer(model).total_params),
                    "layers": [
                        {
                            "line": r.line,
                            "layer": r.layer,
                            "output_shape": _json(r.output),
                            "units": _json(r.units),
                            "params": _json(r.params),
                            "stateful": r.stateful,
                            "return_sequences": r.return_sequences,
                        }
                        for r in rows(model)
                    ],
                }
            )
    return json.dumps(data, indent=2) + "\n"


def _json(value: object) -> object:
    """A number, or null when unknown (a shape's free batch axis is null too); shapes become lists."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return None
