"""Linear programming for constant-sum games (method ``lp``): values, exact certificates."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import strategy_regrets
from alliance_games.solvers.normal_form import linear_program
from alliance_games.solvers.normal_form.linear_program import constant_sum, lp_solve

pygambit = pytest.importorskip("pygambit")

HALF = Fraction(1, 2)
THIRD = Fraction(1, 3)


def _zero_sum(a: list | np.ndarray, total: int = 0) -> NormalFormGame:
    a = np.asarray(a, dtype=object)
    return NormalFormGame.from_arrays(a, total - a)


def test_matching_pennies() -> None:
    result = lp_solve(_zero_sum([[1, -1], [-1, 1]]))
    (eq,) = result.equilibria
    assert result.exact and eq.exact and eq.max_regret == 0
    assert result.diagnostics["value"] == 0
    assert [list(s) for s in eq.strategies] == [[HALF, HALF], [HALF, HALF]]


def test_rock_paper_scissors() -> None:
    result = lp_solve(_zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]]))
    (eq,) = result.equilibria
    assert result.diagnostics["value"] == 0 and eq.max_regret == 0
    assert [list(s) for s in eq.strategies] == [[THIRD] * 3, [THIRD] * 3]


def test_random_zero_sum_games_match_pygambit_value() -> None:
    rng = random.Random(20261124)
    for _ in range(80):
        m, n = rng.randint(1, 7), rng.randint(1, 7)
        low, high = rng.choice([(0, 1), (-2, 2), (-5, 5), (-100, 100)])
        a = np.array([[rng.randint(low, high) for _ in range(n)] for _ in range(m)])
        game = _zero_sum(a)
        result = lp_solve(game)
        (eq,) = result.equilibria
        assert result.exact and eq.exact and eq.max_regret == 0
        assert all(r == 0 for r in strategy_regrets(game, eq.strategies))
        g = pygambit.Game.from_arrays(a, -a)
        ref = pygambit.nash.lp_solve(g, rational=True).equilibria[0]
        value = Fraction(ref.payoff(list(g.players)[0]))
        assert result.diagnostics["value"] == value == eq.payoffs[0] == -eq.payoffs[1]


def test_constant_sum_game() -> None:
    a = np.array([[1, 4], [3, 2]])
    game = NormalFormGame.from_arrays(a, 5 - a)
    assert constant_sum(game) == 5
    result = lp_solve(game)
    (eq,) = result.equilibria
    assert result.diagnostics["value"] == Fraction(5, 2)
    assert result.diagnostics["constant_sum"] == 5
    assert [list(s) for s in eq.strategies] == [[Fraction(1, 4), Fraction(3, 4)], [HALF, HALF]]
    assert eq.payoffs[0] + eq.payoffs[1] == 5


def test_fraction_payoffs() -> None:
    a = [[Fraction(1, 3), Fraction(-2, 7)], [Fraction(-1, 5), Fraction(1, 2)]]
    result = lp_solve(_zero_sum(a))
    assert result.exact and result.equilibria[0].max_regret == 0


def test_non_constant_sum_is_refused() -> None:
    game = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert constant_sum(game) is None
    with pytest.raises(SolverError, match="not constant-sum.*enummixed or lcp"):
        lp_solve(game)
    three = NormalFormGame.from_arrays(*np.zeros((3, 2, 2, 2), dtype=int))
    with pytest.raises(SolverError, match="two-player"):
        lp_solve(three)


def test_floats_on_request_and_for_float_games() -> None:
    a = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    for result in (lp_solve(_zero_sum(a), rational=False),
                   lp_solve(NormalFormGame.from_arrays(a, -a, exact=False))):
        (eq,) = result.equilibria
        assert not result.exact and not eq.exact
        assert abs(result.diagnostics["value"]) < 1e-9 and eq.max_regret < 1e-9
        np.testing.assert_allclose(eq.strategies[0], [1 / 3] * 3, atol=1e-9)


def test_failed_certification_falls_back_to_floats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linear_program, "_exact_candidates", lambda *args: [])
    result = lp_solve(_zero_sum([[2, -1], [-1, 1]]))
    assert not result.exact and result.warnings
    assert result.diagnostics["certified"] == "float"
    assert abs(result.diagnostics["value"] - 0.2) < 1e-9
