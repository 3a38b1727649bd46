"""What every rule is: a code, a name, a doc, examples, and a pure check."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rnnlint.findings import Finding
from rnnlint.ir import ModelCall, ModuleIR, Span

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


@dataclass(frozen=True)
class Example:
    """A program a rule's tests run: a valid one must give no finding at all;
    an invalid one gives exactly the findings its ``# expect: CODE`` comments mark."""

    source: str
    keras: int = 3

    @property
    def code(self) -> str:
        return textwrap.dedent(self.source).lstrip("\n")


class Rule:
    """Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    doc: ClassVar[str]
    valid: ClassVar[tuple[Example, ...]]
    invalid: ClassVar[tuple[Example, ...]]
    confirm_only: ClassVar[bool] = False
    """True for a rule only ``--confirm`` reports (its ``check`` yields nothing):
    its examples' expectations hold with TensorFlow, not statically."""
    selected_by_default: ClassVar[bool] = True
    """False for a rule that runs only when selected (``--extend-select``), as ruff's RUF100."""

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        module: ModuleIR,
        span: Span,
        message: str,
        fix: str | None = None,
        *,
        model: int | None = None,
        call: ModelCall | None = None,
        layer: int | None = None,
    ) -> Finding:
        if call is not None and model is None:
            model = call.model
        return Finding(self.code, self.name, message, span, module.keras_version, fix, model, call, layer)

    @classmethod
    def documentation(cls) -> str:
        """The rule's doc as Markdown, headed by its code and name."""
        return f"# {cls.code} {cls.name}\n\n{cls.summary}\n\n{textwrap.dedent(cls.doc).strip()}\n"
