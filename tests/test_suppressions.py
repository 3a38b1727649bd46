"""noqa, rnnlint: ignore and skip-file comments, through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BAD_MODEL, KERAS3_MODEL, Invoke, write

FIT = "model.fit(np.zeros((40, 5, 2)), np.zeros((40, 8)), batch_size=4)"
MULTILINE_FIT = "model.fit(\n    np.zeros((40, 5, 2)),\n    np.zeros((40, 8)),\n    batch_size=4,{}\n)"


def _with_fit(fit: str) -> str:
    return BAD_MODEL.replace(FIT, fit)


@pytest.mark.parametrize(
    "fit",
    [
        FIT + "  # noqa: RNN002",
        FIT + "  # noqa:RNN010,RNN002",
        FIT + "  # NOQA: rnn002 E501",
        FIT + "  # noqa",
        FIT + "  # noqa: RNN",
        FIT + "  # rnnlint: ignore[RNN002]",
        FIT + "  # type: ignore  # rnnlint: ignore[RNN010, rnn002]",
        "# rnnlint: ignore[RNN002]\n" + FIT,
        MULTILINE_FIT.format("  # noqa: RNN002"),
        MULTILINE_FIT.format("").replace("model.fit(", "model.fit(  # rnnlint: ignore[RNN002]"),
        "# rnnlint: ignore[RNN002]\n" + MULTILINE_FIT.format(""),
    ],
)
def test_suppressed(cli: Invoke, tmp_path: Path, fit: str) -> None:
    write(tmp_path, {"model.py": _with_fit(fit)})
    result = cli("model.py")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == "All checks passed (1 file checked).\n"


@pytest.mark.parametrize(
    "fit",
    [
        FIT + "  # noqa: E501",
        FIT + "  # noqa: RNN010",
        FIT + "  # rnnlint: ignore[RNN010]",
        FIT + '; note = "# noqa"',
        "# noqa: RNN002\n" + FIT,  # alone on a line, that is flake8's file-level form: not ours
        "# rnnlint: ignore[RNN002]\n\n" + FIT,  # not directly above
        MULTILINE_FIT.format("  # noqa: RNN010"),
    ],
)
def test_not_suppressed(cli: Invoke, tmp_path: Path, fit: str) -> None:
    write(tmp_path, {"model.py": _with_fit(fit)})
    result = cli("model.py")
    assert result.exit_code == 1
    assert ": RNN002 " in result.stdout


def test_comment_on_any_line_of_a_multiline_statement(cli: Invoke, tmp_path: Path) -> None:
    source = KERAS3_MODEL.replace(
        "lstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)",
        "lstm = layers.LSTM(  # noqa: RNN040\n    4,\n    input_shape=(5, 2),\n    batch_size=10,\n)",
    )
    write(tmp_path, {"unsuppressed.py": source.replace("  # noqa: RNN040", ""), "suppressed.py": source})
    result = cli(".", "--keras", "3")
    assert [line.split(":")[:2] for line in result.stdout.splitlines()[:-1]] == [["unsuppressed.py", "5"]]


def test_skip_file(cli: Invoke, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "skipped.py": "# rnnlint: skip-file\n" + BAD_MODEL,
            "string.py": 'doc = """\n# rnnlint: skip-file\n"""\n' + BAD_MODEL,
        },
    )
    result = cli(".")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-2]] == ["string.py"]  # [:-2]: the fix hint
    assert "in 2 files checked" in result.stdout


# -- RNN100 unused-suppression ------------------------------------------------------

GOOD_FIT = FIT.replace("batch_size=4)", "batch_size=4, shuffle=False)")


def _rnn100(stdout: str) -> list[str]:
    """``line:column: message`` of each RNN100 finding."""
    return [line.split(":", 1)[1].replace(" RNN100", "") for line in stdout.splitlines() if " RNN100 " in line]


def test_unused_suppression_is_off_by_default(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, {"m.py": _with_fit(GOOD_FIT + "  # noqa: RNN002")})
    assert cli("m.py").stdout == "All checks passed (1 file checked).\n"
    result = cli("--extend-select", "RNN100", "m.py")
    assert _rnn100(result.stdout) == ["5:82: [*] unused `noqa` comment (unused: RNN002); remove it"]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("# noqa: RNN002", []),  # used
        ("# noqa: RNN0", []),  # a prefix, used
        ("# noqa: E501, RNN002", []),
        ("# noqa: E501", []),  # another tool's code: not judged
        ("# noqa: RNN099", []),  # only --confirm=all can tell
        ("# noqa: RNN100", []),  # names this rule itself, as ruff's RUF100
        ("# noqa: RNN002, RNN010", ["[*] unused `noqa` comment (unused: RNN010); remove RNN010 from it"]),
        ("# noqa: RNN002, RNN002", ["[*] unused `noqa` comment (duplicated: RNN002); remove RNN002 from it"]),
        ("# noqa: RNN002, RNN005", ["[*] unused `noqa` comment (non-enabled: RNN005); remove RNN005 from it"]),
        ("# noqa: RNN002, RNN777", ["[*] unused `noqa` comment (unknown: RNN777); remove RNN777 from it"]),
        (
            "# rnnlint: ignore[RNN002, RNN010]",
            ["[*] unused `rnnlint: ignore` comment (unused: RNN010); remove RNN010 from it"],
        ),
        ("# noqa: RNN002 # noqa: RNN010", ["[*] unused `noqa` comment (unused: RNN010); remove it"]),
    ],
)
def test_only_rnnlint_codes_that_silence_nothing_are_reported(
    cli: Invoke, tmp_path: Path, comment: str, reported: list[str]
) -> None:
    write(tmp_path, {"m.py": _with_fit(f"{FIT}  {comment}")})
    result = cli("--extend-select", "RNN100", "--ignore", "RNN005", "m.py")
    assert [text.split(" ", 1)[1] for text in _rnn100(result.stdout)] == reported


def test_a_code_ignored_for_the_file_silences_nothing(cli: Invoke, tmp_path: Path) -> None:
    """As ruff: per-file-ignores remove their findings before the comments are judged."""
    write(tmp_path, {"m.py": _with_fit(FIT + "  # noqa: RNN002")})
    result = cli("--extend-select", "RNN100", "--per-file-ignores", "m.py:RNN002", "m.py")
    assert _rnn100(result.stdout) == ["5:67: [*] unused `noqa` comment (unused: RNN002); remove it"]
    quiet = cli("--extend-select", "RNN100", "--per-file-ignores", "m.py:RNN002,m.py:RNN100", "m.py")
    assert quiet.stdout == "All checks passed (1 file checked).\n"


def test_fix_removes_unused_suppressions_and_keeps_other_tools_codes(cli: Invoke, tmp_path: Path) -> None:
    source = (
        _with_fit(GOOD_FIT + "  # noqa: E501, RNN002  # pylint: disable=line-too-long")
        + "# rnnlint: ignore[RNN004]\n"
        + "print(model.predict(np.zeros((8, 5, 2)), batch_size=4))  # type: ignore  # noqa: RNN004\n"
        + "model.summary()  # noqa\n"
    )
    write(tmp_path, {"m.py": source, "plain.py": "import os  # noqa: RNN002\n"})
    diff = cli("--extend-select", "RNN100", "--diff", ".")
    assert diff.exit_code == 1
    assert "-import os  # noqa: RNN002\n+import os\n" in diff.stdout
    assert diff.stderr.startswith("Would fix 4 findings in 2 files. 1 more finding can be fixed with --unsafe-fixes.")
    fixed = cli("--extend-select", "RNN100", "--fix", ".")
    assert (tmp_path / "plain.py").read_text() == "import os\n"
    assert (tmp_path / "m.py").read_text() == (
        _with_fit(GOOD_FIT + "  # noqa: E501  # pylint: disable=line-too-long")
        + "print(model.predict(np.zeros((8, 5, 2)), batch_size=4))  # type: ignore\n"
        + "model.summary()  # noqa\n"
    )
    assert _rnn100(fixed.stdout) == ["7:18: [~] unused `noqa` comment: it silences no finding; remove it"]
    cli("--extend-select", "RNN100", "--fix", "--unsafe-fixes", ".")
    assert (tmp_path / "m.py").read_text().endswith("\nmodel.summary()\n")
    assert cli("--extend-select", "RNN100", ".").exit_code == 0


def test_a_used_suppression_stays_used_when_the_result_comes_from_the_cache(cli: Invoke, tmp_path: Path) -> None:
    """The per-file cache keeps what each comment silenced: a warm run judges RNN100 as a cold one."""
    write(tmp_path, {"m.py": _with_fit(FIT + "  # noqa: RNN002, RNN010")})
    cold = cli("--extend-select", "RNN100", "m.py")
    assert any(".rnnlint_cache" in str(path) for path in tmp_path.iterdir())
    warm = cli("--extend-select", "RNN100", "m.py")
    assert (
        _rnn100(cold.stdout)
        == _rnn100(warm.stdout)
        == ["5:67: [*] unused `noqa` comment (unused: RNN010); remove RNN010 from it"]
    )
