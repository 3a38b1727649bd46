"""How this file can write ``keras.Input``, in its own import style.

An ``Input`` already imported is used as is. Otherwise a layer written
``X.layers.LSTM`` gives ``X.Input`` (so ``tf.keras`` code stays ``tf.keras``
code), then the file's imports decide, in this order: ``import keras`` (or
``from tensorflow import keras``) gives ``keras.Input``; a ``from keras.layers
import ...`` line gets ``Input`` added (the layer's own line first);
``import tensorflow as tf`` gives ``tf.keras.Input``; ``from keras import
layers`` gives ``layers.Input``. None of these: no fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst

from rnnlint.cstnames import dotted_name
from rnnlint.fix.edits import Edit, add_import_name
from rnnlint.kerasnames import canonical

INPUT = "keras.layers.Input"


@dataclass(frozen=True)
class Binding:
    """A module-level name bound by an import, and the statement that binds it."""

    name: str
    qualname: str
    statement: cst.Import | cst.ImportFrom


@dataclass(frozen=True)
class Spelling:
    """The expression for ``keras.Input`` and the import edit it needs, if any."""

    expression: cst.BaseExpression
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Imports:
    bindings: tuple[Binding, ...]
    star_modules: tuple[cst.ImportFrom, ...]
    names_used: frozenset[str]

    @classmethod
    def of(cls, tree: cst.Module, names_used: frozenset[str]) -> Imports:
        bindings: list[Binding] = []
        stars: list[cst.ImportFrom] = []
        for statement in _module_imports(tree):
            if isinstance(statement, cst.Import):
                bindings.extend(_import_bindings(statement))
            elif isinstance(statement.names, cst.ImportStar):
                stars.append(statement)
            else:
                bindings.extend(_from_bindings(statement))
        return cls(tuple(bindings), tuple(stars), names_used)

    def binding(self, name: str) -> Binding | None:
        found = None
        for binding in self.bindings:
            if binding.name == name:
                found = binding  # the last import of a name wins
        return found

    def qualname(self, expression: cst.BaseExpression) -> str | None:
        """The dotted name an expression made of imported names stands for."""
        if isinstance(expression, cst.Name):
            binding = self.binding(expression.value)
            return binding.qualname if binding else None
        if isinstance(expression, cst.Attribute):
            owner = self.qualname(expression.value)
            return f"{owner}.{expression.attr.value}" if owner else None
        return None

    def input_spelling(self, layer_call: cst.Call) -> Spelling | None:
        """The first that applies: ``Input`` already imported, the layer's own
        prefix (``tf.keras.layers.LSTM`` gives ``tf.keras.Input``), then the file's
        imports in the order the module docstring gives."""
        steps = (
            self._imported_input,
            lambda: self._like(layer_call),
            lambda: self._module_attribute(lambda b: canonical(b.qualname) == "keras", "Input"),
            lambda: self._from_import(layer_call),
            lambda: self._module_attribute(lambda b: b.qualname == "tensorflow", "keras", "Input"),
            lambda: self._module_attribute(lambda b: canonical(b.qualname) == "keras.layers", "Input"),
        )
        for step in steps:
            spelling = step()
            if spelling is not None:
                return spelling
        return None

    def _imported_input(self) -> Spelling | None:
        for binding in self.bindings:
            if canonical(binding.qualname) == INPUT and self.binding(binding.name) is binding:
                return Spelling(cst.Name(binding.name))
        for statement in self.star_modules:
            if _canonical_module(statement) == "keras.layers" and "Input" not in self.names_bound_elsewhere():
                return Spelling(cst.Name("Input"))
        return None

    def _like(self, layer_call: cst.Call) -> Spelling | None:
        """``X.Input`` for a layer written ``X.layers.LSTM`` where X is Keras."""
        owner = layer_call.func.value if isinstance(layer_call.func, cst.Attribute) else None
        if isinstance(owner, cst.Attribute) and canonical(self.qualname(owner) or "") == "keras.layers":
            if canonical(self.qualname(owner.value) or "") == "keras":
                return Spelling(_attribute(owner.value, "Input"))
        return None

    def _module_attribute(self, wanted: Callable[[Binding], bool], *path: str) -> Spelling | None:
        for binding in self.bindings:
            if wanted(binding):
                expression: cst.BaseExpression = cst.Name(binding.name)
                for name in path:
                    expression = _attribute(expression, name)
                return Spelling(expression)
        return None

    def _from_import(self, layer_call: cst.Call) -> Spelling | None:
        """``Input`` added to the layer's own ``from keras.layers import`` line, else to the first such line."""
        own = self.binding(layer_call.func.value) if isinstance(layer_call.func, cst.Name) else None
        candidates = [own] if own is not None else []
        candidates.extend(self.bindings)
        for binding in candidates:
            if isinstance(binding.statement, cst.ImportFrom) and (spelling := self._added_to(binding.statement)):
                return spelling
        return None

    def _added_to(self, statement: cst.ImportFrom) -> Spelling | None:
        """``Input`` added to a ``from keras.layers import ...`` line."""
        if _canonical_module(statement) != "keras.layers" or "Input" in self.names_bound_elsewhere():
            return None

        def change(node: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(node, cst.ImportFrom)
            return add_import_name(node, "Input")

        return Spelling(cst.Name("Input"), (Edit(statement, change, shared="import Input"),))

    def names_bound_elsewhere(self) -> frozenset[str]:
        """Names used in the file that do not already mean ``keras.Input``."""
        inputs = {b.name for b in self.bindings if canonical(b.qualname) == INPUT}
        return self.names_used - inputs


def _module_imports(tree: cst.Module) -> Iterator[cst.Import | cst.ImportFrom]:
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import | cst.ImportFrom):
                    yield small


def _import_bindings(statement: cst.Import) -> Iterator[Binding]:
    for alias in statement.names:
        dotted = dotted_name(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            yield Binding(alias.asname.name.value, dotted, statement)
        elif alias.asname is None:
            top = dotted.split(".")[0]
            yield Binding(top, top, statement)


def _from_bindings(statement: cst.ImportFrom) -> Iterator[Binding]:
    if statement.relative or statement.module is None or isinstance(statement.names, cst.ImportStar):
        return
    base = dotted_name(statement.module)
    for alias in statement.names:
        target = alias.asname.name if alias.asname is not None else alias.name
        if isinstance(target, cst.Name):
            yield Binding(target.value, f"{base}.{dotted_name(alias.name)}", statement)


def _canonical_module(statement: cst.ImportFrom) -> str | None:
    if statement.relative or statement.module is None:
        return None
    return canonical(dotted_name(statement.module))


def _attribute(owner: cst.BaseExpression, name: str) -> cst.Attribute:
    return cst.Attribute(value=owner.deep_clone(), attr=cst.Name(name))


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # ``keras.Input`` does not use the name ``Input``
        return False


def names_in(tree: cst.Module) -> set[str]:
    """Every identifier the module uses, so that a new name never shadows one."""
    visitor = _Names()
    tree.visit(visitor)
    return visitor.names
