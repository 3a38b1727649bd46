"""A safe fix never produces code the Keras version it targets rejects.

Every fix fixture (``fixtures/fix``) is fixed with the safe fixes only, for
Keras 2 and for Keras 3, once with the version given (``--keras``) and once
with nothing saying which (no option, no project, no installed Keras: Keras 3
assumed). Each result is then run, whole, under the target version in
TensorFlow (Keras 2: ``tf_keras``, with ``keras`` imports served by it and
``TF_USE_LEGACY_KERAS=1``): it must run wherever the original ran, and fail
no other way than the original did. With the version assumed, the
version-dependent fixes are unsafe, so a Keras 2 program is left runnable
under Keras 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest
from conftest import REPO

from rnnlint import kerasversion
from rnnlint.fix.engine import fix_source
from rnnlint.kerasversion import KerasBasis, option_basis
from rnnlint.pipeline import check_source
from rnnlint.project.decide import UNDECIDED
from rnnlint.rules import select_rules

FIXES = REPO / "fixtures" / "fix"
BEFORE = sorted(path for path in FIXES.glob("*.py") if not path.name.endswith(".fixed.py"))

RUNNER = textwrap.dedent(
    """\
    import importlib, importlib.abc, importlib.util, json, os, runpy, sys, tempfile

    class KerasIsTfKeras(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        '''Under Keras 2, ``import keras`` (and its submodules) gives tf_keras, as Keras 2 did.'''

        def find_spec(self, name, path=None, target=None):
            if name == "keras" or name.startswith("keras."):
                return importlib.util.spec_from_loader(name, self)
            return None

        def create_module(self, spec):
            return importlib.import_module("tf_keras" + spec.name[len("keras"):])

        def exec_module(self, module):
            pass

    if sys.argv[1] == "2":
        sys.meta_path.insert(0, KerasIsTfKeras())
    errors = {}
    folder = tempfile.mkdtemp()
    for name, source in json.loads(sys.stdin.read()).items():
        path = os.path.join(folder, name + ".py")
        with open(path, "w") as handle:
            handle.write(source)
        try:
            runpy.run_path(path, run_name="__main__")
            errors[name] = ""
        except BaseException as error:
            errors[name] = f"{type(error).__name__}: {error}"[:300]
    print("RESULT " + json.dumps(errors))
    """
)


def safe_fixed(path: Path, basis: KerasBasis) -> str:
    rules = select_rules()
    return fix_source(path.read_text(), lambda source: check_source(path.name, source, rules, basis)).source


@cache
def programs(target: int) -> dict[str, str]:
    """Every fixture, as written and with its safe fixes for ``target`` (given, or assumed)."""
    sources: dict[str, str] = {}
    saved = kerasversion.installed_keras
    kerasversion.installed_keras = lambda: None  # type: ignore[assignment]
    try:
        for path in BEFORE:
            sources[f"{path.stem}__original"] = path.read_text()
            sources[f"{path.stem}__given"] = safe_fixed(path, option_basis(str(target)))
            sources[f"{path.stem}__assumed"] = safe_fixed(path, UNDECIDED)
    finally:
        kerasversion.installed_keras = saved  # type: ignore[assignment]
    return sources


@cache
def run_under(target: int) -> dict[str, str]:
    """Each program run under Keras ``target`` in one child process: name -> error, or ''."""
    sources = programs(target)
    unique = {source: name for name, source in sources.items()}  # one run per distinct text
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    if target == 2:
        env["TF_USE_LEGACY_KERAS"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(target)],
        input=json.dumps({name: source for source, name in unique.items()}),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    errors = json.loads(lines[-1][len("RESULT ") :])
    return {name: errors[unique[source]] for name, source in sources.items()}


@pytest.mark.slow
@pytest.mark.parametrize("target", [2, 3])
@pytest.mark.parametrize("mode", ["given", "assumed"])
@pytest.mark.parametrize("path", BEFORE, ids=[path.stem for path in BEFORE])
def test_a_safe_fix_never_breaks_the_target_version(path: Path, mode: str, target: int) -> None:
    errors = run_under(target)
    before, after = errors[f"{path.stem}__original"], errors[f"{path.stem}__{mode}"]
    assert after in ("", before), f"Keras {target} rejects the safe fix ({mode}): {after} (before the fix: {before!r})"


@pytest.mark.slow
def test_the_fixtures_show_both_directions() -> None:
    """The proof has teeth: some originals fail under Keras 3 and their given fix runs; some
    Keras 2 programs run under Keras 2 and the assumed fixes leave them running."""
    keras3 = run_under(3)
    repaired = [path.stem for path in BEFORE if keras3[f"{path.stem}__original"] and not keras3[f"{path.stem}__given"]]
    assert {"rnn040_seed000", "rnn041_reset_states"} <= set(repaired)
    keras2 = run_under(2)
    assert keras2["rnn040_seed000__original"] == "" and keras2["rnn041_reset_states__original"] == ""
    assert programs(2)["rnn041_reset_states__assumed"] == programs(2)["rnn041_reset_states__original"]
