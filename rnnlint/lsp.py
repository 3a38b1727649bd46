"""``rnnlint lsp``: a language server on stdin/stdout, built on pygls 2.

It checks a Python document when it is opened, changed and saved, with the
settings of the file's nearest config (read afresh each time, so config edits
apply at once; a document the config excludes gets nothing), and publishes
each finding as a diagnostic with its code, a link to the rule's doc and its
fix. One analysis per document version serves everything: diagnostics,
inlay hints (each layer's output shape with axis names), hovers (a finding's
rule doc; a layer's shapes and parameter count; how fit/predict/evaluate cut
the data into batches) and code actions (fixes, ``# noqa``, fix all).

Positions are sent in the encoding negotiated at initialize (LSP 3.17: the
client's first of utf-8, utf-16, utf-32; utf-16 when it names none). Notebooks
are left to the command line: cells come to a server as separate documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from rnnlint import __version__, lsp_actions, lsp_views
from rnnlint.checker import FileResult
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.docs import rule_doc_file
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.rules import BY_CODE, Finding
from rnnlint.runner import Buffer, check_buffer

SOURCE = "rnnlint"


@dataclass(frozen=True)
class Analysis:
    """One version of a document, checked: what every request of that version reads."""

    version: int | None
    source: str
    path: str
    settings: Settings | None
    """None when the document is not checked (excluded, a notebook, a broken config)."""
    result: FileResult | None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return () if self.result is None else (*self.result.errors, *self.result.findings)


class RnnlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.analyses: dict[str, Analysis] = {}
        self.actions: dict[str, tuple[Analysis, dict[object, lsp_actions.Action | None]]] = {}
        """Per document: the code actions computed for its last analysed version."""


def build_server() -> RnnlintServer:
    server = RnnlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RnnlintServer, params: types.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RnnlintServer, params: types.DidChangeTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: RnnlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.analyses.pop(params.text_document.uri, None)  # the config may have changed
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RnnlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.actions.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: RnnlintServer, params: types.HoverParams) -> types.Hover | None:
        return hover_at(ls, params.text_document.uri, params.position)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls: RnnlintServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        return inlay_hints(ls, params.text_document.uri, params.range)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, lsp_actions.FIX_ALL_KIND]),
    )
    def code_action(ls: RnnlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)

    return server


def serve() -> None:
    build_server().start_io()


# -- analysis ------------------------------------------------------------------


def analyse(ls: RnnlintServer, uri: str) -> Analysis:
    """The analysis of the document's current version, computed once per version."""
    document = ls.workspace.get_text_document(uri)
    cached = ls.analyses.get(uri)
    if cached is not None and cached.version == document.version and cached.source == document.source:
        return cached
    path = to_fs_path(uri) or uri
    analysis = Analysis(document.version, document.source, path, None, None)
    if not path.endswith(NOTEBOOK_SUFFIX):
        try:
            settings = Resolver().settings_for(path)
        except ConfigError as error:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"rnnlint: {error}"))
            settings = None
        if settings is not None and not settings.excluded(path):
            result = check_buffer(Buffer(path, document.source.encode("utf-8")), settings)
            analysis = Analysis(document.version, document.source, path, settings, result)
    ls.analyses[uri] = analysis
    return analysis


def publish(ls: RnnlintServer, uri: str) -> None:
    analysis = analyse(ls, uri)
    document = ls.workspace.get_text_document(uri)
    diagnostics = [diagnostic(finding, document) for finding in analysis.findings]
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


# -- positions -----------------------------------------------------------------


def position(document: TextDocument, line: int, column: int) -> types.Position:
    """rnnlint's 1-based line and code-point column in the negotiated encoding's units."""
    lines = document.lines
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    units = document.position_codec.client_num_units(text[: max(column - 1, 0)])
    return types.Position(max(line - 1, 0), units)


def span_range(document: TextDocument, line: int, column: int, end_line: int, end_column: int) -> types.Range:
    return types.Range(position(document, line, column), position(document, max(end_line, line), end_column))


def from_client(document: TextDocument, where: types.Position) -> tuple[int, int]:
    """A client position as rnnlint's 1-based line and code-point column."""
    server = document.position_codec.position_from_client_units(
        document.lines, types.Position(where.line, where.character)
    )
    return server.line + 1, server.character + 1


# -- diagnostics and hovers ------------------------------------------------------


def diagnostic(finding: Finding, document: TextDocument) -> types.Diagnostic:
    span = finding.span
    doc = rule_doc_file(finding.code)
    return types.Diagnostic(
        range=span_range(document, span.line, span.column, span.end_line, span.end_column),
        message=finding.text,
        severity=types.DiagnosticSeverity.Error,
        code=finding.code,
        code_description=types.CodeDescription(href=from_fs_path(str(doc))) if doc is not None else None,
        source=SOURCE,
        data={"name": finding.name, "fix": finding.fix, "fixable": finding.fix_applicability},
    )


def hover_at(ls: RnnlintServer, uri: str, where: types.Position) -> types.Hover | None:
    """The docs of the findings at ``where``, then what the layer or call there does."""
    analysis = analyse(ls, uri)
    document = ls.workspace.get_text_document(uri)
    line, column = from_client(document, where)
    parts: list[str] = []
    area: types.Range | None = None
    for finding in analysis.findings:
        span = finding.span
        if (span.line, span.column) <= (line, column) <= (max(span.end_line, span.line), span.end_column):
            rule = BY_CODE.get(finding.code)
            parts.append(f"**{finding.code}** {finding.text}\n\n" + (rule.documentation() if rule else ""))
            area = area or span_range(document, span.line, span.column, span.end_line, span.end_column)
    module = analysis.result.module if analysis.result is not None else None
    if module is not None:
        found = lsp_views.hover(module, line, column)
        if found is not None:
            parts.append(found.markdown)
            s = found.span
            area = area or span_range(document, s.line, s.column, s.end_line, s.end_column)
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(parts)), range=area
    )


def inlay_hints(ls: RnnlintServer, uri: str, wanted: types.Range) -> list[types.InlayHint]:
    analysis = analyse(ls, uri)
    module = analysis.result.module if analysis.result is not None else None
    if module is None:
        return []
    document = ls.workspace.get_text_document(uri)
    hints = []
    for hint in lsp_views.inlay_hints(module):
        if wanted.start.line <= hint.line - 1 <= wanted.end.line:
            hints.append(
                types.InlayHint(
                    position=position(document, hint.line, hint.column),
                    label=hint.label,
                    kind=types.InlayHintKind.Type,
                    padding_left=True,
                    tooltip=hint.tooltip,
                )
            )
    return hints


# -- code actions ----------------------------------------------------------------


def code_actions(ls: RnnlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Fixes and ``# noqa`` for the findings in the range, and fix all; ``only`` respected."""
    uri = params.text_document.uri
    analysis = analyse(ls, uri)
    if analysis.settings is None or analysis.result is None:
        return []
    document = ls.workspace.get_text_document(uri)
    first, last = params.range.start.line + 1, params.range.end.line + 1
    only = params.context.only
    actions: list[lsp_actions.Action] = []
    if _wanted(only, types.CodeActionKind.QuickFix):
        for finding in analysis.result.findings:
            if finding.span.line <= last and max(finding.span.end_line, finding.span.line) >= first:
                key = (finding.code, finding.message, finding.span.line, finding.span.column)
                fix = _cached(ls, uri, analysis, key, finding)
                actions.extend(item for item in (fix, lsp_actions.noqa_action(analysis.source, finding)) if item)
    if _wanted(only, lsp_actions.FIX_ALL_KIND):
        fix_all = _cached(ls, uri, analysis, "all", None)
        if fix_all is not None:
            actions.append(fix_all)
    return [_code_action(document, uri, analysis, action) for action in actions]


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    """Whether ``kind`` is among the kinds asked for (a kind asks for its sub-kinds)."""
    return only is None or any(kind == item or kind.startswith(f"{item}.") for item in only)


def _cached(
    ls: RnnlintServer, uri: str, analysis: Analysis, key: object, finding: Finding | None
) -> lsp_actions.Action | None:
    """A fix checks the code at least twice: each is computed once per document version."""
    assert analysis.settings is not None
    if uri not in ls.actions or ls.actions[uri][0] is not analysis:
        ls.actions[uri] = (analysis, {})
    store = ls.actions[uri][1]
    if key not in store:
        if finding is None:
            store[key] = lsp_actions.fix_all_action(analysis.source, analysis.path, analysis.settings)
        else:
            store[key] = lsp_actions.fix_action(analysis.source, analysis.path, analysis.settings, finding)
    return store[key]


def _code_action(document: TextDocument, uri: str, analysis: Analysis, action: lsp_actions.Action) -> types.CodeAction:
    edits = []
    lines = document.lines
    for edit in lsp_actions.line_edits(analysis.source, action.source):
        start = types.Position(edit.start, 0)
        if edit.end is not None:
            end = types.Position(edit.end, 0)
        elif analysis.source.endswith(("\n", "\r")) or not lines:
            end = types.Position(len(lines), 0)
        else:
            end = position(document, len(lines), len(lines[-1]) + 1)
        edits.append(types.TextEdit(range=types.Range(start, end), new_text=edit.text))
    return types.CodeAction(
        title=action.title,
        kind=action.kind,
        diagnostics=[diagnostic(finding, document) for finding in action.findings] or None,
        is_preferred=action.preferred or None,
        edit=types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=analysis.version),
                    edits=edits,
                )
            ]
        ),
    )
