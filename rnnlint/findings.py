"""What the pipeline produces: findings, what TensorFlow showed about them,
and each file's result.

Its own module so that suppressions, formats and confirmation can use findings
without loading the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnlint.ir import ModelCall, ModuleIR, Span
from rnnlint.notebook import Notebook


@dataclass(frozen=True)
class Confirmation:
    """What rebuilding the model in TensorFlow showed about a finding."""

    status: str  # "confirmed" | "not-reproduced" | "unconfirmed"
    detail: str
    keras_version: str | None = None
    tensorflow_version: str | None = None


@dataclass(frozen=True)
class LineEdit:
    """A fix planned on the text rather than on libcst's tree: line ``line``
    (1-based) becomes ``text`` (without its newline), or goes when ``text`` is None."""

    line: int
    text: str | None


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
    edit: LineEdit | None = None
    """Its fix, when it is planned on the text (RNN100 unused-suppression)."""

    @property
    def text(self) -> str:
        """The message and its fix as one sentence, as the text output shows it."""
        return f"{self.message}; {self.fix}" if self.fix else self.message


@dataclass(frozen=True)
class FileResult:
    """One file through the pipeline: its findings, its errors (E902, E999,
    RNN900), its IR and the text its findings point into."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = field(default=())
    module: ModuleIR | None = None
    source: str | None = None
    """The Python text checked: suppression comments and source excerpts are read from it."""
    notebook: Notebook | None = None
    """For a notebook, how the lines of ``source`` map back to its cells."""
    silenced: tuple[Finding, ...] = ()
    """The findings a suppression comment silenced: RNN100 reports the comments that silence none."""
