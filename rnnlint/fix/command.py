"""``--fix``, ``--unsafe-fixes`` and ``--diff`` on the command line.

Each file is fixed with its own settings and suppressions (the run's
``finish`` step), so ``--fix`` repairs exactly the findings a check reports.
Files keep their encoding and newlines. Notebooks are not fixed: their cells
are joined into one module to check them, and edits cannot yet be mapped
back into the cells.
"""

from __future__ import annotations

import difflib
import sys
import tokenize
from dataclasses import dataclass
from io import BytesIO

import click

from rnnlint.checker import check_source
from rnnlint.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.files import discover
from rnnlint.fix.engine import Check, FixOutcome, fix_source
from rnnlint.fix.report import plural
from rnnlint.kerasversion import KerasBasis
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.runner import STDIN, Buffer, finish


@dataclass(frozen=True)
class FileFix:
    """One file's fixes; ``encoding`` is how to write it back."""

    path: str
    outcome: FixOutcome
    encoding: str


@dataclass(frozen=True)
class FixRun:
    files: tuple[FileFix, ...]
    stdin: FileFix | None = None
    problems: tuple[str, ...] = ()
    """Paths that do not exist and broken config files: nothing was fixed there."""

    @property
    def all(self) -> tuple[FileFix, ...]:
        return (*self.files, *((self.stdin,) if self.stdin is not None else ()))

    @property
    def fixed(self) -> int:
        return sum(len(item.outcome.fixed) for item in self.all)

    @property
    def changed(self) -> tuple[FileFix, ...]:
        return tuple(item for item in self.all if item.outcome.changed)

    @property
    def hidden(self) -> int:
        """Findings left that ``--unsafe-fixes`` would repair."""
        return sum(
            1 for item in self.all for finding in item.outcome.result.findings if finding.fix_applicability == "unsafe"
        )


def fix_paths(paths: tuple[str, ...], resolver: Resolver, stdin: Buffer | None, unsafe: bool) -> FixRun:
    """Every file's fixes, computed and not written. Files that cannot be read,
    parsed or configured are left to the check that follows to report."""
    found = discover(tuple(path for path in paths if path != STDIN), lambda path: _excluded(resolver, path))
    problems = [f"{path}: no such file or directory" for path in found.missing]
    files: list[FileFix] = []
    for path in found.files:
        data = None if path.endswith(NOTEBOOK_SUFFIX) else _read(path)
        item = _fix_data(path, data, resolver, unsafe, problems) if data is not None else None
        if item is not None:
            files.append(item)
    fixed_stdin = None
    if stdin is not None and STDIN in paths and not stdin.path.endswith(NOTEBOOK_SUFFIX):
        fixed_stdin = _fix_data(stdin.path, stdin.data, resolver, unsafe, problems)
    return FixRun(tuple(files), fixed_stdin, tuple(dict.fromkeys(problems)))


def write(run: FixRun) -> list[str]:
    """Write the changed files in place; the problems, as messages."""
    problems = []
    for item in run.changed:
        if item is run.stdin:
            continue
        try:
            with open(item.path, "wb") as handle:
                handle.write(item.outcome.source.encode(item.encoding))
        except (OSError, UnicodeEncodeError) as error:
            problems.append(f"{item.path}: cannot write the fixed file: {error}")
    return problems


def unified_diff(item: FileFix) -> str:
    """A unified diff of one file's fixes, as ``ruff --diff`` prints it."""
    before = item.outcome.original.splitlines(keepends=True)
    after = item.outcome.source.splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, fromfile=item.path, tofile=item.path)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def summary(run: FixRun, *, applied: bool, unsafe: bool) -> str:
    """``Fixed 2 findings in 1 file.`` (``Would fix ...`` for ``--diff``), and the fixes held back."""
    if run.fixed:
        verb = "Fixed" if applied else "Would fix"
        text = f"{verb} {plural(run.fixed, 'finding')} in {plural(len(run.changed), 'file')}."
    else:
        text = "No fixes applied." if applied else "No fixes available."
    if run.hidden and not unsafe:
        text += f" {plural(run.hidden, 'more finding')} can be fixed with --unsafe-fixes."
    return text


def stdin_buffer(run: FixRun, stdin: Buffer | None) -> Buffer | None:
    """The stdin text to check after fixing: the fixed one."""
    if run.stdin is None or stdin is None:
        return stdin
    return Buffer(stdin.path, run.stdin.outcome.source.encode(run.stdin.encoding))


def _excluded(resolver: Resolver, path: str) -> bool:
    try:
        return resolver.settings_for(path).excluded(path)
    except ConfigError:
        return False


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _fix_data(path: str, data: bytes, resolver: Resolver, unsafe: bool, problems: list[str]) -> FileFix | None:
    try:
        settings = resolver.settings_for(path)
    except ConfigError as error:
        problems.append(str(error))
        return None
    decoded = _decode(data)
    if decoded is None:
        return None
    source, encoding = decoded
    check = _checker(path, settings, resolver.keras_basis(path, settings))
    return FileFix(path, fix_source(source, check, unsafe), encoding)


def _checker(path: str, settings: Settings, keras: KerasBasis) -> Check:
    """Checks a version of the file with its settings and its project's Keras."""
    rules = settings.rules()
    return lambda source: finish(check_source(path, source, rules, keras), settings)


def _decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding (a BOM or PEP 263 line), to write it back the same way."""
    if b"\x00" in data:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def run_fixes(
    paths: tuple[str, ...], resolver: Resolver, stdin: Buffer | None, *, fix: bool, diff: bool, unsafe: bool
) -> Buffer | None:
    """What ``check --fix/--diff`` does before it checks: ``--diff`` prints the
    diffs and exits (1 when there are some); ``--fix`` writes the files (the
    fixed stdin text goes to stdout) and returns the stdin buffer to check."""
    if unsafe and not (fix or diff):
        raise click.UsageError("--unsafe-fixes needs --fix or --diff")
    run = fix_paths(paths, resolver, stdin, unsafe)
    if diff:
        for item in run.changed:
            click.echo(unified_diff(item), nl=False)
        for problem in run.problems:
            click.echo(f"rnnlint: error: {problem}", err=True)
        click.echo(summary(run, applied=False, unsafe=unsafe), err=True)
        sys.exit(EXIT_ERROR if run.problems else EXIT_FINDINGS if run.changed else EXIT_CLEAN)
    for problem in write(run):
        click.echo(f"rnnlint: error: {problem}", err=True)
    if stdin is not None and STDIN in paths:
        fixed = run.stdin.outcome.source.encode(run.stdin.encoding) if run.stdin is not None else stdin.data
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed)
        sys.stdout.buffer.flush()
    if run.fixed or run.hidden:
        click.echo(summary(run, applied=True, unsafe=unsafe), err=True)
    return stdin_buffer(run, stdin)
