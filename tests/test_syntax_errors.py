"""Syntax errors come from Python's own parser: its line, column and message,
for every checked file, model or not, and for notebook cells."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Invoke, write

BROKEN = {
    "unterminated_string": 'x = 1\ny = 2\nname = "abc\nz = 3\n',
    "unclosed_paren_in_model": (
        "import keras\nfrom keras.layers import LSTM\nmodel = keras.Sequential([LSTM(4)]\nmodel.fit(x, y)\n"
    ),
    "bad_def": "def f(:\n    pass\n",
    "non_ascii_before_error": 'label = "température"; value = (1 2)\n',
    "indentation": "if True:\nprint(1)\n",
    "unexpected_indent_late": "a = 1\nb = 2\n    c = 3\n",
    "tab_mix_in_lstm_file": "from keras.layers import LSTM\nif True:\n        x = LSTM(4)\n\tyy = 1\n",
    "walrus_at_top": "x := 1\n",
    "unterminated_triple_quote": 'import keras\ndoc = """never closed\nkeras.layers.LSTM(4)\n',
}

PYTHON_SAYS = (
    "import ast, sys\n"
    "try:\n"
    "    ast.parse(open(sys.argv[1], encoding='utf-8').read())\n"
    "except SyntaxError as error:\n"
    "    print(f'{error.lineno}:{error.offset}: E999 SyntaxError: {error.msg}')\n"
)


def python_says(path: Path) -> str:
    """``python -c "import ast; ast.parse(open(F).read())"``'s error, as rnnlint prints it."""
    done = subprocess.run([sys.executable, "-c", PYTHON_SAYS, str(path)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_position_and_message_are_pythons(cli: Invoke, tmp_path: Path, name: str) -> None:
    write(tmp_path, {f"{name}.py": BROKEN[name]})
    expected = python_says(tmp_path / f"{name}.py")
    assert expected, "the example must be a syntax error"
    result = cli(f"{name}.py")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{name}.py:{expected}"


def test_a_file_without_any_model_is_reported_too(cli: Invoke, tmp_path: Path) -> None:
    """The pre-filter skips it (no recurrent layer named), yet its syntax error is reported, also from the cache."""
    write(tmp_path, {"util.py": "def helper(:\n    return 1\n", "fine.py": "x = 1\n"})
    for _ in range(2):
        result = cli(".")
        assert result.exit_code == 1
        assert result.stdout == "util.py:1:12: E999 SyntaxError: invalid syntax\nFound 1 finding in 2 files checked.\n"
    as_json = json.loads(cli(".", "--format", "json").stdout)
    assert [(f["code"], f["line"], f["column"]) for f in as_json] == [("E999", 1, 12)]


def test_notebook_cell_error_is_placed_in_its_cell(cli: Invoke, tmp_path: Path) -> None:
    cells = ["%matplotlib inline\nimport numpy as np\n", "!pip install keras\nvalues = [1, 2\nprint(values)\n"]
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": text, "outputs": [], "execution_count": None}
            for text in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    write(tmp_path, {"nb.ipynb": json.dumps(notebook), "cell.py": "pass\n" + cells[1].replace("!pip", "#pip")})
    python = python_says(tmp_path / "cell.py")  # the cell alone, as Python sees it (one line lower)
    line, column, message = python.split(":", 2)
    result = cli("nb.ipynb")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"nb.ipynb:cell_2:{int(line) - 1}:{column}:{message}"
