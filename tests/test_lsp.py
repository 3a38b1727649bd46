"""``rnnlint lsp`` in a real session: a small JSON-RPC client over stdio, as an editor speaks it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
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


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
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
    capabilities = client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": tmp_path.as_uri(),
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}},
        },
    )["capabilities"]
    assert capabilities["hoverProvider"] is True
    assert capabilities["textDocumentSync"]["change"] == 1  # full documents
    client.notify("initialized", {})
    yield client
    if process.poll() is None:
        client.request("shutdown")
        client.notify("exit")
        assert process.wait(timeout=TIMEOUT) == 0
    assert process.stdin is not None
    process.stdin.close()


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
