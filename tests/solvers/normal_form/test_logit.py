"""Logit QRE tracing: the branch satisfies the QRE equations and ends at a Nash equilibrium."""

from __future__ import annotations

import random

import numpy as np
import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.solvers.normal_form.logit import logit_branch, logit_solve


def _random_game(rng: random.Random, shape: tuple[int, ...], bound: int) -> NormalFormGame:
    size = int(np.prod(shape))
    return NormalFormGame.from_arrays(*[
        np.array([rng.randint(-bound, bound) for _ in range(size)]).reshape(shape)
        for _ in shape])


def _qre_residual(game: NormalFormGame, lam: float, profile: list[np.ndarray]) -> float:
    """Largest gap between sigma_i and the logit response to sigma_-i."""
    floats = game.to_float()
    worst = 0.0
    for i, dist in enumerate(profile):
        values = lam * floats.deviation_payoffs(profile, i)
        response = np.exp(values - values.max())
        worst = max(worst, float(np.max(np.abs(response / response.sum() - dist))))
    return worst


def test_matching_pennies_converges_to_the_mixed_equilibrium() -> None:
    game = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    result = logit_solve(game)
    eq = result.equilibria[0]
    assert result.method == "logit" and not result.exact and not result.complete
    assert not eq.exact and isinstance(eq.max_regret, float)
    for dist in eq.strategies:
        assert np.allclose(dist, [0.5, 0.5], atol=1e-9)
    assert eq.max_regret < 1e-9
    assert result.diagnostics["final_lambda"] == pytest.approx(1e6)


def test_coordination_game_reaches_a_nash_equilibrium() -> None:
    game = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[2, 0], [0, 1]])
    result = logit_solve(game)
    eq = result.equilibria[0]
    assert eq.max_regret < 1e-6
    assert max_regret(game.to_float(), eq.strategies) < 1e-6
    # the branch selects the payoff- and risk-dominant equilibrium (1, 1)
    assert np.allclose(eq.strategies[0], [1, 0], atol=1e-6)
    assert np.allclose(eq.strategies[1], [1, 0], atol=1e-6)
    assert not result.warnings


def test_random_three_player_games_end_near_nash() -> None:
    rng = random.Random(2026)
    for k in range(12):
        shape = ((2, 2, 2), (3, 2, 2), (3, 3, 3))[k % 3]
        game = _random_game(rng, shape, 5)
        result = logit_solve(game)
        eq = result.equilibria[0]
        assert eq.max_regret < 1e-5, (k, result.diagnostics, result.warnings)
        assert eq.max_regret == pytest.approx(float(max_regret(game.to_float(), eq.strategies)))
        assert all(abs(float(np.sum(s)) - 1) < 1e-12 for s in eq.strategies)
        assert np.allclose(result.equilibria[0].payoffs,
                           game.to_float().expected_payoffs(eq.strategies))


def test_four_player_game() -> None:
    game = _random_game(random.Random(4), (2, 2, 2, 2), 3)
    result = logit_solve(game)
    assert result.equilibria[0].max_regret < 1e-5


def test_branch_is_interior_sums_to_one_and_solves_the_qre_equations() -> None:
    game = _random_game(random.Random(9), (3, 2, 2), 5)
    lambdas = [0.0, 0.25, 1.0, 3.0, 10.0]
    branch = logit_branch(game, lambdas)
    assert [lam for lam, _ in branch] == lambdas
    lam0, uniform = branch[0]
    assert lam0 == 0.0
    for dist in uniform:
        assert np.allclose(dist, np.full(len(dist), 1 / len(dist)), atol=1e-12)
    for lam, profile in branch:
        for dist in profile:
            assert np.all(dist > 0) and abs(float(dist.sum()) - 1) < 1e-12
        assert _qre_residual(game, lam, profile) < 1e-7


def test_branch_order_follows_the_request() -> None:
    game = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    branch = logit_branch(game, [2.0, 0.5])
    assert [lam for lam, _ in branch] == [2.0, 0.5]
    # in the prisoner's dilemma defection grows with lambda
    assert branch[0][1][0][1] > branch[1][1][0][1] > 0.5


def test_agrees_with_pygambit_logit_on_generic_games() -> None:
    pygambit = pytest.importorskip("pygambit")
    rng = random.Random(31)
    for k in range(6):
        shape = ((2, 2, 2), (3, 3), (3, 2, 2))[k % 3]
        arrays = [np.array([rng.randint(-50, 50) for _ in range(int(np.prod(shape)))]
                           ).reshape(shape) for _ in shape]
        g = pygambit.Game.from_arrays(*arrays)
        theirs = pygambit.nash.logit_solve(g, use_strategic=True).equilibria[0]
        flat = np.array([float(theirs[s]) for player in g.players for s in player.strategies])
        ours = np.concatenate(logit_solve(NormalFormGame.from_arrays(*arrays)).equilibria[0]
                              .strategies)
        assert np.allclose(ours, flat, atol=1e-4), (arrays, ours, flat)
