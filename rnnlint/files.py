"""Which files a run checks: the paths given, folders searched recursively."""

from __future__ import annotations

import os
from dataclasses import dataclass

SKIPPED_DIRS = frozenset(
    {"__pycache__", "__pypackages__", "node_modules", "site-packages", "venv", "_build", "buck-out", "build", "dist"}
)
SOURCE_SUFFIXES = (".py",)


@dataclass(frozen=True)
class Discovery:
    files: tuple[str, ...]
    missing: tuple[str, ...]


def discover(paths: tuple[str, ...]) -> Discovery:
    """Files to check in a stable order; paths that do not exist are returned apart."""
    files: list[str] = []
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(_walk(path))
        elif os.path.exists(path) or os.path.islink(path):
            files.append(path)
        else:
            missing.append(path)
    return Discovery(tuple(dict.fromkeys(files)), tuple(missing))


def _walk(root: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not _skipped(folder, d))
        found.extend(os.path.join(folder, name) for name in sorted(names) if name.endswith(SOURCE_SUFFIXES))
    return found


def _skipped(folder: str, name: str) -> bool:
    """Hidden folders, caches and virtual environments are never checked."""
    if name.startswith(".") or name in SKIPPED_DIRS:
        return True
    return os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
