"""Subgame solutions kept across solves: a later solve that meets a known subgame (in the same
or another tree, at another position) lists exactly what solving it afresh lists, with the same
notes and completeness, and the cache stays within its bound."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from functools import partial

import pytest

from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree import subgame_perfect as decomposition
from alliance_games.solvers.tree.perfect_bayesian_subgames import (
    subgame_pbe,
    subgame_perfect_bayesian,
)
from alliance_games.solvers.tree.placement import Assignment
from alliance_games.solvers.tree.subgame_cache import CACHE, SubgameCache, solver_identity
from tests.solvers.tree.test_subgame_keys import _listing, three_copies


def copies(fight_c: int) -> GameTree:
    """A root move to three copies of a signalling game without ties (solved without notes);
    copies ``A`` and ``B`` are the same game, ``C`` has the responder's fighting value
    ``fight_c`` where the others have 2."""
    builder = TreeBuilder(("first", "sender", "responder"))
    top = builder.add_decision(-1, None, player=0, infoset="first", actions=("A", "B", "C"))
    for name in "ABC":
        root = builder.add_chance(top, name)
        for t, strength, prob in (("strong", 3, Fraction(1, 3)), ("weak", 1, Fraction(2, 3))):
            move = builder.add_decision(root, t, player=1, infoset=f"{name}_sender_{t}",
                                        actions=("Out", "In"), prob=prob)
            builder.add_terminal(move, "Out", payoffs=[0, 2, 0])
            after = builder.add_decision(move, "In", player=2, infoset=f"{name}_responder",
                                         actions=("Fight", "Accommodate"))
            fight = (fight_c if name == "C" else 2) - strength
            builder.add_terminal(after, "Fight", payoffs=[0, -1, fight])
            builder.add_terminal(after, "Accommodate", payoffs=[1, strength, 0])
    return builder.build()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    CACHE.clear()
    yield
    CACHE.clear()


def _cold(solve: object, *args: object, **kwargs: object) -> object:
    """The result with nothing cached before or kept after."""
    CACHE.clear()
    weight, CACHE.max_weight = CACHE.max_weight, 0
    try:
        return solve(*args, **kwargs)  # type: ignore[operator]
    finally:
        CACHE.max_weight = weight


@pytest.mark.parametrize("distinct", [False, True])
def test_a_second_tree_takes_known_subgames_and_lists_the_same_equilibria(distinct: bool) -> None:
    first, second = copies(2), copies(5)  # copies A and B as in ``first``, C differs
    subgame_perfect_bayesian(first, distinct=distinct)
    hits = CACHE.hits
    warm = subgame_perfect_bayesian(second, distinct=distinct)
    assert CACHE.hits == hits + 1  # copy B of ``second`` from the cache (copy A then from B)
    cold = _cold(subgame_perfect_bayesian, second, distinct=distinct)
    assert _listing(warm) == _listing(cold)
    assert (warm.warnings, warm.complete) == (cold.warnings, cold.complete)  # type: ignore[attr-defined]


def test_subgames_with_notes_are_not_kept_and_notes_survive() -> None:
    tree, _ = three_copies(-1)
    cold = _cold(subgame_perfect_bayesian, tree, max_equilibria=1)
    assert not cold.complete and cold.warnings  # type: ignore[attr-defined]
    first = subgame_perfect_bayesian(tree, max_equilibria=1)
    again = subgame_perfect_bayesian(tree._replace(), max_equilibria=1)
    for result in (first, again):
        assert _listing(result) == _listing(cold)
        assert (result.warnings, result.complete) == (cold.warnings, cold.complete)  # type: ignore[attr-defined]


def test_the_context_separates_solver_settings() -> None:
    tree = copies(2)
    subgame_perfect_bayesian(tree, distinct=True)
    assert CACHE.entries
    hits = CACHE.hits
    full = subgame_perfect_bayesian(tree._replace())
    assert _listing(full) == _listing(_cold(subgame_perfect_bayesian, tree))
    assert CACHE.hits == hits  # nothing solved with ``distinct`` stands for a solve without


def test_solver_identity_compares_functions_and_partials_but_not_closures() -> None:
    assert solver_identity(partial(subgame_pbe, prefer=1)) == \
        solver_identity(partial(subgame_pbe, prefer=1))
    assert solver_identity(partial(subgame_pbe, prefer=1)) != \
        solver_identity(partial(subgame_pbe, prefer=2))
    assert solver_identity(lambda tree: subgame_pbe(tree)) is None
    offset = 1

    def closure(tree: object) -> object:
        return subgame_pbe(tree, prefer=offset)  # type: ignore[arg-type]

    assert solver_identity(closure) is None
    tree, _ = three_copies(-1)
    decomposition.subgame_perfect(tree, tree_solver=closure, method="spbe")
    assert not CACHE.entries  # an incomparable solver: nothing kept


def test_the_cache_stays_within_its_weight() -> None:
    cache = SubgameCache(max_weight=10)

    class _Sol:
        def __init__(self, size: int) -> None:
            self.assignment = Assignment(tuple((k, (1,)) for k in range(size)))

    for k in range(20):
        cache.put("context", bytes([k]), [_Sol(3)])
        assert cache.weight <= 10
    assert cache.get("context", bytes([19])) is not None
    assert cache.get("context", bytes([0])) is None  # the oldest went first
    cache.put("context", b"big", [_Sol(50)])
    assert cache.get("context", b"big") is None  # heavier than the whole cache: not kept
