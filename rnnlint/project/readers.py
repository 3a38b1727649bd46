"""One reader per metadata format: the requirements on keras, tensorflow and
tf-keras a file declares (or, for a lock file, the versions it pins), each
with its line. Nothing is imported or run: ``setup.py`` is parsed with
``ast``. A file that cannot be read or parsed declares nothing (a broken
Pipfile must not stop a lint run).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from rnnlint.project.requirements import Requirement, canonical, parse_pep508

OPENED: list[str] = []
"""Every file read since the caller last cleared it: what a verdict depends on (``memo``)."""

# -- declared dependencies ---------------------------------------------------------


def read_pyproject(path: str) -> list[Requirement]:
    """PEP 621 ``dependencies`` and ``optional-dependencies``, PEP 735
    ``dependency-groups`` (uv, PDM), PDM's and uv's dev dependencies, Hatch's
    environments, and Poetry's dependency tables."""
    document, text = _toml(path)
    project = _table(document.get("project"))
    tool = _table(document.get("tool"))
    hatch_envs = _table(_table(tool.get("hatch")).get("envs")).values()
    strings = [
        *_strings(project.get("dependencies")),
        *_groups(project.get("optional-dependencies")),
        *_groups(document.get("dependency-groups")),
        *_groups(_table(tool.get("pdm")).get("dev-dependencies")),
        *_strings(_table(tool.get("uv")).get("dev-dependencies")),
        *(
            item
            for env in hatch_envs
            for key in ("dependencies", "extra-dependencies")
            for item in _strings(key_of(env, key))
        ),
    ]
    found = [_pep508_in_text(item, path, text) for item in strings]
    return [*filter(None, found), *_poetry(_table(tool.get("poetry")), path, text)]


def read_requirements_txt(path: str, seen: set[str] | None = None) -> list[Requirement]:
    """pip's requirements format, following ``-r``/``-c`` includes (relative to the including file)."""
    seen = set() if seen is None else seen
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    text = _text(path)
    if text is None:
        return []
    found: list[Requirement] = []
    for line_number, line in _logical_lines(text):
        include = re.match(r"(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)", line)
        if include:
            found += read_requirements_txt(os.path.join(os.path.dirname(path), include.group(1)), seen)
        elif not line.startswith("-"):
            requirement = parse_pep508(re.split(r"\s+--?[A-Za-z]", line, maxsplit=1)[0], path, line_number)
            found += [requirement] if requirement else []
    return found


def read_setup_cfg(path: str) -> list[Requirement]:
    """setuptools' ``[options] install_requires`` and ``[options.extras_require]``."""
    import configparser

    text = _text(path)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text or "")
    except configparser.Error:
        return []
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    items = [item.strip() for value in values for item in value.replace(";", "\n;").splitlines()]
    lines = [item for item in items if item and not item.startswith(";")]
    return [*filter(None, (_pep508_in_text(item, path, text or "") for item in lines))]


def read_setup_py(path: str) -> list[Requirement]:
    """A literal ``install_requires`` / ``extras_require`` of a ``setup(...)``
    call (also through a module-level name bound to a literal); never run."""
    text = _text(path)
    try:
        tree = ast.parse(text or "", path)
    except (SyntaxError, ValueError, RecursionError):
        return []
    names = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: list[Requirement] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node.func) == "setup":
            for keyword in node.keywords:
                if keyword.arg in ("install_requires", "extras_require"):
                    found += _literal_requirements(keyword.value, names, path)
    return found


def read_environment_yml(path: str) -> list[Requirement]:
    """conda's ``dependencies`` (``keras=2.15``, ``tensorflow>=2.16``,
    ``conda-forge::keras 3.0``) and their ``pip:`` list. Read line by line:
    rnnlint does not depend on a YAML library."""
    text = _text(path)
    found: list[Requirement] = []
    for line_number, line in enumerate((text or "").splitlines(), 1):
        item = re.match(r"\s*-\s*[\"']?([^\"'#]+)", line)
        if item is None:
            continue
        spec = item.group(1).strip().split("::")[-1]
        parts = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", spec)
        if parts is None or canonical(parts.group(1)) is None:
            continue
        requirement = parse_pep508(parts.group(1) + _conda_specifier(parts.group(2)), path, line_number)
        if requirement is not None:
            found.append(Requirement(requirement.package, requirement.specifier, path, line_number, spec))
    return found


def read_pipfile(path: str) -> list[Requirement]:
    """Pipenv's ``[packages]`` and ``[dev-packages]``: ``keras = "==2.15.0"``, ``"*"``, or ``{version = ...}``."""
    document, text = _toml(path)
    found = []
    for section in ("packages", "dev-packages"):
        for name, value in _table(document.get(section)).items():
            package = canonical(name)
            version = value.get("version", "*") if isinstance(value, dict) else value
            if package is not None and isinstance(version, str):
                specifier = "" if version.strip() == "*" else version.strip()
                line = _line_of(text, rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
                found.append(Requirement(package, specifier, path, line, f"{name} = {version!r}"))
    return found


# -- lock files: pinned versions ---------------------------------------------------


def read_uv_lock(path: str) -> list[Requirement]:
    """``[[package]]`` tables with ``name`` and ``version``."""
    return _toml_lock(path)


def read_poetry_lock(path: str) -> list[Requirement]:
    """``[[package]]`` tables with ``name`` and ``version``."""
    return _toml_lock(path)


def read_pdm_lock(path: str) -> list[Requirement]:
    """``[[package]]`` tables with ``name`` and ``version``."""
    return _toml_lock(path)


def read_pipfile_lock(path: str) -> list[Requirement]:
    """JSON: ``{"default": {"keras": {"version": "==2.15.0"}}, "develop": {...}}``."""
    text = _text(path)
    try:
        document = json.loads(text or "")
    except ValueError:
        return []
    found = []
    for section in ("default", "develop"):
        for name, value in _table(_table(document).get(section)).items():
            package = canonical(name)
            version = _table(value).get("version")
            if package is not None and isinstance(version, str):
                line = _line_of(text or "", rf"^\s*\"{re.escape(name)}\"\s*:")
                found.append(Requirement(package, version, path, line, f"{name} {version}"))
    return found


# -- helpers -----------------------------------------------------------------------


def key_of(table: Any, key: str) -> Any:
    return table.get(key) if isinstance(table, dict) else None


def _toml_lock(path: str) -> list[Requirement]:
    document, text = _toml(path)
    packages = document.get("package")
    found = []
    for entry in packages if isinstance(packages, list) else []:
        name, version = key_of(entry, "name"), key_of(entry, "version")
        package = canonical(name) if isinstance(name, str) else None
        if package is not None and isinstance(version, str):
            line = _line_of(text, rf"^\s*name\s*=\s*[\"']{re.escape(name)}[\"']")
            found.append(Requirement(package, f"=={version}", path, line, f"{name} {version}"))
    return found


def _poetry(poetry: dict[str, Any], path: str, text: str) -> Iterator[Requirement]:
    groups = _table(poetry.get("group")).values()
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies"), *(key_of(g, "dependencies") for g in groups)]
    for table in tables:
        for name, value in _table(table).items():
            package = canonical(name)
            version = value.get("version") if isinstance(value, dict) else value
            if package is not None and isinstance(version, str):
                line = _line_of(text, rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
                yield Requirement(package, poetry_specifier(version), path, line, f"{name} = {version!r}")


def poetry_specifier(constraint: str) -> str:
    """Poetry's constraint syntax as a PEP 440 specifier set: ``^2.15`` is
    ``>=2.15,<3.0``, ``~2.15`` is ``>=2.15,<2.16``, ``2.15.0`` is ``==2.15.0``.
    An alternative (``||``) is not one set: nothing is read from it."""
    if "||" in constraint or "|" in constraint:
        return ""
    clauses = [part for part in re.split(r"[,\s]+(?=[\^~<>=!\d*])", constraint.strip()) if part.strip()]
    return ",".join(filter(None, (_poetry_clause(clause.strip().rstrip(",")) for clause in clauses)))


def _poetry_clause(clause: str) -> str:
    if clause in ("*", ""):
        return ""
    if clause.startswith(("~=", ">", "<", "==", "!=")):
        return clause
    if clause.startswith(("^", "~")):
        lower = clause[1:].strip()
        parts = [int(part) for part in re.findall(r"\d+", lower)[:3]] or [0]
        if clause[0] == "^":
            index = next((i for i, part in enumerate(parts) if part != 0), len(parts) - 1)
        else:
            index = min(1, len(parts) - 1) if len(parts) > 1 else 0
        upper = [*parts[:index], parts[index] + 1]
        return f">={lower},<{'.'.join(map(str, upper))}"
    return "==" + clause.lstrip("=")


def _conda_specifier(spec: str) -> str:
    """conda's ``=2.15`` (any 2.15.x) and ``2.15.0 build`` as PEP 440."""
    spec = spec.strip()
    if not spec or spec.startswith(("==", ">", "<", "!", "~")):
        return spec
    version = spec.lstrip("=").split()[0]
    return "==" + (version if version.endswith("*") else version + ".*")


def _literal_requirements(node: ast.expr, names: dict[str, ast.expr], path: str) -> list[Requirement]:
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.Dict):
        return [item for value in node.values for item in _literal_requirements(value, names, path)]
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    found = []
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            requirement = parse_pep508(element.value, path, element.lineno)
            found += [requirement] if requirement else []
    return found


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _pep508_in_text(item: str, path: str, text: str) -> Requirement | None:
    """A requirement string of a TOML or INI file, placed at the line it is written on."""
    requirement = parse_pep508(item, path, 1)
    if requirement is None:
        return None
    line = _line_of(text, re.escape(item.strip()))
    return Requirement(requirement.package, requirement.specifier, path, line, requirement.text)


def _line_of(text: str, pattern: str) -> int:
    """The first line matching ``pattern``; 1 when none does."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines without comments, backslash continuations joined, numbered by their first line."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined = (pending + line).strip()
        pending = ""
        if joined:
            yield start, joined


def _text(path: str) -> str | None:
    OPENED.append(path)
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _toml(path: str) -> tuple[dict[str, Any], str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    text = _text(path) or ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError:
        return {}, text


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _groups(value: Any) -> Iterable[str]:
    return (item for group in _table(value).values() for item in _strings(group))
