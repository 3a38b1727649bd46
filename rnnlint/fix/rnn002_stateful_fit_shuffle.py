"""RNN002: ``shuffle=False`` on ``fit`` (safe: a stateful model needs its batches in order).

A dataset built with ``.shuffle()`` is not fixed: where the pipeline is
built, and whether it is reused elsewhere, is for the user to decide.
"""

from __future__ import annotations

import libcst as cst

from rnnlint.facts import x_value
from rnnlint.findings import Finding
from rnnlint.fix.arguments import argument_edit
from rnnlint.fix.base import SAFE, Edit, FixContext, Fixer
from rnnlint.rules.rnn002_stateful_fit_shuffle import SHUFFLE_POSITION
from rnnlint.values import DatasetValue


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    call = finding.call
    if call is None or call.method != "fit" or isinstance(x_value(call), DatasetValue):
        return None
    node = context.call(call.span)
    if node is None:
        return None
    edit = argument_edit(context, node, call.arg("shuffle", SHUFFLE_POSITION), "shuffle", cst.Name("False"))
    return (edit,) if edit is not None else None


FIXER = Fixer("RNN002", SAFE, plan)
