"""What the worker's observation means for a finding: confirmed, not reproduced, unconfirmed.

Error rules are confirmed when Keras raises the kind of error the rule
predicts, at build or call time; another error means the program fails for a
reason the rule does not describe, so the finding stays unconfirmed with that
error shown. Silent rules are confirmed by their evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rnnlint.confirm.plan import Plan
from rnnlint.confirm.protocol import Failure, Probe, Reply, Shape
from rnnlint.confirm.versions import Versions
from rnnlint.facts import fmt_shape, normalize_loss
from rnnlint.findings import Confirmation, Finding
from rnnlint.rules import ALL_RULES
from rnnlint.rules.rnn030_sequence_output_vs_target import has_time_axis_mismatch
from rnnlint.rules.rnn031_output_target_mismatch import target_problem

CONFIRMED, NOT_REPRODUCED, UNCONFIRMED = "confirmed", "not-reproduced", "unconfirmed"

EXPECTED_ERRORS: dict[str, str] = {
    rule.code: rule.experiment.error for rule in ALL_RULES if rule.experiment is not None and rule.experiment.error
}
"""What the error Keras raises says, per rule (each rule's ``Experiment.error``)."""

EVIDENCE_THRESHOLD = 1e-6
MEMORY_ERRORS = frozenset({"MemoryError", "ResourceExhaustedError"})
"""What the worker's memory cap (RLIMIT_DATA) turns an allocation too large into."""


def judge(finding: Finding, plan: Plan, reply: Reply, versions: Versions) -> Confirmation:
    """The confirmation of ``finding`` from what its experiment showed."""
    if reply.failure is not None and reply.failure.type in MEMORY_ERRORS:
        return unconfirmed(f"out of memory in the worker: {reply.failure}", versions)
    judge_rule = JUDGES.get(finding.code, _judge_error)
    status, detail = judge_rule(finding, plan, reply)
    if plan.stand_ins:
        detail += f" ({plan.stand_ins})"
    if status != CONFIRMED and plan.defaults:
        detail += f" (left at Keras defaults: {', '.join(plan.defaults)})"
    return Confirmation(status, detail, versions.keras, versions.tensorflow)


def unconfirmed(reason: str, versions: Versions | None = None) -> Confirmation:
    return Confirmation(
        UNCONFIRMED, reason, versions.keras if versions else None, versions.tensorflow if versions else None
    )


def _not_keras(failure: Failure) -> bool:
    return failure.stage == "worker"


def _judge_error(finding: Finding, plan: Plan, reply: Reply) -> tuple[str, str]:
    """Error rules: Keras must raise the predicted error when it builds, calls or runs."""
    failure = reply.failure
    if failure is None:
        outputs = ", ".join(fmt_shape(shape) for shape in reply.output_shapes)
        return NOT_REPRODUCED, f"Keras raised no error: {plan.ran}" + (f", output {outputs}" if outputs else "")
    if _not_keras(failure):
        return UNCONFIRMED, f"rnnlint could not rebuild it: {failure.message}"
    if failure.stage in ("build", "compile") and plan.probe.kind == "run":
        return UNCONFIRMED, f"the model fails before the call the finding is about: {failure}"
    expected = EXPECTED_ERRORS.get(finding.code)  # none declared: no error confirms it
    if expected is not None and re.search(expected, failure.message):
        return CONFIRMED, str(failure) + (f" ({plan.ran})" if plan.probe.kind == "run" or plan.stand_in else "")
    return UNCONFIRMED, f"Keras failed with another error: {failure} ({plan.ran})"


def _judge_not_divisible(finding: Finding, plan: Plan, reply: Reply) -> tuple[str, str]:
    """A partial last batch makes Keras fail, except a last batch of
    exactly one sample, which Keras broadcasts against the state of a full
    batch without a word (the rule says so): there, the quiet run is the
    evidence, and predict() returns more rows than it was given."""
    probe = plan.probe
    batch = probe.batch_size
    if reply.failure is not None or not batch or not _last_batches_of_one(probe, batch):
        return _judge_error(finding, plan, reply)
    rows = probe.x[0][0] if probe.x and probe.x[0] else None
    quiet = f"Keras raised no error: {plan.ran}"
    if probe.method == "predict" and reply.output_shapes and rows and (reply.output_shapes[0][0] or 0) > rows:
        returned = reply.output_shapes[0][0]
        return CONFIRMED, f"{quiet}, and returned {returned} rows for {rows} samples: the last one was broadcast"
    return CONFIRMED, f"{quiet}: the last batch's one sample ran against the state of {batch} samples"


def _last_batches_of_one(probe: Probe, batch: int) -> bool:
    """Whether every partial last batch the experiment feeds holds one sample."""
    if probe.validation_split is not None or not probe.x or not probe.x[0]:
        return False
    counts = [probe.x[0][0]]
    if probe.validation is not None and probe.validation[0]:
        counts.append(probe.validation[0][0][0])
    partial = [count for count in counts if isinstance(count, int) and count % batch]
    return bool(partial) and all(count % batch == 1 for count in partial)


def _judge_state(conclusion: str) -> Callable[[Finding, Plan, Reply], tuple[str, str]]:
    """The state one batch leaves must change the next batch's output; ``conclusion`` says what that does."""

    def judge_state(finding: Finding, plan: Plan, reply: Reply) -> tuple[str, str]:
        if reply.failure is not None:
            return UNCONFIRMED, f"the model does not run: {reply.failure}"
        norm, effect = reply.state_norm or 0.0, reply.state_effect or 0.0
        evidence = (
            f"after batch 1 the states hold values up to {norm:.3g} and change batch 2's output by up to {effect:.3g}"
        )
        if norm <= EVIDENCE_THRESHOLD or effect <= EVIDENCE_THRESHOLD:
            return NOT_REPRODUCED, f"{evidence}: batch order does not matter here ({plan.ran})"
        return CONFIRMED, f"{evidence}, {conclusion}"

    return judge_state


TargetsProblem = Callable[[Shape, Shape, str], str | None]
"""What is wrong with training ``output`` against ``target`` under a loss, or None."""


def _judge_targets(problem: TargetsProblem, fits: str) -> Callable[[Finding, Plan, Reply], tuple[str, str]]:
    """The real output against the targets (``fits``: what to say when ``problem``
    finds nothing); Keras raising also confirms."""

    def judge_targets(finding: Finding, plan: Plan, reply: Reply) -> tuple[str, str]:
        probe = plan.probe
        if probe.kind == "build":
            return _judge_single_softmax(plan, reply)
        failure = reply.failure
        if failure is not None:
            if _not_keras(failure) or failure.stage in ("build", "compile"):
                return UNCONFIRMED, f"the model does not build: {failure}"
            return CONFIRMED, f"{failure} ({plan.ran})"
        if not reply.output_shapes or not probe.y:
            return UNCONFIRMED, "Keras ran but rnnlint could not read the output shape"
        output, target = reply.output_shapes[0], probe.y[0]
        loss = normalize_loss(probe.loss) or ""
        trained = (
            f"Keras trained without error{_loss_text(reply)}: output {fmt_shape(output)}, targets {fmt_shape(target)}"
        )
        found = problem(output, target, loss)
        if found is not None:
            return CONFIRMED, f"{trained}: {found}"
        return NOT_REPRODUCED, f"{trained}: {fits}"

    return judge_targets


def _time_axis_problem(output: Shape, target: Shape, loss: str) -> str | None:
    return "the loss is broadcast across the time axis" if has_time_axis_mismatch(output, target, loss) else None


def _judge_single_softmax(plan: Plan, reply: Reply) -> tuple[str, str]:
    if reply.failure is not None:
        return UNCONFIRMED, f"the model does not build: {reply.failure}"
    if reply.output_range == (1.0, 1.0):
        return CONFIRMED, f"the model outputs 1.0 for every sample ({plan.ran})"
    low, high = reply.output_range or (float("nan"), float("nan"))
    return NOT_REPRODUCED, f"outputs range from {low:.3g} to {high:.3g} ({plan.ran})"


def _loss_text(reply: Reply) -> str:
    return f" (loss {reply.loss:.3g})" if reply.loss is not None else ""


def runtime_error(reply: Reply) -> Failure | None:
    """For ``--confirm=all``: the error Keras raised building or calling a model, if any."""
    failure = reply.failure
    if failure is None or _not_keras(failure) or failure.type in MEMORY_ERRORS:
        return None
    return failure


Judge = Callable[[Finding, Plan, Reply], tuple[str, str]]

JUDGES_BY_NAME: dict[str, Judge] = {
    "not-divisible": _judge_not_divisible,
    "shuffled-state": _judge_state("so each shuffled batch starts from another sequence's state"),
    "carried-state": _judge_state("so each epoch starts from the state the last one ended with"),
    "time-axis": _judge_targets(_time_axis_problem, "both have the same time axis"),
    "targets": _judge_targets(target_problem, "they fit the loss"),
}
"""Every evidence judge, by the name a rule's ``Experiment.judge`` gives it."""


def _judges() -> dict[str, Judge]:
    judges = {}
    for rule in ALL_RULES:
        if rule.experiment is None or rule.experiment.judge is None:
            continue
        if rule.experiment.judge not in JUDGES_BY_NAME:
            raise KeyError(f"{rule.__module__}: no judge {rule.experiment.judge!r} in rnnlint.confirm.verdict")
        judges[rule.code] = JUDGES_BY_NAME[rule.experiment.judge]
    return judges


JUDGES: dict[str, Judge] = _judges()
"""The evidence judge of each rule that declares one, by code; the others are judged by the error Keras raises."""
