"""Hostile and pathological input: each probe of issue #14 as a test.

Every case must end with a clear result (a finding, an E902/E999, "unknown"),
within a time bound, never a traceback, a hang, code run from a cache, or an
answer a repository shipped.
"""

from __future__ import annotations

import io
import json
import os
import stat
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import Invoke, write

from rnnlint.cachedir import usable_folder
from rnnlint.confirm.cache import Cache, cache_key, default_folder
from rnnlint.confirm.client import WorkerError, WorkerTimeout
from rnnlint.confirm.plan import plan_finding
from rnnlint.confirm.protocol import Probe, Reply
from rnnlint.confirm.session import Confirmer, ConfirmOptions
from rnnlint.confirm.versions import installed
from rnnlint.filecache import FileCache
from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules

STATEFUL_FIT = textwrap.dedent(
    """
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input(batch_shape=(32, 8, 16)), keras.layers.LSTM(4, stateful=True)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(np.zeros((325, 8, 16)), np.zeros((325, 4)), batch_size=32, shuffle=True)
    """
)


def _comparable(result):  # type: ignore[no-untyped-def]
    """What a report shows of a result (the cache keeps no IR)."""
    strip = lambda findings: tuple(replace(f, call=None) for f in findings)  # noqa: E731
    return strip(result.findings), strip(result.errors), result.source


# -- caches hold data, never code -----------------------------------------------------------


def test_the_file_cache_holds_json_and_every_byte_flip_is_a_miss_or_the_same_result(tmp_path: Path) -> None:
    data = STATEFUL_FIT.encode()
    result = check_source("model.py", STATEFUL_FIT, select_rules(), "3", prefilter=False)
    assert len(result.findings) >= 2
    cache = FileCache(str(tmp_path / "cache"))
    key = cache.key("model.py", data, ("RNN",), "3")
    cache.store(key, result)
    (entry,) = (tmp_path / "cache" / "files").iterdir()
    assert entry.suffix == ".json" and json.loads(entry.read_bytes())["kind"] == "rnnlint-file-result"
    original = entry.read_bytes()
    assert _comparable(FileCache(str(tmp_path / "cache")).load(key, "model.py", data)) == _comparable(result)
    for position in range(0, len(original)):
        for flip in (0x01, 0x20, 0x80):
            damaged = bytearray(original)
            damaged[position] ^= flip
            entry.write_bytes(bytes(damaged))
            loaded = FileCache(str(tmp_path / "cache")).load(key, "model.py", data)
            assert loaded is None or _comparable(loaded) == _comparable(result), (position, flip)
    entry.write_bytes(original[: len(original) // 2])
    assert FileCache(str(tmp_path / "cache")).load(key, "model.py", data) is None


def test_an_entry_for_another_key_is_not_taken(tmp_path: Path) -> None:
    """A valid entry copied under another file's key (its header names its own key) is a miss."""
    cache = FileCache(str(tmp_path / "cache"))
    result = check_source("model.py", STATEFUL_FIT, select_rules(), "3", prefilter=False)
    cache.store("a" * 64, result)
    folder = tmp_path / "cache" / "files"
    (folder / ("a" * 64 + ".json")).rename(folder / ("b" * 64 + ".json"))
    assert cache.load("b" * 64, "model.py", STATEFUL_FIT.encode()) is None


def test_a_pickle_in_the_cache_is_never_loaded(tmp_path: Path, cli: Invoke) -> None:
    """The old format (and an attacker's payload) is simply not read."""
    import pickle

    write(tmp_path, {"model.py": STATEFUL_FIT})
    folder = tmp_path / ".rnnlint_cache" / "files"
    folder.mkdir(parents=True, mode=0o700)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(marker), "w"))

    for name in ("x.pickle", "x.json"):
        (folder / name).write_bytes(pickle.dumps(Payload()))
    result = cli("--isolated", "--keras", "3", "model.py")
    assert result.exit_code == 1 and "RNN002" in result.stdout
    assert not marker.exists()


def test_a_cache_folder_others_can_write_is_refused(tmp_path: Path, cli: Invoke) -> None:
    write(tmp_path, {"model.py": STATEFUL_FIT})
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    result = cli("--isolated", "--keras", "3", "--cache-dir", str(shared), "model.py")
    assert result.exit_code == 1 and "RNN002" in result.stdout
    assert "is writable by other users; it is not used" in result.stderr
    assert list(shared.iterdir()) == []


def test_created_cache_folders_are_owner_only_with_a_gitignore(tmp_path: Path, cli: Invoke) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\n", "sub/model.py": STATEFUL_FIT})
    os.chdir(tmp_path / "sub")
    assert cli("--keras", "3", "model.py").exit_code == 1
    root = tmp_path / ".rnnlint_cache"  # the project root (config folder), not the current folder
    assert not (tmp_path / "sub" / ".rnnlint_cache").exists()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "files").stat().st_mode) == 0o700
    assert (root / ".gitignore").read_text().endswith("*\n")


def test_cache_dir_dot_writes_no_gitignore_into_the_project(tmp_path: Path, cli: Invoke) -> None:
    write(tmp_path, {"model.py": STATEFUL_FIT})
    tmp_path.chmod(0o700)
    assert cli("--isolated", "--keras", "3", "--cache-dir", ".", "model.py").exit_code == 1
    assert not (tmp_path / ".gitignore").exists()
    assert usable_folder(str(tmp_path), create=False)


def test_a_forged_confirmation_in_the_repository_is_not_read(tmp_path: Path, cli: Invoke) -> None:
    """A repo shipping ``.rnnlint_cache/confirm/<key>.json`` (a well-formed entry) cannot
    turn a finding into "not reproduced": the answers live in the user's cache folder."""
    write(tmp_path, {"model.py": STATEFUL_FIT})
    result = check_source("model.py", STATEFUL_FIT, select_rules(), "3", prefilter=False)
    assert result.module is not None
    finding = next(f for f in result.findings if f.code == "RNN002")
    probe = plan_finding(finding, result.module).probe
    key = cache_key(probe, installed(3))
    Cache(tmp_path / ".rnnlint_cache").put(key, Reply(loss=0.0))
    Cache(tmp_path / ".rnnlint_cache").put(key.replace(key[0], "f"), Reply(loss=0.0))
    assert not Path(default_folder()).resolve().is_relative_to(tmp_path.resolve() / ".rnnlint_cache")
    asked: list[Probe] = []

    class Pool:
        def started(self, keras: int) -> bool:
            return True  # no TensorFlow to wait for

        def ask(self, probe: Probe) -> Reply:
            asked.append(probe)
            raise WorkerError("no TensorFlow in this test")

    confirmer = Confirmer(ConfirmOptions(), pool=Pool(), stream=io.StringIO())  # type: ignore[arg-type]
    confirmed = confirmer.confirm(result)
    assert probe in asked, "the worker is asked: the repository's answer is not read"
    assert all(f.confirmation is None or f.confirmation.status == "unconfirmed" for f in confirmed.findings)


def test_the_confirm_key_holds_rnnlint_code_stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    from rnnlint import cachedir

    probe = Probe("instantiate", "RNN040", 3)
    before = cache_key(probe, installed(3))
    monkeypatch.setattr(cachedir, "code_stamp", lambda: "another rnnlint")
    assert cache_key(probe, installed(3)) != before


def test_identical_experiments_run_once_and_a_timeout_is_remembered(tmp_path: Path) -> None:
    source = STATEFUL_FIT + "model.fit(np.zeros((325, 8, 16)), np.zeros((325, 4)), batch_size=32, shuffle=True)\n"
    result = check_source("model.py", source, select_rules(), "3", prefilter=False)
    asked: list[Probe] = []

    class Slow:
        def started(self, keras: int) -> bool:
            return True  # no TensorFlow to wait for

        def ask(self, probe: Probe) -> Reply:
            asked.append(probe)
            raise WorkerTimeout("timed out after 60 s")

    options = ConfirmOptions(cache_dir=str(tmp_path / "cache"))
    first = Confirmer(options, pool=Slow(), stream=io.StringIO()).confirm(result)  # type: ignore[arg-type]
    planned = [f for f in first.findings if f.confirmation is not None]
    assert len(planned) == 4 and len(asked) == 2, "two identical fit calls (RNN002, RNN003 each): two experiments"
    again = Confirmer(options, pool=Slow(), stream=io.StringIO()).confirm(result)  # type: ignore[arg-type]
    assert len(asked) == 2, "the timeouts are remembered"
    details = [f.confirmation.detail for f in again.findings if f.confirmation and f.code == "RNN002"]
    assert details and all("timed out after 60 s (remembered" in detail for detail in details)
    assert [f.code for f in first.findings] == [f.code for f in again.findings]


# -- input guards -----------------------------------------------------------------------------

MODEL = "import keras\nmodel = keras.Sequential([keras.layers.LSTM(4, stateful=True, input_shape=(3, 2))])\n"
MEASURE = """
import resource, sys
from rnnlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(f"exit={code} maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def measured(*args: str, cwd: Path, timeout: float = 10.0) -> tuple[str, int, int]:
    """``rnnlint ARGS`` in a fresh process, killed after ``timeout`` s: stdout, exit code, peak memory in MB."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "XDG_CACHE_HOME": str(cwd)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("exit="), done.stderr
    code, memory = (part.split("=")[1] for part in last.split())
    return done.stdout, int(code), int(memory) // 1024


def test_a_fifo_is_reported_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "model.py")
    (tmp_path / "other.py").write_text(MODEL)
    stdout, code, _ = measured("--isolated", ".", cwd=tmp_path)
    assert code == 1  # E902 is a finding, as in ruff
    assert "model.py:1:1: E902 cannot read file: it is a FIFO (named pipe), not a regular file" in stdout
    assert "other.py:2:" in stdout


def test_a_symlink_to_a_device_is_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "x.py").symlink_to("/dev/zero")
    stdout, code, memory = measured("--isolated", ".", cwd=tmp_path)
    assert code == 1 and "x.py:1:1: E902 cannot read file: it is a character device" in stdout
    assert memory < 500


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("line.py", MODEL + "x = [" + "1, " * 1_700_000 + "]\n", "too large to analyse"),
        ("wide.py", MODEL + "x = '" + "a" * 30_000 + "'\n", "line 3 has 30,006 characters, over max-line-size"),
        ("big.py", MODEL + "x = [a * 2 for a in range(10) if a % 3]\n" * 30_000, "over max-file-size = 200,000"),
        ("nested.ipynb", '{"cells": ' + "[" * 200_000 + "]" * 200_000 + "}", "JSON nested too deeply"),
    ],
    ids=["5MB-line", "wide-line", "1MB-file", "nested-notebook"],
)
def test_oversized_input_is_too_large_to_analyse(tmp_path: Path, name: str, content: str, words: str) -> None:
    (tmp_path / name).write_text(content)
    stdout, code, memory = measured("--isolated", name, cwd=tmp_path)
    assert code == 1 and f"{name}:1:1: E902" in stdout and words in stdout, stdout
    assert memory < 500


def test_the_limits_are_settings(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\nmax-line-size = 40\n", "model.py": MODEL})
    stdout, code, _ = measured("model.py", cwd=tmp_path)
    assert code == 1 and "line 2 has 83 characters, over max-line-size = 40" in stdout
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\nmax-file-size = -1\n"})
    stdout, code, _ = measured("model.py", cwd=tmp_path)
    assert code == 2 and "All checks passed" not in stdout


def test_a_large_file_under_a_megabyte_stays_under_the_bounds(tmp_path: Path) -> None:
    """190 kB of dense code, just under the limit: parsed, within the bounds (20 s: a loaded CI machine)."""
    body = "def f{i}(x):\n    return keras.Sequential([keras.layers.LSTM({i}), keras.layers.Dense(x)])\n"
    text = MODEL
    index = 1
    while len(text) < 190_000:
        text += body.format(i=index)
        index += 1
    (tmp_path / "model.py").write_text(text)
    stdout, code, memory = measured("--isolated", "model.py", cwd=tmp_path, timeout=20)
    assert code == 1 and "RNN001" in stdout
    assert memory < 500


# -- never a traceback --------------------------------------------------------------------------


def test_control_characters_and_non_utf8_names_are_escaped_in_every_format(tmp_path: Path) -> None:
    name = os.fsdecode(b"m\x1b[31m\xff.py")
    (tmp_path / name).write_text(MODEL)
    for output_format in ("text", "full", "json", "sarif", "gitlab", "github", "concise"):
        import subprocess
        import sys

        done = subprocess.run(
            [sys.executable, "-m", "rnnlint", "--isolated", "--no-cache", "--format", output_format, "."],
            cwd=tmp_path,
            capture_output=True,
            timeout=30,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            check=False,
        )
        if done.returncode == 2 and b"Invalid value for '--format'" in done.stderr:
            continue
        assert done.returncode == 1, (output_format, done.stderr)
        assert b"\x1b" not in done.stdout and b"Traceback" not in done.stderr
        text = done.stdout.decode("utf-8")  # valid UTF-8
        shown = "m\\x1b[31m\\xff.py" in text.replace("\\\\", "\\") or "m%5Cx1b%5B31m%5Cxff.py" in text  # SARIF: a URI
        assert shown, (output_format, text)
    _, code, _ = measured("--isolated", "--format", "sarif", "-o", "out.sarif", ".", cwd=tmp_path)
    assert code == 1 and "%5Cxff.py" in (tmp_path / "out.sarif").read_text(encoding="utf-8")


def test_a_broken_config_says_nothing_passed(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\nselect = 3\n", "model.py": MODEL})
    result = cli("model.py")
    assert result.exit_code == 2 and "All checks passed" not in result.output
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\nx = " + "[" * 5000 + "]" * 5000 + "\n"})
    result = cli("model.py")
    assert result.exit_code == 2 and "All checks passed" not in result.output


def test_an_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rnnlint.files import discover

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "model.py").write_text(MODEL)
    real_scandir = os.scandir

    def refusing(path: str = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    found = discover((str(tmp_path),))
    assert found.unreadable == ((str(tmp_path / "locked"), "Permission denied"),)


# -- --fix --------------------------------------------------------------------------------------


def test_fix_does_not_write_through_a_symlink_out_of_the_tree(tmp_path: Path, cli: Invoke) -> None:
    outside = tmp_path / "outside"
    write(outside, {"target.py": STATEFUL_FIT})
    write(tmp_path, {"project/model.py": STATEFUL_FIT})
    (tmp_path / "project" / "link.py").symlink_to(outside / "target.py")
    (tmp_path / "project" / "model.py").chmod(0o640)
    result = cli("--isolated", "--keras", "3", "--fix", "project")
    assert "link.py: not fixed: it leads to" in result.stderr
    assert (outside / "target.py").read_text() == STATEFUL_FIT
    fixed = tmp_path / "project" / "model.py"
    assert "shuffle=False" in fixed.read_text()
    assert stat.S_IMODE(fixed.stat().st_mode) == 0o640
    assert not list((tmp_path / "project").glob("*.tmp"))


# -- bounded static analysis ---------------------------------------------------------------------

STATEFUL = "import keras\nmodel = keras.Sequential([keras.layers.LSTM(4, stateful=True, input_shape=(3, 2))])\n"


def _fan_out() -> str:
    source = STATEFUL + "def h0(x):\n    return x + 1\n"
    for level in range(1, 9):
        calls = "".join(f"    a{j} = h{level - 1}(x)\n" for j in range(10))
        source += f"def h{level}(x):\n{calls}    return a0\n"
    return source + "v = h8(1)\n"


BOUNDED = {
    "doubling": STATEFUL + "t = (1,)\n" + "t = t + t\n" * 28 + "s = 'ab'\n" + "s = s + s\n" * 40,
    "fan-out": _fan_out(),
    "deep-elif": STATEFUL
    + "x = input()\nif x == '0':\n    y = 0\n"
    + "".join(f"elif x == '{i}':\n    y = {i}\n" for i in range(1, 300))
    + "else:\n    y = -1\n",
    "overflow": STATEFUL + "import numpy as np\nn = len(range(10**20))\na = np.arange(10**20)\n"
    "b = np.arange(100000000000000000000)\nc = len(range(n))\nf = int(1e308 * 10)\n",
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_pathological_code_is_analysed_within_bounds(tmp_path: Path, name: str) -> None:
    """Each gives its RNN001 (the model at the top), no RNN900, under 10 s and 500 MB."""
    (tmp_path / "model.py").write_text(BOUNDED[name])
    stdout, code, memory = measured("--isolated", "model.py", cwd=tmp_path)
    assert code == 1 and "model.py:2:27: RNN001" in stdout and "RNN900" not in stdout, stdout
    assert memory < 500


def test_a_huge_batch_with_validation_split_is_answered_at_once(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(
        "import numpy as np\nimport keras\n"
        "model = keras.Sequential([keras.Input(batch_shape=(10**9, 8, 16)), keras.layers.LSTM(4, stateful=True)])\n"
        'model.compile(loss="mse", optimizer="adam")\n'
        "model.fit(np.zeros((10**9 + 7, 8, 16)), np.zeros((10**9 + 7, 4)), batch_size=10**9, validation_split=0.1,"
        " shuffle=False)\n"
    )
    stdout, code, _ = measured("--isolated", "model.py", cwd=tmp_path)
    assert code == 1 and "RNN003" in stdout and "use 10000000000 samples" in stdout


def test_the_split_fix_search_is_the_brute_force_one() -> None:
    """Only multiples of the batch size can split into two divisible parts: same answer, ~200 tries."""
    import math

    from rnnlint.rules.rnn003_stateful_samples_not_divisible import _split_fix

    def brute(total: int, split: float, batch: int) -> str:
        for distance in range(1, 100 * batch):
            for candidate in (total - distance, total + distance):
                if candidate > 0:
                    train = math.floor(candidate * (1.0 - split))
                    if train and not train % batch and not (candidate - train) % batch:
                        return f"use {candidate} samples (split into {train} + {candidate - train}), "
        return "pass"

    for total in (1, 7, 33, 100, 325, 1001):
        for split in (0.1, 0.2, 0.25, 0.3, 0.5, 0.9):
            for batch in (1, 2, 3, 7, 32):
                assert _split_fix(total, split, batch).startswith(brute(total, split, batch)), (total, split, batch)


def test_split_rows_is_bounded() -> None:
    import time

    from rnnlint.confirm.plan import split_rows

    start = time.monotonic()
    assert split_rows(10**9 + 7, 0.1, 10**9) == 10**9 + 7
    assert split_rows(325, 0.2, 32) < 325
    assert time.monotonic() - start < 2


def test_a_literal_python_refuses_is_a_syntax_error(tmp_path: Path) -> None:
    """10,000 digits: Python's own parser refuses the literal (over 4,300 digits), so
    it is E999 at Python's line, never an internal error."""
    (tmp_path / "model.py").write_text(STATEFUL + "m = " + "9" * 10_000 + "\nk = m * m\n")
    stdout, code, memory = measured("--isolated", "model.py", cwd=tmp_path)
    assert code == 1 and "model.py:3:1: E999 SyntaxError: Exceeds the limit (4300 digits)" in stdout, stdout
    assert "RNN900" not in stdout and memory < 500


def test_shapes_of_a_huge_literal(tmp_path: Path, cli: Invoke) -> None:
    """In ``rnnlint shapes`` too: the syntax error is reported, never a traceback."""
    write(tmp_path, {"model.py": STATEFUL + "n = " + "7" * 5000 + "\nx = keras.layers.Dense(n)\n"})
    result = cli("shapes", "model.py")
    assert result.exit_code == 2 and "model.py:3:1: E999" in result.output and "Traceback" not in result.output


# -- confirmation -------------------------------------------------------------------------------


def test_only_keras_named_values_reach_its_string_lookups() -> None:
    from rnnlint.confirm.names import allowed
    from rnnlint.confirm.plan import NoPlan, plan_finding

    assert allowed("activation", "tanh") and allowed("kernel_initializer", "glorot_uniform")
    assert not allowed("activation", "os.system") and not allowed("recurrent_initializer", "keras.src.x>Evil")
    assert not allowed("padding", "\x1b[2J") and not allowed("some_new_argument", "anything")
    source = STATEFUL_FIT.replace(
        "keras.layers.LSTM(4, stateful=True)", 'keras.layers.LSTM(4, stateful=True, activation="builtins.exec")'
    )
    result = check_source("model.py", source, select_rules(), "3", prefilter=False)
    assert result.module is not None
    finding = next(f for f in result.findings if f.code == "RNN002")
    plan = plan_finding(finding, result.module)
    assert "builtins.exec" not in plan.probe.key() and any("activation=" in item for item in plan.defaults)
    hostile_loss = source.replace('loss="mse"', 'loss="keras.src.saving>evil"')
    result = check_source("model.py", hostile_loss, select_rules(), "3", prefilter=False)
    assert result.module is not None
    assert result.findings
    for finding in result.findings:
        try:
            probe = plan_finding(finding, result.module).probe
        except NoPlan:
            continue
        assert "evil" not in probe.key(), "a loss not in Keras's table never travels"


@pytest.mark.slow
def test_every_name_in_the_tables_resolves_in_keras() -> None:
    import keras

    from rnnlint.confirm import names

    for table, lookup in (
        (names.ACTIVATIONS, keras.activations.get),
        (names.INITIALIZERS, keras.initializers.get),
        (names.REGULARIZERS, keras.regularizers.get),
        (names.CONSTRAINTS, keras.constraints.get),
        (names.LOSSES, keras.losses.get),
    ):
        for name in table:
            assert lookup(name) is not None, name


ORPHAN = """
import os, sys, time
from rnnlint.confirm.client import WorkerPool
pool = WorkerPool()
worker = pool.worker(3)
worker.start()
print(worker.pid, worker._folder, flush=True)
time.sleep(600)
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_no_orphan_worker_when_the_linter_dies(tmp_path: Path, how: str) -> None:
    """The TensorFlow worker dies with the linter (parent-death signal) and removes its temporary folder."""
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    pid_text, folder = parent.stdout.readline().split()
    worker = int(pid_text)
    assert os.path.isdir(folder)
    parent.send_signal(getattr(signal, how))
    parent.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail(f"worker {worker} outlived the linter ({how})")
    deadline = time.monotonic() + 5
    while os.path.isdir(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.isdir(folder)


def test_the_confirmation_time_budget_holds(tmp_path: Path) -> None:
    """Past --confirm-budget, the remaining findings are unconfirmed without asking a worker."""
    import time

    from rnnlint.confirm.client import Limits

    result = check_source("model.py", STATEFUL_FIT, select_rules(), "3", prefilter=False)
    asked: list[Probe] = []

    class Slow:
        def started(self, keras: int) -> bool:
            return True  # no TensorFlow to wait for

        def ask(self, probe: Probe) -> Reply:
            asked.append(probe)
            time.sleep(1.1)
            return Reply(loss=0.0)

    options = ConfirmOptions(cache_dir=None, limits=Limits(total=1.0))
    confirmed = Confirmer(options, pool=Slow(), stream=io.StringIO()).confirm(result)  # type: ignore[arg-type]
    assert len(asked) == 1
    details = [f.confirmation.detail for f in confirmed.findings if f.confirmation]
    assert any("time budget (1 s) is used up" in detail for detail in details), details


def test_the_syntax_cache_is_validated_and_cannot_be_shipped(tmp_path: Path) -> None:
    """A file the pre-filter skips is parsed once; its 'parses' memo lives in a
    validated entry whose name a repository cannot know."""
    from rnnlint import cachedir
    from rnnlint.syntaxcache import SyntaxCache

    folder = str(tmp_path / "cache")
    first = SyntaxCache(folder)
    digest = first.digest(b"x = 1\n")
    first.remember(digest)
    first.save()
    assert SyntaxCache(folder).parses(digest)
    (entry,) = [name for name in os.listdir(folder) if name.startswith("syntax-ok-")]
    assert cachedir.code_stamp()[:32] in entry
    for flip in range(0, os.path.getsize(os.path.join(folder, entry)), 7):  # damaged: a miss, never a crash
        data = bytearray((Path(folder) / entry).read_bytes())
        data[flip] ^= 0x20
        (Path(folder) / entry).write_bytes(bytes(data))
        SyntaxCache(folder).parses(digest)
    (Path(folder) / "syntax-ok.json").write_text('{"forged": true}')
    assert not SyntaxCache(str(tmp_path / "fresh")).parses(digest)


def test_a_cache_folder_whose_parents_do_not_exist_is_created(tmp_path: Path) -> None:
    """``--cache-dir build/cache/rnnlint``: the folders above it are made, the cache itself owner-only."""
    from rnnlint import cachedir

    folder = tmp_path / "build" / "cache" / "rnnlint"
    assert cachedir.usable_folder(str(folder), create=True, gitignore=True)
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700 and (folder / ".gitignore").exists()
