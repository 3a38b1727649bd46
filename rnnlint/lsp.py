"""``rnnlint lsp``: a language server on stdin/stdout, built on pygls 2.

It checks a Python document when it is opened, changed and saved, with the
settings of the file's nearest config and the Keras of its project (both
read afresh each time, so edits apply at once), and publishes each finding as a diagnostic with its code, a
link to the rule's doc and its fix. Hovering a finding shows the rule's doc.
Notebooks are left to the command line: cells come to a server as separate
documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from rnnlint import __version__
from rnnlint.config import ConfigError, Resolver
from rnnlint.docs import rule_doc_file
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.rules import BY_CODE, Finding
from rnnlint.runner import Buffer, check_buffer

SOURCE = "rnnlint"


@dataclass(frozen=True)
class Published:
    """A diagnostic sent to the client, with the finding it came from (for hover)."""

    diagnostic: types.Diagnostic
    finding: Finding


class RnnlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.published: dict[str, tuple[Published, ...]] = {}


def build_server() -> RnnlintServer:
    server = RnnlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RnnlintServer, params: types.DidOpenTextDocumentParams) -> None:
        lint(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RnnlintServer, params: types.DidChangeTextDocumentParams) -> None:
        lint(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: RnnlintServer, params: types.DidSaveTextDocumentParams) -> None:
        lint(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RnnlintServer, params: types.DidCloseTextDocumentParams) -> None:
        publish(ls, params.text_document.uri, ())

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: RnnlintServer, params: types.HoverParams) -> types.Hover | None:
        return hover_at(ls.published.get(params.text_document.uri, ()), params.position)

    return server


def serve() -> None:
    build_server().start_io()


def lint(ls: RnnlintServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    path = to_fs_path(uri) or uri
    if path.endswith(NOTEBOOK_SUFFIX):
        return
    try:
        resolver = Resolver()
        settings = resolver.settings_for(path)
    except ConfigError as error:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"rnnlint: {error}"))
        publish(ls, uri, ())
        return
    if settings.excluded(path):
        publish(ls, uri, ())
        return
    result = check_buffer(Buffer(path, document.source.encode("utf-8")), settings, resolver.keras_basis(path, settings))
    lines = document.lines
    publish(ls, uri, tuple(Published(diagnostic(f, lines), f) for f in (*result.errors, *result.findings)))


def publish(ls: RnnlintServer, uri: str, published: tuple[Published, ...]) -> None:
    ls.published[uri] = published
    params = types.PublishDiagnosticsParams(uri=uri, diagnostics=[item.diagnostic for item in published])
    ls.text_document_publish_diagnostics(params)


def diagnostic(finding: Finding, lines: Sequence[str]) -> types.Diagnostic:
    span = finding.span
    start = types.Position(span.line - 1, _utf16(lines, span.line, span.column))
    end = types.Position(max(span.end_line, span.line) - 1, _utf16(lines, span.end_line, span.end_column))
    doc = rule_doc_file(finding.code)
    return types.Diagnostic(
        range=types.Range(start, end),
        message=finding.text,
        severity=types.DiagnosticSeverity.Error,
        code=finding.code,
        code_description=types.CodeDescription(href=from_fs_path(str(doc))) if doc is not None else None,
        source=SOURCE,
        data={"name": finding.name, "fix": finding.fix},
    )


def hover_at(published: tuple[Published, ...], position: types.Position) -> types.Hover | None:
    """The docs of the rules whose findings cover ``position``."""
    hits = [item for item in published if _contains(item.diagnostic.range, position)]
    if not hits:
        return None
    parts = []
    for item in hits:
        rule = BY_CODE.get(item.finding.code)
        parts.append(f"**{item.finding.code}** {item.finding.text}\n\n" + (rule.documentation() if rule else ""))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(parts)),
        range=hits[0].diagnostic.range,
    )


def _contains(area: types.Range, position: types.Position) -> bool:
    after_start = (position.line, position.character) >= (area.start.line, area.start.character)
    before_end = (position.line, position.character) <= (area.end.line, area.end.character)
    return after_start and before_end


def _utf16(lines: Sequence[str], line: int, column: int) -> int:
    """rnnlint's 1-based code-point column as LSP's 0-based UTF-16 offset."""
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return len(text[: max(column - 1, 0)].encode("utf-16-le")) // 2
