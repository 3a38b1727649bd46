"""``rnnlint lsp`` in a real session: a small JSON-RPC client over stdio, as an editor speaks it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlparse

import pytest
from conftest import BAD_MODEL, GOOD_MODEL, KERAS3_MODEL, REPO, rnnlint_process

TIMEOUT = 60.0


class Client:
    """Just enough of an LSP client: framed JSON-RPC messages, requests matched by id."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.pending: list[dict[str, Any]] = []
        self.next_id = 0
        self.capabilities: dict[str, Any] = {}
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            headers: dict[str, str] = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"method": method, **({"params": params} if params is not None else {})})

    def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, **({"params": params} if params is not None else {})})
        message = self.wait(lambda m: m.get("id") == wanted and "method" not in m)
        assert "error" not in message, message
        return message["result"]

    def wait(self, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for index, message in enumerate(self.pending):
            if matches(message):
                return self.pending.pop(index)
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if matches(message):
                return message
            self.pending.append(message)

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for ``uri``."""
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        )
        return list(message["params"]["diagnostics"])


def start(tmp_path: Path, encodings: list[str] | None = None) -> Client:
    """A server process and an initialized session; ``encodings``: the client's general.positionEncodings."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "rnnlint", "lsp"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    client = Client(process)
    capabilities: dict[str, Any] = {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}
    if encodings is not None:
        capabilities["general"] = {"positionEncodings": encodings}
    client.capabilities = client.request(
        "initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": capabilities}
    )["capabilities"]
    assert client.capabilities["hoverProvider"] is True
    assert client.capabilities["textDocumentSync"]["change"] == 1  # full documents
    client.notify("initialized", {})
    return client


def stop(client: Client) -> None:
    process = client.process
    if process.poll() is None:
        client.request("shutdown")
        client.notify("exit")
        assert process.wait(timeout=TIMEOUT) == 0
    assert process.stdin is not None
    process.stdin.close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    session = start(tmp_path)
    yield session
    stop(session)


def _open(client: Client, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
    )
    return uri


def _change(client: Client, uri: str, version: int, text: str) -> None:
    params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}
    client.notify("textDocument/didChange", params)


def test_diagnostics_on_open_change_save_and_close(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(BAD_MODEL)
    uri = _open(client, path, BAD_MODEL)
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "RNN002"
    assert diagnostic["source"] == "rnnlint"
    assert diagnostic["severity"] == 1
    assert diagnostic["range"] == {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 64}}
    assert diagnostic["message"].endswith("; pass shuffle=False")
    doc = Path(unquote(urlparse(diagnostic["codeDescription"]["href"]).path))
    assert doc.read_text() == rnnlint_process("rule", "RNN002", cwd=tmp_path).stdout

    _change(client, uri, 2, GOOD_MODEL)
    assert client.diagnostics(uri) == []
    _change(client, uri, 3, BAD_MODEL)
    assert [d["code"] for d in client.diagnostics(uri)] == ["RNN002"]

    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nignore = ["RNN002"]\n')  # read afresh on save
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []


def test_hover_shows_the_rule_doc(client: Client, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "model.py", BAD_MODEL)
    assert len(client.diagnostics(uri)) == 1
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 10}}
    )
    assert hover["contents"]["kind"] == "markdown"
    assert hover["contents"]["value"].startswith("**RNN002** fit() on a stateful model")
    assert "# RNN002 stateful-fit-shuffle" in hover["contents"]["value"]
    assert "## Why is this bad?" in hover["contents"]["value"]
    assert hover["range"]["start"] == {"line": 4, "character": 0}
    nothing = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
    )
    assert nothing is None


def test_columns_are_utf16_and_config_applies(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nkeras = 3\n")
    text = KERAS3_MODEL.replace("lstm =", 'tag = "\U0001f389"; lstm =')
    uri = _open(client, tmp_path / "emoji.py", text)
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "RNN040"
    column = text.splitlines()[1].index("batch_size")  # code points; the emoji is two UTF-16 units
    assert diagnostic["range"]["start"] == {"line": 1, "character": column + 1}


def test_unused_suppression_is_a_diagnostic_when_selected(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-select = ["RNN100"]\n')
    text = GOOD_MODEL.replace("shuffle=False)", "shuffle=False)  # noqa: E501, RNN002")
    uri = _open(client, tmp_path / "model.py", text)
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "RNN100"
    start = text.splitlines()[4].index("# noqa")
    assert diagnostic["range"]["start"] == {"line": 4, "character": start}
    assert diagnostic["message"].endswith("(unused: RNN002); remove RNN002 from it")


# -- position encodings ------------------------------------------------------------

ACCENTS = '"# température é \U0001f600"'
"""Two-byte, and four-byte (two UTF-16 units) characters before the code that matters."""
ENCODED = textwrap.dedent(
    f"""\
    from keras import layers
    import keras
    tag = {ACCENTS}; lstm = layers.LSTM(4, input_shape=(5, 2), batch_size=10)
    tag = {ACCENTS}; model = keras.Sequential([keras.Input(shape=(5, 2)), layers.LSTM(4)])
    """
)


def _units(text: str, encoding: str) -> int:
    """The length of ``text`` in the code units of ``encoding``."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [
        (["utf-8", "utf-16"], "utf-8"),  # Neovim, Helix: the client's first choice wins
        (["utf-16"], "utf-16"),
        (["utf-32", "utf-8"], "utf-32"),
        (["latin-1", "utf-8"], "utf-8"),  # one the server does not know is passed over
        (None, "utf-16"),  # the default when the client names none
    ],
)
def test_every_range_is_in_the_negotiated_encoding(tmp_path: Path, asked: list[str] | None, chosen: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nkeras = 3\n")
    session = start(tmp_path, asked)
    try:
        assert session.capabilities["positionEncoding"] == chosen
        uri = _open(session, tmp_path / "accents.py", ENCODED)
        lines = ENCODED.splitlines()
        [found] = session.diagnostics(uri)
        start_column = _units(lines[2][: lines[2].index("batch_size")], chosen)
        end_column = _units(lines[2][: lines[2].index("10)") + 2], chosen)
        assert found["range"] == {
            "start": {"line": 2, "character": start_column},
            "end": {"line": 2, "character": end_column},
        }

        hints = session.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": _lines(0, 4)})
        hint = next(h for h in hints if h["position"]["line"] == 3)
        assert hint["label"] == "(None, 4) batch, units"
        assert hint["position"]["character"] == _units(lines[3][: lines[3].index("LSTM(4)") + 7], chosen)

        at_lstm = _units(lines[3][: lines[3].index("LSTM(4)") + 2], chosen)
        hover = _hover(session, uri, 3, at_lstm)
        assert hover is not None and "**LSTM(4)**" in hover["contents"]["value"]
        assert hover["range"]["start"]["character"] == _units(lines[3][: lines[3].index("layers.LSTM")], chosen)
        finding_hover = _hover(session, uri, 2, start_column + 1)
        assert finding_hover is not None and finding_hover["contents"]["value"].startswith("**RNN040**")

        noqa = next(a for a in _actions(session, uri, 2) if a["title"].startswith("Ignore RNN040"))
        _change(session, uri, 2, _apply(ENCODED, noqa, chosen))
        assert session.diagnostics(uri) == []
    finally:
        stop(session)


# -- shapes in the editor ------------------------------------------------------------

SEED = (REPO / "fixtures" / "seed000_stateful_guide.py").read_text()


def _lines(first: int, last: int) -> dict[str, Any]:
    return {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}


def _hover(client: Client, uri: str, line: int, character: int) -> Any:
    where = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    return client.request("textDocument/hover", where)


def test_inlay_hints_show_each_layer_output_with_axis_names(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nkeras = 2\n")
    uri = _open(client, tmp_path / "guide.py", SEED)
    assert client.diagnostics(uri) == []
    hints = client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": _lines(0, 40)})
    assert [(h["position"]["line"], h["label"]) for h in hints] == [
        (16, "(32, 8, 32) batch, timesteps, units"),  # after LSTM(..., batch_input_shape=(...)) on lines 16-17
        (17, "(32, 8, 32) batch, timesteps, units"),
        (18, "(32, 32) batch, units"),
        (19, "(32, 10) batch, units"),
    ]
    lines = SEED.splitlines()
    assert hints[1]["position"]["character"] == len("model.add(LSTM(32, return_sequences=True, stateful=True)")
    assert all(h["kind"] == 1 and h["paddingLeft"] is True for h in hints)
    only_two = client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": _lines(18, 19)})
    assert [h["label"] for h in only_two] == ["(32, 32) batch, units", "(32, 10) batch, units"]
    assert lines[18].startswith("model.add(LSTM(32, stateful=True))")


def test_hover_on_a_layer_shows_shapes_and_the_parameter_formula(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nkeras = 2\n")
    uri = _open(client, tmp_path / "guide.py", SEED)
    client.diagnostics(uri)
    first = _hover(client, uri, 15, 12)["contents"]["value"]
    assert "- input: `(32, 8, 16)` batch, timesteps, features" in first
    assert "- output: `(32, 8, 32)` batch, timesteps, units" in first
    assert "- parameters: 6,272" in first
    assert "4 x (units x (features + units) + units) = 4 x (32 x (16 + 32) + 32) = 6,272" in first
    assert "not tied to the batch size" in first
    dense = _hover(client, uri, 19, 12)["contents"]["value"]
    assert "features x units + units = 32 x 10 + 10 = 330" in dense
    assert _hover(client, uri, 6, 3) is None  # `data_dim = 16`: nothing to say


def test_hover_on_fit_shows_the_batches_and_which_sample_continues_which(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nkeras = 2\n")
    text = SEED.replace("shuffle=False,", "")
    uri = _open(client, tmp_path / "guide.py", text)
    [finding] = client.diagnostics(uri)
    assert finding["code"] == "RNN002"
    value = _hover(client, uri, 33, 8)["contents"]["value"]
    assert value.startswith("**RNN002**")  # the finding's doc first, then the batches
    assert "- 320 samples, batch size 32: 10 batches of 32" in value
    assert "samples: 320; batch size: 32; batches: 10; last batch: 32" in value
    assert "row 32 continues row 0, row 33 continues row 1" in value
    assert "fit shuffles the rows each epoch" in value

    uneven = text.replace("batch_size * 10, timesteps", "330, timesteps").replace("batch_size * 10, num", "330, num")
    _change(client, uri, 2, uneven)
    client.diagnostics(uri)
    value = _hover(client, uri, 33, 8)["contents"]["value"]
    assert "330 samples, batch size 32: 11 batches (10 of 32, the last of 10)" in value


# -- code actions ----------------------------------------------------------------------


def _actions(client: Client, uri: str, line: int, only: list[str] | None = None) -> list[dict[str, Any]]:
    context: dict[str, Any] = {"diagnostics": []}
    if only is not None:
        context["only"] = only
    params = {"textDocument": {"uri": uri}, "range": _lines(line, line), "context": context}
    return list(client.request("textDocument/codeAction", params))


def _apply(text: str, action: dict[str, Any], encoding: str = "utf-16") -> str:
    """The text after an action's edits, applied as an editor does (last first)."""
    [change] = action["edit"]["documentChanges"]
    lines = text.splitlines(keepends=True)

    def offset(position: dict[str, int]) -> int:
        before = "".join(lines[: position["line"]])
        line = lines[position["line"]] if position["line"] < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position["character"]:
                return len(before) + index
            units += _units(char, encoding)
        return len(before) + len(line)

    for edit in sorted(change["edits"], key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]))[
        ::-1
    ]:
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]) :]
    return text


def test_code_action_fix_applied_and_the_file_relinted_clean(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    uri = _open(client, path, BAD_MODEL)
    assert len(client.diagnostics(uri)) == 1
    fix, noqa, fix_all = _actions(client, uri, 4)
    assert fix["title"].startswith("Fix RNN002: pass shuffle=False")
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is True
    assert fix["diagnostics"][0]["code"] == "RNN002"
    assert noqa["title"] == "Ignore RNN002 on this line (# noqa: RNN002)" and "isPreferred" not in noqa
    assert fix_all["kind"] == "source.fixAll.rnnlint"

    fixed = _apply(BAD_MODEL, fix)
    assert fixed == GOOD_MODEL
    path.write_text(fixed)
    assert rnnlint_process(str(path), cwd=tmp_path).returncode == 0
    _change(client, uri, 2, fixed)
    assert client.diagnostics(uri) == []
    assert _actions(client, uri, 4) == []

    _change(client, uri, 3, BAD_MODEL)
    client.diagnostics(uri)
    [_, noqa, _] = _actions(client, uri, 4)
    silenced = _apply(BAD_MODEL, noqa)
    assert silenced.splitlines()[4].endswith("batch_size=4)  # noqa: RNN002")
    _change(client, uri, 4, silenced)
    assert client.diagnostics(uri) == []


def test_fix_all_and_an_unsafe_fix_marked_as_such(client: Client, tmp_path: Path) -> None:
    text = BAD_MODEL.replace("batch_size=4)", "batch_size=8)  # tuned")
    uri = _open(client, tmp_path / "model.py", text)
    assert sorted(d["code"] for d in client.diagnostics(uri)) == ["RNN002", "RNN004"]
    actions = _actions(client, uri, 4)
    titles = [a["title"] for a in actions]
    unsafe = next(a for a in actions if a["title"].startswith("Fix RNN004"))
    assert "(unsafe fix: changes behaviour, review it)" in unsafe["title"] and "isPreferred" not in unsafe
    assert "Ignore RNN004 on this line (# noqa: RNN004)" in titles
    noqa_both = next(a for a in actions if a["title"].startswith("Ignore RNN004"))
    assert _apply(text, noqa_both).splitlines()[4].endswith("  # tuned  # noqa: RNN004")

    [fix_all] = _actions(client, uri, 0, only=["source.fixAll"])
    assert fix_all["title"] == "Fix all safe rnnlint findings"
    fixed = _apply(text, fix_all)
    assert "shuffle=False" in fixed and "batch_size=8" in fixed  # the unsafe fix is not applied by fix all
    _change(client, uri, 2, fixed)
    assert [d["code"] for d in client.diagnostics(uri)] == ["RNN004"]
    _change(client, uri, 3, _apply(fixed, next(a for a in _actions(client, uri, 4) if "RNN004" in a["title"])))
    assert client.diagnostics(uri) == []
    assert _actions(client, uri, 0, only=["quickfix"]) == []


def test_excluded_documents_get_nothing(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nexclude = ["generated"]\n')
    (tmp_path / "generated").mkdir()
    uri = _open(client, tmp_path / "generated" / "model.py", BAD_MODEL)
    assert client.diagnostics(uri) == []
    assert client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": _lines(0, 9)}) == []
    assert _hover(client, uri, 4, 10) is None
    assert _actions(client, uri, 4) == []
    kept = _open(client, tmp_path / "model.py", BAD_MODEL)
    assert [d["code"] for d in client.diagnostics(kept)] == ["RNN002"]
