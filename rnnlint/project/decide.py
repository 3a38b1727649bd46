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

import fnmatch
import os
from collections.abc import Callable, Sequence

from rnnlint.kerasversion import ENVIRONMENT, PROJECT, KerasBasis
from rnnlint.project import readers
from rnnlint.project.requirements import KERAS, TENSORFLOW, TF_KERAS, Requirement, keras_majors

Reader = Callable[[str], list[Requirement]]

DECLARED: tuple[tuple[str, Reader], ...] = (
    ("pyproject.toml", readers.read_pyproject),
    ("requirements*.txt", readers.read_requirements_txt),
    ("requirements/*.txt", readers.read_requirements_txt),
    ("setup.cfg", readers.read_setup_cfg),
    ("setup.py", readers.read_setup_py),
    ("environment.yml", readers.read_environment_yml),
    ("environment.yaml", readers.read_environment_yml),
    ("Pipfile", readers.read_pipfile),
)
"""File name patterns, relative to the folder, in the order they are consulted."""

LOCKED: tuple[tuple[str, Reader], ...] = (
    ("uv.lock", readers.read_uv_lock),
    ("poetry.lock", readers.read_poetry_lock),
    ("pdm.lock", readers.read_pdm_lock),
    ("Pipfile.lock", readers.read_pipfile_lock),
)

_TOP_NAMES = frozenset(
    (*(pattern for pattern, _ in (*DECLARED, *LOCKED) if "*" not in pattern and "/" not in pattern), "requirements")
)
"""Names that make a folder worth reading (with ``requirements*.txt``)."""

UNDECIDED = KerasBasis(None, "", ENVIRONMENT)


class ProjectKeras:
    """The basis of every folder's files, each folder read once (many files share one)."""

    def __init__(self) -> None:
        self._folders: dict[str, KerasBasis | None] = {}

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
                own = folder_basis(folder, names)
                boundary = ".git" in names or parent == folder
                self._folders[folder] = own if own is not None or boundary else self._decided(parent)
        return self._folders[folder]


def folder_basis(folder: str, names: Sequence[str]) -> KerasBasis | None:
    """What one folder's metadata says: declared dependencies, else lock files."""
    if not any(name in _TOP_NAMES or name.startswith("requirements") for name in names):
        return None
    for readers_of_kind in (DECLARED, LOCKED):
        requirements = [item for path in _files(folder, names, readers_of_kind) for item in path[1](path[0])]
        basis = verdict(requirements)
        if basis is not None:
            return basis
    return None


def verdict(requirements: Sequence[Requirement]) -> KerasBasis | None:
    """The first ``keras`` requirement that admits one major, else the first such ``tensorflow`` one."""
    for package in (KERAS, TENSORFLOW):
        for requirement in requirements:
            majors = keras_majors(requirement) if requirement.package == package else frozenset()
            if len(majors) == 1:
                return _basis(next(iter(majors)), requirement, requirements)
    return None


def _basis(major: int, requirement: Requirement, requirements: Sequence[Requirement]) -> KerasBasis:
    tf_keras = next((item for item in requirements if item.package == TF_KERAS), None)
    if requirement.package != TENSORFLOW or major != 3 or tf_keras is None:
        return KerasBasis(major, requirement.where, PROJECT)
    return KerasBasis(3, f"{requirement.where} with {tf_keras.where}", PROJECT, legacy_switch=True)


def _files(folder: str, names: Sequence[str], kinds: Sequence[tuple[str, Reader]]) -> list[tuple[str, Reader]]:
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
