"""Each folder's own verdict kept between runs, in the cache folder, so that a
warm run reads no metadata (and never imports ``packaging``).

An entry holds the folder's list of metadata files and the size and
modification time of every file its verdict was read from (``-r`` includes
too): any change to them, or a metadata file added or removed, misses. It is
stored as every cache entry is (``rnnlint.cachedir``): data only, validated
on load (anything malformed is a miss), in a folder nobody else can write,
under a name holding rnnlint's code stamp, which a repository cannot ship.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from rnnlint import cachedir
from rnnlint.kerasversion import KerasBasis

KIND = "projects"
VERSION = 1

Stamp = tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]]


@dataclass
class FolderMemo:
    """``folder=None`` keeps nothing."""

    folder: str | None
    entries: dict[str, tuple[Stamp, KerasBasis | None]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, folder: str | None) -> FolderMemo:
        memo = cls(folder)
        if folder is not None and cachedir.usable_folder(folder, create=False):
            payload = cachedir.read_entry(folder, _key(), KIND, VERSION)
            if isinstance(payload, dict):
                memo.entries = {
                    name: entry
                    for name, raw in payload.items()
                    if isinstance(name, str) and (entry := _entry(raw)) is not None
                }
        return memo

    def get(self, folder: str, listing: tuple[str, ...]) -> tuple[bool, KerasBasis | None]:
        """(found, verdict): found only when nothing it was read from changed."""
        entry = self.entries.get(folder)
        if entry is None or entry[0][0] != listing or entry[0][1] != _stamps([path for path, _, _ in entry[0][1]]):
            return False, None
        return True, entry[1]

    def put(self, folder: str, listing: tuple[str, ...], files: list[str], verdict: KerasBasis | None) -> None:
        if self.folder is not None:
            self.entries[folder] = ((listing, _stamps(files)), verdict)
            self.changed = True

    def save(self) -> None:
        """Written atomically; a cache that cannot be written is no error."""
        if self.folder is None or not self.changed:
            return
        if not cachedir.usable_folder(self.folder, create=True, gitignore=True):
            return
        payload = {name: _encode(stamp, verdict) for name, (stamp, verdict) in self.entries.items()}
        cachedir.write_entry(self.folder, _key(), KIND, VERSION, payload)
        self.changed = False


def _key() -> str:
    return f"projects-{cachedir.code_stamp()[:32]}"


def _encode(stamp: Stamp, verdict: KerasBasis | None) -> dict[str, Any]:
    listing, files = stamp
    basis = None
    if verdict is not None:
        basis = [verdict.major, verdict.source, verdict.origin, verdict.legacy_switch]
    return {"listing": list(listing), "files": [list(item) for item in files], "verdict": basis}


def _entry(raw: Any) -> tuple[Stamp, KerasBasis | None] | None:
    """The typed entry, or None when anything in it is not what ``_encode`` writes."""
    if not isinstance(raw, dict) or set(raw) != {"listing", "files", "verdict"}:
        return None
    listing, files, verdict = raw["listing"], raw["files"], raw["verdict"]
    if not isinstance(listing, list) or not all(isinstance(name, str) for name in listing):
        return None
    if not isinstance(files, list) or not all(_is_stamp(item) for item in files):
        return None
    basis = None
    if verdict is not None:
        if not (isinstance(verdict, list) and len(verdict) == 4):
            return None
        major, source, origin, legacy = verdict
        if major not in (2, 3, None) or not isinstance(source, str) or not isinstance(origin, str):
            return None
        if not isinstance(legacy, bool):
            return None
        basis = KerasBasis(major, source, origin, legacy)
    return (tuple(listing), tuple((path, size, time) for path, size, time in files)), basis


def _is_stamp(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and all(isinstance(number, int) and not isinstance(number, bool) for number in item[1:])
    )


def _stamps(files: list[str]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in sorted(set(files)):
        try:
            stat = os.stat(path)
            stamps.append((path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((path, -1, -1))
    return tuple(stamps)
