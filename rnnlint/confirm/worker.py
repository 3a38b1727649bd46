"""The confirmation worker: ``python -m rnnlint.confirm.worker --keras 3``.

Imports TensorFlow once, then answers one JSON probe per stdin line with one
JSON reply per stdout line. Its first line says which versions it runs (or
why it cannot). The real stdout is kept for the protocol alone: file
descriptor 1 is pointed at stderr, so that TensorFlow's C++ logs and any
print from Keras never corrupt a reply. One worker serves one Keras version:
Keras 3 is ``keras``, Keras 2 is ``tf_keras``, and the two are kept apart.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import IO, Any

from rnnlint.confirm.protocol import Hello, Probe, Reply, dumps


def claim_stdout() -> IO[str]:
    """The protocol channel: a private copy of stdout; fd 1 and sys.stdout go to stderr."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


def limit_memory(megabytes: int) -> None:
    """Cap the data segment (heap and anonymous mappings). RLIMIT_AS cannot be
    used: TensorFlow reserves far more address space than it ever touches.
    Over the cap TensorFlow raises ResourceExhaustedError, numpy MemoryError."""
    if megabytes <= 0 or not sys.platform.startswith("linux"):
        return
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Linux: SIGTERM when the linter dies, however it dies (even SIGKILL), so
    that no worker is left running TensorFlow for nobody; the handler removes
    the worker's own temporary folder (its working directory) on the way out."""
    import signal

    signal.signal(signal.SIGTERM, _leave)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:  # the linter died before prctl: nobody will ask
        _leave(signal.SIGTERM, None)


def _leave(signum: int, frame: object) -> None:
    remove_own_folder()
    os._exit(128 + signum)


def remove_own_folder() -> None:
    """The temporary folder the linter made the worker's working directory (the
    linter removes it too; this covers a linter that is gone)."""
    import shutil

    folder = os.getcwd()
    if os.path.basename(folder).startswith("rnnlint-worker-"):
        shutil.rmtree(folder, ignore_errors=True)


def limit_cpu(seconds: int) -> None:
    """Allow ``seconds`` more CPU time (all threads) from now: the worker stops
    itself (SIGXCPU, then SIGKILL) even if the linter's timeout never fires."""
    if seconds <= 0 or not hasattr(os, "times"):
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def import_keras(version: int) -> tuple[Any, Hello]:
    """The Keras module for ``version`` and the versions it runs, or None and why not."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    if version == 2:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
    try:
        import tensorflow
    except ImportError as error:
        return None, Hello(None, None, f"tensorflow not installed ({error})")
    tensorflow.get_logger().setLevel("ERROR")  # retracing notes and the like: noise in the worker's log
    tf_version = str(tensorflow.__version__)
    if version == 2:
        try:
            import tf_keras as keras
        except ImportError:
            return None, Hello(None, tf_version, "tf_keras not installed")
    else:
        try:
            import keras
        except ImportError:
            return None, Hello(None, tf_version, "keras not installed")
        if not str(keras.__version__).startswith("3."):
            return None, Hello(str(keras.__version__), tf_version, f"keras {keras.__version__} is not Keras 3")
    return keras, Hello(str(keras.__version__), tf_version)


def serve(keras: Any, requests: IO[str], channel: IO[str], cpu_seconds: int = 0) -> None:
    """Answer requests until stdin closes, each within ``cpu_seconds`` of CPU time."""
    from rnnlint.confirm.experiments import failure, run_probe

    for line in requests:
        if not line.strip():
            continue
        limit_cpu(cpu_seconds)
        request: dict[str, Any] = {}
        try:
            request = json.loads(line)
            reply = run_probe(keras, Probe.from_json(request["probe"]))
        except (Exception, MemoryError) as error:
            reply = Reply(failure=failure(error, "worker"))
        channel.write(dumps({"id": request.get("id"), "reply": reply.to_json()}) + "\n")
        channel.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnlint.confirm.worker")
    parser.add_argument("--keras", type=int, choices=(2, 3), required=True)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--parent-pid", type=int, default=0)
    args = parser.parse_args(argv)
    die_with_parent(args.parent_pid)
    channel = claim_stdout()
    limit_memory(args.memory_mb)
    limit_cpu(args.cpu_seconds * 3)  # TensorFlow's import and start
    keras, hello = import_keras(args.keras)
    channel.write(dumps(hello.to_json()) + "\n")
    channel.flush()
    try:
        if keras is not None:
            serve(keras, sys.stdin, channel, args.cpu_seconds)
    finally:
        remove_own_folder()
    return 0


if __name__ == "__main__":
    sys.exit(main())
