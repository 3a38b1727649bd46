"""What ``--confirm`` costs: TensorFlow's start-up once, then each model, then a cached re-run.

    python benchmarks/confirm_cost.py [PATH ...]

PATHs default to fixtures/ and ../shared/challenge/, judged for Keras 3, in
``--confirm=all`` mode (every finding's experiment and every other recurrent
model built and called). A script that prints timings, not a timed test.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rnnlint.confirm.client import WorkerPool
from rnnlint.confirm.protocol import Probe, Reply
from rnnlint.confirm.session import Confirmer, ConfirmOptions
from rnnlint.confirm.versions import installed
from rnnlint.files import discover
from rnnlint.findings import FileResult
from rnnlint.pipeline import check_file
from rnnlint.rules import select_rules

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = (ROOT / "fixtures", ROOT.parent / "shared" / "challenge")


class TimedPool(WorkerPool):
    """A worker pool that records how long each probe takes, by probe kind."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, list[float]] = defaultdict(list)

    def ask(self, probe: Probe) -> Reply:
        start = time.perf_counter()
        try:
            return super().ask(probe)
        finally:
            self.seconds[probe.kind].append(time.perf_counter() - start)


def confirm_all(results: list[FileResult], pool: WorkerPool, cache: str) -> float:
    confirmer = Confirmer(ConfirmOptions("all", cache), pool=pool, stream=io.StringIO())
    start = time.perf_counter()
    for result in results:
        confirmer.confirm(result)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    paths = tuple(argv) or tuple(str(path) for path in DEFAULT_PATHS if path.exists())
    files = discover(paths).files
    results = [check_file(path, select_rules(), "3", prefilter=False) for path in files]
    versions = installed(3)
    print(f"{len(files)} files, Keras {versions.keras}, TensorFlow {versions.tensorflow}, --confirm=all")
    with tempfile.TemporaryDirectory() as cache:
        pool = TimedPool()
        start = time.perf_counter()
        pool.worker(3).start()
        print(f"TensorFlow start-up (once per run):  {time.perf_counter() - start:6.2f} s")
        cold = confirm_all(results, pool, cache)
        pool.close()
        every = [seconds for kind in pool.seconds.values() for seconds in kind]
        print(f"first run, after start-up:           {cold:6.2f} s for {len(every)} models/findings")
        print(f"  median per model:                  {statistics.median(every):6.3f} s (max {max(every):.2f} s)")
        for kind, seconds in sorted(pool.seconds.items()):
            print(f"  {kind + ' probes':<18} {len(seconds):4d} {'median':>13} {statistics.median(seconds):6.3f} s")
        again = WorkerPool()
        cached = confirm_all(results, again, cache)
        started = sum(worker.starts for worker in again.workers.values())
        print(f"cached re-run:                       {cached:6.2f} s ({started} workers started)")
        again.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
