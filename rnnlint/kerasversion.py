"""Which Keras a module is judged for: 2 (tf_keras, Keras 1/2 semantics) or 3."""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

KERAS_CHOICES = ("auto", "2", "3")


@lru_cache(maxsize=1)
def installed_keras_major() -> int:
    """The installed ``keras`` distribution's major version, read from its
    metadata without importing it; 3 when Keras is not installed."""
    try:
        version = metadata.version("keras")
    except metadata.PackageNotFoundError:
        return 3
    major = version.split(".", 1)[0]
    return 2 if major in ("1", "2") else 3


def resolve_version(option: str, uses_tf_keras: bool) -> int:
    """``--keras auto``: a module importing ``tf_keras`` is Keras 2; otherwise
    the installed Keras decides."""
    if option in ("2", "3"):
        return int(option)
    if uses_tf_keras:
        return 2
    return installed_keras_major()
