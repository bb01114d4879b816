"""Subgame roots in linear time agree with the definition, node by node, and deep trees are cheap."""

from __future__ import annotations

import random

import pytest

from alliance_games.games.tree import GameTree, TreeBuilder
from tests.random_games import random_tree


def by_definition(tree: GameTree) -> tuple[int, ...]:
    return tuple(n for n in range(tree.num_nodes) if tree.is_subgame_root(n))


@pytest.mark.parametrize("seed", range(60))
def test_random_trees_with_information_sets(seed: int) -> None:
    tree = random_tree(random.Random(seed), players=3, max_depth=5, max_decisions=14,
                       perfect_information=False)
    assert tree.subgame_roots == by_definition(tree)


def test_a_set_spanning_two_branches_cuts_both() -> None:
    b = TreeBuilder(("a", "b"))
    root = b.add_decision(-1, None, player=0, infoset="r", actions=("L", "R"))
    for side in ("L", "R"):
        n = b.add_decision(root, side, player=1, infoset="shared", actions=("x", "y"))
        b.add_terminal(n, "x", payoffs=[1, 0])
        b.add_terminal(n, "y", payoffs=[0, 1])
    tree = b.build()
    assert tree.subgame_roots == (0,)


def test_a_deep_chain_is_linear() -> None:
    """70,000 nested decisions: every decision node roots a subgame (the old check was
    quadratic here: minutes)."""
    b = TreeBuilder(("a", "b"))
    parent = -1
    for i in range(70_000):
        parent = b.add_decision(parent, None if parent < 0 else "go", player=i % 2,
                                infoset=f"s{i}", actions=("stop", "go"))
        b.add_terminal(parent, "stop", payoffs=[i, -i])
    b.add_terminal(parent, "go", payoffs=[0, 0])
    tree = b.build()
    assert len(tree.subgame_roots) == 70_000
