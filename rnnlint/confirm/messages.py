"""The one line of a Keras or TensorFlow error that says what went wrong.

Keras wraps its messages: "Exception encountered when calling LSTM.call()",
tf_keras's "in user code:" with a traceback, TensorFlow's "Graph execution
error:" with the node's traceback before the real message. A user wants the
sentence under all that, e.g. "Incompatible shapes: [2,12] vs. [4,12]".
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ERROR_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Exit|Warning): ")
_TF_NODE = re.compile(r"^\{\{function_node [^}]*\}\}\s*")
_WRAPPERS = (
    "Graph execution error:",
    "in user code:",
    "Detected at node",
    "<stack traces unavailable>",
    "Exception encountered when calling",
    "Call arguments received",
    "Arguments received by",
    "[[",
    "•",
    "Traceback (most recent call last)",
)
MAX_LENGTH = 400


def first_line(text: str) -> str:
    """The first line of ``text`` that is neither a wrapper nor a traceback."""
    for line in _meaningful(text):
        return line if len(line) <= MAX_LENGTH else line[: MAX_LENGTH - 3] + "..."
    return text.strip().splitlines()[0] if text.strip() else ""


def _meaningful(text: str) -> list[str]:
    lines = _ANSI.sub("", text).splitlines()
    kept: list[str] = []
    frame_indent: int | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        indent = len(raw) - len(raw.lstrip())
        if line.startswith('File "'):
            frame_indent = indent
            continue
        if frame_indent is not None and indent > frame_indent:
            continue  # the source line under a traceback frame
        frame_indent = None
        line = _TF_NODE.sub("", _ERROR_PREFIX.sub("", line))
        if line.startswith(_WRAPPERS):
            continue
        kept.append(line)
    return kept
