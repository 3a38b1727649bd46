"""The pipeline for one source: parse, extract the IR, run the rules.

Never raises for bad input: a file that cannot be read or parsed becomes an
``E902``/``E999`` finding, and an internal error in one rule becomes an
``RNN900`` finding while the other rules still run.
"""

from __future__ import annotations

import ast
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR, Span
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.notebook import Notebook, NotebookError
from rnnlint.notebook import parse as parse_notebook
from rnnlint.prefilter import may_concern_recurrent_models
from rnnlint.project import imports_keras_code
from rnnlint.rules import Rule

if TYPE_CHECKING:
    import libcst as cst

    from rnnlint.positions import LazyPositions

SYNTAX_ERROR = "E999"
IO_ERROR = "E902"
INTERNAL_ERROR = "RNN900"
TRACEBACK_FRAMES = 6


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = field(default=())
    module: ModuleIR | None = None
    source: str | None = None
    """The Python text checked: suppression comments and source excerpts are read from it."""
    notebook: Notebook | None = None
    """For a notebook, how the lines of ``source`` map back to its cells."""


def check_source(
    path: str, source: str, rules: Sequence[Rule], keras: str = "auto", *, prefilter: bool = True
) -> FileResult:
    """``prefilter``: skip, without parsing, a source that cannot hold a recurrent model."""
    if prefilter and not may_concern_recurrent_models(source) and not imports_keras_code(path, source):
        return FileResult(path, source=source)
    python_tree = _python_tree(path, source)
    if isinstance(python_tree, Finding):
        return FileResult(path, errors=(python_tree,), source=source)
    import libcst as cst  # here: a run that parses nothing (all cached or filtered out) never loads it

    from rnnlint.extract import extract
    from rnnlint.positions import LazyPositions

    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        column = error.raw_column + 1 if hasattr(error, "raw_column") else error.editor_column
        span = Span(path, error.raw_line, column, error.raw_line, column)
        message = f"SyntaxError: {error.message}"
        return FileResult(path, errors=(Finding(SYNTAX_ERROR, "syntax-error", message, span, 0),), source=source)
    except (RecursionError, MemoryError) as error:
        error_finding = _error(path, SYNTAX_ERROR, "syntax-error", f"cannot parse: {error!r}")
        return FileResult(path, errors=(error_finding,), source=source)
    try:
        positions = LazyPositions(path, tree, source, python_tree)
        module = extract(path, tree, keras, positions)
    except Exception as error:
        return FileResult(path, errors=(_internal(path, "extraction", error),), source=source)
    findings: list[Finding] = []
    errors: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(f for f in rule.check(module) if f.span.path == path)  # others: in their own file
        except Exception as error:
            errors.append(_internal(path, rule.code, error))
    marked = _fixable(path, tree, positions, module, tuple(_unique(findings)), errors)
    return FileResult(path, marked, tuple(errors), module, source)


def _fixable(
    path: str,
    tree: cst.Module,
    positions: LazyPositions,
    module: ModuleIR,
    findings: tuple[Finding, ...],
    errors: list[Finding],
) -> tuple[Finding, ...]:
    """Each finding marked with how ``--fix`` repairs it; not in notebooks, which ``--fix`` leaves alone."""
    if not findings or path.endswith(NOTEBOOK_SUFFIX):
        return findings
    from rnnlint.fix.engine import annotate

    try:
        return annotate(tree, module, findings, positions)
    except Exception as error:
        errors.append(_internal(path, "fix planning", error))
        return findings


def _python_tree(path: str, source: str) -> ast.Module | Finding | None:
    """Python's own parse of ``source`` (it places statements for positions),
    or the error when Python refuses code nested too deeply to run: libcst
    would take minutes over it, or crash the process. So Python's is asked
    first. None when Python rejects the code otherwise: libcst reports that."""
    try:
        tree: ast.Module = compile(source, path, "exec", ast.PyCF_ONLY_AST)
        return tree
    except (RecursionError, MemoryError):
        message = "SyntaxError: too deeply nested for Python's parser"
        return Finding(SYNTAX_ERROR, "syntax-error", message, Span(path, 1, 1, 1, 1), 0)
    except SyntaxError as error:
        if "too many" in str(error.msg) and "nested" in str(error.msg):
            line, column = error.lineno or 1, error.offset or 1
            span = Span(path, line, column, line, column)
            return Finding(SYNTAX_ERROR, "syntax-error", f"SyntaxError: {error.msg}", span, 0)
    except ValueError:
        return None  # left to libcst, which reports it with a position
    return None


def check_file(path: str, rules: Sequence[Rule], keras: str = "auto", *, prefilter: bool = True) -> FileResult:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", f"cannot read file: {error.strerror}"),))
    return check_bytes(path, data, rules, keras, prefilter=prefilter)


def check_bytes(
    path: str, data: bytes, rules: Sequence[Rule], keras: str = "auto", *, prefilter: bool = True
) -> FileResult:
    """A file's content, from disk or an editor's buffer: a notebook when ``path`` ends in ``.ipynb``."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return check_notebook(path, data, rules, keras, prefilter=prefilter)
    source = decode(data)
    if source is None:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", "file is not valid UTF-8 text"),))
    return check_source(path, source, rules, keras, prefilter=prefilter)


def check_notebook(
    path: str, data: bytes, rules: Sequence[Rule], keras: str = "auto", *, prefilter: bool = True
) -> FileResult:
    """The code cells checked as one module; a notebook that cannot be read is an E902 error."""
    try:
        notebook = parse_notebook(data)
    except NotebookError as error:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", str(error)),))
    return replace(check_source(path, notebook.source, rules, keras, prefilter=prefilter), notebook=notebook)


def decode(data: bytes) -> str | None:
    """Source bytes as text, honouring a BOM and a PEP 263 coding line."""
    import tokenize
    from io import BytesIO

    if b"\x00" in data:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per code and place (a helper called twice reports once)."""
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for finding in sorted(findings, key=lambda f: (f.span.line, f.span.column, f.code)):
        key = (finding.code, finding.span.line, finding.span.column)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _error(path: str, code: str, name: str, message: str) -> Finding:
    return Finding(code, name, message, Span(path, 1, 1, 1, 1), 0)


def _internal(path: str, where: str, error: Exception) -> Finding:
    last = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    origin = f" at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}" if last else ""
    message = f"internal error in {where}: {type(error).__name__}: {error}{origin}; please report it"
    return replace(_error(path, INTERNAL_ERROR, "internal-error", message), detail=short_traceback(error))


def short_traceback(error: BaseException, frames: int = TRACEBACK_FRAMES) -> str:
    """The innermost frames only: where rnnlint failed, not how the run got there."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__, limit=-frames)).rstrip()
