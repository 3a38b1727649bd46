"""What is known of the files the pre-filter skips, kept in the cache folder
as one entry of content digests (``syntax-ok-<stamp>.json``).

Files the pre-filter skips are still parsed by Python so that their syntax
errors are reported; that parse costs more than the rest of a warm run over a
large tree, so a file whose bytes Python (of this minor version) parsed
before is not parsed again. Of those, a file that the pre-filter skips for
its own content (no rule's words, no call of a model imported from elsewhere)
is skipped at once on the next run, before the pre-filter looks at it: its
verdict depends on nothing else. One entry, read once and rewritten once per
run (the per-file result cache would cost a file per skipped file), stored
like every cache entry (``rnnlint.cachedir``): validated on load, never
followed through a link, in a folder nobody else can write, and bounded. Its
name holds this rnnlint's code stamp (the rules' words are code), which a
repository cannot know, so a checkout cannot ship one.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field

from rnnlint import cachedir

KIND = "syntax-ok"
VERSION = 2
MAX_DIGESTS = 50_000
"""The most recent ones of each kind are kept: 3.4 MB at most."""
DIGEST_LENGTH = 32


@dataclass
class _Known:
    parses: dict[str, None] = field(default_factory=dict)
    """Digests of sources that parse."""
    skipped: dict[str, None] = field(default_factory=dict)
    """Digests of sources that parse and that the pre-filter skips for their own content."""


class SyntaxCache:
    """Digests of skipped sources known to parse; ``folder=None`` remembers nothing."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self._known: _Known | None = None
        self._new = _Known()

    def digest(self, data: bytes) -> str | None:
        if self.folder is None:
            return None
        digest = hashlib.blake2b(data, digest_size=DIGEST_LENGTH // 2)
        digest.update(repr(sys.version_info[:2]).encode())  # what parses depends on Python's version
        return digest.hexdigest()

    def parses(self, digest: str | None) -> bool:
        if digest is None:
            return False
        known = self._read()
        return digest in known.parses or digest in known.skipped

    def skipped(self, digest: str | None) -> bool:
        """Parses, and the pre-filter skips it whatever the rest of the project holds."""
        return digest is not None and digest in self._read().skipped

    def remember(self, digest: str | None, *, skipped: bool = False) -> None:
        if digest is None or digest in self._read().skipped or (not skipped and digest in self._read().parses):
            return  # known already: nothing to write
        (self._new.skipped if skipped else self._new.parses)[digest] = None

    def save(self) -> None:
        """Adds what this run learnt; a cache that cannot be written is no error."""
        if self.folder is None or not (self._new.parses or self._new.skipped):
            return
        if not cachedir.usable_folder(self.folder, create=True, gitignore=True):
            return
        known = self._read()
        known.parses.update(self._new.parses)
        known.skipped.update(self._new.skipped)
        payload = {"parses": list(known.parses)[-MAX_DIGESTS:], "skipped": list(known.skipped)[-MAX_DIGESTS:]}
        cachedir.write_entry(self.folder, _key(), KIND, VERSION, payload)
        self._new = _Known()

    def _read(self) -> _Known:
        if self._known is None:
            self._known = _Known()
            if self.folder is not None and cachedir.usable_folder(self.folder, create=False):
                payload = cachedir.read_entry(self.folder, _key(), KIND, VERSION)
                if isinstance(payload, dict):
                    self._known = _Known(_digests(payload.get("parses")), _digests(payload.get("skipped")))
        return self._known


def _digests(items: object) -> dict[str, None]:
    if not isinstance(items, list):
        return {}
    return dict.fromkeys(item for item in items if isinstance(item, str) and len(item) == DIGEST_LENGTH)


def _key() -> str:
    return f"syntax-ok-{cachedir.code_stamp()[:32]}"
