"""A run over many paths: discover files, check each, gather the results.

Each file goes through the same steps: its settings (the nearest config),
the rules, then ``finish``: suppression comments, per-file ignores, and for a
notebook the lines mapped back to its cells. A broken config file stops only
the files it governs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from rnnlint import project, suppressions
from rnnlint.checker import FileResult, check_bytes, check_file, decode
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.filecache import FileCache
from rnnlint.files import discover
from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.notebook import Notebook
from rnnlint.prefilter import may_concern_recurrent_models

if TYPE_CHECKING:
    from rnnlint.confirm.session import Confirmer, ConfirmOptions

STDIN = "-"

Sources = Mapping[tuple[str, int | None], str]
"""The text of each file (cell None) or notebook cell with findings, for source excerpts and fingerprints."""


@dataclass(frozen=True)
class Buffer:
    """Content that is not read from disk (stdin, an editor's buffer), checked under ``path``'s name and config."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files_checked: int
    missing: tuple[str, ...]
    config_errors: tuple[str, ...] = ()
    sources: Sources = field(default_factory=dict)


def run(
    paths: tuple[str, ...],
    resolver: Resolver | None = None,
    stdin: Buffer | None = None,
    confirm: ConfirmOptions | None = None,
    jobs: int | None = None,
    cache: FileCache | None = None,
) -> Report:
    """Check ``paths`` (``-`` is ``stdin``), each file with its own settings,
    over ``jobs`` processes (default: the cores); with ``confirm``, show each
    finding in TensorFlow (``rnnlint.confirm``). The order of the report never
    depends on ``jobs``."""
    resolver = resolver or Resolver()
    found = discover(tuple(path for path in paths if path != STDIN), lambda path: _excluded(resolver, path))
    items: list[str | Buffer] = [*found.files, *([stdin] if stdin is not None and STDIN in paths else [])]
    findings: list[Finding] = []
    sources: dict[tuple[str, int | None], str] = {}
    config_errors: dict[str, None] = {}
    confirmer = _confirmer(confirm, len(items))
    cache = cache or FileCache(None)
    work: list[tuple[str | Buffer, Settings]] = []
    for item in items:
        path = item.path if isinstance(item, Buffer) else item
        try:
            work.append((item, resolver.settings_for(path)))
        except ConfigError as error:
            config_errors[str(error)] = None
    checked = len(work)
    for (_, settings), raw in zip(work, _check_all(work, jobs, cache), strict=True):
        result = finish(raw, settings)
        if confirmer is not None:
            selected = any(rule.code == "RNN099" for rule in settings.rules())
            result = confirmer.confirm(result, runtime_errors=selected, finish=partial(finish, settings=settings))
        findings.extend(result.errors)
        findings.extend(result.findings)
        if result.errors or result.findings:
            sources.update(_sources(result))
    if confirmer is not None:
        confirmer.close()
    return Report(tuple(findings), checked, found.missing, tuple(config_errors), sources)


@dataclass(frozen=True)
class _Parse:
    """A file that must be parsed: its content, and the key its result is cached under."""

    path: str
    data: bytes
    settings: Settings
    key: str | None


POOL_MIN_BYTES = 20_000
"""Less code than this to parse is parsed in this process: starting worker
processes would cost more than it saves."""


def _check_all(work: list[tuple[str | Buffer, Settings]], jobs: int | None, cache: FileCache) -> list[FileResult]:
    """Every file's raw result, in order. Files are read, looked up in the
    cache and pre-filtered here; only those left to parse go to worker
    processes, largest first, when there are several and several jobs
    (serial under pre-commit, which runs hooks in parallel itself)."""
    results: list[FileResult | None] = []
    parses: list[tuple[int, _Parse]] = []
    for index, (item, settings) in enumerate(work):
        outcome = _without_parsing(item, settings, cache)
        results.append(outcome if isinstance(outcome, FileResult) else None)
        if isinstance(outcome, _Parse):
            parses.append((index, outcome))
    for (index, parse), result in zip(parses, _parse_all([parse for _, parse in parses], jobs), strict=True):
        if parse.key is not None and not any(error.code == "RNN900" for error in result.errors):
            cache.store(parse.key, result)
        results[index] = result
    return [result for result in results if result is not None]


def _without_parsing(item: str | Buffer, settings: Settings, cache: FileCache) -> FileResult | _Parse:
    """The result when it needs no parsing (unreadable, pre-filtered out, cached), else what to parse."""
    if isinstance(item, Buffer):
        path, data = item.path, item.data
    else:
        try:
            with open(item, "rb") as handle:
                data = handle.read()
        except OSError:
            return check_file(item, settings.rules(), settings.keras)  # reports why it cannot be read
        path = item
    if not path.endswith(NOTEBOOK_SUFFIX):  # a notebook is always parsed
        source = decode(data)
        if source is None:
            return check_bytes(path, data, (), settings.keras)  # reports why it cannot be read
        if not may_concern_recurrent_models(source) and not project.imports_keras_code(path, source):
            return FileResult(path)
    key = None
    if not isinstance(item, Buffer) and cache.folder is not None:
        linked = project.stamp(project.dependencies(path, decode(data) or ""))  # results depend on imported modules
        key = cache.key(path, data + linked, tuple(rule.code for rule in settings.rules()), settings.keras)
        cached = cache.load(key)
        if cached is not None:
            return cached
    return _Parse(path, data, settings, key)


def _parse_all(parses: list[_Parse], jobs: int | None) -> list[FileResult]:
    jobs = min(jobs or os.cpu_count() or 1, len(parses))
    if jobs <= 1 or sum(len(p.data) for p in parses) < POOL_MIN_BYTES or os.environ.get("PRE_COMMIT") == "1":
        return [_parse(parse) for parse in parses]
    from concurrent.futures import ProcessPoolExecutor

    largest_first = sorted(range(len(parses)), key=lambda index: -len(parses[index].data))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = dict(zip(largest_first, pool.map(_parse, [parses[i] for i in largest_first]), strict=True))
    return [done[index] for index in range(len(parses))]


def _parse(parse: _Parse) -> FileResult:
    return check_bytes(parse.path, parse.data, parse.settings.rules(), parse.settings.keras)


def _confirmer(options: ConfirmOptions | None, files: int) -> Confirmer | None:
    """The TensorFlow confirm step, imported only when asked for."""
    if options is None:
        return None
    from rnnlint.confirm.session import Confirmer

    return Confirmer(options, files=files)


def check_buffer(buffer: Buffer, settings: Settings) -> FileResult:
    """One editor buffer, through the same steps as a file of a run (for the language server)."""
    return finish(check_bytes(buffer.path, buffer.data, settings.rules(), settings.keras), settings)


def finish(result: FileResult, settings: Settings) -> FileResult:
    """Suppression comments and ignored codes applied, then notebook lines mapped to their cells.

    Errors about the file itself (E902, E999, RNN900) are not silenced by
    ``noqa`` comments, only by ``ignore``/``per-file-ignores`` or ``skip-file``.
    """
    if result.source is not None and suppressions.skips_file(result.source):
        return replace(result, findings=(), errors=())
    ignored = settings.ignored_codes(result.path)
    findings = tuple(f for f in suppressions.apply(result.findings, result.source) if not _ignored(f.code, ignored))
    errors = tuple(f for f in result.errors if not _ignored(f.code, ignored))
    if result.notebook is not None:
        findings = tuple(_in_cells(f, result.notebook) for f in findings)
        errors = tuple(_in_cells(f, result.notebook) for f in errors)
    return replace(result, findings=findings, errors=errors)


def _in_cells(finding: Finding, notebook: Notebook) -> Finding:
    """A notebook's finding located by cell, in its span and in the lines its message names."""
    message = notebook.relabel(finding.message) or finding.message
    return replace(finding, span=notebook.span(finding.span), message=message, fix=notebook.relabel(finding.fix))


def _ignored(code: str, ignored: tuple[str, ...]) -> bool:
    return any(code.startswith(prefix) for prefix in ignored)


def _excluded(resolver: Resolver, path: str) -> bool:
    """A path under a broken config is not excluded: checking it reports the config error."""
    try:
        return resolver.settings_for(path).excluded(path)
    except ConfigError:
        return False


def _sources(result: FileResult) -> dict[tuple[str, int | None], str]:
    if result.notebook is not None:
        return {(result.path, cell): text for cell, text in result.notebook.cells.items()}
    return {(result.path, None): result.source} if result.source is not None else {}


def extract_modules(paths: tuple[str, ...], keras: str = "auto") -> tuple[list[ModuleIR], list[str]]:
    """The IR of every file, for ``rnnlint shapes``; problems as messages."""
    found = discover(paths)
    modules: list[ModuleIR] = []
    problems = [f"{path}: no such file or directory" for path in found.missing]
    for path in found.files:
        result = check_file(path, [], keras, prefilter=False)
        if result.module is not None:
            modules.append(result.module)
        problems.extend(f"{e.span.path}:{e.span.line}:{e.span.column}: {e.code} {e.message}" for e in result.errors)
    return modules, problems
