"""RNN030: ``return_sequences=False`` on the last recurrent layer when the
model outputs a sequence but the targets have one value per sample (unsafe:
the model's output changes shape; the other direction, predicting every
timestep, is a design change and is not fixed)."""

from __future__ import annotations

import libcst as cst

from rnnlint.facts import recurrent_core
from rnnlint.findings import Finding
from rnnlint.fix.arguments import layer_argument_edit
from rnnlint.fix.base import UNSAFE, Edit, FixContext, Fixer


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    layer = context.layer(finding.layer)
    core = recurrent_core(layer) if layer is not None else None
    if core is None or core.get("return_sequences") is not True:
        return None
    edit = layer_argument_edit(context, core, "return_sequences", cst.Name("False"))
    return (edit,) if edit is not None else None


FIXER = Fixer("RNN030", UNSAFE, plan)
