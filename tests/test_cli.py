"""The command line as users and CI run it: output formats and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rnnlint.kerasversion import resolve_version
from rnnlint.testing import expected, statement_starts, static_only

ROOT = Path(__file__).resolve().parents[1]
SEED = "fixtures/seed000_stateful_guide.py"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.+)$")


def test_seed_is_clean_under_keras2(rnnlint) -> None:
    result = rnnlint("--keras", "2", SEED)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "All checks passed (1 file checked)."


def test_seed_under_keras3_reports_rnn040_at_the_batch_input_shape_line(rnnlint) -> None:
    result = rnnlint("--keras", "3", SEED)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    match = LINE.match(lines[0])
    assert match, lines[0]
    assert match["code"] == "RNN040"
    source_line = (ROOT / SEED).read_text().splitlines()[int(match["line"]) - 1]
    assert "batch_input_shape=" in source_line
    assert "keras.Input(batch_shape=(32, 8, 16))" in match["message"]
    assert lines[-1] == "Found 1 finding in 1 file checked."


def test_whole_fixture_folder_finds_exactly_what_is_marked(rnnlint) -> None:
    """``rnnlint fixtures/`` with the default --keras auto (and RNN100, off by default)."""
    result = rnnlint("--format", "json", "--extend-select", "RNN100", "fixtures/")
    assert result.returncode == 1
    got: dict[str, set[tuple[int, str]]] = {}
    for item in json.loads(result.stdout):
        got.setdefault(item["path"], set()).add((item["line"], item["code"]))
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        if path.name.endswith(".fixed.py"):
            continue  # --fix output, whose inherited # expect comments are stale: tests/test_fix.py checks it
        source = path.read_text()
        version = resolve_version("auto", "tf_keras" in source).major
        want = static_only(expected(source, version))  # RNN099 needs --confirm=all: test_confirm_tf.py
        starts = statement_starts(source)
        relative = str(path.relative_to(ROOT))
        found = {
            (line if (line, code) in want else starts.get(line, line), code) for line, code in got.get(relative, set())
        }
        assert found == want, relative


def test_json_fields(rnnlint) -> None:
    result = rnnlint("--keras", "3", "--format", "json", SEED)
    (item,) = json.loads(result.stdout)
    for key in ("code", "name", "path", "line", "column", "end_line", "end_column", "message", "keras_version"):
        assert key in item
    assert item["keras_version"] == 3
    assert item["name"] == "keras3-removed-argument"
    assert (item["line"], item["column"]) < (item["end_line"], item["end_column"])


def test_select_and_ignore(rnnlint) -> None:
    assert rnnlint("--keras", "3", "--ignore", "RNN04", SEED).returncode == 0
    assert rnnlint("--keras", "3", "--select", "RNN001,RNN002", SEED).returncode == 0
    assert rnnlint("--keras", "3", "--select", "RNN040", SEED).returncode == 1


def test_unknown_code_is_a_usage_error(rnnlint) -> None:
    result = rnnlint("--select", "RNN777", SEED)
    assert result.returncode == 2
    assert "RNN777" in result.stderr


def test_syntax_error_is_reported_and_other_files_still_checked(rnnlint, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.LSTM(4)\n")
    (tmp_path / "model.py").write_text(
        "from keras.models import Sequential\nfrom keras.layers import LSTM\n"
        "model = Sequential([LSTM(4, stateful=True, input_shape=(3, 2))])\n"
    )
    result = rnnlint(str(tmp_path))
    assert result.returncode == 1
    assert re.search(r"broken\.py:\d+:\d+: E999 SyntaxError", result.stdout), result.stdout
    assert "model.py:3:21: RNN001" in result.stdout


def test_missing_path_is_an_e902_finding_and_the_rest_is_checked(rnnlint) -> None:
    result = rnnlint("--keras", "3", "no/such/file.py", SEED)
    assert result.returncode == 1
    assert "no/such/file.py:1:1: E902 No such file or directory (os error 2)" in result.stdout
    assert "RNN040" in result.stdout


def test_folder_walk_skips_hidden_and_virtualenvs(rnnlint, tmp_path: Path) -> None:
    bad = (
        "from keras.models import Sequential\nfrom keras.layers import LSTM\nm = Sequential([LSTM(4, stateful=True)])\n"
    )
    for folder in (".hidden", "venv", "__pycache__", "env_like"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(bad)
    (tmp_path / "env_like" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text("x = 1\n")
    result = rnnlint(str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "1 file checked" in result.stdout


def test_rule_command(rnnlint) -> None:
    listing = rnnlint("rule", "--all")
    assert listing.returncode == 0
    assert "RNN002  stateful-fit-shuffle" in listing.stdout
    doc = rnnlint("rule", "RNN002")
    assert doc.stdout.startswith("# RNN002 stateful-fit-shuffle")
    assert "## Why is this bad?" in doc.stdout
    assert rnnlint("rule", "stateful-fit-shuffle").stdout == doc.stdout
    assert rnnlint("rule", "RNN999").returncode == 2


def test_shapes_command_on_seed(rnnlint) -> None:
    result = rnnlint("shapes", "--keras", "2", SEED)
    assert result.returncode == 0
    rows = [line.split() for line in result.stdout.splitlines() if line.strip()[:2].isdigit()]
    assert [row[2:5] for row in rows] == [
        ["(32,", "8,", "32)"],
        ["(32,", "8,", "32)"],
        ["(32,", "32)", "batch,"],
        ["(32,", "10)", "batch,"],
    ]
    assert "Total params: 23,242" in result.stdout
    data = json.loads(rnnlint("shapes", "--keras", "2", "--format", "json", SEED).stdout)
    layers = data[0]["layers"]
    assert [layer["output_shape"] for layer in layers] == [[32, 8, 32], [32, 8, 32], [32, 32], [32, 10]]
    assert [layer["params"] for layer in layers] == [6272, 8320, 8320, 330]


def test_shapes_json_gives_numbers_or_null(rnnlint, tmp_path: Path) -> None:
    """A size the code does not fix (features from data of unknown shape) is null, never a string."""
    (tmp_path / "m.py").write_text(
        "import keras\nimport numpy as np\nx = np.load('x.npy')\n"
        "model = keras.Sequential([keras.Input(shape=(10, x.shape[2])), keras.layers.LSTM(4), keras.layers.Dense(1)])\n"
    )
    (model,) = json.loads(rnnlint("shapes", "--format", "json", "m.py", cwd=tmp_path).stdout)
    values = [model["total_params"], *(v for layer in model["layers"] for v in (layer["units"], layer["params"]))]
    values += [d for layer in model["layers"] for d in layer["output_shape"] or []]
    assert all(value is None or isinstance(value, int) for value in values), values
    assert model["total_params"] is None and None in [layer["params"] for layer in model["layers"]]


def test_version_and_help(rnnlint) -> None:
    assert rnnlint("--version").stdout.startswith("rnnlint, version")
    help_text = rnnlint("check", "--help").stdout
    for option in ("--format", "--select", "--ignore", "--keras"):
        assert option in help_text
