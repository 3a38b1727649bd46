"""A work budget for the abstract interpreter of one file.

The depth of helper calls is capped by the interpreter, but breadth is not:
eight helpers each calling the next ten times is 10^8 calls on a few lines.
So each helper is run at most ``MAX_CALLS_PER_FUNCTION`` times per file
(further calls are unknown, as a call of an unknown function is), and every
expression evaluated costs one step: past ``MAX_STEPS`` the analysis of the
file stops and its IR is empty, the whole file "unknown", no rule firing on
it. Never an error, never a hang. Real programs use a small fraction of
either bound.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

MAX_STEPS = 300_000
MAX_CALLS_PER_FUNCTION = 64


class BudgetExceeded(Exception):
    """The file's analysis used its whole budget."""


class Budget:
    def __init__(self, steps: int = MAX_STEPS, calls: int = MAX_CALLS_PER_FUNCTION) -> None:
        self.left = steps
        self.calls_per_function = calls
        self._calls: Counter[Hashable] = Counter()

    def spend(self) -> None:
        """One step; raises BudgetExceeded when none is left."""
        self.left -= 1
        if self.left < 0:
            raise BudgetExceeded

    def call(self, function: Hashable) -> bool:
        """Count one run of ``function``; True when it has run its share already (do not run it)."""
        self._calls[function] += 1
        return self._calls[function] > self.calls_per_function
