"""Settings: ``[tool.rnnlint]`` in pyproject.toml, then the command line on top.

Each checked file takes the nearest pyproject.toml that has a
``[tool.rnnlint]`` table, looking upward from the file's folder and stopping at
the repository root (a folder holding ``.git``), so the sub-projects of a
monorepo can differ, as with ruff. An option given on the command line
replaces the setting of the same name (``--extend-exclude`` adds to it).
Patterns in a config file are relative to that file's folder.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from rnnlint.files import SKIPPED_DIRS

if TYPE_CHECKING:
    from rnnlint.kerasversion import KerasBasis
    from rnnlint.project.decide import ProjectKeras
    from rnnlint.rules import Rule

KEYS = ("select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "keras", "confirm")
KERAS_VALUES = ("auto", "2", "3")
CONFIRM_VALUES = ("off", "findings", "all")
FILE_ERROR_CODES = ("E902", "E999", "RNN900")
"""Codes of findings about a file itself rather than a rule: selectable and ignorable too."""
DEFAULT_EXCLUDE = tuple(sorted(SKIPPED_DIRS))
"""Names never searched; hidden folders and virtual environments are skipped whatever ``exclude`` says."""


class ConfigError(Exception):
    """A setting that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    """What applies to one file: rule choice, exclusions, Keras version, confirmation."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    keras: str = "auto"
    confirm: str = "off"
    root: str = "."
    """The folder that relative patterns start from: the config file's, else the working folder."""
    config_file: str | None = None

    def excluded(self, path: str) -> bool:
        folder, name = os.path.split(os.path.abspath(path))
        parts = self._parts(folder, name) if name else _parts_below(path, self.root)
        names, patterns = self._exclusions
        return not names.isdisjoint(parts) or any(_parts_match(parts, pattern) for pattern in patterns)

    def _parts(self, folder: str, name: str) -> list[str]:
        """The parts of ``folder/name`` as ``_parts_below`` gives them: outside
        the root, only the name."""
        above = self._parts_of_folder(folder)
        return [*above, name] if above is not None else [name]

    def _parts_of_folder(self, folder: str) -> list[str] | None:
        """The parts of an absolute folder below the root (None outside it),
        computed once per folder: a run asks for every file of a folder."""
        cache = self._folder_parts
        if folder not in cache:
            cache[folder] = _relative_parts(folder, self.root)
        return cache[folder]

    @cached_property
    def _folder_parts(self) -> dict[str, list[str] | None]:
        return {}

    @cached_property
    def _exclusions(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """Plain names (the default ones), matched by a set lookup, apart from
        the glob patterns: a run asks this for every file."""
        names, patterns = set(), []
        for pattern in (*self.exclude, *self.extend_exclude):
            name = pattern.strip().removeprefix("./").rstrip("/")
            if "/" in name or any(char in name for char in "*?["):
                patterns.append(pattern)
            else:
                names.add(name)
        return frozenset(names), tuple(patterns)

    def ignored_codes(self, path: str) -> tuple[str, ...]:
        """``ignore`` plus the codes of every ``per-file-ignores`` pattern that matches ``path``."""
        extra = [
            code for pattern, codes in self.per_file_ignores if path_matches(path, self.root, pattern) for code in codes
        ]
        return (*self.ignore, *extra)

    def rules(self) -> tuple[Rule, ...]:
        return _rules(self.select, self.ignore)

    def describe(self) -> str:
        """The settings as TOML lines, for ``--show-settings``."""
        lines = [f"# config file: {self.config_file or '(none: defaults)'}", f"# root: {self.root}"]
        lines.append("[tool.rnnlint]")
        for key in KEYS:
            lines.append(f"{key} = {_toml_value(getattr(self, key.replace('-', '_')), key)}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Overrides:
    """Options given on the command line; None means not given."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    keras: str | None = None
    confirm: str | None = None

    def __post_init__(self) -> None:
        for name in ("select", "ignore"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check_codes(value, f"--{name}"))
        if self.keras is not None and self.keras not in KERAS_VALUES:
            raise ConfigError(f"--keras: expected one of {', '.join(KERAS_VALUES)}, got {self.keras!r}")
        if self.confirm is not None and self.confirm not in CONFIRM_VALUES:
            raise ConfigError(f"--confirm: expected one of {', '.join(CONFIRM_VALUES)}, got {self.confirm!r}")

    def apply(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "extend_exclude":
                changes[item.name] = (*settings.extend_exclude, *value)
            elif value is not None:
                changes[item.name] = value
        return replace(settings, **changes)


class Resolver:
    """Settings for any path, each folder's config file found and read once.

    A plain class, not a frozen dataclass: it is a cache. A broken config file
    raises ConfigError for the files it governs only.
    """

    def __init__(self, overrides: Overrides | None = None, config: str | None = None, isolated: bool = False) -> None:
        if config is not None and isolated:
            raise ConfigError("--config and --isolated cannot be used together")
        self.overrides = overrides or Overrides()
        self._fixed: Settings | None = None
        if config is not None:
            self._fixed = self.overrides.apply(load_file(config, required=True) or Settings())
        elif isolated:
            self._fixed = self.overrides.apply(Settings(root=os.getcwd()))
        self._nearest: dict[str, str | None] = {}
        self._loaded: dict[str, Settings | ConfigError | None] = {}
        self._applied: dict[str | None, Settings] = {}
        self._projects: ProjectKeras | None = None
        self.project_store: str | None = None
        """Where the projects' Keras verdicts are kept between runs (the cache folder); None: nowhere."""

    def settings_for(self, path: str) -> Settings:
        """The settings of ``path`` (a file or folder, existing or not)."""
        if self._fixed is not None:
            return self._fixed
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        config = self._find(folder)
        if config not in self._applied:
            if config is None:
                self._applied[config] = self.overrides.apply(Settings(root=os.getcwd()))
            else:
                loaded = self._load(config)
                if isinstance(loaded, ConfigError):
                    raise loaded
                assert loaded is not None, "_find returns only files with a [tool.rnnlint] table"
                self._applied[config] = self.overrides.apply(loaded)
        return self._applied[config]

    def keras_basis(self, path: str, settings: Settings | None = None) -> KerasBasis:
        """What decides the Keras of ``path`` (a file or folder): ``--keras``,
        the config's ``keras``, else its project's metadata (``rnnlint.project``),
        read once per folder."""
        from rnnlint.kerasversion import OPTION, KerasBasis

        settings = settings or self.settings_for(path)
        if settings.keras != "auto":
            given = self.overrides.keras is not None and self.overrides.keras == settings.keras
            where = f"--keras {settings.keras}" if given else _keras_line(settings)
            return KerasBasis(int(settings.keras), where, OPTION)
        if self._projects is None:
            from rnnlint.project.decide import ProjectKeras

            self._projects = ProjectKeras(self.project_store)
        absolute = os.path.abspath(path)
        return self._projects.basis(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))

    def save_projects(self) -> None:
        """Keep what was read of the projects' metadata for the next run."""
        if self._projects is not None:
            self._projects.save()

    def _find(self, folder: str) -> str | None:
        if folder not in self._nearest:
            candidate = os.path.join(folder, "pyproject.toml")
            parent = os.path.dirname(folder)
            if os.path.isfile(candidate) and self._load(candidate) is not None:
                self._nearest[folder] = candidate
            elif os.path.exists(os.path.join(folder, ".git")) or parent == folder:
                self._nearest[folder] = None
            else:
                self._nearest[folder] = self._find(parent)
        return self._nearest[folder]

    def _load(self, path: str) -> Settings | ConfigError | None:
        """The file's settings; None when it has no ``[tool.rnnlint]``; the error when broken."""
        if path not in self._loaded:
            try:
                self._loaded[path] = load_file(path, required=False)
            except ConfigError as error:
                self._loaded[path] = error
        return self._loaded[path]


def _keras_line(settings: Settings) -> str:
    """``pyproject.toml:12: keras = 2``: where the config says it."""
    from rnnlint.project.requirements import shown_path

    path = settings.config_file or ""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        lines = []
    line = next((number for number, text in enumerate(lines, 1) if text.strip().startswith("keras")), 1)
    return f"{shown_path(path)}:{line}: keras = {settings.keras}"


def load_file(path: str, required: bool) -> Settings | None:
    """The ``[tool.rnnlint]`` table of a pyproject.toml, or the top level of
    another TOML file given with ``--config``; None when a pyproject.toml has none."""
    document = _read_toml(path)
    tool = document.get("tool")
    if isinstance(tool, dict) and "rnnlint" in tool:
        table = tool["rnnlint"]
    elif os.path.basename(path) == "pyproject.toml" or "tool" in document:
        if required:
            raise ConfigError(f"{path}: no [tool.rnnlint] table")
        return None
    else:
        table = document
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.rnnlint] must be a table")
    return parse_table(table, path)


def parse_table(table: Mapping[str, Any], path: str) -> Settings:
    """Checked settings from a config table: unknown keys and bad values are errors."""
    where = f"{path}: [tool.rnnlint]"
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where} unknown key {unknown[0]!r} (known keys: {', '.join(KEYS)})")
    values: dict[str, Any] = {"root": os.path.dirname(os.path.abspath(path)), "config_file": os.path.abspath(path)}
    for key in ("select", "ignore"):
        if key in table:
            values[key] = check_codes(_strings(table[key], f"{where} {key}"), f"{where} {key}")
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key.replace("-", "_")] = _strings(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        values["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"], f"{where} per-file-ignores")
    if "keras" in table:
        values["keras"] = _keras(table["keras"], f"{where} keras")
    if "confirm" in table:
        values["confirm"] = _confirm(table["confirm"], f"{where} confirm")
    return Settings(**values)


def check_codes(codes: Iterable[str], where: str) -> tuple[str, ...]:
    """Upper-cased codes, each a rule code or a prefix of one."""
    from rnnlint.rules import BY_CODE

    known = (*BY_CODE, *FILE_ERROR_CODES)
    result = tuple(code.strip().upper() for code in codes if code.strip())
    unknown = [code for code in result if not any(item.startswith(code) for item in known)]
    if unknown:
        raise ConfigError(f"{where}: unknown rule code or prefix {', '.join(unknown)} (see rnnlint rule --all)")
    return result


def path_matches(path: str, root: str, pattern: str) -> bool:
    """A pattern without ``/`` matches any one file or folder name; one with
    ``/`` matches the path below ``root`` or any of its parent folders."""
    return _parts_match(_parts_below(path, root), pattern)


def _parts_match(parts: list[str], pattern: str) -> bool:
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
    return any(fnmatch.fnmatchcase("/".join(parts[:end]), pattern) for end in range(1, len(parts) + 1))


def _parts_below(path: str, root: str) -> list[str]:
    parts = _relative_parts(os.path.abspath(path), root)
    # Outside the root only a path's own name is matched: a folder named on the
    # command line (say, site-packages/keras) is checked, its __pycache__ is not.
    return parts if parts is not None else [os.path.basename(os.path.normpath(path))]


def _relative_parts(absolute: str, root: str) -> list[str] | None:
    """The names from ``root`` down to ``absolute``; None when it is not below ``root``."""
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return [part for part in relative.replace(os.sep, "/").split("/") if part not in ("", ".", "..")]


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _per_file_ignores(value: Any, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: expected a table of pattern = ["CODE", ...], got {value!r}')
    return tuple(
        (pattern, check_codes(_strings(codes, f"{where} {pattern!r}"), f"{where} {pattern!r}"))
        for pattern, codes in value.items()
    )


def _keras(value: Any, where: str) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if text not in KERAS_VALUES:
        raise ConfigError(f'{where}: expected "auto", 2 or 3, got {value!r}')
    return str(text)


def _confirm(value: Any, where: str) -> str:
    if value is False:
        return "off"
    if value in ("findings", "all"):
        return str(value)
    raise ConfigError(f'{where}: expected "findings", "all" or false, got {value!r}')


def _toml_value(value: Any, key: str) -> str:
    if key == "confirm":
        return "false" if value == "off" else f'"{value}"'
    if key == "per-file-ignores":
        inner = ", ".join(f"{_toml_value(pattern, '')} = {_toml_value(codes, '')}" for pattern, codes in value)
        return "{" + inner + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(item, "") for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=64)
def _rules(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    """Rule objects are stateless, so each selection is built once per run."""
    from rnnlint.rules import select_rules

    return tuple(select_rules(select, ignore))
