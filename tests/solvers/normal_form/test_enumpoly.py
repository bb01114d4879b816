"""enumpoly: all Nash equilibria of small N-player games, exact where rational.

Checks: textbook three-player games with known mixed equilibria (exact values), an irrational
equilibrium in closed form, agreement with pygambit's ``enumpoly_solve`` (strategic form),
``enumpure_solve`` and, for two players, ``enummixed_solve``; continua, caps, float games.
pygambit's enumpoly can hang on degenerate games, so it runs in a forked child with a timeout and
those games are left out of the comparison (their count is bounded).
"""

from __future__ import annotations

import multiprocessing
import random
from fractions import Fraction
from math import sqrt

import numpy as np
import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.solvers.normal_form.enumpoly import enumpoly_solve

pygambit = pytest.importorskip("pygambit")

F = Fraction


def _random_arrays(rng: random.Random, shape: tuple[int, ...], bound: int) -> list[np.ndarray]:
    size = int(np.prod(shape))
    return [np.array([rng.randint(-bound, bound) for _ in range(size)]).reshape(shape)
            for _ in shape]


def _flat(strategies: tuple[np.ndarray, ...]) -> np.ndarray:
    return np.concatenate([np.asarray(s, dtype=float) for s in strategies])


def _gambit_child(arrays: list[np.ndarray], conn: object) -> None:
    game = pygambit.Game.from_arrays(*arrays)
    result = pygambit.nash.enumpoly_solve(game, use_strategic=True)
    conn.send([[float(p[s]) for player in game.players for s in player.strategies]  # type: ignore
               for p in result.equilibria])


def _gambit_enumpoly(arrays: list[np.ndarray], timeout: float = 1.0) -> list[np.ndarray] | None:
    """pygambit's enumpoly equilibria as flat float vectors; None if it did not finish."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_gambit_child, args=(arrays, sender))
    child.start()
    try:
        if receiver.poll(timeout):
            return [np.array(v) for v in receiver.recv()]
        return None
    finally:
        if child.is_alive():
            child.kill()
        child.join()


def _gambit_pure(arrays: list[np.ndarray]) -> set[tuple[int, ...]]:
    game = pygambit.Game.from_arrays(*arrays)
    found = set()
    for profile in pygambit.nash.enumpure_solve(game).equilibria:
        found.add(tuple(next(k for k, s in enumerate(player.strategies) if profile[s] == 1)
                        for player in game.players))
    return found


def _check_certificates(game: NormalFormGame, result: object) -> None:
    for eq in result.equilibria:  # type: ignore[attr-defined]
        if eq.exact:
            assert eq.max_regret == 0
            assert max_regret(game, eq.strategies) == 0
            assert all(sum(s) == 1 and min(s) >= 0 for s in eq.strategies)
        else:
            assert eq.max_regret <= 1e-8
            assert all(abs(float(sum(s)) - 1) < 1e-12 and min(s) >= 0 for s in eq.strategies)


# ---- known equilibria --------------------------------------------------------------------------
def test_jordan_three_player_matching_pennies() -> None:
    """Jordan (1993): 1 wants to match 2, 2 to mismatch 3, 3 to match 1; the unique equilibrium is
    (1/2, 1/2, 1/2)."""
    idx = np.indices((2, 2, 2))
    a = np.where(idx[0] == idx[1], 1, -1)
    b = np.where(idx[1] != idx[2], 1, -1)
    c = np.where(idx[2] == idx[0], 1, -1)
    result = enumpoly_solve(NormalFormGame.from_arrays(a, b, c))
    assert result.method == "enumpoly" and result.complete and result.exact
    assert len(result.equilibria) == 1
    eq = result.equilibria[0]
    assert eq.exact and eq.max_regret == 0
    assert [list(s) for s in eq.strategies] == [[F(1, 2), F(1, 2)]] * 3
    assert list(eq.payoffs) == [0, 0, 0]


def test_constructed_fully_mixed_equilibrium_is_exact() -> None:
    """Payoff differences D_i chosen so each player is indifferent exactly at
    x = (1/3, 2/3), y = (1/4, 3/4), z = (2/5, 3/5) (weights 2,3,6,9 / 2,3,4,6 / 1,3,2,6)."""
    d1 = np.array([[3, 2], [-2, 0]])  # indexed (y, z)
    d2 = np.array([[3, 0], [0, -1]])  # indexed (x, z)
    d3 = np.array([[2, 0], [2, -1]])  # indexed (x, y)
    a, b, c = (np.zeros((2, 2, 2), dtype=int) for _ in range(3))
    a[0] = d1
    b[:, 0, :] = d2
    c[:, :, 0] = d3
    game = NormalFormGame.from_arrays(a, b, c)
    result = enumpoly_solve(game)
    target = ((F(1, 3), F(2, 3)), (F(1, 4), F(3, 4)), (F(2, 5), F(3, 5)))
    found = [tuple(tuple(s) for s in e.strategies) for e in result.equilibria if e.exact]
    assert target in found
    _check_certificates(game, result)


def test_irrational_equilibrium_in_closed_form() -> None:
    arrays = [np.array(a) for a in (
        [[[-3, 1], [-1, 3]], [[1, -2], [3, 1]]],
        [[[1, 1], [-1, 0]], [[-3, 1], [3, 0]]],
        [[[-1, 1], [-2, -1]], [[-2, -2], [3, -2]]],
    )]
    game = NormalFormGame.from_arrays(*arrays)
    result = enumpoly_solve(game)
    assert result.complete and not result.exact
    irrational = [e for e in result.equilibria if not e.exact]
    assert len(irrational) == 1 and len(result.equilibria) == 3
    root = sqrt(249)  # x = (47 - r)/56, y = (r - 11)/8, z = (r - 2)/35
    expected = [(47 - root) / 56, (root - 11) / 8, (root - 2) / 35]
    got = [float(s[0]) for s in irrational[0].strategies]
    assert np.allclose(got, expected, atol=1e-14, rtol=0)
    assert irrational[0].max_regret <= 1e-12


# ---- agreement with pygambit -------------------------------------------------------------------
def test_three_player_games_agree_with_pygambit() -> None:
    rng = random.Random(20261124)
    compared = skipped = 0
    for k in range(56):
        shape = (2, 2, 2) if k % 2 else (3, 2, 2)
        bound = (2, 3, 9)[k % 3]  # small ranges: ties and continua; 9: mostly generic
        arrays = _random_arrays(rng, shape, bound)
        game = NormalFormGame.from_arrays(*arrays)
        result = enumpoly_solve(game)
        _check_certificates(game, result)
        ours = [_flat(e.strategies) for e in result.equilibria]
        pure = {tuple(int(np.argmax(s)) for s in e.strategies)
                for e in result.equilibria if e.is_pure()}
        assert pure == _gambit_pure(arrays)
        theirs = _gambit_enumpoly(arrays)
        if theirs is None:
            skipped += 1
            continue
        compared += 1
        for profile in theirs:
            assert any(np.max(np.abs(profile - mine)) < 1e-6 for mine in ours), (arrays, profile)
    assert compared >= 40, (compared, skipped)


def test_two_player_games_contain_enummixed_extreme_equilibria() -> None:
    rng = random.Random(7)
    for k in range(40):
        shape = ((2, 2), (3, 3), (2, 3))[k % 3]
        arrays = _random_arrays(rng, shape, (3, 9)[k % 2])
        game = NormalFormGame.from_arrays(*arrays)
        result = enumpoly_solve(game)
        assert result.exact
        _check_certificates(game, result)
        ours = {tuple(v for s in e.strategies for v in s) for e in result.equilibria}
        g = pygambit.Game.from_arrays(*arrays)
        for p in pygambit.nash.enummixed_solve(g, rational=True).equilibria:
            extreme = tuple(F(str(p[s])) for player in g.players for s in player.strategies)
            assert extreme in ours, (arrays, extreme)


# ---- degenerate games, options, determinism ---------------------------------------------------
def test_continuum_is_reported_with_its_end_points() -> None:
    """Prisoner's dilemma between 1 and 2; player 3 is indifferent: (D, D, z) for every z."""
    pd1 = np.array([[3, 0], [5, 1]])
    a = np.repeat(pd1[:, :, None], 2, axis=2)
    b = np.repeat(pd1.T[:, :, None], 2, axis=2)
    c = np.zeros((2, 2, 2), dtype=int)
    result = enumpoly_solve(NormalFormGame.from_arrays(a, b, c))
    assert not result.complete
    assert any("segment" in w for w in result.warnings)
    profiles = [tuple(tuple(s) for s in e.strategies) for e in result.equilibria]
    assert profiles == [((0, 1), (0, 1), (1, 0)), ((0, 1), (0, 1), (0, 1))]


def test_mixed_continuum_end_points_are_exact() -> None:
    """Matching pennies between 1 and 2; player 3 always gets 0: ((1/2,1/2), (1/2,1/2), z) is an
    equilibrium for every z, reported through its two end points."""
    mp = np.array([[1, -1], [-1, 1]])
    a = np.repeat(mp[:, :, None], 2, axis=2)
    b = np.repeat(-mp[:, :, None], 2, axis=2)
    c = np.zeros((2, 2, 2), dtype=int)
    game = NormalFormGame.from_arrays(a, b, c)
    result = enumpoly_solve(game)
    _check_certificates(game, result)
    half = (F(1, 2), F(1, 2))
    profiles = {tuple(tuple(s) for s in e.strategies) for e in result.equilibria}
    assert profiles == {(half, half, (1, 0)), (half, half, (0, 1))}
    assert not result.complete


def test_tie_lines_without_equilibria_keep_completeness() -> None:
    """Ties make some indifference systems one-dimensional; checking their break points and the
    midpoints between them proves no equilibrium lies there (pygambit agrees: one equilibrium)."""
    arrays = [np.array(a) for a in (
        [[[1, 0], [-1, 1]], [[-1, -1], [-1, 0]]],
        [[[0, 0], [-1, 0]], [[-1, 0], [-1, 1]]],
        [[[0, -1], [1, 0]], [[1, 0], [0, 1]]],
    )]
    result = enumpoly_solve(NormalFormGame.from_arrays(*arrays))
    assert result.diagnostics["positive_dimensional"] >= 1
    assert result.complete and not result.warnings
    assert [tuple(tuple(s) for s in e.strategies) for e in result.equilibria] == [
        ((1, 0), (1, 0), (1, 0))]


def test_support_cap_stops_with_a_warning() -> None:
    game = NormalFormGame.from_arrays(*_random_arrays(random.Random(3), (3, 3, 3), 5))
    result = enumpoly_solve(game, max_support_profiles=10)
    assert not result.complete
    assert any("max_support_profiles=10" in w for w in result.warnings)
    assert result.diagnostics["supports_tried"] == 10
    assert result.diagnostics["supports_total"] == 343
    pure = [e for e in result.equilibria if e.is_pure()]
    assert len(pure) == len(result.equilibria)  # mixed supports were never reached


def test_float_game_and_determinism() -> None:
    arrays = _random_arrays(random.Random(11), (2, 2, 2), 9)
    exact = enumpoly_solve(NormalFormGame.from_arrays(*arrays))
    again = enumpoly_solve(NormalFormGame.from_arrays(*arrays))
    assert [e.key() for e in exact.equilibria] == [e.key() for e in again.equilibria]
    floats = enumpoly_solve(NormalFormGame.from_arrays(*arrays, exact=False))
    assert not floats.exact and all(not e.exact for e in floats.equilibria)
    assert len(floats.equilibria) == len(exact.equilibria)
    for e, f in zip(exact.equilibria, floats.equilibria, strict=True):
        assert np.allclose(_flat(e.strategies), _flat(f.strategies), atol=1e-12)
    stats = exact.diagnostics
    assert stats["supports_tried"] == stats["supports_total"] == 27
    assert stats["supports_skipped"] + stats["supports_solved"] <= stats["supports_tried"]


def test_three_by_three_by_three_generic_game() -> None:
    arrays = _random_arrays(random.Random(5), (3, 3, 3), 50)
    game = NormalFormGame.from_arrays(*arrays)
    result = enumpoly_solve(game)
    _check_certificates(game, result)
    theirs = _gambit_enumpoly(arrays, timeout=10.0)
    assert theirs is not None
    ours = [_flat(e.strategies) for e in result.equilibria]
    for profile in theirs:
        assert any(np.max(np.abs(profile - mine)) < 1e-6 for mine in ours)


# ---- the polynomial-system helper ---------------------------------------------------------------
def test_polynomial_system_shapes_radicals_and_continua() -> None:
    sympy = pytest.importorskip("sympy")
    from alliance_games.solvers.kernels.polynomial_system import solve_system

    x, y = sympy.symbols("x y")

    def solve(*exprs: object) -> object:
        return solve_system([sympy.Poly(e, x, y, domain=sympy.QQ) for e in exprs], (x, y))

    not_shape = solve(x**2 - F(1, 2), y**2 - F(1, 3))  # needs a separating linear form
    assert len(not_shape.points) == 1
    assert [float(v) for v in not_shape.points[0].values] == pytest.approx(
        [sqrt(0.5), sqrt(1 / 3)], abs=1e-15)
    assert not not_shape.points[0].exact
    multiple = solve(x**2 * (x - 1) ** 3, (y - x) ** 2)  # non-radical: multiplicities dropped
    assert sorted(p.values for p in multiple.points) == [(0, 0), (1, 1)]
    assert all(p.exact for p in multiple.points)
    split = solve((x - y) * (x + y - 1), x - F(1, 3))
    assert sorted(p.values for p in split.points) == [(F(1, 3), F(1, 3)), (F(1, 3), F(2, 3))]
    circle = solve(x**2 + y**2 - 1)
    assert not circle.points and len(circle.continua) == 1
    outside = solve((x**2 - 2) * (y - 1))  # x = ±sqrt(2) misses [0, 1]; y = 1 is a line
    assert not outside.points and len(outside.continua) == 1
    assert not solve(x - 2, y).points and not solve(x - 2, y).continua
