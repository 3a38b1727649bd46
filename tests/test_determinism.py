"""The same input gives byte-identical output, whatever the number of jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import rnnlint_process

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_output_is_identical_across_runs_and_jobs(output_format: str) -> None:
    outputs = {
        rnnlint_process("--format", output_format, "--jobs", jobs, "fixtures/", cwd=ROOT).stdout
        for jobs in ("1", "2", "1", "2")
    }
    assert len(outputs) == 1
    assert "RNN0" in outputs.pop()


def test_pre_commit_runs_serially_with_the_same_output() -> None:
    serial = rnnlint_process("--jobs", "2", "fixtures/", cwd=ROOT, env={"PRE_COMMIT": "1"})
    parallel = rnnlint_process("--jobs", "2", "fixtures/", cwd=ROOT)
    assert serial.stdout == parallel.stdout and serial.returncode == parallel.returncode == 1
