"""Names written in code, read from the CST: shared by extraction and fixes."""

from __future__ import annotations

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a dotted name node (``?`` for anything else)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return "?"
