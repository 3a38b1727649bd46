"""Python's own bytecode cache as proof that a file has no syntax error.

Every checked file is parsed by Python for its syntax errors, even when the
pre-filter skips it: over a large tree that parse is most of a cold run. When
Python's import system already compiled the file and left a ``__pycache__``
entry that it would itself trust for these bytes, the file compiles, so it
parses (the compiler accepts a subset of what the parser accepts), and it is
not parsed again.

Trusted exactly as the import system trusts it (PEP 3147, PEP 552): the entry
for this interpreter's cache tag, with this interpreter's magic number (the
same Python minor version, so the same grammar), and either the source's
modification time and size recorded in it, or the hash of these very bytes.
A stale, foreign or unreadable entry is no evidence: the file is parsed.
"""

from __future__ import annotations

import os
import stat
from importlib.util import MAGIC_NUMBER, cache_from_source, source_hash

HEADER_SIZE = 16
_HASH_BASED = 0b1
"""The flags bit of a hash-based entry (PEP 552); its other bit only says whether
the importer checks the hash, and rnnlint always does."""


def compiled_before(path: str, data: bytes) -> bool:
    """True when Python compiled ``data`` (the content of ``path``) without error before."""
    try:
        header = _header(cache_from_source(path))
        if header is None or header[:4] != MAGIC_NUMBER:
            return False
        flags = int.from_bytes(header[4:8], "little")
        if flags & _HASH_BASED:
            return header[8:16] == source_hash(data)
        status = os.stat(path)
    except (OSError, ValueError, NotImplementedError):  # no cache tag, an odd path: no evidence
        return False
    if status.st_size != len(data):  # changed since it was read
        return False
    mtime, size = int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little")
    return mtime == int(status.st_mtime) & 0xFFFFFFFF and size == len(data) & 0xFFFFFFFF


def _header(cached: str) -> bytes | None:
    """The first bytes of a regular file, never blocking on a FIFO a checkout might hold there."""
    descriptor = os.open(cached, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        header = os.read(descriptor, HEADER_SIZE)
    finally:
        os.close(descriptor)
    return header if len(header) == HEADER_SIZE else None
