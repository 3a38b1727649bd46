"""Settings: ``[tool.rnnlint]`` in pyproject.toml, then the command line on top.

Each checked file takes the nearest pyproject.toml that has a
``[tool.rnnlint]`` table, looking upward from the file's folder and stopping at
the repository root (a folder holding ``.git``), so the sub-projects of a
monorepo can differ, as with ruff. An option given on the command line
replaces the setting of the same name (``--extend-exclude`` adds to it),
except the rule choice, which is resolved level by level as ruff does it
(``Selection``; docs/integrations.md gives the precedence with examples).
Patterns in a config file are relative to that file's folder.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from rnnlint.codes import FILE_ERROR_CODES
from rnnlint.files import SKIPPED_DIRS
from rnnlint.reading import DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_LINE_SIZE, InputLimits, Refusal, read_file

if TYPE_CHECKING:
    from rnnlint.kerasversion import KerasBasis
    from rnnlint.project.decide import ProjectKeras
    from rnnlint.rules import Rule

KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "keras",
    "confirm",
    "max-file-size",
    "max-line-size",
)
KERAS_VALUES = ("auto", "2", "3")
CONFIRM_VALUES = ("off", "findings", "all")
CONFIG_READ_LIMIT = 10_000_000
DEFAULT_EXCLUDE = tuple(sorted(SKIPPED_DIRS))
"""Names never searched; hidden folders and virtual environments are skipped whatever ``exclude`` says."""


ALL = "ALL"
"""The selector of every code, as ruff's."""


class ConfigError(Exception):
    """A setting that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Selection:
    """One level's rule choice: the config file's, then the command line's.

    As in ruff, a level that has ``select`` starts the set anew from its own
    ``select`` and ``extend-select`` minus its own ``ignore``, dropping what
    the levels below chose (their ``ignore`` too); a level without ``select``
    adds its ``extend-select`` to the set below and removes its ``ignore``.
    Within a level the more specific selector wins (``RNN002`` over
    ``RNN0``), and ``ignore`` wins a tie."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def given(self) -> bool:
        return self.select is not None or bool(self.extend_select or self.ignore)

    def apply(self, enabled: frozenset[str], universe: tuple[str, ...]) -> frozenset[str]:
        updates: dict[str, bool] = {}
        chosen = [(selector, True) for selector in (*(self.select or ()), *self.extend_select)]
        chosen += [(selector, False) for selector in self.ignore]
        for selector, on in sorted(chosen, key=lambda item: (_specificity(item[0]), not item[1])):
            updates.update((code, on) for code in universe if _matches(code, selector))
        if self.select is not None:
            return frozenset(code for code, on in updates.items() if on)
        return frozenset(code for code in {*enabled, *updates} if updates.get(code, code in enabled))


def _specificity(selector: str) -> int:
    return -1 if selector == ALL else len(selector)


def _matches(code: str, selector: str) -> bool:
    return selector == ALL or code.startswith(selector)


@dataclass(frozen=True)
class Settings:
    """What applies to one file: rule choice, exclusions, Keras version, confirmation."""

    select: tuple[str, ...] | None = None
    """The config file's; None: the default (every code but those ruff would not select either, RNN100)."""
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    keras: str = "auto"
    confirm: str = "off"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_line_size: int = DEFAULT_MAX_LINE_SIZE
    root: str = "."
    """The folder that relative patterns start from: the config file's, else the working folder."""
    config_file: str | None = None
    command_line: Selection = Selection()
    """``--select``, ``--extend-select``, ``--ignore``: resolved after the config file's choice."""

    @cached_property
    def enabled(self) -> frozenset[str]:
        """Every code reported. The file errors (E902, E999, RNN900) are
        reported whatever is selected, as ruff reports syntax errors, unless
        an ``ignore`` names them."""
        from rnnlint.rules import ALL_RULES

        universe = (*(rule.code for rule in ALL_RULES), *FILE_ERROR_CODES)
        default = frozenset((*(rule.code for rule in ALL_RULES if rule.selected_by_default), *FILE_ERROR_CODES))
        enabled = Selection(self.select, self.extend_select, self.ignore).apply(default, universe)
        enabled = self.command_line.apply(enabled, universe)
        ignored = (*self.ignore, *self.command_line.ignore)
        return enabled | {code for code in FILE_ERROR_CODES if not any(_matches(code, s) for s in ignored)}

    def reports(self, code: str, path: str) -> bool:
        """Whether a finding of ``code`` in ``path`` is reported: enabled, and not per-file ignored."""
        return code in self.enabled and not any(code.startswith(prefix) for prefix in self.ignored_codes(path))

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

    @property
    def limits(self) -> InputLimits:
        return InputLimits(self.max_file_size, self.max_line_size)

    def ignored_codes(self, path: str) -> tuple[str, ...]:
        """The codes of every ``per-file-ignores`` pattern that matches ``path``
        (applied whatever the selection, as in ruff)."""
        return tuple(
            code for pattern, codes in self.per_file_ignores if path_matches(path, self.root, pattern) for code in codes
        )

    def rules(self) -> tuple[Rule, ...]:
        return _rules(self.enabled)

    def describe(self) -> str:
        """The settings as TOML lines, for ``--show-settings``: the config
        file's values (``select`` left out when not set), what the command line
        chose on top, and the codes that result."""
        lines = [f"# config file: {self.config_file or '(none: defaults)'}", f"# root: {self.root}"]
        line = self.command_line
        if line.given():
            given = [
                ("--select", line.select or ()),
                ("--extend-select", line.extend_select),
                ("--ignore", line.ignore),
            ]
            options = [
                f"{name} {','.join(codes)}"
                for name, codes in given
                if codes or (name == "--select" and line.select is not None)
            ]
            lines.append(f"# command line: {' '.join(options)}")
        lines.append(f"# enabled: {', '.join(sorted(self.enabled))}")
        lines.append("[tool.rnnlint]")
        for key in KEYS:
            value = getattr(self, key.replace("-", "_"))
            if value is not None:
                lines.append(f"{key} = {_toml_value(value, key)}")
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
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    """``--per-file-ignores``: replaces the config's."""
    extend_per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        for name in ("select", "ignore", "extend_select"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check_codes(value, f"--{name.replace('_', '-')}"))
        for name in ("per_file_ignores", "extend_per_file_ignores"):
            for _, codes in getattr(self, name) or ():
                check_codes(codes, f"--{name.replace('_', '-')}")
        if self.keras is not None and self.keras not in KERAS_VALUES:
            raise ConfigError(f"--keras: expected one of {', '.join(KERAS_VALUES)}, got {self.keras!r}")
        if self.confirm is not None and self.confirm not in CONFIRM_VALUES:
            raise ConfigError(f"--confirm: expected one of {', '.join(CONFIRM_VALUES)}, got {self.confirm!r}")

    def apply(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {"command_line": Selection(self.select, self.extend_select, self.ignore or ())}
        for name in ("exclude", "keras", "confirm", "per_file_ignores"):
            if getattr(self, name) is not None:
                changes[name] = getattr(self, name)
        changes["extend_exclude"] = (*settings.extend_exclude, *self.extend_exclude)
        per_file = changes.get("per_file_ignores", settings.per_file_ignores)
        changes["per_file_ignores"] = (*per_file, *self.extend_per_file_ignores)
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
        self._folders: dict[str, str] = {}
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
        config = self._find(self._folder(path))
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

    def _folder(self, path: str) -> str:
        """The folder whose configuration governs ``path``, asked once per path:
        a run asks for each file while finding it and again while checking it."""
        if path not in self._folders:
            absolute = os.path.abspath(path)
            self._folders[path] = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        return self._folders[path]

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
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            values[key.replace("-", "_")] = check_codes(_strings(table[key], f"{where} {key}"), f"{where} {key}")
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key.replace("-", "_")] = _strings(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        values["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"], f"{where} per-file-ignores")
    if "keras" in table:
        values["keras"] = _keras(table["keras"], f"{where} keras")
    if "confirm" in table:
        values["confirm"] = _confirm(table["confirm"], f"{where} confirm")
    for key in ("max-file-size", "max-line-size"):
        if key in table:
            values[key.replace("-", "_")] = _size(table[key], f"{where} {key}")
    return Settings(**values)


def check_codes(codes: Iterable[str], where: str) -> tuple[str, ...]:
    """Upper-cased codes, each a rule code, a prefix of one, or ``ALL``."""
    from rnnlint.rules import BY_CODE

    known = (*BY_CODE, *FILE_ERROR_CODES)
    result = tuple(code.strip().upper() for code in codes if code.strip())
    unknown = [code for code in result if code != ALL and not any(item.startswith(code) for item in known)]
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
    data = read_file(path, CONFIG_READ_LIMIT)  # a regular file only: a FIFO would block, a device never end
    if isinstance(data, Refusal):
        raise ConfigError(f"{path}: {data.reason.replace('cannot read file', 'cannot read config file')}")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


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


def _size(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10**9:
        raise ConfigError(f"{where}: expected a positive number of characters, got {value!r}")
    return value


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
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=64)
def _rules(enabled: frozenset[str]) -> tuple[Rule, ...]:
    """Rule objects are stateless, so each selection is built once per run (in code order)."""
    from rnnlint.rules import ALL_RULES

    return tuple(rule() for rule in ALL_RULES if rule.code in enabled)
