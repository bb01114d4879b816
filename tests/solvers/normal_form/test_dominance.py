"""Iterated elimination of dominated strategies: textbook games, properties and pygambit."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pygambit as gbt
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.normal_form.dominance import DominanceResult, iterated_dominance
from alliance_games.solvers.normal_form.pure import pure_profiles
from tests.random_games import random_normal_form


def _two_player(a: list[list[int]], b: list[list[int]], rows: list[str],
                cols: list[str]) -> NormalFormGame:
    return NormalFormGame.from_arrays(a, b, players=["Row", "Col"], strategies=[rows, cols])


def _replay(game: NormalFormGame, result: DominanceResult) -> None:
    """Check every logged elimination independently, in the game left at the start of its round."""
    keep = [list(labels) for labels in game.strategies]
    for rnd in result.rounds:
        for elim in rnd:
            i = game.players.index(elim.player)
            table = np.moveaxis(game.payoffs[i], i, 0)
            index = [[game.strategies[p].index(s) for s in keep[p]] for p in range(len(keep))]
            for axis, kept in enumerate(index):
                if axis != i:
                    table = np.take(table, kept, axis=axis if axis > i else axis + 1)
            table = table.reshape(table.shape[0], -1)
            mix = {elim.dominator: Fraction(1)} if isinstance(elim.dominator, str) \
                else elim.dominator
            assert sum(mix.values()) == 1 and all(p > 0 for p in mix.values())
            assert all(label in keep[i] and label != elim.strategy for label in mix)
            value = sum(p * table[game.strategies[i].index(k)] for k, p in mix.items())
            gap = value - table[game.strategies[i].index(elim.strategy)]
            if elim.strict:
                assert all(g > 0 for g in gap)
            else:
                assert result.weak and all(g >= 0 for g in gap) and any(g > 0 for g in gap)
        for elim in rnd:
            keep[game.players.index(elim.player)].remove(elim.strategy)
    assert tuple(map(tuple, keep)) == result.surviving
    assert result.game.strategies == result.surviving


def test_prisoners_dilemma_leaves_defect_defect() -> None:
    game = _two_player([[3, 0], [5, 1]], [[3, 5], [0, 1]], ["Cooperate", "Defect"],
                       ["Cooperate", "Defect"])
    result = iterated_dominance(game)
    assert result.surviving == (("Defect",), ("Defect",))
    assert len(result.rounds) == 1
    assert {(e.player, e.strategy, e.dominator) for e in result.rounds[0]} == {
        ("Row", "Cooperate", "Defect"), ("Col", "Cooperate", "Defect")}
    assert list(result.game.payoffs.ravel()) == [1, 1]
    _replay(game, result)


def test_strategy_dominated_only_by_a_mixture() -> None:
    game = _two_player([[3, 0, 2], [0, 3, 2], [1, 1, 1]], [[2, 0, 1], [0, 2, 1], [1, 1, 0]],
                       ["r1", "r2", "r3"], ["c1", "c2", "c3"])
    pure_only = iterated_dominance(game, mixed=False)
    assert pure_only.surviving[0] == ("r1", "r2", "r3")
    result = iterated_dominance(game)
    first = result.rounds[0]
    assert first[0].player == "Row" and first[0].strategy == "r3" and first[0].strict
    assert first[0].dominator == {"r1": Fraction(1, 2), "r2": Fraction(1, 2)}
    assert all(isinstance(p, Fraction) for p in first[0].dominator.values())
    assert "r3" not in result.surviving[0]
    _replay(game, result)


def test_gibbons_iterated_strict_dominance() -> None:
    """Gibbons (1992), fig. 1.1.1: Right, then Down, then Left go; (Up, Middle) remains."""
    game = _two_player([[1, 1, 0], [0, 0, 2]], [[0, 2, 1], [3, 1, 0]], ["Up", "Down"],
                       ["Left", "Middle", "Right"])
    result = iterated_dominance(game)
    assert [[(e.strategy, e.dominator) for e in r] for r in result.rounds] == [
        [("Right", "Middle")], [("Down", "Up")], [("Left", "Middle")]]
    assert result.surviving == (("Up",), ("Middle",))
    assert result.indices == ((0,), (1,))
    assert iterated_dominance(game.to_float()).surviving == result.surviving


def test_weak_dominance_by_a_mixture_is_certified_exactly() -> None:
    """r3 = (1, 1, 1) equals (r1 + r2) / 2 on two columns and is below it on the third."""
    game = _two_player([[2, 0, 1], [0, 2, 2], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
                       ["r1", "r2", "r3"], ["c1", "c2", "c3"])
    assert iterated_dominance(game).rounds == ()
    weak = iterated_dominance(game, weak=True)
    (elim,) = weak.rounds[0]
    assert elim.strategy == "r3" and not elim.strict
    assert elim.dominator == {"r1": Fraction(1, 2), "r2": Fraction(1, 2)}
    assert weak.surviving == (("r1", "r2"), ("c1", "c2", "c3"))
    _replay(game, weak)


def test_duplicate_strategies_are_not_weakly_dominated() -> None:
    game = _two_player([[1, 0], [1, 0], [0, 0]], [[1, 1], [1, 1], [1, 1]], ["a", "b", "c"],
                       ["x", "y"])
    result = iterated_dominance(game, weak=True)
    assert result.surviving == (("a", "b"), ("x", "y"))


def test_tags_follow_the_surviving_profiles() -> None:
    game = _two_player([[3, 0], [5, 1]], [[3, 5], [0, 1]], ["C", "D"], ["C", "D"])
    tagged = NormalFormGame(game.players, game.strategies, game.payoffs,
                            {(1, 1): ("war",), (0, 0): ("peace",)})
    assert iterated_dominance(tagged).game.tags == {(0, 0): ("war",)}


payoffs = st.integers(-3, 3)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_positive_affine_transforms_change_nothing(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 3))
    shape = tuple(data.draw(st.integers(1, 3)) for _ in range(n))
    size = int(np.prod(shape))
    arrays = [np.array(data.draw(st.lists(payoffs, min_size=size, max_size=size))).reshape(shape)
              for _ in range(n)]
    scales = [Fraction(data.draw(st.integers(1, 9)), data.draw(st.integers(1, 4)))
              for _ in range(n)]
    shifts = [data.draw(st.integers(-5, 5)) for _ in range(n)]
    game = NormalFormGame.from_arrays(*arrays)
    moved = NormalFormGame.from_arrays(*(a * s + b for a, s, b in
                                         zip(arrays, scales, shifts, strict=True)))
    for weak in (False, True):
        one, two = iterated_dominance(game, weak=weak), iterated_dominance(moved, weak=weak)
        assert one.surviving == two.surviving
        assert [{(e.player, e.strategy) for e in r} for r in one.rounds] == \
            [{(e.player, e.strategy) for e in r} for r in two.rounds]
        _replay(game, one)


def test_pure_nash_equilibria_survive_strict_dominance() -> None:
    rng = random.Random(20240611)
    for _ in range(60):
        game = random_normal_form(rng, max_players=3, max_strategies=4)
        result = iterated_dominance(game)
        _replay(game, result)
        assert not result.notes
        for profile in pure_profiles(game):
            for i, k in enumerate(profile):
                assert int(k) in result.indices[i]


def _first_round(game: NormalFormGame, *, weak: bool) -> set[tuple[int, int]]:
    result = iterated_dominance(game, weak=weak, mixed=False)
    return {(game.players.index(e.player), game.strategies[game.players.index(e.player)]
             .index(e.strategy)) for e in (result.rounds[0] if result.rounds else ())}


def _gambit(game: NormalFormGame) -> gbt.Game:
    return gbt.Game.from_arrays(*[np.asarray(game.payoffs[i], dtype=object).astype(int)
                                  for i in range(game.num_players)])


def test_one_round_matches_pygambit_on_random_games() -> None:
    """Pure dominance, one round, against Gambit's pairwise ``is_dominated`` (exact rationals)."""
    rng = random.Random(7)
    for _ in range(80):
        game = random_normal_form(rng, max_players=3, max_strategies=4)
        g = _gambit(game)
        support = g.strategy_support_profile()
        for weak in (False, True):
            theirs = {(i, k) for i, player in enumerate(g.players)
                      for k, strategy in enumerate(player.strategies)
                      if support.is_dominated(strategy, not weak)}
            assert _first_round(game, weak=weak) == theirs


def test_pygambit_undominated_strategies_solve_differs_only_where_it_is_wrong() -> None:
    """``pygambit.supports.undominated_strategies_solve`` (16.7.0) sometimes drops a strategy
    that no other strategy dominates: its ``find_minimal_elements`` assumes a total order. Here
    P2's s3 = (-2, 0) is only weakly dominated by s2 = (1, 0), yet ``strict=True`` removes it.
    Wherever the two disagree, Gambit's own ``is_dominated`` must side with us."""
    game = NormalFormGame.from_arrays([[2, -3, -3, 3], [1, -3, -1, 1]],
                                      [[-3, 1, -2, -3], [-3, 0, 0, -3]])
    assert _first_round(game, weak=False) == {(1, 0), (1, 3)}
    rng = random.Random(11)
    games = [game] + [random_normal_form(rng, max_players=3, max_strategies=4)
                      for _ in range(60)]
    for game in games:
        g = _gambit(game)
        support = g.strategy_support_profile()
        strategies = [list(player.strategies) for player in g.players]
        for weak in (False, True):
            kept = gbt.supports.undominated_strategies_solve(g, strict=not weak)
            theirs = {(int(s.player.label) - 1, int(s.label) - 1) for s in kept}
            gone = {(i, k) for i, row in enumerate(strategies) for k in range(len(row))} - theirs
            mine = _first_round(game, weak=weak)
            for i, k in gone ^ mine:
                assert ((i, k) in mine) == support.is_dominated(strategies[i][k], not weak)
