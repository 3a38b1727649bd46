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

from rnnlint.checker import FileResult
from rnnlint.fix.base import SAFE, UNSAFE, Applicability, Change, Fix, FixContext
from rnnlint.fix.locate import Locator, Region
from rnnlint.fix.registry import FIXERS
from rnnlint.ir import ModuleIR
from rnnlint.positions import LazyPositions
from rnnlint.rules import Finding
from rnnlint.shapes import infer

MAX_PASSES = 10

Check = Callable[[str], FileResult]
"""Checks a version of the source: the same rules, settings and suppressions as the run."""

NodeT = TypeVar("NodeT", bound=cst.CSTNode)


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
    refused: set[tuple[str, str, int, int]] = set()
    for _ in range(MAX_PASSES):
        planned = _planned(current, result)
        if planned is None:
            break
        locator, fixes = planned
        fixes = [fix for fix in fixes if fix.applicability in allowed and _identity(fix) not in refused]
        step = _step(locator, result, fixes, check, refused) if fixes else None
        if step is None:
            break
        current, result, done = step
        fixed.extend(fix.finding for fix in done)
    return FixOutcome(source, current, tuple(fixed), result)


def _planned(source: str, result: FileResult) -> tuple[Locator, list[Fix]] | None:
    if result.module is None:
        return None
    try:
        locator = Locator(cst.parse_module(source))
    except cst.ParserSyntaxError:
        return None
    return locator, plan(locator, result.module, result.findings)


def _step(
    locator: Locator, before: FileResult, fixes: Sequence[Fix], check: Check, refused: set[tuple[str, str, int, int]]
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
        refused.add(_identity(fix))
    return None


def _verified(before: FileResult, after: FileResult, applied: Sequence[Fix]) -> bool:
    """The fixed source parses, each fixed finding is gone, nothing new appeared."""
    if after.module is None or before.module is None or len(after.errors) > len(before.errors):
        return False
    allowed = Counter(finding.code for finding in before.findings)
    allowed.subtract(fix.finding.code for fix in applied)
    now = Counter(finding.code for finding in after.findings)
    if any(count > allowed[code] for code, count in now.items()):
        return False
    return _broken_models(after.module) <= _broken_models(before.module)


def _broken_models(module: ModuleIR) -> int:
    return sum(1 for model in module.models if infer(model).has_errors)


def _identity(fix: Fix) -> tuple[str, str, int, int]:
    finding = fix.finding
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
