"""Installed TensorFlow and Keras versions, read from package metadata.

Reading metadata costs microseconds and imports nothing, so cache keys can be
computed, and a fully cached run finished, without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel", "tf-nightly")
KERAS_DISTRIBUTIONS = {3: ("keras",), 2: ("tf-keras", "tf_keras")}


@dataclass(frozen=True)
class Versions:
    """What a worker for one Keras version would run; None when not installed."""

    keras: str | None
    tensorflow: str | None

    def missing(self, keras: int) -> str | None:
        """Why this Keras version cannot be confirmed here, or None."""
        if self.tensorflow is None:
            return "tensorflow not installed (pip install 'rnnlint[confirm]')"
        if self.keras is None:
            return "tf_keras not installed (pip install 'rnnlint[keras2]')" if keras == 2 else "keras 3 not installed"
        return None


def _first_version(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


@lru_cache(maxsize=4)
def installed(keras: int) -> Versions:
    """The versions a worker for ``keras`` (2 or 3) would import."""
    tensorflow = _first_version(TENSORFLOW_DISTRIBUTIONS)
    version = _first_version(KERAS_DISTRIBUTIONS[keras])
    if keras == 3 and version is not None and not version.startswith("3."):
        version = None
    return Versions(version, tensorflow)
