"""Extraction: read a module's CST once, in program order, and build its IR.

``interpreter`` runs Python over abstract values, ``keras_models`` gives
Keras calls their meaning, ``library`` models the data APIs' shapes,
``operators`` Python's operators, and ``assemble`` finishes the models into
``ModuleIR``. Nothing of the user's code is ever executed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rnnlint.extract.assemble import module_ir
from rnnlint.extract.budget import BudgetExceeded
from rnnlint.extract.interpreter import Interpreter
from rnnlint.ir import ModuleIR
from rnnlint.kerasversion import KerasBasis, resolve_version
from rnnlint.values import reset_symbols

if TYPE_CHECKING:
    import libcst as cst

    from rnnlint.positions import LazyPositions


def extract(
    path: str, module: cst.Module, keras: str | KerasBasis = "auto", positions: LazyPositions | None = None
) -> ModuleIR:
    """The IR of ``module``, judged for the Keras version ``keras`` selects
    (``positions``: of ``module``, when the caller wants to reuse them)."""
    reset_symbols()
    interpreter = Interpreter(path, module, positions)
    try:
        interpreter.run()
    except BudgetExceeded:  # too much work for a static analysis: the whole file is unknown
        judged = resolve_version(keras, interpreter.keras.uses_tf_keras)
        return ModuleIR(path, judged.major, (), (), (), keras_source=judged.source, keras_origin=judged.origin)
    judged = resolve_version(keras, interpreter.keras.uses_tf_keras)
    ir = module_ir(path, judged.major, interpreter.keras, interpreter.positions, interpreter.new_id)
    return replace(ir, keras_source=judged.source, keras_origin=judged.origin)
