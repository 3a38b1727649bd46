"""A project's modules checked together: resolution by the project's layout,
one model across modules, and a run that stays correct (cache, jobs, stdin)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rnnlint import project_modules as project
from rnnlint.config import Overrides, Resolver
from rnnlint.filecache import FileCache
from rnnlint.runner import STDIN, Buffer, run
from rnnlint.testing import expected

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "project"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    return copy


def _found(report_findings: object) -> set[tuple[str, int, str]]:
    return {(Path(f.span.path).name, f.span.line, f.code) for f in report_findings}  # type: ignore[attr-defined]


def _expected(root: Path, version: int) -> set[tuple[str, int, str]]:
    return {
        (path.name, line, code)
        for path in sorted(root.rglob("*.py"))
        for line, code in expected(path.read_text(), version)
    }


def test_resolution_follows_the_layout(tree: Path) -> None:
    train = str(tree / "src" / "forecast" / "train.py")
    serve = str(tree / "scripts" / "serve.py")
    nets = str(tree / "src" / "forecast" / "nets.py")
    assert project.resolve(train, "nets", 1) == nets
    assert project.resolve(serve, "forecast.nets", 0) == nets  # through the root's src/
    assert project.resolve(serve, "forecast", 0) == str(tree / "src" / "forecast" / "__init__.py")
    assert project.resolve(serve, "keras", 0) is None
    assert project.dependencies(train, Path(train).read_text()) == (nets,)


@pytest.mark.parametrize("version", [2, 3])
def test_one_model_across_modules(tree: Path, version: int) -> None:
    report = run((str(tree),), Resolver(Overrides(keras=str(version)), isolated=True), jobs=1, cache=FileCache(None))
    assert _found(report.findings) == _expected(tree, version)


def test_a_file_alone_still_reads_the_modules_it_imports(tree: Path) -> None:
    train = tree / "src" / "forecast" / "train.py"
    report = run((str(train),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=FileCache(None))
    assert report.files_checked == 1
    assert _found(report.findings) == {(n, line, c) for n, line, c in _expected(tree, 3) if n == "train.py"}


def test_jobs_do_not_change_the_report(tree: Path) -> None:
    serial = run((str(tree),), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=FileCache(None))
    parallel = run((str(tree),), Resolver(Overrides(keras="3"), isolated=True), jobs=2, cache=FileCache(None))
    assert serial.findings == parallel.findings


def test_an_edit_to_an_imported_module_rechecks_its_users(tree: Path, tmp_path: Path) -> None:
    cache = FileCache(str(tmp_path / "cache"))
    train = str(tree / "src" / "forecast" / "train.py")
    first = run((train,), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache)
    assert "RNN002" in {f.code for f in first.findings}
    nets = tree / "src" / "forecast" / "nets.py"
    nets.write_text(nets.read_text().replace("make_lstm(units, stateful=True)", "make_lstm(units)"))
    second = run((train,), Resolver(Overrides(keras="3"), isolated=True), jobs=1, cache=cache)
    assert {f.code for f in second.findings} == {"RNN011"}  # not stateful any more


def test_stdin_resolves_from_the_name_it_is_checked_under(tree: Path) -> None:
    train = tree / "src" / "forecast" / "train.py"
    buffer = Buffer(str(train), train.read_bytes())
    report = run((STDIN,), Resolver(Overrides(keras="3"), isolated=True), stdin=buffer, jobs=1, cache=FileCache(None))
    assert _found(report.findings) == {(n, line, c) for n, line, c in _expected(tree, 3) if n == "train.py"}
