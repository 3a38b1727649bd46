"""Which experiment shows a finding, on the smallest data that shows it.

Error rules build the model and call it on zeros; batch rules run the call
the program makes (fit, predict ...) with its batch size on one full batch
plus the remainder instead of the user's million samples; silent rules
measure the evidence (states carried between batches, real output shapes).
A finding no experiment can show faithfully raises ``NoPlan`` with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from rnnlint.codes import RUNTIME_ERROR
from rnnlint.confirm.names import LOSSES
from rnnlint.confirm.protocol import Probe, Shape
from rnnlint.confirm.spec import (
    BATCH_PLACEHOLDER,
    BuildSpec,
    Unbuildable,
    concrete,
    is_literal,
    layer_spec,
    model_spec,
)
from rnnlint.confirm.standin_data import (
    NoStandIn,
    StandIns,
    data_shape,
    declared_shape,
    known_sizes,
    up_to_recurrent,
    with_input_shape,
)
from rnnlint.confirm.standin_layers import STAND_IN_MODEL, STAND_IN_MODEL_TEXT, layer_with_stand_ins
from rnnlint.facts import batch_size_arg, fmt_shape, samples, x_value, y_value
from rnnlint.findings import Finding
from rnnlint.ir import Layer, Model, ModelCall, ModuleIR
from rnnlint.rules import ALL_RULES
from rnnlint.rules.rnn003_stateful_samples_not_divisible import VALIDATION_DATA_POSITION, VALIDATION_SPLIT_POSITION
from rnnlint.rules.rnn012_input_shape_includes_batch import array_name, samples_in_input
from rnnlint.rules.rnn021_data_shape_mismatch import TIMESTEP_DEPENDENT, keras_checks_timesteps
from rnnlint.rules.rnn040_keras3_removed_argument import DROPPED, REMOVED, RENAMED
from rnnlint.shapes import infer
from rnnlint.values import ArrayValue, DatasetValue, Sym, Unknown, Value, is_int

KERAS1_KEYWORDS = frozenset(keyword for table in (RENAMED, DROPPED) for family in table.values() for keyword in family)
"""Keras 1 keywords RNN040 reports, besides the batch arguments."""

MAX_VALUES = 20_000_000
"""The most array values one experiment may allocate (80 MB of float32)."""

ON_BATCH = ("train_on_batch", "test_on_batch", "predict_on_batch")


class NoPlan(Exception):
    """No faithful experiment for this finding; ``str()`` is the reason."""


@dataclass(frozen=True)
class Plan:
    """The probe, what it runs in words, and what the rebuild left at Keras defaults."""

    probe: Probe
    ran: str
    defaults: tuple[str, ...] = ()
    stand_in: bool = False
    """Values the finding does not depend on were unknown: ``ran`` names their stand-ins."""
    stand_ins: str = ""
    """Which small sizes stood in for sizes only known at run time (``standin_data``), in words."""


def plan_finding(finding: Finding, module: ModuleIR) -> Plan:
    """The experiment for ``finding``; raises NoPlan when there is none."""
    planner = PLANNERS.get(finding.code)
    if planner is None:
        raise NoPlan(f"{finding.code} has no confirmation experiment")
    try:
        return planner(finding, module)
    except Unbuildable as error:
        raise NoPlan(str(error)) from None


def plan_model(module: ModuleIR, model: Model, rule: str = RUNTIME_ERROR) -> Plan:
    """Build ``model`` and call it on zeros of its declared input shape."""
    try:
        built = model_spec(model)
    except Unbuildable as error:
        raise NoPlan(str(error)) from None
    return _build_plan(rule, module, built)


def _build_plan(rule: str, module: ModuleIR, built: BuildSpec) -> Plan:
    probe = Probe("build", rule, module.keras_version, model=built.spec, x=built.call_shapes)
    shapes = ", ".join(fmt_shape(shape) for shape in built.call_shapes)
    return Plan(probe, f"built the model and called it on zeros of shape {shapes}", built.defaults)


def _model(finding: Finding, module: ModuleIR) -> Model:
    model_id = finding.call.model if finding.call is not None else finding.model
    if model_id is None:
        raise NoPlan("the finding names no model")
    return module.model(model_id)


def _call(finding: Finding) -> ModelCall:
    if finding.call is None:
        raise NoPlan("the finding names no call")
    return finding.call


# -- error rules ----------------------------------------------------------------


def _plan_build(finding: Finding, module: ModuleIR) -> Plan:
    return _build_plan(finding.code, module, model_spec(_model(finding, module)))


def _plan_input_samples(finding: Finding, module: ModuleIR) -> Plan:
    """An input shape holding the samples of the data a call gets (a symbol) is
    shown with a small stand-in for them: by building the model when that makes
    the recurrent layer's input the wrong rank, else by running the call."""
    model, layer = _model(finding, module), _layer(module, finding.layer)
    symbolic = samples_in_input(module, model, layer)
    if symbolic is None:
        return _plan_build(finding, module)
    call, data = symbolic[1], x_value(symbolic[1])
    declared = layer.get("shape")
    if not isinstance(data, ArrayValue) or not isinstance(data.sample_dim, Sym) or len(model.inputs) != 1:
        raise NoPlan("the data the input shape is taken from is not one array")
    stand = StandIns(known_sizes(data, declared))
    try:
        x = data_shape(data, array_name(data.sample_dim), stand)
        sample = declared_shape(declared, x, data.sample_dim, stand)
    except NoStandIn as error:
        raise NoPlan(str(error)) from None
    declaring = with_input_shape(model, layer.id, sample)
    cut = up_to_recurrent(declaring, layer.id) if len(sample) != 2 else None
    if cut is not None:
        plan = _build_plan(finding.code, module, model_spec(cut[0]))
        ran = plan.ran.replace("the model", f"the model up to {cut[1]}", 1)
        return replace(plan, ran=ran, stand_ins=f"{ran}, {stand.evidence()}")
    if not keras_checks_timesteps(module, model):
        raise NoPlan("Keras runs the model on the data's own timesteps without an error, as the finding says")
    plan = _run_plan(finding, module, model, model_spec(declaring), call, x[0], x[0], x=(x,))
    return replace(plan, stand_ins=stand.evidence())


def _plan_removed_argument(finding: Finding, module: ModuleIR) -> Plan:
    """Create the layer with the removed argument exactly as the user wrote it;
    Keras rejects the keyword whatever the values, so unknown ones get stand-ins."""
    layer = _layer(module, finding.layer)
    keywords = {*REMOVED, *KERAS1_KEYWORDS}
    written = [arg for arg in layer.args if arg.keyword in keywords]
    if len(written) > 1:  # several: the one at the finding's column (its line may be a notebook cell's)
        written = [arg for arg in written if arg.span.column == finding.span.column]
    if not written:
        raise NoPlan("the argument the finding is about is not on the layer")
    arg = written[0]
    value, notes = arg.value, []
    if not is_literal(value):
        value = None
        notes.append(f"None as a stand-in for the unknown value of {arg.keyword}=")
    defaults: list[str] = []
    try:
        spec = layer_spec(layer, defaults, extra=((str(arg.keyword), value),))
    except Unbuildable:
        spec = layer_with_stand_ins(layer, notes, extra=((str(arg.keyword), value),))
    probe = Probe("instantiate", finding.code, module.keras_version, layer=spec)
    ran = f"created {layer.kind}(...) with {arg.keyword}={value!r} as written on line {arg.span.line}"
    if notes:
        ran += f" (with {', '.join(notes)}: Keras rejects the keyword whatever its values)"
    return Plan(probe, ran, tuple(defaults), stand_in=bool(notes))


def _plan_attribute(finding: Finding, module: ModuleIR) -> Plan:
    try:
        built = model_spec(_model(finding, module))
    except Unbuildable as error:  # no Keras 3 model has it, whatever its layers: a stand-in shows it
        probe = Probe("attribute", finding.code, module.keras_version, model=STAND_IN_MODEL, attribute="reset_states")
        ran = f"built {STAND_IN_MODEL_TEXT} as a stand-in ({error}) and looked up model.reset_states"
        return Plan(probe, ran, stand_in=True)
    probe = Probe("attribute", finding.code, module.keras_version, model=built.spec, attribute="reset_states")
    return Plan(probe, "built the model and looked up model.reset_states", built.defaults)


def _layer(module: ModuleIR, layer_id: int | None) -> Layer:
    for layer in module.layers:
        if layer.id == layer_id:
            return layer
    raise NoPlan("the finding names no layer")


# -- batch rules ------------------------------------------------------------------


def _plan_not_divisible(finding: Finding, module: ModuleIR) -> Plan:
    """fit/evaluate/predict on one full batch plus the user's remainder."""
    call, model = _call(finding), _model(finding, module)
    built = model_spec(model)
    batch = _fixed_batch(built)
    total = samples(x_value(call))
    if not is_int(total):
        raise NoPlan("the number of samples is not known")
    split = call.value("validation_split", VALIDATION_SPLIT_POSITION, default=None) if call.method == "fit" else None
    if isinstance(split, float) and 0.0 < split < 1.0:
        rows = split_rows(total, split, batch)
    else:
        split, rows = None, remainder_rows(total, batch)
    validation = None
    if call.method == "fit":
        given = call.value("validation_data", VALIDATION_DATA_POSITION, default=None)
        if isinstance(given, tuple) and len(given) >= 2 and is_int(count := samples(given[0])):
            validation_rows = remainder_rows(count, batch)
            validation = (
                _data_shapes(given[0], built.declared, validation_rows, "validation data"),
                _data_shapes(given[1], _output_shapes(model), validation_rows, "validation targets"),
            )
    return _run_plan(finding, module, model, built, call, rows, batch, split=split, validation=validation)


def _plan_batch_mismatch(finding: Finding, module: ModuleIR) -> Plan:
    """The call's own batch size, on one full batch plus the remainder."""
    call, model = _call(finding), _model(finding, module)
    built = model_spec(model)
    count = samples(x_value(call))
    if call.method in ON_BATCH:
        if not is_int(count):
            raise NoPlan("the number of samples is not known")
        return _run_plan(finding, module, model, built, call, count, None)
    used = batch_size_arg(call)
    if not is_int(used) or used <= 0:
        raise NoPlan("the batch size the call uses is not known")
    total = count if is_int(count) else used
    return _run_plan(finding, module, model, built, call, remainder_rows(total, used), used)


def _plan_data_shape(finding: Finding, module: ModuleIR) -> Plan:
    """One batch of data shaped as the program's."""
    call, model = _call(finding), _model(finding, module)
    built = model_spec(model)
    count = samples(x_value(call))
    rows = built.batch or (min(count, BATCH_PLACEHOLDER) if is_int(count) and count > 0 else BATCH_PLACEHOLDER)
    data = x_value(call)
    if isinstance(data, DatasetValue):
        return _plan_dataset(finding, module, model, built, call, data, rows)
    batch_size = None if call.method in ON_BATCH else rows
    return _run_plan(finding, module, model, built, call, rows, batch_size, own_shapes=True)


def _plan_dataset(
    finding: Finding, module: ModuleIR, model: Model, built: BuildSpec, call: ModelCall, data: DatasetValue, rows: int
) -> Plan:
    """One batch of a dataset whose batches' shape is known; a time-series
    dataset is made as the program makes it, so that Keras sees no timesteps."""
    batch = data.batch_shape
    dims = tuple(dim for dim in batch[1:] if isinstance(dim, int)) if not isinstance(batch, Unknown) else ()
    if isinstance(batch, Unknown) or not all(is_int(dim) for dim in batch[1:]):
        raise NoPlan("the shape of the data is not known")
    x: tuple[Shape, ...] = ((rows, *dims),)
    timeseries = not data.static_steps
    if timeseries and (len(x[0]) != 3 or call.method not in ("fit", "evaluate", "predict")):
        raise NoPlan("the time-series dataset is not one 3-D input")
    if timeseries and not any(layer.kind in TIMESTEP_DEPENDENT for layer in model.layers):
        raise NoPlan(
            "Keras runs the model on a time-series dataset's own timesteps without an error, as the finding says"
        )
    plan = _run_plan(finding, module, model, built, call, rows, None, x=x)
    if not timeseries:
        return plan
    ran = (
        f"{plan.ran}, cut by timeseries_dataset_from_array (no static timesteps), targets shaped as the model's output"
    )
    return replace(plan, probe=replace(plan.probe, timeseries=True), ran=ran)


def _run_plan(
    finding: Finding,
    module: ModuleIR,
    model: Model,
    built: BuildSpec,
    call: ModelCall,
    rows: int,
    batch_size: int | None,
    *,
    split: float | None = None,
    validation: tuple[tuple[Shape, ...], tuple[Shape, ...]] | None = None,
    own_shapes: bool = False,
    x: tuple[Shape, ...] | None = None,
) -> Plan:
    if x is None:
        x = _data_shapes(x_value(call), built.declared, rows, "data", strict=own_shapes)
    y = None
    if call.method not in ("predict", "predict_on_batch"):
        y = _data_shapes(y_value(call), _output_shapes(model), rows, "targets")
    _check_size(x, y, *(validation or ()))
    probe = Probe(
        "run",
        finding.code,
        module.keras_version,
        model=built.spec,
        method=call.method,
        x=x,
        y=y,
        loss=raw_loss(module, model),
        batch_size=batch_size,
        validation_split=split,
        validation=validation,
    )
    return Plan(probe, _describe(call.method, rows, batch_size, split, validation, x), built.defaults)


def _describe(
    method: str,
    rows: int,
    batch_size: int | None,
    split: float | None,
    validation: tuple[tuple[Shape, ...], tuple[Shape, ...]] | None,
    x: tuple[Shape, ...],
) -> str:
    arguments = []
    if batch_size is not None and method not in ON_BATCH:
        arguments.append(f"batch_size={batch_size}")
    if split is not None:
        arguments.append(f"validation_split={split}")
    if validation is not None:
        arguments.append(f"validation_data of {validation[0][0][0]} samples")
    shapes = ", ".join(fmt_shape(shape) for shape in x)
    return f"ran {method}({', '.join(arguments)}) on {rows} samples shaped {shapes}"


def remainder_rows(total: int, batch: int) -> int:
    """One full batch plus the user's remainder: the smallest data with the same last batch."""
    return total if total <= batch else batch + total % batch


SPLIT_SEARCH = 200_000
"""Sample counts ``split_rows`` tries, at most (a fraction of a second): past it, the user's own count is kept."""


def split_rows(total: int, split: float, batch: int) -> int:
    """The smallest sample count whose validation split leaves training and
    validation parts with the user's remainders (a last batch of exactly one
    sample broadcasts instead of failing, so the remainder itself matters)."""

    def pattern(count: int) -> tuple[object, ...]:
        train = math.floor(count * (1.0 - split))
        valid = count - train
        return (train % batch, valid % batch, train >= batch, valid >= batch)

    wanted = pattern(total)
    return next((count for count in range(1, min(total, SPLIT_SEARCH)) if pattern(count) == wanted), total)


def _fixed_batch(built: BuildSpec) -> int:
    if built.batch is None:
        raise NoPlan("the stateful model has no fixed batch size")
    return built.batch


# -- silent rules -----------------------------------------------------------------


def _plan_state(finding: Finding, module: ModuleIR) -> Plan:
    """What the state left by one batch does to the next."""
    built = model_spec(_model(finding, module))
    _fixed_batch(built)
    shapes = built.call_shapes
    probe = Probe("state", finding.code, module.keras_version, model=built.spec, x=shapes)
    ran = (
        f"ran two batches of shape {', '.join(fmt_shape(shape) for shape in shapes)} and compared batch 2's output "
        "with the state batch 1 left against fresh states"
    )
    return Plan(probe, ran, built.defaults)


def _plan_targets(finding: Finding, module: ModuleIR) -> Plan:
    """Train one batch against targets shaped as the program's (a finding about no call: build the model)."""
    model = _model(finding, module)
    built = model_spec(model)
    if finding.call is None:
        return _build_plan(finding.code, module, built)
    call = finding.call
    loss = raw_loss(module, model)
    if loss is None:
        raise NoPlan("the loss is not a literal Keras loss name")
    rows = built.batch or BATCH_PLACEHOLDER
    x = tuple((rows, *shape[1:]) for shape in built.call_shapes)
    y = _data_shapes(y_value(call), (), rows, "targets", strict=True)
    _check_size(x, y)
    probe = Probe(
        "run", finding.code, module.keras_version, model=built.spec, method="train_on_batch", x=x, y=y, loss=loss
    )
    targets = ", ".join(fmt_shape(shape) for shape in y)
    return Plan(probe, f"ran train_on_batch with loss={loss!r} on {rows} samples, targets shaped {targets}")


# -- data shapes --------------------------------------------------------------------


def _data_shapes(
    value: Value, fallback: tuple[Shape | None, ...], rows: int, what: str, *, strict: bool = False
) -> tuple[Shape, ...]:
    """Each array's shape with ``rows`` samples. Dims the analysis does not know
    come from ``fallback`` (the model's own shapes), unless ``strict``."""
    arrays = value if isinstance(value, tuple) else (value,)
    if fallback and len(arrays) != len(fallback):
        raise NoPlan(f"the {what} do not match the model's inputs or outputs")
    shapes = []
    for index, array in enumerate(arrays):
        model_shape = fallback[index] if index < len(fallback) else None
        shapes.append((rows, *_sample_dims(array, model_shape, what, strict)))
    return tuple(shapes)


def _sample_dims(array: Value, model_shape: Shape | None, what: str, strict: bool) -> tuple[int, ...]:
    own = array.shape if isinstance(array, ArrayValue) and not isinstance(array.shape, Unknown) else None
    known_model = concrete(model_shape) if model_shape is not None else None
    if own is None:
        if strict or known_model is None:
            raise NoPlan(f"the shape of the {what} is not known")
        return tuple(known_model[1:])
    dims = []
    for axis, dim in enumerate(own[1:], start=1):
        if isinstance(dim, int):
            dims.append(dim)
        elif not strict and known_model is not None and len(known_model) == len(own):
            dims.append(known_model[axis])
        else:
            raise NoPlan(f"the shape of the {what} is not known")
    return tuple(dims)


def _output_shapes(model: Model) -> tuple[Shape | None, ...]:
    """The model's static output shapes, None where not fully known."""
    shapes: list[Shape | None] = []
    for shape in infer(model).output_shapes:
        known = not isinstance(shape, Unknown) and all(dim is None or is_int(dim) for dim in shape)
        shapes.append(tuple(shape) if known else None)
    return tuple(shapes)


def _check_size(*groups: tuple[Shape, ...] | None) -> None:
    values = sum(math.prod(dim or 1 for dim in shape) for group in groups if group for shape in group)
    if values > MAX_VALUES:
        raise NoPlan(f"the smallest data that shows it holds {values:,} values (more than {MAX_VALUES:,})")


def raw_loss(module: ModuleIR, model: Model) -> str | None:
    """The loss as the program names it (``"mean_squared_error"``), if one literal."""
    losses = {call.value("loss", 1, default=None) for call in module.calls_of(model, "compile")}
    if len(losses) == 1:
        (loss,) = losses
        return loss if isinstance(loss, str) and loss in LOSSES else None  # only Keras's named losses travel
    return None


Planner = Callable[[Finding, ModuleIR], Plan]

PLANNERS_BY_NAME: dict[str, Planner] = {
    "build": _plan_build,
    "input-samples": _plan_input_samples,
    "removed-argument": _plan_removed_argument,
    "attribute": _plan_attribute,
    "not-divisible": _plan_not_divisible,
    "batch-mismatch": _plan_batch_mismatch,
    "data-shape": _plan_data_shape,
    "state": _plan_state,
    "targets": _plan_targets,
}
"""Every experiment, by the name a rule's ``Experiment.planner`` gives it."""


def _planners() -> dict[str, Planner]:
    planners = {}
    for rule in ALL_RULES:
        if rule.experiment is None:
            continue
        if rule.experiment.planner not in PLANNERS_BY_NAME:
            raise KeyError(f"{rule.__module__}: no planner {rule.experiment.planner!r} in rnnlint.confirm.plan")
        planners[rule.code] = PLANNERS_BY_NAME[rule.experiment.planner]
    return planners


PLANNERS: dict[str, Planner] = _planners()
"""The experiment of each rule that declares one, by code."""
