"""Worker replies stored as JSON, by default in the user's cache folder
(``platformdirs.user_cache_dir("rnnlint")/confirm``), never in the checkout:
a repository must not be able to ship Keras's answers.

The key hashes the probe (the model spec, the rule and what to run), the
protocol version, rnnlint's code stamp and the installed TensorFlow/Keras
versions: an unchanged model is never rebuilt, and a run whose probes are
all cached starts no worker and imports no TensorFlow. Keras's answers are
stored, and so is a probe that timed out (as its reason), so that a slow
model costs its timeout once, not on every run; a worker's crash is not.
Entries go through ``rnnlint.cachedir``: data only, checked, owner-only,
evicted beyond ``MAX_ENTRIES``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from rnnlint import cachedir
from rnnlint.confirm.protocol import PROTOCOL_VERSION, Probe, Reply
from rnnlint.confirm.versions import Versions

KIND = "rnnlint-confirm-reply"
VERSION = 1
MAX_ENTRIES = 5_000


def default_folder() -> str:
    """The user's cache folder for rnnlint (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows)."""
    import platformdirs

    return platformdirs.user_cache_dir("rnnlint", appauthor=False)


def cache_key(probe: Probe, versions: Versions) -> str:
    parts = [PROTOCOL_VERSION, cachedir.code_stamp(), probe.key(), versions.keras, versions.tensorflow]
    text = json.dumps(parts, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Cache:
    """A folder of replies (its ``confirm`` subfolder); ``folder=None`` caches nothing."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.root = Path(folder) if folder is not None else None
        self.hits = 0
        self._folder: str | bool | None = False

    def _ready(self) -> str | None:
        """The entries' folder, created and checked once (None: not to be used)."""
        if self._folder is False:
            self._folder = None
            if self.root is not None and _parent_made(self.root):
                if cachedir.usable_folder(str(self.root), create=True, gitignore=True):
                    folder = str(self.root / "confirm")
                    self._folder = folder if cachedir.usable_folder(folder, create=True) else None
        return self._folder if isinstance(self._folder, str) else None

    def _entry(self, key: str) -> dict[str, Any] | None:
        folder = self._ready()
        payload = cachedir.read_entry(folder, key, KIND, VERSION) if folder is not None else None
        if not isinstance(payload, dict) or set(payload) != {"reply", "problem"}:
            return None
        return payload

    def get(self, key: str) -> Reply | None:
        """Keras's stored answer, None when there is none or it cannot be trusted."""
        payload = self._entry(key)
        if payload is None or not isinstance(payload["reply"], dict):
            return None
        try:
            reply = Reply.from_json(payload["reply"])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None
        self.hits += 1
        return reply

    def problem(self, key: str) -> str | None:
        """Why this probe got no answer last time (it timed out), if remembered."""
        payload = self._entry(key)
        if payload is None or payload["reply"] is not None or not isinstance(payload["problem"], str):
            return None
        self.hits += 1
        return payload["problem"]

    def put(self, key: str, reply: Reply) -> None:
        """Store ``reply``; a worker's own trouble (stage "worker") is not stored."""
        if reply.failure is not None and reply.failure.stage == "worker":
            return
        self._put(key, {"reply": reply.to_json(), "problem": None})

    def put_problem(self, key: str, problem: str) -> None:
        self._put(key, {"reply": None, "problem": problem})

    def _put(self, key: str, payload: dict[str, Any]) -> None:
        folder = self._ready()
        if folder is not None:
            cachedir.write_entry(folder, key, KIND, VERSION, payload)
            cachedir.evict(folder, MAX_ENTRIES)


def _parent_made(folder: Path) -> bool:
    """The user's cache folder may not exist yet (a fresh account, a CI runner)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return True
