"""The pipeline for one source: parse, extract the IR, run the rules.

Never raises for bad input: a file that cannot be read or parsed becomes an
``E902``/``E999`` finding, and an internal error in one rule becomes an
``RNN900`` finding while the other rules still run.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from rnnlint.extract import extract
from rnnlint.ir import ModuleIR, Span
from rnnlint.rules import Finding, Rule

SYNTAX_ERROR = "E999"
IO_ERROR = "E902"
INTERNAL_ERROR = "RNN900"


@dataclass(frozen=True)
class FileResult:
    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = field(default=())
    module: ModuleIR | None = None


def check_source(path: str, source: str, rules: Sequence[Rule], keras: str = "auto") -> FileResult:
    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        column = error.raw_column + 1 if hasattr(error, "raw_column") else error.editor_column
        span = Span(path, error.raw_line, column, error.raw_line, column)
        message = f"SyntaxError: {error.message}"
        return FileResult(path, errors=(Finding(SYNTAX_ERROR, "syntax-error", message, span, 0),))
    except (RecursionError, MemoryError) as error:
        return FileResult(path, errors=(_error(path, SYNTAX_ERROR, "syntax-error", f"cannot parse: {error!r}"),))
    try:
        module = extract(path, tree, keras)
    except Exception as error:
        return FileResult(path, errors=(_internal(path, "extraction", error),))
    findings: list[Finding] = []
    errors: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.check(module))
        except Exception as error:
            errors.append(_internal(path, rule.code, error))
    return FileResult(path, tuple(_unique(findings)), tuple(errors), module)


def check_file(path: str, rules: Sequence[Rule], keras: str = "auto") -> FileResult:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", f"cannot read file: {error.strerror}"),))
    source = decode(data)
    if source is None:
        return FileResult(path, errors=(_error(path, IO_ERROR, "io-error", "file is not valid UTF-8 text"),))
    return check_source(path, source, rules, keras)


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
    return _error(
        path,
        INTERNAL_ERROR,
        "internal-error",
        f"internal error in {where}: {type(error).__name__}: {error}{origin}; please report it",
    )
