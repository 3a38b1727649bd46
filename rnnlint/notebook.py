"""Jupyter notebooks: the code cells, in order, checked as one module.

A model is often built in one cell and trained in another, so the cells are
joined into one source, line for line. IPython syntax is not Python: a line
magic (``%matplotlib``), a shell line (``!pip``), a help query (``model.fit?``)
and an assignment from one (``files = !ls``) each become ``pass`` at the same
indentation, and a cell magic other than the timing ones (``%%bash``,
``%%writefile`` ...) blanks its whole cell, so that line numbers map back to
the cell exactly. Findings then point at cell N (counting every cell, as the
notebook shows them) and the line inside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rnnlint.ir import Span

SUFFIX = ".ipynb"
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
"""Cell magics whose body is still Python."""
_LINE_MENTION = re.compile(r"\bline (\d+)\b")
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|[\w.\[\]]+\s*=\s*[%!]|\?|[\w.]+\?{1,2}\s*$)")


class NotebookError(ValueError):
    """The file is not a notebook rnnlint can read; the message says why."""


@dataclass(frozen=True)
class Notebook:
    source: str
    """The Python text the rules see."""
    positions: tuple[tuple[int, int], ...]
    """For each line of ``source``: (cell number, line in that cell), both 1-based."""
    cells: Mapping[int, str]
    """The original text of each code cell, for source excerpts."""

    def position(self, line: int) -> tuple[int, int]:
        if not self.positions:
            return 1, 1
        return self.positions[min(max(line, 1), len(self.positions)) - 1]

    def span(self, span: Span) -> Span:
        """``span`` (lines of ``source``) as lines of its cell."""
        cell, line = self.position(span.line)
        end_cell, end_line = self.position(span.end_line)
        end_column = span.end_column
        if end_cell != cell:  # a span cannot run into the next cell: end it with its first line
            cell_lines = self.cells.get(cell, "").splitlines()
            end_line, end_column = line, len(cell_lines[line - 1]) + 1 if line <= len(cell_lines) else 1
        return replace(span, line=line, end_line=end_line, end_column=end_column, cell=cell)

    def relabel(self, text: str | None) -> str | None:
        """A message's "line N" (a line of ``source``) as "line L of cell C"."""
        if text is None:
            return None

        def cell_line(match: re.Match[str]) -> str:
            cell, line = self.position(int(match.group(1)))
            return f"line {line} of cell {cell}"

        return _LINE_MENTION.sub(cell_line, text)


def parse(data: bytes) -> Notebook:
    """The notebook's code cells as Python; NotebookError when the file is not nbformat 4 JSON."""
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise NotebookError(f"malformed notebook JSON: {error}") from None
    except UnicodeDecodeError:
        raise NotebookError("malformed notebook: not UTF-8 text") from None
    except RecursionError:
        raise NotebookError("malformed notebook: JSON nested too deeply") from None
    cells = _cells(document)
    if not _is_python(document):
        return Notebook("", (), {})
    lines: list[str] = []
    positions: list[tuple[int, int]] = []
    originals: dict[int, str] = {}
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        text = _text(cell.get("source", ""), number)
        originals[number] = text
        for index, line in enumerate(python_lines(text), start=1):
            lines.append(line)
            positions.append((number, index))
    return Notebook("".join(line + "\n" for line in lines), tuple(positions), originals)


def python_lines(cell: str) -> list[str]:
    """The cell's lines with IPython-only syntax replaced, one output line per input line."""
    lines = cell.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if name not in PYTHON_CELL_MAGICS:
            return ["" for _ in lines]
    return [_python_line(line) for line in lines]


def _python_line(line: str) -> str:
    if not _IPYTHON_LINE.match(line):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}pass"


def _cells(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise NotebookError("malformed notebook: the top level is not a JSON object")
    if "worksheets" in document:
        raise NotebookError("unsupported notebook format 3: save it with a current Jupyter (nbformat 4)")
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(isinstance(cell, dict) for cell in cells):
        raise NotebookError("malformed notebook: no list of cells")
    return cells


def _text(source: Any, number: int) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    raise NotebookError(f"malformed notebook: cell {number} has no text source")


def _is_python(document: dict[str, Any]) -> bool:
    """A notebook of another kernel (R, Julia ...) has nothing for rnnlint."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for key in ("language_info", "kernelspec"):
        info = metadata.get(key)
        if isinstance(info, dict):
            language = info.get("name" if key == "language_info" else "language")
            if isinstance(language, str) and language:
                return language.lower() == "python"
    return True
