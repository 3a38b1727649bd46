"""Each folder's own verdict kept between runs, in the cache folder, so that a
warm run reads no metadata (and never imports ``packaging``).

An entry holds the folder's list of metadata files and the size and
modification time of every file its verdict was read from (``-r`` includes
too): any change to them, or a metadata file added or removed, misses.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field

from rnnlint.kerasversion import KerasBasis

FILE_NAME = "projects.pickle"

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
        if folder is not None:
            try:
                with open(os.path.join(folder, FILE_NAME), "rb") as handle:
                    entries = pickle.load(handle)
                memo.entries = entries if isinstance(entries, dict) else {}
            except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, TypeError):
                pass
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
        try:
            os.makedirs(self.folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(self.entries, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, os.path.join(self.folder, FILE_NAME))
            self.changed = False
        except (OSError, pickle.PickleError):
            return


def _stamps(files: list[str]) -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in sorted(set(files)):
        try:
            stat = os.stat(path)
            stamps.append((path, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((path, -1, -1))
    return tuple(stamps)
