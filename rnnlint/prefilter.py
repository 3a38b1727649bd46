"""A textual test that skips files which cannot hold a recurrent-model mistake.

Parsing with libcst is rnnlint's main cost, and most files of a project hold
no recurrent model. Every finding needs one of:

- a Keras model (its class is named ``Sequential`` or ``Model``, or it starts
  from an ``Input``) with a recurrent layer (class names hold ``LSTM``,
  ``GRU`` or ``RNN``; an alias is still imported by that name) or a
  ``stateful`` argument, or with a ``reset_states`` call (RNN041);
- a recurrent layer given ``batch_size`` (RNN040);
- ``batch_input_shape`` (RNN040).

A file with none of these words cannot produce a finding, and is not parsed.
"""

from __future__ import annotations

RECURRENT = ("LSTM", "GRU", "RNN", "stateful")
MODEL = ("Sequential", "Model", "Input")


def may_concern_recurrent_models(source: str) -> bool:
    if "batch_input_shape" in source:
        return True
    recurrent = any(marker in source for marker in RECURRENT)
    if any(marker in source for marker in MODEL):
        return recurrent or "reset_states" in source
    return recurrent and "batch_size" in source
