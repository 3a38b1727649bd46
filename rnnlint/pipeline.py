"""The pipeline, stage by stage, in the order a file goes through it:

1. ``parse``: the source (a file, a notebook's code cells, an editor buffer)
   parsed by Python's own parser, then by libcst;
2. ``extract``: the model IR (``rnnlint.extract``);
3. ``run_rules``: every selected rule, a pure function of the IR;
4. ``suppress``: ``noqa`` / ``rnnlint: ignore`` comments, then (``finish``,
   after the per-file cache) the config's ignored codes and a notebook's
   lines mapped back to its cells;
5. ``annotate_fixes``: which findings ``--fix`` can repair (``rnnlint.fix``);
6. ``confirm``: optionally, each finding shown in TensorFlow (``rnnlint.confirm``);
7. ``report``: the findings in the chosen format (``rnnlint.formats``).

``check_source`` runs stages 1-5 for one source; ``rnnlint.runner`` adds
discovery, the per-file cache and parallelism around it. Never raises for bad
input: a file that cannot be read or parsed becomes an ``E902``/``E999``
finding, and an internal error in one rule becomes an ``RNN900`` finding while
the other rules still run.
"""

from __future__ import annotations

import ast
import gc
import traceback
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from rnnlint import suppressions
from rnnlint.codes import INTERNAL_ERROR, IO_ERROR, RUNTIME_ERROR, SYNTAX_ERROR
from rnnlint.config import Settings
from rnnlint.findings import FileResult, Finding
from rnnlint.ir import ModuleIR, Span
from rnnlint.kerasversion import KerasBasis, with_code
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.notebook import Notebook, NotebookError
from rnnlint.notebook import parse as parse_notebook
from rnnlint.prefilter import may_concern_recurrent_models
from rnnlint.reading import DEFAULT_LIMITS, InputLimits, Refusal, line_refusal, read_file, size_refusal
from rnnlint.rules import Rule
from rnnlint.rules.rnn100_unused_suppression import UnusedSuppression

if TYPE_CHECKING:
    import libcst as cst

    from rnnlint.confirm.session import Confirmer
    from rnnlint.formats.common import Context
    from rnnlint.incremental import Reuse
    from rnnlint.positions import LazyPositions

TRACEBACK_FRAMES = 6
UNUSED_SUPPRESSION = UnusedSuppression.code


@dataclass(frozen=True)
class Parsed:
    """A source both parsers accepted: libcst's tree for extraction and fixes,
    and positions placed by Python's own parse."""

    path: str
    source: str
    tree: cst.Module
    positions: LazyPositions


# -- stages 1-5: one source -------------------------------------------------------


def check_source(
    path: str,
    source: str,
    rules: Sequence[Rule],
    keras: str | KerasBasis = "auto",
    *,
    prefilter: bool = True,
    limits: InputLimits = DEFAULT_LIMITS,
    reuse: Reuse | None = None,
) -> FileResult:
    """Parse, extract, rules, suppression comments, fix annotation.
    ``prefilter``: skip, without parsing, a source that cannot hold a recurrent model;
    ``limits``: code beyond them is an E902, never parsed; ``reuse``: what the
    previous version of an editor's document lets this check skip."""
    if prefilter and not may_concern_recurrent_models(source):
        error = syntax_error(path, source)
        return FileResult(path, errors=(error,) if error else (), source=source)
    parsed = parse(path, source, limits, reuse)
    if isinstance(parsed, Finding):
        return FileResult(path, errors=(parsed,), source=source)
    try:
        module = extract(parsed, keras)
    except Exception as error:
        return FileResult(path, errors=(_internal(path, "extraction", error),), source=source)
    findings, errors = run_rules(module, rules)
    findings, silenced = suppress(findings, source)
    findings = annotate_fixes(parsed, module, findings, errors)
    return FileResult(path, findings, tuple(errors), module, source, silenced=silenced)


def parse(path: str, source: str, limits: InputLimits = DEFAULT_LIMITS, reuse: Reuse | None = None) -> Parsed | Finding:
    """Stage 1: the source parsed, or the syntax error (E999) that stops it, or
    the E902 of code beyond ``limits`` (libcst's time and memory grow fast with size)."""
    refusal = size_refusal(source, limits)
    python_tree = _python_tree(path, source) if refusal is None else None
    if isinstance(python_tree, Finding):
        return python_tree
    refusal = refusal or line_refusal(source, limits)
    if refusal is not None:
        return _error(path, IO_ERROR, "io-error", refusal.reason)
    import libcst as cst  # here: a run that parses nothing (all cached or filtered out) never loads it

    from rnnlint.positions import LazyPositions

    try:
        tree = reuse.parse(source, python_tree) if reuse is not None else cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        column = error.raw_column + 1 if hasattr(error, "raw_column") else error.editor_column
        span = Span(path, error.raw_line, column, error.raw_line, column)
        return Finding(SYNTAX_ERROR, "syntax-error", f"SyntaxError: {error.message}", span, 0)
    except (RecursionError, MemoryError) as error:
        return _error(path, SYNTAX_ERROR, "syntax-error", f"cannot parse: {error!r}")
    return Parsed(path, source, tree, LazyPositions(path, tree, source, python_tree, reuse))


def extract(parsed: Parsed, keras: str | KerasBasis) -> ModuleIR:
    """Stage 2: the model IR, judged for the Keras version ``keras`` selects."""
    from rnnlint.extract import extract as extract_ir

    judged = with_code(keras, parsed.source) if isinstance(keras, KerasBasis) else keras
    return extract_ir(parsed.path, parsed.tree, judged, parsed.positions)


def run_rules(module: ModuleIR, rules: Sequence[Rule]) -> tuple[tuple[Finding, ...], list[Finding]]:
    """Stage 3: every rule's findings, one per code and place; an exception in
    one rule is an internal error (RNN900) and the others still run."""
    findings: list[Finding] = []
    errors: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.check(module))
        except Exception as error:
            errors.append(_internal(module.path, rule.code, error))
    return tuple(_unique(findings)), errors


def suppress(findings: tuple[Finding, ...], source: str | None) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Stage 4: the findings no suppression comment silences, and those one
    silences (kept: RNN100 judges each comment by them)."""
    return suppressions.split(findings, source)


def annotate_fixes(
    parsed: Parsed, module: ModuleIR, findings: tuple[Finding, ...], errors: list[Finding]
) -> tuple[Finding, ...]:
    """Stage 5: each finding marked with how ``--fix`` repairs it (in a
    notebook too: its cells are fixed as one module, as they are checked)."""
    if not findings:
        return findings
    from rnnlint.fix.engine import annotate

    try:
        return annotate(parsed.tree, module, findings, parsed.positions)
    except Exception as error:
        errors.append(_internal(parsed.path, "fix planning", error))
        return findings


def finish(result: FileResult, settings: Settings, *, judge_suppressions: bool = True) -> FileResult:
    """Stage 4, after the per-file cache: suppression comments, the config's
    ignored codes, the comments that silence nothing (RNN100, when selected),
    then a notebook's lines mapped to their cells.

    Errors about the file itself (E902, E999, RNN900) are not silenced by
    ``noqa`` comments, only by ``ignore``/``per-file-ignores`` or ``skip-file``.
    ``judge_suppressions``: False for findings added to a finished result (RNN099).
    """
    if result.source is not None and suppressions.skips_file(result.source):
        return replace(result, findings=(), errors=())
    path = result.path
    kept, silenced = suppress(result.findings, result.source)
    findings = tuple(f for f in kept if settings.reports(f.code, path))
    if judge_suppressions and result.source is not None and settings.reports(UNUSED_SUPPRESSION, path):
        reported = [f for f in (*result.silenced, *silenced) if settings.reports(f.code, path)]
        findings = _in_order((*findings, *unused_suppressions(path, result.source, reported, settings.enabled)))
    errors = tuple(f for f in result.errors if settings.reports(f.code, path))
    if result.notebook is not None:
        findings = tuple(_in_cells(f, result.notebook) for f in findings)
        errors = tuple(_in_cells(f, result.notebook) for f in errors)
    return replace(result, findings=findings, errors=errors)


def unused_suppressions(
    path: str, source: str, silenced: Sequence[Finding], enabled: Collection[str]
) -> tuple[Finding, ...]:
    """RNN100: the suppression comments of ``source`` that silence none of
    ``silenced`` (the findings reported but for them); ``enabled``: the codes run."""

    return UnusedSuppression().findings(path, source, silenced, enabled)


def _in_order(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.span.line, f.span.column, f.code)))


# -- stages 6-7: the whole run ------------------------------------------------------


def confirm(result: FileResult, confirmer: Confirmer, settings: Settings) -> FileResult:
    """Stage 6: the file's findings shown in TensorFlow; findings Keras adds
    (RNN099 under ``--confirm=all``) go through stage 4 as well."""
    runtime_errors = any(rule.code == RUNTIME_ERROR for rule in settings.rules())
    added = partial(finish, settings=settings, judge_suppressions=False)
    return confirmer.confirm(result, runtime_errors=runtime_errors, finish=added)


def report(findings: tuple[Finding, ...], output_format: str, context: Context, statistics: bool) -> str:
    """Stage 7: the findings rendered in ``output_format``."""
    from rnnlint.formats.statistics import statistics as count_codes
    from rnnlint.output import FORMATTERS

    if statistics:
        return count_codes(findings, as_json=output_format == "json")
    return FORMATTERS[output_format](findings, context)


def _in_cells(finding: Finding, notebook: Notebook) -> Finding:
    """A notebook's finding located by cell, in its span and in the lines its message names."""
    message = notebook.relabel(finding.message) or finding.message
    return replace(finding, span=notebook.span(finding.span), message=message, fix=notebook.relabel(finding.fix))


def _python_tree(path: str, source: str) -> ast.Module | Finding | None:
    """Python's own parse of ``source`` (it places statements for positions),
    or its syntax error, at its line and column with its message: libcst's
    are less exact, and it would take minutes over code nested too deeply.
    None when Python cannot say (a null byte): libcst reports that."""
    try:
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST)
        return tree if isinstance(tree, ast.Module) else None
    except (RecursionError, MemoryError):
        message = "SyntaxError: too deeply nested for Python's parser"
        return Finding(SYNTAX_ERROR, "syntax-error", message, Span(path, 1, 1, 1, 1), 0)
    except SyntaxError as error:
        return _syntax_finding(path, error)
    except ValueError:
        return None  # left to libcst, which reports it with a position


def syntax_error(path: str, source: str) -> Finding | None:
    """Python's syntax error in ``source``, for a file the pre-filter skips:
    every checked file reports its syntax errors, model or not. The tree is
    dropped at once, so the garbage collector is paused while it is built:
    it would otherwise scan its many new objects, for most of the cost."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = _python_tree(path, source)
    finally:
        if collecting:
            gc.enable()
    return tree if isinstance(tree, Finding) else None


def _syntax_finding(path: str, error: SyntaxError) -> Finding:
    """Python's line, column (1-based, in characters) and message."""
    line, column = error.lineno or 1, max(error.offset or 1, 1)
    end_line, end_column = error.end_lineno or line, error.end_offset or column
    if (end_line, end_column) < (line, column):
        end_line, end_column = line, column
    span = Span(path, line, column, end_line, end_column)
    return Finding(SYNTAX_ERROR, "syntax-error", f"SyntaxError: {error.msg}", span, 0)


def check_file(
    path: str,
    rules: Sequence[Rule],
    keras: str | KerasBasis = "auto",
    *,
    prefilter: bool = True,
    limits: InputLimits = DEFAULT_LIMITS,
) -> FileResult:
    """A file on disk: only a regular file is read (``rnnlint.reading``), else an E902 says why."""
    data = read_file(path)
    if isinstance(data, Refusal):
        return refused(path, data)
    return check_bytes(path, data, rules, keras, prefilter=prefilter, limits=limits)


def refused(path: str, refusal: Refusal) -> FileResult:
    """The E902 result of a file rnnlint does not read or parse."""
    return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", refusal.reason),))


def check_bytes(
    path: str,
    data: bytes,
    rules: Sequence[Rule],
    keras: str | KerasBasis = "auto",
    *,
    prefilter: bool = True,
    limits: InputLimits = DEFAULT_LIMITS,
) -> FileResult:
    """A file's content, from disk or an editor's buffer: a notebook when ``path`` ends in ``.ipynb``."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return check_notebook(path, data, rules, keras, prefilter=prefilter, limits=limits)
    source = decode(data)
    if source is None:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", "file is not valid UTF-8 text"),))
    return check_source(path, source, rules, keras, prefilter=prefilter, limits=limits)


def check_notebook(
    path: str,
    data: bytes,
    rules: Sequence[Rule],
    keras: str | KerasBasis = "auto",
    *,
    prefilter: bool = True,
    limits: InputLimits = DEFAULT_LIMITS,
) -> FileResult:
    """The code cells checked as one module; a notebook that cannot be read is an E902 error."""
    try:
        notebook = parse_notebook(data)
    except NotebookError as error:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", str(error)),))
    result = check_source(path, notebook.source, rules, keras, prefilter=prefilter, limits=limits)
    return replace(result, notebook=notebook)


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
