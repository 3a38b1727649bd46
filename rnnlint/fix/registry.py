"""Every fix, by the code of the rule whose findings it repairs: each rule
names its fix module (``Rule.fixer``), whose ``FIXER`` is loaded here, when
fixing or annotating findings with their fixability."""

from __future__ import annotations

import importlib

from rnnlint.fix.base import Fixer
from rnnlint.rules import ALL_RULES


def _fixers() -> dict[str, Fixer]:
    fixers = {}
    for rule in ALL_RULES:
        if rule.fixer is None:
            continue
        fixer = getattr(importlib.import_module(rule.fixer), "FIXER", None)
        if not isinstance(fixer, Fixer) or fixer.code != rule.code:
            raise TypeError(f"{rule.fixer} must define FIXER, a Fixer for {rule.code}")
        fixers[rule.code] = fixer
    return fixers


FIXERS: dict[str, Fixer] = _fixers()
