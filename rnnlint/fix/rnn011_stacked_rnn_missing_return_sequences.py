"""RNN011: ``return_sequences=True`` on the recurrent layer that feeds another
(safe: the model cannot be built without it). Inside Bidirectional the
wrapped layer gets it: the finding names that core layer."""

from __future__ import annotations

import libcst as cst

from rnnlint.facts import recurrent_core
from rnnlint.findings import Finding
from rnnlint.fix.arguments import layer_argument_edit
from rnnlint.fix.base import SAFE, Edit, FixContext, Fixer


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    layer = context.layer(finding.layer)
    if layer is None or recurrent_core(layer) is not layer:
        return None
    edit = layer_argument_edit(context, layer, "return_sequences", cst.Name("True"))
    return (edit,) if edit is not None else None


FIXER = Fixer("RNN011", SAFE, plan)
