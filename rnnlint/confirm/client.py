"""The linter's side of the worker: start it lazily, ask, time out, restart.

A worker that dies or hangs costs one probe: ``ask`` raises ``WorkerError``
with the reason (the finding becomes ``unconfirmed``), the process is killed,
and the next probe starts a new worker. The worker runs from an empty
temporary directory so that nothing in the user's project (a ``keras.py``
next to their code) can ever be imported in its place.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import IO

import rnnlint
from rnnlint.confirm.protocol import Hello, Probe, Reply, dumps

WORKER_MODULE = "rnnlint.confirm.worker"
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Exit|Interrupt)\b")
"""A log line worth quoting as the reason a worker died: a Python exception."""


@dataclass(frozen=True)
class Limits:
    """How long one probe (one model) may take, how long TensorFlow may take to
    start, and the worker's memory cap (RLIMIT_DATA, Linux only)."""

    timeout: float = 60.0
    startup_timeout: float = 180.0
    memory_mb: int = 2048
    total: float = 600.0
    """Seconds all the probes of one run may take together; past it, the rest are unconfirmed."""

    @property
    def cpu_seconds(self) -> int:
        """The worker's own CPU cap per probe (all its threads): the timeout on every core, and a margin."""
        return int(self.timeout * max(1, os.cpu_count() or 1)) + 30


class WorkerError(Exception):
    """The worker gave no answer; ``str()`` is the reason shown to the user."""


class WorkerTimeout(WorkerError):
    """The probe took longer than its limit: worth remembering, it would again."""


class WorkerUnavailable(WorkerError):
    """This Keras version cannot be run at all here (not installed): no retry."""


class Worker:
    """One worker process for one Keras version (2: tf_keras, 3: keras)."""

    def __init__(self, keras: int, limits: Limits | None = None) -> None:
        self.keras = keras
        self.limits = limits or Limits()
        self.hello: Hello | None = None
        self.starts = 0
        self.unavailable: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: str | None = None
        self._log: IO[bytes] | None = None
        self._buffer = b""
        self._next_id = 0

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def ask(self, probe: Probe) -> Reply:
        """The worker's reply to ``probe``; raises WorkerError when there is none."""
        self.start()
        assert self._process is not None and self._process.stdin is not None
        self._next_id += 1
        request = dumps({"id": self._next_id, "probe": probe.to_json()}) + "\n"
        try:
            self._process.stdin.write(request.encode("utf-8"))
            self._process.stdin.flush()
        except OSError:
            raise WorkerError(self._death()) from None
        data = self._read(self.limits.timeout, f"timed out after {self.limits.timeout:g} s")
        if data.get("id") != self._next_id or not isinstance(data.get("reply"), dict):
            self._kill()
            raise WorkerError("worker answered out of turn")
        return Reply.from_json(data["reply"])

    def start(self) -> None:
        """Start the worker if it is not running (``ask`` does it when needed)."""
        if self.unavailable:
            raise WorkerUnavailable(self.unavailable)
        if self._process is None or self._process.poll() is not None:
            self._start()

    def close(self, kill: bool = False) -> None:
        """End the worker (it exits when its stdin closes; ``kill``: at once) and remove its folder."""
        process = self._process
        if kill:
            self._kill()
        elif process is not None and process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._kill()
        self._cleanup()

    # -- process management -------------------------------------------------

    def _start(self) -> None:
        self._cleanup()
        self.starts += 1
        self._folder = tempfile.mkdtemp(prefix="rnnlint-worker-")
        self._log = open(os.path.join(self._folder, "stderr.log"), "w+b")  # noqa: SIM115 (closed in _cleanup)
        command = [sys.executable, "-m", WORKER_MODULE, "--keras", str(self.keras)]
        command += ["--memory-mb", str(self.limits.memory_mb), "--parent-pid", str(os.getpid())]
        command += ["--cpu-seconds", str(self.limits.cpu_seconds)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=self._folder,
            env=worker_environment(self.keras),
            start_new_session=True,
            bufsize=0,
        )
        try:
            data = self._read(self.limits.startup_timeout, f"did not start in {self.limits.startup_timeout:g} s")
        except WorkerError as error:
            self.unavailable = f"TensorFlow worker {error}"  # not transient: do not retry per probe
            raise WorkerUnavailable(self.unavailable) from None
        self.hello = Hello.from_json(data)
        if self.hello.unavailable:
            self.unavailable = self.hello.unavailable
            self.close()
            raise WorkerUnavailable(self.unavailable)

    def _read(self, timeout: float, timeout_reason: str) -> dict:
        """The next JSON line from the worker, within ``timeout`` seconds."""
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self._kill()
                    raise WorkerTimeout(timeout_reason)
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    raise WorkerError(self._death())
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            self._kill()
            raise WorkerError(f"worker sent an unreadable reply: {line[:80]!r}") from None

    def _death(self) -> str:
        """Why the worker is gone: its exit status and the last line it logged."""
        process = self._process
        assert process is not None
        code, peak_mb = _reap(process)
        if code is None:
            self._kill()
            code = process.returncode
        last = self._last_log_line()
        self._cleanup()
        if code is not None and code < 0 and -code == getattr(signal, "SIGXCPU", -1):
            return f"worker over its CPU time limit ({self.limits.cpu_seconds} s)"
        if peak_mb is not None and self.limits.memory_mb and peak_mb >= 0.8 * self.limits.memory_mb:
            return f"out of memory (the worker reached {peak_mb} MB of its {self.limits.memory_mb} MB)"
        if last.startswith(("MemoryError", "ResourceExhaustedError")) or "std::bad_alloc" in last:
            return f"out of memory ({last})"
        if code is not None and code < 0:
            try:
                status = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                status = f"killed by signal {-code}"
        else:
            status = f"exit code {code}"
        return f"worker died ({status}{': ' + last if last else ''})"

    def _last_log_line(self) -> str:
        """The last Python exception the worker logged (not TensorFlow's chatter)."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if _EXCEPTION_LINE.match(line.strip())]
        return lines[-1][:200] if lines else ""

    def _kill(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self._buffer = b""


def _reap(process: subprocess.Popen[bytes]) -> tuple[int | None, int | None]:
    """The exit code of a worker that ended (within 5 s), and its peak memory in MB when the OS says."""
    deadline = time.monotonic() + 5
    wait4 = getattr(os, "wait4", None)
    while process.returncode is None and wait4 is not None and time.monotonic() < deadline:
        try:
            pid, status, usage = wait4(process.pid, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
            return process.returncode, usage.ru_maxrss // scale
        time.sleep(0.01)
    try:
        return process.wait(timeout=max(0.0, deadline - time.monotonic())), None
    except subprocess.TimeoutExpired:
        return None, None


def worker_environment(keras: int) -> dict[str, str]:
    """The worker's environment: quiet TensorFlow on the CPU, the right Keras,
    rnnlint importable, and never the current directory on sys.path."""
    env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(rnnlint.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env["PYTHONSAFEPATH"] = "1"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["KERAS_BACKEND"] = "tensorflow"
    env["CUDA_VISIBLE_DEVICES"] = "-1"
    if keras == 2:
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    return env


class WorkerPool:
    """One lazily started worker per Keras version, closed together."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.workers: dict[int, Worker] = {}
        _exit_on_sigterm()

    def worker(self, keras: int) -> Worker:
        if keras not in self.workers:
            self.workers[keras] = Worker(keras, self.limits)
        return self.workers[keras]

    def ask(self, probe: Probe) -> Reply:
        return self.worker(probe.keras).ask(probe)

    def started(self, keras: int) -> bool:
        """Whether the worker for ``keras`` is running (else the next probe waits for TensorFlow to start)."""
        worker = self.workers.get(keras)
        return worker is not None and worker.running

    def close(self, kill: bool = False) -> None:
        for worker in self.workers.values():
            worker.close(kill)


def _exit_on_sigterm() -> None:
    """SIGTERM ends the linter as Ctrl-C does, through its cleanup (workers
    killed, folders removed) rather than at once; a handler set by someone
    else is kept."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
