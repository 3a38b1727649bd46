"""``--confirm`` with real TensorFlow: Keras itself shows each finding.

Slow (a TensorFlow worker per Keras version, shared by the session through
the ``tf_workers`` fixture), and run in CI: Keras 3 is ``keras``, Keras 2 is
``tf_keras``.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, SHARED, Invoke, rnnlint_process, shared, shared_files, write

from rnnlint.confirm.client import WorkerPool
from rnnlint.confirm.plan import plan_model
from rnnlint.confirm.protocol import Probe
from rnnlint.confirm.session import Confirmer, ConfirmOptions
from rnnlint.findings import FileResult
from rnnlint.pipeline import check_file, check_source
from rnnlint.rules import BY_CODE, select_rules
from rnnlint.testing import expected

pytestmark = pytest.mark.slow

FIXTURES = REPO / "fixtures"
CHALLENGE = SHARED / "challenge"
KERAS2_CHALLENGE = {"c01", "c02", "c04", "c09"}
ERROR_RULES = tuple(rule.code for rule in BY_CODE.values() if rule.experiment and rule.experiment.judge is None)
"""The rules whose findings Keras shows by raising the error they declare."""

NOT_CONFIRMED = {
    ("subclassed_missing_return_sequences.py", "RNN011"): ("unconfirmed", "the model's input shape is not known"),
}
"""Every finding of the fixtures is confirmed but this one: a subclassed
model's input shape is unknown, so it cannot be rebuilt. (A last batch of one
sample, which Keras broadcasts instead of failing, is confirmed by the quiet
run: see confirm/remainder_of_one.py.)"""


def confirm(
    pool: WorkerPool, result: FileResult, mode: str = "findings", cache_dir: Path | None = None
) -> tuple[FileResult, Confirmer]:
    confirmer = Confirmer(ConfirmOptions(mode, str(cache_dir) if cache_dir else None), pool=pool, stream=io.StringIO())
    return confirmer.confirm(result), confirmer


def statuses(result: FileResult) -> list[tuple[int, str, str]]:
    return [(f.span.line, f.code, f.confirmation.status if f.confirmation else "-") for f in result.findings]


def described(result: FileResult) -> str:
    return "\n".join(f"{f.span.line} {f.code}: {f.confirmation}" for f in result.findings)


FIXTURE_PROGRAMS = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize("path", FIXTURE_PROGRAMS, ids=[str(p.relative_to(FIXTURES)) for p in FIXTURE_PROGRAMS])
def test_fixture_findings_confirm_and_clean_models_run(tf_workers: WorkerPool, path: Path, version: int) -> None:
    """Keras 3: every finding; Keras 2: the error rules. Every other recurrent
    model is built and called too: Keras must accept it unless the fixture
    expects RNN099."""
    source = path.read_text()
    result = check_file(str(path), select_rules(), str(version), prefilter=False)
    if version == 2:
        result = replace(result, findings=tuple(f for f in result.findings if f.code in ERROR_RULES))
    confirmed, _ = confirm(tf_workers, result, mode="all")
    runtime_errors = {(line, code) for line, code in expected(source, version) if code == "RNN099"}
    assert {(f.span.line, f.code) for f in confirmed.findings if f.code == "RNN099"} == runtime_errors
    name = str(path.relative_to(FIXTURES))
    for finding in confirmed.findings:
        assert finding.confirmation is not None
        status, detail = NOT_CONFIRMED.get((name, finding.code), ("confirmed", ""))
        shown = f"{finding.span.line} {finding.code}: {finding.confirmation}"
        assert finding.confirmation.status == status, shown
        assert detail in finding.confirmation.detail, shown


CHALLENGE_PROGRAMS = shared_files("challenge")


@pytest.mark.parametrize("path", CHALLENGE_PROGRAMS, ids=[path.stem for path in CHALLENGE_PROGRAMS])
def test_challenge_findings_confirm(tf_workers: WorkerPool, path: Path) -> None:
    version = 2 if shared(path).name[:3] in KERAS2_CHALLENGE else 3
    result = check_file(str(path), select_rules(), str(version), prefilter=False)
    confirmed, confirmer = confirm(tf_workers, result, mode="all")
    assert len(confirmed.findings) == len(result.findings)  # no RNN099: nothing the rules missed
    assert all(status == "confirmed" for _, _, status in statuses(confirmed)), described(confirmed)
    if not result.findings:  # c01, c05: the clean programs build and run
        assert confirmer.tally.clean_models == 1


CHALLENGE2_DATA = [path for path in shared_files("challenge2") if path.name[:3] <= "c10"] or shared_files("challenge2")
"""The second set's programs whose shapes come from data code (c01-c10)."""
CONFIRMED_RATE = 0.9


def test_challenge2_data_findings_confirm_at_the_rate_the_issue_sets(tf_workers: WorkerPool) -> None:
    """At least 90% of the error-type findings on programs whose sizes are only
    known at run time are confirmed, with stand-ins named in the evidence."""
    shown: list[str] = []
    confirmed = 0
    for path in CHALLENGE2_DATA:
        version = int(shared(path).read_text().splitlines()[0].split(":")[1])
        result = check_file(str(path), select_rules(), str(version), prefilter=False)
        result = replace(result, findings=tuple(f for f in result.findings if f.code in ERROR_RULES))
        for finding in confirm(tf_workers, result)[0].findings:
            assert finding.confirmation is not None
            confirmed += finding.confirmation.status == "confirmed"
            shown.append(f"{path.name}:{finding.span.line} {finding.code}: {finding.confirmation}")
    assert len(shown) >= len(CHALLENGE2_DATA) - 1, "\n".join(shown)
    assert confirmed >= CONFIRMED_RATE * len(shown), "\n".join(shown)
    assert any("with 64 samples standing in for len(X_train)" in line for line in shown), "\n".join(shown)


def test_error_messages_are_keras_own(tf_workers: WorkerPool) -> None:
    keras3 = check_file(str(shared(CHALLENGE / "c12_keras3_migration.py")), select_rules(), "3", prefilter=False)
    details = [f.confirmation.detail for f in confirm(tf_workers, keras3)[0].findings if f.confirmation]
    assert details == [
        "ValueError: Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': (8, 15, 2)}",
        "AttributeError: 'Sequential' object has no attribute 'reset_states'",
    ]
    keras2 = check_file(
        str(shared(CHALLENGE / "c04_keras1_stateful_no_batch.py")), select_rules(), "2", prefilter=False
    )
    (finding,) = confirm(tf_workers, keras2)[0].findings
    assert finding.confirmation is not None
    assert finding.confirmation.detail.startswith("ValueError: If a RNN is stateful, it needs to know its batch size")
    assert finding.confirmation.keras_version is not None and finding.confirmation.keras_version.startswith("2.")


def test_silent_rules_show_their_evidence(tf_workers: WorkerPool) -> None:
    shuffled = check_file(
        str(shared(CHALLENGE / "c03_tfdata_shuffle_stateful.py")), select_rules(), "3", prefilter=False
    )
    (finding,) = confirm(tf_workers, shuffled)[0].findings
    assert finding.confirmation is not None
    assert finding.confirmation.detail.startswith("after batch 1 the states hold values up to ")
    broadcast = check_file(
        str(shared(CHALLENGE / "c07_timedistributed_vs_2d_target.py")), select_rules(), "3", prefilter=False
    )
    (finding,) = confirm(tf_workers, broadcast)[0].findings
    assert finding.confirmation is not None
    assert (
        "output (2, 12, 1), targets (2, 1): the loss is broadcast across the time axis" in finding.confirmation.detail
    )


@pytest.mark.parametrize("rule", [rule for rule in BY_CODE.values() if rule.confirm_only], ids=lambda rule: rule.code)
def test_confirm_only_rule_examples(tf_workers: WorkerPool, rule: type) -> None:
    for example in (*rule.valid, *rule.invalid):
        result = check_source("example.py", example.code, select_rules(), str(example.keras), prefilter=False)
        confirmed, _ = confirm(tf_workers, result, mode="all")
        want = expected(example.code, example.keras)
        assert {(f.span.line, f.code) for f in confirmed.findings} == want, statuses(confirmed)


def test_a_model_too_large_for_the_memory_cap_is_unconfirmed(tf_workers: WorkerPool) -> None:
    source = (
        "import keras\n"
        "m = keras.Sequential([keras.Input(shape=(8, 16)), keras.layers.LSTM(20000), keras.layers.LSTM(4)])\n"
    )
    result = check_source("huge.py", source, select_rules(), "3", prefilter=False)
    (finding,) = confirm(tf_workers, result)[0].findings
    assert finding.code == "RNN011" and finding.confirmation is not None
    assert finding.confirmation.status == "unconfirmed"
    assert finding.confirmation.detail.startswith("out of memory in the worker: ResourceExhaustedError")


def test_killing_the_worker_mid_run_loses_no_finding(tf_workers: WorkerPool, monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "seed000_not_divisible.py"
    result = check_file(str(path), select_rules(), "3", prefilter=False)
    assert len(result.findings) == 3
    worker = tf_workers.worker(3)
    worker.ask(confirm_probe(result))  # the worker is up before the run starts
    killed: list[int] = []
    read_reply = worker._read
    starts = worker.starts

    def kill_then_read(timeout: float, reason: str) -> dict:
        """The first probe of the run is sent, and its fit() takes far longer
        than this: the worker dies with the probe in flight."""
        if not killed and worker.pid is not None:
            killed.append(worker.pid)
            os.kill(worker.pid, signal.SIGKILL)
        return read_reply(timeout, reason)

    monkeypatch.setattr(worker, "_read", kill_then_read)
    confirmed, _ = confirm(tf_workers, result)
    assert killed
    assert [(f.span, f.code) for f in confirmed.findings] == [(f.span, f.code) for f in result.findings]
    details = [f.confirmation.detail for f in confirmed.findings if f.confirmation]
    assert details[0] == "worker died (killed by SIGKILL)", details
    assert [f.confirmation.status for f in confirmed.findings[1:] if f.confirmation] == ["confirmed", "confirmed"]
    assert worker.starts == starts + 1, "a new worker took over"


def confirm_probe(result: FileResult) -> Probe:
    """A cheap probe to start the worker with."""
    assert result.module is not None
    return plan_model(result.module, result.module.models[0]).probe


# -- the command line, as a user runs it -------------------------------------------------------

SEED = FIXTURES / "seed000_stateful_guide.py"


def test_seed000_under_keras3_then_again_without_tensorflow(tmp_path: Path) -> None:
    """Keras's own message; then the cached re-run imports no TensorFlow (any attempt would fail)."""
    write(tmp_path, {"seed.py": SEED.read_text()})
    first = rnnlint_process("--isolated", "--keras", "3", "--confirm", "--format", "full", "seed.py", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    heading = first.stdout.splitlines()[0]
    assert heading.startswith("seed.py:17:16: RNN040 ") and heading.endswith("[confirmed]"), first.stdout
    assert "Keras 3 has no batch_input_shape= argument" in heading
    keras_line = (
        "  = keras: ValueError: Unrecognized keyword arguments passed to LSTM: {'batch_input_shape': (32, 8, 16)}"
    )
    assert keras_line in first.stdout
    poison = tmp_path / "poison"
    for name in ("tensorflow", "keras", "tf_keras"):
        write(poison, {f"{name}/__init__.py": f"raise ImportError('{name} must not be imported')\n"})
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom rnnlint.cli import main\n"
        "result = CliRunner().invoke(main, ['--isolated', '--keras', '3', '--confirm', 'seed.py'])\n"
        "print(result.output)\n"
        "print('heavy:', sorted(m for m in ('tensorflow', 'keras', 'tf_keras', 'numpy') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(poison), str(REPO)])}
    again = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "RNN040" in again.stdout and "[confirmed]" in again.stdout, again.stdout + again.stderr
    assert "heavy: []" in again.stdout
    assert "1 confirmed (1 from the cache)" in again.stdout


def test_seed000_under_keras2_is_clean_and_builds(tmp_path: Path) -> None:
    write(tmp_path, {"seed.py": SEED.read_text()})
    result = rnnlint_process("--isolated", "--keras", "2", "--confirm=all", "seed.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "All checks passed (1 file checked).\n"
    assert "rnnlint: --confirm: 1 model(s) without findings built and ran." in result.stderr


def test_nothing_of_the_users_code_runs(tmp_path: Path) -> None:
    """Module body, os.system, decorators, default and layer arguments, class
    bodies: none runs, and modules named like Keras's in the project are not imported."""
    markers = tmp_path / "markers"
    markers.mkdir()
    program = (FIXTURES / "confirm" / "side_effects.py").read_text()
    shadow = f"open({str(markers / 'shadow_import')!r}, 'w').write('imported')\n"
    write(tmp_path, {"project/model.py": program, **{f"project/{name}.py": shadow for name in ("keras", "numpy")}})
    env = {"RNNLINT_SIDE_EFFECTS": str(markers)}
    result = rnnlint_process(
        "--isolated", "--keras", "3", "--confirm=all", "model.py", cwd=tmp_path / "project", env=env
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ")[1] for line in lines[:2]] == ["RNN011", "RNN002"]
    assert all(line.endswith("[confirmed]") for line in lines[:2]), result.stdout
    assert sorted(os.listdir(markers)) == []


def test_runtime_errors_follow_noqa_and_ignore(tf_workers: WorkerPool, cli: Invoke, tmp_path: Path) -> None:
    program = (FIXTURES / "confirm" / "runtime_error.py").read_text()
    write(tmp_path, {"model.py": program})
    confirm(tf_workers, check_file("model.py", select_rules(), "auto"), "all", tmp_path / ".rnnlint_cache")
    shown = cli("--isolated", "--confirm=all", "model.py")
    assert shown.exit_code == 1
    assert shown.stdout.startswith("model.py:12:9: RNN099 Keras raises ValueError building model, which no rnnlint")
    assert cli("--isolated", "--confirm=all", "--ignore", "RNN099", "model.py").exit_code == 0
    write(tmp_path, {"model.py": program.replace("# expect: RNN099", "# noqa: RNN099")})
    quiet = cli("--isolated", "--confirm=all", "model.py")
    assert quiet.exit_code == 0, quiet.stdout
    assert cli("--isolated", "--confirm", "model.py").stdout == "All checks passed (1 file checked).\n"


def _confirm_with_stderr(tmp_path: Path, stderr_is_terminal: bool, *options: str) -> tuple[str, str]:
    """``rnnlint --confirm`` on the Keras 2 guide's model, stderr on a pseudo-terminal or a pipe,
    stdout on a pipe; a fresh cache, so TensorFlow starts. (stdout, stderr) as written."""
    import pty

    fixture = REPO / "fixtures" / "seed000_stateful_guide.py"
    args = ["--keras", "3", "--confirm", "--no-cache", "--cache-dir", str(tmp_path / "cache"), *options, str(fixture)]
    command = [sys.executable, "-m", "rnnlint", *args]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    if not stderr_is_terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600, check=False)
        return done.stdout, done.stderr
    main_fd, replica_fd = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=replica_fd, env=environment, text=True)
    os.close(replica_fd)
    written = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal is gone: the process closed its side
            break
        if not chunk:
            break
        written += chunk
    stdout, _ = process.communicate(timeout=600)
    os.close(main_fd)
    return stdout, written.decode()


@pytest.mark.slow
def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    """On a pseudo-terminal: TensorFlow starting, then the model and how many
    are left, cleared before the summary; never on a pipe or in a machine format."""
    stdout, stderr = _confirm_with_stderr(tmp_path / "tty", True)
    assert "\r\x1b[Krnnlint: starting TensorFlow (Keras 3)..." in stderr
    line = "rnnlint: confirming model (" + str(REPO / "fixtures" / "seed000_stateful_guide.py") + ":15) in TensorFlow"
    assert line in stderr and "0 more models left" in stderr
    assert "\r\x1b[Krnnlint: --confirm: 1 confirmed." in stderr  # cleared before the summary line
    assert "[confirmed]" in stdout and "\x1b" not in stdout
    _, piped = _confirm_with_stderr(tmp_path / "pipe", False)
    assert "\r" not in piped and "starting TensorFlow" not in piped
    assert piped.startswith("rnnlint: --confirm: 1 confirmed."), piped
    _, machine = _confirm_with_stderr(tmp_path / "json", True, "--format", "json")
    assert "starting TensorFlow" not in machine and "\x1b" not in machine
