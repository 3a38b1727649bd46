"""What several formats share: where a finding is, its source line, its fingerprint."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rnnlint.findings import Finding
from rnnlint.ir import Span

BOLD, RED, RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[0m"
"""The ANSI codes of the text and full formats on a terminal."""

Sources = Mapping[tuple[str, int | None], str]


@dataclass(frozen=True)
class Context:
    """What a format may need besides the findings."""

    files_checked: int
    sources: Sources = field(default_factory=dict)
    """The text of each file (cell None) and notebook cell that has findings."""
    color: bool = False
    quiet: bool = False


def location(span: Span) -> str:
    """``path:line:col``, or ``path:cell_N:line:col`` in a notebook: what editors and people read."""
    cell = f"cell_{span.cell}:" if span.cell is not None else ""
    return f"{span.path}:{cell}{span.line}:{span.column}"


def cell_prefix(span: Span) -> str:
    """For formats with file lines only: where in the notebook, in words, before the message."""
    return f"cell {span.cell}, line {span.line}, column {span.column}: " if span.cell is not None else ""


def source_lines(sources: Sources, span: Span) -> list[str] | None:
    text = sources.get((span.path, span.cell))
    return None if text is None else text.splitlines()


def source_line(sources: Sources, span: Span) -> str | None:
    lines = source_lines(sources, span)
    if lines is None or not 1 <= span.line <= len(lines):
        return None
    return lines[span.line - 1]


def relative_path(path: str) -> str:
    """The path from the working folder, with ``/``: what CI systems match against the repository."""
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(path)
    return relative.replace(os.sep, "/")


def fingerprints(findings: Sequence[Finding], sources: Sources) -> list[str]:
    """A hash per finding of its path, code, stripped source line and how many
    same-looking findings came before it: no line number, so that a finding
    keeps its fingerprint when lines are added above it."""
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        text = (source_line(sources, finding.span) or "").strip()
        key = (relative_path(finding.span.path), finding.code, text)
        index = seen.get(key, 0)
        seen[key] = index + 1
        result.append(hashlib.sha256("\0".join((*key, str(index))).encode()).hexdigest())
    return result


def summary(count: int, files_checked: int) -> str:
    """The closing line of the text formats."""
    noun = "file" if files_checked == 1 else "files"
    if count:
        return f"Found {count} finding{'s' if count != 1 else ''} in {files_checked} {noun} checked."
    return f"All checks passed ({files_checked} {noun} checked)."
