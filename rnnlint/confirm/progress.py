"""One line on stderr while ``--confirm`` works: "starting TensorFlow..." while
the worker starts (seconds), then the model being built, where it is and how
many are left; cleared at the end.

Shown only when stderr is a terminal, as ruff and pip decide, and only for the
human formats (the command line says so with ``ConfirmOptions.progress``): a
machine format, a pipe or a CI log never get it. A run answered from the cache
never starts TensorFlow and shows at most a model line or two.
"""

from __future__ import annotations

from typing import TextIO

CLEAR = "\r\x1b[K"


class Progress:
    def __init__(self, stream: TextIO, wanted: bool = True) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = wanted and callable(isatty) and bool(isatty())
        self.total = 0
        self.done = 0
        self.shown = False

    def expect(self, models: int) -> None:
        """How many models the run will confirm, for "N left"."""
        self.total += models

    def starting(self, keras: int) -> None:
        self._write(f"rnnlint: starting TensorFlow (Keras {keras})...")

    def model(self, label: str, first: bool = True) -> None:
        """``label`` (``name (path:line)``) being confirmed; ``first``: not seen before (counts as done)."""
        if first:
            self.done += 1
        left = max(self.total - self.done, 0)
        self._write(f"rnnlint: confirming {label} in TensorFlow, {left} more model{'' if left == 1 else 's'} left")

    def _write(self, text: str) -> None:
        if not self.enabled:
            return
        self.stream.write(CLEAR + text)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write(CLEAR)
            self.stream.flush()
            self.shown = False
