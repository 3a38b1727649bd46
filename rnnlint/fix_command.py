"""``--fix``, ``--unsafe-fixes`` and ``--diff`` on the command line.

Each file is fixed with its own settings and suppressions (the run's
``finish`` step), so ``--fix`` repairs exactly the findings a check reports.
Files keep their encoding and newlines. A notebook is fixed as its code cells
joined, the way it is checked, and the changes go back into the cells
(``rnnlint.notebook_fix``); ``--diff`` shows them cell by cell.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from functools import partial
from io import BytesIO

import click

from rnnlint import notebook_fix
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.exitcodes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from rnnlint.files import discover
from rnnlint.fix.engine import Check, FixOutcome, fix_source
from rnnlint.fix.report import plural
from rnnlint.kerasversion import KerasBasis
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.notebook import NotebookError
from rnnlint.notebook import parse as parse_notebook
from rnnlint.pipeline import check_source, finish
from rnnlint.reading import read_file
from rnnlint.runner import STDIN, Buffer


@dataclass(frozen=True)
class CellFix:
    """A notebook cell's text before and after the fixes (numbered as findings count cells)."""

    number: int
    before: str
    after: str


@dataclass(frozen=True)
class FileFix:
    """One file's fixes; ``encoding`` is how to write it back. For a notebook,
    the cells changed and the whole file as it is written back."""

    path: str
    outcome: FixOutcome
    encoding: str
    cells: tuple[CellFix, ...] = ()
    notebook: str | None = None

    @property
    def content(self) -> bytes:
        """The fixed file, as written."""
        return (self.notebook if self.notebook is not None else self.outcome.source).encode(self.encoding)


@dataclass(frozen=True)
class FixRun:
    files: tuple[FileFix, ...]
    stdin: FileFix | None = None
    problems: tuple[str, ...] = ()
    """Paths that do not exist and broken config files: nothing was fixed there."""
    roots: tuple[str, ...] = ()
    """The real folders checked: a fix is never written through a symlink to outside them."""

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


def fix_paths(
    paths: tuple[str, ...], resolver: Resolver, stdin: Buffer | None, unsafe: bool, force_exclude: bool = True
) -> FixRun:
    """Every file's fixes, computed and not written. Files that cannot be read,
    parsed or configured are left to the check that follows to report."""
    excluded = partial(_excluded, resolver)
    found = discover(tuple(path for path in paths if path != STDIN), excluded, force_exclude=force_exclude)
    problems = [f"{path}: no such file or directory" for path in found.missing]
    files: list[FileFix] = []
    for path in found.files:
        data = _read(path)
        item = _fix_data(path, data, resolver, unsafe, problems) if data is not None else None
        if item is not None:
            files.append(item)
    fixed_stdin = None
    named = stdin is not None and STDIN in paths and not (force_exclude and excluded(stdin.path))
    if stdin is not None and named:
        fixed_stdin = _fix_data(stdin.path, stdin.data, resolver, unsafe, problems)
    roots = tuple(_real_root(path) for path in paths if path != STDIN)
    return FixRun(tuple(files), fixed_stdin, tuple(dict.fromkeys(problems)), roots)


def _real_root(path: str) -> str:
    """A folder given is checked as a tree; a file given, within its folder."""
    return os.path.realpath(path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)))


def write(run: FixRun) -> list[str]:
    """Write the changed files in place, each atomically (a temporary file renamed
    over it, its mode kept) and never through a symlink leading out of the
    checked folders; the problems, as messages."""
    problems = []
    for item in run.changed:
        if item is run.stdin:
            continue
        target = os.path.realpath(item.path)
        if run.roots and not any(_within(target, root) for root in run.roots):
            problems.append(f"{item.path}: not fixed: it leads to {target}, outside the checked folders")
            continue
        try:
            _replace(target, item.content)
        except (OSError, UnicodeEncodeError) as error:
            problems.append(f"{item.path}: cannot write the fixed file: {error}")
    return problems


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # another drive on Windows
        return False


def _replace(target: str, data: bytes) -> None:
    """``target``'s content replaced at once: a reader never sees half a file."""
    mode = os.stat(target).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".rnnlint-fix-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def unified_diff(item: FileFix) -> str:
    """A unified diff of one file's fixes, as ``ruff --diff`` prints it; for a
    notebook, one per changed cell, headed ``path:cell N``."""
    if item.notebook is not None:  # a cell's last line has no newline: that is no news, as in ruff's diffs
        cells = (_diff(cell.before, cell.after, f"{item.path}:cell {cell.number}", False) for cell in item.cells)
        return "".join(cells)
    return _diff(item.outcome.original, item.outcome.source, item.path)


def _diff(before: str, after: str, name: str, newline_hint: bool = True) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=name, tofile=name
    )
    hint = "\\ No newline at end of file\n" if newline_hint else ""
    return "".join(line if line.endswith("\n") else f"{line}\n{hint}" for line in lines)


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
    return Buffer(stdin.path, run.stdin.content)


def _excluded(resolver: Resolver, path: str) -> bool:
    try:
        return resolver.settings_for(path).excluded(path)
    except ConfigError:
        return False


def _read(path: str) -> bytes | None:
    """A regular file's bytes; anything else is left to the check that follows to report."""
    data = read_file(path)
    return data if isinstance(data, bytes) else None


def _fix_data(path: str, data: bytes, resolver: Resolver, unsafe: bool, problems: list[str]) -> FileFix | None:
    try:
        settings = resolver.settings_for(path)
    except ConfigError as error:
        problems.append(str(error))
        return None
    if path.endswith(NOTEBOOK_SUFFIX):
        return _fix_notebook(path, data, settings, resolver.keras_basis(path, settings), unsafe, problems)
    decoded = _decode(data)
    if decoded is None:
        return None
    source, encoding = decoded
    check = _checker(path, settings, resolver.keras_basis(path, settings))
    return FileFix(path, fix_source(source, check, unsafe), encoding)


def _fix_notebook(
    path: str, data: bytes, settings: Settings, keras: KerasBasis, unsafe: bool, problems: list[str]
) -> FileFix | None:
    """The code cells fixed as one module and put back in place; a notebook
    that cannot be read is left to the check to report."""
    try:
        text = data.decode("utf-8")
        notebook = parse_notebook(data)
    except (UnicodeDecodeError, NotebookError):
        return None
    check = _checker(path, settings, keras)
    outcome = fix_source(notebook.source, check, unsafe)
    if not outcome.changed:
        return FileFix(path, outcome, "utf-8")
    cells = notebook_fix.fixed_cells(notebook, outcome.source)
    try:
        written = notebook_fix.write(text, cells) if cells is not None else None
    except NotebookError as error:
        problems.append(f"{path}: cannot fix the notebook: {error}")
        written = None
    if cells is None or written is None:
        return FileFix(path, FixOutcome(notebook.source, notebook.source, (), check(notebook.source)), "utf-8")
    changed = tuple(CellFix(number, notebook.cells[number], cells[number]) for number in sorted(cells))
    return FileFix(path, outcome, "utf-8", changed, written)


def _checker(path: str, settings: Settings, keras: KerasBasis) -> Check:
    """Checks a version of the file with its settings and its project's Keras."""
    rules = settings.rules()
    return lambda source: finish(check_source(path, source, rules, keras, limits=settings.limits), settings)


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
    paths: tuple[str, ...],
    resolver: Resolver,
    stdin: Buffer | None,
    *,
    fix: bool,
    diff: bool,
    unsafe: bool,
    force_exclude: bool = True,
) -> Buffer | None:
    """What ``check --fix/--diff`` does before it checks: ``--diff`` prints the
    diffs and exits (1 when there are some); ``--fix`` writes the files (the
    fixed stdin text goes to stdout) and returns the stdin buffer to check."""
    if unsafe and not (fix or diff):
        raise click.UsageError("--unsafe-fixes needs --fix or --diff")
    run = fix_paths(paths, resolver, stdin, unsafe, force_exclude)
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
        fixed = run.stdin.content if run.stdin is not None else stdin.data
        sys.stdout.flush()
        sys.stdout.buffer.write(fixed)
        sys.stdout.buffer.flush()
    if run.fixed or run.hidden:
        click.echo(summary(run, applied=True, unsafe=unsafe), err=True)
    return stdin_buffer(run, stdin)
