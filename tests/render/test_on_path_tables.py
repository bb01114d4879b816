"""Tables of large trees show each equilibrium's strategies on its path (``solve --all-sets``: all).

``solve alliance_system --method spbe`` printed the behaviour at every one of 5,693 information
sets for each of 52 equilibria (~240,000 lines). A tree of more than
:data:`~alliance_games.analysis.reached.ALL_SETS_UP_TO` information sets now shows the sets
reached with positive probability, a count of the others and how to see them; JSON is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from alliance_games.analysis.equilibrium import describe
from alliance_games.analysis.reached import ALL_SETS_UP_TO, distinct_on_path, reached_infosets
from alliance_games.games.tree import TreeBuilder
from alliance_games.model.gambit_format import read_efg
from alliance_games.solvers import solve
from tests.cli.entry import run

OFF_PATH = "off the path and not shown"


def deterred_challenge(depth: int) -> str:
    """An .efg: One stops (1, 0) or lets Two play a binary tree of ``depth`` moves, each node its
    own information set, every leaf (0, its distinct number): One stops, so only the root is on
    the path, and Two's ``2**depth - 1`` sets are off it."""
    lines = ['EFG 2 R "Deterred challenge" { "One" "Two" }', '""', "",
             'p "" 1 1 "root" { "stop" "go" } 0', 't "" 1 "stopped" { 1, 0 }']
    counter = {"set": 0, "leaf": 1}

    def node(level: int, path: str) -> None:
        if level == depth:
            counter["leaf"] += 1
            lines.append(f't "" {counter["leaf"]} "{path}" {{ 0, {counter["leaf"]} }}')
            return
        counter["set"] += 1
        lines.append(f'p "" 2 {counter["set"]} "two{path}" {{ "left" "right" }} 0')
        node(level + 1, path + "L")
        node(level + 1, path + "R")

    node(0, "")
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, depth: int) -> Path:
    path = tmp_path / f"challenge{depth}.efg"
    path.write_text(deterred_challenge(depth))
    return path


def test_a_large_tree_shows_the_path_and_counts_the_rest(tmp_path: Path) -> None:
    path = _write(tmp_path, 7)  # 1 + 127 information sets
    code, table, err = run("solve", str(path))
    assert code == 0, err
    text = " ".join(table.split())  # the note wraps at the console width
    assert "root:stop" in table
    assert "two:left" not in table and "twoLLL" not in table  # Two's sets: all off the path
    assert f"127 of the 128 information sets are {OFF_PATH}" in text
    assert "(--all-sets shows them, --format json lists every one)" in text
    code, full, err = run("solve", str(path), "--all-sets")
    assert code == 0, err
    assert OFF_PATH not in full
    assert "twoLLLLLL:right" in full or "I128" in full  # the deepest set, named or abbreviated
    assert len(full.splitlines()) > len(table.splitlines()) + 100


def test_json_lists_every_set_whatever_the_table_shows(tmp_path: Path) -> None:
    path = _write(tmp_path, 7)
    code, out, err = run("solve", str(path), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    labels = {p: dist for p, dist in doc["equilibria"][0]["profile"].items()}
    assert len(labels["One"]) == 2 and len(labels["Two"]) == 2 * 127
    assert json.loads(run("solve", str(path), "--format", "json", "--all-sets")[1]) == doc


def test_a_small_tree_shows_every_set_even_off_the_path(tmp_path: Path) -> None:
    path = _write(tmp_path, 3)  # 8 information sets: Two's 7 are off the path, shown anyway
    code, table, err = run("solve", str(path))
    assert code == 0, err
    assert OFF_PATH not in table
    assert table == run("solve", str(path), "--all-sets")[1]
    assert "twoLL" in table  # an off-path set of Two


def test_the_records_carry_the_reached_sets(tmp_path: Path) -> None:
    path = _write(tmp_path, 7)
    tree = read_efg(path.read_text(), str(path))
    records = describe(solve(tree, "spe"))
    assert len(tree.infosets) > ALL_SETS_UP_TO
    on_path = records[0].on_path
    assert on_path is not None and on_path.condensed
    assert (on_path.reached, on_path.total, on_path.off_path) == (1, 128, 127)
    assert on_path.profile == {"One": {"root:stop": 1, "root:go": 0}, "Two": {}}
    assert distinct_on_path([on_path, on_path]) == 1


def test_a_set_is_reached_when_any_of_its_nodes_is() -> None:
    builder = TreeBuilder(["a"], exact=False)
    root = builder.add_chance(-1, None)
    first = builder.add_decision(root, "x", player=0, infoset="h", actions=["l", "r"], prob=0.5)
    builder.add_terminal(first, "l", payoffs=[1.0])
    builder.add_terminal(first, "r", payoffs=[0.0])
    second = builder.add_decision(root, "y", player=0, infoset="g", actions=["l", "r"], prob=0.5)
    builder.add_terminal(second, "l", payoffs=[1.0])
    builder.add_terminal(second, "r", payoffs=[0.0])
    tree = builder.build()
    reach = np.ones(tree.num_nodes)
    reach[second:] = 0  # as if chance never chose y
    assert reached_infosets(tree, reach).tolist() == [tree.node_infoset[first]]
    reach[second] = 0.25
    assert len(reached_infosets(tree, reach)) == 2
