"""The numbers the editor and the picture show are those ``rnnlint shapes`` computes."""

from __future__ import annotations

import json

from conftest import REPO, rnnlint_process

from rnnlint import explain
from rnnlint.runner import extract_modules

ZOO = str(REPO / "fixtures" / "layer_zoo.py")


def test_each_formula_evaluates_to_the_parameter_count_of_rnnlint_shapes() -> None:
    reported = json.loads(rnnlint_process("shapes", "--format", "json", ZOO, cwd=REPO).stdout)
    params = {(layer["line"], layer["layer"]): layer["params"] for model in reported for layer in model["layers"]}
    [module], _ = extract_modules((ZOO,))
    formulas = {}
    for model in module.models:
        for view in explain.layer_views(model):
            if view.formula is not None:
                formulas[view.layer.label] = view.formula.symbols
                assert eval(view.formula.numbers.replace("x", "*")) == view.params  # the arithmetic shown is right
                assert params[(view.layer.span.line, view.layer.label)] == view.params
    assert formulas["GRU(10)"] == "3 x (units x (features + units) + units)"  # reset_after=False
    assert formulas["GRU(6)"] == "3 x (units x (features + units) + 2 x units)"  # Keras 3 default reset_after=True
    assert formulas["LSTM(7)"] == "4 x units x (features + units)"  # use_bias=False
    assert formulas["SimpleRNN(12)"] == "units x (features + units) + units"
    assert formulas["Bidirectional(LSTM(5))"] == "2 x (4 x (units x (features + units) + units))"
    assert formulas["Dense(3)"] == "features x units + units"


def test_axis_names_say_which_axis_is_units() -> None:
    [module], _ = extract_modules((str(REPO / "fixtures" / "seed000_stateful_guide.py"),), "2")
    views = explain.layer_views(module.models[0])
    assert [explain.shape_with_axes(v.output, v.output_axes) for v in views] == [
        "(32, 8, 32) batch, timesteps, units",
        "(32, 8, 32) batch, timesteps, units",
        "(32, 32) batch, units",
        "(32, 10) batch, units",
    ]
    assert explain.shape_with_axes(views[0].inputs, views[0].input_axes) == "(32, 8, 16) batch, timesteps, features"
    [fit] = [call for call in module.calls if call.method == "fit"]
    batching = explain.batching(module, fit)
    assert batching is not None and (batching.samples, batching.batches, batching.last) == (320, 10, 32)
