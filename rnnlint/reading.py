"""Input guards: what rnnlint agrees to read and to parse.

Only regular files are read (a FIFO would block forever, a device such as
``/dev/zero`` never ends), and never more than ``READ_LIMIT`` bytes. The
code handed to the parser is bounded too, per file and per line: libcst
needs about 1.3 GB and 25 s per MB of code, and aborts the process on a
line of a few MB. Beyond a limit the file gets an E902 "too large to
analyse" naming the setting to raise, instead of exhausting the machine.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import BinaryIO

READ_LIMIT = 64_000_000
"""Bytes read from any one file or stdin: a notebook's outputs may be large, its code is held to the limits below."""
DEFAULT_MAX_FILE_SIZE = 200_000
"""Characters of Python code parsed per file (a notebook: its code cells): about 350 MB and 6 s on dense code."""
DEFAULT_MAX_LINE_SIZE = 20_000
"""Characters per line of code."""


@dataclass(frozen=True)
class InputLimits:
    """The ``max-file-size`` and ``max-line-size`` settings."""

    file_size: int = DEFAULT_MAX_FILE_SIZE
    line_size: int = DEFAULT_MAX_LINE_SIZE


DEFAULT_LIMITS = InputLimits()


@dataclass(frozen=True)
class Refusal:
    """Why a file is not read: the E902 message."""

    reason: str


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def read_file(path: str, limit: int = READ_LIMIT) -> bytes | Refusal:
    """The bytes of a regular file, at most ``limit``; anything else is refused with the reason."""
    try:
        status = os.stat(path)
        refusal = _not_regular(status.st_mode) or _too_big(status.st_size, limit)
        if refusal is not None:
            return refusal
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as handle:
            opened = os.fstat(handle.fileno())  # the path may have been swapped since stat
            refusal = _not_regular(opened.st_mode) or _too_big(opened.st_size, limit)
            if refusal is not None:
                return refusal
            return read_bounded(handle, limit)
    except OSError as error:
        return Refusal(f"cannot read file: {error.strerror or error}")


def read_bounded(stream: BinaryIO, limit: int = READ_LIMIT) -> bytes | Refusal:
    """At most ``limit`` bytes of ``stream`` (stdin too); more is refused, not read."""
    data = stream.read(limit + 1)
    if data is None:
        return Refusal("cannot read file: no data available")
    return _too_big(len(data), limit) or data


def _not_regular(mode: int) -> Refusal | None:
    for test, kind in _KINDS:
        if test(mode):
            return Refusal(f"cannot read file: it is {kind}, not a regular file")
    return None if stat.S_ISREG(mode) else Refusal("cannot read file: not a regular file")


def _too_big(size: int, limit: int) -> Refusal | None:
    if size > limit:
        return Refusal(f"too large to analyse: more than {limit:,} bytes")
    return None


def size_refusal(source: str, limits: InputLimits) -> Refusal | None:
    """The reason not to parse ``source`` at all: more code than ``max-file-size``."""
    if len(source) > limits.file_size:
        return Refusal(
            f"too large to analyse: {len(source):,} characters of code, over max-file-size = {limits.file_size:,} "
            "(raise it in [tool.rnnlint] to check this file)"
        )
    return None


def line_refusal(source: str, limits: InputLimits) -> Refusal | None:
    """The reason not to give ``source`` to libcst: a line longer than ``max-line-size``
    (Python's own parser, asked first, copes with it)."""
    for number, line in enumerate(source.split("\n"), 1):
        if len(line) > limits.line_size:
            return Refusal(
                f"too large to analyse: line {number} has {len(line):,} characters, over max-line-size = "
                f"{limits.line_size:,} (raise it in [tool.rnnlint] to check this file)"
            )
    return None
