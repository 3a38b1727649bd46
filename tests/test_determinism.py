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


def test_cold_and_warm_cache_give_the_same_output(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    cold = rnnlint_process("--cache-dir", cache, "--format", "json", "fixtures/", cwd=ROOT)
    assert list((tmp_path / "cache" / "files").glob("*.json"))  # data, never a pickle
    warm = rnnlint_process("--cache-dir", cache, "--format", "json", "fixtures/", cwd=ROOT)
    uncached = rnnlint_process("--no-cache", "--format", "json", "fixtures/", cwd=ROOT)
    assert cold.stdout == warm.stdout == uncached.stdout


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    model = tmp_path / "model.py"
    model.write_text("from keras.models import Sequential\nfrom keras.layers import LSTM\nm = Sequential([LSTM(4)])\n")
    cache = str(tmp_path / "cache")
    assert rnnlint_process("--cache-dir", cache, "model.py", cwd=tmp_path).returncode == 0
    model.write_text(model.read_text().replace("LSTM(4)", "LSTM(4, stateful=True, input_shape=(3, 2))"))
    changed = rnnlint_process("--cache-dir", cache, "model.py", cwd=tmp_path)
    assert changed.returncode == 1 and "RNN001" in changed.stdout


def test_the_per_file_cache_keeps_every_field_a_report_shows() -> None:
    """A field added to Finding and forgotten by the cache would differ between cold and warm runs.
    Left out: what only confirmation and --fix use, which never read the cache (the call, the
    confirmation itself, RNN100's text edit)."""
    from dataclasses import fields

    from rnnlint.filecache import _FIELDS
    from rnnlint.findings import Finding

    assert {field.name for field in fields(Finding)} - {"call", "confirmation", "edit"} == set(_FIELDS)
