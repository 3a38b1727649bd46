"""A one-line progress bar on stderr while models are confirmed.

Shown only on a terminal and once more than a few models have gone to
TensorFlow: a run answered from the cache, or confirming one model, stays
quiet. The bar counts files (known up front); the line also counts models.
"""

from __future__ import annotations

from typing import TextIO

MINIMUM_MODELS = 4
WIDTH = 24


class Progress:
    def __init__(self, files: int, stream: TextIO) -> None:
        self.stream = stream
        self.files = files
        self.files_done = 0
        self.models = 0
        isatty = getattr(stream, "isatty", None)
        self.terminal = callable(isatty) and bool(isatty())
        self.shown = False

    @property
    def enabled(self) -> bool:
        return self.terminal and self.models >= MINIMUM_MODELS

    def model_started(self) -> None:
        self.models += 1
        self._draw()

    def file_done(self) -> None:
        self.files_done += 1
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = WIDTH * self.files_done // max(self.files, 1) if self.files else 0
        bar = "#" * filled + "-" * (WIDTH - filled)
        files = f"{self.files_done}/{self.files} files, " if self.files else ""
        self.stream.write(f"\rrnnlint: confirming in TensorFlow [{bar}] {files}{self.models} models")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
