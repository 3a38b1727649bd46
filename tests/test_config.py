"""[tool.rnnlint] in pyproject.toml, found per file, with the command line on top."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BAD_MODEL, KERAS3_MODEL, Invoke, write


def test_select_and_ignore_from_pyproject(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.rnnlint]\nselect = ["RNN01"]\n', "model.py": BAD_MODEL})
    result = cli("model.py")
    assert result.exit_code == 0, result.output
    assert "All checks passed (1 file checked)." in result.stdout

    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nignore = ["rnn002"]\n')
    assert cli("model.py").exit_code == 0


def test_per_file_ignores(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.rnnlint]\nper-file-ignores = { "legacy/*" = ["RNN002"], "old_*.py" = ["RNN"] }\n',
            "legacy/a.py": BAD_MODEL,
            "src/old_b.py": BAD_MODEL,
            "src/model.py": BAD_MODEL,
        },
    )
    result = cli(".")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("src/model.py:5:1: RNN002 ")
    assert "Found 1 finding in 3 files checked." in result.stdout


def test_nearest_config_wins_and_search_stops_at_the_repository_root(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.rnnlint]\nignore = ["RNN002"]\n',
            "a/pyproject.toml": '[project]\nname = "a"\n',  # no [tool.rnnlint]: the search goes on upward
            "a/model.py": BAD_MODEL,
            "b/pyproject.toml": '[tool.rnnlint]\nselect = ["RNN002"]\n',
            "b/model.py": BAD_MODEL,
            "repo/.git/HEAD": "ref: refs/heads/main\n",  # a repository inside: the search stops there
            "repo/model.py": BAD_MODEL,
        },
    )
    result = cli("a", "b", "repo")
    reported = [line.split(":")[0] for line in result.stdout.splitlines() if "RNN002" in line]
    assert reported == ["b/model.py", "repo/model.py"]


def test_command_line_options_replace_config_values(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.rnnlint]\nignore = ["RNN002"]\nkeras = 2\n', "m.py": KERAS3_MODEL})
    assert cli("m.py").exit_code == 0  # judged as Keras 2: batch_size= is fine there
    result = cli("m.py", "--keras", "3")
    assert result.exit_code == 1 and "m.py:2:43: RNN040" in result.stdout
    (tmp_path / "bad.py").write_text(BAD_MODEL)
    assert cli("bad.py", "--ignore", "RNN040").exit_code == 0  # --ignore adds to the config's ignore
    assert "RNN002" in cli("bad.py", "--select", "RNN0").stdout  # --select starts anew


BOTH = BAD_MODEL.replace("stateful=True)", "stateful=True, batch_size=4)")
"""RNN002 (line 5) and, under Keras 3, RNN040 (line 3)."""


@pytest.mark.parametrize(
    ("config", "options", "reported"),
    [
        # the table of docs/integrations.md
        ('select = ["RNN0"]\nignore = ["RNN002"]', [], ["RNN040"]),
        ('select = ["RNN0"]\nignore = ["RNN002"]', ["--ignore", "RNN040"], []),
        ('select = ["RNN0"]\nignore = ["RNN002"]', ["--extend-select", "RNN002"], ["RNN040", "RNN002"]),
        ('select = ["RNN0"]\nignore = ["RNN002"]', ["--select", "ALL", "--ignore", "RNN04"], ["RNN002"]),
        # as in ruff, the command line's select replaces the config's select, and the config's ignore with it
        ('select = ["RNN0"]\nignore = ["RNN002"]', ["--select", "RNN002"], ["RNN002"]),
        ('select = ["RNN0"]\nignore = ["RNN002"]', ["--select", "RNN0"], ["RNN040", "RNN002"]),
        ('ignore = ["RNN002"]', ["--select", "RNN002"], ["RNN002"]),
        # the command line's ignore adds to the config's
        ('ignore = ["RNN002"]', ["--ignore", "RNN040"], []),
        ('select = ["RNN002", "RNN040"]', ["--ignore", "RNN0"], []),
        # extend-select adds, on the command line or in the config, over an ignore of a level below
        ('ignore = ["RNN002"]', ["--extend-select", "RNN002"], ["RNN040", "RNN002"]),
        ('select = ["RNN040"]\nextend-select = ["RNN002"]', [], ["RNN040", "RNN002"]),
        ('select = ["RNN040"]', ["--extend-select", "RNN002"], ["RNN040", "RNN002"]),
        # within a level the more specific selector wins; on a tie, ignore wins
        ('select = ["RNN002"]\nignore = ["RNN0"]', [], ["RNN002"]),
        ('select = ["RNN002"]\nignore = ["RNN002"]', [], []),
        ("", ["--select", "ALL", "--ignore", "RNN04"], ["RNN002"]),
        # per-file-ignores hold whatever the selection; --per-file-ignores replaces them, --extend-... adds
        ('per-file-ignores = { "m.py" = ["RNN002"] }', ["--select", "RNN002,RNN040"], ["RNN040"]),
        ('per-file-ignores = { "m.py" = ["RNN002"] }', ["--per-file-ignores", "other.py:RNN002"], ["RNN040", "RNN002"]),
        ('per-file-ignores = { "m.py" = ["RNN002"] }', ["--extend-per-file-ignores", "m*.py:RNN040"], []),
    ],
)
def test_rule_selection_precedence_is_ruffs(
    cli: Invoke, tmp_path: Path, config: str, options: list[str], reported: list[str]
) -> None:
    write(tmp_path, {"pyproject.toml": f"[tool.rnnlint]\nkeras = 3\n{config}\n", "m.py": BOTH})
    result = cli("m.py", *options)
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("m.py:")] == reported, (
        result.output
    )
    assert result.exit_code == (1 if reported else 0)


def test_per_file_ignores_option_is_checked(cli: Invoke) -> None:
    result = cli(".", "--per-file-ignores", "tests/*")
    assert result.exit_code == 2 and "--per-file-ignores: expected PATTERN:CODE, got 'tests/*'" in result.stderr


def test_config_option_and_isolated(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.rnnlint]\nignore = ["RNN002"]\n',
            "ci/rnnlint.toml": 'select = ["RNN002"]\n',
            "model.py": BAD_MODEL,
        },
    )
    assert cli("model.py").exit_code == 0
    assert cli("model.py", "--isolated").exit_code == 1
    assert cli("model.py", "--config", "ci/rnnlint.toml").exit_code == 1
    result = cli("model.py", "--config", "ci/missing.toml")
    assert result.exit_code == 2 and "ci/missing.toml: cannot read config file" in result.stderr
    result = cli("model.py", "--config", "ci/rnnlint.toml", "--isolated")
    assert result.exit_code == 2 and "cannot be used together" in result.stderr


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('selct = ["RNN002"]', "unknown key 'selct' (known keys: select, extend-select, ignore,"),
        ('select = "RNN002"', "select: expected a list of strings, got 'RNN002'"),
        ('ignore = ["RNN999"]', "ignore: unknown rule code or prefix RNN999"),
        ("keras = 4", 'keras: expected "auto", 2 or 3, got 4'),
        ("confirm = true", 'confirm: expected "findings", "all" or false, got True'),
        ('per-file-ignores = ["tests/*"]', "per-file-ignores: expected a table"),
        ("exclude = [1]", "exclude: expected a list of strings, got [1]"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(cli: Invoke, tmp_path: Path, table: str, message: str) -> None:
    write(tmp_path, {"pyproject.toml": f"[tool.rnnlint]\n{table}\n", "model.py": BAD_MODEL})
    result = cli("model.py")
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr and message in result.stderr, result.stderr


def test_bad_config_in_one_folder_keeps_the_other_results(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {"broken/pyproject.toml": "[tool.rnnlint]\nkeras = 5\n", "broken/m.py": BAD_MODEL, "fine/m.py": BAD_MODEL},
    )
    result = cli("broken", "fine")
    assert result.exit_code == 2
    assert "fine/m.py:5:1: RNN002" in result.stdout
    assert "broken/m.py" not in result.stdout
    assert "broken/pyproject.toml: [tool.rnnlint] keras" in result.stderr


def test_exclude_and_extend_exclude(cli: Invoke, tmp_path: Path) -> None:
    files = {name: BAD_MODEL for name in ("src/m.py", "build/m.py", "gen/m.py", "src/skip_me.py", "nb/.hidden/m.py")}
    write(tmp_path, files)
    checked = lambda *args: sorted(line.split(":")[0] for line in cli(*args).stdout.splitlines() if "RNN002" in line)  # noqa: E731
    assert checked(".") == ["gen/m.py", "src/m.py", "src/skip_me.py"]  # build/ and hidden folders by default
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-exclude = ["gen", "src/skip_*.py"]\n')
    assert checked(".") == ["src/m.py"]
    assert checked("gen/m.py", "src/m.py") == ["gen/m.py", "src/m.py"]  # a named file is checked, as in ruff
    assert checked("--force-exclude", "gen/m.py", "src/m.py", "gen") == ["src/m.py"]  # unless forced (pre-commit)
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nexclude = ["gen"]\n')
    assert checked(".") == ["build/m.py", "src/m.py", "src/skip_me.py"]
    assert checked(".", "--extend-exclude", "src") == ["build/m.py"]


def test_confirm_values_are_accepted_and_shown(cli: Invoke, tmp_path: Path) -> None:
    for value, shown in (('"findings"', '"findings"'), ('"all"', '"all"'), ("false", "false")):
        write(tmp_path, {"pyproject.toml": f"[tool.rnnlint]\nconfirm = {value}\n"})
        result = cli("--show-settings")
        assert result.exit_code == 0, result.output
        assert f"confirm = {shown}\n" in result.stdout


def test_show_settings(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.rnnlint]\nselect = ["RNN0"]\nper-file-ignores = { "tests/*" = ["RNN002"] }\n',
            "model.py": BAD_MODEL,
        },
    )
    result = cli("--show-settings", "model.py", "--ignore", "RNN040", "--keras", "3")
    assert result.exit_code == 0
    config = tmp_path / "pyproject.toml"
    assert result.stdout == (
        "# settings for model.py\n"
        "# keras: Keras 3 (--keras 3)\n"
        f"# config file: {config}\n"
        f"# root: {tmp_path}\n"
        "# command line: --ignore RNN040\n"
        "# enabled: E902, E999, RNN001, RNN002, RNN003, RNN004, RNN005, RNN010, RNN011, RNN012, RNN020, RNN021, "
        "RNN030, RNN031, RNN041, RNN099, RNN900\n"
        "[tool.rnnlint]\n"
        'select = ["RNN0"]\n'
        "extend-select = []\n"
        "ignore = []\n"
        'per-file-ignores = {"tests/*" = ["RNN002"]}\n'
        'exclude = ["__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", '
        '"site-packages", "venv"]\n'
        "extend-exclude = []\n"
        'keras = "3"\n'
        "confirm = false\n"
        "max-file-size = 200000\n"
        "max-line-size = 20000\n\n"
    )
    broken = cli("--show-settings", "--select", "XYZ1")
    assert broken.exit_code == 2 and "--select: unknown rule code or prefix XYZ1" in broken.stderr


def test_force_exclude_applies_to_the_stdin_filename(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.rnnlint]\nextend-exclude = ["gen"]\n'})
    checked = cli("--stdin-filename", "gen/m.py", "-", input=BAD_MODEL)
    assert checked.exit_code == 1 and "gen/m.py:5:1: RNN002" in checked.stdout
    skipped = cli("--force-exclude", "--stdin-filename", "gen/m.py", "-", input=BAD_MODEL)
    assert skipped.exit_code == 0 and skipped.stdout == "All checks passed (0 files checked).\n"
    fixed = cli("--force-exclude", "--fix", "--stdin-filename", "gen/m.py", "-", input=BAD_MODEL)
    assert fixed.exit_code == 0 and fixed.stdout.startswith(BAD_MODEL)  # given back unchanged, as ruff does


def test_no_path_checks_the_current_folder_and_options_come_first(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"src/m.py": BAD_MODEL})
    for args in ([], ["check"], ["--no-cache", "check", "."], ["--select", "RNN002", "--no-cache", "check"]):
        result = cli(*args)
        assert result.exit_code == 1 and "src/m.py:5:1: RNN002" in result.stdout, (args, result.output)
    assert "--select, --extend-select" not in cli("--help").output  # the group's help is still its own
