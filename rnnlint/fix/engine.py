"""Plan, apply and verify fixes for one source, as ruff does: apply the fixes
that do not overlap, check again, repeat until nothing changes (a few passes
at most).

A pass is kept only if the result parses, every fixed finding is gone, no
rule reports more than before and no model's shapes break; otherwise its
fixes are tried one at a time and those that fail that test are dropped. So
``--fix`` never leaves a file worse, and a second ``--fix`` changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import libcst as cst

from rnnlint.findings import FileResult, Finding
from rnnlint.fix.base import SAFE, UNSAFE, Applicability, Change, Fix, FixContext
from rnnlint.fix.locate import Locator, Region
from rnnlint.fix.registry import FIXERS
from rnnlint.ir import ModuleIR
from rnnlint.positions import LazyPositions
from rnnlint.shapes import infer

MAX_PASSES = 10

Check = Callable[[str], FileResult]
"""Checks a version of the source: the same rules, settings and suppressions as the run."""

NodeT = TypeVar("NodeT", bound=cst.CSTNode)
Identity = tuple[str, str, int, int]
"""A finding's code, message and place: a fix refused once is not tried again."""


@dataclass(frozen=True)
class FixOutcome:
    original: str
    source: str
    fixed: tuple[Finding, ...]
    """The findings repaired, as reported before their fix."""
    result: FileResult
    """The check of ``source``: what remains."""

    @property
    def changed(self) -> bool:
        return self.source != self.original


def plan(locator: Locator, module: ModuleIR, findings: Iterable[Finding]) -> list[Fix]:
    """The fix of every finding that has one here."""
    context = FixContext(locator, module)
    fixes = []
    for finding in findings:
        fixer = FIXERS.get(finding.code)
        if fixer is None:
            continue
        try:
            edits = fixer.plan(context, finding)
        except (KeyError, cst.CSTValidationError):
            edits = None  # an id the IR lacks, or a node libcst refuses: that finding stays unfixed
        if edits:
            fixes.append(Fix(finding, fixer.applicability_for(module), edits))
    return fixes


def annotate(
    tree: cst.Module, module: ModuleIR, findings: Sequence[Finding], positions: LazyPositions | None = None
) -> tuple[Finding, ...]:
    """``findings`` with ``fix_applicability`` set where a fix applies, for
    every output format (``positions``: those the check made of ``tree``)."""
    if not any(finding.code in FIXERS for finding in findings):
        return tuple(findings)
    fixes = {id(fix.finding): fix for fix in plan(Locator(tree, positions), module, findings)}
    return tuple(
        dataclasses.replace(finding, fix_applicability=fixes[id(finding)].applicability)
        if id(finding) in fixes
        else finding
        for finding in findings
    )


def apply(locator: Locator, fixes: Sequence[Fix]) -> tuple[str, tuple[Fix, ...]]:
    """The source with the fixes that do not overlap an earlier one, and those fixes."""
    chosen: list[Fix] = []
    taken: list[Region] = []
    for fix in fixes:
        regions = [locator.region(edit.target) for edit in fix.edits if edit.shared is None]
        if any(_overlap(region, other) for region in regions for other in taken):
            continue
        chosen.append(fix)
        taken.extend(regions)
    changes: dict[cst.CSTNode, list[Change]] = {}
    shared: set[str] = set()
    for fix in chosen:
        for edit in fix.edits:
            if edit.shared is not None:
                if edit.shared in shared:
                    continue
                shared.add(edit.shared)
            changes.setdefault(edit.target, []).append(edit.change)
    return locator.tree.visit(_Apply(changes)).code, tuple(chosen)


def fix_source(source: str, check: Check, unsafe: bool = False) -> FixOutcome:
    """Apply every allowed fix to ``source``, pass after pass, until it is stable."""
    allowed: tuple[Applicability, ...] = (SAFE, UNSAFE) if unsafe else (SAFE,)
    current, result = source, check(source)
    fixed: list[Finding] = []
    refused: set[Identity] = set()
    for _ in range(MAX_PASSES):
        step = _text_step(current, result, allowed, check, refused) or _tree_step(
            current, result, allowed, check, refused
        )
        if step is None:
            break
        current, result, done = step
        fixed.extend(done)
    return FixOutcome(source, current, tuple(fixed), result)


def _tree_step(
    source: str, result: FileResult, allowed: tuple[Applicability, ...], check: Check, refused: set[Identity]
) -> tuple[str, FileResult, list[Finding]] | None:
    """One pass of the fixes planned on libcst's tree."""
    planned = _planned(source, result)
    if planned is None:
        return None
    locator, fixes = planned
    fixes = [fix for fix in fixes if fix.applicability in allowed and _identity(fix.finding) not in refused]
    step = _step(locator, result, fixes, check, refused) if fixes else None
    return (step[0], step[1], [fix.finding for fix in step[2]]) if step is not None else None


def _text_step(
    source: str, result: FileResult, allowed: tuple[Applicability, ...], check: Check, refused: set[Identity]
) -> tuple[str, FileResult, list[Finding]] | None:
    """One pass of the fixes planned on the text (RNN100), one per line; kept
    on the same terms as the tree's (see ``_verified``)."""
    planned = [
        finding
        for finding in result.findings
        if finding.edit is not None and finding.fix_applicability in allowed and _identity(finding) not in refused
    ]
    if not planned:
        return None
    fixed, done = apply_line_edits(source, planned)
    after = check(fixed)
    if _verified(result, after, done):
        return fixed, after, done
    refused.update(_identity(finding) for finding in done)
    return None


def apply_line_edits(source: str, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """``source`` with the line edit of each finding, the first one of each line only, and those findings."""
    lines = source.split("\n")
    edits: dict[int, str | None] = {}
    done = []
    for finding in findings:
        edit = finding.edit
        if edit is None or edit.line in edits or not 1 <= edit.line <= len(lines):
            continue
        edits[edit.line] = edit.text
        done.append(finding)
    kept = []
    for number, line in enumerate(lines, start=1):
        if number not in edits:
            kept.append(line)
        elif (text := edits[number]) is not None:
            kept.append(text + ("\r" if line.endswith("\r") else ""))
    return "\n".join(kept), done


def _planned(source: str, result: FileResult) -> tuple[Locator, list[Fix]] | None:
    if result.module is None:
        return None
    try:
        locator = Locator(cst.parse_module(source))
    except cst.ParserSyntaxError:
        return None
    return locator, plan(locator, result.module, result.findings)


def _step(
    locator: Locator, before: FileResult, fixes: Sequence[Fix], check: Check, refused: set[Identity]
) -> tuple[str, FileResult, tuple[Fix, ...]] | None:
    """One pass: all non-overlapping fixes at once, else the first that passes alone."""
    source, chosen = apply(locator, fixes)
    after = check(source)
    if _verified(before, after, chosen):
        return source, after, chosen
    for fix in chosen:
        source, alone = apply(locator, [fix])
        after = check(source)
        if _verified(before, after, alone):
            return source, after, alone
        refused.add(_identity(fix.finding))
    return None


def _verified(before: FileResult, after: FileResult, applied: Sequence[Fix | Finding]) -> bool:
    """The fixed source parses, each fixed finding is gone, nothing new appeared.
    A source without a model (only text fixes apply there) must stay without errors."""
    if len(after.errors) > len(before.errors) or (before.module is not None and after.module is None):
        return False
    allowed = Counter(finding.code for finding in before.findings)
    allowed.subtract(item.finding.code if isinstance(item, Fix) else item.code for item in applied)
    now = Counter(finding.code for finding in after.findings)
    if any(count > allowed[code] for code, count in now.items()):
        return False
    if before.module is None or after.module is None:
        return True
    return _broken_models(after.module) <= _broken_models(before.module)


def _broken_models(module: ModuleIR) -> int:
    return sum(1 for model in module.models if infer(model).has_errors)


def _identity(finding: Finding) -> Identity:
    return (finding.code, finding.message, finding.span.line, finding.span.column)


def _overlap(first: Region, second: Region) -> bool:
    return first[0] < second[1] and second[0] < first[1]


class _Apply(cst.CSTTransformer):
    """Runs each edit's change on its target, after the edits inside it."""

    def __init__(self, changes: Mapping[cst.CSTNode, Sequence[Change]]) -> None:
        super().__init__()
        self.changes = changes

    def on_leave(
        self, original_node: NodeT, updated_node: NodeT
    ) -> NodeT | cst.RemovalSentinel | cst.FlattenSentinel[NodeT]:
        result: Any = updated_node  # a change may return another node type (a line becomes a loop)
        for change in self.changes.get(original_node, ()):
            assert isinstance(result, cst.CSTNode), "only the last change of a node may flatten or remove it"
            result = change(result)
        return result


def fix_one(source: str, check: Check, finding: Finding) -> FixOutcome:
    """Only ``finding``'s fix, safe or unsafe (an editor's user picked it),
    verified as a pass of ``fix_source`` is; unchanged when it cannot be applied."""
    result = check(source)
    planned = _planned(source, result)
    wanted = (finding.code, finding.message, finding.span.line, finding.span.column)
    if planned is not None:
        locator, fixes = planned
        chosen = [fix for fix in fixes if _identity(fix.finding) == wanted]
        step = _step(locator, result, chosen, check, set()) if chosen else None
        if step is not None:
            fixed, after, done = step
            return FixOutcome(source, fixed, tuple(fix.finding for fix in done), after)
    return FixOutcome(source, source, (), result)
