"""Which Keras a module is judged for: 2 (tf_keras, Keras 1/2 semantics) or 3."""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache

KERAS_CHOICES = ("auto", "2", "3")

_METADATA_FOLDER = re.compile(r"keras-(\d+)[.\w+!]*?(?:-py[\d.]+)?\.(?:dist|egg)-info", re.IGNORECASE)
"""``keras-3.15.1.dist-info``, or ``Keras-2.4.3-py3.8.egg-info`` for old installs."""


@lru_cache(maxsize=1)
def installed_keras_major() -> int:
    """The installed ``keras`` distribution's major version, read from the
    name of its metadata folder on ``sys.path`` (the first one wins, as for
    importlib.metadata, which costs more to import than a run of rnnlint on
    a small file); 3 when Keras is not installed."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            match = _METADATA_FOLDER.fullmatch(name)
            if match:
                return 2 if match.group(1) in ("1", "2") else 3
    return 3


def resolve_version(option: str, uses_tf_keras: bool) -> int:
    """``--keras auto``: a module importing ``tf_keras`` is Keras 2; otherwise
    the installed Keras decides."""
    if option in ("2", "3"):
        return int(option)
    if uses_tf_keras:
        return 2
    return installed_keras_major()
