"""A textual test that skips files which cannot hold a recurrent-model mistake.

Parsing with libcst is rnnlint's main cost, and most files of a project hold
no recurrent model. Every finding needs Keras named in the code (``keras``,
``tf.keras``, ``tf_keras``...) and one of:

- a Keras model (its class is named ``Sequential`` or ``Model``, or it starts
  from an ``Input``) with a recurrent layer (class names hold ``LSTM``,
  ``GRU`` or ``RNN``; an alias is still imported by that name) or a
  ``stateful`` argument;
- a ``reset_states`` call (RNN041) with a model, ``load_model``,
  ``clone_model``, a ``Callback`` or a ``.fit(`` call in the code;
- a recurrent layer given ``batch_size`` (RNN040);
- ``batch_input_shape`` (RNN040).

A file that fails this but imports a module of the project that passes it
(a training script, ``rnnlint.project``) is checked too.

These are names in code, so words in strings and comments do not count:
library code mentions LSTMs in every docstring. A file whose code has none of
these words cannot produce a finding, and is not parsed.
"""

from __future__ import annotations

import re

KERAS = "keras"
RECURRENT = ("LSTM", "GRU", "RNN", "stateful")
MODEL = ("Sequential", "Model", "Input")
RESET_OWNERS = (*MODEL, "load_model", "clone_model", "Callback", ".fit(")
"""What makes a ``reset_states`` call a model's (RNN041): a model, a loaded
or cloned one, a callback's ``self.model``, a model passed in and trained."""

_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""'  # triple-quoted strings first: they hold quotes
    r"|'''[\s\S]*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'(?:\\.|[^'\\\n])*'"
    r"|#[^\n]*"
)
"""Python's strings and comments, found left to right as its tokenizer does
(a ``#`` inside a string is part of the string, a quote in a comment is part
of the comment). Prefixes (``r``, ``b``, ``f``) stay behind, harmlessly."""


def may_concern_recurrent_models(source: str) -> bool:
    # The words are looked for in the whole text first: what strings and
    # comments hide, only a text with them all can lose.
    return _has_the_words(source) and _has_the_words(_STRINGS_AND_COMMENTS.sub(" ", source))


def _has_the_words(code: str) -> bool:
    if KERAS not in code:
        return False
    if "batch_input_shape" in code:
        return True
    resets = "reset_states" in code and any(marker in code for marker in RESET_OWNERS)
    if not any(marker in code for marker in RECURRENT):  # most files: decided without looking for a model
        return resets
    return resets or any(marker in code for marker in MODEL) or "batch_size" in code
