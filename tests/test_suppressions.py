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
