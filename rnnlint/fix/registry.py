"""Every fix, by the code of the rule whose findings it repairs."""

from __future__ import annotations

from rnnlint.fix import (
    rnn001_stateful_without_batch_size,
    rnn002_stateful_fit_shuffle,
    rnn004_stateful_batch_size_mismatch,
    rnn011_stacked_rnn_missing_return_sequences,
    rnn030_sequence_output_vs_target,
    rnn040_keras3_removed_argument,
    rnn041_keras3_model_reset_states,
)
from rnnlint.fix.base import Fixer

FIXERS: dict[str, Fixer] = {
    fixer.code: fixer
    for fixer in (
        rnn001_stateful_without_batch_size.FIXER,
        rnn002_stateful_fit_shuffle.FIXER,
        rnn004_stateful_batch_size_mismatch.FIXER,
        rnn011_stacked_rnn_missing_return_sequences.FIXER,
        rnn030_sequence_output_vs_target.FIXER,
        rnn040_keras3_removed_argument.FIXER,
        rnn041_keras3_model_reset_states.FIXER,
    )
}
