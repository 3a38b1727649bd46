"""Worker replies stored under ``.rnnlint_cache/confirm/``, one JSON file each.

The key hashes the probe (the model spec, the rule and what to run), the
protocol version and the installed TensorFlow/Keras versions: an unchanged
model is never rebuilt, and a run whose probes are all cached starts no
worker and imports no TensorFlow. Only Keras's own answers are stored, never
a worker's death or timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from rnnlint.confirm.protocol import PROTOCOL_VERSION, Probe, Reply
from rnnlint.confirm.versions import Versions

DEFAULT_FOLDER = ".rnnlint_cache"


def cache_key(probe: Probe, versions: Versions) -> str:
    text = json.dumps([PROTOCOL_VERSION, probe.key(), versions.keras, versions.tensorflow], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Cache:
    """A folder of replies; ``folder=None`` caches nothing."""

    def __init__(self, folder: str | os.PathLike[str] | None = DEFAULT_FOLDER) -> None:
        self.root = Path(folder) if folder is not None else None
        self.hits = 0

    def get(self, key: str) -> Reply | None:
        if self.root is None:
            return None
        try:
            data = json.loads((self.root / "confirm" / f"{key}.json").read_text(encoding="utf-8"))
            reply = Reply.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.hits += 1
        return reply

    def put(self, key: str, reply: Reply) -> None:
        """Store ``reply`` atomically; a cache that cannot be written is skipped."""
        if self.root is None or (reply.failure is not None and reply.failure.stage == "worker"):
            return
        folder = self.root / "confirm"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by rnnlint automatically.\n*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(reply.to_json(), stream)
            os.replace(temporary, folder / f"{key}.json")
        except OSError:
            return
