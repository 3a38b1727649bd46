"""The installed Keras is read from its metadata folder's name, as importlib.metadata finds it."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from rnnlint.kerasversion import installed_keras, installed_keras_major


def _major_from_importlib() -> int:
    try:
        major = metadata.version("keras").split(".", 1)[0]
    except metadata.PackageNotFoundError:
        return 3
    return 2 if major in ("1", "2") else 3


@pytest.fixture(autouse=True)
def _fresh() -> None:
    installed_keras.cache_clear()


def test_agrees_with_importlib_metadata() -> None:
    assert installed_keras_major() == _major_from_importlib()


@pytest.mark.parametrize(
    ("folders", "major"),
    [
        (["keras-2.15.0.dist-info"], 2),
        (["Keras-2.4.3-py3.8.egg-info"], 2),
        (["keras-3.0.0rc1.dist-info"], 3),
        (["keras_nlp-0.1.0.dist-info", "tf_keras-3.15.1.dist-info"], 2),
        ([], 3),
    ],
)
def test_reads_the_first_keras_metadata_folder_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: list[str], major: int
) -> None:
    first, later = tmp_path / "first", tmp_path / "later"
    for name in folders:
        (first / name).mkdir(parents=True)
    (later / "keras-2.9.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), *([str(later)] if folders else [])])
    assert installed_keras_major() == major
