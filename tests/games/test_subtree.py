"""A subtree cut from a tree keeps its information sets (renumbered in order, nodes shifted),
and ``structure_key`` tells trees apart by structure, not by payoffs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from alliance_games.games.tree import GameTree
from tests.random_games import random_tree


def _tree(seed: int) -> GameTree:
    return random_tree(random.Random(seed), players=3, max_depth=5, max_decisions=14,
                       perfect_information=False)


@pytest.mark.parametrize("seed", range(30))
def test_subtrees_keep_their_information_sets_in_order(seed: int) -> None:
    tree = _tree(seed)
    for root in tree.subgame_roots:
        sub = tree.subtree(root)
        lo, hi = root, int(tree.subtree_end[root])
        inside = sorted({int(k) for k in tree.node_infoset[lo:hi] if k >= 0})
        assert [s.name for s in sub.infosets] == [tree.infosets[k].name for k in inside]
        for s, k in zip(sub.infosets, inside, strict=True):
            assert s.nodes == tuple(n - lo for n in tree.infosets[k].nodes)
            assert all(type(n) is int for n in s.nodes)
            assert (s.player, s.actions) == (tree.infosets[k].player, tree.infosets[k].actions)
        expected = [inside.index(int(k)) if k >= 0 else -1 for k in tree.node_infoset[lo:hi]]
        assert sub.node_infoset.tolist() == expected


def test_structure_key_ignores_payoffs_and_sees_labels_and_players() -> None:
    tree = _tree(3)
    assert tree.structure_key == tree._replace(node_payoffs=tree.node_payoffs * 2).structure_key
    labels = ("other",) + tree.edge_label[1:]
    assert tree.structure_key != tree._replace(edge_label=labels).structure_key
    assert tree.structure_key != tree._replace(players=tree.players[::-1]).structure_key
    moved = tree._replace(node_infoset=np.where(tree.node_infoset >= 0, 0, -1))
    assert tree.structure_key != moved.structure_key or len(tree.infosets) == 1
