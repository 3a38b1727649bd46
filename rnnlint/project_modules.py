"""The project's own modules: where an import of a checked file leads, by
the project's layout alone (nothing is imported or run).

A top-level name resolves, in order, beside the importing file (a script's
own folder), above the top of the package the file is in, and at the
project root (the nearest folder with ``pyproject.toml``, ``setup.py``,
``setup.cfg`` or ``.git``) and its ``src/``. Relative imports resolve from
the file's package. This module is textual (no libcst): the runner uses it
before parsing, for the cache key (a file's result depends on the modules it
imports) and for the pre-filter (a script that only imports the project's
model code still concerns Keras).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
NEVER_PROJECT = frozenset({"keras", "tensorflow", "tf_keras", "functools", "numpy", "pandas", "sklearn"})
"""Top-level names never looked for among the project's modules (even when
the project is one of them: Keras's own sources import ``keras.src``)."""
MAX_DEPENDENCIES = 64
"""At most this many modules are followed from one file (a bound on cost)."""

_IMPORT = re.compile(r"\n[ \t]*import[ \t]+([\w. \t,]+)")
_FROM = re.compile(r"\n[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)")
"""Anchored on a newline, not on ``^`` in multi-line mode: the regular
expression engine then jumps from newline to newline instead of trying every
character (four times faster)."""


def imported(source: str) -> list[tuple[str, int]]:
    """Module names a source may import, with their relative level: a
    textual scan (an import in a string is harmlessly followed too)."""
    found: list[tuple[str, int]] = []
    source = "\n" + source  # the first line starts after a newline too
    for match in _IMPORT.finditer(source):
        for part in match.group(1).split(","):
            words = part.split()
            if words:
                found.append((words[0], 0))
    for match in _FROM.finditer(source):
        level, base = len(match.group(1)), match.group(2)
        if base or level:
            found.append((base, level))
        for part in match.group(3).strip("()").replace("\n", " ").split(","):
            words = part.split()
            if words and words[0] != "*" and words[0].isidentifier():
                found.append((f"{base}.{words[0]}" if base else words[0], level))
    return found


def resolve(importer: str, name: str, level: int) -> str | None:
    """The file of module ``name`` (a ``.py`` file, a package's ``__init__.py``,
    or a namespace package's folder) imported from ``importer``, if it is
    in the project."""
    if not level and name.split(".")[0] in NEVER_PROJECT:
        return None
    return _resolve(os.path.dirname(importer), os.path.isabs(importer), name, level)


@lru_cache(maxsize=16384)
def _resolve(importer_folder: str, absolute: bool, name: str, level: int) -> str | None:
    folder = os.path.abspath(importer_folder)
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        roots: tuple[str, ...] = (folder,)
    else:
        roots = search_roots(folder)
    parts = name.split(".") if name else []
    for root in roots:
        if _installed(root):
            continue
        found = _module_file(os.path.join(root, *parts), bool(parts))
        if found is not None:
            return _relative(found, absolute)
    return None


def _relative(found: str, absolute: bool) -> str:
    """Paths as the run names files: relative when the importer's is."""
    if absolute:
        return found
    relative = os.path.relpath(found)
    return found if relative.startswith("..") else relative


INSTALLED = frozenset({"site-packages", "dist-packages"})


def _installed(folder: str) -> bool:
    """Installed packages are not the project's (also when the checked files are among them)."""
    return any(part in INSTALLED for part in folder.split(os.sep))


@lru_cache(maxsize=4096)
def _module_file(base: str, named: bool) -> str | None:
    if named and os.path.isfile(base + ".py"):
        return base + ".py"
    init = os.path.join(base, "__init__.py")
    if os.path.isfile(init):
        return init
    if named and os.path.isdir(base) and any(entry.endswith(".py") for entry in _listing(base)):
        return base
    return None


@lru_cache(maxsize=1024)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(sorted(os.listdir(folder)))
    except OSError:
        return ()


@lru_cache(maxsize=1024)
def search_roots(folder: str) -> tuple[str, ...]:
    """Where top-level names resolve for a file in ``folder``."""
    roots = [folder]
    top = folder
    while os.path.isfile(os.path.join(top, "__init__.py")):
        top = os.path.dirname(top)
    roots.append(top)
    root = project_root(folder)
    if root is not None:
        roots.extend((root, os.path.join(root, "src")))
    return tuple(dict.fromkeys(roots))


@lru_cache(maxsize=1024)
def project_root(folder: str) -> str | None:
    current = folder
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in ROOT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def dependencies(path: str, source: str, *, direct: bool = False) -> tuple[str, ...]:
    """The project's modules ``path`` imports, directly or (unless ``direct``)
    through them (sorted, at most ``MAX_DEPENDENCIES``)."""
    found: dict[str, None] = {}
    pending = [(path, source)]
    while pending and len(found) < MAX_DEPENDENCIES:
        importer, text = pending.pop()
        for name, level in imported(text):
            target = resolve(importer, name, level)
            if target is None or target in found or os.path.isdir(target) or _same(target, path):
                continue
            found[target] = None
            if not direct:
                pending.append((target, read(target)))
    return tuple(sorted(found))


def _same(left: str, right: str) -> bool:
    return os.path.abspath(left) == os.path.abspath(right)


def read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def stamp(paths: tuple[str, ...]) -> bytes:
    """The content of ``paths``, for a cache key: an edit to one misses."""
    parts = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                parts.append(path.encode() + b"\0" + handle.read())
        except OSError:
            parts.append(path.encode() + b"\0?")
    return b"\0\0".join(parts)
