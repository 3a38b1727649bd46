"""What every rule is: a code, a name, a doc, examples, a pure check, and
what the rest of rnnlint needs to know about it (its pre-filter words, its
confirmation experiment, its fix), declared here so that nothing else lists
rules by hand.

Only plain values: the rules never load libcst, TensorFlow or the
confirmation machinery; the fix and the experiment are named, and loaded by
``rnnlint.fix`` and ``rnnlint.confirm`` when they are needed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rnnlint.findings import Finding
from rnnlint.ir import ModelCall, ModuleIR, Span

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "References")

RECURRENT_WORDS = ("LSTM", "GRU", "RNN", "stateful")
"""A recurrent layer in code: its class names hold one of these (an alias is
still imported by that name), or a ``stateful`` argument."""
MODEL_WORDS = ("Sequential", "Model", "Input")
"""A Keras model in code: its class is named ``Sequential`` or ``Model``, or it starts from an ``Input``."""

SHAPE_ERROR = r"ndim|incompatible|expected shape|[Dd]imensions must be equal|size-incompatible"
"""What Keras's errors about an input or data shape say (measured on tf_keras 2.21 and Keras 3.15)."""
BATCH_ERROR = r"[Ii]ncompatible shapes|BroadcastGradientArgs|batch size|incompatible|merge|append|enters the loop"
"""What Keras's errors about a batch of the wrong size say (measured on tf_keras 2.21 and Keras 3.15)."""

BUILD_AND_CALL = (
    "build the model, call it on zeros of its declared input shape (a variable batch becomes 2, a variable length 4)"
)
KERAS_RAISES = "Keras raises the error the rule predicts"
"""The experiment and its verdict that several error rules share, in docs/confirm.md's words."""

Words = tuple[tuple[str, ...], ...]
"""Groups of words: code holds them when it holds a word of every group."""


@dataclass(frozen=True)
class Example:
    """A program a rule's tests run: a valid one must give no finding at all;
    an invalid one gives exactly the findings its ``# expect: CODE`` comments mark."""

    source: str
    keras: int = 3

    @property
    def code(self) -> str:
        return textwrap.dedent(self.source).lstrip("\n")


@dataclass(frozen=True)
class FixExample:
    """A program and what ``--fix`` makes of it (``--unsafe-fixes`` too when
    ``unsafe``): the tests run it through the real fix machinery."""

    source: str
    fixed: str
    keras: int = 3
    unsafe: bool = False

    @property
    def code(self) -> str:
        return textwrap.dedent(self.source).lstrip("\n")

    @property
    def fixed_code(self) -> str:
        return textwrap.dedent(self.fixed).lstrip("\n")


@dataclass(frozen=True)
class Experiment:
    """How ``--confirm`` shows a rule's finding in TensorFlow.

    Named, not imported, so that the rules never load ``rnnlint.confirm``:
    ``planner`` is a planner of ``rnnlint.confirm.plan`` (``PLANNERS`` is
    derived from the rules), ``judge`` an evidence judge of
    ``rnnlint.confirm.verdict``. A rule whose finding Keras shows by raising
    an error declares that error (``error``, a regex of its message, as
    measured): any other error leaves the finding unconfirmed.
    """

    planner: str
    runs: str
    """The experiment in words, for docs/confirm.md."""
    confirmed_when: str
    """What confirms the finding, in words, for docs/confirm.md."""
    error: str | None = None
    judge: str | None = None
    cases: tuple[tuple[str, str, str], ...] = ()
    """Findings of the rule with an experiment of their own: (which, runs, confirmed when), for docs/confirm.md."""

    def __post_init__(self) -> None:
        if self.error is None and self.judge is None:
            raise ValueError(f"the {self.planner!r} experiment needs the Keras error that confirms it, or a judge")


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
    about_keras: ClassVar[bool] = True
    """False for a rule about rnnlint's own comments (RNN100): there is no
    Keras behaviour to show in TensorFlow, so no confirmation experiment."""
    text_fix: ClassVar[bool] = False
    """True when the rule's findings carry their own text edit, applied without
    libcst (RNN100), instead of naming a ``fixer`` module."""
    selected_by_default: ClassVar[bool] = True
    """False for a rule that runs only when selected (``--extend-select``), as ruff's RUF100."""
    words: ClassVar[tuple[Words, ...]] = ((RECURRENT_WORDS, MODEL_WORDS),)
    """The pre-filter (``rnnlint.prefilter``): code that names Keras can only
    have a finding of this rule when it holds one of these alternatives. By
    default, a recurrent layer and a model."""
    experiment: ClassVar[Experiment | None] = None
    """How ``--confirm`` shows a finding; None: findings stay unconfirmed."""
    fixer: ClassVar[str | None] = None
    """The module of ``rnnlint.fix`` that fixes the rule's findings (its
    ``FIXER``), loaded only by ``--fix`` and fix annotation; None: no fix."""
    fix_examples: ClassVar[tuple[FixExample, ...]] = ()
    """What the fix makes of programs; every rule with a fixer has at least one."""
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
