"""Which skipped files Python already parsed without error, kept in the cache
folder as one entry of content digests (``syntax-ok-<stamp>.json``).

Files the pre-filter skips are still parsed by Python so that their syntax
errors are reported; that parse costs more than the rest of a warm run over a
large tree, so a file whose bytes Python (of this minor version) parsed
before is not parsed again. One entry, read once and rewritten once per run
(the per-file result cache would cost a file per skipped file), stored like
every cache entry (``rnnlint.cachedir``): validated on load, never followed
through a link, in a folder nobody else can write, and bounded. Its name holds
this rnnlint's code stamp, which a repository cannot know, so a checkout
cannot ship one.
"""

from __future__ import annotations

import hashlib
import sys

from rnnlint import cachedir

KIND = "syntax-ok"
VERSION = 1
MAX_DIGESTS = 50_000
"""The most recent ones are kept: 1.7 MB at most."""


class SyntaxCache:
    """Digests of sources known to parse; ``folder=None`` remembers nothing."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self._known: dict[str, None] | None = None
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
        return digest in self._read()

    def remember(self, digest: str | None) -> None:
        if digest is not None:
            self._new.append(digest)

    def save(self) -> None:
        """Adds what this run learnt; a cache that cannot be written is no error."""
        if self.folder is None or not self._new:
            return
        if not cachedir.usable_folder(self.folder, create=True, gitignore=True):
            return
        known = self._read()
        known.update(dict.fromkeys(self._new))
        digests = list(known)[-MAX_DIGESTS:]
        cachedir.write_entry(self.folder, _key(), KIND, VERSION, digests)
        self._new = []

    def _read(self) -> dict[str, None]:
        if self._known is None:
            self._known = {}
            if self.folder is not None and cachedir.usable_folder(self.folder, create=False):
                payload = cachedir.read_entry(self.folder, _key(), KIND, VERSION)
                if isinstance(payload, list):
                    self._known = dict.fromkeys(item for item in payload if isinstance(item, str) and len(item) == 32)
        return self._known


def _key() -> str:
    return f"syntax-ok-{cachedir.code_stamp()[:32]}"
