"""Truncated subtrees from a per-structure template: at every subgame root with inner subgames,
the template built at one parameter point and filled with another point's numbers gives the
tree built node by node at that point, field by field (numbers of the same type and value)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from alliance_games.games import tree as tree_module
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_cache import CACHE
from alliance_games.solvers.tree.subgame_keys import STRUCTURES
from alliance_games.solvers.tree.subgame_perfect import _Decomposition
from alliance_games.solvers.tree.truncation import build_truncated, template, truncate
from tests.solvers.tree.test_subgame_cache import copies

FIELDS = ("players", "kind", "parent", "child_ptr", "child_index", "edge_label", "edge_prob",
          "node_infoset", "infosets", "node_payoffs", "node_label", "node_tags", "outcome_label",
          "title", "has_payoff", "measures")


def _same(a: GameTree, b: GameTree) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, name
            assert [type(v) for v in x.ravel().tolist()] == [type(v) for v in y.ravel().tolist()]
            assert x.tolist() == y.tolist(), name
        else:
            assert x == y, name


def _roots_with_inner(tree: GameTree) -> list[tuple[int, list[int]]]:
    inner = _Decomposition._inner_map(tree)
    return [(root, kids) for root, kids in inner.items() if kids]


def _check(first: GameTree, second: GameTree, limit: int) -> int:
    checked = 0
    for root, inner in _roots_with_inner(first)[:limit]:
        found = template(first, root, inner)
        built, leaf_of, _ = build_truncated(second, root, inner)
        filled = truncate(second, found)
        _same(filled, built)
        assert found.leaf_of == leaf_of
        assert filled.subgame_roots == built.subgame_roots
        assert filled.structure_key == built.structure_key
        checked += 1
    return checked


def test_small_tree_at_other_payoffs() -> None:
    first = copies(2)
    second = first._replace(node_payoffs=first.node_payoffs * 3 + Fraction(1, 7))
    # the root has the three copies as inner subgames
    assert _check(first, second, 10) >= 1


def test_flagship_policy_subgame_at_another_point() -> None:
    model = load_model("alliance_system")
    compiled = compile_model(model)
    a = compiled.at({})
    b = compiled.at({"pooling": Fraction(3, 10), "war_cost_irresolute": Fraction(23, 10)})
    assert isinstance(a, GameTree) and isinstance(b, GameTree)
    child = int(a.children(0)[a.actions(0).index("connect")])
    assert _check(a.subtree(child), b.subtree(child), 40) >= 10


def _solved(tree: GameTree) -> list[tuple[object, ...]]:
    result = subgame_perfect_bayesian(tree, distinct=True, prefer=0)
    return [(tuple(tuple(d.tolist()) for d in eq.strategies), tuple(eq.payoffs.tolist()))
            for eq in result.equilibria] + [(result.complete, result.warnings)]


def test_flagship_policy_subgame_same_equilibria_with_structure_reused() -> None:
    """The status-quo subgame at a second point, solved with the first point's templates (cuts,
    truncations) kept, lists the equilibria a solve with nothing kept lists."""
    compiled = compile_model(load_model("alliance_system"))
    a = compiled.at({})
    b = compiled.at({"war_cost_irresolute": Fraction(23, 10), "hedge_loss": Fraction(11, 10)})
    assert isinstance(a, GameTree) and isinstance(b, GameTree)
    child = int(a.children(0)[a.actions(0).index("status_quo")])
    _solved(a.subtree(child))  # templates of this structure kept
    warm = _solved(b.subtree(child))
    tree_module._SUBTREES.clear()
    STRUCTURES.clear()
    CACHE.clear()
    assert warm == _solved(b.subtree(child))
