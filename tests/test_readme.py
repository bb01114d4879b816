"""Every command in the README runs as written (issue 16).

The README's fenced code blocks are read in order: each ``alliance-games ...`` line of a ``sh``
block runs in this process (:func:`tests.cli.entry.run`) from a fresh folder that sees the
checkout's ``examples/`` (the tour's relative paths), and must exit 0 and write the files it names
with ``-o`` / ``--plot``. Lines that set up the machine (``make run``, ``pip install .``, activating
the virtualenv, ...) are not run: :data:`SETUP` lists them, and any other line fails the test, so a
new kind of command in the README is never skipped silently. ``python`` blocks are executed, the
``yaml`` block is solved as a model, and the ``json`` block must agree with the document the
command it shows prints.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.entry import run
from tests.paths import ROOT

README = ROOT / "README.md"

SETUP = (
    ("make", "run"),
    ("make", "test"),
    ("make", "bench"),
    ("make", "lint"),
    ("make", "docs"),
    ("pip", "install"),
    ("python", "-m", "venv"),
    ("python", "-m", "build"),
    ("python", "-m", "pip", "install"),
    ("git", "clone"),
    (".", ".venv/bin/activate"),
    ("source", ".venv/bin/activate"),
)
"""Commands that set up the machine rather than use the package: listed here, not run (the
Makefile's targets are run by ``make`` itself, and ``tests/test_wheel.py`` checks the install)."""

OUTPUT_OPTIONS = ("-o", "--output", "--plot")
"""Options whose value is a file the command must write."""


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README."""

    language: str
    text: str
    line: int
    """The line of its opening fence (1-based)."""


def blocks(markdown: str) -> list[Block]:
    """The fenced code blocks of ``markdown``, in order."""
    found = []
    for match in re.finditer(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", markdown, re.S | re.M):
        found.append(Block(match.group(1), match.group(2), markdown.count("\n", 0, match.start()) + 1))
    return found


def commands(block: Block) -> Iterator[tuple[int, list[str]]]:
    """A shell block's commands as argument lists, with their README lines: backslash
    continuations joined, comments and blank lines dropped."""
    logical: list[str] = []
    start = block.line + 1
    for offset, line in enumerate(block.text.splitlines()):
        if not logical:
            start = block.line + 1 + offset
        logical.append(line[:-1] if line.endswith("\\") else line)
        if line.endswith("\\"):
            continue
        words = shlex.split(" ".join(logical), comments=True)
        logical = []
        if words:
            yield start, words


def classify(words: list[str]) -> str:
    """``run`` for an ``alliance-games`` command, ``setup`` for a line of :data:`SETUP`;
    anything else is an error (the README gained a kind of command this test does not know)."""
    if words[0] == "alliance-games":
        return "run"
    if any(tuple(words[:len(prefix)]) == prefix for prefix in SETUP):
        return "setup"
    raise AssertionError(f"README command {shlex.join(words)!r} is neither an alliance-games "
                         "command nor a set-up command listed in SETUP")


def readme_blocks(language: str) -> list[Block]:
    return [block for block in blocks(README.read_text()) if block.language == language]


def readme_commands() -> list[Any]:
    return [pytest.param(words, id=f"line {line}: {shlex.join(words)}"[:100])
            for block in readme_blocks("sh") for line, words in commands(block)]


def output_files(words: list[str]) -> list[str]:
    """The files a command names with an option of :data:`OUTPUT_OPTIONS`."""
    return [value for option, value in zip(words, words[1:], strict=False) if option in OUTPUT_OPTIONS]


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with the checkout's ``examples/``, as the current folder."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALLIANCE_GAMES_MODELS", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


# ---- the rules themselves -------------------------------------------------------------------

def test_fenced_blocks_and_continuations_are_read_as_a_shell_would() -> None:
    text = "intro\n```sh\nalliance-games a --x 1   # a comment\n    # more comment\n" \
           "alliance-games b \\\n    --y 'two words' -o f.csv\n```\n```python\nprint(1)\n```\n"
    found = blocks(text)
    assert [(b.language, b.line) for b in found] == [("sh", 2), ("python", 8)]
    assert list(commands(found[0])) == [(3, ["alliance-games", "a", "--x", "1"]),
                                        (5, ["alliance-games", "b", "--y", "two words", "-o", "f.csv"])]
    assert output_files(["alliance-games", "b", "-o", "f.csv", "--plot", "p.png"]) == ["f.csv", "p.png"]


def test_set_up_commands_are_skipped_by_the_list_and_unknown_commands_fail() -> None:
    assert classify(["alliance-games", "models"]) == "run"
    assert classify(["make", "run"]) == "setup"
    assert classify(["pip", "install", "."]) == "setup"
    assert classify([".", ".venv/bin/activate"]) == "setup"
    with pytest.raises(AssertionError, match="neither"):
        classify(["make", "clean"])
    with pytest.raises(AssertionError, match="neither"):
        classify(["rm", "-rf", "models"])


def test_every_readme_shell_line_is_known_and_the_make_targets_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    kinds = {"run": 0, "setup": 0}
    for block in readme_blocks("sh"):
        for _, words in commands(block):
            kind = classify(words)
            kinds[kind] += 1
            if words[0] == "make":
                assert re.search(rf"^{re.escape(words[1])}:", makefile, re.M), f"no make target {words[1]}"
    assert kinds["run"] >= 20 and kinds["setup"] >= 2, kinds


# ---- the README itself ------------------------------------------------------------------------

@pytest.mark.parametrize("words", readme_commands())
def test_readme_command_runs_as_written(words: list[str], workdir: Path) -> None:
    if classify(words) == "setup":
        pytest.skip(f"sets up the machine (listed in SETUP): {shlex.join(words)}")
    code, out, err = run(*words[1:])
    assert code == 0, f"{shlex.join(words)} exited {code}: {err}"
    assert out or output_files(words), f"{shlex.join(words)} printed nothing"
    for name in output_files(words):
        written = workdir / name
        assert written.is_file() and written.stat().st_size > 0, f"{shlex.join(words)} did not write {name}"


@pytest.mark.parametrize("block", readme_blocks("python"), ids=lambda b: f"line {b.line}")
def test_readme_python_block_runs(block: Block, workdir: Path) -> None:
    code = compile(block.text, f"README.md, block at line {block.line}", "exec")
    exec(code, {"__name__": "__readme__"})  # noqa: S102 - the README's own examples


def test_readme_model_example_is_a_model_that_solves(workdir: Path) -> None:
    (yaml_block,) = readme_blocks("yaml")
    (workdir / "readme_model.yaml").write_text(yaml_block.text)
    code, out, err = run("solve", "readme_model.yaml", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["equilibria"]


def _contained(expected: Any, actual: Any, where: str) -> None:
    """Every key and value of ``expected`` is in ``actual`` (lists item by item)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}: no key {key!r}"
            _contained(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for index, (one, other) in enumerate(zip(expected, actual, strict=True)):
            _contained(one, other, f"{where}[{index}]")
    else:
        assert expected == actual, f"{where}: README shows {expected!r}, the command prints {actual!r}"


def test_readme_json_document_is_what_solve_prints(workdir: Path) -> None:
    (json_block,) = readme_blocks("json")
    shown = json.loads(json_block.text)
    assignments = [arg for name, value in shown["parameters"].items() for arg in ("--set", f"{name}={value}")]
    code, out, err = run("solve", shown["model"], "--method", shown["method"], *assignments,
                         "--format", "json")
    assert code == 0, err
    _contained(shown, json.loads(out), "document")


def test_every_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"\b((?:docs|examples|tests)/[\w/.-]+\.(?:md|nfg|efg|py))", README.read_text()))
    assert len(named) >= 5, named
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"the README names files that do not exist: {missing}"
