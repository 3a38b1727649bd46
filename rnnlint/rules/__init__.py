"""The rule registry: every rule, in code order."""

from __future__ import annotations

from rnnlint.findings import Finding
from rnnlint.rules.base import Example, Rule
from rnnlint.rules.rnn001_stateful_without_batch_size import StatefulWithoutBatchSize
from rnnlint.rules.rnn002_stateful_fit_shuffle import StatefulFitShuffle
from rnnlint.rules.rnn003_stateful_samples_not_divisible import StatefulSamplesNotDivisible
from rnnlint.rules.rnn004_stateful_batch_size_mismatch import StatefulBatchSizeMismatch
from rnnlint.rules.rnn005_stateful_loop_without_reset import StatefulLoopWithoutReset
from rnnlint.rules.rnn010_rnn_input_rank import RnnInputRank
from rnnlint.rules.rnn011_stacked_rnn_missing_return_sequences import StackedRnnMissingReturnSequences
from rnnlint.rules.rnn012_input_shape_includes_batch import InputShapeIncludesBatch
from rnnlint.rules.rnn020_data_rank import DataRank
from rnnlint.rules.rnn021_data_shape_mismatch import DataShapeMismatch
from rnnlint.rules.rnn030_sequence_output_vs_target import SequenceOutputVsTarget
from rnnlint.rules.rnn031_output_target_mismatch import OutputTargetMismatch
from rnnlint.rules.rnn040_keras3_removed_argument import Keras3RemovedArgument
from rnnlint.rules.rnn041_keras3_model_reset_states import Keras3ModelResetStates
from rnnlint.rules.rnn099_runtime_error import RuntimeErrorInKeras
from rnnlint.rules.rnn100_unused_suppression import UnusedSuppression

ALL_RULES: tuple[type[Rule], ...] = (
    StatefulWithoutBatchSize,
    StatefulFitShuffle,
    StatefulSamplesNotDivisible,
    StatefulBatchSizeMismatch,
    StatefulLoopWithoutReset,
    RnnInputRank,
    StackedRnnMissingReturnSequences,
    InputShapeIncludesBatch,
    DataRank,
    DataShapeMismatch,
    SequenceOutputVsTarget,
    OutputTargetMismatch,
    Keras3RemovedArgument,
    Keras3ModelResetStates,
    RuntimeErrorInKeras,
    UnusedSuppression,
)

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def select_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> list[Rule]:
    """Rules whose code starts with a selected prefix and with no ignored one."""
    chosen = []
    for rule in ALL_RULES:
        if select and not any(rule.code.startswith(prefix.upper()) for prefix in select):
            continue
        if any(rule.code.startswith(prefix.upper()) for prefix in ignore):
            continue
        chosen.append(rule())
    return chosen


__all__ = ["ALL_RULES", "BY_CODE", "Example", "Finding", "Rule", "select_rules"]
