"""How a run spreads its work: only the files that must be parsed leave the
parent process, to worker processes only when that pays."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rnnlint import runner
from rnnlint.config import Resolver
from rnnlint.filecache import FileCache
from rnnlint.runner import POOL_MIN_BYTES, run

MODEL = "import keras\nmodel = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM({units})])\n"
PADDING = "# " + "x" * 78 + "\n"


class RecordingPool:
    """Stands for ProcessPoolExecutor: runs in this process, notes what it was given."""

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers
        self.items: list[Any] = []

    def __enter__(self) -> RecordingPool:
        return self

    def __exit__(self, *exception: object) -> None:
        return None

    def map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        self.items = list(items)
        return iter([function(item) for item in self.items])


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[RecordingPool]:
    created: list[RecordingPool] = []

    def make(max_workers: int) -> RecordingPool:
        created.append(RecordingPool(max_workers))
        return created[-1]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", make)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return created


def _models(folder: Path, sizes: dict[str, int]) -> list[str]:
    """Model files padded with comment lines to about ``sizes[name]`` bytes."""
    folder.mkdir(exist_ok=True)
    for index, (name, size) in enumerate(sizes.items()):
        text = MODEL.format(units=index + 1)
        (folder / name).write_text(text + PADDING * max(0, (size - len(text)) // len(PADDING)))
    return sorted(str(folder / name) for name in sizes)


def _parsed_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = runner._parse

    def recording(parse: runner._Job) -> runner.FileResult:
        if isinstance(parse, runner._Parse):  # a skipped file's syntax check is no parse
            parsed.append(parse.path)
        return real(parse)

    monkeypatch.setattr(runner, "_parse", recording)
    return parsed


def test_large_work_goes_to_a_pool_largest_first_and_comes_back_in_order(
    tmp_path: Path, pools: list[RecordingPool]
) -> None:
    sizes = {"a.py": POOL_MIN_BYTES // 4, "b.py": POOL_MIN_BYTES, "c.py": POOL_MIN_BYTES // 2}
    paths = _models(tmp_path, sizes)
    (tmp_path / "notes.py").write_text("print('no model here')\n")
    report = run((str(tmp_path),), Resolver(isolated=True), jobs=2, cache=FileCache(None))
    (pool,) = pools
    assert pool.max_workers == 2
    parses = [job.path for job in pool.items if isinstance(job, runner._Parse)]
    assert parses == [paths[1], paths[2], paths[0]], "largest first, filtered out"
    checks = [job.path for job in pool.items if isinstance(job, runner._SyntaxCheck)]
    assert checks == [str(tmp_path / "notes.py")], "the filtered-out file: only Python's syntax check, in the pool too"
    assert report.files_checked == 4
    serial = run((str(tmp_path),), Resolver(isolated=True), jobs=1, cache=FileCache(None))
    assert report.findings == serial.findings


@pytest.mark.parametrize(
    ("sizes", "jobs", "pre_commit"),
    [
        ({"only.py": 2 * POOL_MIN_BYTES}, 2, False),
        ({"a.py": POOL_MIN_BYTES // 4, "b.py": POOL_MIN_BYTES // 4}, 2, False),
        ({"a.py": POOL_MIN_BYTES, "b.py": POOL_MIN_BYTES}, 1, False),
        ({"a.py": POOL_MIN_BYTES, "b.py": POOL_MIN_BYTES}, 2, True),
    ],
    ids=["one-file", "little-code", "one-job", "pre-commit"],
)
def test_serial_when_a_pool_would_not_pay(
    tmp_path: Path,
    pools: list[RecordingPool],
    monkeypatch: pytest.MonkeyPatch,
    sizes: dict[str, int],
    jobs: int,
    pre_commit: bool,
) -> None:
    if pre_commit:
        monkeypatch.setenv("PRE_COMMIT", "1")
    _models(tmp_path, sizes)
    run((str(tmp_path),), Resolver(isolated=True), jobs=jobs, cache=FileCache(None))
    assert pools == []


def test_filtered_out_and_cached_files_are_never_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _models(tmp_path / "src", {"a.py": 100, "b.py": 100})
    (tmp_path / "src" / "docs.py").write_text('"""An LSTM in a keras.Sequential model, in words only."""\n')
    cache = FileCache(str(tmp_path / "cache"))
    parsed = _parsed_paths(monkeypatch)
    first = run((str(tmp_path / "src"),), Resolver(isolated=True), jobs=1, cache=cache)
    assert parsed == paths
    parsed.clear()
    Path(paths[1]).write_text(MODEL.format(units=7))
    second = run((str(tmp_path / "src"),), Resolver(isolated=True), jobs=1, cache=cache)
    assert parsed == [paths[1]], "only the changed file"
    assert first.files_checked == second.files_checked == 3
