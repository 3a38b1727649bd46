"""Worker side: run one probe with real Keras and report what happened.

Each experiment returns observations (shapes, losses, state norms, the error
Keras raised and at which stage); what they mean for a finding is decided by
the linter (``verdict``), not here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rnnlint.confirm.messages import first_line
from rnnlint.confirm.protocol import Failure, Probe, Reply, Shape
from rnnlint.confirm.rebuild import NotRebuildable, Rebuilt, input_vocabularies, make_layer, rebuild, shape_of

SEED = 0
TRAINING_METHODS = frozenset({"fit", "evaluate", "train_on_batch", "test_on_batch"})


def failure(error: BaseException, stage: str) -> Failure:
    """The error as shown to the user; stage "worker" when it is not Keras's own."""
    if isinstance(error, NotRebuildable):
        stage = "worker"
    return Failure(type(error).__name__, first_line(str(error)) or type(error).__name__, stage)


def run_probe(keras: Any, probe: Probe) -> Reply:
    """Run ``probe`` from a fresh Keras session (layer names restart, so messages
    do not depend on what ran before) with a fixed seed.

    Training runs in graph mode, as the user's program does: eager execution is
    faster for one batch but not faithful (a last batch of one sample, which
    graph mode silently broadcasts against a stateful layer's state, raises)."""
    _clear_session(keras)
    keras.utils.set_random_seed(SEED)
    return EXPERIMENTS[probe.kind](keras, probe)


def _clear_session(keras: Any) -> None:
    """Keras 3 runs a full garbage collection by default (0.2 to 0.4 s); skip it."""
    try:
        keras.backend.clear_session(free_memory=False)
    except TypeError:
        keras.backend.clear_session()


def _built(keras: Any, probe: Probe) -> Rebuilt | Reply:
    assert probe.model is not None
    try:
        return rebuild(keras, probe.model)
    except Exception as error:
        return Reply(failure=failure(error, "build"))


def build(keras: Any, probe: Probe) -> Reply:
    """Build the model, then call it on zeros shaped ``probe.x``."""
    built = _built(keras, probe)
    if isinstance(built, Reply):
        return built
    node_shapes = tuple(tuple(shape_of(tensor) for tensor in tensors) for tensors in built.node_outputs)
    params = _node_params(built, probe)
    if not probe.x:
        return Reply(node_shapes=node_shapes, node_params=params)
    data = _arrays(probe.x, input_vocabularies(probe.model), random=False) if probe.model else []
    try:
        outputs = _flat(built.model(_single(data), training=False))
    except Exception as error:
        return Reply(failure=failure(error, "call"), node_shapes=node_shapes, node_params=params)
    values = [np.asarray(output) for output in outputs]
    low = min(float(value.min()) for value in values) if values else 0.0
    high = max(float(value.max()) for value in values) if values else 0.0
    return Reply(
        output_shapes=tuple(tuple(value.shape) for value in values),
        node_shapes=node_shapes,
        node_params=params,
        output_range=(low, high),
    )


def _node_params(built: Rebuilt, probe: Probe) -> tuple[int | None, ...]:
    assert probe.model is not None
    params: list[int | None] = []
    for node in probe.model.nodes:
        layer = built.layers.get(node.layer.id)
        params.append(0 if layer is None else int(layer.count_params()))
    return tuple(params)


def instantiate(keras: Any, probe: Probe) -> Reply:
    """Create the layer alone: constructor errors (removed arguments) show here."""
    assert probe.layer is not None
    try:
        make_layer(keras, probe.layer)
    except Exception as error:
        return Reply(failure=failure(error, "build"))
    return Reply()


def attribute(keras: Any, probe: Probe) -> Reply:
    """Look the attribute up on the model class the user built (Sequential or
    Model), so that a missing one shows Keras's own AttributeError."""
    built = _built(keras, probe)
    if isinstance(built, Reply):
        return built
    assert probe.model is not None
    model = keras.Sequential(built.model.layers) if probe.model.kind == "sequential" else built.model
    try:
        getattr(model, probe.attribute or "")
    except AttributeError as error:
        return Reply(failure=failure(error, "call"), has_attribute=False)
    return Reply(has_attribute=True)


def run(keras: Any, probe: Probe) -> Reply:
    """Compile and run ``probe.method`` as the program does, on small zero arrays."""
    built = _built(keras, probe)
    if isinstance(built, Reply):
        return built
    assert probe.model is not None and probe.method is not None
    model = built.model
    if probe.method in TRAINING_METHODS:
        try:
            model.compile(optimizer="sgd", loss=probe.loss or "mse")
        except Exception as error:
            return Reply(failure=failure(error, "compile"))
    vocabularies = input_vocabularies(probe.model)
    x = _single(_arrays(probe.x, vocabularies, random=False))
    y = _single(_arrays(probe.y, (), random=False)) if probe.y else None
    try:
        if probe.timeseries:
            loss = _call_on_windows(keras, model, probe)
        else:
            loss = _call_method(model, probe, x, y, vocabularies)
    except Exception as error:
        return Reply(failure=failure(error, "run"))
    try:
        rows = probe.batch_size or probe.x[0][0] or 1
        outputs = _flat(model.predict_on_batch(_single([array[:rows] for array in _flat(x)])))
        shapes = tuple(tuple(np.asarray(output).shape) for output in outputs)
    except Exception:
        shapes = ()  # the run itself is what was asked; its output shape is a bonus
    return Reply(output_shapes=shapes, loss=loss)


def _call_on_windows(keras: Any, model: Any, probe: Probe) -> float | None:
    """``probe.method`` on a ``timeseries_dataset_from_array`` of zeros that cuts
    exactly ``probe.x``'s windows: one batch of (samples, timesteps, features)."""
    ((rows, steps, features),) = ((int(dim or 1) for dim in shape) for shape in probe.x)
    length = rows + steps - 1
    targets = np.zeros((length, *(int(dim or 1) for dim in probe.y[0][1:])), dtype="float32") if probe.y else None
    windows = keras.utils.timeseries_dataset_from_array(
        np.zeros((length, features), dtype="float32"), targets, sequence_length=steps, batch_size=rows
    )
    if probe.method == "fit":
        history = model.fit(windows, epochs=1, verbose=0)
        return _loss(history.history.get("loss", [None])[-1])
    if probe.method == "evaluate":
        return _loss(model.evaluate(windows, verbose=0))
    if probe.method == "predict":
        model.predict(windows, verbose=0)
        return None
    raise ValueError(f"rnnlint does not run {probe.method}() on a time-series dataset")


def _call_method(model: Any, probe: Probe, x: Any, y: Any, vocabularies: Sequence[int | None]) -> float | None:
    method, batch_size = probe.method, probe.batch_size
    if method == "fit":
        validation = None
        if probe.validation is not None:
            vx, vy = probe.validation
            validation = (_single(_arrays(vx, vocabularies, random=False)), _single(_arrays(vy, (), random=False)))
        history = model.fit(
            x,
            y,
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
            validation_split=probe.validation_split or 0.0,
            validation_data=validation,
        )
        return _loss(history.history.get("loss", [None])[-1])
    if method == "evaluate":
        return _loss(model.evaluate(x, y, batch_size=batch_size, verbose=0))
    if method == "predict":
        model.predict(x, batch_size=batch_size, verbose=0)
        return None
    if method == "train_on_batch":
        return _loss(model.train_on_batch(x, y))
    if method == "test_on_batch":
        return _loss(model.test_on_batch(x, y))
    if method == "predict_on_batch":
        model.predict_on_batch(x)
        return None
    raise ValueError(f"rnnlint does not run {method}()")


def state(keras: Any, probe: Probe) -> Reply:
    """Run batch 1, measure the states it leaves, and how they change batch 2's output
    compared with fresh states: the evidence that batch order matters."""
    built = _built(keras, probe)
    if isinstance(built, Reply):
        return built
    assert probe.model is not None
    model = built.model
    vocabularies = input_vocabularies(probe.model)
    first = _single(_arrays(probe.x, vocabularies, random=True, seed=1))
    second = _single(_arrays(probe.x, vocabularies, random=True, seed=2))
    try:
        _reset(model)
        model(first, training=False)
        norm = max((float(np.abs(np.asarray(value)).max()) for value in _states(model)), default=0.0)
        carried = [np.asarray(output) for output in _flat(model(second, training=False))]
        _reset(model)
        fresh = [np.asarray(output) for output in _flat(model(second, training=False))]
    except Exception as error:
        return Reply(failure=failure(error, "state"))
    effect = max(float(np.abs(a - b).max()) for a, b in zip(carried, fresh, strict=True))
    return Reply(output_shapes=tuple(tuple(value.shape) for value in carried), state_norm=norm, state_effect=effect)


def _stateful_layers(model: Any) -> list[Any]:
    found = []
    for layer in model.layers:
        inner = [getattr(layer, "forward_layer", None), getattr(layer, "backward_layer", None)]
        for candidate in [layer, *inner]:
            if candidate is not None and getattr(candidate, "stateful", False) and getattr(candidate, "states", None):
                found.append(candidate)
    return found


def _states(model: Any) -> list[Any]:
    return [value for layer in _stateful_layers(model) for value in layer.states if value is not None]


def _reset(model: Any) -> None:
    for layer in model.layers:
        if getattr(layer, "stateful", False) or hasattr(layer, "forward_layer"):
            reset = getattr(layer, "reset_states", None)
            if callable(reset):
                reset()


def _arrays(
    shapes: Sequence[Shape], vocabularies: Sequence[int | None], *, random: bool, seed: int = SEED
) -> list[Any]:
    rng = np.random.default_rng(seed)
    arrays = []
    for index, shape in enumerate(shapes):
        dims = tuple(1 if dim is None else dim for dim in shape)
        vocabulary = vocabularies[index] if index < len(vocabularies) else None
        if vocabulary is not None:
            arrays.append(rng.integers(0, vocabulary, size=dims) if random else np.zeros(dims, dtype="int32"))
        else:
            arrays.append(rng.standard_normal(dims).astype("float32") if random else np.zeros(dims, dtype="float32"))
    return arrays


def _flat(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _single(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else items


def _loss(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("loss")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


EXPERIMENTS: dict[str, Callable[[Any, Probe], Reply]] = {
    "build": build,
    "instantiate": instantiate,
    "attribute": attribute,
    "run": run,
    "state": state,
}
