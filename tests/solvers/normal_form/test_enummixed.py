"""Extreme Nash equilibria (``enummixed``): pygambit agreement, textbook games, properties."""

from __future__ import annotations

import random
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import strategy_regrets
from alliance_games.solvers.kernels import polytope as pt
from alliance_games.solvers.kernels.components import maximal_bicliques
from alliance_games.solvers.kernels.double_description import dd_vertices
from alliance_games.solvers.normal_form import enummixed as enummixed_module
from alliance_games.solvers.normal_form.enummixed import enummixed_solve
from alliance_games.solvers.result import SolverResult

pygambit = pytest.importorskip("pygambit")

Key = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


# ---- helpers ------------------------------------------------------------------------------------
def random_bimatrix(rng: random.Random, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Small integer payoffs (ties and degeneracy common), sometimes with duplicated strategies."""
    m, n = rng.randint(low, high), rng.randint(low, high)
    r = rng.choice([1, 1, 2, 3, 10])
    a = np.array([[rng.randint(-r, r) for _ in range(n)] for _ in range(m)])
    b = np.array([[rng.randint(-r, r) for _ in range(n)] for _ in range(m)])
    if m > 1 and rng.random() < 0.15:  # a duplicated row (for both players)
        a[-1], b[-1] = a[0], b[0]
    if n > 1 and rng.random() < 0.15:  # a column duplicated for player 2 only
        b[:, -1] = b[:, 0]
    return a, b


def gambit_set(a: np.ndarray, b: np.ndarray) -> set[Key]:
    game = pygambit.Game.from_arrays(a, b)
    found = pygambit.nash.enummixed_solve(game, rational=True).equilibria
    return {tuple(tuple(Fraction(str(eq[s])) for s in player.strategies)
                  for player in game.players) for eq in found}  # type: ignore[misc]


def our_set(result: SolverResult) -> set[Key]:
    keys = [e.key() for e in result.equilibria]
    assert len(keys) == len(set(keys)), "duplicate equilibria"
    return set(keys)


def solve(a: object, b: object, **options: object) -> SolverResult:
    return enummixed_solve(NormalFormGame.from_arrays(a, b), **options)  # type: ignore[arg-type]


def as_key(x: list, y: list) -> Key:
    return tuple(map(Fraction, x)), tuple(map(Fraction, y))


# ---- agreement with pygambit's exact enumeration -----------------------------------------------
def test_exact_sets_equal_pygambit_on_small_random_games() -> None:
    rng = random.Random(20261124)
    for _ in range(320):
        a, b = random_bimatrix(rng, 1, 6)
        assert our_set(solve(a, b)) == gambit_set(a, b), (a.tolist(), b.tolist())


def test_exact_sets_equal_pygambit_on_larger_random_games() -> None:
    rng = random.Random(8)
    for _ in range(10):
        a, b = random_bimatrix(rng, 7, 8)
        assert our_set(solve(a, b)) == gambit_set(a, b), (a.tolist(), b.tolist())


def test_lexicographic_pivoting_gives_the_same_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both exact engines (the double description for games of more than 8 strategies in all,
    lexicographic pivoting below) find exactly the same equilibria."""
    rng = random.Random(99)
    games = [random_bimatrix(rng, 3, 7) for _ in range(60)]
    expected = [solve(a, b) for a, b in games]
    assert sum(r.diagnostics["engine"] == "double-description" for r in expected) > 30
    monkeypatch.setattr(enummixed_module, "SMALL_GAME_LABELS", 100)
    for (a, b), first in zip(games, expected, strict=True):
        result = solve(a, b)
        assert result.diagnostics["engine"] == "lexicographic"
        assert our_set(result) == our_set(first)
        assert result.diagnostics["degenerate"] == first.diagnostics["degenerate"]
    a, b = random_bimatrix(random.Random(3), 4, 5)
    assert our_set(solve(a, b)) == gambit_set(a, b)


def test_double_description_lists_the_vertices_and_labels_pivoting_lists() -> None:
    """Exact vertices and label masks of ``{z >= 0, M z <= 1}``, degenerate polytopes included
    (ties, repeated rows and columns, rectangular shapes), with entries that keep the
    arithmetic in machine integers, that overflow them in some products (24 to 40 bits) and
    that never fit them (70 bits)."""
    rng = random.Random(41)
    for k in range(200):
        rows, cols = rng.randint(1, 7), rng.randint(1, 7)
        low = 1 if k < 100 else 1 << rng.choice([24, 28, 40, 70])
        top = rng.choice([1, 2, 3, 9]) if k < 100 else low
        m = np.array([[rng.randint(low, low + top) for _ in range(cols)] for _ in range(rows)],
                     dtype=object)
        if rows > 1 and rng.random() < 0.3:
            m[-1] = m[0]
        assert dd_vertices(m) == pt.lex_vertices(m), m.tolist()


def test_double_description_stops_when_asked_and_refuses_too_many_labels() -> None:
    m = np.array([[2, 3, 1], [1, 1, 4], [3, 1, 2]], dtype=object)
    assert dd_vertices(m, lambda: True) is None
    with pytest.raises(ValueError, match="at most 62"):
        dd_vertices(np.ones((40, 30), dtype=np.int64).astype(object))


def test_huge_payoffs_give_the_equilibria_of_the_small_ones() -> None:
    """Payoffs times 10^100 (the double description, float copies near 1e100) and 10^200
    (beyond its float-safe entries: pivoting) give the same equilibria, exactly."""
    a, b = random_bimatrix(random.Random(21), 5, 6)
    small = solve(a, b)
    for big, engine in ((10**100, "double-description"), (10**200, "lexicographic")):
        result = solve(np.array(a, dtype=object) * big + 1, np.array(b, dtype=object) * big - 7)
        assert result.diagnostics["engine"] == engine
        assert [e.key() for e in result.equilibria] == [e.key() for e in small.equilibria]


def test_games_between_small_and_wide_use_the_double_description_without_qhull(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(matrix: np.ndarray) -> np.ndarray:
        raise AssertionError("Qhull called in an exact solve")

    monkeypatch.setattr(enummixed_module.pt, "float_vertices", fail)
    a, b = random_bimatrix(random.Random(12), 6, 6)
    result = solve(a, b)
    assert result.diagnostics["engine"] == "double-description"
    assert our_set(result) == gambit_set(a, b)


# ---- documented and textbook games --------------------------------------------------------------
def test_von_stengel_3x2_example_matches_pygambit_without_warnings() -> None:
    """The 3x2 game of von Stengel (2007, fig. 3.2) used in nashpy's docs: three equilibria.

    Pygambit confirms three extreme equilibria; no mixed strategy with support size ``k`` has
    more than ``k`` pure best responses, so the game is nondegenerate.
    """
    a = np.array([[3, 3], [2, 5], [0, 6]])
    b = np.array([[3, 2], [2, 6], [3, 1]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = solve(a, b)
    assert caught == []
    expected = {as_key([1, 0, 0], [1, 0]),
                as_key([Fraction(4, 5), Fraction(1, 5), 0], [Fraction(2, 3), Fraction(1, 3)]),
                as_key([0, Fraction(1, 3), Fraction(2, 3)], [Fraction(1, 3), Fraction(2, 3)])}
    assert expected == gambit_set(a, b)
    assert our_set(result) == expected
    assert result.diagnostics["degenerate"] is False
    assert result.convex_sets == ((0,), (1,), (2,))


def test_nashpy_degenerate_example_gives_both_extreme_equilibria_without_warnings() -> None:
    """nashpy's "handle degenerate games" example (zero-sum): a segment of equilibria."""
    a = np.array([[0, -1, 1], [-1, 0, 1], [-1, 0, 1]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = solve(a, -a)
    assert caught == []
    half = Fraction(1, 2)
    expected = [as_key([half, 0, half], [half, half, 0]), as_key([half, half, 0], [half, half, 0])]
    assert set(expected) == gambit_set(a, -a)
    assert [e.key() for e in result.equilibria] == expected
    assert result.convex_sets == ((0, 1),)
    assert result.diagnostics["degenerate"] is True


def test_battle_of_the_sexes() -> None:
    result = solve([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert [e.key() for e in result.equilibria] == [
        as_key([0, 1], [0, 1]),
        as_key([Fraction(2, 3), Fraction(1, 3)], [Fraction(1, 3), Fraction(2, 3)]),
        as_key([1, 0], [1, 0]),
    ]
    assert [tuple(e.payoffs) for e in result.equilibria] == [
        (1, 2), (Fraction(2, 3), Fraction(2, 3)), (2, 1)]
    assert result.convex_sets == ((0,), (1,), (2,))
    assert result.diagnostics == {"degenerate": False, "extreme_equilibria": 3,
                                  "convex_sets": 3, "engine": "lexicographic"}  # small: no Qhull


def test_matching_pennies_has_a_unique_mixed_equilibrium() -> None:
    result = solve([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    half = Fraction(1, 2)
    assert [e.key() for e in result.equilibria] == [as_key([half, half], [half, half])]
    assert list(result.equilibria[0].payoffs) == [0, 0]
    assert result.convex_sets == ((0,),)


def test_entry_game_continuum_forms_one_convex_set() -> None:
    """Entrant (rows: Enter, Out) vs incumbent (Fight, Accommodate): Out with Fight >= 1/2."""
    result = solve([[-1, 1], [0, 0]], [[-1, 1], [2, 2]])
    half = Fraction(1, 2)
    assert [e.key() for e in result.equilibria] == [
        as_key([0, 1], [half, half]), as_key([0, 1], [1, 0]), as_key([1, 0], [0, 1])]
    assert result.convex_sets == ((0, 1), (2,))
    assert result.diagnostics["degenerate"] is True


def test_constant_game_is_one_convex_set_of_all_pure_profiles() -> None:
    result = solve([[1, 1], [1, 1]], [[1, 1], [1, 1]])
    assert len(result) == 4 and all(e.is_pure() for e in result.equilibria)
    assert result.convex_sets == ((0, 1, 2, 3),)


def test_overlapping_convex_sets() -> None:
    """Player 1 indifferent between rows against column 1; player 2 likewise against row 1."""
    result = solve([[1, 0], [1, -1]], [[1, 1], [0, -1]])
    keys = [e.key() for e in result.equilibria]
    assert keys == [as_key([0, 1], [1, 0]), as_key([1, 0], [0, 1]), as_key([1, 0], [1, 0])]
    assert result.convex_sets == ((0, 2), (1, 2))
    assert our_set(result) == gambit_set(np.array([[1, 0], [1, -1]]), np.array([[1, 1], [0, -1]]))


def test_one_strategy_games() -> None:
    assert [e.key() for e in solve([[5]], [[7]]).equilibria] == [as_key([1], [1])]
    result = solve([[0, 0, 0]], [[1, 3, 3]])
    assert [e.key() for e in result.equilibria] == [as_key([1], [0, 0, 1]), as_key([1], [0, 1, 0])]
    assert result.convex_sets == ((0, 1),)


def test_more_than_62_labels_use_python_int_masks() -> None:
    rng = random.Random(4)
    for m, n in ((1, 66), (66, 1)):
        a = np.array([[rng.randint(-2, 2) for _ in range(n)] for _ in range(m)])
        b = np.array([[rng.randint(-2, 2) for _ in range(n)] for _ in range(m)])
        assert our_set(solve(a, b)) == gambit_set(a, b)


def test_complete_pairs_agrees_between_int64_and_python_int_masks() -> None:
    rng = np.random.default_rng(0)
    m, n = 4, 5
    tight_p = rng.random((40, m + n)) < 0.5
    tight_q = rng.random((30, m + n)) < 0.5
    full = (1 << (m + n)) - 1
    found = []
    for as_object in (False, True):
        masks, counts = [], []
        for player, tight in enumerate((tight_p, tight_q)):
            weights = pt.label_weights(player, m, n)
            weights = weights.astype(object) if as_object else weights
            masks.append(pt.pack_labels(tight, weights))
            counts.append(tight.sum(axis=1))
        pairs = pt.complete_pairs(masks[0], counts[0], m, masks[1], counts[1], n, full)
        found.append(sorted(map(tuple, pairs.tolist())))
    brute = sorted((i, j) for i in range(40) for j in range(30)
                   if (tight_p[i] | np.r_[tight_q[j][n:], tight_q[j][:n]]).all())
    assert found[0] == found[1] == brute


def test_maximal_bicliques_of_a_small_graph() -> None:
    #   x1 - y1, x1 - y2, x2 - y1, x2 - y2 (a 2x2 biclique), x3 - y2, x3 - y3
    edges = [("x1", "y1"), ("x1", "y2"), ("x2", "y1"), ("x2", "y2"), ("x3", "y2"), ("x3", "y3")]
    assert maximal_bicliques(edges) == ((0, 1, 2, 3), (1, 3, 4), (4, 5))
    assert maximal_bicliques([]) == ()


def test_result_contract() -> None:
    result = solve([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert result.method == "enummixed" and result.complete and result.exact
    eq = result.equilibria[0]
    assert eq.exact and eq.max_regret == 0 and isinstance(eq.max_regret, Fraction)
    assert all(s.dtype == object and all(isinstance(p, Fraction) for p in s)
               for s in eq.strategies)
    assert all(isinstance(v, Fraction) for v in eq.payoffs)
    floats = solve([[3, 0], [5, 1]], [[3, 5], [0, 1]], rational=False)
    assert not floats.exact and floats.equilibria[0].strategies[0].dtype == float
    assert isinstance(floats.equilibria[0].max_regret, float)
    game = NormalFormGame.from_arrays([[0.5, 0.25]], [[1.5, 0.1]], exact=False)
    exact = enummixed_solve(game, rational=True)
    assert exact.exact and exact.equilibria[0].key() == as_key([1], [1, 0])


def test_wrong_number_of_players_is_a_solver_error() -> None:
    with pytest.raises(SolverError):
        enummixed_solve(NormalFormGame.from_arrays(*np.zeros((3, 2, 2, 2), dtype=int)))
    with pytest.raises(SolverError):
        enummixed_solve(NormalFormGame.from_arrays([1, 2]))


# ---- properties ---------------------------------------------------------------------------------
games = st.builds(lambda seed, size: random_bimatrix(random.Random(seed), 1, size),
                  st.integers(0, 2**32), st.integers(1, 5))


@settings(max_examples=100, deadline=None)
@given(games)
def test_every_equilibrium_is_an_exact_mixed_equilibrium(ab: tuple[np.ndarray, np.ndarray]) -> None:
    game = NormalFormGame.from_arrays(*ab)
    result = enummixed_solve(game)
    assert len(result) >= 1  # Nash 1951
    for eq in result.equilibria:
        assert eq.max_regret == 0
        assert all(r == 0 for r in strategy_regrets(game, eq.strategies))
        assert all(sum(s) == 1 and min(s) >= 0 for s in eq.strategies)
        assert list(eq.payoffs) == list(game.expected_payoffs(eq.strategies))
    keys = [e.key() for e in result.equilibria]
    assert keys == sorted(keys)


@settings(max_examples=100, deadline=None)
@given(games)
def test_convex_sets_are_the_maximal_bicliques(ab: tuple[np.ndarray, np.ndarray]) -> None:
    result = solve(*ab)
    edges = {e.key(): k for k, e in enumerate(result.equilibria)}
    covered: set[int] = set()
    for members in result.convex_sets:
        xs = {result.equilibria[k].key()[0] for k in members}
        ys = {result.equilibria[k].key()[1] for k in members}
        assert sorted(edges[(x, y)] for x in xs for y in ys) == list(members)  # a biclique
        for x, y in edges:  # maximal: no other vertex joins every member of the other side
            assert x in xs or not all((x, y2) in edges for y2 in ys)
            assert y in ys or not all((x2, y) in edges for x2 in xs)
        covered.update(members)
    assert covered == set(range(len(result)))
    assert list(result.convex_sets) == sorted(set(result.convex_sets))


@settings(max_examples=60, deadline=None)
@given(games, st.fractions(min_value=Fraction(1, 7), max_value=9), st.integers(-5, 5),
       st.booleans())
def test_invariant_to_positive_affine_transforms(ab: tuple[np.ndarray, np.ndarray],
                                                 scale: Fraction, shift: int,
                                                 second: bool) -> None:
    a, b = ab
    a2 = a.astype(object) * scale + shift if not second else a
    b2 = b.astype(object) * scale + shift if second else b
    assert our_set(solve(a, b)) == our_set(solve(a2, b2))


@settings(max_examples=60, deadline=None)
@given(games, st.randoms(use_true_random=False), st.booleans())
def test_permuting_strategies_permutes_equilibria(ab: tuple[np.ndarray, np.ndarray],
                                                  rnd: random.Random, rows: bool) -> None:
    a, b = ab
    perm = list(range(a.shape[0] if rows else a.shape[1]))
    rnd.shuffle(perm)
    if rows:
        permuted = solve(a[perm], b[perm])
        moved = {(tuple(x[k] for k in perm), y) for x, y in our_set(solve(a, b))}
    else:
        permuted = solve(a[:, perm], b[:, perm])
        moved = {(x, tuple(y[k] for k in perm)) for x, y in our_set(solve(a, b))}
    assert our_set(permuted) == moved


# ---- float mode ---------------------------------------------------------------------------------
def test_float_mode_matches_exact_on_nondegenerate_real_games() -> None:
    rng = np.random.default_rng(5)
    for _ in range(40):
        m, n = (int(v) for v in rng.integers(2, 7, size=2))
        game = NormalFormGame.from_arrays(rng.random((m, n)), rng.random((m, n)), exact=False)
        floats = enummixed_solve(game)
        exact = enummixed_solve(game, rational=True)
        assert not exact.diagnostics["degenerate"] and not floats.diagnostics["degenerate"]
        assert len(floats) == len(exact)
        for f, e in zip(floats.equilibria, exact.equilibria, strict=True):
            for fs, es in zip(f.strategies, e.strategies, strict=True):
                assert np.max(np.abs(fs - es.astype(float))) < 1e-9
            assert f.max_regret < 1e-9
            assert np.allclose(f.payoffs, e.payoffs.astype(float), atol=1e-9)
        assert floats.convex_sets == exact.convex_sets


def test_float_mode_on_integer_games_finds_the_exact_set() -> None:
    rng = random.Random(11)
    for _ in range(40):
        a, b = random_bimatrix(rng, 1, 5)
        exact = solve(a, b)
        floats = solve(a, b, rational=False)
        assert len(floats) == len(exact)
        for f, e in zip(floats.equilibria, exact.equilibria, strict=True):
            for fs, es in zip(f.strategies, e.strategies, strict=True):
                assert np.max(np.abs(fs - es.astype(float))) < 1e-9
        assert floats.diagnostics["degenerate"] == exact.diagnostics["degenerate"]
