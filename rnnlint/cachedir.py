"""Cache folders that hold data, never code, and that nobody else can write.

Every entry is one JSON file: a header (kind, format version, its own key)
and a payload with its SHA-256, so a truncated, flipped or swapped entry is
a miss, never a crash or another file's answer. Folders are created
owner-only; an existing folder owned by another user or writable by others
is refused with a warning and never read, since whoever can write it could
choose rnnlint's answers. Entries beyond a count are evicted, least
recently used first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from rnnlint import __version__

MAX_ENTRY_BYTES = 4_000_000
"""A larger entry is not read: no real result comes near it."""
GITIGNORE = "# Created by rnnlint automatically.\n*\n"

_warned: set[str] = set()


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """What identifies this rnnlint: a changed rule must not reuse old results."""
    package = Path(__file__).parent
    parts = [__version__]
    for path in sorted(package.rglob("*.py")):
        status = path.stat()
        parts.append(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def usable_folder(folder: str, *, create: bool, gitignore: bool = False) -> bool:
    """Whether ``folder`` may be read and written: created owner-only when
    missing (with ``.gitignore`` holding ``*`` when asked and rnnlint created
    it), refused with one warning when someone else could write it."""
    created = False
    if create:
        try:
            parent = os.path.dirname(os.path.abspath(folder))
            os.makedirs(parent, exist_ok=True)  # --cache-dir build/cache/rnnlint: its parents too
            os.mkdir(folder, 0o700)
            created = True
        except FileExistsError:
            pass
        except OSError:
            return False
    if created and gitignore:
        try:
            with open(os.path.join(folder, ".gitignore"), "x", encoding="utf-8") as handle:
                handle.write(GITIGNORE)
        except OSError:
            pass
    try:
        status = os.stat(folder)
    except OSError:
        return False
    problem = _unsafe(status)
    if problem:
        _warn(folder, problem)
        return False
    return stat.S_ISDIR(status.st_mode)


def _unsafe(status: os.stat_result) -> str | None:
    getuid = getattr(os, "getuid", None)
    if getuid is not None and status.st_uid != getuid():
        return "owned by another user"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "writable by other users"
    return None


def _warn(folder: str, problem: str) -> None:
    if folder not in _warned:
        _warned.add(folder)
        shown = ascii(folder)[1:-1]
        print(f"rnnlint: warning: cache folder {shown} is {problem}; it is not used", file=sys.stderr)


def read_entry(folder: str, key: str, kind: str, version: int) -> Any | None:
    """The payload stored under ``key``; None for anything missing, foreign or damaged."""
    path = os.path.join(folder, f"{key}.json")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES or _unsafe(status):
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return _payload(data, key, kind, version)


def _payload(data: bytes, key: str, kind: str, version: int) -> Any | None:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or set(document) != {"kind", "version", "key", "sha256", "payload"}:
        return None
    if (document["kind"], document["version"], document["key"]) != (kind, version, key):
        return None
    try:
        if document["sha256"] != _checksum(document["payload"]):
            return None
    except (ValueError, RecursionError):
        return None
    return document["payload"]


def _checksum(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def write_entry(folder: str, key: str, kind: str, version: int, payload: Any) -> None:
    """Written atomically, owner-only; a cache that cannot be written is no error."""
    document = {"kind": kind, "version": version, "key": key, "sha256": _checksum(payload), "payload": payload}
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                json.dump(document, stream, separators=(",", ":"), ensure_ascii=True)
            os.replace(temporary, os.path.join(folder, f"{key}.json"))
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError, TypeError, RecursionError):
        return


def touch(folder: str, key: str) -> None:
    """Mark an entry as used, for eviction."""
    with contextlib.suppress(OSError):
        os.utime(os.path.join(folder, f"{key}.json"))


def evict(folder: str, max_entries: int) -> None:
    """Keep the ``max_entries`` most recently used entries (and drop stale temporary files)."""
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.endswith((".json", ".tmp", ".pickle"))]
        if len(entries) <= max_entries:
            return
        dated = sorted(entries, key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
    except OSError:
        return
    for entry in dated[: len(dated) - max_entries]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
