"""``--confirm`` without TensorFlow: specs, plans, verdicts, cache, output, and
a client facing workers that die, hang or talk nonsense (fake worker scripts).

The tests with real TensorFlow are in test_confirm_tf.py and test_shapes_tf.py.
"""

from __future__ import annotations

import io
import json
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Invoke, sarif_schema, write

from rnnlint.cli import _bare_confirm
from rnnlint.confirm import client as client_module
from rnnlint.confirm.cache import Cache, cache_key, default_folder
from rnnlint.confirm.client import Limits, Worker, WorkerError, WorkerPool, WorkerUnavailable
from rnnlint.confirm.display import as_json, detail_line, tag
from rnnlint.confirm.messages import first_line
from rnnlint.confirm.plan import NoPlan, plan_finding, remainder_rows, split_rows
from rnnlint.confirm.progress import Progress
from rnnlint.confirm.protocol import Failure, LayerSpec, Probe, Reply
from rnnlint.confirm.session import Confirmer, ConfirmOptions, counts_for_exit
from rnnlint.confirm.spec import Unbuildable, model_spec
from rnnlint.confirm.verdict import judge
from rnnlint.confirm.versions import Versions, installed
from rnnlint.findings import Confirmation, Finding
from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

VERSIONS = Versions("3.15.1", "2.21.0")


def analyse(source: str, keras: int = 3) -> tuple[Finding, ...]:
    result = check_source("example.py", textwrap.dedent(source), select_rules(), str(keras), prefilter=False)
    return result.findings


def module_of(source: str, keras: int = 3):  # type: ignore[no-untyped-def]
    result = check_source("example.py", textwrap.dedent(source), select_rules(), str(keras), prefilter=False)
    assert result.module is not None
    return result.module, result.findings


STATEFUL_FIT = """
import numpy as np
import keras
model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(4, stateful=True)])
model.compile(loss="mse", optimizer="adam")
model.fit(np.zeros((325, 8, 16)), np.zeros((325, 4)), batch_size=32, shuffle=False)
"""


# -- the line of a Keras error worth showing ----------------------------------------


def test_first_line_of_a_graph_execution_error() -> None:
    text = (
        "Graph execution error:\n\nDetected at node functional_1/lstm_1/while/Add defined at (most recent call last):\n"
        '  File "/x/trainer.py", line 587, in predict\n\n  File "/x/numpy.py", line 131, in add\n\n'
        "Incompatible shapes: [2,12] vs. [4,12]\n\t [[{{node functional_1/lstm_1/while/Add}}]] [Op:__inference_433]"
    )
    assert first_line(text) == "Incompatible shapes: [2,12] vs. [4,12]"


def test_first_line_of_an_error_without_stack_traces() -> None:
    text = (
        "Graph execution error:\n\nDetected at node functional_1/dense_1/Add defined at (most recent call last):\n"
        "<stack traces unavailable>\nMatrix size-incompatible: In[0]: [2,384], In[1]: [192,1]\n"
        "\t [[{{node functional_1/dense_1/Add}}]] [Op:__inference_multi_step_on_iterator_883]"
    )
    assert first_line(text) == "Matrix size-incompatible: In[0]: [2,384], In[1]: [192,1]"


def test_first_line_of_tf_keras_user_code_error() -> None:
    text = (
        "in user code:\n\n"
        '    File "/x/training.py", line 2436, in predict_function  *\n        return step_function(self, iterator)\n'
        '    File "/x/input_spec.py", line 308, in assert_input_compatibility\n        raise ValueError(\n\n'
        "    ValueError: Exception encountered when calling layer 'model_1' (type Functional).\n    \n"
        '    Input 0 of layer "lstm_1" is incompatible with the layer: expected shape=(1, None, 1), '
        "found shape=(32, 3, 1)\n"
    )
    assert first_line(text).startswith('Input 0 of layer "lstm_1" is incompatible')


def test_first_line_strips_keras3_wrapper_and_colours() -> None:
    text = (
        "Exception encountered when calling Reshape.call().\n\n"
        "\x1b[1mThe total size of the tensor must be unchanged.\x1b[0m\n\n"
        "Arguments received by Reshape.call():\n  • args=(...)"
    )
    assert first_line(text) == "The total size of the tensor must be unchanged."


# -- the spec: allowlisted classes, literal arguments --------------------------------


def test_spec_keeps_literals_and_folds_the_input() -> None:
    module, _ = module_of(
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense, Embedding
        model = Sequential()
        model.add(Embedding(1000, 16, input_length=20))
        model.add(LSTM(32, return_sequences=False, activation=my_activation))
        model.add(Dense(1, activation="sigmoid"))
        """
    )
    built = model_spec(module.models[0])
    layers = [node.layer for node in built.spec.nodes]
    assert [layer.cls for layer in layers] == ["InputLayer", "Embedding", "LSTM", "Dense"]
    assert dict(layers[0].kwargs) == {"shape": (20,)}
    assert dict(layers[1].kwargs) == {"input_dim": 1000, "output_dim": 16}  # the vocabulary stays
    assert dict(layers[2].kwargs) == {"units": 32, "return_sequences": False}
    assert built.defaults == ("activation= of LSTM(32) on line 6",)
    assert built.declared == ((None, 20),) and built.call_shapes == ((2, 20),)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("model = keras.Sequential([keras.Input(shape=(8, 4)), keras.layers.LSTM(n)])", "units= of LSTM on line 2"),
        ("model = keras.Sequential([keras.Input(shape=(8, 4)), keras.layers.Lambda(abs)])", "Lambda on line 2 is not"),
        ("model = keras.Sequential([keras.layers.LSTM(4)])", "input shape is not known"),
        ("model = keras.Sequential([keras.Input(shape=(8, n)), keras.layers.LSTM(4)])", "input shape is not known"),
        ("model = keras.Sequential()\nfor u in (4, 8):\n    model.add(keras.layers.Dense(u))", "not all known"),
    ],
)
def test_spec_refuses_what_it_cannot_rebuild_faithfully(source: str, reason: str) -> None:
    module, _ = module_of("import keras\n" + source)
    with pytest.raises(Unbuildable, match=reason):
        model_spec(module.models[0])


NESTED = """
import keras
encoder = keras.Sequential([keras.Input(shape=(10, 3)), keras.layers.LSTM(8)])
model = keras.Sequential([keras.Input(shape=(10, 3)), encoder, keras.layers.Dense(1)])
"""


def test_a_model_used_as_a_layer_is_rebuilt_from_its_own_spec() -> None:
    module, _ = module_of(NESTED)
    outer = model_spec(module.models[1])
    nested = outer.spec.nodes[1].layer
    assert nested.cls == "Model" and nested.model is not None
    assert [node.layer.cls for node in nested.model.nodes] == ["InputLayer", "LSTM"]
    assert LayerSpec.from_json(json.loads(json.dumps(nested.to_json()))) == nested
    assert "model" not in outer.spec.nodes[2].layer.to_json()  # other layers' probe keys stay as they were


def test_a_nested_model_that_cannot_be_rebuilt_names_itself() -> None:
    module, _ = module_of(NESTED.replace("LSTM(8)", "LSTM(n)"))
    with pytest.raises(Unbuildable, match="used as a layer: units= of LSTM on line 3 is not a literal"):
        model_spec(module.models[1])


# -- plans: the smallest data that shows the problem --------------------------------


def test_one_full_batch_plus_the_remainder() -> None:
    assert remainder_rows(325, 32) == 37
    assert remainder_rows(20, 32) == 20
    assert remainder_rows(320, 32) == 32


def test_validation_split_keeps_the_users_remainders() -> None:
    # 1010 samples, split 0.2: 808 train (remainder 8) + 202 validation (remainder 2)
    assert split_rows(1010, 0.2, 10) == 60  # 48 + 12: the same remainders, both parts over a batch


def test_plan_for_samples_not_divisible() -> None:
    module, findings = module_of(STATEFUL_FIT)
    (finding,) = findings
    plan = plan_finding(finding, module)
    probe = plan.probe
    assert (probe.kind, probe.method, probe.batch_size, probe.loss) == ("run", "fit", 32, "mse")
    assert probe.x == ((37, 8, 16),) and probe.y == ((37, 4),)
    assert plan.ran == "ran fit(batch_size=32) on 37 samples shaped (37, 8, 16)"


LOADED_SAMPLES = """
import numpy as np
import keras
X = np.load("x.npy")
y = np.load("y.npy")
model = keras.Sequential()
model.add(keras.layers.LSTM(16, input_shape=X.shape))
model.add(keras.layers.Dense(n_classes, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(X, y, batch_size=64)
"""


def test_samples_of_unknown_rank_data_stand_in_and_the_build_stops_at_the_recurrent_layer() -> None:
    module, findings = module_of(LOADED_SAMPLES)
    (finding,) = findings
    plan = plan_finding(finding, module)
    assert plan.probe.kind == "build" and plan.probe.x == ((2, 64, 8, 6),)
    assert plan.probe.model is not None and [node.layer.cls for node in plan.probe.model.nodes] == [
        "InputLayer",
        "LSTM",
    ]  # Dense(n_classes) after it cannot change the error at the LSTM
    assert plan.stand_ins.endswith("with 64 samples standing in for len(X), X taken as 3-D, its other axes 8 and 6")
    assert "up to LSTM(16)" in plan.stand_ins


def test_samples_written_into_a_2d_input_shape_run_the_call_with_a_stand_in() -> None:
    source = """
    import numpy as np
    import pandas as pd
    import keras
    signal = pd.read_csv("s.csv")[["a", "b", "c"]].values
    X = []
    for start in range(0, len(signal) - 64, 8):
        X.append(signal[start:start + 64])
    X = np.array(X)
    model = keras.Sequential([keras.layers.LSTM(8, input_shape=(X.shape[0], X.shape[2])), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(X, np.zeros((len(X), 1)), batch_size=32)
    """
    module, findings = module_of(source, keras=2)
    (finding,) = findings
    plan = plan_finding(finding, module)
    assert (plan.probe.kind, plan.probe.method) == ("run", "fit")
    assert plan.probe.x == ((48, 64, 3),)  # 64 is a timestep count here: the samples take the next size
    assert plan.probe.model is not None and dict(plan.probe.model.nodes[0].layer.kwargs) == {"shape": (48, 3)}
    assert plan.stand_ins == "with 48 samples standing in for len(X)"
    reply = Reply(Failure("ValueError", "expected shape=(None, 48, 3), found shape=(48, 64, 3)", "run"))
    confirmation = judge(finding, plan, reply, VERSIONS)
    assert confirmation.status == "confirmed" and confirmation.detail.endswith(plan.stand_ins + ")")
    module, findings = module_of(source, keras=3)  # a Keras 3 Sequential does not check its timesteps
    (finding,) = findings
    assert finding.message.endswith("runs the model on the data's own timesteps without an error")
    with pytest.raises(NoPlan, match="without an error, as the finding says"):
        plan_finding(finding, module)


WINDOWS = """
import numpy as np
import keras
values = np.zeros((1000, 4))
train = keras.utils.timeseries_dataset_from_array(values[:-1], values[48:, 0], sequence_length=48, batch_size=128)
inputs = keras.Input(shape=(24, 4))
x = keras.layers.LSTM(8, return_sequences=True)(inputs)
x = keras.layers.Flatten()(x)
model = keras.Model(inputs, keras.layers.Dense(1)(x))
model.compile(loss="mse", optimizer="adam")
model.fit(train, epochs=2)
"""


def test_a_time_series_dataset_is_cut_again_in_the_worker() -> None:
    module, findings = module_of(WINDOWS)
    (finding,) = findings
    plan = plan_finding(finding, module)
    probe = plan.probe
    assert probe.timeseries and probe.x == ((2, 48, 4),) and probe.y == ((2, 1),)
    assert Probe.from_json(json.loads(json.dumps(probe.to_json()))) == probe
    assert "timeseries_dataset_from_array" in plan.ran


def test_no_plan_where_keras_runs_a_time_series_dataset_without_an_error() -> None:
    module, findings = module_of(WINDOWS.replace("x = keras.layers.Flatten()(x)\n", "").replace("True", "False"))
    (finding,) = findings
    with pytest.raises(NoPlan, match="without an error, as the finding says"):
        plan_finding(finding, module)


def test_plan_for_a_removed_argument_passes_it_as_written() -> None:
    module, findings = module_of("import keras\nlstm = keras.layers.LSTM(4, batch_input_shape=(8, 5, 2))\n")
    (finding,) = findings
    probe = plan_finding(finding, module).probe
    assert probe.kind == "instantiate" and probe.layer is not None
    assert dict(probe.layer.kwargs) == {"units": 4, "batch_input_shape": (8, 5, 2)}


def test_no_plan_for_shuffling_a_model_keras_cannot_build() -> None:
    no_batch = STATEFUL_FIT.replace("batch_shape=(32, 8, 16)", "shape=(8, 16)").replace(", shuffle=False", "")
    module, findings = module_of(no_batch)
    assert [finding.code for finding in findings] == ["RNN001", "RNN002"]
    with pytest.raises(NoPlan, match="the stateful model has no fixed batch size"):
        plan_finding(findings[1], module)


# -- verdicts --------------------------------------------------------------------------


def test_an_error_rule_is_confirmed_by_the_error_it_predicts() -> None:
    module, findings = module_of(STATEFUL_FIT)
    plan = plan_finding(findings[0], module)
    failure = Failure("InvalidArgumentError", "Incompatible shapes: [5,4] vs. [32,4]", "run")
    confirmation = judge(findings[0], plan, Reply(failure=failure), VERSIONS)
    assert confirmation.status == "confirmed"
    assert confirmation.detail.startswith("InvalidArgumentError: Incompatible shapes: [5,4] vs. [32,4] (ran fit(")
    assert (confirmation.keras_version, confirmation.tensorflow_version) == ("3.15.1", "2.21.0")


def test_verdicts_other_than_confirmed() -> None:
    module, findings = module_of(STATEFUL_FIT)
    plan = plan_finding(findings[0], module)
    quiet = judge(findings[0], plan, Reply(output_shapes=((32, 4),)), VERSIONS)
    assert quiet.status == "not-reproduced" and "Keras raised no error" in quiet.detail
    other = judge(findings[0], plan, Reply(failure=Failure("TypeError", "bad loss", "run")), VERSIONS)
    assert other.status == "unconfirmed" and "another error: TypeError: bad loss" in other.detail
    memory = judge(findings[0], plan, Reply(failure=Failure("ResourceExhaustedError", "OOM", "run")), VERSIONS)
    assert memory.status == "unconfirmed" and memory.detail.startswith("out of memory")


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_a_last_batch_of_one_sample_is_confirmed_by_the_quiet_run(method: str) -> None:
    """Keras broadcasts a single last sample against the state of a full batch
    (measured: predict returns 50 rows for 41 samples); a batch of 2 fails."""
    calls = {
        "fit": "model.fit(np.zeros((33, 8, 16)), np.zeros((33, 4)), batch_size=32, shuffle=False)",
        "predict": "model.predict(np.zeros((33, 8, 16)), batch_size=32)",
    }
    source = STATEFUL_FIT.replace(calls["fit"].replace("33", "325"), calls[method])
    module, findings = module_of(source)
    (finding,) = findings
    assert finding.code == "RNN003" and "broadcasts" in finding.message
    plan = plan_finding(finding, module)
    rows = plan.probe.x[0][0]
    assert rows == 33
    returned = Reply(output_shapes=((64 if method == "predict" else 32, 4),))
    confirmation = judge(finding, plan, returned, VERSIONS)
    assert confirmation.status == "confirmed", confirmation
    if method == "predict":
        assert "returned 64 rows for 33 samples" in confirmation.detail
    two = module_of(STATEFUL_FIT.replace("325", "34"))
    quiet_on_two = judge(two[1][0], plan_finding(two[1][0], two[0]), Reply(output_shapes=((32, 4),)), VERSIONS)
    assert quiet_on_two.status == "not-reproduced", "a last batch of two must fail"


# -- protocol, cache, versions ---------------------------------------------------------


def test_probe_and_reply_survive_json() -> None:
    module, findings = module_of(STATEFUL_FIT)
    probe = plan_finding(findings[0], module).probe
    assert Probe.from_json(json.loads(json.dumps(probe.to_json()))) == probe
    reply = Reply(Failure("ValueError", "no", "build"), ((2, 4),), (((None, 4),),), (0, 20), (0.0, 1.0), 0.5)
    assert Reply.from_json(json.loads(json.dumps(reply.to_json()))) == reply


def test_cache_key_depends_on_probe_and_versions(tmp_path: Path) -> None:
    probe = Probe("instantiate", "RNN040", 3, layer=LayerSpec(1, "LSTM", (("units", 4),)))
    other = Probe("instantiate", "RNN040", 3, layer=LayerSpec(1, "LSTM", (("units", 5),)))
    key = cache_key(probe, VERSIONS)
    assert key != cache_key(other, VERSIONS)
    assert key != cache_key(probe, Versions("3.15.2", "2.21.0"))
    assert key != cache_key(probe, Versions("3.15.1", "2.22.0"))
    cache = Cache(tmp_path / "cache")
    assert cache.get(key) is None
    reply = Reply(failure=Failure("ValueError", "Unrecognized keyword arguments", "build"))
    cache.put(key, reply)
    assert cache.get(key) == reply and cache.hits == 1
    assert (tmp_path / "cache" / ".gitignore").read_text().endswith("*\n")
    crashed = cache_key(other, VERSIONS)
    cache.put(crashed, Reply(failure=Failure("MemoryError", "", "worker")))
    assert cache.get(crashed) is None  # a worker's trouble is never stored


def test_missing_installs_are_named() -> None:
    assert Versions(None, None).missing(3) == "tensorflow not installed (pip install 'rnnlint[confirm]')"
    assert Versions(None, "2.21.0").missing(2) == "tf_keras not installed (pip install 'rnnlint[keras2]')"
    assert installed(3).keras is None or installed(3).keras.startswith("3.")


# -- output ------------------------------------------------------------------------------


def confirmed_finding(status: str, detail: str) -> Finding:
    (finding,) = analyse("import keras\nlstm = keras.layers.LSTM(4, batch_input_shape=(8, 5, 2))\n")
    return replace(finding, confirmation=Confirmation(status, detail, "3.15.1", "2.21.0"))


def test_tags_and_detail_line() -> None:
    confirmed = confirmed_finding("confirmed", "ValueError: Unrecognized keyword arguments")
    assert tag(confirmed) == " [confirmed]"
    assert detail_line(confirmed) == "ValueError: Unrecognized keyword arguments [Keras 3.15.1, TensorFlow 2.21.0]"
    assert tag(confirmed_finding("not-reproduced", "ran")) == " [not reproduced]"
    unconfirmed = confirmed_finding("unconfirmed", "worker died (killed by SIGKILL)")
    assert tag(unconfirmed) == " [unconfirmed: worker died (killed by SIGKILL)]"
    assert detail_line(unconfirmed) is None
    assert as_json(confirmed.confirmation) == {  # type: ignore[arg-type]
        "status": "confirmed",
        "keras_version": "3.15.1",
        "tensorflow_version": "2.21.0",
        "detail": "ValueError: Unrecognized keyword arguments",
    }


def test_reports_show_the_confirmation() -> None:
    from rnnlint.formats.common import Context
    from rnnlint.output import FORMATTERS

    finding = confirmed_finding("confirmed", "ValueError: Unrecognized keyword arguments passed to LSTM")
    context = Context(1)
    assert FORMATTERS["text"]([finding], context).splitlines()[0].endswith(" [confirmed]")
    full = FORMATTERS["full"]([finding], context)
    assert "  = keras: ValueError: Unrecognized keyword arguments passed to LSTM [Keras 3.15.1" in full
    (data,) = json.loads(FORMATTERS["json"]([finding], context))
    assert data["confirmation"]["status"] == "confirmed"
    (plain,) = json.loads(FORMATTERS["json"]([replace(finding, confirmation=None)], context))
    assert "confirmation" not in plain


def test_only_not_reproduced_findings_are_spared_from_the_exit_code() -> None:
    assert counts_for_exit(confirmed_finding("confirmed", ""), strict=False)
    assert counts_for_exit(confirmed_finding("unconfirmed", "x"), strict=False)
    assert not counts_for_exit(confirmed_finding("not-reproduced", ""), strict=False)
    assert counts_for_exit(confirmed_finding("not-reproduced", ""), strict=True)


def test_progress_is_written_to_a_real_terminal_and_cleared() -> None:
    """A pseudo-terminal is a terminal; a pipe is not; a machine format never asks."""
    import os
    import pty

    main_fd, replica_fd = pty.openpty()
    try:
        with os.fdopen(replica_fd, "w", closefd=False) as terminal:
            progress = Progress(terminal)
            progress.expect(2)
            progress.starting(3)
            progress.model("model (train.py:15)")
            progress.close()
            assert not Progress(terminal, wanted=False).enabled
        written = os.read(main_fd, 4096).decode()
    finally:
        os.close(main_fd)
        os.close(replica_fd)
    assert written == (
        "\r\x1b[Krnnlint: starting TensorFlow (Keras 3)..."
        "\r\x1b[Krnnlint: confirming model (train.py:15) in TensorFlow, 1 more model left"
        "\r\x1b[K"
    )
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe:
        assert not Progress(pipe).enabled
    os.close(read_end)


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["--confirm", "model.py"], ["--confirm=findings", "model.py"]),
        (["model.py", "--confirm"], ["model.py", "--confirm=findings"]),
        (["--confirm", "all", "model.py"], ["--confirm", "all", "model.py"]),
        (["--confirm=all", "model.py"], ["--confirm=all", "model.py"]),
        (["--", "--confirm"], ["--", "--confirm"]),
    ],
)
def test_a_bare_confirm_does_not_swallow_the_path(args: list[str], parsed: list[str]) -> None:
    assert _bare_confirm(args) == parsed


def test_confirm_answers_from_the_cache_and_not_reproduced_spares_the_exit_code(cli: Invoke, tmp_path: Path) -> None:
    """No TensorFlow here: the cache holds what a worker would have answered."""
    write(tmp_path, {"model.py": STATEFUL_FIT})
    module, findings = module_of(STATEFUL_FIT)
    probe = plan_finding(findings[0], module).probe
    Cache(default_folder()).put(cache_key(probe, installed(3)), Reply(output_shapes=((32, 4),)))
    result = cli("--isolated", "--keras", "3", "--confirm", "model.py")
    assert result.stdout.splitlines()[0].endswith("[not reproduced]"), result.stdout
    assert result.exit_code == 0
    assert "rnnlint: --confirm: 1 not reproduced (1 from the cache)." in result.stderr
    strict = cli("--isolated", "--keras", "3", "--confirm", "--strict", "--format", "json", "model.py")
    assert strict.exit_code == 1
    (data,) = json.loads(strict.stdout)
    assert data["confirmation"]["status"] == "not-reproduced"
    assert data["confirmation"]["keras_version"] == installed(3).keras


def test_without_confirm_nothing_changes(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"model.py": STATEFUL_FIT})
    result = cli("--isolated", "--keras", "3", "--format", "json", "model.py")
    assert result.exit_code == 1 and "confirmation" not in result.stdout
    assert not (tmp_path / ".rnnlint_cache" / "confirm").exists()  # only the per-file results are cached


def test_the_config_confirm_key_turns_confirmation_on_and_the_option_off(cli: Invoke, tmp_path: Path) -> None:
    """No TensorFlow here either: the cache answers."""
    config = '[tool.rnnlint]\nkeras = "3"\nconfirm = "findings"\n'
    write(tmp_path, {"pyproject.toml": config, "model.py": STATEFUL_FIT})
    module, findings = module_of(STATEFUL_FIT)
    probe = plan_finding(findings[0], module).probe
    Cache(default_folder()).put(cache_key(probe, installed(3)), Reply(output_shapes=((32, 4),)))
    configured = cli("model.py")
    assert configured.stdout.splitlines()[0].endswith("[not reproduced]"), configured.stdout
    assert configured.exit_code == 0
    turned_off = cli("--confirm=off", "model.py")
    assert "[not reproduced]" not in turned_off.stdout and turned_off.exit_code == 1
    shown = cli("--confirm=off", "--show-settings", "model.py")
    assert "confirm = false" in shown.stdout


def test_annotation_formats_show_the_confirmation(cli: Invoke, tmp_path: Path) -> None:
    """GitHub, SARIF and GitLab carry one message per finding: the tag and Keras's detail go in it."""
    import jsonschema

    write(tmp_path, {"model.py": STATEFUL_FIT})
    module, findings = module_of(STATEFUL_FIT)
    probe = plan_finding(findings[0], module).probe
    Cache(default_folder()).put(cache_key(probe, installed(3)), Reply(output_shapes=((32, 4),)))
    args = ("--isolated", "--keras", "3", "--confirm", "model.py", "--format")
    annotation = cli(*args, "github").stdout
    assert "[not reproduced] " in annotation and f"Keras {installed(3).keras}" in annotation, annotation
    (issue,) = json.loads(cli(*args, "gitlab").stdout)
    assert "[not reproduced] " in issue["description"]
    log = json.loads(cli(*args, "sarif").stdout)
    assert list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(log)) == []
    (result,) = log["runs"][0]["results"]
    assert "[not reproduced] " in result["message"]["text"]
    assert result["properties"]["confirmation"]["status"] == "not-reproduced"
    assert (issue["severity"], result["level"]) == ("minor", "warning")  # lower than a finding Keras shows
    plain = ("--isolated", "--keras", "3", "model.py", "--format")
    assert json.loads(cli(*plain, "gitlab").stdout)[0]["severity"] == "major"
    assert json.loads(cli(*plain, "sarif").stdout)["runs"][0]["results"][0]["level"] == "error"


# -- the client against broken workers ------------------------------------------------------

FAKE_WORKER = """
import json, os, sys, time
mode = os.environ["FAKE_WORKER_MODE"]
out = sys.stdout
if mode == "silent":
    time.sleep(60)
if mode == "unavailable":
    out.write(json.dumps({"hello": True, "unavailable": "tf_keras not installed"}) + "\\n"); out.flush(); sys.exit(0)
out.write(json.dumps({"hello": True, "keras_version": "3.0", "tensorflow_version": "2.0"}) + "\\n"); out.flush()
for count, line in enumerate(sys.stdin, start=1):
    request = json.loads(line)
    if mode == "die-on-2" and count == 2:
        print("MemoryError: boom", file=sys.stderr); sys.stderr.flush(); os._exit(3)
    if mode == "hang":
        time.sleep(60)
    if mode == "garbage":
        out.write("this is not json\\n"); out.flush(); continue
    out.write(json.dumps({"id": request["id"], "reply": {"loss": float(count)}}) + "\\n"); out.flush()
"""

PROBE = Probe("instantiate", "RNN040", 3, layer=LayerSpec(1, "LSTM", (("units", 4),)))


@pytest.fixture
def fake_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    (tmp_path / "rnnlint_fake_worker.py").write_text(FAKE_WORKER)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(client_module, "WORKER_MODULE", "rnnlint_fake_worker")
    return monkeypatch


def test_a_dead_worker_costs_one_answer_and_is_restarted(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "die-on-2")
    worker = Worker(3, Limits(timeout=20))
    try:
        assert worker.ask(PROBE).loss == 1.0
        with pytest.raises(WorkerError, match=r"out of memory \(MemoryError: boom\)"):  # its last words
            worker.ask(PROBE)
        assert worker.ask(PROBE).loss == 1.0 and worker.starts == 2
    finally:
        worker.close()


def test_a_hung_worker_times_out_and_is_killed(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "hang")
    worker = Worker(3, Limits(timeout=0.5))
    try:
        with pytest.raises(WorkerError, match=r"timed out after 0.5 s"):
            worker.ask(PROBE)
        assert worker.pid is None
    finally:
        worker.close()


def test_garbage_on_stdout_is_a_worker_error(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "garbage")
    worker = Worker(3, Limits(timeout=20))
    try:
        with pytest.raises(WorkerError, match="unreadable reply"):
            worker.ask(PROBE)
    finally:
        worker.close()


def test_a_missing_keras_is_not_retried(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "unavailable")
    worker = Worker(2, Limits(timeout=20))
    for _ in range(2):
        with pytest.raises(WorkerUnavailable, match="tf_keras not installed"):
            worker.ask(PROBE)
    assert worker.starts == 1


def test_a_worker_that_never_starts(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "silent")
    worker = Worker(3, Limits(startup_timeout=0.5))
    with pytest.raises(WorkerUnavailable, match=r"did not start in 0.5 s"):
        worker.ask(PROBE)


def test_no_finding_is_lost_when_workers_fail(fake_worker: pytest.MonkeyPatch) -> None:
    fake_worker.setenv("FAKE_WORKER_MODE", "hang")
    source = textwrap.dedent(STATEFUL_FIT) + "model.predict(np.zeros((10, 8, 16)))\n"
    result = check_source("model.py", source, select_rules(), "3", prefilter=False)
    assert len(result.findings) == 2
    pool = WorkerPool(Limits(timeout=0.3))
    confirmer = Confirmer(ConfirmOptions(cache_dir=None), pool=pool, stream=io.StringIO())
    confirmed = confirmer.confirm(result)
    pool.close()
    assert [(f.code, f.span) for f in confirmed.findings] == [(f.code, f.span) for f in result.findings]
    assert all(f.confirmation and f.confirmation.detail == "timed out after 0.3 s" for f in confirmed.findings)
    assert pool.workers[3].starts == 2
