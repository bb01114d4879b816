"""Work reused across trees of one structure gives what computing afresh gives: a subtree cut
from a tree that shares its structure with one cut before (numbers copied into the kept cut)
equals the cut built afresh, field by field; edge weights gathered at once equal the weights set
edge by edge; numbers converted through the identity memo equal fresh conversions."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games import rational
from alliance_games.games import tree as tree_module
from alliance_games.games.profiles import edge_weights
from alliance_games.games.tree import DECISION, GameTree
from tests.random_games import random_tree

FIELDS = ("players", "kind", "parent", "child_ptr", "child_index", "edge_label", "edge_prob",
          "node_infoset", "infosets", "node_payoffs", "node_label", "node_tags", "outcome_label",
          "title", "has_payoff")


def _tree(seed: int) -> GameTree:
    return random_tree(random.Random(seed), players=3, max_depth=5, max_decisions=14,
                       perfect_information=False)


def _same(a: GameTree, b: GameTree) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.tolist() == y.tolist(), name
        else:
            assert x == y, name
    assert a.measures.keys() == b.measures.keys()
    assert a.subgame_roots == b.subgame_roots and a.structure_key == b.structure_key


@pytest.mark.parametrize("seed", range(12))
def test_subtree_of_a_tree_of_the_same_structure(seed: int) -> None:
    first = _tree(seed)
    second = first._replace(node_payoffs=first.node_payoffs * 3 + 1)  # same structure objects
    for root in first.subgame_roots:
        first.subtree(root)  # kept for this structure
        reused = second.subtree(root)
        fresh = second._cut(root, int(second.subtree_end[root]))
        _same(reused, fresh)
        end = int(second.subtree_end[root])
        assert reused.node_payoffs.tolist() == second.node_payoffs[root:end].tolist()


def test_a_tree_of_another_structure_is_cut_afresh() -> None:
    first, other = _tree(1), _tree(2)
    root = first.subgame_roots[0]
    first.subtree(root)
    assert tree_module._SUBTREES[root][0] != tree_module._structure_objects(other)
    _same(other.subtree(root), other._cut(root, int(other.subtree_end[root])))


@pytest.mark.parametrize("seed", range(8))
def test_edge_weights_gathered_at_once(seed: int) -> None:
    tree = _tree(seed)
    rng = random.Random(seed)
    behaviour = []
    for s in tree.infosets:
        raw = [Fraction(rng.randint(0, 4)) for _ in s.actions]
        raw[0] += 1
        behaviour.append(np.array([x / sum(raw) for x in raw], dtype=object))
    weights = edge_weights(tree, behaviour)
    for e in range(len(tree.child_index)):
        parent = int(tree.edge_parent[e])
        if tree.kind[parent] == DECISION:
            expected = behaviour[int(tree.node_infoset[parent])][int(tree.edge_action_index[e])]
            assert weights[e] is expected
        else:
            assert weights[e] == tree.edge_prob[e]


def test_memoised_conversions_equal_fresh_ones() -> None:
    values = [Fraction(k, 7) for k in range(-5, 6)] * 3 + [2, 0]
    first = rational.fast_values(values)
    again = rational.fast_values(values)  # every number met before
    assert first == again == values
    assert rational.fast_values(values, ints=True)[-2:] == [2, 0]
    assert rational.fast_values([*values, 0.5]) is None  # a float is refused after memo hits
    back = rational.fraction_tuple(again)
    assert back == tuple(values) and all(type(v) in (Fraction, int) for v in back)


def test_trees_of_a_compiled_model_inherit_structural_facts_and_equal_fresh_ones() -> None:
    """A compiled model fills each new tree into the last one it built: the new tree inherits
    the structural facts computed on that one, and equals the tree a fresh compilation builds
    at the same point."""
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    model = load_model("branch_commitment")
    compiled = compile_model(model)
    first = compiled.at({"commit_loose": Fraction(3, 10)})
    assert isinstance(first, GameTree)
    ends = first.subtree_end
    second = compiled.at({"commit_loose": Fraction(2, 5)})
    assert isinstance(second, GameTree)
    assert second.__dict__.get("subtree_end") is ends
    fresh = compile_model(model).at({"commit_loose": Fraction(2, 5)})
    assert isinstance(fresh, GameTree)
    _same(second, fresh)
    for name, values in fresh.measures.items():
        assert second.measures[name].tolist() == values.tolist()
    assert "subtree_end" not in fresh.__dict__ or fresh.__dict__["subtree_end"] is not ends
