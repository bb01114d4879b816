"""The tutorial's shown output is what the commands print.

``docs/tutorial/the-article-step-by-step.md`` shows, in ``console`` blocks, ``$ alliance-games
...`` lines followed by their output (tables of the flagship's risks, thresholds). Each such
command runs here, at the width of its shown output (``COLUMNS``), from a fresh folder, and must
print exactly the lines shown (trailing spaces aside): a change in a model, a solver or a
renderer that moves a figure the tutorial quotes fails this test until the tutorial is updated.
Every one must exit 0; ``jq`` lines are not run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli.entry import run
from tests.paths import ROOT

TUTORIAL = ROOT / "docs" / "tutorial" / "the-article-step-by-step.md"


def shown_commands() -> list[tuple[str, list[str]]]:
    """Every ``$ alliance-games`` line of the tutorial's console blocks, with the lines shown
    under it (up to the next ``$`` line or the end of the block)."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S):
        lines = block.rstrip("\n").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("$ alliance-games "):
                end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("$ ")),
                           len(lines))
                found.append((line[2:], lines[i + 1:end]))
    return found


COMMANDS = shown_commands()


def test_the_tutorial_shows_commands() -> None:
    assert len(COMMANDS) >= 6
    assert sum(bool(shown) for _, shown in COMMANDS) >= 5


@pytest.mark.parametrize("command,shown", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_the_output_is_the_one_shown(command: str, shown: list[str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", str(max([80, *map(len, shown)])))
    code, out, err = run(*shlex.split(command)[1:])
    assert code == 0, err
    if shown:
        printed = out if out.strip() else err
        assert [line.rstrip() for line in printed.rstrip("\n").split("\n")] == \
            [line.rstrip() for line in shown]
