"""Which skipped files Python already parsed without error, kept in the cache
folder as one list of content digests (``syntax-ok``).

Files the pre-filter skips are still parsed by Python so that their syntax
errors are reported; that parse costs more than the rest of a warm run over a
large tree, so a file whose bytes Python (of this minor version) parsed
before is not parsed again. One small file, read once and appended once per
run: the per-file result cache would cost a file per skipped file.
"""

from __future__ import annotations

import hashlib
import os
import sys

FILE = "syntax-ok"


class SyntaxCache:
    """Digests of sources known to parse; ``folder=None`` remembers nothing."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self._known: set[str] | None = None
        self._new: list[str] = []

    def digest(self, data: bytes) -> str | None:
        if self.folder is None:
            return None
        digest = hashlib.blake2b(data, digest_size=16)
        digest.update(repr(sys.version_info[:2]).encode())  # what parses depends on Python's version
        return digest.hexdigest()

    def parses(self, digest: str | None) -> bool:
        if digest is None:
            return False
        if self._known is None:
            self._known = self._read()
        return digest in self._known

    def remember(self, digest: str | None) -> None:
        if digest is not None:
            self._new.append(digest)

    def save(self) -> None:
        """Appends what this run learnt; a cache that cannot be written is no error."""
        if self.folder is None or not self._new:
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            with open(os.path.join(self.folder, FILE), "a", encoding="ascii") as handle:
                handle.write("".join(f"{digest}\n" for digest in self._new))
        except OSError:
            return
        self._new = []

    def _read(self) -> set[str]:
        try:
            with open(os.path.join(self.folder or "", FILE), encoding="ascii") as handle:
                return {line.strip() for line in handle if len(line) == 33}
        except (OSError, UnicodeDecodeError):
            return set()
