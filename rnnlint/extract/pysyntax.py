"""Python syntax questions the interpreter asks of the CST: operator spellings,
the names a block binds, and the ``append`` calls of windowing loops."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

BINARY_OPS: dict[type[cst.BaseBinaryOp], str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
}

COMPARE_OPS: dict[type[cst.BaseCompOp], str] = {
    cst.Equal: "==",
    cst.NotEqual: "!=",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
}

UNARY_OPS: dict[type[cst.BaseUnaryOp], str] = {cst.Minus: "-", cst.Plus: "+", cst.Not: "not"}

_AUGMENTED_OPS: dict[type[cst.BaseAugOp], str] = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
}


def augmented_op(operator: cst.BaseAugOp) -> str | None:
    return _AUGMENTED_OPS.get(type(operator))


def function_body(definition: cst.FunctionDef) -> Sequence[cst.CSTNode]:
    body = definition.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return (body,)


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


class _AssignedNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.extend(target_names(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.extend(target_names(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.extend(target_names(node.target))

    def visit_For(self, node: cst.For) -> None:
        self.names.extend(target_names(node.target))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.extend(target_names(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value in ("append", "extend", "insert", "update", "pop"):
                self.names.append(func.value.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.append(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.append(node.name.value)
        return False


def assigned_names(node: cst.CSTNode) -> list[str]:
    """Names a block binds or mutates (a name once per binding)."""
    visitor = _AssignedNames()
    node.visit(visitor)
    return visitor.names


def append_target(expression: cst.BaseExpression) -> str | None:
    """``name`` for an expression ``name.append(value)``."""
    if (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Attribute)
        and isinstance(expression.func.value, cst.Name)
        and expression.func.attr.value == "append"
        and len(expression.args) == 1
        and not expression.args[0].star
        and expression.args[0].keyword is None
    ):
        return expression.func.value.value
    return None


def unconditional_appends(body: Sequence[cst.CSTNode]) -> list[str]:
    """Names appended to exactly once per turn, at the top level of a loop body."""
    names = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Expr) and (name := append_target(small.value)):
                    names.append(name)
    return [name for name in names if names.count(name) == 1]
