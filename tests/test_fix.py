"""``--fix``, ``--unsafe-fixes`` and ``--diff``: every fix on before/after
fixture pairs, byte for byte, and the guarantees: the result parses, the
fixed findings are gone, nothing new appears, a second ``--fix`` changes
nothing. With TensorFlow, every fixed model builds (through the confirmation
worker) and every fixed program runs.

Each ``fixtures/fix/NAME.py`` starts with the command that fixes it
(``# rnnlint --keras 3 --fix``); ``NAME.fixed.py`` is the expected result.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from functools import cache
from pathlib import Path

import libcst as cst
import pytest
from conftest import REPO, Invoke, write

from rnnlint.findings import FileResult
from rnnlint.fix.edits import remove_args, set_keyword
from rnnlint.fix.engine import fix_source
from rnnlint.pipeline import check_source
from rnnlint.rules import select_rules
from rnnlint.testing import check, expected, found

FIXES = REPO / "fixtures" / "fix"
BEFORE = sorted(path for path in FIXES.glob("*.py") if not path.name.endswith(".fixed.py"))
IDS = [path.stem for path in BEFORE]


def fixed_twin(path: Path) -> Path:
    return path.with_name(path.stem + ".fixed.py")


def command(path: Path) -> list[str]:
    """The options on the fixture's first line: ``# rnnlint --keras 3 --fix``."""
    first = path.read_text().splitlines()[0]
    assert first.startswith("# rnnlint "), f"{path.name} must start with the command that fixes it"
    return shlex.split(first[len("# rnnlint ") :])


def keras_of(path: Path) -> str:
    options = command(path)
    return options[options.index("--keras") + 1]


def checker(path: Path) -> Callable[[str], FileResult]:
    """Every rule, RNN100 (unused suppressions) included."""
    rules = select_rules()
    return lambda source: check(path.name, source, rules, keras_of(path))


def test_every_fixture_pair_is_whole() -> None:
    """Each fixture has its fixed twin. (Every fix's own examples, in its rule,
    are run by tests/test_rule_examples.py; these pairs are bigger programs.)"""
    assert BEFORE, "no fixtures/fix/*.py"
    assert all(fixed_twin(path).exists() for path in BEFORE)


# -- fixture pairs ------------------------------------------------------------


@pytest.mark.parametrize("path", BEFORE, ids=IDS)
def test_fix_gives_the_fixed_twin_byte_for_byte(path: Path, cli: Invoke, tmp_path: Path) -> None:
    shutil.copy(path, tmp_path / path.name)
    result = cli(*command(path), path.name)
    assert (tmp_path / path.name).read_bytes() == fixed_twin(path).read_bytes()
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "All checks passed (1 file checked).\n"
    assert result.stderr.startswith("Fixed ")


@pytest.mark.parametrize("path", BEFORE, ids=IDS)
def test_diff_shows_the_fix_and_changes_nothing(path: Path, cli: Invoke, tmp_path: Path) -> None:
    shutil.copy(path, tmp_path / path.name)
    options = [option for option in command(path) if option != "--fix"]
    result = cli(*options, "--diff", path.name)
    before, after = path.read_text(), fixed_twin(path).read_text()
    want = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=path.name, tofile=path.name
    )
    assert result.exit_code == 1
    assert result.stdout == "".join(want)
    assert result.stderr.startswith("Would fix ")
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", BEFORE, ids=IDS)
def test_a_second_fix_changes_nothing(path: Path, cli: Invoke, tmp_path: Path) -> None:
    twin = fixed_twin(path)
    shutil.copy(twin, tmp_path / path.name)
    options = [option for option in command(path) if option != "--fix"]
    assert cli(*options, "--diff", path.name).stdout == ""
    assert cli(*options, "--diff", path.name).exit_code == 0
    assert cli(*options, "--fix", path.name).exit_code == 0
    assert (tmp_path / path.name).read_bytes() == twin.read_bytes()


@pytest.mark.parametrize("path", BEFORE, ids=IDS)
def test_guarantees(path: Path) -> None:
    """Every finding of the fixture is marked fixable, as safe or unsafe as the
    command says; after fixing, it parses and nothing is left or new."""
    check = checker(path)
    source = path.read_text()
    before = check(source)
    version = int(keras_of(path))
    assert found(before.findings, source, expected(source, version)) == expected(source, version)
    wanted = "unsafe" if "--unsafe-fixes" in command(path) else "safe"
    assert {finding.fix_applicability for finding in before.findings} <= {"safe", wanted}
    assert all(finding.fix_applicability for finding in before.findings)
    outcome = fix_source(source, check, unsafe="--unsafe-fixes" in command(path))
    compile(outcome.source, path.name, "exec")
    assert outcome.source == fixed_twin(path).read_text()
    assert sorted(f.code for f in outcome.fixed) == sorted(f.code for f in before.findings)
    assert outcome.result.findings == () and outcome.result.errors == ()


# -- what is not fixed ------------------------------------------------------------

STATEFUL = textwrap.dedent(
    """\
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input(batch_shape=(32, 8, 4)), keras.layers.LSTM(8, stateful=True)])
    model.compile(loss="mse", optimizer="adam")
    x, y = np.zeros((320, 8, 4)), np.zeros((320, 8))
    """
)


def _fix(source: str, keras: str = "3", unsafe: bool = False) -> tuple[FileResult, str]:
    rules = select_rules()
    outcome = fix_source(source, lambda text: check_source("m.py", text, rules, keras), unsafe)
    return check_source("m.py", source, rules, keras), outcome.source


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("RNN041", "model.fit(x, y, batch_size=32, shuffle=False); model.reset_states()"),
        ("RNN041", "print(model.reset_states())"),
        ("RNN041", "done = model.reset_states()"),
        ("RNN002", "model.fit(tf.data.Dataset.from_tensor_slices((x, y)).shuffle(9).batch(32), epochs=2)"),
        ("RNN004", "model.train_on_batch(x[:16], y[:16])"),
    ],
)
def test_not_fixable_is_said_and_left_alone(code: str, line: str) -> None:
    source = "import tensorflow as tf\n" + STATEFUL + line + "\n"
    result, fixed = _fix(source, unsafe=True)
    assert [f.code for f in result.findings] == [code]
    assert result.findings[0].fix_applicability is None
    assert fixed == source


def test_keyword_arguments_passed_through_are_not_guessed() -> None:
    source = textwrap.dedent(
        """\
        import keras
        options = {"units": 16}
        model = keras.Sequential([keras.Input(shape=(5, 2)), keras.layers.LSTM(**options), keras.layers.LSTM(4)])
        """
    )
    result, fixed = _fix(source)
    assert all(f.fix_applicability is None for f in result.findings)
    assert fixed == source


def test_a_fix_that_would_add_a_finding_is_dropped() -> None:
    """predict on 48 samples with batch_size=48: the model's 32 would leave a partial batch (RNN003)."""
    source = STATEFUL + "model.predict(x[:48], batch_size=48)\n"
    result, fixed = _fix(source, unsafe=True)
    assert [(f.code, f.fix_applicability) for f in result.findings] == [("RNN004", "unsafe")]
    assert fixed == source


def test_unsafe_fixes_need_the_option(cli: Invoke, tmp_path: Path) -> None:
    path = FIXES / "rnn004_batch_size.py"
    shutil.copy(path, tmp_path / path.name)
    result = cli("--keras", "3", "--fix", path.name)
    assert result.exit_code == 1
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()
    assert "3 more findings can be fixed with --unsafe-fixes" in result.stderr
    assert result.stdout.count(" RNN004 [~] ") == 3
    assert cli("--unsafe-fixes", path.name).exit_code == 2


def test_suppressed_findings_are_not_fixed(cli: Invoke, tmp_path: Path) -> None:
    source = STATEFUL + "model.fit(x, y, batch_size=32)  # noqa: RNN002\nmodel.fit(x, y, batch_size=32)\n"
    write(tmp_path, {"m.py": source})
    result = cli("--keras", "3", "--fix", "m.py")
    assert result.exit_code == 0
    assert (tmp_path / "m.py").read_text() == source.replace("32)\n", "32, shuffle=False)\n")  # the last line only


NOTEBOOK = REPO / "tests" / "data" / "stateful_notebook.ipynb"
"""A notebook as Jupyter saves it: magics (``%matplotlib``, ``!pip``, ``%%time``),
outputs, cell and notebook metadata, non-ASCII text; RNN040 in cell 3,
RNN002 in cell 4, an unused ``# noqa`` in cell 5."""
NOTEBOOK_FIXES = {
    '    "model.add(LSTM(32, stateful=True,\\n",\n    "               batch_input_shape=(batch_size, 8, 16)))\\n",\n': (
        '    "model.add(keras.Input(batch_shape=(batch_size, 8, 16)))\\n",\n'
        '    "model.add(LSTM(32, stateful=True))\\n",\n'
    ),
    '"history = model.fit(x, y, batch_size=32, epochs=2)"': (
        '"history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False)"'
    ),
    '"model.summary()  # noqa: RNN002"': '"model.summary()"',
}
NOTEBOOK_DIFF = """\
--- nb.ipynb:cell 3
+++ nb.ipynb:cell 3
@@ -1,6 +1,6 @@
 batch_size = 32
 model = keras.Sequential()
-model.add(LSTM(32, stateful=True,
-               batch_input_shape=(batch_size, 8, 16)))
+model.add(keras.Input(batch_shape=(batch_size, 8, 16)))
+model.add(LSTM(32, stateful=True))
 model.add(Dense(1))
 model.compile(loss="mse", optimizer="adam")
--- nb.ipynb:cell 4
+++ nb.ipynb:cell 4
@@ -1,4 +1,4 @@
 %%time
 x = np.zeros((320, 8, 16))
 y = np.zeros((320, 1))
-history = model.fit(x, y, batch_size=32, epochs=2)
+history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False)
--- nb.ipynb:cell 5
+++ nb.ipynb:cell 5
@@ -1 +1 @@
-model.summary()  # noqa: RNN002
+model.summary()
"""


def _fixed_notebook_text(text: str) -> str:
    for before, after in NOTEBOOK_FIXES.items():
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text


def test_fix_rewrites_notebook_cells_in_place(cli: Invoke, tmp_path: Path) -> None:
    """Only the fixed lines of the sources change, byte for byte: outputs,
    metadata, magics, key order, indent, non-ASCII text and final newline stay."""
    original = NOTEBOOK.read_text(encoding="utf-8")
    (tmp_path / "nb.ipynb").write_text(original, encoding="utf-8")
    check = cli("--keras", "3", "--extend-select", "RNN100", "nb.ipynb")
    assert check.stdout.count(" [*] ") == 3, check.stdout
    result = cli("--keras", "3", "--extend-select", "RNN100", "--fix", "nb.ipynb")
    assert result.stdout == "All checks passed (1 file checked).\n"
    assert result.stderr == "Fixed 3 findings in 1 file.\n"
    fixed = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    assert fixed == _fixed_notebook_text(original)
    assert '"%matplotlib inline\\n",\n    "!pip install -q numpy\\n"' in fixed and '"%%time\\n"' in fixed
    before, after = json.loads(original), json.loads(fixed)
    for old, new in zip(before["cells"], after["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
    assert cli("--keras", "3", "--extend-select", "RNN100", "--fix", "nb.ipynb").stderr == ""
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == fixed


def test_diff_on_a_notebook_is_per_cell(cli: Invoke, tmp_path: Path) -> None:
    shutil.copy(NOTEBOOK, tmp_path / "nb.ipynb")
    result = cli("--keras", "3", "--extend-select", "RNN100", "--diff", "nb.ipynb")
    assert result.exit_code == 1
    assert result.stdout == NOTEBOOK_DIFF
    assert result.stderr == "Would fix 3 findings in 1 file.\n"
    assert (tmp_path / "nb.ipynb").read_bytes() == NOTEBOOK.read_bytes()


@pytest.mark.parametrize(
    "layout",
    [{"indent": 2}, {"indent": 1, "ensure_ascii": True}, {"indent": 4, "newline": False}, {"indent": None}],
    ids=["indent-2", "ascii-escapes", "no-final-newline", "one-line"],
)
def test_notebook_json_layout_is_kept(cli: Invoke, tmp_path: Path, layout: dict) -> None:
    document = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    newline = "\n" if layout.get("newline", True) else ""
    text = json.dumps(document, indent=layout["indent"], ensure_ascii=layout.get("ensure_ascii", False)) + newline
    (tmp_path / "nb.ipynb").write_text(text, encoding="utf-8")
    cli("--keras", "3", "--fix", "nb.ipynb")
    fixed = json.loads((tmp_path / "nb.ipynb").read_text(encoding="utf-8"))
    document["cells"][2]["source"][2:4] = [
        "model.add(keras.Input(batch_shape=(batch_size, 8, 16)))\n",
        "model.add(LSTM(32, stateful=True))\n",
    ]
    document["cells"][3]["source"][-1] = "history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False)"
    assert fixed == document
    want = json.dumps(document, indent=layout["indent"], ensure_ascii=layout.get("ensure_ascii", False)) + newline
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == want


def test_fix_on_a_notebook_from_stdin_prints_the_fixed_notebook(cli: Invoke) -> None:
    original = NOTEBOOK.read_text(encoding="utf-8")
    result = cli("--keras", "3", "--fix", "-", "--stdin-filename", "nb.ipynb", input=original.encode())
    fixed = _fixed_notebook_text(original).replace('"model.summary()"', '"model.summary()  # noqa: RNN002"')
    assert result.stdout == fixed


def test_changes_to_masked_ipython_lines_are_not_mapped_back() -> None:
    """The rules see ``!pip ...`` as ``pass``: a change there cannot go back into
    the cell (the magic would be lost), nor can lines added across two cells."""
    from rnnlint.notebook import parse as parse_notebook
    from rnnlint.notebook_fix import fixed_cells

    cells = [
        {"cell_type": "code", "source": "!pip install keras\nimport keras"},
        {"cell_type": "code", "source": "x = 1"},
    ]
    notebook = parse_notebook(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}).encode())
    assert notebook.source == "pass\nimport keras\nx = 1\n"
    assert fixed_cells(notebook, "pass\nimport keras\nx = 1\n") == {}
    assert fixed_cells(notebook, "pass\nimport keras, numpy\nx = 2\n") == {
        1: "!pip install keras\nimport keras, numpy",
        2: "x = 2",
    }
    assert fixed_cells(notebook, "pass\nimport keras\nimport numpy\nx = 1\n") == {
        1: "!pip install keras\nimport keras\nimport numpy"
    }
    assert fixed_cells(notebook, "import keras\nx = 1\n") is None
    assert fixed_cells(notebook, "pass  # noqa\nimport keras\nx = 1\n") is None
    assert fixed_cells(notebook, "pass\nimport a\nimport b\nx = 3\ny = 4\n") is None


# -- layout ---------------------------------------------------------------------------


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def test_removing_arguments_keeps_every_comment() -> None:
    call = cst.ensure_type(
        cst.parse_expression(
            "LSTM(\n    4,  # units\n    input_shape=(5, 2),  # shape\n    batch_size=10,  # batch\n)"
        ),
        cst.Call,
    )
    removed = remove_args(call, [call.args[1], call.args[2]])
    assert _code(removed) == "LSTM(\n    4,  # units\n    # shape\n    # batch\n)"
    last = cst.ensure_type(cst.parse_expression("LSTM(4,\n     stateful=True,  # keep\n     x=1)"), cst.Call)
    assert _code(remove_args(last, [last.args[2]])) == "LSTM(4,\n     stateful=True,  # keep\n     )"
    plain = cst.ensure_type(cst.parse_expression("f(a, b=1)"), cst.Call)
    assert (_code(remove_args(plain, [plain.args[1]])), _code(remove_args(plain, [plain.args[0]]))) == (
        "f(a)",
        "f(b=1)",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("f(a)", "f(a, k=0)"),
        ("f()", "f(k=0)"),
        ("f(a, k=1)", "f(a, k=0)"),
        ("f(a,\n  b)", "f(a,\n  b,\n  k=0)"),
        ("f(\n    a,  # why\n)", "f(\n    a,  # why\n    k=0,\n)"),
    ],
)
def test_a_new_keyword_follows_the_layout_of_the_call(before: str, after: str) -> None:
    call = cst.ensure_type(cst.parse_expression(before), cst.Call)
    assert _code(set_keyword(call, "k", cst.Integer("0")) or call) == after


def test_a_file_that_does_not_parse_is_left_alone(cli: Invoke, tmp_path: Path) -> None:
    source = STATEFUL + "model.fit(x, y, batch_size=32\n"
    write(tmp_path, {"m.py": source})
    result = cli("--keras", "3", "--fix", "m.py")
    assert result.exit_code == 1 and " E999 " in result.stdout
    assert (tmp_path / "m.py").read_text() == source


# -- files, stdin and reports ---------------------------------------------------------


def test_encoding_and_newlines_are_kept(cli: Invoke, tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n# données\n" + STATEFUL + "model.fit(x, y, batch_size=32)\n"
    (tmp_path / "m.py").write_bytes(source.replace("\n", "\r\n").encode("latin-1"))
    assert cli("--keras", "3", "--fix", "m.py").exit_code == 0
    fixed = source.replace("batch_size=32)", "batch_size=32, shuffle=False)")
    assert (tmp_path / "m.py").read_bytes() == fixed.replace("\n", "\r\n").encode("latin-1")


def test_fix_on_stdin_prints_the_fixed_code(cli: Invoke) -> None:
    path = FIXES / "rnn040_seed000.py"
    result = cli("--keras", "3", "--fix", "-", "--stdin-filename", "seed.py", input=path.read_bytes())
    assert result.stdout == fixed_twin(path).read_text()
    assert "All checks passed (1 file checked)." in result.stderr
    assert result.exit_code == 0


def test_fix_on_stdin_with_nothing_to_fix_echoes_it(cli: Invoke) -> None:
    source = STATEFUL + "model.predict_on_batch(x[:8])\n"
    result = cli("--keras", "3", "--fix", "-", input=source)
    assert result.stdout == source
    assert result.exit_code == 1
    assert "RNN004" in result.stderr


def test_diff_without_fixes_is_silent_and_exits_0(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"m.py": STATEFUL + "model.fit(x, y, batch_size=32, shuffle=False)\n"})
    result = cli("--keras", "3", "--diff", "m.py")
    assert (result.exit_code, result.stdout) == (0, "")
    assert cli("--keras", "3", "--diff", "missing.py").exit_code == 2


def test_reports_say_what_is_fixable(cli: Invoke, tmp_path: Path) -> None:
    shutil.copy(FIXES / "rnn030_return_sequences.py", tmp_path / "a.py")
    shutil.copy(FIXES / "rnn040_seed000.py", tmp_path / "b.py")
    text = cli("--keras", "3", ".").stdout.splitlines()
    assert [line.split(": ", 1)[1][:10] for line in text[:3]] == ["RNN030 [~]", "RNN030 [~]", "RNN040 [*]"]
    assert text[3] == "[*] 1 fixable with rnnlint --fix ([~] 2 more with --unsafe-fixes)."
    items = json.loads(cli("--keras", "3", "--format", "json", ".").stdout)
    assert [(item["fixable"], item["fix_applicability"]) for item in items] == [
        (True, "unsafe"),
        (True, "unsafe"),
        (True, "safe"),
    ]
    github = cli("--keras", "3", "--format", "github", "b.py").stdout
    assert github.rstrip().endswith("(fixable with rnnlint --fix)")


# -- with TensorFlow ----------------------------------------------------------------------


@pytest.mark.slow
def test_fixed_models_build_in_the_confirmation_worker() -> None:
    """Each recurrent model of each fixed fixture is rebuilt by the worker of
    its Keras version and called on zeros: none fails."""
    from rnnlint.confirm.session import Confirmer, ConfirmOptions
    from rnnlint.facts import is_recurrent_model

    confirmer = Confirmer(ConfirmOptions(mode="all", cache_dir=None), stream=io.StringIO())
    try:
        expected_models = 0
        for path in BEFORE:
            result = checker(path)(fixed_twin(path).read_text())
            assert result.module is not None
            expected_models += sum(1 for model in result.module.models if is_recurrent_model(model))
            assert confirmer.confirm(result).findings == (), path.name
    finally:
        confirmer.close()
    assert (confirmer.tally.clean_models, confirmer.tally.unbuildable_models) == (expected_models, 0)


@cache
def _run_fixed_programs(keras: str) -> dict[str, str]:
    """Run every fixed fixture of one Keras version in one child process (one
    TensorFlow start): our own programs, never user code. Name -> error or ''."""
    paths = [str(fixed_twin(path)) for path in BEFORE if keras_of(path) == keras]
    script = textwrap.dedent(
        """\
        import json, runpy, sys
        errors = {}
        for path in sys.argv[1:]:
            try:
                runpy.run_path(path, run_name="__main__")
                errors[path] = ""
            except BaseException as error:
                errors[path] = f"{type(error).__name__}: {error}"
        print("RESULT " + json.dumps(errors))
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script, *paths], capture_output=True, text=True, env=env, timeout=900, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    return {Path(path).name: error for path, error in json.loads(lines[-1][len("RESULT ") :]).items()}


@pytest.mark.slow
@pytest.mark.parametrize("path", BEFORE, ids=IDS)
def test_fixed_program_runs(path: Path) -> None:
    """The whole fixed program (build, fit, predict, the reset loop) runs under its Keras version."""
    errors = _run_fixed_programs(keras_of(path))
    assert errors[fixed_twin(path).name] == ""
