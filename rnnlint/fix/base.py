"""What a fix is: edits of CST nodes, declared safe or unsafe, planned per finding.

``Change``, ``Edit`` and ``Replacement`` live in ``fix.edits``; they are named here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import libcst as cst

from rnnlint.findings import Finding
from rnnlint.fix.edits import Change, Edit, Replacement
from rnnlint.fix.imports import Imports, names_in
from rnnlint.fix.locate import Locator
from rnnlint.ir import Layer, ModuleIR, Span

Applicability = Literal["safe", "unsafe"]
"""``safe``: keeps the program's meaning apart from the mistake, applied by
``--fix``. ``unsafe``: changes behaviour the user may rely on (a batch size, an
output shape), applied only with ``--unsafe-fixes``."""

SAFE: Applicability = "safe"
UNSAFE: Applicability = "unsafe"


@dataclass(frozen=True)
class Fix:
    finding: Finding
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class FixContext:
    """What a fixer reads: the parsed module (by span) and its IR."""

    locator: Locator
    module: ModuleIR

    @property
    def tree(self) -> cst.Module:
        return self.locator.tree

    @cached_property
    def names(self) -> frozenset[str]:
        """Every identifier the module uses (once per module: it walks the whole tree)."""
        return frozenset(names_in(self.tree))

    @cached_property
    def imports(self) -> Imports:
        return Imports.of(self.tree, self.names)

    def layer(self, layer_id: int | None) -> Layer | None:
        for layer in self.module.layers:
            if layer.id == layer_id:
                return layer
        return None

    def call(self, span: Span) -> cst.Call | None:
        return self.locator.find(span, cst.Call)


Plan = Callable[[FixContext, Finding], tuple[Edit, ...] | None]
"""A fixer's planning step: the edits for one finding, or None when it cannot be fixed here."""


@dataclass(frozen=True)
class Fixer:
    code: str
    applicability: Applicability
    plan: Plan
    version_dependent: bool = False
    """Its result is right for one Keras version only (a Keras 3 spelling, a
    Keras 2 argument): safe only when the version is known, not guessed
    (``ModuleIR.keras_trusted``); otherwise offered as unsafe."""

    def applicability_for(self, module: ModuleIR) -> Applicability:
        return UNSAFE if self.version_dependent and not module.keras_trusted else self.applicability


__all__ = ["SAFE", "UNSAFE", "Applicability", "Change", "Edit", "Fix", "FixContext", "Fixer", "Plan", "Replacement"]
