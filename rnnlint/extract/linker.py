"""Linking the project's modules: what ``from model import build_model`` binds.

Each imported module of the project is parsed once per process (per
content: its size and modification time) and its top level run once; the
summary kept is its top-level names, with the functions and classes it
defines as they are written (CST and scope). The importing module's
interpreter runs those functions itself, with its own arguments, so that
a model built in ``model.py`` and trained in ``train.py`` is one model of
the importing module's IR. Keras objects a module makes at its top level
are its own and become unknown to others (``structure.exported``).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass

from rnnlint import project_modules as project
from rnnlint.extract.objects import Scope


@dataclass(frozen=True)
class _Summary:
    stamp: tuple[int, int]
    scope: Scope | None


class Linker:
    """The project's modules as the interpreter imports them (``structure.Project``)."""

    def __init__(self) -> None:
        self._summaries: dict[str, _Summary] = {}
        self._loading: set[str] = set()
        self.parsed = 0
        """Modules parsed for their summary (a cost figure)."""

    def resolve(self, importer: str, name: str, level: int) -> str | None:
        return project.resolve(importer, name, level)

    def scope_of(self, path: str) -> Scope | None:
        if path in self._loading or os.path.isdir(path):
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        stamp = (info.st_size, info.st_mtime_ns)
        cached = self._summaries.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached.scope
        self._loading.add(path)
        try:
            scope = self._summarise(path)
        finally:
            self._loading.discard(path)
        self._summaries[path] = _Summary(stamp, scope)
        return scope

    def _summarise(self, path: str) -> Scope | None:
        import libcst as cst

        from rnnlint.extract.interpreter import Interpreter
        from rnnlint.extract.structure import exported
        from rnnlint.reading import DEFAULT_LIMITS, decode, line_refusal, read_file, size_refusal

        data = read_file(path)  # only a regular file, of bounded size (rnnlint.reading)
        source = decode(data) if isinstance(data, bytes) else None
        if source is None or size_refusal(source, DEFAULT_LIMITS) or line_refusal(source, DEFAULT_LIMITS):
            return None
        try:
            compile(source, path, "exec", ast.PyCF_ONLY_AST)  # Python refuses first what libcst would take minutes on
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        try:
            tree = cst.parse_module(source)
        except (cst.ParserSyntaxError, RecursionError, MemoryError):
            return None
        self.parsed += 1
        try:
            scope = Interpreter(path, tree, project=self).run_top_level()
        except Exception:  # a module rnnlint cannot read is a module of unknown names
            return None
        scope.names = {name: exported(value) for name, value in scope.names.items()}
        return scope


_LINKER = Linker()


def linker() -> Linker:
    """The process's linker: each project module is parsed once per run (per worker)."""
    return _LINKER
