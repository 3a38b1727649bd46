"""RNN041: ``model.reset_states()`` replaced by the loop Keras 2 ran inside it,
written for Keras 3 (safe when the Keras version is known: it resets exactly
the layers Keras 2 reset; on a guessed version it is unsafe, as under Keras 2
the loop finds no ``reset_state`` and silently resets nothing).

Keras 2's ``Model.reset_states`` reset every layer that is stateful and has
``reset_states``; Keras 3 layers call it ``reset_state``. Checking
``stateful`` matters: a non-stateful Bidirectional raises on
``reset_state()``, and preprocessing layers (TextVectorization, ...) have a
``reset_state()`` that clears what ``adapt`` learnt. Only a call that is a
whole statement on its own line is replaced.
"""

from __future__ import annotations

import libcst as cst

from rnnlint.findings import Finding
from rnnlint.fix.base import SAFE, Edit, FixContext, Fixer

LOOP_NAMES = ("layer", "rnn_layer", "model_layer")


def plan(context: FixContext, finding: Finding) -> tuple[Edit, ...] | None:
    call = finding.call
    node = context.call(call.span) if call is not None and call.method == "reset_states" else None
    if node is None or node.args or not isinstance(node.func, cst.Attribute):
        return None
    statement = context.locator.statement_of(node)
    if statement is None:
        return None
    loop = _reset_loop(context.tree, node.func.value, context.names)
    if loop is None:
        return None

    def change(old: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(old, cst.SimpleStatementLine)
        body = loop.body.with_changes(header=old.trailing_whitespace)
        return loop.with_changes(leading_lines=old.leading_lines, body=body)

    return (Edit(statement, change),)


def _reset_loop(tree: cst.Module, model: cst.BaseExpression, used: frozenset[str]) -> cst.For | None:
    """The loop, parsed in the module's own indentation, newline and quote style,
    with a loop variable the module does not use."""
    name = next((candidate for candidate in LOOP_NAMES if candidate not in used), None)
    if name is None:
        return None
    q = _quote(tree)
    indent = tree.default_indent
    code = (
        f"for {name} in {tree.code_for_node(model)}.layers:\n"
        f"{indent}if getattr({name}, {q}stateful{q}, False) and hasattr({name}, {q}reset_state{q}):\n"
        f"{indent}{indent}{name}.reset_state()\n"
    )
    try:
        statement = cst.parse_statement(code, config=tree.config_for_parsing)
    except cst.ParserSyntaxError:
        return None
    return statement if isinstance(statement, cst.For) else None


def _quote(tree: cst.Module) -> str:
    """The quote most of the module's strings use."""
    counts = {"'": 0, '"': 0}
    for node in _strings(tree):
        quote = node.quote[0]
        counts[quote] = counts.get(quote, 0) + 1
    return "'" if counts["'"] > counts['"'] else '"'


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)


def _strings(tree: cst.Module) -> list[cst.SimpleString]:
    visitor = _Strings()
    tree.visit(visitor)
    return visitor.found


FIXER = Fixer("RNN041", SAFE, plan, version_dependent=True)
