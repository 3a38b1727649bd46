"""RNN040: Keras 2's batch arguments on the first layer move to a
``keras.Input`` in front of it (safe when the Keras version is known: Keras 2 builds the same model, and
Keras 3 can build it at all; on a guessed version it is unsafe, as it
rewrites a project that may well be Keras 2).

``batch_input_shape=(b, t, f)`` becomes ``Input(batch_shape=(b, t, f))``;
``batch_size=b`` with ``input_shape=(t, f)`` becomes ``Input(shape=(t, f),
batch_size=b)``. The expressions are moved as written.
"""

from __future__ import annotations

import libcst as cst

from rnnlint.findings import Finding
from rnnlint.fix.base import SAFE, Edit, FixContext, Fixer
from rnnlint.fix.edits import find_keyword, keyword
from rnnlint.fix.input_layer import first_layer, move_to_input

MOVED = ("batch_input_shape", "batch_size", "input_shape")


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    if context.module.keras_version < 3 or finding.model is None:
        return None
    model = context.module.model(finding.model)
    first = first_layer(model)
    layer = context.layer(finding.layer)
    if first is None or layer is None or layer.id not in (first.id, first.wrapped.id if first.wrapped else None):
        return None
    holder = context.call(layer.span)
    if holder is None:
        return None
    given = {name: arg for name in MOVED if (arg := find_keyword(holder, name)) is not None}
    input_args = _input_args(given)
    if input_args is None:
        return None
    return move_to_input(context, model, holder, tuple(given), input_args)


def _input_args(given: dict[str, cst.Arg]) -> list[cst.Arg] | None:
    """Keras 2 reads batch_input_shape first, then batch_size with input_shape."""
    if "batch_input_shape" in given:
        return [keyword("batch_shape", given["batch_input_shape"].value)]
    if "batch_size" in given and "input_shape" in given:
        return [keyword("shape", given["input_shape"].value), keyword("batch_size", given["batch_size"].value)]
    return None


FIXER = Fixer("RNN040", SAFE, plan, version_dependent=True)
