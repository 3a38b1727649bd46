"""Confirmation with stand-ins: findings whose error does not depend on the
unknown values are still shown in Keras, and the evidence says so."""

from __future__ import annotations

import textwrap

import pytest

from rnnlint.confirm.plan import plan_finding
from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

SOURCE = textwrap.dedent(
    """
    import keras
    from keras import layers

    def build(units):
        model = keras.Sequential()
        model.add(layers.LSTM(units, dropout_U=0.2, input_shape=(10, 2)))
        return model

    model = keras.models.load_model("m.keras")
    model.reset_states()
    """
)


def _plans() -> dict[str, object]:
    result = check_source("standins.py", SOURCE, select_rules(), "3")
    return {finding.code: plan_finding(finding, result.module) for finding in result.findings}  # type: ignore[arg-type]


def test_unknown_units_get_a_stand_in() -> None:
    plan = _plans()["RNN040"]
    assert plan.stand_in  # type: ignore[attr-defined]
    assert "8 as a stand-in for the unknown units" in plan.ran  # type: ignore[attr-defined]
    assert dict(plan.probe.layer.kwargs)["units"] == 8  # type: ignore[attr-defined]


def test_a_model_of_unknown_structure_gets_a_stand_in_model() -> None:
    plan = _plans()["RNN041"]
    assert plan.stand_in and "as a stand-in" in plan.ran  # type: ignore[attr-defined]


@pytest.mark.slow
def test_stand_ins_confirm_in_keras(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rnnlint.config import Overrides, Resolver
    from rnnlint.confirm.session import ConfirmOptions
    from rnnlint.filecache import FileCache
    from rnnlint.runner import run

    path = tmp_path / "standins.py"
    path.write_text(SOURCE)
    options = ConfirmOptions(cache_dir=None)
    report = run((str(path),), Resolver(Overrides(keras="3"), isolated=True), confirm=options, cache=FileCache(None))
    for finding in report.findings:
        assert finding.confirmation is not None and finding.confirmation.status == "confirmed", finding
        assert "stand-in" in finding.confirmation.detail
