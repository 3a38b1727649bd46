"""The Keras of the project holding a file, decided folder by folder.

From the file's folder upward to the repository root (a folder holding
``.git``), the first folder whose metadata decides wins: its declared
dependencies first, in the order below, then its lock files. A folder
holding ``pyvenv.cfg`` (a virtual environment) ends the search: the packages
installed there are not the project's. Each folder is read once per run.

Within the requirements found, ``keras`` decides first (``<3`` is Keras 2),
then ``tensorflow`` (before 2.16 its ``tf.keras`` is Keras 2; from 2.16 it is
Keras 3, unless ``tf-keras`` is required too and ``TF_USE_LEGACY_KERAS`` is
set in the environment or by the code: that is settled per file, by
``kerasversion.with_code``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rnnlint.kerasversion import ENVIRONMENT, PROJECT, KerasBasis
from rnnlint.project.memo import FolderMemo

if TYPE_CHECKING:
    from rnnlint.project.requirements import Requirement

DECLARED: tuple[tuple[str, str], ...] = (
    ("pyproject.toml", "read_pyproject"),
    ("requirements*.txt", "read_requirements_txt"),
    ("requirements/*.txt", "read_requirements_txt"),
    ("setup.cfg", "read_setup_cfg"),
    ("setup.py", "read_setup_py"),
    ("environment.yml", "read_environment_yml"),
    ("environment.yaml", "read_environment_yml"),
    ("Pipfile", "read_pipfile"),
)
"""File name patterns, relative to the folder, in the order they are consulted, and
the function of ``readers`` that reads each (imported only for a folder that has one)."""

LOCKED: tuple[tuple[str, str], ...] = (
    ("uv.lock", "read_uv_lock"),
    ("poetry.lock", "read_poetry_lock"),
    ("pdm.lock", "read_pdm_lock"),
    ("Pipfile.lock", "read_pipfile_lock"),
)

_TOP_NAMES = frozenset(
    (*(pattern for pattern, _ in (*DECLARED, *LOCKED) if "*" not in pattern and "/" not in pattern), "requirements")
)
"""Names that make a folder worth reading (with ``requirements*.txt``)."""

UNDECIDED = KerasBasis(None, "", ENVIRONMENT)


class ProjectKeras:
    """The basis of every folder's files, each folder read once (many files share one)."""

    def __init__(self, store: str | None = None) -> None:
        self._folders: dict[str, KerasBasis | None] = {}
        self._memo = FolderMemo.load(store)

    def save(self) -> None:
        """Keep the folders' verdicts for the next run (``store``: the cache folder)."""
        self._memo.save()

    def basis(self, folder: str) -> KerasBasis:
        """What the project holding ``folder`` says; UNDECIDED when nothing does."""
        return self._decided(os.path.abspath(folder)) or UNDECIDED

    def _decided(self, folder: str) -> KerasBasis | None:
        if folder not in self._folders:
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            parent = os.path.dirname(folder)
            if "pyvenv.cfg" in names:
                self._folders[folder] = None
            else:
                own = self._own(folder, names)
                boundary = ".git" in names or parent == folder
                self._folders[folder] = own if own is not None or boundary else self._decided(parent)
        return self._folders[folder]

    def _own(self, folder: str, names: Sequence[str]) -> KerasBasis | None:
        """The folder's own verdict, from the memo when none of its files changed."""
        listing = _listing(folder, names)
        if not listing:
            return None
        found, verdict = self._memo.get(folder, listing)
        if found:
            return verdict
        from rnnlint.project import readers

        readers.OPENED.clear()
        verdict = folder_basis(folder, names)
        self._memo.put(folder, listing, list(readers.OPENED), verdict)
        return verdict


def _listing(folder: str, names: Sequence[str]) -> tuple[str, ...]:
    """The folder's metadata files (and those of its requirements/ folder): a new one changes the verdict."""
    listing = sorted(name for name in names if name in _TOP_NAMES or name.startswith("requirements"))
    if "requirements" in listing:
        with contextlib.suppress(OSError):
            listing += sorted(f"requirements/{name}" for name in os.listdir(os.path.join(folder, "requirements")))
    return tuple(listing)


def folder_basis(folder: str, names: Sequence[str]) -> KerasBasis | None:
    """What one folder's metadata says: declared dependencies, else lock files."""
    if not any(name in _TOP_NAMES or name.startswith("requirements") for name in names):
        return None
    from rnnlint.project import readers

    for readers_of_kind in (DECLARED, LOCKED):
        files = _files(folder, names, readers_of_kind)
        requirements = [item for path, reader in files for item in getattr(readers, reader)(path)]
        basis = verdict(requirements)
        if basis is not None:
            return basis
    return None


def verdict(requirements: Sequence[Requirement]) -> KerasBasis | None:
    """The first ``keras`` requirement that admits one major, else the first such ``tensorflow`` one."""
    from rnnlint.project.requirements import KERAS, TENSORFLOW, keras_majors

    for package in (KERAS, TENSORFLOW):
        for requirement in requirements:
            majors = keras_majors(requirement) if requirement.package == package else frozenset()
            if len(majors) == 1:
                return _basis(next(iter(majors)), requirement, requirements)
    return None


def _basis(major: int, requirement: Requirement, requirements: Sequence[Requirement]) -> KerasBasis:
    from rnnlint.project.requirements import TENSORFLOW, TF_KERAS

    tf_keras = next((item for item in requirements if item.package == TF_KERAS), None)
    if requirement.package != TENSORFLOW or major != 3 or tf_keras is None:
        return KerasBasis(major, requirement.where, PROJECT)
    return KerasBasis(3, f"{requirement.where} with {tf_keras.where}", PROJECT, legacy_switch=True)


def _files(folder: str, names: Sequence[str], kinds: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The existing files of each pattern, sorted, in the patterns' order."""
    found = []
    for pattern, reader in kinds:
        if pattern.startswith("requirements/"):
            if "requirements" not in names:
                continue
            below = os.path.join(folder, "requirements")
            try:
                matches = [os.path.join("requirements", name) for name in os.listdir(below)]
            except OSError:
                continue
        else:
            matches = list(names)
        for name in sorted(fnmatch.filter(matches, pattern)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append((path, reader))
    return found
