"""Per-file results stored under ``.rnnlint_cache/files/``, so that a file
nobody changed is neither parsed nor analysed again.

The key hashes the file's bytes and path, the rules, Keras version and input
limits asked for, the Keras version ``auto`` resolves to, and rnnlint's own code (its
version and its modules' sizes and times): any change to one of them misses.

An entry holds data only, never code: the findings as JSON, checked field by
field on the way back (``rnnlint.cachedir`` checks the header and checksum).
The IR is not stored: only ``--confirm`` needs it, and it parses again. The
source text and a notebook's cell map are rebuilt from the file's bytes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rnnlint import cachedir
from rnnlint.findings import FileResult, Finding
from rnnlint.ir import Span
from rnnlint.kerasversion import installed_keras_major
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.notebook import NotebookError
from rnnlint.notebook import parse as parse_notebook
from rnnlint.pipeline import decode

DEFAULT_FOLDER = ".rnnlint_cache"
KIND = "rnnlint-file-result"
VERSION = 3
MAX_ENTRIES = 20_000
"""Entries kept after a run; the least recently used go first."""
APPLICABILITIES = (None, "safe", "unsafe")


@dataclass(frozen=True)
class FileCache:
    """A folder of results; ``folder=None`` caches nothing."""

    folder: str | None = DEFAULT_FOLDER

    def key(self, path: str, data: bytes, codes: tuple[str, ...], keras: str, limits: tuple[int, ...] = ()) -> str:
        digest = hashlib.sha256(data)
        context = repr((path, codes, keras, limits, installed_keras_major(), cachedir.code_stamp()))
        digest.update(context.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    @cached_property
    def _files(self) -> str | None:
        """The entries' folder, once checked (None when it must not be used)."""
        if self.folder is None or not cachedir.usable_folder(self.folder, create=True, gitignore=True):
            return None
        files = os.path.join(self.folder, "files")
        return files if cachedir.usable_folder(files, create=True) else None

    def load(self, key: str, path: str, data: bytes) -> FileResult | None:
        """The result stored for ``path`` with content ``data``; None on any doubt."""
        folder = self._files
        payload = cachedir.read_entry(folder, key, KIND, VERSION) if folder is not None else None
        if payload is None or folder is None:
            return None
        try:
            result = _decode_result(payload, path, data)
        except (TypeError, ValueError, KeyError):
            return None
        if result is not None:
            cachedir.touch(folder, key)
        return result

    def store(self, key: str, result: FileResult) -> None:
        folder = self._files
        if folder is not None:
            cachedir.write_entry(folder, key, KIND, VERSION, _encode_result(result))

    def trim(self) -> None:
        """Evict the least recently used entries beyond MAX_ENTRIES."""
        if self.folder is not None and "_files" in self.__dict__ and self._files is not None:
            cachedir.evict(self._files, MAX_ENTRIES)


def _encode_result(result: FileResult) -> dict[str, Any]:
    return {
        "findings": [_encode(f) for f in result.findings],
        "errors": [_encode(f) for f in result.errors],
        "silenced": [_encode(f) for f in result.silenced],
    }


def _encode(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "span": [span.line, span.column, span.end_line, span.end_column, span.cell],
        "keras_version": finding.keras_version,
        "fix": finding.fix,
        "model": finding.model,
        "layer": finding.layer,
        "fix_applicability": finding.fix_applicability,
        "detail": finding.detail,
        "keras_source": finding.keras_source,
    }


def _decode_result(payload: Any, path: str, data: bytes) -> FileResult | None:
    """The typed result, rebuilt around the file's own text; ValueError/TypeError/KeyError when malformed."""
    if not isinstance(payload, dict) or set(payload) != {"findings", "errors", "silenced"}:
        raise ValueError("not a result")
    findings = tuple(_decode(item, path) for item in _list(payload["findings"]))
    errors = tuple(_decode(item, path) for item in _list(payload["errors"]))
    silenced = tuple(_decode(item, path) for item in _list(payload["silenced"]))
    if path.endswith(NOTEBOOK_SUFFIX):
        try:
            notebook = parse_notebook(data)
        except NotebookError:
            return None
        return FileResult(path, findings, errors, None, notebook.source, notebook, silenced)
    return FileResult(path, findings, errors, None, decode(data), silenced=silenced)


def _decode(item: Any, path: str) -> Finding:
    if not isinstance(item, dict) or set(item) != set(_FIELDS):
        raise ValueError("not a finding")
    for name, check in _FIELDS.items():
        if not check(item[name]):
            raise ValueError(f"bad {name}")
    line, column, end_line, end_column, cell = item["span"]
    return Finding(
        item["code"],
        item["name"],
        item["message"],
        Span(path, line, column, end_line, end_column, cell),
        item["keras_version"],
        item["fix"],
        item["model"],
        None,
        item["layer"],
        None,
        item["fix_applicability"],
        item["detail"],
        item["keras_source"],
    )


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def _optional(check: Any) -> Any:
    return lambda value: value is None or check(value)


def _is_span(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 5
        and all(_is_int(part) and part >= 1 for part in value[:4])
        and (value[4] is None or (_is_int(value[4]) and value[4] >= 1))
    )


_FIELDS = {
    "code": lambda value: isinstance(value, str) and value.isalnum(),
    "name": lambda value: isinstance(value, str),
    "message": lambda value: isinstance(value, str),
    "span": _is_span,
    "keras_version": lambda value: value in (2, 3, 0),
    "fix": _optional(lambda value: isinstance(value, str)),
    "model": _optional(_is_int),
    "layer": _optional(_is_int),
    "fix_applicability": lambda value: value in APPLICABILITIES,
    "detail": _optional(lambda value: isinstance(value, str)),
    "keras_source": _optional(lambda value: isinstance(value, str)),
}
