"""Per-file results stored under ``.rnnlint_cache/files/``, so that a file
nobody changed is neither parsed nor analysed again.

The key hashes the file's bytes and path, the rules and Keras version asked
for, the Keras version ``auto`` resolves to, and rnnlint's own code (its
version and its modules' sizes and times): any change to one of them misses.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rnnlint import __version__
from rnnlint.findings import FileResult
from rnnlint.kerasversion import installed_keras_major

DEFAULT_FOLDER = ".rnnlint_cache"


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What identifies this rnnlint: a changed rule must not reuse old results."""
    package = Path(__file__).parent
    parts = [__version__]
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class FileCache:
    """A folder of results; ``folder=None`` caches nothing."""

    folder: str | None = DEFAULT_FOLDER

    def key(self, path: str, data: bytes, codes: tuple[str, ...], keras: str) -> str:
        digest = hashlib.sha256(data)
        context = repr((path, codes, keras, installed_keras_major(), _code_stamp()))
        digest.update(context.encode())
        return digest.hexdigest()

    def load(self, key: str) -> FileResult | None:
        if self.folder is None:
            return None
        try:
            with open(os.path.join(self.folder, "files", f"{key}.pickle"), "rb") as handle:
                result = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
            return None
        return result if isinstance(result, FileResult) else None

    def store(self, key: str, result: FileResult) -> None:
        """Written atomically; a cache that cannot be written is no error."""
        if self.folder is None:
            return
        folder = os.path.join(self.folder, "files")
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, os.path.join(folder, f"{key}.pickle"))
        except (OSError, pickle.PickleError, TypeError, AttributeError):
            return
