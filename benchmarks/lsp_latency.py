"""Language-server latency while typing: the real server (``rnnlint lsp``) over
stdio, driven by a small JSON-RPC client as an editor drives it.

A 300-line file of stacked recurrent models is opened; then each of N edits
changes a layer's width (code, not a comment: the whole module is analysed
again) and is followed, as an editor does, by an inlay-hint request for the
whole file and a hover on a layer. The latency of a change is the time from
sending didChange to having both answers. The first analysis is reported
apart.

Run after ``pip install -e '.[lsp]'``:  python benchmarks/lsp_latency.py [--edits 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
LINES = 300

MODEL = """\
# model {index}: {units} units over {steps} timesteps of {features} features
x_{index} = np.random.random(({samples}, {steps}, {features}))
y_{index} = np.random.random(({samples}, 4))
model_{index} = keras.Sequential([
    keras.Input(batch_shape=({batch}, {steps}, {features})),
    layers.LSTM({units}, return_sequences=True, stateful=True),
    layers.Dropout(0.1),
    layers.GRU({units}, return_sequences=True, stateful=True),
    layers.LSTM({half}, stateful=True),
    layers.Dense(16, activation="relu"),
    layers.Dense(4, activation="softmax"),
])
model_{index}.compile(loss="categorical_crossentropy", optimizer="adam")
model_{index}.fit(
    x_{index},
    y_{index},
    batch_size={batch},
    epochs=3,
    shuffle={shuffle},
)
model_{index}.predict(x_{index}, batch_size={batch})

"""


def model_file() -> str:
    """About 300 lines: stateful models with varied sizes, a few with findings (shuffle, uneven samples)."""
    parts = ["import numpy as np\nimport keras\nfrom keras import layers\n\n"]
    index = 0
    while sum(part.count("\n") for part in parts) < LINES:
        batch = (16, 32, 8)[index % 3]
        samples = batch * (10 + index) + (5 if index % 4 == 3 else 0)
        parts.append(
            MODEL.format(
                index=index,
                units=32 + 8 * index,
                half=16 + 4 * index,
                steps=8 + index,
                features=3 + index,
                batch=batch,
                samples=samples,
                shuffle="True" if index % 5 == 2 else "False",
            )
        )
        index += 1
    return "".join(parts)


class Client:
    """Framed JSON-RPC over the server's stdin/stdout; notifications it sends are kept aside."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process, self.input, self.output = process, process.stdin, process.stdout
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.input.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.input.flush()

    def receive(self, stream: IO[bytes] | None = None) -> dict[str, Any]:
        stream = stream or self.output
        length = 0
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if not length:
            raise RuntimeError("the server closed its output")
        message: dict[str, Any] = json.loads(stream.read(length))
        return message

    def request(self, method: str, params: dict[str, Any] | None) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait_for_result(self.next_id)

    def wait_for_result(self, wanted: int) -> Any:
        while True:
            message = self.receive()
            if message.get("id") == wanted and "method" not in message:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result")

    def wait_for_diagnostics(self) -> list[Any]:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                return list(message["params"]["diagnostics"])


def cpu_ms(pid: int) -> float | None:
    """The CPU time a process has used (user + system), from /proc; None where there is none.

    On a loaded machine wall-clock latency includes waiting for a core: this is the server's own work."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def run(edits: int) -> tuple[float, list[float], list[float], int, int]:
    """First analysis (ms), latency and server CPU time of each change (ms), hints per answer, the file's lines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "models.py"
        text = model_file()
        path.write_text(text)
        environment = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(Path(folder) / "cache")}
        process = subprocess.Popen(
            [sys.executable, "-m", "rnnlint", "lsp"],
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        client = Client(process)
        client.request("initialize", {"processId": os.getpid(), "rootUri": Path(folder).as_uri(), "capabilities": {}})
        client.send({"method": "initialized", "params": {}})
        uri = path.as_uri()
        started = time.perf_counter()
        document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
        client.wait_for_diagnostics()
        first = (time.perf_counter() - started) * 1000
        lines = text.splitlines()
        layer_line = next(i for i, line in enumerate(lines) if "layers.LSTM(" in line)
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(lines), "character": 0}}
        latencies, cpu = [], []
        hints = 0
        for version in range(2, edits + 2):
            width = 32 + version % 7
            lines[layer_line] = f"    layers.LSTM({width}, return_sequences=True, stateful=True),"
            changed = "\n".join(lines) + "\n"
            started, used = time.perf_counter(), cpu_ms(process.pid)
            change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": changed}]}
            client.send({"method": "textDocument/didChange", "params": change})
            answer = client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole})
            where = {"line": layer_line, "character": 12}
            hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": where})
            latencies.append((time.perf_counter() - started) * 1000)
            after = cpu_ms(process.pid)
            if used is not None and after is not None:
                cpu.append(after - used)
            hints = len(answer)
            assert hover is not None and f"LSTM({width})" in hover["contents"]["value"], hover
            assert any(hint["label"].startswith(f"(16, 8, {width})") for hint in answer), answer[:2]
        client.request("shutdown", None)
        client.send({"method": "exit"})
        process.wait(timeout=30)
        return first, latencies, cpu, hints, len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=40, help="didChange edits to time (default 40)")
    options = parser.parse_args()
    first, latencies, cpu, hints, lines = run(options.edits)
    print(f"file: {lines} lines, {hints} inlay hints per answer; first analysis (open to diagnostics): {first:.0f} ms")
    print(f"per change ({len(latencies)} edits; didChange, then inlay hints + hover answered): {summary(latencies)}")
    if cpu:
        print(f"server CPU time per change (clock ticks of {1000 / os.sysconf('SC_CLK_TCK'):.0f} ms): {summary(cpu)}")
    if hasattr(os, "getloadavg"):
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    median = statistics.median(values)
    return f"median {median:.0f} ms, p90 {p90:.0f} ms, min {ordered[0]:.0f} ms, max {ordered[-1]:.0f} ms"


if __name__ == "__main__":
    main()
