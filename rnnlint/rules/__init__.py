"""The rules, discovered: every ``rnnNNN_*`` module of this package holds one
``Rule`` subclass whose code is ``RNNNNN``. Nothing lists them by hand, so a
new rule file is a new rule; a module that breaks that pattern stops the
import with the reason (tests/test_rule_registry.py)."""

from __future__ import annotations

import importlib
import pkgutil
import re

from rnnlint.findings import Finding
from rnnlint.rules.base import Example, Experiment, FixExample, Rule

RULE_MODULE = re.compile(r"rnn(?P<number>[0-9]{3})_\w+")


class RuleError(Exception):
    """A rule module that does not hold exactly one rule matching its name."""


def discover(package: str) -> tuple[type[Rule], ...]:
    """The rules of ``package``'s ``rnnNNN_*`` modules, in code order."""
    path = importlib.import_module(package).__path__
    rules: dict[str, type[Rule]] = {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda info: info.name):
        match = RULE_MODULE.fullmatch(info.name)
        if match is None:
            continue
        rule = _rule_of(f"{package}.{info.name}")
        if rule.code != f"RNN{match.group('number')}":
            raise RuleError(f"{package}.{info.name}: its rule's code is {rule.code}, not RNN{match.group('number')}")
        if rule.code in rules:
            raise RuleError(f"{package}.{info.name}: code {rule.code} is also {rules[rule.code].__module__}'s")
        rules[rule.code] = rule
    return tuple(rules[code] for code in sorted(rules))


def _rule_of(name: str) -> type[Rule]:
    module = importlib.import_module(name)
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == name and "code" in vars(value)
    ]
    if len(found) != 1:
        holds = ", ".join(rule.__name__ for rule in found) or "no rule"
        raise RuleError(f"{name}: a rule module holds exactly one Rule subclass with a code; it holds {holds}")
    return found[0]


ALL_RULES: tuple[type[Rule], ...] = discover(__name__)

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


__all__ = [
    "ALL_RULES",
    "BY_CODE",
    "Example",
    "Experiment",
    "Finding",
    "FixExample",
    "Rule",
    "RuleError",
    "select_rules",
]
