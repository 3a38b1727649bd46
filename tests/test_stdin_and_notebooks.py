"""Editors' stdin mode, and Jupyter notebooks, through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import BAD_MODEL, GOOD_MODEL, Invoke, write


def test_stdin_is_checked_under_its_filename_with_that_paths_config(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"proj/pyproject.toml": '[tool.rnnlint]\nper-file-ignores = { "legacy/*" = ["RNN002"] }\n'})
    result = cli("-", "--stdin-filename", "proj/src/model.py", input=BAD_MODEL)
    assert result.exit_code == 1
    assert result.stdout.startswith("proj/src/model.py:5:1: RNN002 ")
    assert "in 1 file checked" in result.stdout
    ignored = cli("-", "--stdin-filename", "proj/legacy/model.py", input=BAD_MODEL)
    assert ignored.exit_code == 0 and ignored.stdout == "All checks passed (1 file checked).\n"
    assert cli("--stdin-filename", "proj/src/model.py", input=GOOD_MODEL).exit_code == 0


def test_stdin_without_a_filename(cli: Invoke) -> None:
    result = cli("-", input=BAD_MODEL)
    assert result.stdout.startswith("-:5:1: RNN002 ")
    syntax = cli("-", input="import keras\nmodel = keras.Sequential([keras.layers.LSTM(4)\n")
    assert syntax.exit_code == 1 and re.match(r"-:\d+:\d+: E999 SyntaxError", syntax.stdout)


def _notebook(*cells: tuple[str, str], **metadata: object) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True), "outputs": []}
                if kind == "code"
                else {"cell_type": kind, "metadata": {}, "source": text}
                for kind, text in cells
            ],
            "metadata": metadata,
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


MODEL_CELL = "\n".join(BAD_MODEL.splitlines()[:4])
TRAIN_CELL = (
    "%matplotlib inline\n!pip install keras\nif True:\n    !ls\nfiles = !ls\n"
    "model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)\n"
)


def test_notebook_findings_point_at_the_cell_and_line(cli: Invoke, tmp_path: Path) -> None:
    notebook = _notebook(
        ("markdown", "# Training a stateful LSTM"),
        ("code", MODEL_CELL),
        ("code", "%%bash\necho this is not python ((\n"),
        ("code", TRAIN_CELL),
        language_info={"name": "python"},
    )
    write(tmp_path, {"nb.ipynb": notebook, "model.py": GOOD_MODEL})
    result = cli(".")
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("nb.ipynb:cell_4:6:1: RNN002 [*] fit() on a stateful model")
    assert "Found 1 finding in 2 files checked." in result.stdout
    [finding] = json.loads(cli("nb.ipynb", "--format", "json").stdout)
    assert (finding["path"], finding["cell"], finding["line"], finding["column"]) == ("nb.ipynb", 4, 6, 1)
    full = cli("nb.ipynb", "--format", "full").stdout.splitlines()
    assert full[2] == "6 | model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)"
    github = cli("nb.ipynb", "--format", "github").stdout
    assert github.startswith("::error file=nb.ipynb,title=RNN002 stateful-fit-shuffle::cell 4, line 6, column 1: fit()")


def test_notebook_suppression_and_other_kernels(cli: Invoke, tmp_path: Path) -> None:
    silenced = TRAIN_CELL.replace("batch_size=4)", "batch_size=4)  # noqa: RNN002")
    write(
        tmp_path,
        {
            "silenced.ipynb": _notebook(("code", MODEL_CELL), ("code", silenced)),
            "r.ipynb": _notebook(("code", "library(keras)\nx <- 1\n"), kernelspec={"language": "R", "name": "ir"}),
        },
    )
    assert cli(".").stdout == "All checks passed (2 files checked).\n"


def test_malformed_notebook_is_a_per_file_error(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"broken.ipynb": '{"cells": [', "nocells.ipynb": "[1, 2]", "model.py": BAD_MODEL})
    result = cli(".")
    assert result.exit_code == 1  # E902 is a finding, as in ruff
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broken.ipynb:1:1: E902 malformed notebook JSON: Expecting value: line 1 column 12")
    assert lines[1] == "model.py:5:1: RNN002 " + lines[1].split(" RNN002 ", 1)[1]
    assert lines[2] == "nocells.ipynb:1:1: E902 malformed notebook: the top level is not a JSON object"
    assert lines[3:] == ["[*] 1 fixable with rnnlint --fix.", "Found 3 findings in 3 files checked."]


def test_notebook_from_stdin(cli: Invoke) -> None:
    result = cli("-", "--stdin-filename", "nb.ipynb", input=_notebook(("code", MODEL_CELL), ("code", TRAIN_CELL)))
    assert result.stdout.startswith("nb.ipynb:cell_2:6:1: RNN002 ")


def test_lines_named_in_a_notebook_message_are_cell_lines(cli: Invoke, tmp_path: Path) -> None:
    stacked = (
        "model = keras.Sequential([\n    keras.Input(shape=(5, 2)),\n"
        "    keras.layers.LSTM(8),\n    keras.layers.LSTM(8),\n])\n"
    )
    write(tmp_path, {"nb.ipynb": _notebook(("code", "%matplotlib inline\nimport keras\n"), ("code", stacked))})
    [finding] = json.loads(cli("nb.ipynb", "--format", "json").stdout)
    assert (finding["code"], finding["cell"], finding["line"]) == ("RNN011", 2, 3)
    assert "LSTM(8) on line 4 of cell 2 needs a sequence" in finding["message"]
