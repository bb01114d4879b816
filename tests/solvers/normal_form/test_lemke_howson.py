"""Lemke-Howson (method ``lcp``): exact certificates, agreement with pygambit and nashpy."""

from __future__ import annotations

import random
import warnings
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import strategy_regrets
from alliance_games.solvers.normal_form.lemke_howson import lcp_solve, lemke_howson

pygambit = pytest.importorskip("pygambit")

Key = tuple[tuple[Fraction, ...], ...]


def _random_bimatrix(rng: random.Random, max_size: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Small integer ranges make degenerate games (ties, many equilibria) common."""
    m, n = rng.randint(1, max_size), rng.randint(1, max_size)
    low, high = rng.choice([(0, 1), (-1, 1), (-2, 2), (0, 3), (-5, 5), (-100, 100)])
    return tuple(np.array([[rng.randint(low, high) for _ in range(n)] for _ in range(m)])
                 for _ in range(2))


def _gambit_set(solution: object, g: object) -> set[Key]:
    return {tuple(tuple(Fraction(p[s]) for s in player.strategies) for player in g.players)
            for p in solution.equilibria}


def _keys(result: object) -> set[Key]:
    return {tuple(tuple(s) for s in eq.strategies) for eq in result.equilibria}


def test_random_games_match_pygambit_lcp_and_are_exact_equilibria() -> None:
    rng = random.Random(20261124)
    for trial in range(150):
        a, b = _random_bimatrix(rng)
        game = NormalFormGame.from_arrays(a, b)
        result = lcp_solve(game)
        assert result.exact and not result.complete and result.method == "lcp"
        assert result.diagnostics["accessible_only"] is True
        assert len(result.equilibria) >= 1
        for eq in result.equilibria:
            assert eq.exact and eq.max_regret == 0
            assert all(r == 0 for r in strategy_regrets(game, eq.strategies))
            assert all(sum(s) == 1 and min(s) >= 0 for s in eq.strategies)
        g = pygambit.Game.from_arrays(a, b)
        ours = _keys(result)
        assert len(ours) == len(result.equilibria)  # no duplicates
        assert ours == _gambit_set(pygambit.nash.lcp_solve(g, rational=True), g)
        if trial % 3 == 0:  # every LH endpoint is an extreme equilibrium (enummixed is slow)
            assert ours <= _gambit_set(pygambit.nash.enummixed_solve(g, rational=True), g)


def test_limits_match_pygambit() -> None:
    rng = random.Random(7)
    for _ in range(40):
        a, b = _random_bimatrix(rng)
        game = NormalFormGame.from_arrays(a, b)
        g = pygambit.Game.from_arrays(a, b)
        first = lcp_solve(game, stop_after=1)
        assert _keys(first) == _gambit_set(pygambit.nash.lcp_solve(g, stop_after=1), g)
        shallow = lcp_solve(game, max_depth=1)
        assert _keys(shallow) == _gambit_set(pygambit.nash.lcp_solve(g, max_depth=1), g)
        full = _keys(lcp_solve(game))
        two = lcp_solve(game, stop_after=2)
        assert len(two.equilibria) == min(2, len(full)) and _keys(two) <= full


def test_shapley_game_has_one_accessible_equilibrium() -> None:
    a = [[0, 1, 2], [2, 0, 1], [1, 2, 0]]
    b = [[0, 2, 1], [1, 0, 2], [2, 1, 0]]
    game = NormalFormGame.from_arrays(a, b)
    third = (Fraction(1, 3),) * 3
    result = lcp_solve(game)
    assert _keys(result) == {(third, third)}
    assert result.equilibria[0].max_regret == 0
    for label in range(6):
        assert tuple(tuple(s) for s in lemke_howson(game, label).strategies) == (third, third)


def test_single_paths_agree_with_nashpy_on_nondegenerate_games() -> None:
    nashpy = pytest.importorskip("nashpy")
    rng = np.random.default_rng(3)
    compared = total = 0
    for _ in range(40):
        size = int(rng.integers(2, 6))  # nashpy 0.0.43 mis-shapes non-square games
        a, b = (rng.integers(-1000, 1000, size=(size, size)) for _ in range(2))
        game, ref = NormalFormGame.from_arrays(a, b), nashpy.Game(a, b)
        for label in range(2 * size):
            eq = lemke_howson(game, label)
            assert eq.exact and eq.max_regret == 0
            total += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x, y = ref.lemke_howson(initial_dropped_label=label)
            if x.shape != (size,) or y.shape != (size,) or not np.isfinite([*x, *y]).all():
                continue  # a nashpy failure (rare), not a disagreement
            compared += 1
            np.testing.assert_allclose(np.array(eq.strategies[0], dtype=float), x, atol=1e-9)
            np.testing.assert_allclose(np.array(eq.strategies[1], dtype=float), y, atol=1e-9)
    assert compared >= 0.95 * total


def test_float_pivoting_matches_exact() -> None:
    rng = random.Random(11)
    for _ in range(40):
        a, b = _random_bimatrix(rng, 5)
        game = NormalFormGame.from_arrays(a, b)
        exact = lcp_solve(game)
        floats = lcp_solve(game, rational=False)
        assert not floats.exact and all(not eq.exact for eq in floats.equilibria)
        assert all(eq.max_regret < 1e-9 for eq in floats.equilibria)
        rounded = {tuple(tuple(np.round(np.asarray(s, dtype=float), 8)) for s in eq.strategies)
                   for eq in floats.equilibria}
        assert rounded == {tuple(tuple(np.round(np.asarray(s, dtype=float), 8))
                                 for s in eq.strategies) for eq in exact.equilibria}


def test_float_game_solved_in_floats_by_default_and_exactly_on_request() -> None:
    game = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]], exact=False)
    assert not lcp_solve(game).exact
    exact = lcp_solve(game, rational=True)
    assert exact.exact
    assert ((Fraction(3, 5), Fraction(2, 5)), (Fraction(2, 5), Fraction(3, 5))) in _keys(exact)


def test_fraction_payoffs() -> None:
    a = [[Fraction(1, 2), Fraction(-1, 3)], [Fraction(-1, 7), Fraction(1, 5)]]
    b = [[Fraction(-1, 2), Fraction(1, 3)], [Fraction(1, 7), Fraction(-1, 5)]]
    game = NormalFormGame.from_arrays(a, b)
    (eq,) = lcp_solve(game).equilibria
    assert eq.max_regret == 0 and eq.exact


def test_one_strategy_players() -> None:
    game = NormalFormGame.from_arrays([[1, 3, 3]], [[0, 2, 2]])
    result = lcp_solve(game)
    assert all(eq.max_regret == 0 for eq in result.equilibria)
    assert all(eq.strategies[1][0] == 0 for eq in result.equilibria)


def test_bad_input_is_refused() -> None:
    three = NormalFormGame.from_arrays(*np.zeros((3, 2, 2, 2), dtype=int))
    with pytest.raises(SolverError, match="two-player"):
        lcp_solve(three)
    game = NormalFormGame.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(SolverError, match="dropped_label"):
        lemke_howson(game, 4)
    with pytest.raises(SolverError, match="stop_after"):
        lcp_solve(game, stop_after=0)
    truncated = lcp_solve(game, stop_after=1)
    assert len(truncated.equilibria) == 1 and truncated.warnings
