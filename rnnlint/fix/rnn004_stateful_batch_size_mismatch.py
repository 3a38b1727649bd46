"""RNN004: ``batch_size=`` of fit/evaluate/predict set to the stateful model's
batch size (unsafe: it changes how many samples each step sees, and
``*_on_batch`` calls, whose data must change, are never fixed)."""

from __future__ import annotations

import libcst as cst

from rnnlint.facts import BATCH_SIZE_POSITION, BATCHED, model_batch
from rnnlint.findings import Finding
from rnnlint.fix.arguments import argument_edit
from rnnlint.fix.base import UNSAFE, Edit, FixContext, Fixer
from rnnlint.values import is_int


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    call = finding.call
    if call is None or call.method not in BATCHED:
        return None
    batch = model_batch(context.module.model(call.model))
    node = context.call(call.span)
    if not is_int(batch) or node is None:
        return None
    given = call.arg("batch_size", BATCH_SIZE_POSITION[call.method])
    edit = argument_edit(context, node, given, "batch_size", cst.Integer(str(batch)))
    return (edit,) if edit is not None else None


FIXER = Fixer("RNN004", UNSAFE, plan)
