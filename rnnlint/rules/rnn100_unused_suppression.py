"""RNN100: a suppression comment that silences nothing (ruff's RUF100).

Not a check of the model IR: it is judged in the suppression stage
(``rnnlint.pipeline.finish``), once the config's ignores have removed their
findings, from the findings each comment silenced. Only rnnlint's codes are
judged (``E501`` in ``# noqa: E501, RNN002`` is another tool's business), as
ruff judges only the codes it knows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from rnnlint import suppressions
from rnnlint.findings import Finding
from rnnlint.ir import ModuleIR, Span
from rnnlint.rules.base import Example, Rule
from rnnlint.suppressions import Usage

PREFIX = "RNN"
REASONS = ("unused", "non-enabled", "unknown", "duplicated")
"""Why a code is reported, in ruff's words: it silenced nothing although its
rule ran, its rule did not run, no rule has it, or it is named twice."""


@dataclass(frozen=True)
class Judged:
    """A directive's codes sorted into those that stay and those reported, by reason."""

    keep: tuple[str, ...]
    reported: dict[str, list[str]]


class UnusedSuppression(Rule):
    code = "RNN100"
    name = "unused-suppression"
    summary = "A `# noqa` or `# rnnlint: ignore` comment that silences no finding (off by default)."
    selected_by_default = False
    about_keras = False
    text_fix = True
    doc = """
    ## What it does
    Finds `# noqa` and `# rnnlint: ignore` comments that silence no rnnlint
    finding: the code they name is not reported there (any more), its rule
    is not enabled, or no rnnlint rule has that code. Only rnnlint's own
    codes are judged: `E501` in `# noqa: E501, RNN002` belongs to another
    tool and is left alone. A code ignored for the file by
    `per-file-ignores` silences nothing, so its comment is reported, as ruff
    does. Off by default, as ruff's RUF100: turn it on with
    `--extend-select RNN100` or `extend-select = ["RNN100"]`.

    ## Why is this bad?
    A suppression that no longer silences anything hides the next real
    mistake on that line: once `shuffle=False` has been added, a leftover
    `# noqa: RNN002` would silence a stateful model's shuffling if someone
    removed it again.

    ## Example
    ```python
    model.fit(x, y, batch_size=8, shuffle=False)  # noqa: RNN002
    ```

    ## Use instead
    ```python
    model.fit(x, y, batch_size=8, shuffle=False)
    ```

    ## Fix safety
    The fix removes the unused codes, or the whole comment when none of its
    codes is used (the line too, when the comment was alone on it); other
    tools' codes and a comment after it (`# noqa: RNN002  # pylint: ...`)
    stay. It is safe for a comment that names rnnlint codes and for
    `# rnnlint: ignore`. A bare `# noqa` also silences every other linter,
    which rnnlint cannot see: removing it is an unsafe fix
    (`--unsafe-fixes`); write `# noqa: CODE` instead.

    ## References
    - https://docs.astral.sh/ruff/rules/unused-noqa/
    - Suppression comments in docs/integrations.md
    """
    valid = (
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(8, 15, 2)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse")
            model.fit(x, y, batch_size=8)  # noqa: RNN002, E501
            """
        ),
    )
    invalid = (
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(8, 15, 2)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse")
            model.fit(x, y, batch_size=8, shuffle=False)  # noqa: RNN002  # expect: RNN100
            """
        ),
        Example(
            """
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(8, 15, 2)), keras.layers.LSTM(4, stateful=True)])
            model.compile(loss="mse")
            # rnnlint: ignore[RNN003, RNN002]  # expect: RNN100
            model.fit(x, y, batch_size=8)
            """
        ),
    )

    def check(self, module: ModuleIR) -> Iterator[Finding]:
        """Nothing: this rule reads comments, in the suppression stage (``findings``)."""
        return iter(())

    def findings(
        self, path: str, source: str, silenced: Iterable[Finding], enabled: Collection[str]
    ) -> tuple[Finding, ...]:
        """A finding for each directive of ``source`` that silences none of
        ``silenced`` (the reported findings it silenced), ``enabled``: the codes
        whose rules ran."""
        if not suppressions.mentions_directives(source):
            return ()
        found = []
        for usage in suppressions.usages(source, silenced):
            finding = self._judge(path, source, usage, enabled)
            if finding is not None:
                found.append(finding)
        return tuple(found)

    def _judge(self, path: str, source: str, usage: Usage, enabled: Collection[str]) -> Finding | None:
        directive = usage.directive
        span = Span(path, directive.line, directive.start + 1, directive.line, directive.end + 1)
        if directive.codes is None:
            if usage.silenced_any:
                return None
            edit = suppressions.without_codes(source, directive, ())
            message = f"unused `{directive.kind}` comment: it silences no finding"
            safety = "unsafe" if directive.kind == "noqa" else "safe"
            return self._finding(span, message, "remove it", edit, safety)
        judged = judge(directive.codes, usage.used, enabled)
        if judged is None or not judged.reported:
            return None
        reasons = "; ".join(f"{reason}: {', '.join(codes)}" for reason, codes in judged.reported.items())
        removed = [code for codes in judged.reported.values() for code in codes]
        fix = f"remove {', '.join(removed)} from it" if judged.keep else "remove it"
        edit = suppressions.without_codes(source, directive, judged.keep)
        return self._finding(span, f"unused `{directive.kind}` comment ({reasons})", fix, edit, "safe")

    def _finding(self, span: Span, message: str, fix: str, edit: suppressions.LineEdit, safety: str) -> Finding:
        return Finding(self.code, self.name, message, span, 0, fix, fix_applicability=safety, edit=edit)


def judge(codes: tuple[str, ...], used: Collection[str], enabled: Collection[str]) -> Judged | None:
    """Each code kept or reported with its reason; None when the directive
    names RNN100 itself (it must stay, as ruff's ``# noqa: RUF100``)."""
    from rnnlint.rules import ALL_RULES

    known = [rule.code for rule in ALL_RULES]
    unjudged = [rule.code for rule in ALL_RULES if rule.confirm_only]
    keep: list[str] = []
    reported: dict[str, list[str]] = {}
    seen: set[str] = set()
    for code in codes:
        upper = code.upper()
        if UnusedSuppression.code.startswith(upper) and upper.startswith(PREFIX):
            return None
        if upper in seen:
            reported.setdefault("duplicated", []).append(code)
            continue
        seen.add(upper)
        if code in used or not upper.startswith(PREFIX) or any(c.startswith(upper) for c in unjudged):
            keep.append(code)  # used, another tool's, or only --confirm can tell (RNN099)
        elif any(c.startswith(upper) for c in enabled):
            reported.setdefault("unused", []).append(code)
        elif any(c.startswith(upper) for c in known):
            reported.setdefault("non-enabled", []).append(code)
        else:
            reported.setdefault("unknown", []).append(code)
    return Judged(tuple(keep), {reason: reported[reason] for reason in REASONS if reason in reported})
