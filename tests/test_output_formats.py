"""Every --format, and the options around them, through the command line."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
from conftest import BAD_MODEL, GOOD_MODEL, REPO, Invoke, sarif_schema, write

RNN002_TEXT = (
    "fit() on a stateful model shuffles the samples (shuffle defaults to True), so batch k+1 no longer continues "
    "batch k and the state carried between them is meaningless; pass shuffle=False"
)


def test_text_is_the_problem_matcher_line(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"src/bad.py": BAD_MODEL, "src/good.py": GOOD_MODEL})
    result = cli("src")
    assert result.exit_code == 1
    assert result.stdout == (
        f"src/bad.py:5:1: RNN002 [*] {RNN002_TEXT}\n"
        "[*] 1 fixable with rnnlint --fix.\n"
        "Found 1 finding in 2 files checked.\n"
    )
    assert re.fullmatch(
        r"(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) .+", result.stdout.split("\n")[0]
    )


def test_quiet_exit_zero_statistics_and_output_file(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": BAD_MODEL, "b.py": BAD_MODEL, "c.py": GOOD_MODEL})
    quiet = cli(".", "--quiet")
    assert quiet.exit_code == 1 and quiet.stdout.count("\n") == 2 and "Found" not in quiet.stdout
    assert cli("c.py", "-q").stdout == ""
    assert cli(".", "--exit-zero").exit_code == 0
    assert cli(".", "--statistics").stdout == "2\tRNN002\t[*] stateful-fit-shuffle\n"
    assert json.loads(cli(".", "--statistics", "--format", "json").stdout) == [
        {"code": "RNN002", "name": "stateful-fit-shuffle", "count": 2, "fixable": 2}
    ]
    written = cli(".", "--format", "json", "-o", "reports/rnnlint.json")
    assert written.exit_code == 1 and written.stdout == ""
    assert [item["path"] for item in json.loads((tmp_path / "reports/rnnlint.json").read_text())] == ["a.py", "b.py"]


def test_unreadable_files_are_findings_as_in_ruff(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"a.py": BAD_MODEL})
    (tmp_path / "binary.py").write_bytes(b"\x00\x01")
    assert cli(".").exit_code == 1
    result = cli(".", "--exit-zero")
    assert result.exit_code == 0
    assert "binary.py:1:1: E902 file is not valid UTF-8 text" in result.stdout and "a.py:5:1: RNN002" in result.stdout


def test_full_shows_the_excerpt_the_fix_and_the_doc(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"bad.py": BAD_MODEL.replace("model.fit(", "model.fit(\n    ")})
    result = cli("bad.py", "--format", "full")
    message = RNN002_TEXT.removesuffix("; pass shuffle=False")
    assert result.stdout == (
        f"bad.py:5:1: RNN002 [*] {message}\n"
        "  |\n"
        "5 | model.fit(\n"
        "  | ^^^^^^^^^^\n"
        "6 |     np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)\n"
        "  |\n"
        "  = fix: pass shuffle=False (fixable with rnnlint --fix)\n"
        "  = docs: rnnlint rule RNN002 (stateful-fit-shuffle)\n"
        "\n"
        "[*] 1 fixable with rnnlint --fix.\n"
        "Found 1 finding in 1 file checked.\n"
    )


def test_full_caret_under_the_span(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"m.py": "from keras import layers\nlstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)\n"})
    lines = cli("m.py", "--format", "full", "--keras", "3").stdout.splitlines()
    assert lines[2] == "2 | lstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)"
    assert lines[3] == "  |" + " " * 43 + "^" * len("batch_size=10")


def test_github_annotations(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"src/bad.py": BAD_MODEL})
    result = cli("src", "--format", "github")
    escaped = RNN002_TEXT.replace("%", "%25")
    assert result.stdout == (
        "::error file=src/bad.py,line=5,col=1,endLine=5,endColumn=64,title=RNN002 stateful-fit-shuffle::"
        f"{escaped} (fixable with rnnlint --fix)\n"
    )


def test_sarif_is_valid_stable_and_relative(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"src/bad model.py": BAD_MODEL, "src/good.py": GOOD_MODEL, "m.py": "import keras\n"})
    (tmp_path / "broken.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.LSTM(4)\n")
    result = cli(".", "--format", "sarif")
    log = json.loads(result.stdout)
    validator = jsonschema.Draft4Validator(sarif_schema())
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["E999", "RNN002"]  # only the rules that fired
    assert run["tool"]["driver"]["rules"][1]["help"]["markdown"].startswith("# RNN002 stateful-fit-shuffle")
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["RNN002"]["level"] == "error"
    assert results["RNN002"]["ruleIndex"] == 1
    location = results["RNN002"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/bad%20model.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 65}
    assert cli(".", "--format", "sarif").stdout == result.stdout
    assert json.loads(cli("src/good.py", "--format", "sarif").stdout)["runs"][0]["results"] == []


def test_sarif_uris_are_relative_to_the_working_folder(tmp_path: Path, monkeypatch: Any, cli: Invoke) -> None:
    write(tmp_path, {"repo/src/bad.py": BAD_MODEL})
    monkeypatch.chdir(tmp_path / "repo")
    log = json.loads(cli(str(tmp_path / "repo" / "src"), "--format", "sarif").stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "src/bad.py"


def test_gitlab_fingerprints_survive_line_shifts(cli: Invoke, tmp_path: Path) -> None:
    twice = BAD_MODEL + BAD_MODEL.split("\n", 2)[2]  # the model built and trained twice: two identical findings
    write(tmp_path, {"m.py": twice})
    before = json.loads(cli("m.py", "--format", "gitlab").stdout)
    assert [issue["location"] for issue in before] == [
        {"path": "m.py", "lines": {"begin": 5, "end": 5}},
        {"path": "m.py", "lines": {"begin": 8, "end": 8}},
    ]
    assert before[0]["check_name"] == "RNN002" and before[0]["severity"] == "major"
    assert before[0]["description"].startswith("RNN002 fit() on a stateful model")
    assert len({issue["fingerprint"] for issue in before}) == 2
    write(tmp_path, {"m.py": '"""Training."""\n\n# more lines above\n' + twice})
    after = json.loads(cli("m.py", "--format", "gitlab").stdout)
    assert [issue["location"]["lines"]["begin"] for issue in after] == [8, 11]
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]
    write(tmp_path, {"m.py": twice.replace("batch_size=4)", "batch_size=4)  # changed", 1)})
    changed = json.loads(cli("m.py", "--format", "gitlab").stdout)
    assert changed[0]["fingerprint"] != before[0]["fingerprint"]


def _run_on_terminal(tmp_path: Path, env: dict[str, str], *args: str) -> bytes:
    """rnnlint's output with stdout on a pseudo-terminal, as in an interactive shell."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(REPO), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "rnnlint", *(args or ("bad.py",))],
        cwd=tmp_path,
        stdout=follower,
        stderr=follower,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 1
    return b"".join(chunks)


def test_colour_on_a_terminal_only_and_never_with_no_color(tmp_path: Path) -> None:
    write(tmp_path, {"bad.py": BAD_MODEL})
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    coloured = _run_on_terminal(tmp_path, {**env})
    assert b"\x1b[1mbad.py:5:1\x1b[0m: \x1b[1;31mRNN002\x1b[0m [*] fit()" in coloured
    assert b"\x1b[" not in _run_on_terminal(tmp_path, {"NO_COLOR": "1"})
    piped = subprocess.run(
        [sys.executable, "-m", "rnnlint", "bad.py"],
        cwd=tmp_path,
        capture_output=True,
        env={**env, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert piped.stdout.startswith(b"bad.py:5:1: RNN002 [*] fit()")


def test_full_format_is_coloured_too_and_force_color_is_respected(tmp_path: Path) -> None:
    write(tmp_path, {"bad.py": BAD_MODEL})
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    header = b"\x1b[1mbad.py:5:1\x1b[0m: \x1b[1;31mRNN002\x1b[0m [*] fit()"
    assert header in _run_on_terminal(tmp_path, env, "--format", "full", "bad.py")
    assert b"\x1b[" not in _run_on_terminal(tmp_path, {**env, "NO_COLOR": "1"}, "--format", "full", "bad.py")
    assert b"\x1b[" not in _run_on_terminal(tmp_path, env, "--format", "json", "bad.py")  # never in machine formats

    def piped(*args: str, **extra: str) -> str:
        environment = {**env, "PYTHONPATH": str(REPO), **extra}
        command = [sys.executable, "-m", "rnnlint", *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=environment).stdout

    assert "\x1b[1;31mRNN002" in piped("--format", "full", "bad.py", FORCE_COLOR="1")
    assert "\x1b[" not in piped("--format", "full", "bad.py")
    assert "\x1b[" not in piped("--format", "full", "bad.py", FORCE_COLOR="1", NO_COLOR="1")
