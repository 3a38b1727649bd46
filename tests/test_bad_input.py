"""The bad-input matrix: each case gives a clear message and a defined exit
code, and the other files of the run are still checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Invoke

from rnnlint.codes import INTERNAL_ERROR
from rnnlint.pipeline import check_file
from rnnlint.rules import BY_CODE, select_rules

ROOT = Path(__file__).resolve().parents[1]
BAD = (
    "from keras.models import Sequential\nfrom keras.layers import LSTM\n"
    "model = Sequential([LSTM(4, stateful=True, input_shape=(3, 2))])\n"
)
"""RNN001 on line 3, under both Keras versions: proves the other file is still checked."""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rnnlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


CASES = {
    "non_utf8": (b"# caf\xe9\nimport keras\n", 1, "E902", "not valid UTF-8"),
    "binary": (b"\x00\x01\x02LSTM\x00", 1, "E902", "not valid UTF-8"),
    "syntax_error": (b"import keras\nmodel = keras.Sequential([keras.layers.LSTM(4)\n", 1, "E999", "SyntaxError"),
    "pep263_latin1": ("# -*- coding: latin-1 -*-\n# café\n".encode("latin-1") + BAD.encode(), 1, "RNN001", ""),
    "bom": (b"\xef\xbb\xbf" + BAD.encode(), 1, "RNN001", ""),
    "empty": (b"", 1, None, ""),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_next_to_a_good_one(case: str, tmp_path: Path) -> None:
    data, code, finding, words = CASES[case]
    (tmp_path / "case.py").write_bytes(data)
    (tmp_path / "other.py").write_text(BAD)
    result = run(".", cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert "other.py:3:21: RNN001" in result.stdout
    if finding:
        line = next(line for line in result.stdout.splitlines() if line.startswith("case.py"))
        assert finding in line and words in line


def test_huge_file_is_checked_up_to_the_configured_size(tmp_path: Path) -> None:
    """700 kB of code: over the default max-file-size (a clear E902), checked once it is raised."""
    body = "".join(f"value_{i} = {i} * 2\n" for i in range(30000))
    (tmp_path / "huge.py").write_text(BAD + body)
    refused = run("huge.py", cwd=tmp_path)
    assert refused.returncode == 1 and "huge.py:1:1: E902 too large to analyse" in refused.stdout
    assert "max-file-size = 200,000" in refused.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nmax-file-size = 1_000_000\n")
    result = run("huge.py", cwd=tmp_path)
    assert result.returncode == 1 and "huge.py:3:21: RNN001" in result.stdout


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "other.py").write_text(BAD)
    result = run("nowhere.py", "empty", "other.py", cwd=tmp_path)
    assert result.returncode == 1  # an E902 finding, as in ruff
    assert result.stdout.startswith("nowhere.py:1:1: E902 No such file or directory (os error 2)\n")
    assert "other.py:3:21: RNN001" in result.stdout and "Found 2 findings in 1 file checked." in result.stdout
    alone = run("nowhere.py", cwd=tmp_path)
    assert alone.returncode == 1 and "All checks passed" not in alone.stdout
    assert (
        alone.stdout
        == "nowhere.py:1:1: E902 No such file or directory (os error 2)\nFound 1 finding in 0 files checked.\n"
    )
    as_json = run("--format", "json", "nowhere.py", cwd=tmp_path)
    assert [(item["code"], item["path"]) for item in json.loads(as_json.stdout)] == [("E902", "nowhere.py")]
    unselected = run("--ignore", "E902", "nowhere.py", cwd=tmp_path)
    assert unselected.returncode == 0 and "failed to check nowhere.py: No such file or directory" in unselected.stderr


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "secret.py"
    target.write_text(BAD)
    target.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read itself fail as it would for a user
        real_open = os.open

        def refusing_open(path: str, *args: int, **kwargs: int) -> int:
            if str(path).endswith("secret.py"):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
    result = check_file(str(target), select_rules(), "3")
    assert [f.code for f in result.errors] == ["E902"]
    assert "cannot read file: Permission denied" in result.errors[0].message


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "other.py").write_text(BAD)
    result = run(".", cwd=tmp_path)
    assert result.returncode == 1
    assert "a.py:1:1: E902" in result.stdout
    assert result.stdout.count("RNN001") == 1


def test_an_internal_error_in_one_rule_is_contained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules = select_rules()

    def broken(module: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(rules[0], "check", broken)
    (tmp_path / "m.py").write_text(BAD.replace("stateful=True", "stateful=True, return_sequences=True") + "x = 1\n")
    result = check_file(str(tmp_path / "m.py"), rules, "3")
    assert [f.code for f in result.errors] == [INTERNAL_ERROR]
    assert "RNN001" in result.errors[0].message and "KeyError" in result.errors[0].message


@pytest.mark.slow
@pytest.mark.parametrize("package", ["keras", "tf_keras", "tensorflow"])
def test_installed_library_sources_give_no_internal_error(package: str) -> None:
    """The whole source of real Keras and TensorFlow: nothing crashes."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is installed in CI"
    root = next(iter(spec.submodule_search_locations))
    rules = select_rules()
    count = 0
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                count += 1
                result = check_file(os.path.join(folder, name), rules, "auto")
                assert not [f for f in result.errors if f.code == INTERNAL_ERROR], result.errors
    assert count > 300


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_verbose_prints_the_short_traceback_of_an_internal_error(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, output_format: str
) -> None:
    """The traceback goes to stderr, so a machine-readable report stays valid."""

    def broken_rule_check(self: object, module: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(BY_CODE["RNN010"], "check", broken_rule_check)
    (tmp_path / "m.py").write_text(BAD)
    quiet = cli("m.py", "--no-cache", "--format", output_format)
    verbose = cli("m.py", "--no-cache", "--format", output_format, "--verbose")
    for result in (quiet, verbose):
        assert result.exit_code == 2
        assert "RNN001" in result.stdout and "internal error in RNN010: KeyError" in result.stdout
    assert quiet.stderr == ""
    assert "Traceback (most recent call last)" in verbose.stderr
    assert "in broken_rule_check" in verbose.stderr and verbose.stderr.rstrip().endswith("KeyError: 'boom'")
    assert verbose.stdout == quiet.stdout
    if output_format == "json":
        json.loads(verbose.stdout)


def test_an_internal_error_in_one_files_extraction_is_contained(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import rnnlint.extract

    real_extract = rnnlint.extract.extract

    def extract_failing_on_broken(path: str, *args: object) -> object:
        if path.endswith("broken.py"):
            raise ValueError("cannot model this")
        return real_extract(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(rnnlint.extract, "extract", extract_failing_on_broken)
    (tmp_path / "broken.py").write_text(BAD)
    (tmp_path / "other.py").write_text(BAD)
    result = cli(".", "--no-cache", "-j", "1", "--verbose")
    assert result.exit_code == 2
    assert "broken.py:1:1: RNN900 internal error in extraction: ValueError: cannot model this" in result.stdout
    assert "other.py:3:" in result.stdout and "broken.py:3:" not in result.stdout
    assert "in extract_failing_on_broken" in result.stderr
