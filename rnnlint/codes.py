"""The codes of findings no static rule makes: the pipeline's own.

Defined here only: every other module names them by these constants, so that
a rule's code string appears in its own files alone
(tests/test_rule_registry.py).
"""

from __future__ import annotations

SYNTAX_ERROR = "E999"
"""A file Python cannot parse, at the parser's line and column."""
IO_ERROR = "E902"
"""A file that cannot be read or decoded."""
INTERNAL_ERROR = "RNN900"
"""An internal error in rnnlint on one file; the other files and rules still run."""
RUNTIME_ERROR = "RNN099"
"""A model Keras rejects although no rule flagged it: made by ``--confirm=all``
(its documentation is the rule ``rnnlint.rules.rnn099_runtime_error``)."""

FILE_ERROR_CODES = (IO_ERROR, SYNTAX_ERROR, INTERNAL_ERROR)
"""Codes of findings about a file itself rather than a rule: selectable and ignorable too."""
EXIT_ERROR_CODES = (INTERNAL_ERROR,)
"""Findings that make the exit code 2: rnnlint failed on a file. A file that
cannot be read (E902) or parsed (E999) is a finding like any other (exit 1),
as in ruff."""
