"""``rnnlint lsp``: a language server on stdin/stdout, built on pygls 2.

It checks a Python document when it is opened, changed and saved, with the
settings of the file's nearest config and the Keras of its project (both read
afresh each time, so edits apply at once; a document the config excludes gets nothing), and publishes
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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from rnnlint import __version__, lsp_actions, lsp_views
from rnnlint.config import ConfigError, Resolver, Settings
from rnnlint.docs import rule_doc_file
from rnnlint.findings import FileResult, Finding
from rnnlint.incremental import Reuse
from rnnlint.ir import Span
from rnnlint.notebook import SUFFIX as NOTEBOOK_SUFFIX
from rnnlint.pipeline import check_source, finish
from rnnlint.rules import BY_CODE

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
    text: Coordinates

    @cached_property
    def hints(self) -> tuple[lsp_views.Hint, ...]:
        module = self.result.module if self.result is not None else None
        return tuple(lsp_views.inlay_hints(module)) if module is not None else ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return () if self.result is None else (*self.result.errors, *self.result.findings)


class RnnlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.analyses: dict[str, Analysis] = {}
        self.reuse: dict[str, Reuse] = {}
        """Per document: the parsed statements and rendered lines its next version may reuse."""
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
        ls.reuse.pop(uri, None)
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
    text = Coordinates.of(document.source, document.position_codec)
    analysis = Analysis(document.version, document.source, path, None, None, text)
    if not path.endswith(NOTEBOOK_SUFFIX):
        resolver = Resolver()
        try:
            settings = resolver.settings_for(path)
        except ConfigError as error:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"rnnlint: {error}"))
            settings = None
        if settings is not None and not settings.excluded(path):
            reuse = ls.reuse.setdefault(uri, Reuse())
            result = finish(
                check_source(
                    path,
                    document.source,
                    settings.rules(),
                    resolver.keras_basis(path, settings),
                    limits=settings.limits,
                    reuse=reuse,
                ),
                settings,
            )
            analysis = Analysis(document.version, document.source, path, settings, result, text)
    ls.analyses[uri] = analysis
    return analysis


def publish(ls: RnnlintServer, uri: str) -> None:
    analysis = analyse(ls, uri)
    diagnostics = [diagnostic(finding, analysis.text) for finding in analysis.findings]
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


# -- positions -----------------------------------------------------------------


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
"""A line as LSP and Python count them: only \\n, \\r\\n and \\r end one (not \\f or U+2028)."""


@dataclass(frozen=True)
class Coordinates:
    """One version's lines and the negotiated encoding: rnnlint's positions to the client's and back."""

    lines: tuple[str, ...]
    codec: PositionCodec

    @classmethod
    def of(cls, source: str, codec: PositionCodec) -> Coordinates:
        return cls(tuple(_LINE.findall(source)), codec)

    def position(self, line: int, column: int) -> types.Position:
        """rnnlint's 1-based line and code-point column in the negotiated encoding's units."""
        text = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        units = self.codec.client_num_units(text[: max(column - 1, 0)])
        return types.Position(max(line - 1, 0), units)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(self.position(line, column), self.position(max(end_line, line), end_column))

    def span(self, span: Span) -> types.Range:
        return self.range(span.line, span.column, span.end_line, span.end_column)

    def from_client(self, where: types.Position) -> tuple[int, int]:
        """A client position as rnnlint's 1-based line and code-point column."""
        server = self.codec.position_from_client_units(self.lines, types.Position(where.line, where.character))
        return server.line + 1, server.character + 1

    def end(self) -> types.Position:
        """The end of the text."""
        if not self.lines or self.lines[-1].endswith(("\n", "\r")):
            return types.Position(len(self.lines), 0)
        return self.position(len(self.lines), len(self.lines[-1]) + 1)


# -- diagnostics and hovers ------------------------------------------------------


@cache
def doc_link(code: str) -> str | None:
    """The rule doc's file URI, written once per server (not at every keystroke)."""
    doc = rule_doc_file(code)
    return from_fs_path(str(doc)) if doc is not None else None


def diagnostic(finding: Finding, text: Coordinates) -> types.Diagnostic:
    link = doc_link(finding.code)
    return types.Diagnostic(
        range=text.span(finding.span),
        message=finding.text,
        severity=types.DiagnosticSeverity.Error,
        code=finding.code,
        code_description=types.CodeDescription(href=link) if link is not None else None,
        source=SOURCE,
        data={"name": finding.name, "fix": finding.fix, "fixable": finding.fix_applicability},
    )


def hover_at(ls: RnnlintServer, uri: str, where: types.Position) -> types.Hover | None:
    """The docs of the findings at ``where``, then what the layer or call there does."""
    analysis = analyse(ls, uri)
    line, column = analysis.text.from_client(where)
    parts: list[str] = []
    area: types.Range | None = None
    for finding in analysis.findings:
        span = finding.span
        if (span.line, span.column) <= (line, column) <= (max(span.end_line, span.line), span.end_column):
            rule = BY_CODE.get(finding.code)
            parts.append(f"**{finding.code}** {finding.text}\n\n" + (rule.documentation() if rule else ""))
            area = area or analysis.text.span(span)
    module = analysis.result.module if analysis.result is not None else None
    if module is not None:
        found = lsp_views.hover(module, line, column)
        if found is not None:
            parts.append(found.markdown)
            area = area or analysis.text.span(found.span)
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(parts)), range=area
    )


def inlay_hints(ls: RnnlintServer, uri: str, wanted: types.Range) -> list[types.InlayHint]:
    analysis = analyse(ls, uri)
    hints = []
    for hint in analysis.hints:
        if wanted.start.line <= hint.line - 1 <= wanted.end.line:
            hints.append(
                types.InlayHint(
                    position=analysis.text.position(hint.line, hint.column),
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
    return [_code_action(uri, analysis, action) for action in actions]


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


def _code_action(uri: str, analysis: Analysis, action: lsp_actions.Action) -> types.CodeAction:
    edits = []
    for edit in lsp_actions.line_edits(analysis.source, action.source):
        start = types.Position(edit.start, 0)
        end = types.Position(edit.end, 0) if edit.end is not None else analysis.text.end()
        edits.append(types.TextEdit(range=types.Range(start, end), new_text=edit.text))
    return types.CodeAction(
        title=action.title,
        kind=action.kind,
        diagnostics=[diagnostic(finding, analysis.text) for finding in action.findings] or None,
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
