"""A requirement on keras, tensorflow or tf-keras, and the Keras major versions it admits.

Specifiers are read with ``packaging`` (pip's own library), imported only
when a project names one of these packages. A specifier admits a Keras major
when it contains some release of it: tried on a grid of versions plus the
versions the specifier itself names, so ``>=2.15,<2.15.3`` and ``==3.0.0rc1``
are read right.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.version import Version

KERAS = "keras"
TENSORFLOW = "tensorflow"
TF_KERAS = "tf-keras"

PACKAGES = {
    "keras": KERAS,
    "tensorflow": TENSORFLOW,
    "tensorflow-cpu": TENSORFLOW,
    "tensorflow-gpu": TENSORFLOW,
    "tensorflow-macos": TENSORFLOW,
    "tensorflow-intel": TENSORFLOW,
    "tensorflow-aarch64": TENSORFLOW,
    "tf-keras": TF_KERAS,
}
"""Distribution names (normalized as PEP 503 says) and what they are for this question."""

FIRST_KERAS3_TENSORFLOW = (2, 16)
"""TensorFlow 2.16 is the first whose ``tf.keras`` is Keras 3 (its release notes)."""

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class Requirement:
    """One requirement as written, where it was written."""

    package: str
    """KERAS, TENSORFLOW or TF_KERAS."""
    specifier: str
    """A PEP 440 specifier set; empty when any version goes."""
    file: str
    line: int
    text: str
    """As written, for the explanation."""

    @property
    def where(self) -> str:
        return f"{shown_path(self.file)}:{self.line}: {self.text}"


def canonical(name: str) -> str | None:
    """KERAS, TENSORFLOW, TF_KERAS for their distribution names, else None."""
    return PACKAGES.get(re.sub(r"[-_.]+", "-", name).lower())


def parse_pep508(text: str, file: str, line: int) -> Requirement | None:
    """``keras[extra]>=3.0; python_version >= "3.9"`` (markers ignored: the
    requirement counts on any platform); None for other packages."""
    match = _NAME.fullmatch(text.split("#", 1)[0].strip())
    if match is None:
        return None
    package = canonical(match.group(1))
    if package is None:
        return None
    rest = match.group(3).split(";", 1)[0].strip()
    if rest.startswith("@"):  # a URL: no version to read
        rest = ""
    return Requirement(package, rest.strip("()").strip(), file, line, text.strip())


def shown_path(path: str) -> str:
    """A path as a person reads it: relative to the working folder when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith(os.pardir) else relative


def keras_majors(requirement: Requirement) -> frozenset[int]:
    """The Keras majors (2, 3) the requirement admits; both when its specifier cannot be read."""
    if requirement.package == TF_KERAS:
        return frozenset({2})
    versions = _admitted(requirement.specifier, requirement.package)
    if versions is None:
        return frozenset({2, 3})
    return frozenset(_keras_of(requirement.package, version) for version in versions)


def _keras_of(package: str, version: Version) -> int:
    if package == KERAS:
        return 2 if version.major < 3 else 3
    return 2 if version.release[:2] < FIRST_KERAS3_TENSORFLOW else 3


def _admitted(specifier: str, package: str) -> list[Version] | None:
    """The versions of the grid (and those ``specifier`` names) it contains; None if unreadable."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    named: list[Version] = []
    for item in specifiers:
        try:
            version = Version(item.version.rstrip(".*"))
        except InvalidVersion:
            continue
        major, minor, patch = (*version.release, 0, 0)[:3]
        named += [version, Version(f"{major}.{minor}.{patch + 1}"), Version(f"{major}.{minor + 1}")]
    return list(specifiers.filter([*_grid(package), *named], prereleases=True))


@lru_cache(maxsize=4)
def _grid(package: str) -> tuple[Version, ...]:
    """Releases to try: Keras 1.0 to 4.x, TensorFlow 1.0 to 3.x."""
    from packaging.version import Version

    majors = (1, 2, 3, 4) if package == KERAS else (1, 2, 3)
    return tuple(Version(f"{major}.{minor}.{patch}") for major in majors for minor in range(41) for patch in (0, 3, 9))
