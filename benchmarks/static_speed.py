"""Static-path speed, side by side and alternating, over the same trees:
rnnlint (cold and warm cache), ``ruff check --select ALL --no-cache`` and a
libcst parse-only loop. Prints medians, ratios and peak memory.

Run after ``pip install -e '.[dev,confirm]'``:  python benchmarks/static_speed.py [--repeat 3] [--tree fixtures]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECURRENT = re.compile(r"LSTM|GRU|SimpleRNN")
PROJECT = "project (200 modules, 20 models trained elsewhere)"
UNCOMPILED = "keras (copied without __pycache__)"
TREES = (
    "keras",
    UNCOMPILED,
    "tensorflow",
    "keras (recurrent files)",
    "tensorflow (recurrent files)",
    "fixtures",
    PROJECT,
)
PARSE_ONLY = "import sys, libcst\nfor p in sys.argv[1:]:\n    libcst.parse_module(open(p, encoding='utf-8').read())\n"


def package_tree(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def recurrent_subset(tree: Path, into: Path) -> Path:
    """The files of ``tree`` that mention recurrent layers, copied flat."""
    into.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(sorted(tree.rglob("*.py"))):
        if RECURRENT.search(path.read_text(encoding="utf-8", errors="replace")):
            shutil.copy(path, into / f"{index:05d}_{path.name}")
    return into


def without_bytecode(tree: Path, into: Path) -> Path:
    """A copy of ``tree`` without Python's bytecode caches, as a fresh clone is:
    every skipped file's syntax is then checked by Python's parser."""
    shutil.copytree(tree, into, ignore=shutil.ignore_patterns("__pycache__"))
    return into


MODEL_MODULE = """import keras
from keras import layers

STEPS = {steps}


def build_model(batch_size, units={units}):
    model = keras.Sequential([
        keras.Input(batch_shape=(batch_size, STEPS, 3)),
        layers.LSTM(units, stateful=True, return_sequences=True),
        layers.LSTM(units // 2, stateful=True),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model
"""
TRAIN_MODULE = """import numpy as np

from proj.models.model_{index:02d} import STEPS, build_model
from proj.util.util_{helper:03d} import scale

x = scale(np.zeros((320, STEPS, 3)))
model = build_model(16)
for epoch in range(5):
    model.fit(x, np.zeros((320, 1)), batch_size=16, epochs=1, shuffle=False)
    model.reset_states()
model.predict(x)
"""
UTIL_MODULE = """from proj.util.util_{previous:03d} import scale as previous_scale


def scale(values, factor={factor}):
    return previous_scale(values) * factor


def describe(values):
    return {{"mean": float(values.mean()), "std": float(values.std())}}
"""


def multi_module_project(into: Path, models: int = 20, modules: int = 200) -> Path:
    """A generated project: ``models`` modules each building a stateful model
    that another module imports and trains, and plain helper modules."""
    package = into / "proj"
    for folder in ("models", "train", "util"):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (into / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    helpers = modules - 2 * models
    for index in range(models):
        (package / "models" / f"model_{index:02d}.py").write_text(MODEL_MODULE.format(steps=10 + index, units=32))
        train = TRAIN_MODULE.format(index=index, helper=index * helpers // models)
        (package / "train" / f"train_{index:02d}.py").write_text(train)
    (package / "util" / "util_000.py").write_text("def scale(values, factor=1.0):\n    return values * factor\n")
    for index in range(1, helpers):
        util = UTIL_MODULE.format(previous=index - 1 if index % 10 else 0, factor=1 + index / 100)
        (package / "util" / f"util_{index:03d}.py").write_text(util)
    return into


def ruff_command() -> str:
    """The ruff installed beside this Python (the dev extra), else the one on PATH."""
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.exists() else shutil.which("ruff") or "ruff"


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall time and this child's own peak memory (KB), from wait4."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    _, _, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = 0  # reaped by wait4 already
    return elapsed, usage.ru_maxrss


def files_checked(tree: Path) -> int:
    """How many files rnnlint checks in ``tree``, from its summary line: a tree
    inside a folder it excludes (a virtual environment's site-packages) would
    otherwise be timed doing nothing."""
    run = subprocess.run(
        [sys.executable, "-m", "rnnlint", "--no-cache", "--exit-zero", tree.name],
        cwd=tree.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"(\d+) files? checked", run.stdout)
    return int(match.group(1)) if match else 0


def measure(tree: Path, repeat: int, scratch: Path) -> dict[str, tuple[float, int]]:
    """Each tool run from the tree's parent folder on the tree, as on a project of its own."""
    files = [str(path) for path in sorted(tree.rglob("*.py"))]
    cache = scratch / "cache"
    commands = {
        "rnnlint cold": [sys.executable, "-m", "rnnlint", "--no-cache", tree.name],
        "rnnlint warm": [sys.executable, "-m", "rnnlint", "--cache-dir", str(cache), tree.name],
        "ruff ALL": [ruff_command(), "check", "--select", "ALL", "--no-cache", "--exit-zero", "-q", tree.name],
        "libcst parse": [sys.executable, "-c", PARSE_ONLY, *files],
    }
    timed(commands["rnnlint warm"], tree.parent)  # fills the cache
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(repeat):  # alternating, so that load on the machine hits all alike
        for name, command in commands.items():
            samples[name].append(timed(command, tree.parent))
    return {name: (statistics.median(t for t, _ in runs), max(m for _, m in runs)) for name, runs in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--tree",
        action="append",
        choices=TREES,
        help="measure only this tree (repeatable); default: all of them, and one small file",
    )
    options = parser.parse_args()
    chosen = options.tree or list(TREES)
    compileall.compile_dir(ROOT / "rnnlint", quiet=1)  # as an installed package is: byte-compiled
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        trees = {
            "keras": lambda: package_tree("keras"),
            UNCOMPILED: lambda: without_bytecode(package_tree("keras"), scratch / "keras_uncompiled" / "keras"),
            "tensorflow": lambda: package_tree("tensorflow"),
            "keras (recurrent files)": lambda: recurrent_subset(package_tree("keras"), scratch / "keras_rnn"),
            "tensorflow (recurrent files)": lambda: recurrent_subset(package_tree("tensorflow"), scratch / "tf_rnn"),
            "fixtures": lambda: ROOT / "fixtures",
            PROJECT: lambda: multi_module_project(scratch / "multi" / "tree"),
        }
        for label in chosen:
            tree = trees[label]()
            count = sum(1 for _ in tree.rglob("*.py"))
            checked = files_checked(tree)
            if not checked:
                sys.exit(f"{label}: rnnlint checks none of its {count} files")
            results = measure(tree, options.repeat, scratch / re.sub(r"\W+", "_", label))
            cold, warm = results["rnnlint cold"][0], results["rnnlint warm"][0]
            print(f"\n{label}: {count} files, {checked} checked ({os.cpu_count()} cores, median of {options.repeat})")
            for name, (seconds, peak) in results.items():
                print(f"  {name:<14} {seconds:7.2f} s   peak {peak / 1024:6.0f} MB")
            print(f"  cold / ruff ALL      {cold / results['ruff ALL'][0]:.2f}")
            print(f"  warm / cold          {warm / cold:.2f}")
            print(f"  cold / libcst parse  {cold / results['libcst parse'][0]:.2f}")
    if options.tree:
        return
    small = ROOT / "fixtures" / "seed000_stateful_guide.py"
    one_file, libcst_import = [], []
    for _ in range(max(options.repeat, 5)):  # alternating, as above
        libcst_import.append(timed([sys.executable, "-c", "import libcst"])[0])
        one_file.append(timed([sys.executable, "-m", "rnnlint", "--no-cache", str(small)])[0])
    print(
        f"\none small model file: {statistics.median(one_file):.2f} s; "
        f"python -c 'import libcst': {statistics.median(libcst_import):.2f} s; "
        f"ratio {statistics.median(one_file) / statistics.median(libcst_import):.2f}"
    )


if __name__ == "__main__":
    main()
