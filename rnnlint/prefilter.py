"""A textual test that skips files which cannot hold a recurrent-model mistake.

Parsing with libcst is rnnlint's main cost, and most files of a project hold
no recurrent model. Every finding needs Keras named in the code (``keras``,
``tf.keras``, ``tf_keras``...), and each rule declares the other words a file
must name for it to fire (``Rule.words``): by default a Keras model (its class
is named ``Sequential`` or ``Model``, or it starts from an ``Input``) and a
recurrent layer (class names hold ``LSTM``, ``GRU`` or ``RNN``; an alias is
still imported by that name) or a ``stateful`` argument.

A file that fails this but imports a module of the project that passes it
(a training script, ``rnnlint.project``) is checked too.

These are names in code, so words in strings and comments do not count:
library code mentions LSTMs in every docstring. A file whose code has none of
the words of any rule cannot produce a finding, and is not parsed.
"""

from __future__ import annotations

import re

from rnnlint import project_modules
from rnnlint.rules import ALL_RULES
from rnnlint.rules.base import Words

KERAS = "keras"


def _alternatives() -> tuple[Words, ...]:
    """Every rule's alternatives, once each, in code order."""
    return tuple(dict.fromkeys(words for rule in ALL_RULES for words in rule.words))


ALTERNATIVES = _alternatives()

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
    found: dict[tuple[str, ...], bool] = {}  # each group is looked for once

    def has(group: tuple[str, ...]) -> bool:
        if group not in found:
            found[group] = any(word in code for word in group)
        return found[group]

    return any(all(has(group) for group in words) for words in ALTERNATIVES)


MODEL_CALLS = (".fit(", ".predict(", ".evaluate(", "_on_batch(", "reset_states", "_generator(")
"""What a module that trains or uses a model imported from elsewhere calls."""


def may_use_imported_models(source: str) -> bool:
    """Whether the source imports and calls what a model built elsewhere
    offers: when not, only its own content decides whether it is skipped."""
    return "import" in source and any(call in source for call in MODEL_CALLS)


def imports_keras_code(path: str, source: str) -> bool:
    """True when a module the source imports from the project may hold a
    recurrent model (a training script whose model is built elsewhere)."""
    if not may_use_imported_models(source):
        return False
    direct = project_modules.dependencies(path, source, direct=True)
    return any(may_concern_recurrent_models(project_modules.read(dependency)) for dependency in direct)
