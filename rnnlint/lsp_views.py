"""What the editor shows about models: inlay hints and hovers, from the module IR.

Positions here are rnnlint's (1-based lines, code-point columns); ``lsp``
converts them to the negotiated encoding.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rnnlint import explain
from rnnlint.facts import recurrent_core
from rnnlint.ir import Model, ModuleIR, Span
from rnnlint.values import Unknown


@dataclass(frozen=True)
class Hint:
    line: int
    column: int
    label: str
    tooltip: str


@dataclass(frozen=True)
class HoverText:
    span: Span
    markdown: str


def inlay_hints(module: ModuleIR) -> Iterator[Hint]:
    """After each layer whose output shape is known: ``(32, 8, 32) batch, timesteps, units``."""
    for model in module.models:
        for view in explain.layer_views(model):
            if isinstance(view.output, Unknown) or view.output is None:
                continue
            span = view.node.span
            label = explain.shape_with_axes(view.output, view.output_axes)
            yield Hint(span.end_line, span.end_column, label, f"{view.layer.label}: output shape {label}")


def hover(module: ModuleIR, line: int, column: int) -> HoverText | None:
    """What the fit/predict/evaluate call or the layer at (line, column) does with the data."""
    call = explain.call_at(module, line, column)
    if call is not None:
        batching = explain.batching(module, call)
        if batching is not None:
            return HoverText(call.span, _call_markdown(batching, module.model(call.model)))
    found = explain.layer_at(module, line, column)
    if found is not None:
        model, view = found
        return HoverText(view.node.span, _layer_markdown(model, view))
    return None


def _layer_markdown(model: Model, view: explain.LayerView) -> str:
    lines = [f"**{view.layer.label}** in {model.name or 'model'} ({model.kind})", ""]
    lines.append(f"- input: `{explain.dims_text(view.inputs)}` {', '.join(view.input_axes)}".rstrip())
    lines.append(f"- output: `{explain.dims_text(view.output)}` {', '.join(view.output_axes)}".rstrip())
    if isinstance(view.params, int):
        lines.append(f"- parameters: {view.params:,}")
        if view.formula is not None:
            lines.append(f"  - {view.formula.text}")
    else:
        lines.append("- parameters: ? (not known statically)")
    core = recurrent_core(view.layer)
    units = core.get("units") if core is not None and core.wrapped is None else None
    if isinstance(units, int):
        lines.append(
            f"\n`units` = {units} is this layer's own width: its state is a vector of {units} numbers per "
            "sample, reused at every timestep. It is not tied to the batch size, the timesteps or the features."
        )
    return "\n".join(lines)


def _call_markdown(batching: explain.Batching, model: Model) -> str:
    call = batching.call
    lines = [f"**{call.method}** on {model.name or 'model'}: how the data is cut into batches", ""]
    lines.append(f"- {explain.batching_text(batching)}")
    lines.append(
        f"- samples: {batching.samples:,}; batch size: {batching.batch_size}; "
        f"batches: {batching.batches:,}; last batch: {batching.last}"
    )
    continued = explain.continuation(batching, model)
    if continued is not None:
        lines.append(f"- {continued}")
    return "\n".join(lines)
