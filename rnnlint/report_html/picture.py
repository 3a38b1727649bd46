"""What the page draws for one model, gathered from the IR, ``explain`` and the findings.

No HTML here: plain data, so that what is drawn is testable apart from how.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rnnlint import explain
from rnnlint.facts import is_stateful, model_batch, recurrent_core, x_value
from rnnlint.findings import Finding
from rnnlint.ir import Layer, Model, ModelCall, ModuleIR
from rnnlint.values import ArrayValue


@dataclass(frozen=True)
class LayerPicture:
    view: explain.LayerView
    findings: tuple[Finding, ...]

    @property
    def core(self) -> Layer | None:
        """The recurrent layer to unroll (itself, or what Bidirectional wraps)."""
        return recurrent_core(self.view.layer)

    @property
    def units(self) -> int | None:
        core = self.core
        if core is None:
            return None
        holder = core.wrapped if core.kind == "RNN" and core.wrapped is not None else core
        units = holder.get("units")
        return units if isinstance(units, int) and not isinstance(units, bool) else None


@dataclass(frozen=True)
class CallPicture:
    call: ModelCall
    data: tuple[object, ...] | None
    """The shape of x (samples, timesteps, features) when known."""
    batching: explain.Batching | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Role:
    """One of the numbers newcomers mix up, with what it is."""

    name: str
    value: int
    meaning: str


@dataclass(frozen=True)
class ModelPicture:
    path: str
    keras_version: int
    model: Model
    layers: tuple[LayerPicture, ...]
    calls: tuple[CallPicture, ...]
    findings: tuple[Finding, ...]
    """Findings about the model as a whole (not one layer or call)."""
    stateful: bool
    fixed_batch: object

    @property
    def title(self) -> str:
        return f"{self.model.name or 'model'} ({self.model.kind})"

    @property
    def training(self) -> CallPicture | None:
        """The call whose data the page draws: the first fit, else the first batched call."""
        known = [picture for picture in self.calls if picture.data is not None]
        fits = [picture for picture in known if picture.call.method == "fit"]
        return fits[0] if fits else known[0] if known else None

    def roles(self) -> list[Role]:
        """Batch size, timesteps, features and each recurrent layer's units, where known."""
        roles = []
        training = self.training
        batch = training.batching.batch_size if training and training.batching else self.fixed_batch
        if isinstance(batch, int) and not isinstance(batch, bool):
            roles.append(Role("batch size", batch, "how many samples are processed together in one step of fit"))
        first = next((layer for layer in self.layers if layer.core is not None), None)
        inputs = first.view.inputs if first is not None else None
        shape = training.data if training and training.data else inputs
        if isinstance(shape, tuple) and len(shape) == 3:
            if isinstance(shape[1], int):
                roles.append(Role("timesteps", shape[1], "how many steps each sample's sequence has"))
            if isinstance(shape[2], int):
                roles.append(Role("features", shape[2], "how many numbers describe one timestep"))
        for layer in self.layers:
            if layer.units is not None:
                label = layer.view.layer.label
                each = "each direction of " if layer.view.layer.kind == "Bidirectional" else ""
                meaning = f"the width of {each}{label}: its state is a vector of {layer.units} numbers"
                roles.append(Role(f"units of {label}", layer.units, meaning))
        return roles


def picture(module: ModuleIR, model: Model, findings: Sequence[Finding]) -> ModelPicture:
    """``model`` of ``module`` with each of its findings at the layer or call it concerns."""
    mine = [finding for finding in findings if finding.model == model.id]
    seen: set[int] = set()
    layers = []
    for view in explain.layer_views(model):
        first = view.layer.id not in seen  # a layer applied twice: its findings go to the first
        seen.add(view.layer.id)
        layers.append(LayerPicture(view, _about_layer(mine, view.layer.id) if first else ()))
    calls = tuple(_call_picture(module, call, mine) for call in module.calls_of(model, "fit", "evaluate", "predict"))
    shown = {id(f) for layer in layers for f in layer.findings} | {id(f) for call in calls for f in call.findings}
    rest = tuple(f for f in mine if id(f) not in shown)
    return ModelPicture(
        module.path, module.keras_version, model, tuple(layers), calls, rest, is_stateful(model), model_batch(model)
    )


def _about_layer(findings: Sequence[Finding], layer_id: int) -> tuple[Finding, ...]:
    """The findings about a layer itself (not about a call that uses it)."""
    return tuple(f for f in findings if f.layer == layer_id and f.call is None)


def _call_picture(module: ModuleIR, call: ModelCall, findings: Sequence[Finding]) -> CallPicture:
    x = x_value(call)
    data = tuple(x.shape) if isinstance(x, ArrayValue) and isinstance(x.shape, tuple) else None
    about = tuple(f for f in findings if f.call is not None and f.call.span == call.span)
    return CallPicture(call, data, explain.batching(module, call), about)
