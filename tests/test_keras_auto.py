"""``--keras auto`` end to end, in an environment without Keras (as under
pre-commit): each project judged by its own metadata, the reason shown, and
version-dependent fixes safe only when the version is known."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, Invoke, write

from rnnlint import kerasversion
from rnnlint.config import Resolver
from rnnlint.runner import Buffer, check_buffer

SEED = (REPO / "fixtures" / "fix" / "rnn040_seed000.py").read_text()
"""The stateful LSTM of the Keras 2 guide: RNN040 (batch_input_shape=) under Keras 3."""
RESET = (REPO / "fixtures" / "fix" / "rnn041_reset_states.py").read_text()
"""model.reset_states(): RNN041 under Keras 3."""

PROJECTS = {
    "keras2": {"requirements.txt": "keras==2.15.0\n"},
    "keras3": {"pyproject.toml": '[project]\nname = "p"\ndependencies = ["keras>=3.0"]\n'},
    "tf215": {"setup.py": "from setuptools import setup\nsetup(install_requires=['tensorflow==2.15.0'])\n"},
    "tf217": {"Pipfile": '[packages]\ntensorflow = "==2.17.0"\n'},
    "tf217legacy": {"requirements.txt": "tensorflow==2.17.0\ntf-keras==2.17.0\n"},
    "nothing": {},
}
LEGACY = """\
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.LSTM(4, stateful=True, batch_input_shape=(2, 5, 3))])
"""
"""tf.keras code that switches tf.keras to Keras 2: RNN040 under Keras 3 only."""


@pytest.fixture(autouse=True)
def _no_installed_keras(monkeypatch: pytest.MonkeyPatch) -> None:
    """rnnlint's environment has no Keras, as in a pre-commit or pipx environment."""
    monkeypatch.setattr(kerasversion, "installed_keras", lambda: None)
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


def make_projects(root: Path) -> None:
    for name, files in PROJECTS.items():
        write(root / name, {**files, "seed.py": SEED, "reset.py": RESET})
        (root / name / ".git").mkdir()
    write(root / "tf217legacy", {"legacy.py": LEGACY})
    write(root / "tf217", {"legacy.py": LEGACY})


def judged(cli: Invoke, *paths: str) -> dict[str, set[tuple[str, int, str | None]]]:
    items = json.loads(cli("--no-cache", "--format", "json", *paths).stdout)
    found: dict[str, set[tuple[str, int, str | None]]] = {}
    for item in items:
        found.setdefault(item["path"], set()).add((item["code"], item["keras_version"], item["fix_applicability"]))
    return found


def test_each_project_is_judged_by_its_own_keras(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    found = judged(cli, ".")
    for name in ("keras2", "tf215"):
        assert f"{name}/seed.py" not in found and f"{name}/reset.py" not in found, name
    for name in ("keras3", "tf217", "tf217legacy"):
        assert found[f"{name}/seed.py"] == {("RNN040", 3, "safe")}, name
        assert found[f"{name}/reset.py"] == {("RNN041", 3, "safe")}, name
    assert "tf217legacy/legacy.py" not in found  # the code switches tf.keras to Keras 2
    assert found["tf217/legacy.py"] == {("RNN040", 3, "safe")}  # not without tf-keras
    assert found["nothing/seed.py"] == {("RNN040", 3, "unsafe")}  # a guess: the fix is not safe
    assert found["nothing/reset.py"] == {("RNN041", 3, "unsafe")}


def test_the_reason_is_shown(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    items = json.loads(cli("--no-cache", "--format", "json", "keras3/seed.py", "nothing/seed.py").stdout)
    assert items[0]["keras_source"] == "keras3/pyproject.toml:3: keras>=3.0"
    assert items[1]["keras_source"].startswith("assumed: nothing says which")
    assert "(judged for Keras 3, assumed: nothing says which" in items[1]["message"]
    assert "assumed" not in items[0]["message"]
    full = cli("--no-cache", "--format", "full", "keras3/seed.py").stdout
    assert "  = judged for Keras 3: keras3/pyproject.toml:3: keras>=3.0\n" in full
    verbose = cli("--no-cache", "--verbose", "keras2", "tf217legacy")
    assert "rnnlint: judged for Keras 2 (keras2/requirements.txt:1: keras==2.15.0): 2 files\n" in verbose.stderr
    assert "tf-keras==2.17.0, and line 2 sets TF_USE_LEGACY_KERAS): 1 file\n" in verbose.stderr
    settings = cli("--show-settings", "tf215", "tf217legacy").stdout
    assert "# keras: Keras 2 (tf215/setup.py:2: tensorflow==2.15.0)\n" in settings
    assert "Keras 3 (tf217legacy/requirements.txt:1: tensorflow==2.17.0 with tf217legacy/requirements.txt:2" in settings
    assert "; Keras 2 for tf.keras code in files that set TF_USE_LEGACY_KERAS" in settings


def test_fix_leaves_keras2_projects_alone_and_guesses_nothing(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    cli("--no-cache", "--fix", ".")
    for name in ("keras2", "tf215", "nothing"):
        assert (tmp_path / name / "seed.py").read_text() == SEED, name
        assert (tmp_path / name / "reset.py").read_text() == RESET, name
    for name in ("keras3", "tf217"):
        assert "Input(batch_shape=(batch_size, timesteps, data_dim))" in (tmp_path / name / "seed.py").read_text()
        assert "layer.reset_state()" in (tmp_path / name / "reset.py").read_text()
    cli("--no-cache", "--fix", "--unsafe-fixes", "nothing")
    assert (tmp_path / "nothing" / "seed.py").read_text() != SEED  # asked for: the guess is applied


def test_an_option_or_config_decides_before_the_project(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    assert judged(cli, "--keras", "3", "keras2/seed.py") == {"keras2/seed.py": {("RNN040", 3, "safe")}}
    write(tmp_path / "nothing", {"pyproject.toml": "[tool.rnnlint]\nkeras = 3\n"})
    assert judged(cli, "nothing/seed.py") == {"nothing/seed.py": {("RNN040", 3, "safe")}}


def test_stdin_is_judged_by_its_filename(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    keras2 = cli("--no-cache", "--stdin-filename", "keras2/seed.py", "-", input=SEED)
    assert keras2.exit_code == 0, keras2.stdout
    keras3 = cli("--no-cache", "--format", "json", "--stdin-filename", "keras3/seed.py", "-", input=SEED)
    assert json.loads(keras3.stdout)[0]["keras_source"] == "keras3/pyproject.toml:3: keras>=3.0"
    fixed = cli("--no-cache", "--fix", "--stdin-filename", "keras2/seed.py", "-", input=SEED)
    assert fixed.stdout.startswith(SEED)


def test_the_language_server_path_is_judged_the_same_way(tmp_path: Path) -> None:
    make_projects(tmp_path)
    codes = {}
    for name in ("keras2", "keras3"):
        path = str(tmp_path / name / "seed.py")
        resolver = Resolver()
        settings = resolver.settings_for(path)
        result = check_buffer(Buffer(path, SEED.encode()), settings, resolver.keras_basis(path, settings))
        codes[name] = [finding.code for finding in result.findings]
    assert codes == {"keras2": [], "keras3": ["RNN040"]}


def test_the_cache_follows_the_project(cli: Invoke, tmp_path: Path) -> None:
    make_projects(tmp_path)
    shutil.copy(tmp_path / "keras2" / "seed.py", tmp_path / "keras2" / "copy.py")
    assert cli("keras2/copy.py").exit_code == 0
    (tmp_path / "keras2" / "requirements.txt").write_text("keras>=3\n")
    assert cli("keras2/copy.py").exit_code == 1
