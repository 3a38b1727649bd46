"""Static shapes and parameter counts against what Keras really builds.

For every model in fixtures/ and ../shared/challenge/ whose static output
shapes and parameter counts are all known, and which static analysis says
Keras builds, the model is rebuilt through the confirm worker (symbolically,
``keras.Input`` then each layer) and every node's output shapes and
parameter count must equal ``rnnlint.shapes.infer``'s, in Keras 2 and 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SHARED, shared, shared_files

from rnnlint.confirm.client import WorkerPool
from rnnlint.confirm.protocol import Probe
from rnnlint.confirm.spec import Unbuildable, model_spec
from rnnlint.ir import Model
from rnnlint.pipeline import check_file
from rnnlint.rules import select_rules
from rnnlint.shapes import ModelShapes, infer
from rnnlint.testing import expected
from rnnlint.values import is_int

CHALLENGE = SHARED / "challenge"
KERAS2_CHALLENGE = {"c01", "c02", "c04", "c09"}
REJECTED_BY_RULES = ("RNN001", "RNN010", "RNN011", "RNN012")
"""Findings that already say Keras cannot build the model."""


@dataclass(frozen=True)
class Case:
    path: Path
    keras: int
    line: int

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(REPO.parent)}:{self.line}-keras{self.keras}"


def _programs() -> list[tuple[Path, int]]:
    programs = [(path, version) for path in sorted((REPO / "fixtures").rglob("*.py")) for version in (2, 3)]
    for path in [path for path in shared_files("challenge") if path.is_file()]:
        programs.append((path, 2 if path.name[:3] in KERAS2_CHALLENGE else 3))
    return programs


def fully_known(model: Model, shapes: ModelShapes) -> bool:
    """Every node's outputs (ints or None) and parameter count are known, and nothing fails."""
    if not model.complete or shapes.has_errors:
        return False
    for node in shapes.nodes:
        known = all(isinstance(out, tuple) and all(d is None or is_int(d) for d in out) for out in node.outputs)
        if not known or not is_int(node.params):
            return False
    return True


def _cases() -> list[Case]:
    cases = []
    for path, version in _programs():
        source = path.read_text()
        result = check_file(str(path), select_rules(), str(version), prefilter=False)
        if result.module is None:
            continue
        rejected = {f.model for f in result.findings if f.code in REJECTED_BY_RULES}
        # Keras rejects these by design, where static shapes cannot see it yet (see RNN099's fixture)
        runtime_errors = {line for line, code in expected(source, version) if code == "RNN099"}
        for model in result.module.models:
            if model.id in rejected or model.span.line in runtime_errors or not fully_known(model, infer(model)):
                continue
            try:
                model_spec(model)
            except Unbuildable:
                continue
            cases.append(Case(path, version, model.span.line))
    return cases


CASES = _cases()


def test_there_are_many_models_to_compare() -> None:
    assert len(CASES) >= 100, [case.id for case in CASES]


def test_the_challenge_models_are_compared() -> None:
    shared(CHALLENGE)
    assert any(case.path.parent == CHALLENGE for case in CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_static_shapes_and_params_match_keras(tf_workers: WorkerPool, case: Case) -> None:
    module = check_file(str(case.path), [], str(case.keras), prefilter=False).module
    assert module is not None
    (model,) = [model for model in module.models if model.span.line == case.line][:1]
    static = infer(model)
    reply = tf_workers.ask(Probe("build", "shapes", case.keras, model=model_spec(model).spec))
    assert reply.failure is None, f"static analysis says this model builds, Keras says: {reply.failure}"
    for node, shapes, keras_shapes, keras_params in zip(
        model.nodes, static.nodes, reply.node_shapes, reply.node_params, strict=True
    ):
        where = f"{node.layer.label} on line {node.layer.span.line}"
        assert tuple(shapes.outputs) == keras_shapes, f"{where}: static {shapes.outputs}, Keras {keras_shapes}"
        assert shapes.params == keras_params, f"{where}: static {shapes.params} params, Keras {keras_params}"
