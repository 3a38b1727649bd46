"""The shared challenge programs (../shared/challenge, ../shared/challenge2):
every expected finding, nothing else.

The programs live beside the repository, not in it: without them these tests
skip, saying so (under CI=true they fail).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED, shared, shared_files

from rnnlint.config import Overrides, Resolver
from rnnlint.runner import run
from rnnlint.testing import describe, expected, found, run_source

KERAS2 = {"c01", "c02", "c04", "c09"}  # as the first set's README says; the second set says it on line 1


def _version(path: Path) -> int:
    """The first set: by the README's list; the second: its line 1, ``# keras: N``."""
    if path.parent.name == "challenge":
        return 2 if path.name[:3] in KERAS2 else 3
    first = path.read_text().splitlines()[0]
    assert first.startswith("# keras:"), f"{path}:1: expected '# keras: 2' or '# keras: 3', got {first!r}"
    return int(first.split(":")[1])


def _cases() -> list[object]:
    cases: list[object] = [pytest.param(path, id=f"challenge/{path.stem}") for path in shared_files("challenge")]
    for path in dict.fromkeys([*shared_files("challenge2"), *shared_files("challenge2", "xfile")]):
        cases.append(pytest.param(path, id=f"challenge2/{path.stem}"))
    return cases


@pytest.mark.parametrize("path", _cases())
def test_challenge_program(path: Path) -> None:
    path = shared(path)
    if path.is_dir():
        _check_folder(path)
        return
    version = _version(path)
    source = path.read_text()
    findings = run_source(source, version)
    want = expected(source, version)
    assert found(findings, source, want) == want, describe(findings)


def _check_folder(folder: Path) -> None:
    """A case in several modules, checked as a folder: each file's expectations met (version from line 1)."""
    files = sorted(folder.glob("*.py"))
    version = _version(files[0])
    report = run((str(folder),), Resolver(Overrides(keras=str(version)), isolated=True))
    assert report.files_checked == len(files)
    for path in files:
        source = path.read_text()
        want = expected(source, version)
        findings = [finding for finding in report.findings if Path(finding.span.path) == path]
        assert found(findings, source, want) == want, f"{path.name}:\n{describe(findings)}"


@pytest.mark.parametrize(("folder", "count"), [("challenge", 12), ("challenge2", 22)])
def test_the_sets_are_whole(folder: str, count: int) -> None:
    shared(SHARED / folder)
    assert len(shared_files(folder)) >= count, f"expected {count} programs in {SHARED / folder}"
