"""Which files a run checks: the paths given, folders searched recursively."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

SKIPPED_DIRS = frozenset(
    {"__pycache__", "__pypackages__", "node_modules", "site-packages", "venv", "_build", "buck-out", "build", "dist"}
)
"""Skipped unless the config's ``exclude`` replaces them (they are its default)."""
SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class Discovery:
    files: tuple[str, ...]
    missing: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...] = ()
    """Folders that could not be listed, with the reason: reported, never skipped silently."""


def discover(
    paths: tuple[str, ...], excluded: Callable[[str], bool] | None = None, *, force_exclude: bool = True
) -> Discovery:
    """Files to check in a stable order; paths that do not exist are returned apart.

    ``excluded`` (by default: a name in SKIPPED_DIRS) applies to what folders
    hold, and with ``force_exclude`` to the files and folders named too (the
    command line's ``--force-exclude``, as ruff's: pre-commit names every file).
    """
    is_excluded = excluded or _default_excluded
    named_excluded = is_excluded if force_exclude else lambda path: False
    files: list[str] = []
    missing: list[str] = []
    unreadable: list[tuple[str, str]] = []
    for path in paths:
        if os.path.isdir(path):
            if not named_excluded(path):
                files.extend(_walk(path, is_excluded, unreadable))
        elif os.path.exists(path) or os.path.islink(path):
            if not named_excluded(path):
                files.append(path)
        else:
            missing.append(path)
    return Discovery(tuple(dict.fromkeys(files)), tuple(missing), tuple(unreadable))


def _walk(root: str, excluded: Callable[[str], bool], unreadable: list[tuple[str, str]]) -> list[str]:
    found: list[str] = []

    def failed(error: OSError) -> None:
        unreadable.append((os.path.normpath(error.filename or root), error.strerror or str(error)))

    for folder, dirs, names in os.walk(root, onerror=failed):
        dirs[:] = sorted(d for d in dirs if not _skipped(folder, d) and not excluded(os.path.join(folder, d)))
        paths = (
            os.path.normpath(os.path.join(folder, name)) for name in sorted(names) if name.endswith(SOURCE_SUFFIXES)
        )
        found.extend(path for path in paths if not excluded(path))
    return found


def _skipped(folder: str, name: str) -> bool:
    """Hidden folders and virtual environments are never searched."""
    return name.startswith(".") or os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))


def _default_excluded(path: str) -> bool:
    return os.path.basename(os.path.normpath(path)) in SKIPPED_DIRS
