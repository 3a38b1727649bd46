"""Which Keras a module is judged for: 2 (tf_keras, Keras 1/2 semantics) or 3, and why.

``--keras 2/3`` or the config's ``keras`` decide outright. With ``auto``, the
project that holds the file decides (``rnnlint.project``: its declared
dependencies, then its lock files), then the file's own code (a module that
imports ``tf_keras`` is Keras 2 code whatever else is installed), then the
Keras installed next to rnnlint; when nothing says, Keras 3 is assumed and
findings whose truth or fix depends on the version say so.

A judgement made by the command line, the config, the project's metadata or
the code is *trusted*: only then may a fix whose result differs between Keras
2 and 3 be safe. The installed Keras is not trusted: under pre-commit, pipx or
a CI tool environment it is not the project's.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
from functools import lru_cache

KERAS_CHOICES = ("auto", "2", "3")

OPTION = "option"
"""Decided by ``--keras`` or the config's ``keras``."""
PROJECT = "project"
"""Decided by the project's dependencies or lock files."""
CODE = "code"
"""Decided by the module's own code (a ``tf_keras`` import, ``TF_USE_LEGACY_KERAS``)."""
ENVIRONMENT = "environment"
"""The Keras installed next to rnnlint."""
ASSUMED = "assumed"
"""Nothing said: Keras 3, the current one."""
TRUSTED = (OPTION, PROJECT, CODE)

_METADATA_FOLDER = re.compile(r"keras-(\d+)[.\w+!]*?(?:-py[\d.]+)?\.(?:dist|egg)-info", re.IGNORECASE)
"""``keras-3.15.1.dist-info``, or ``Keras-2.4.3-py3.8.egg-info`` for old installs."""

_LEGACY_SWITCH = re.compile(r"TF_USE_LEGACY_KERAS[\"']?\]?\s*[=,:]?\s*[\"']?(?:1|true|True|TRUE|yes)\b")
"""``os.environ["TF_USE_LEGACY_KERAS"] = "1"``, ``setdefault("TF_USE_LEGACY_KERAS", "1")``, ``%env ...=1``."""

_STANDALONE_KERAS = re.compile(r"^\s*(?:import keras\b|from keras[\s.])", re.MULTILINE)

ASSUMPTION = (
    "assumed: nothing says which; pin keras or tensorflow in the project, or set keras = 2 or 3 under [tool.rnnlint]"
)


@dataclass(frozen=True)
class KerasBasis:
    """What decides the Keras of the files of one project, before each file's own code is read."""

    major: int | None
    """2 or 3; None when only the file's code or the environment can say."""
    source: str
    """Why, for people: ``requirements.txt:3: tensorflow==2.15.0``."""
    origin: str
    """OPTION, PROJECT or ENVIRONMENT (None major: to be completed per file)."""
    legacy_switch: bool = False
    """TensorFlow >= 2.16 with tf-keras required: ``tf.keras`` is Keras 2 when
    ``TF_USE_LEGACY_KERAS`` is set, by the environment or by the code."""

    def key(self) -> str:
        """What a cached result depends on."""
        legacy = self.legacy_switch and legacy_keras_in_environment()
        return repr((self.major, self.source, self.origin, self.legacy_switch, legacy))


@dataclass(frozen=True)
class Judgement:
    """The Keras one module is judged for, and why."""

    major: int
    source: str
    origin: str

    @property
    def trusted(self) -> bool:
        return self.origin in TRUSTED

    def describe(self) -> str:
        """``Keras 2 (requirements.txt:3: tensorflow==2.15.0)``."""
        return f"Keras {self.major} ({self.source})"


def option_basis(option: str) -> KerasBasis:
    """``--keras auto/2/3`` alone (tests, ``rnnlint shapes``): auto falls back to the environment."""
    if option in ("2", "3"):
        return KerasBasis(int(option), f"--keras {option}", OPTION)
    return KerasBasis(None, "", ENVIRONMENT)


def with_code(basis: KerasBasis, source: str) -> KerasBasis:
    """The basis once the module's text is known: with TensorFlow >= 2.16 and
    tf-keras, ``tf.keras`` is Keras 2 when ``TF_USE_LEGACY_KERAS`` is set in
    the environment or by the code. The variable does not change the
    standalone ``keras`` package: a module importing it stays Keras 3."""
    if not basis.legacy_switch or _STANDALONE_KERAS.search(source):
        return basis
    if legacy_keras_in_environment():
        return replace(basis, major=2, source=f"{basis.source}, and TF_USE_LEGACY_KERAS is set in the environment")
    match = _LEGACY_SWITCH.search(source)
    if match is None:
        return basis
    line = source.count("\n", 0, match.start()) + 1
    return replace(basis, major=2, source=f"{basis.source}, and line {line} sets TF_USE_LEGACY_KERAS", origin=CODE)


def resolve_version(keras: str | KerasBasis, uses_tf_keras: bool) -> Judgement:
    """The module's Keras: the option or config, then its project, then its
    ``tf_keras`` import, then the installed Keras, else 3 (assumed)."""
    basis = option_basis(keras) if isinstance(keras, str) else keras
    if basis.major is not None and basis.origin == OPTION:
        return Judgement(basis.major, basis.source, OPTION)
    if uses_tf_keras:
        return Judgement(2, "the file imports tf_keras", CODE)
    if basis.major is not None:
        return Judgement(basis.major, basis.source, basis.origin)
    return environment_judgement()


def describe_basis(basis: KerasBasis) -> str:
    """What the files of a project are judged for, before their code is read (``--show-settings``)."""
    if basis.major is not None:
        legacy = ""
        if basis.legacy_switch:
            where = "" if legacy_keras_in_environment() else " in files that set TF_USE_LEGACY_KERAS"
            legacy = f"; Keras 2 for tf.keras code{where}"
        exception = "" if basis.origin == OPTION or basis.major == 2 else "; Keras 2 in files that import tf_keras"
        return f"Keras {basis.major} ({basis.source}){legacy}{exception}"
    return f"{environment_judgement().describe()}; Keras 2 in files that import tf_keras"


def environment_judgement() -> Judgement:
    installed = installed_keras()
    if installed is None:
        return Judgement(3, ASSUMPTION, ASSUMED)
    major, folder = installed
    return Judgement(major, f"the Keras installed with rnnlint: {folder}", ENVIRONMENT)


def legacy_keras_in_environment() -> bool:
    """``TF_USE_LEGACY_KERAS`` set for this process: tf.keras is tf_keras on TensorFlow >= 2.16."""
    return os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")


@lru_cache(maxsize=1)
def installed_keras() -> tuple[int, str] | None:
    """The installed ``keras`` distribution's major version and metadata
    folder, read from the folder's name on ``sys.path`` (the first one wins,
    as for importlib.metadata, which costs more to import than a run of
    rnnlint on a small file); None when Keras is not installed."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            match = _METADATA_FOLDER.fullmatch(name)
            if match:
                return (2 if match.group(1) in ("1", "2") else 3), name
    return None


def installed_keras_major() -> int:
    """The installed Keras's major version; 3 when Keras is not installed."""
    installed = installed_keras()
    return 3 if installed is None else installed[0]
