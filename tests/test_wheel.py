"""The built wheel carries everything a user needs (issue 16).

From a copy of the checkout, ``python -m build --no-isolation`` makes the sdist and then the wheel
from the sdist (so both are checked); the wheel goes into a fresh virtualenv that sees this
environment's dependencies (numpy, sympy, ...) through a ``.pth`` file but never the checkout, and
the installed ``alliance-games`` runs from a folder outside the checkout. About a minute; select with
``-m wheel`` or leave out with ``-m "not wheel"``. The first tests check the path lookup in the
checkout itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from alliance_games.model.catalog import bundled_models, examples_dir, models_dir
from alliance_games.model.scenarios import available_scenarios
from tests.cli.entry import run
from tests.paths import ROOT

pytestmark = pytest.mark.wheel

NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "__pycache__", "*.pyc",
                                    "*.egg-info", ".pytest_cache", ".hypothesis", ".mypy_cache",
                                    ".ruff_cache")
"""What a copy of the checkout leaves out: version control, environments, build output, caches."""


# ---- the path lookup in this checkout ---------------------------------------------------------

def test_checkout_reads_the_repository_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLIANCE_GAMES_MODELS", raising=False)
    assert models_dir() == ROOT / "models"
    assert examples_dir() == ROOT / "examples"
    assert "alliance_system" in {e.name for e in bundled_models()}
    assert "japan" in available_scenarios()


def test_the_environment_variable_overrides_the_bundled_models(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    shutil.copy(ROOT / "models" / "classic" / "chicken.yaml", tmp_path / "mine" / "my_game.yaml")
    monkeypatch.setenv("ALLIANCE_GAMES_MODELS", str(tmp_path))
    assert models_dir() == tmp_path
    assert [(e.name, e.group) for e in bundled_models()] == [("my_game", "mine")]
    assert available_scenarios() == []


def test_every_example_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"examples/([\w.-]+\.(?:nfg|efg))", (ROOT / "README.md").read_text()))
    assert named, "the README tour solves no example Gambit file"
    assert named <= {p.name for p in (ROOT / "examples").iterdir()}


# ---- the built wheel in a fresh virtualenv ------------------------------------------------------

@dataclass(frozen=True)
class Installed:
    """A wheel built from a copy of the checkout and installed into a fresh virtualenv."""

    source: Path
    """The copy of the checkout the sdist was built from."""
    sdist: Path
    wheel: Path
    python: Path
    """The fresh virtualenv's interpreter."""
    cli: Path
    """Its ``alliance-games`` script."""
    workdir: Path
    """An empty folder outside the checkout, where the commands run."""

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``alliance-games ARGS`` in :attr:`workdir`, with no path to the checkout in sight."""
        return subprocess.run([str(self.cli), *args], cwd=self.workdir, env={**clean_env(), **(env or {})},
                              capture_output=True, text=True, timeout=300)

    def python_prints(self, code: str) -> str:
        """What the virtualenv's interpreter prints running ``code`` in :attr:`workdir`."""
        return checked([str(self.python), "-c", code], cwd=self.workdir)


def clean_env() -> dict[str, str]:
    """This process's environment without anything that points Python or the models elsewhere; wide
    tables so that no name is cut."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "ALLIANCE_GAMES_MODELS", "ALLIANCE_GAMES_DEBUG"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "COLUMNS": "200"}


def checked(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def dependency_paths() -> list[str]:
    """Every folder on this interpreter's path except the checkout: where the dependencies live. (They
    come after the virtualenv's own site-packages, so its ``alliance_games`` is the one imported.)"""
    paths = (Path(entry or ".").resolve() for entry in sys.path)
    return [str(path) for path in paths if path.is_dir() and path != ROOT]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    checked([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(base / "dist"), str(source)],
            cwd=base)
    (sdist,) = (base / "dist").glob("*.tar.gz")
    (wheel,) = (base / "dist").glob("*.whl")

    venv = base / "venv"
    checked([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    checked([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
             "--no-index", str(wheel)], cwd=base)
    purelib = Path(checked([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                           cwd=base).strip())
    (purelib / "_alliance_games_test_dependencies.pth").write_text("\n".join(dependency_paths()) + "\n")

    workdir = base / "elsewhere"
    workdir.mkdir()
    cli = bindir / ("alliance-games.exe" if os.name == "nt" else "alliance-games")
    return Installed(source, sdist, wheel, python, cli, workdir)


def test_the_sdist_carries_the_models_examples_and_build_hook(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = {p.relative_to(ROOT).as_posix() for folder in ("models", "examples")
              for p in (ROOT / folder).rglob("*") if p.is_file()}
    assert wanted <= names
    assert {"build_hooks.py", "pyproject.toml", "MANIFEST.in", "alliance_games/__init__.py"} <= names


def test_the_wheel_carries_every_module_model_and_example(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "alliance_games").rglob("*.py")}
    data = {f"alliance_games/{p.relative_to(ROOT).as_posix()}" for folder in ("models", "examples")
            for p in (ROOT / folder).rglob("*") if p.suffix in (".yaml", ".nfg", ".efg")}
    assert modules <= names
    assert data <= names
    assert "alliance_games/models/article/alliance_system.yaml" in data
    assert not any(name.startswith(("models/", "examples/", "tests/")) for name in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    code = ("import alliance_games, alliance_games.model.catalog as c; "
            "print(alliance_games.__file__); print(c.models_dir()); print(c.examples_dir())")
    printed = installed.python_prints(code)
    package, models, examples = (Path(line).resolve() for line in printed.splitlines())
    venv = installed.python.parent.parent.resolve()
    for path in (package, models, examples):
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT)
    assert models == package.parent / "models" and examples == package.parent / "examples"


def test_models_lists_every_bundled_model(installed: Installed) -> None:
    table = installed.run("models")
    assert table.returncode == 0, table.stderr
    assert "alliance_system" in table.stdout
    listed = installed.run("models", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    shipped = sorted(p.stem for p in (installed.source / "models").rglob("*.yaml")
                     if p.parent.name != "scenarios")
    assert sorted(m["name"] for m in json.loads(listed.stdout)) == shipped


def test_compare_runs_as_in_the_checkout(installed: Installed, monkeypatch: pytest.MonkeyPatch) -> None:
    table = installed.run("compare", "alliance_system")
    assert table.returncode == 0, table.stderr
    assert "alliance_system" in table.stdout and "connect" in table.stdout
    args = ("compare", "alliance_system", "--scenario", "japan", "--format", "json")
    from_wheel = installed.run(*args)
    assert from_wheel.returncode == 0, from_wheel.stderr
    monkeypatch.setenv("ALLIANCE_GAMES_MODELS", str(installed.source / "models"))  # the same snapshot
    code, out, err = run(*args)
    assert code == 0, err
    assert json.loads(from_wheel.stdout) == json.loads(out)


def test_solve_reads_the_shipped_example_gambit_files(installed: Installed) -> None:
    where = installed.python_prints("from importlib.resources import files; "
                                    "print(files('alliance_games') / 'examples')")
    for example in Path(where.strip()).iterdir():
        shutil.copy(example, installed.workdir / example.name)
    normal = installed.run("solve", "coordination.nfg", "--method", "enummixed", "--exact",
                           "--format", "json")
    assert normal.returncode == 0, normal.stderr
    document = json.loads(normal.stdout)
    assert document["count"] == 7 and document["exact"] is True
    assert {"Row": {"North": "6/11", "Centre": "3/11", "South": "2/11"},
            "Column": {"North": "2/11", "Centre": "3/11", "South": "6/11"}} in \
        [eq["profile"] for eq in document["equilibria"]]
    tree = installed.run("solve", "trust.efg", "--format", "gambit")
    assert tree.returncode == 0, tree.stderr
    assert tree.stdout.split() == ["NE,1,0,1,0"]


def test_the_environment_variable_overrides_the_installed_models(installed: Installed,
                                                                 tmp_path: Path) -> None:
    shutil.copy(ROOT / "models" / "classic" / "chicken.yaml", tmp_path / "my_game.yaml")
    listed = installed.run("models", "--format", "json", env={"ALLIANCE_GAMES_MODELS": str(tmp_path)})
    assert listed.returncode == 0, listed.stderr
    assert [m["name"] for m in json.loads(listed.stdout)] == ["my_game"]
