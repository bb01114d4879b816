"""``-o FILE`` on every command that prints a result (solve, show, dominance join compare, sweep,
propositions, report and export; threshold too): the file holds what standard output would have shown, a
read-only target is refused without --force, and ``-o -`` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.entry import run

COMMANDS = [
    ("solve", "entry_deterrence", "--format", "json"),
    ("solve", "stag_hunt", "--symbolic", "--format", "json"),
    ("show", "entry_deterrence", "--format", "json"),
    ("dominance", "prisoners_dilemma", "--format", "json"),
    ("threshold", "prisoners_dilemma", "--param", "T", "--between", "0:10", "--watch", "count",
     "--format", "json"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_the_file_holds_what_stdout_shows(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, shown, _ = run(*args)
    assert code == 0
    target = tmp_path / "out.json"
    code, printed, err = run(*args, "-o", str(target))
    assert code == 0 and printed == "" and f"wrote {target}" in err
    assert json.loads(target.read_text()) == json.loads(shown)
    code, dashed, _ = run(*args, "-o", "-")
    assert code == 0 and json.loads(dashed) == json.loads(shown)


def test_a_read_only_target_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old\n")
    target.chmod(0o444)
    code, _, err = run("dominance", "prisoners_dilemma", "-o", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "old\n"
    code, _, _ = run("dominance", "prisoners_dilemma", "-o", str(target), "--force")
    assert code == 0 and "dominated" in target.read_text()
    assert target.stat().st_mode & 0o777 == 0o444
