"""The language server's code actions, as new texts of the document.

Each fix goes through ``rnnlint.fix.engine`` (the ``--fix`` machinery: planned
on the CST, applied, re-checked and kept only when the finding is gone and
nothing got worse); "ignore on this line" adds a ``# noqa: CODE`` comment;
"fix all" is ``--fix`` on the buffer. ``lsp`` turns the texts into edits.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from rnnlint.config import Settings
from rnnlint.findings import FileResult, Finding
from rnnlint.pipeline import check_source, finish
from rnnlint.suppressions import statement_ranges

FIX_ALL_KIND = "source.fixAll.rnnlint"
_NOQA_CODES = re.compile(r"(#\s*noqa:\s*[A-Za-z]+[0-9]*(?:[\s,]+[A-Za-z]+[0-9]*)*)", re.IGNORECASE)


@dataclass(frozen=True)
class Action:
    title: str
    kind: str
    source: str
    """The whole document after the action."""
    findings: tuple[Finding, ...]
    """The findings it resolves (their diagnostics go with it)."""
    preferred: bool = False


@dataclass(frozen=True)
class LineEdit:
    """Replace lines [start, end) (0-based; ``end`` None: to the end of the text) by ``text``."""

    start: int
    end: int | None
    text: str


def checker(path: str, settings: Settings) -> Callable[[str], FileResult]:
    """The check ``--fix`` runs on each version of a file: same rules, settings and suppressions."""
    rules = settings.rules()
    return lambda source: finish(check_source(path, source, rules, settings.keras), settings)


def fix_action(source: str, path: str, settings: Settings, finding: Finding) -> Action | None:
    """The fix of one finding, when ``--fix`` (or ``--unsafe-fixes``) can apply it here."""
    from rnnlint.fix.engine import fix_one

    if finding.fix_applicability is None:
        return None
    outcome = fix_one(source, checker(path, settings), finding)
    if not outcome.changed:
        return None
    safe = finding.fix_applicability == "safe"
    what = finding.fix or finding.name
    title = f"Fix {finding.code}: {what}" + ("" if safe else " (unsafe fix: changes behaviour, review it)")
    return Action(title, "quickfix", outcome.source, (finding,), preferred=safe)


def fix_all_action(source: str, path: str, settings: Settings) -> Action | None:
    """Every safe fix, as ``rnnlint --fix`` applies them."""
    from rnnlint.fix.engine import fix_source

    outcome = fix_source(source, checker(path, settings))
    if not outcome.changed:
        return None
    return Action("Fix all safe rnnlint findings", FIX_ALL_KIND, outcome.source, outcome.fixed)


def noqa_action(source: str, finding: Finding) -> Action | None:
    """``# noqa: CODE`` on the finding's line (or its statement's last line when
    that line cannot end with a comment), joined to a noqa already there."""
    lines = source.splitlines(keepends=True)
    row = _comment_line(source, finding.span.line)
    if row is None or row > len(lines):
        return None
    text = lines[row - 1]
    body = text.rstrip("\r\n")
    ending = text[len(body) :]
    existing = _NOQA_CODES.search(body)
    if existing is not None:
        body = body[: existing.end()] + f", {finding.code}" + body[existing.end() :]
    else:
        body = body.rstrip() + f"  # noqa: {finding.code}"
    lines[row - 1] = body + (ending or "")
    title = f"Ignore {finding.code} on this line (# noqa: {finding.code})"
    return Action(title, "quickfix", "".join(lines), (finding,))


def _comment_line(source: str, line: int) -> int | None:
    """``line`` if a comment may end it (not inside a string, not before a backslash), else its statement's last."""
    endings = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                endings.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return None
    if line in endings:
        return line
    last = statement_ranges(source).get(line, (line, line))[1]
    return last if last in endings else None


def line_edits(before: str, after: str) -> list[LineEdit]:
    """The changed runs of lines, so that an editor keeps the cursor and folds elsewhere."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(LineEdit(i1, i2 if i2 < len(old) else None, "".join(new[j1:j2])))
    return edits
