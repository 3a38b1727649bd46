"""A run over many paths: discover files, check each, gather the results."""

from __future__ import annotations

from dataclasses import dataclass

from rnnlint.checker import check_file
from rnnlint.files import discover
from rnnlint.ir import ModuleIR
from rnnlint.rules import Finding, select_rules


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files_checked: int
    missing: tuple[str, ...]


def run(
    paths: tuple[str, ...], select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), keras: str = "auto"
) -> Report:
    found = discover(paths)
    rules = select_rules(select, ignore)
    findings: list[Finding] = []
    for path in found.files:
        result = check_file(path, rules, keras)
        findings.extend(f for f in result.errors if _selected(f.code, select, ignore))
        findings.extend(result.findings)
    return Report(tuple(findings), len(found.files), found.missing)


def _selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Errors about the file itself always show, unless ignored by code."""
    return not any(code.startswith(prefix) for prefix in ignore)


def extract_modules(paths: tuple[str, ...], keras: str = "auto") -> tuple[list[ModuleIR], list[str]]:
    """The IR of every file, for ``rnnlint shapes``; problems as messages."""
    found = discover(paths)
    modules: list[ModuleIR] = []
    problems = [f"{path}: no such file or directory" for path in found.missing]
    for path in found.files:
        result = check_file(path, [], keras)
        if result.module is not None:
            modules.append(result.module)
        problems.extend(f"{e.span.path}:{e.span.line}:{e.span.column}: {e.code} {e.message}" for e in result.errors)
    return modules, problems
