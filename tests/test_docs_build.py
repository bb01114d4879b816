"""The documentation site builds with no warning (issue 16): ``mkdocs build --strict``, as ``make docs``
runs it, into a temporary folder; then the generated reference is checked for what it must hold:
a page per command with every option, and the Python API's entry points.

mkdocs, mkdocstrings and mkdocs-click come with the ``dev`` extra (and the ``docs`` extra).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from alliance_games.cli import COMMANDS, cli
from tests.paths import ROOT

pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[dev]' (or '.[docs]')")
pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed: pip install -e '.[dev]'")
pytest.importorskip("mkdocs_click", reason="mkdocs-click is not installed: pip install -e '.[dev]'")

API_NAMES = ("load", "solve", "compare", "sweep", "threshold", "propositions",
             "Result", "Model", "Solution", "Comparison", "Sweep", "Threshold", "Propositions")
"""The notebook API's functions and result classes (``alliance_games.api``), each documented."""
LAYERS = ("games", "model", "solvers", "analysis")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by ``mkdocs build --strict`` (no warning allowed) into a temporary folder."""
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "mkdocs warned:\n" + "\n".join(warnings)
    return folder


def _text(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _nav_files(entries: list[Any]) -> list[str]:
    files: list[str] = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files.extend(_nav_files(value) if isinstance(value, list) else [value])
    return files


def test_every_page_is_in_the_nav_and_every_nav_entry_is_a_page() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    nav = _nav_files(config["nav"])
    pages = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(nav) == pages


def test_the_site_builds_with_no_warning(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "reference" / "api" / "index.html").is_file()
    assert (site / "reference" / "cli" / "index.html").is_file()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_generated_page_with_all_its_options(name: str, site: Path) -> None:
    assert (ROOT / "docs" / "reference" / "cli" / f"{name}.md").is_file(), f"no page for {name}"
    page = _text((site / "reference" / "cli" / name / "index.html").read_text())
    assert f"alliance-games {name} [OPTIONS]" in page
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert any(opt in page for opt in param.opts), f"{name}: option {param.opts} not documented"
    assert command.get_short_help_str(limit=200).split(":")[0] in page
    if "Examples:" in (command.help or ""):
        assert re.search(r"<p>Examples:</p>\s*<pre><code>alliance-games ",
                         (site / "reference" / "cli" / name / "index.html").read_text())


def test_the_api_reference_documents_the_notebook_api_and_the_layers(site: Path) -> None:
    api = (site / "reference" / "api" / "index.html").read_text()
    for name in API_NAMES:
        assert f'id="alliance_games.api.{name}"' in api, f"alliance_games.api.{name} is not documented"
    for layer in LAYERS:
        page = (site / "reference" / "api" / layer / "index.html").read_text()
        modules = set(re.findall(rf'id="(alliance_games\.{layer}(?:\.\w+)*)"', page))
        assert len(modules) > 10, f"the {layer} page documents almost nothing: {sorted(modules)}"
        assert not re.search(r":(?:class|func|meth|mod|attr|data):<code>", page), "a Sphinx role left raw"


def test_make_docs_builds_strictly_into_site() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^docs:.*\n\t(.*)", makefile, re.M)
    assert recipe and "mkdocs build --strict" in recipe.group(1) and "site" in recipe.group(1)
    assert re.search(r"^/?site/?$", (ROOT / ".gitignore").read_text(), re.M)
