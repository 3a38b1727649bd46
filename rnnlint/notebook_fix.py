"""Fixes in notebooks: the fixed Python text mapped back into the cells, and
the notebook written back with only those cells' sources changed.

The rules and fixes see the code cells joined into one module, with IPython
syntax masked (``rnnlint.notebook``). After fixing, each line of the fixed
text is put back in the cell its line came from (``difflib`` pairs the
lines): unchanged lines take back their original text, so a masked magic
(``%matplotlib inline``, ``!pip install``) comes back as written. A fix that
would change a masked line is refused. A line a fix inserts between two cells
goes to the following cell, except an import, which goes to the end of the
preceding one (imports are added after the last import).

The JSON is written as the file had it: the same indent, key order, escaping
of non-ASCII characters and final newline, with outputs and metadata left as
they are. A notebook whose layout ``json`` cannot reproduce is not rewritten.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from rnnlint.notebook import Notebook, NotebookError

_IMPORT = ("import ", "from ")


@dataclass(frozen=True)
class Layout:
    """How the file's JSON is written, to write it back the same way."""

    indent: int | None
    separators: tuple[str, str]
    ensure_ascii: bool
    newline: bool

    def dump(self, document: Any) -> str:
        text = json.dumps(document, indent=self.indent, separators=self.separators, ensure_ascii=self.ensure_ascii)
        return text + ("\n" if self.newline else "")


def layout(text: str) -> Layout:
    """The layout that reproduces ``text`` exactly; NotebookError when none does."""
    document = json.loads(text)
    indent = _indent(text)
    newline = text.endswith("\n")
    separators = [(",", ": ")] if indent is not None else [(", ", ": "), (",", ":")]
    for ensure_ascii in (False, True):
        for pair in separators:
            candidate = Layout(indent, pair, ensure_ascii, newline)
            if candidate.dump(document) == text:
                return candidate
    raise NotebookError("its JSON layout is not one rnnlint can write back unchanged (save it with Jupyter first)")


def _indent(text: str) -> int | None:
    for line in text.splitlines()[1:2]:
        stripped = line.lstrip(" ")
        if stripped.startswith('"'):
            return len(line) - len(stripped)
    return None


def fixed_cells(notebook: Notebook, fixed: str) -> dict[int, str] | None:
    """The new text of each code cell whose text ``fixed`` (the fixed Python
    text) changes; None when a change touches a masked IPython line, or
    spans two cells and adds or removes lines."""
    before = notebook.source.split("\n")[:-1]
    after = fixed.split("\n")
    if after and after[-1] == "":
        after.pop()
    if not before:
        return None
    lines: dict[int, list[str]] = {cell: [] for cell in notebook.cells}
    originals = {cell: text.splitlines() for cell, text in notebook.cells.items()}
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for index in range(i1, i2):
                cell, line = notebook.positions[index]
                lines[cell].append(originals[cell][line - 1])
            continue
        if any(_masked(notebook, before, originals, index) for index in range(i1, i2)):
            return None
        touched = {notebook.positions[index][0] for index in range(i1, i2)}
        if len(touched) > 1 and i2 - i1 == j2 - j1:  # changed lines of two cells: each stays in its own
            for index, text in zip(range(i1, i2), after[j1:j2], strict=True):
                lines[notebook.positions[index][0]].append(text)
            continue
        if len(touched) > 1:
            return None
        cell = touched.pop() if touched else _inserted_into(notebook, i1, after[j1:j2])
        lines[cell].extend(after[j1:j2])
    changed = {}
    for cell, text in notebook.cells.items():
        new = "\n".join(lines[cell]) + ("\n" if text.endswith("\n") and lines[cell] else "")
        if new != text:
            changed[cell] = new
    return changed


def _masked(notebook: Notebook, before: list[str], originals: dict[int, list[str]], index: int) -> bool:
    """Whether line ``index`` of the joined text is IPython syntax the rules saw masked."""
    cell, line = notebook.positions[index]
    return before[index] != originals[cell][line - 1]


def _inserted_into(notebook: Notebook, index: int, inserted: list[str]) -> int:
    """The cell that lines inserted before line ``index`` (0-based) of the joined text go to."""
    positions = notebook.positions
    following = positions[index][0] if index < len(positions) else None
    preceding = positions[index - 1][0] if index > 0 else None
    if following is None:
        assert preceding is not None, "the joined text has lines"
        return preceding
    if preceding is None:
        return following
    if all(line.startswith(_IMPORT) for line in inserted if line.strip()):
        return preceding
    return following


def write(text: str, cells: dict[int, str]) -> str:
    """The notebook ``text`` with the sources of ``cells`` (numbered from 1,
    as findings count them) replaced, everything else as it was."""
    document = json.loads(text)
    form = layout(text)
    for number, cell in enumerate(document["cells"], start=1):
        if number in cells:
            new = cells[number]
            cell["source"] = new.splitlines(keepends=True) if isinstance(cell.get("source"), list) else new
    return form.dump(document)
