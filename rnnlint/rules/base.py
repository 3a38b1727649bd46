"""What every rule is: a code, a name, a doc, examples, and a pure check."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rnnlint.ir import ModelCall, ModuleIR, Span

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


@dataclass(frozen=True)
class Confirmation:
    """What rebuilding the model in TensorFlow showed about a finding."""

    status: str  # "confirmed" | "not-reproduced" | "unconfirmed"
    detail: str
    keras_version: str | None = None
    tensorflow_version: str | None = None


@dataclass(frozen=True)
class Finding:
    """One mistake at one place, with the fix in words."""

    code: str
    name: str
    message: str
    span: Span
    keras_version: int
    fix: str | None = None
    model: int | None = None
    """The id of the model concerned (``ModuleIR.model``), for confirmation and fixes."""
    call: ModelCall | None = None
    """The call concerned (fit, predict ...), when the finding is about one."""
    layer: int | None = None
    """The id of the layer concerned, when the finding is about one."""
    confirmation: Confirmation | None = None
    fix_applicability: str | None = None
    """How ``--fix`` repairs it: ``"safe"`` (by ``--fix``), ``"unsafe"`` (with
    ``--unsafe-fixes`` too), None when it must be fixed by hand. Set by
    ``rnnlint.fix.annotate`` where the fix was actually planned on the code."""
    detail: str | None = None
    """For an internal error: the short traceback that ``--verbose`` prints."""
    keras_source: str | None = None
    """For a finding whose truth or fix depends on the Keras version: why that version."""

    @property
    def text(self) -> str:
        """The message and its fix as one sentence, as the text output shows it."""
        return f"{self.message}; {self.fix}" if self.fix else self.message


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
    keras_specific: ClassVar[bool] = False
    """True when whether it fires, or the fix it gives, depends on the Keras
    version: its findings name the version and why (and say so when assumed)."""

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
        source = None
        if self.keras_specific:
            source = module.keras_source
            message += (
                f" (judged for Keras {module.keras_version}, {source})" if module.keras_origin == "assumed" else ""
            )
        return Finding(
            self.code, self.name, message, span, module.keras_version, fix, model, call, layer, keras_source=source
        )

    @classmethod
    def documentation(cls) -> str:
        """The rule's doc as Markdown, headed by its code and name."""
        return f"# {cls.code} {cls.name}\n\n{cls.summary}\n\n{textwrap.dedent(cls.doc).strip()}\n"
