"""A run over many paths: discovery, the per-file cache and parallelism
around the stages of ``rnnlint.pipeline``.

Each file is checked with its own settings (the nearest config); a broken
config file stops only the files it governs. Results keep the order of the
files whatever the number of jobs.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rnnlint import pipeline
from rnnlint import project_modules as project
from rnnlint.bytecode import compiled_before
from rnnlint.codes import INTERNAL_ERROR, IO_ERROR
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.filecache import FileCache
from rnnlint.files import discover
from rnnlint.findings import FileResult, Finding
from rnnlint.ir import ModuleIR, Span
from rnnlint.kerasversion import KerasBasis, option_basis
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.pipeline import UNUSED_SUPPRESSION, check_bytes, check_file, finish, refused, syntax_error
from rnnlint.prefilter import imports_keras_code, may_concern_recurrent_models, may_use_imported_models
from rnnlint.reading import Refusal, decode, read_file
from rnnlint.suppressions import mentions_directives
from rnnlint.syntaxcache import SyntaxCache

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
    keras: tuple[tuple[str, int], ...] = ()
    """Each Keras version judged for, with why (``Keras 2 (requirements.txt:3: ...)``), and how many files."""


def run(
    paths: tuple[str, ...],
    resolver: Resolver | None = None,
    stdin: Buffer | None = None,
    confirm: ConfirmOptions | None = None,
    jobs: int | None = None,
    cache: FileCache | None = None,
    force_exclude: bool = True,
) -> Report:
    """Check ``paths`` (``-`` is ``stdin``), each file with its own settings,
    over ``jobs`` processes (default: the cores); with ``confirm``, show each
    finding in TensorFlow (``rnnlint.confirm``). The order of the report never
    depends on ``jobs``. ``force_exclude``: ``exclude`` applies to the paths
    named and to stdin's name too."""
    resolver = resolver or Resolver()
    excluded = partial(_excluded, resolver)
    found = discover(tuple(path for path in paths if path != STDIN), excluded, force_exclude=force_exclude)
    with_stdin = stdin is not None and STDIN in paths and not (force_exclude and excluded(stdin.path))
    items: list[str | Buffer] = [*found.files, *([stdin] if stdin is not None and with_stdin else [])]
    findings: list[Finding] = []
    sources: dict[tuple[str, int | None], str] = {}
    config_errors: dict[str, None] = {}
    confirmer = _confirmer(confirm)
    cache = cache or FileCache(None)
    if cache.folder is not None and resolver.project_store is None:
        resolver.project_store = cache.folder
    work: list[tuple[str | Buffer, Settings]] = []
    for item in items:
        path = item.path if isinstance(item, Buffer) else item
        try:
            work.append((item, resolver.settings_for(path)))
        except ConfigError as error:
            config_errors[str(error)] = None
    checked = len(work)
    for folder, reason in found.unreadable:
        findings.extend(refused(folder, Refusal(f"cannot read folder: {reason}")).errors)
    reuse = confirmer is None  # cached results hold no IR, which confirmation needs
    judged: dict[str, int] = {}
    try:
        finished = [
            (settings, finish(raw, settings))
            for (_, settings), raw in zip(work, _check_all(work, resolver, jobs, cache, reuse), strict=True)
        ]
        for _, result in finished:
            if result.module is not None:
                described = f"Keras {result.module.keras_version} ({result.module.keras_source})"
                judged[described] = judged.get(described, 0) + 1
        if confirmer is not None:
            confirmer.expect([result for _, result in finished])
        for settings, result in finished:
            if confirmer is not None:
                result = pipeline.confirm(result, confirmer, settings)
            findings.extend(result.errors)
            findings.extend(result.findings)
            if result.errors or result.findings:
                sources.update(_sources(result))
    except BaseException:  # Ctrl-C, SIGTERM: no worker left running, no temporary folder left behind
        if confirmer is not None:
            confirmer.abort()
        raise
    if confirmer is not None:
        confirmer.close()
    findings[:0] = _missing(found.missing, resolver)
    resolver.save_projects()
    keras = tuple(judged.items())
    return Report(tuple(findings), checked, found.missing, tuple(config_errors), sources, keras)


MISSING = f"{os.strerror(errno.ENOENT)} (os error {errno.ENOENT})"
"""ruff's words for a path that does not exist."""


def _missing(paths: tuple[str, ...], resolver: Resolver) -> list[Finding]:
    """An E902 finding for each path that does not exist, as ruff reports it (unless E902 is not selected)."""
    findings = []
    for path in paths:
        finding = Finding(IO_ERROR, "io-error", MISSING, Span(path, 1, 1, 1, 1), 0)
        try:
            reported = resolver.settings_for(path).reports(IO_ERROR, path)
        except ConfigError:
            reported = True
        if reported:
            findings.append(finding)
    return findings


@dataclass(frozen=True)
class _Parse:
    """A file that must be parsed: its content, and the key its result is cached under."""

    path: str
    data: bytes
    settings: Settings
    keras: KerasBasis
    key: str | None


@dataclass(frozen=True)
class _SyntaxCheck:
    """A file the pre-filter skips whose syntax Python must still check (it did
    not parse before): done with the parses, in the worker processes."""

    path: str
    data: bytes
    judged: str | None
    """Its text, when RNN100 is to judge its suppression comments."""
    digest: str | None
    alone: bool
    """Skipped for its own content: the next run skips it at once if it parses."""


_Job = _Parse | _SyntaxCheck

POOL_MIN_BYTES = 20_000
"""Less code than this to parse is parsed in this process: starting worker
processes would cost more than it saves."""


def _check_all(
    work: list[tuple[str | Buffer, Settings]],
    resolver: Resolver,
    jobs: int | None,
    cache: FileCache,
    reuse: bool = True,
) -> list[FileResult]:
    """Every file's raw result, in order. Files are read, looked up in the
    cache and pre-filtered here; only those left to parse go to worker
    processes, largest first, when there are several and several jobs
    (serial under pre-commit, which runs hooks in parallel itself)."""
    results: list[FileResult | None] = []
    parses: list[tuple[int, _Job]] = []
    syntax = SyntaxCache(cache.folder)
    for index, (item, settings) in enumerate(work):
        outcome = _without_parsing(item, settings, resolver, cache, syntax, reuse)
        results.append(outcome if isinstance(outcome, FileResult) else None)
        if not isinstance(outcome, FileResult):
            parses.append((index, outcome))
    for (index, job), result in zip(parses, _parse_all([job for _, job in parses], jobs), strict=True):
        if isinstance(job, _SyntaxCheck):
            if not result.errors:
                syntax.remember(job.digest, skipped=job.alone)
        elif job.key is not None and not any(error.code == INTERNAL_ERROR for error in result.errors):
            cache.store(job.key, result)
        results[index] = result
    syntax.save()
    if any(isinstance(job, _Parse) for _, job in parses):
        cache.trim()
    return [result for result in results if result is not None]


def _skipped(
    path: str, data: bytes, source: str, digest: str | None, on_disk: bool, syntax: SyntaxCache, settings: Settings
) -> FileResult | _SyntaxCheck:
    """A file the pre-filter skips: only Python's syntax error, if any (checked
    unless it parsed before, by rnnlint or by Python's import system when
    ``data`` is what is on disk), and its text when RNN100 is to judge its
    suppression comments."""
    alone = not may_use_imported_models(source)  # skipped for its own content, whatever the project holds
    if (on_disk and compiled_before(path, data)) or syntax.parses(digest):
        syntax.remember(digest, skipped=alone)
        return _passed(path, source, settings)
    return _SyntaxCheck(path, data, _judged(source, settings), digest, alone)


def _passed(path: str, source: str, settings: Settings) -> FileResult:
    """A skipped file known to parse."""
    return FileResult(path, source=_judged(source, settings))


def _judged(source: str, settings: Settings) -> str | None:
    """The text of a skipped file when RNN100 is to judge its suppression comments."""
    return source if UNUSED_SUPPRESSION in settings.enabled and mentions_directives(source) else None


def _syntax_check(job: _SyntaxCheck) -> FileResult:
    source = decode(job.data) or ""
    error = syntax_error(job.path, source)
    if error is not None:
        return FileResult(job.path, errors=(error,), source=source)
    return FileResult(job.path, source=job.judged)


def _without_parsing(
    item: str | Buffer, settings: Settings, resolver: Resolver, cache: FileCache, syntax: SyntaxCache, reuse: bool
) -> FileResult | _Job:
    """The result when it needs no parsing (unreadable, pre-filtered out, cached), else what to parse.
    The project's Keras is looked up only for a file that may concern a recurrent model."""
    if isinstance(item, Buffer):
        path, data = item.path, item.data
    else:
        read = read_file(item)
        if isinstance(read, Refusal):
            return refused(item, read)  # a FIFO, a device, too large, unreadable: E902 with the reason
        path, data = item, read
    if not path.endswith(NOTEBOOK_SUFFIX):  # a notebook is always parsed
        source = decode(data)
        if source is None:
            return check_bytes(path, data, (), settings.keras)  # reports why it cannot be read
        digest = syntax.digest(data)
        if syntax.skipped(digest):
            return _passed(path, source, settings)
        if not may_concern_recurrent_models(source) and not imports_keras_code(path, source):
            return _skipped(path, data, source, digest, not isinstance(item, Buffer), syntax, settings)
    keras = resolver.keras_basis(path, settings)
    key = None
    if not isinstance(item, Buffer) and cache.folder is not None:
        codes = tuple(rule.code for rule in settings.rules())
        linked = project.stamp(project.dependencies(path, decode(data) or ""))  # results depend on imported modules
        key = cache.key(path, data + linked, codes, keras.key(), (settings.max_file_size, settings.max_line_size))
        cached = cache.load(key, path, data) if reuse else None
        if cached is not None:
            return cached
    return _Parse(path, data, settings, keras, key)


def _parse_all(parses: list[_Job], jobs: int | None) -> list[FileResult]:
    jobs = min(jobs or os.cpu_count() or 1, len(parses))
    if jobs <= 1 or sum(len(p.data) for p in parses) < POOL_MIN_BYTES or os.environ.get("PRE_COMMIT") == "1":
        return [_parse(parse) for parse in parses]
    from concurrent.futures import ProcessPoolExecutor

    largest_first = sorted(range(len(parses)), key=lambda index: -len(parses[index].data))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        done = dict(zip(largest_first, pool.map(_parse, [parses[i] for i in largest_first]), strict=True))
    return [done[index] for index in range(len(parses))]


def _parse(parse: _Job) -> FileResult:
    if isinstance(parse, _SyntaxCheck):
        return _syntax_check(parse)
    settings = parse.settings
    return check_bytes(parse.path, parse.data, settings.rules(), parse.keras, limits=settings.limits)


def _confirmer(options: ConfirmOptions | None) -> Confirmer | None:
    """The TensorFlow confirm step, imported only when asked for."""
    if options is None:
        return None
    from rnnlint.confirm.session import Confirmer

    return Confirmer(options)


def check_buffer(buffer: Buffer, settings: Settings, keras: KerasBasis | None = None) -> FileResult:
    """One editor buffer, through the same steps as a file of a run (for the
    language server), judged for ``keras`` (default: the settings' alone)."""
    keras = keras or option_basis(settings.keras)
    result = check_bytes(buffer.path, buffer.data, settings.rules(), keras, limits=settings.limits)
    return finish(result, settings)


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
    """The IR of every file, for ``rnnlint shapes``, each judged for its project's Keras; problems as messages."""
    from rnnlint.config import Overrides

    found = discover(paths)
    modules: list[ModuleIR] = []
    problems = [f"{path}: no such file or directory" for path in found.missing]
    resolver = Resolver(Overrides(keras=None if keras == "auto" else keras))
    for path in found.files:
        try:
            basis = resolver.keras_basis(path)
        except ConfigError:
            basis = option_basis(keras)
        result = check_file(path, [], basis, prefilter=False)
        if result.module is not None:
            modules.append(result.module)
        problems.extend(f"{e.span.path}:{e.span.line}:{e.span.column}: {e.code} {e.message}" for e in result.errors)
    return modules, problems
