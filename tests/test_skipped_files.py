"""Files the pre-filter skips: Python's syntax check is spared when Python's
own bytecode cache, or rnnlint's memo, shows the very bytes parse, and never
otherwise; a file skipped for its own content is skipped at once next time,
one skipped because of the modules it imports is not."""

from __future__ import annotations

import importlib.util
import os
import py_compile
import shutil
from pathlib import Path

import pytest

from rnnlint import runner
from rnnlint.bytecode import compiled_before
from rnnlint.config import Overrides, Resolver
from rnnlint.filecache import FileCache
from rnnlint.runner import run

PLAIN = "def mean(values):\n    return sum(values) / len(values)\n"
BROKEN_SAME_SIZE = "def mean(values)\n    return sum(values) / len(values)\n "
NETS = Path(__file__).resolve().parents[1] / "fixtures" / "project" / "src" / "forecast" / "nets.py"
USER = (
    "import numpy as np\nfrom nets import build_stateful\n\n"
    "x = np.zeros((160, 10, 3))\nmodel = build_stateful(16)\nmodel.predict(x[:96])\n"
)


def _compiled(path: Path, mode: py_compile.PycInvalidationMode = py_compile.PycInvalidationMode.TIMESTAMP) -> Path:
    cached = py_compile.compile(str(path), doraise=True, invalidation_mode=mode)
    assert cached == importlib.util.cache_from_source(str(path))
    return Path(cached)


def test_a_timestamp_entry_vouches_only_for_the_source_it_was_made_from(tmp_path: Path) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    _compiled(source)
    assert compiled_before(str(source), source.read_bytes())
    assert not compiled_before(str(source), b"x = (\n")  # other bytes than those on disk
    mtime = source.stat().st_mtime
    source.write_text(BROKEN_SAME_SIZE)  # same size, other time
    assert len(BROKEN_SAME_SIZE) == len(PLAIN)
    os.utime(source, (mtime + 5, mtime + 5))
    assert not compiled_before(str(source), source.read_bytes())


@pytest.mark.parametrize(
    "mode", [py_compile.PycInvalidationMode.CHECKED_HASH, py_compile.PycInvalidationMode.UNCHECKED_HASH]
)
def test_a_hash_entry_vouches_for_its_bytes_whatever_the_importer_checks(
    tmp_path: Path, mode: py_compile.PycInvalidationMode
) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    _compiled(source, mode)
    assert compiled_before(str(source), source.read_bytes())
    source.write_text(BROKEN_SAME_SIZE)
    assert not compiled_before(str(source), source.read_bytes())


def test_foreign_damaged_or_odd_entries_are_no_evidence(tmp_path: Path) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    cached = _compiled(source)
    header = bytearray(cached.read_bytes())
    header[0] ^= 0xFF  # another Python's magic number
    cached.write_bytes(bytes(header))
    assert not compiled_before(str(source), source.read_bytes())
    cached.write_bytes(bytes(header[:10]))  # truncated
    assert not compiled_before(str(source), source.read_bytes())
    cached.unlink()
    os.mkfifo(cached)  # would block a plain open() forever
    assert not compiled_before(str(source), source.read_bytes())
    assert not compiled_before(str(tmp_path / "absent.py"), b"")


def test_a_skipped_file_with_a_trusted_entry_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    _compiled(source)
    parsed: list[str] = []
    monkeypatch.setattr(runner, "syntax_error", lambda path, text: parsed.append(path))
    report = run((str(source),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=FileCache(None))
    assert parsed == [] and report.files_checked == 1 and not report.findings


def test_a_stale_entry_does_not_hide_a_syntax_error(tmp_path: Path) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    _compiled(source)
    mtime = source.stat().st_mtime
    source.write_text(BROKEN_SAME_SIZE)
    os.utime(source, (mtime + 5, mtime + 5))
    report = run((str(source),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=FileCache(None))
    assert [(f.code, f.span.line) for f in report.findings] == [("E999", 1)]


def test_a_file_skipped_for_its_content_is_skipped_at_once_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "stats.py"
    source.write_text(PLAIN)
    cache = FileCache(str(tmp_path / "cache"))
    resolver = Resolver(Overrides(keras="3"), isolated=True)
    assert not run((str(source),), resolver, jobs=1, cache=cache).findings

    def never(source: str) -> bool:
        raise AssertionError("the pre-filter ran again")

    monkeypatch.setattr(runner, "may_concern_recurrent_models", never)
    monkeypatch.setattr(runner, "syntax_error", never)
    assert not run((str(source),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache).findings
    source.write_text(BROKEN_SAME_SIZE)  # other bytes: neither memo applies
    monkeypatch.undo()
    report = run((str(source),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache)
    assert [f.code for f in report.findings] == ["E999"]


def test_a_file_skipped_for_what_it_imports_is_checked_once_that_changes(tmp_path: Path) -> None:
    """A script calling ``predict`` on a model from a module without Keras is
    skipped; once that module builds a stateful model, its mistake shows."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "nets.py").write_text("def build_stateful(batch_size):\n    return None\n")
    user = tmp_path / "serve.py"
    user.write_text(USER)
    cache = FileCache(str(tmp_path / "cache"))
    assert not run((str(user),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache).findings
    shutil.copy(NETS, tmp_path / "nets.py")
    report = run((str(user),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache)
    assert [(Path(f.span.path).name, f.span.line, f.code) for f in report.findings] == [("serve.py", 6, "RNN004")]
