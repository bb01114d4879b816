"""Helpers shared by the LaTeX tests: golden files and pdflatex compiles."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import DATA

GOLDEN = DATA / "golden"
PDFLATEX = shutil.which("pdflatex")


def check_golden(name: str, text: str) -> None:
    """``text`` equals the golden file ``name`` (``UPDATE_GOLDEN=1`` rewrites it)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def compile_latex(tmp_path: Path, name: str, text: str) -> None:
    """Write ``text`` to ``name.tex`` and compile it with pdflatex (skipped, visibly, without)."""
    if PDFLATEX is None:
        pytest.skip("pdflatex not installed")
    source = tmp_path / f"{name}.tex"
    source.write_text(text, encoding="utf-8")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", source.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / f"{name}.pdf").exists()
