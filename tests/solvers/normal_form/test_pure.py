"""Pure Nash equilibria: textbook cases, agreement with pygambit, and the definition."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import strategy_regrets
from alliance_games.solvers.normal_form.pure import enumerate_pure, pure_profiles
from tests.random_games import random_normal_form

pygambit = pytest.importorskip("pygambit")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # prisoner's dilemma: (Defect, Defect)
        ([[3, 0], [5, 1]], [[3, 5], [0, 1]], [(1, 1)]),
        # battle of the sexes: two pure equilibria
        ([[2, 0], [0, 1]], [[1, 0], [0, 2]], [(0, 0), (1, 1)]),
        # matching pennies: none
        ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], []),
        # a constant game: every profile
        ([[0, 0], [0, 0]], [[0, 0], [0, 0]], [(0, 0), (0, 1), (1, 0), (1, 1)]),
    ],
)
def test_textbook_pure_equilibria(a: list, b: list, expected: list) -> None:
    game = NormalFormGame.from_arrays(a, b)
    assert [tuple(map(int, p)) for p in pure_profiles(game)] == expected


def _gambit_pure(game: NormalFormGame) -> set[tuple[int, ...]]:
    arrays = [np.array(game.payoffs[i], dtype=object) for i in range(game.num_players)]
    g = pygambit.Game.from_arrays(*[a.astype(int) if all(v.denominator == 1 for v in a.ravel())
                                    else a for a in arrays])
    found = set()
    for profile in pygambit.nash.enumpure_solve(g).equilibria:
        index = []
        for player in g.players:
            probs = [profile[s] for s in player.strategies]
            index.append(next(k for k, p in enumerate(probs) if p == 1))
        found.add(tuple(index))
    return found


def test_pure_equilibria_agree_with_pygambit_on_random_games() -> None:
    rng = random.Random(20261124)
    for _ in range(250):
        game = random_normal_form(rng)
        ours = {tuple(int(k) for k in row) for row in pure_profiles(game)}
        assert ours == _gambit_pure(game)


def test_float_games_find_the_same_profiles_within_tolerance() -> None:
    rng = random.Random(7)
    for _ in range(50):
        game = random_normal_form(rng)
        exact = {tuple(r) for r in pure_profiles(game).tolist()}
        floats = {tuple(r) for r in pure_profiles(game.to_float()).tolist()}
        assert exact == floats


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=2**31), st.integers(1, 4))
def test_every_reported_pure_equilibrium_has_zero_regret(seed: int, players: int) -> None:
    game = random_normal_form(random.Random(seed), max_players=players)
    for eq in enumerate_pure(game).equilibria:
        assert eq.max_regret == 0
        assert all(r == 0 for r in strategy_regrets(game, eq.strategies))
        assert all(sum(s) == 1 for s in eq.strategies)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_pure_equilibria_invariant_to_positive_affine_transforms(seed: int) -> None:
    rng = random.Random(seed)
    game = random_normal_form(rng)
    scale, shift = Fraction(rng.randint(1, 5), rng.randint(1, 3)), Fraction(rng.randint(-5, 5))
    payoffs = game.payoffs.copy()
    payoffs[0] = payoffs[0] * scale + shift
    moved = NormalFormGame(game.players, game.strategies, payoffs)
    assert pure_profiles(game).tolist() == pure_profiles(moved).tolist()
