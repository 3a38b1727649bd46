"""The confirm step of a run: plan each finding's experiment, reuse cached
answers, ask the workers for the rest, and attach what Keras showed.

No static finding is ever lost: whatever happens to a worker, a finding comes
back, at worst ``unconfirmed`` with the reason. With ``mode="all"`` every
recurrent model without a finding is built too, and one Keras rejects
becomes an RNN099 finding at the line where the model is created.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TextIO

from rnnlint.confirm.cache import Cache, cache_key, default_folder
from rnnlint.confirm.client import Limits, WorkerError, WorkerPool, WorkerTimeout
from rnnlint.confirm.plan import PLANNERS, NoPlan, plan_finding, plan_model
from rnnlint.confirm.progress import Progress
from rnnlint.confirm.protocol import Failure, Probe, Reply
from rnnlint.confirm.verdict import CONFIRMED, NOT_REPRODUCED, UNCONFIRMED, judge, runtime_error, unconfirmed
from rnnlint.confirm.versions import Versions, installed
from rnnlint.facts import is_recurrent_model
from rnnlint.findings import Confirmation, FileResult, Finding
from rnnlint.ir import Model, ModuleIR
from rnnlint.rules.rnn099_runtime_error import RuntimeErrorInKeras

STATUSES = (CONFIRMED, NOT_REPRODUCED, UNCONFIRMED)


@dataclass(frozen=True)
class ConfirmOptions:
    """``mode``: "findings" (models with findings) or "all" (every recurrent model);
    ``cache_dir``: None caches nothing; by default, the user's cache folder."""

    mode: str = "findings"
    cache_dir: str | None = field(default_factory=default_folder)
    limits: Limits = field(default_factory=Limits)
    progress: bool = False
    """Show progress on stderr when it is a terminal (``rnnlint.confirm.progress``)."""


@dataclass
class Tally:
    """Counts for the closing summary line."""

    statuses: dict[str, int] = field(default_factory=dict)
    clean_models: int = 0
    unbuildable_models: int = 0
    """Models without findings that cannot be rebuilt faithfully (``NoPlan``)."""
    unanswered_models: int = 0
    """Models without findings the worker gave no answer for (died, timed out)."""

    def add(self, confirmation: Confirmation) -> None:
        self.statuses[confirmation.status] = self.statuses.get(confirmation.status, 0) + 1


@dataclass(frozen=True)
class Answer:
    """A probe's reply and the versions it ran with, or why there is none."""

    reply: Reply | None
    versions: Versions
    problem: str | None = None


class Confirmer:
    """Confirms the findings of one run's files with one worker pool and one cache."""

    def __init__(
        self,
        options: ConfirmOptions | None = None,
        *,
        pool: WorkerPool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.options = options or ConfirmOptions()
        self.cache = Cache(self.options.cache_dir)
        self.pool = pool if pool is not None else WorkerPool(self.options.limits)
        self._owns_pool = pool is None
        self.stream = stream if stream is not None else sys.stderr
        self.progress = Progress(self.stream, self.options.progress)
        self.tally = Tally()
        self._answers: dict[str, Answer] = {}
        self._spent = 0.0
        """Seconds spent waiting for workers in this run, against ``limits.total``."""
        self._seen: set[tuple[str, int]] = set()
        self._result: FileResult | None = None
        self._current = ""
        """The label of the model being confirmed, for the progress line."""

    def confirm(
        self,
        result: FileResult,
        *,
        runtime_errors: bool = True,
        finish: Callable[[FileResult], FileResult] | None = None,
    ) -> FileResult:
        """``result`` with every finding's confirmation, plus RNN099 findings in mode
        "all" (passed through ``finish``, the run's suppressions, when given)."""
        module = result.module
        if module is None:
            return result
        self._result = result
        findings = [self._confirm_finding(finding, module) for finding in result.findings]
        if self.options.mode == "all" and runtime_errors:
            extra = tuple(self._runtime_errors(module, result.findings))
            if extra and finish is not None:
                extra = finish(replace(result, findings=extra, errors=())).findings
            findings.extend(extra)
        findings.sort(key=lambda f: (f.span.cell or 0, f.span.line, f.span.column, f.code))
        return replace(result, findings=tuple(findings))

    def abort(self) -> None:
        """Kill the workers at once (the run was interrupted); no summary."""
        self.progress.close()
        if self._owns_pool:
            self.pool.close(kill=True)

    def expect(self, results: list[FileResult]) -> None:
        """The models the run will confirm (for the progress line's "N left")."""
        for result in results:
            if result.module is None:
                continue
            models = {_model_of(finding) for finding in result.findings if finding.code in PLANNERS}
            if self.options.mode == "all":
                models.update(model.id for model in result.module.models if is_recurrent_model(model))
            self.progress.expect(len(models - {None}))

    def close(self) -> None:
        """Stop the workers and print the summary line."""
        self.progress.close()
        if self._owns_pool:
            self.pool.close()
        line = self.summary()
        if line:
            self.stream.write(line + "\n")
            self.stream.flush()

    def summary(self) -> str:
        statuses = self.tally.statuses
        parts = [f"{statuses[status]} {status.replace('-', ' ')}" for status in STATUSES if statuses.get(status)]
        if self.options.mode == "all":
            parts.append(f"{self.tally.clean_models} model(s) without findings built and ran")
            if self.tally.unbuildable_models:
                parts.append(f"{self.tally.unbuildable_models} model(s) could not be rebuilt")
            if self.tally.unanswered_models:
                parts.append(f"{self.tally.unanswered_models} model(s) got no answer from TensorFlow")
        if not parts:
            return ""
        cached = f" ({self.cache.hits} from the cache)" if self.cache.hits else ""
        return f"rnnlint: --confirm: {', '.join(parts)}{cached}."

    # -- findings -------------------------------------------------------------

    def _confirm_finding(self, finding: Finding, module: ModuleIR) -> Finding:
        if finding.code not in PLANNERS:
            return finding
        try:
            plan = plan_finding(finding, module)
        except NoPlan as error:
            confirmation = unconfirmed(str(error))
        else:
            answer = self._ask(plan.probe, module, _model_of(finding))
            if answer.reply is None:
                confirmation = unconfirmed(answer.problem or "no answer", answer.versions)
            else:
                confirmation = judge(finding, plan, answer.reply, answer.versions)
        self.tally.add(confirmation)
        return replace(finding, confirmation=confirmation)

    def _runtime_errors(self, module: ModuleIR, findings: tuple[Finding, ...]) -> list[Finding]:
        """RNN099 for each recurrent model with no finding that Keras rejects."""
        flagged = {finding.call.model if finding.call else finding.model for finding in findings}
        reported = []
        for model in module.models:
            if model.id in flagged or not is_recurrent_model(model):
                continue
            try:
                plan = plan_model(module, model)
            except NoPlan:
                self.tally.unbuildable_models += 1
                continue
            answer = self._ask(plan.probe, module, model.id)
            failure = runtime_error(answer.reply) if answer.reply is not None else None
            if answer.reply is None or (answer.reply.failure is not None and failure is None):
                self.tally.unanswered_models += 1  # no answer, or the worker's own trouble (out of memory...)
            elif failure is None:
                self.tally.clean_models += 1
            else:
                versions = answer.versions
                confirmation = Confirmation(CONFIRMED, f"{failure} ({plan.ran})", versions.keras, versions.tensorflow)
                reported.append(replace(runtime_finding(module, model, failure), confirmation=confirmation))
                self.tally.add(confirmation)
        return reported

    # -- asking -----------------------------------------------------------------

    def _ask(self, probe: Probe, module: ModuleIR, model: int | None) -> Answer:
        """This run's answer, the cache's, or the worker's, in that order: an
        identical experiment runs once per run, and one that timed out is
        remembered in the cache (as "timed out"), not retried on every run."""
        label = self._label(module, model)
        seen = (module.path, model if model is not None else -1)
        self.progress.model(label, first=seen not in self._seen)
        self._seen.add(seen)
        self._current = label
        versions = installed(probe.keras)
        missing = versions.missing(probe.keras)
        if missing:
            return Answer(None, versions, missing)
        key = cache_key(probe, versions)
        if key not in self._answers:
            self._answers[key] = self._answer(key, probe, versions)
        return self._answers[key]

    def _answer(self, key: str, probe: Probe, versions: Versions) -> Answer:
        reply = self.cache.get(key)
        if reply is not None:
            return Answer(reply, versions)
        remembered = self.cache.problem(key)
        if remembered is not None:
            return Answer(None, versions, f"{remembered} (remembered from an earlier run)")
        if self._spent >= self.options.limits.total:
            return Answer(None, versions, f"the confirmation time budget ({self.options.limits.total:g} s) is used up")
        started = time.monotonic()
        try:
            if not self.pool.started(probe.keras):
                self.progress.starting(probe.keras)
                self.pool.worker(probe.keras).start()
                self.progress.model(self._current, first=False)
            reply = self.pool.ask(probe)
        except WorkerTimeout as error:
            self.cache.put_problem(key, str(error))
            return Answer(None, versions, str(error))
        except WorkerError as error:
            return Answer(None, versions, str(error))
        finally:
            self._spent += time.monotonic() - started
        self.cache.put(key, reply)
        return Answer(reply, versions)

    def _label(self, module: ModuleIR, model: int | None) -> str:
        """``name (path:line)`` of the model, at its cell in a notebook."""
        try:
            found = module.model(model) if model is not None else None
        except KeyError:
            found = None
        if found is None:
            return module.path
        notebook = self._result.notebook if self._result is not None else None
        line = found.span.line
        where = f"{module.path}:{line}"
        if notebook is not None:
            cell, line = notebook.position(line)
            where = f"{module.path}:cell_{cell}:{line}"
        return f"{found.name or 'the model'} ({where})"


def _model_of(finding: Finding) -> int | None:
    return finding.call.model if finding.call is not None else finding.model


def runtime_finding(module: ModuleIR, model: Model, failure: Failure) -> Finding:
    """The RNN099 finding for a model Keras rejects, at the model's line."""
    name = model.name or "the model"
    when = "building" if failure.stage == "build" else "calling"
    return RuntimeErrorInKeras().finding(
        module,
        model.span,
        f"Keras raises {failure.type} {when} {name}, which no rnnlint rule explains: {failure.message}",
        "fix what Keras reports (and please report the program to rnnlint: a rule should catch it)",
        model=model.id,
    )


def counts_for_exit(finding: Finding, strict: bool) -> bool:
    """Whether ``finding`` makes the exit code 1: a finding Keras did not
    reproduce does so only with ``--strict``."""
    confirmation = finding.confirmation
    return strict or confirmation is None or confirmation.status != NOT_REPRODUCED
