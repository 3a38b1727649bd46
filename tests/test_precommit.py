"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this project
from a commit of the current working tree into a fresh environment (from PyPI)
and runs the hook on a repository holding a bad model and a good one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD_MODEL, GOOD_MODEL, REPO, write

GIT = ["git", "-c", "user.name=rnnlint tests", "-c", "user.email=tests@rnnlint.invalid", "-c", "commit.gpgsign=false"]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _snapshot_of_this_checkout(destination: Path) -> Path:
    """The working tree as it is (tracked and new files, not ignored ones), committed in a new repository."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    _git("init", "-q", cwd=destination)
    _git("add", "-A", cwd=destination)
    _git("commit", "-q", "-m", "snapshot", cwd=destination)
    return destination


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    hook_repo = _snapshot_of_this_checkout(tmp_path / "rnnlint-snapshot")
    project = tmp_path / "project"
    write(project, {"models/bad_model.py": BAD_MODEL, "models/good_model.py": GOOD_MODEL, "README.md": "# demo\n"})
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    environment.pop("PYTHONPATH", None)  # the hook must run the installed rnnlint, not this checkout

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "rnnlint", "--color", "never"]
        return subprocess.run(
            [*command, "--files", *files], cwd=project, capture_output=True, text=True, env=environment, timeout=900
        )

    bad = try_repo("models/bad_model.py", "README.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "rnnlint..................................................................Failed" in bad.stdout
    assert re.search(r"^models/bad_model\.py:5:1: RNN002 .*fit\(\) on a stateful model", bad.stdout, re.MULTILINE)
    assert "README.md" not in bad.stdout.split("Failed", 1)[1]  # not a Python file: not passed to the hook

    good = try_repo("models/good_model.py")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "rnnlint..................................................................Passed" in good.stdout


KERAS2_GUIDE = (REPO / "fixtures" / "fix" / "rnn040_seed000.py").read_text()
"""The stateful LSTM of the Keras 2 guide (batch_input_shape=): valid Keras 2, RNN040 under Keras 3."""


@pytest.mark.slow
def test_pre_commit_fix_judges_each_project_by_its_pinned_keras(tmp_path: Path) -> None:
    """The hook's environment has no Keras: a project pinned to Keras 2 is
    left alone by ``--fix``, one pinned to Keras 3 is migrated."""
    hook_repo = _snapshot_of_this_checkout(tmp_path / "rnnlint-snapshot")
    revision = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    config = f"repos:\n- repo: {hook_repo}\n  rev: {revision}\n  hooks:\n  - id: rnnlint\n    args: [--fix]\n"
    pins = {"keras2": {"requirements.txt": "tensorflow==2.15.0\n"}, "keras3": {"requirements.txt": "keras>=3.0\n"}}
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    environment.pop("PYTHONPATH", None)
    environment.pop("TF_USE_LEGACY_KERAS", None)
    outcomes = {}
    for name, files in pins.items():
        project = tmp_path / name
        write(project, {**files, "model.py": KERAS2_GUIDE, ".pre-commit-config.yaml": config})
        _git("init", "-q", cwd=project)
        _git("add", "-A", cwd=project)
        outcomes[name] = subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
            timeout=900,
        )
    keras2, keras3 = outcomes["keras2"], outcomes["keras3"]
    assert keras2.returncode == 0, keras2.stdout + keras2.stderr
    assert (tmp_path / "keras2" / "model.py").read_text() == KERAS2_GUIDE
    assert keras3.returncode == 1, keras3.stdout + keras3.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in keras3.stdout
    migrated = (tmp_path / "keras3" / "model.py").read_text()
    assert migrated == (REPO / "fixtures" / "fix" / "rnn040_seed000.fixed.py").read_text()
