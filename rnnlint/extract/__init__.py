"""Extraction: read a module's CST once, in program order, and build its IR.

``interpreter`` runs Python over abstract values, ``keras_models`` gives
Keras calls their meaning, ``library`` models the data APIs' shapes,
``operators`` Python's operators, and ``assemble`` finishes the models into
``ModuleIR``. Nothing of the user's code is ever executed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnnlint.extract.assemble import module_ir
from rnnlint.extract.interpreter import Interpreter
from rnnlint.extract.linker import linker
from rnnlint.ir import ModuleIR
from rnnlint.kerasversion import resolve_version

if TYPE_CHECKING:
    import libcst as cst

    from rnnlint.positions import LazyPositions


def extract(path: str, module: cst.Module, keras: str = "auto", positions: LazyPositions | None = None) -> ModuleIR:
    """The IR of ``module``, judged for the Keras version ``keras`` selects
    (``positions``: of ``module``, when the caller wants to reuse them)."""
    interpreter = Interpreter(path, module, positions, linker())
    interpreter.run()
    version = resolve_version(keras, interpreter.keras.uses_tf_keras)
    return module_ir(path, version, interpreter.keras, interpreter.positions, interpreter.new_id)
