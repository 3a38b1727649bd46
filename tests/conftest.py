"""Shared test helpers: run the real CLI in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rnnlint() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``rnnlint(*args)``: the command as a user runs it, with its exit code and output."""

    def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rnnlint", *args],
            capture_output=True,
            text=True,
            cwd=cwd or ROOT,
            input=stdin,
            timeout=120,
        )

    return run
