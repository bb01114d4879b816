"""Ctrl-C while the CLI starts (its imports running, no command yet) prints ``interrupted`` and
exits with code 130, as it does later; never a Python traceback (issue 17).

A real SIGINT lands at a random point of start-up, so the tests raise ``KeyboardInterrupt`` at
chosen imports instead: click (the command group's first import), the entry module itself
(``python -m alliance_games``) and a command's module (imported lazily by the group).
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap

import pytest

from tests.cli.entry import run
from tests.paths import ROOT

INTERRUPT_AT = textwrap.dedent("""
    import sys

    class Interrupt:
        \"\"\"Ctrl-C as the module named on the command line is imported (once).\"\"\"
        def __init__(self, module):
            self.module = module

        def find_spec(self, name, path=None, target=None):
            if name == self.module:
                sys.meta_path.remove(self)
                raise KeyboardInterrupt
            return None

    sys.meta_path.insert(0, Interrupt(sys.argv[1]))
""")
CONSOLE_SCRIPT = INTERRUPT_AT + textwrap.dedent("""
    from alliance_games.cli import main  # what the alliance-games script does
    sys.exit(main(["models"]))
""")
PYTHON_M = INTERRUPT_AT + textwrap.dedent("""
    import runpy
    sys.argv = ["alliance_games", "models"]
    runpy.run_module("alliance_games", run_name="__main__", alter_sys=True)
""")


def _python(program: str, module: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", program, module], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)


@pytest.mark.parametrize("module", ["click", "alliance_games.cli.app", "alliance_games.errors"])
def test_ctrl_c_while_the_entry_point_imports_says_interrupted(module: str) -> None:
    done = _python(CONSOLE_SCRIPT, module)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == "interrupted" and done.returncode == 130


@pytest.mark.parametrize("module", ["alliance_games.cli", "click"])
def test_ctrl_c_while_python_m_imports_says_interrupted(module: str) -> None:
    done = _python(PYTHON_M, module)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == "interrupted" and done.returncode == 130


def test_importing_the_entry_point_imports_nothing_else() -> None:
    """The window before ``main`` can catch Ctrl-C is the import of two tiny modules."""
    program = ("import sys\nbefore = set(sys.modules)\nfrom alliance_games.cli import main\n"
               "print(sorted(set(sys.modules) - before))")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    assert set(ast.literal_eval(done.stdout)) <= {"alliance_games", "alliance_games.cli",
                                                   "__future__"}


def test_ctrl_c_while_a_command_module_is_imported_says_interrupted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def interrupted(name: str, package: str | None = None) -> object:
        if name == "alliance_games.cli.solve":
            raise KeyboardInterrupt
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", interrupted)
    code, out, err = run("solve", "beer_quiche")
    assert code == 130 and err.strip() == "interrupted" and out == ""
