"""The Keras a project runs, from its metadata: each format on a small temporary
project, the order they are consulted in, and the folder walk."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from conftest import KERAS3_MODEL, Invoke, write

from rnnlint import kerasversion
from rnnlint.kerasversion import ASSUMED, CODE, ENVIRONMENT, PROJECT, KerasBasis, resolve_version, with_code
from rnnlint.project import readers
from rnnlint.project.decide import UNDECIDED, ProjectKeras
from rnnlint.project.readers import poetry_specifier
from rnnlint.project.requirements import Requirement, keras_majors, parse_pep508


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    write(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def basis(folder: Path) -> KerasBasis:
    return ProjectKeras().basis(str(folder))


def summary(found: list[Requirement]) -> list[tuple[str, str, int]]:
    return [(item.package, item.specifier, item.line) for item in found]


@pytest.fixture(autouse=True)
def _no_legacy_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)


# -- requirements and specifiers -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "majors"),
    [
        ("keras>=3.0", {3}),
        ("keras<3", {2}),
        ("keras==2.15.*", {2}),
        ("Keras ~= 2.4", {2}),
        ("keras>=2.15,<2.15.2", {2}),
        ("keras==3.0.0rc1", {3}),
        ("keras", {2, 3}),
        ("keras>=2.0", {2, 3}),
        ("keras!=3.0.0", {2, 3}),
        ("keras @ https://example.invalid/keras.whl", {2, 3}),
        ("tensorflow==2.15.0", {2}),
        ("tensorflow<2.16", {2}),
        ("tensorflow>=2.16", {3}),
        ("tensorflow-cpu~=2.17.0", {3}),
        ("tensorflow>=2.10,<2.20", {2, 3}),
        ("tensorflow[and-cuda]==2.17.1; sys_platform == 'linux'", {3}),
        ("tf_keras>=2.16", {2}),
    ],
)
def test_the_majors_a_requirement_admits(text: str, majors: set[int]) -> None:
    requirement = parse_pep508(text, "requirements.txt", 1)
    assert requirement is not None
    assert keras_majors(requirement) == majors


def test_other_packages_are_not_requirements() -> None:
    assert parse_pep508("keras-nlp>=0.5", "r.txt", 1) is None
    assert parse_pep508("numpy", "r.txt", 1) is None


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^2.15", ">=2.15,<3"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("~2.15", ">=2.15,<2.16"),
        ("2.15.0", "==2.15.0"),
        (">=2.0 <3.0", ">=2.0,<3.0"),
        ("*", ""),
        ("^2.0 || ^3.0", ""),
    ],
)
def test_poetry_constraints_as_pep440(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


# -- one reader per format ---------------------------------------------------------------


def test_pyproject_pep621_optional_groups_pdm_uv_hatch(tmp_path: Path) -> None:
    path = (
        project(
            tmp_path,
            {
                "pyproject.toml": """\
            [project]
            name = "demo"
            dependencies = ["numpy", "keras>=3.0"]
            [project.optional-dependencies]
            gpu = ["tensorflow[and-cuda]>=2.16"]
            [dependency-groups]
            test = ["tf-keras"]
            [tool.pdm.dev-dependencies]
            lint = ["keras<3"]
            [tool.uv]
            dev-dependencies = ["tensorflow==2.15.0"]
            [tool.hatch.envs.legacy]
            dependencies = ["keras==2.15.0"]
            """
            },
        )
        / "pyproject.toml"
    )
    assert summary(readers.read_pyproject(str(path))) == [
        ("keras", ">=3.0", 3),
        ("tensorflow", ">=2.16", 5),
        ("tf-keras", "", 7),
        ("keras", "<3", 9),
        ("tensorflow", "==2.15.0", 11),
        ("keras", "==2.15.0", 13),
    ]


def test_pyproject_poetry(tmp_path: Path) -> None:
    path = (
        project(
            tmp_path,
            {
                "pyproject.toml": """\
            [tool.poetry.dependencies]
            python = "^3.10"
            tensorflow = "~2.15"
            [tool.poetry.group.dev.dependencies]
            keras = { version = "^2.15" }
            """
            },
        )
        / "pyproject.toml"
    )
    assert summary(readers.read_pyproject(str(path))) == [("tensorflow", ">=2.15,<2.16", 3), ("keras", ">=2.15,<3", 5)]


def test_requirements_txt_follows_includes(tmp_path: Path) -> None:
    project(
        tmp_path,
        {
            "requirements.txt": "# pinned\n--index-url https://example.invalid\n-r requirements/base.txt\nnumpy\n",
            "requirements/base.txt": "pandas\ntensorflow==2.15.0 \\\n    --hash=sha256:00  # a comment\n",
        },
    )
    found = readers.read_requirements_txt(str(tmp_path / "requirements.txt"))
    assert summary(found) == [("tensorflow", "==2.15.0", 2)]
    assert found[0].file.endswith("base.txt")


def test_requirements_txt_include_cycle_ends(tmp_path: Path) -> None:
    project(tmp_path, {"a.txt": "-r b.txt\nkeras<3\n", "b.txt": "-r a.txt\n"})
    assert summary(readers.read_requirements_txt(str(tmp_path / "a.txt"))) == [("keras", "<3", 2)]


def test_setup_cfg(tmp_path: Path) -> None:
    project(
        tmp_path,
        {
            "setup.cfg": """\
            [metadata]
            name = demo
            [options]
            install_requires =
                numpy
                tensorflow>=2.16; python_version >= "3.9"
            [options.extras_require]
            legacy = tf-keras>=2.16
            """
        },
    )
    assert summary(readers.read_setup_cfg(str(tmp_path / "setup.cfg"))) == [
        ("tensorflow", ">=2.16", 6),
        ("tf-keras", ">=2.16", 8),
    ]


def test_setup_py_literal_install_requires_is_read_not_run(tmp_path: Path) -> None:
    project(
        tmp_path,
        {
            "setup.py": """\
            import sys
            from setuptools import setup
            REQUIRED = [
                "numpy",
                "keras==2.15.0",
            ]
            sys.exit("setup.py must never be run by a linter")
            setup(name="demo", install_requires=REQUIRED, extras_require={"tf": ["tensorflow<2.16"]})
            """
        },
    )
    assert summary(readers.read_setup_py(str(tmp_path / "setup.py"))) == [
        ("keras", "==2.15.0", 5),
        ("tensorflow", "<2.16", 8),
    ]


def test_setup_py_computed_requirements_are_not_guessed(tmp_path: Path) -> None:
    project(tmp_path, {"setup.py": "from setuptools import setup\nsetup(install_requires=open('r.txt').readlines())\n"})
    assert readers.read_setup_py(str(tmp_path / "setup.py")) == []


def test_environment_yml_conda_and_pip(tmp_path: Path) -> None:
    project(
        tmp_path,
        {
            "environment.yml": """\
            name: demo
            channels: [conda-forge]
            dependencies:
              - python=3.10
              - conda-forge::tensorflow=2.15
              - pip:
                - "keras>=3"
            """
        },
    )
    assert summary(readers.read_environment_yml(str(tmp_path / "environment.yml"))) == [
        ("tensorflow", "==2.15.*", 5),
        ("keras", ">=3", 7),
    ]


def test_pipfile(tmp_path: Path) -> None:
    project(
        tmp_path,
        {"Pipfile": '[packages]\nnumpy = "*"\ntensorflow = "==2.15.1"\n[dev-packages]\nkeras = {version = "<3"}\n'},
    )
    assert summary(readers.read_pipfile(str(tmp_path / "Pipfile"))) == [
        ("tensorflow", "==2.15.1", 3),
        ("keras", "<3", 5),
    ]


@pytest.mark.parametrize(
    ("name", "reader"),
    [("uv.lock", readers.read_uv_lock), ("poetry.lock", readers.read_poetry_lock), ("pdm.lock", readers.read_pdm_lock)],
)
def test_toml_lock_files(tmp_path: Path, name: str, reader: readers.Any) -> None:
    lock = '[[package]]\nname = "numpy"\nversion = "1.26.4"\n\n[[package]]\nname = "keras"\nversion = "2.15.0"\n'
    project(tmp_path, {name: lock})
    assert summary(reader(str(tmp_path / name))) == [("keras", "==2.15.0", 6)]


def test_pipfile_lock(tmp_path: Path) -> None:
    lock = '{\n  "default": {\n    "tensorflow": {\n      "version": "==2.17.0"\n    }\n  },\n  "develop": {}\n}\n'
    project(tmp_path, {"Pipfile.lock": lock})
    assert summary(readers.read_pipfile_lock(str(tmp_path / "Pipfile.lock"))) == [("tensorflow", "==2.17.0", 3)]


@pytest.mark.parametrize("name", ["pyproject.toml", "Pipfile", "uv.lock", "setup.py", "setup.cfg", "Pipfile.lock"])
def test_a_broken_file_declares_nothing(tmp_path: Path, name: str) -> None:
    project(tmp_path, {name: "[[[ not valid ( {\n"})
    assert basis(tmp_path) == UNDECIDED


# -- the order of the sources, and the folders ---------------------------------------------


def test_declared_dependencies_come_before_lock_files(tmp_path: Path) -> None:
    project(
        tmp_path, {"requirements.txt": "keras>=3\n", "uv.lock": '[[package]]\nname = "keras"\nversion = "2.15.0"\n'}
    )
    decided = basis(tmp_path)
    assert (decided.major, decided.origin) == (3, PROJECT)
    assert decided.source.endswith("requirements.txt:1: keras>=3")


def test_a_lock_file_decides_what_an_open_requirement_leaves_open(tmp_path: Path) -> None:
    project(
        tmp_path, {"requirements.txt": "keras\n", "poetry.lock": '[[package]]\nname = "keras"\nversion = "2.15.0"\n'}
    )
    decided = basis(tmp_path)
    assert (decided.major, decided.origin) == (2, PROJECT)
    assert decided.source.endswith("poetry.lock:2: keras 2.15.0")


def test_keras_decides_before_tensorflow(tmp_path: Path) -> None:
    project(
        tmp_path,
        {"requirements.txt": "tensorflow==2.15.0\n", "pyproject.toml": '[project]\ndependencies = ["keras>=3"]\n'},
    )
    assert basis(tmp_path).major == 3


def test_tensorflow_pins_decide(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    project(tmp_path / "old", {"requirements.txt": "tensorflow==2.15.0\n"})
    project(tmp_path / "new", {"requirements.txt": "tensorflow>=2.17\n"})
    assert basis(tmp_path / "old").major == 2
    assert basis(tmp_path / "new").major == 3


def test_tf_keras_with_legacy_switch_in_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"requirements.txt": "tensorflow==2.17.0\ntf-keras==2.17.0\n"})
    project_basis = basis(tmp_path)
    assert (project_basis.major, project_basis.legacy_switch) == (3, True)
    tf_keras_code, keras_code = "import tensorflow as tf\ntf.keras.layers.LSTM(4)\n", "import keras\n"
    assert with_code(project_basis, tf_keras_code).major == 3
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    legacy = with_code(project_basis, tf_keras_code)
    assert (legacy.major, legacy.origin) == (2, PROJECT)
    assert legacy.source.endswith("and TF_USE_LEGACY_KERAS is set in the environment")
    assert with_code(project_basis, keras_code).major == 3  # the variable leaves the keras package alone


def test_tf_keras_with_legacy_switch_in_the_code(tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "tensorflow==2.17.0\ntf-keras==2.17.0\n"})
    source = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nimport tensorflow as tf\n'
    judged = resolve_version(with_code(basis(tmp_path), source), uses_tf_keras=False)
    assert (judged.major, judged.origin) == (2, CODE)
    assert judged.source.endswith("line 2 sets TF_USE_LEGACY_KERAS")
    assert resolve_version(with_code(basis(tmp_path), "import tensorflow\n"), False).major == 3
    standalone = resolve_version(with_code(basis(tmp_path), source + "from keras import layers\n"), False)
    assert standalone.major == 3


def test_the_nearest_deciding_folder_wins_up_to_the_repository_root(tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "tensorflow==2.15.0\n", "sub/pyproject.toml": '[project]\nname = "x"\n'})
    project(tmp_path / "other", {"requirements.txt": "keras>=3\n"})
    write(tmp_path, {"sub/deep/er/model.py": ""})
    assert basis(tmp_path / "sub" / "deep" / "er").major == 2  # sub/ says nothing: its parent decides
    assert basis(tmp_path / "other").major == 3  # a repository of its own
    (tmp_path / "inner" / ".git").mkdir(parents=True)
    assert basis(tmp_path / "inner") == UNDECIDED  # a repository of its own that says nothing


def test_a_virtual_environment_is_not_the_project(tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "keras>=3\n", ".venv/pyvenv.cfg": "home = /usr\n"})
    write(tmp_path, {".venv/lib/site-packages/keras/layer.py": ""})
    assert basis(tmp_path / ".venv" / "lib" / "site-packages" / "keras") == UNDECIDED


def test_each_folder_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, {"requirements.txt": "keras<3\n", "a/b/m.py": "", "a/c/m.py": ""})
    reads: list[str] = []
    original = readers.read_requirements_txt
    monkeypatch.setattr(readers, "read_requirements_txt", lambda path: reads.append(path) or original(path))
    projects = ProjectKeras()
    assert [projects.basis(str(tmp_path / name)).major for name in ("a/b", "a/c", "a", "a/b")] == [2, 2, 2, 2]
    assert len(reads) == 1


# -- what is left when the project says nothing ------------------------------------------


def test_undecided_falls_back_to_the_code_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_version(UNDECIDED, uses_tf_keras=True).origin == CODE
    monkeypatch.setattr(kerasversion, "installed_keras", lambda: (2, "keras-2.15.0.dist-info"))
    assert (resolve_version(UNDECIDED, False).major, resolve_version(UNDECIDED, False).origin) == (2, ENVIRONMENT)
    monkeypatch.setattr(kerasversion, "installed_keras", lambda: None)
    assumed = resolve_version(UNDECIDED, False)
    assert (assumed.major, assumed.origin, assumed.trusted) == (3, ASSUMED, False)


def test_the_file_decides_only_under_auto(cli: Invoke, tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "tensorflow==2.15.0\n", "model.py": KERAS3_MODEL})
    assert cli("model.py").exit_code == 0  # Keras 2: RNN040 does not apply
    assert cli("--keras", "3", "model.py").exit_code == 1
    write(tmp_path, {"pyproject.toml": "[tool.rnnlint]\nkeras = 3\n"})
    shown = cli("--show-settings", "model.py").stdout
    assert "# keras: Keras 3 (pyproject.toml:2: keras = 3)" in shown


def test_metadata_is_read_without_importing_the_packages(tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "keras<3\n"})
    before = set(sys.modules)
    basis(tmp_path)
    assert not {name for name in set(sys.modules) - before if name.split(".")[0] in ("keras", "tensorflow", "tf_keras")}


def test_a_warm_run_reads_no_metadata_until_it_changes(tmp_path: Path) -> None:
    project(tmp_path, {"requirements.txt": "-r base.txt\n", "base.txt": "keras<3\n"})
    store = str(tmp_path / "cache")
    first = ProjectKeras(store)
    assert first.basis(str(tmp_path)).major == 2
    first.save()
    readers.OPENED.clear()
    assert ProjectKeras(store).basis(str(tmp_path)).major == 2
    assert readers.OPENED == []  # from the memo
    (tmp_path / "base.txt").write_text("keras>=3.0\n")  # an included file changed
    assert ProjectKeras(store).basis(str(tmp_path)).major == 3
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "keras"\nversion = "2.15.0"\n')
    (tmp_path / "base.txt").write_text("keras\n")  # open: the new lock file decides
    warm = ProjectKeras(store)
    assert warm.basis(str(tmp_path)).major == 2
