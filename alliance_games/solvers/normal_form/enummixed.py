"""Every extreme Nash equilibrium of a two-player game, exact by default (method ``enummixed``).

Condition solved. Shift both payoff matrices ``A`` (row player, ``m x n``) and ``B`` to be positive
and form the best-response polytopes ``P = {x >= 0, B^T x <= 1}`` and ``Q = {y >= 0, A y <= 1}``.
Label ``i < m`` belongs to ``x`` when ``x_i = 0`` and to ``y`` when ``(A y)_i = 1``; label
``m + j`` to ``x`` when ``(B^T x)_j = 1`` and to ``y`` when ``y_j = 0``. A pair of vertices
``(x, y) != (0, 0)`` whose label sets cover all ``m + n`` labels, rescaled to probability
vectors, is an extreme Nash equilibrium, and every extreme point of the equilibrium set is such
a pair (Mangasarian 1964; von Stengel 2007, chapter 3 of Nisan et al., Theorem 3.4; Avis,
Rosenberg, Savani, von Stengel 2010, "Enumeration of Nash equilibria for two-player games",
Econ. Theory 42). Degenerate games are handled: each vertex's label set is computed from its
coordinates.

Exact mode (default for exact games): the vertices of ``P`` and ``Q`` and their label sets are
enumerated exactly in integers by the double description method
(:mod:`alliance_games.solvers.kernels.double_description`); games with at most
:data:`SMALL_GAME_LABELS` strategies in all, or a polytope of more than
:data:`~alliance_games.solvers.kernels.polytope.QHULL_MAX_DIM` dimensions, by lexicographic
pivoting (:func:`~alliance_games.solvers.kernels.polytope.lex_walk`). Completely labelled pairs
are matched exactly and every equilibrium's regret is recomputed in integers (it must be 0).
Float mode: Qhull lists float vertices (:mod:`alliance_games.solvers.kernels.polytope`), labelled
with the tolerance ``tol`` and refined by a float solve of their tight constraints; if Qhull fails
or a polytope is too wide for it, the game is solved exactly and the result given in floats.
Maximal convex sets come from :mod:`alliance_games.solvers.kernels.components`.

Time limit (:mod:`alliance_games.solvers.deadline`): the pivoting walks both polytopes in turn,
one pivot at a time, and stops at the deadline; the double description stops between constraints
and blocks of vertex pairs (and then reports no equilibrium: its intermediate vertices are not
the polytope's); a Qhull call that may run long (more than :data:`ISOLATE_VERTICES` possible
vertices) runs in a child process killed at the deadline. A stopped walk reports the completely
labelled pairs among the vertices known exactly by then (each is an equilibrium), with
``complete=False``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from math import lcm
from typing import Any, NamedTuple

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.deadline import DeadlineReached, expired, isolated, stopped_note
from alliance_games.solvers.kernels import polytope as pt
from alliance_games.solvers.kernels.components import maximal_bicliques
from alliance_games.solvers.kernels.double_description import dd_vertices, fits
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL

ISOLATE_VERTICES = 20_000
"""Under a time limit, Qhull runs in a child process when a polytope may have more vertices
(:func:`~alliance_games.solvers.kernels.polytope.vertex_bound`); smaller calls take milliseconds."""

DOUBLE_DESCRIPTION = "double-description"
"""The exact engine's name in the diagnostics (the others: ``"qhull"``, ``"lexicographic"``)."""

Pair = tuple[tuple[Any, ...], tuple[Any, ...]]
Exact = dict[pt.ExactVertex, int]


class _Found(NamedTuple):
    """Equilibrium pairs of one enumeration and how they were found."""

    pairs: list[Pair]
    degenerate: bool
    engine: str  # "double-description", "qhull" or "lexicographic"
    stopped: bool = False  # at the time limit: the pairs are equilibria, maybe not all


def enummixed_solve(game: NormalFormGame, *, rational: bool | None = None,
                    tol: float = DEFAULT_TOL) -> SolverResult:
    """All extreme Nash equilibria of a two-player game and its maximal convex sets.

    Parameters
    ----------
    game:
        A two-player normal-form game.
    rational:
        Exact arithmetic (Fractions) when true, floats when false; ``None`` follows
        ``game.exact``. A float game solved exactly is read through
        :meth:`NormalFormGame.to_exact`.
    tol:
        Float mode only: slack below which a constraint counts as tight (payoffs are first
        rescaled to ``[1, 2]``).

    Returns
    -------
    SolverResult
        ``method="enummixed"``, ``complete=True`` unless stopped at the time limit; equilibria
        sorted by their probability vectors; ``convex_sets`` the maximal convex sets as indices
        into ``equilibria``;
        ``diagnostics`` with ``degenerate``, ``extreme_equilibria``, ``convex_sets`` and
        ``engine`` (``"double-description"`` or ``"lexicographic"`` when exact, ``"qhull"``
        in floats).

    Raises
    ------
    SolverError
        If the game does not have exactly two players.
    """
    if game.num_players != 2:
        raise SolverError(f"enummixed solves two-player games; this game has "
                          f"{game.num_players} players (use pure)")
    exact = game.exact if rational is None else bool(rational)
    work = game.to_exact() if exact else game.to_float()
    found = _exact_pairs(work) if exact else _float_pairs(work, tol)
    pairs = sorted(found.pairs, key=_sort_key)
    equilibria = _exact_equilibria(work, pairs) if exact else _float_equilibria(work, pairs)
    warnings: tuple[str, ...] = (stopped_note(),) if found.stopped else ()
    if exact and any(e.max_regret != 0 for e in equilibria):  # pragma: no cover - a bug guard
        equilibria = [e for e in equilibria if e.max_regret == 0]
        warnings += ("internal: a candidate failed the exact regret check and was dropped",)
    convex = maximal_bicliques([(tuple(e.strategies[0]), tuple(e.strategies[1]))
                                for e in equilibria])
    options: dict[str, Any] = {"rational": exact} if exact else {"rational": False, "tol": tol}
    return SolverResult(
        method="enummixed", game=work, equilibria=tuple(equilibria), exact=exact,
        complete=not found.stopped, options=options, warnings=warnings, convex_sets=convex,
        diagnostics={"degenerate": found.degenerate, "extreme_equilibria": len(equilibria),
                     "convex_sets": len(convex), "engine": found.engine},
    )


def _sort_key(pair: Pair) -> tuple[tuple[Any, ...], ...]:
    """Sort by the probability vectors (floats rounded to 12 decimals so that ties are stable)."""
    if isinstance(pair[0][0], Fraction):
        return pair
    return tuple(tuple(round(v, 12) for v in s) for s in pair) + pair


def _exact_equilibria(game: NormalFormGame, pairs: list[Pair]) -> list[Equilibrium]:
    """Equilibria with exact payoffs and regrets, computed in integers.

    With ``A = a / d_A`` (integer ``a``), ``x = p / s`` and ``y = q / t``: ``x^T A y =
    p^T a q / (d_A s t)`` and player 1's regret is ``(s * max(a q) - p^T a q) / (d_A s t)``;
    likewise for player 2 with ``x^T b``. The products ``a q`` and ``p^T b`` are computed once per
    distinct vertex.
    """
    (a, da), (b, db) = (_numerators(game.payoffs[k].ravel()) for k in (0, 1))
    a, b = a.reshape(game.shape), b.reshape(game.shape)
    times_b, times_a = _matvec(b.T), _matvec(a)
    rows: dict[int, tuple[np.ndarray, int, np.ndarray]] = {}  # by id: hashing Fractions is slow
    cols: dict[int, tuple[np.ndarray, int, np.ndarray]] = {}
    for x, y in pairs:
        if id(x) not in rows:
            p, s = _numerators(x)
            rows[id(x)] = p, s, times_b(p)
        if id(y) not in cols:
            q, t = _numerators(y)
            cols[id(y)] = q, t, times_a(q)
    out = []
    for x, y in pairs:
        (p, s, pb), (q, t, aq) = rows[id(x)], cols[id(y)]
        v1, v2 = p.dot(aq), pb.dot(q)
        payoffs = np.array([Fraction(v1, da * s * t), Fraction(v2, db * s * t)], dtype=object)
        regret = max(Fraction(s * max(aq) - v1, da * s * t),
                     Fraction(t * max(pb) - v2, db * s * t))
        profile = (np.array(x, dtype=object), np.array(y, dtype=object))
        out.append(Equilibrium(profile, payoffs, regret, True))
    return out


def _matvec(matrix: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``vector -> matrix @ vector`` for Python integers (object arrays), exactly: in machine
    integers when no sum can overflow them (``max |matrix| * sum |vector| < 2^63``)."""
    largest = max((abs(v) for v in matrix.flat), default=0)
    machine = matrix.astype(np.int64) if largest < 2**63 else None

    def times(vector: np.ndarray) -> np.ndarray:
        if machine is not None and largest * sum(abs(v) for v in vector) < 2**63:
            return np.array((machine @ vector.astype(np.int64)).tolist(), dtype=object)
        return matrix.dot(vector)

    return times


def _numerators(values: Any) -> tuple[np.ndarray, int]:
    """Integer numerators (object array) over the least common denominator of some Fractions."""
    exact = [v if isinstance(v, Fraction) else Fraction(v) for v in values]
    den = lcm(*(v.denominator for v in exact))
    return np.array([v.numerator * (den // v.denominator) for v in exact], dtype=object), den


def _float_equilibria(game: NormalFormGame, pairs: list[Pair]) -> list[Equilibrium]:
    """Equilibria with float payoffs and regrets, computed for all pairs at once."""
    if not pairs:
        return []
    a, b = game.payoffs
    xs = np.array([x for x, _ in pairs])
    ys = np.array([y for _, y in pairs])
    ay, xb = ys @ a.T, xs @ b
    values = np.column_stack([(xs * ay).sum(axis=1), (xb * ys).sum(axis=1)])
    regrets = np.maximum(ay.max(axis=1) - values[:, 0], xb.max(axis=1) - values[:, 1])
    return [Equilibrium((xs[k], ys[k]), values[k], float(max(regrets[k], 0.0)), False)
            for k in range(len(pairs))]


# ---- exact -------------------------------------------------------------------------------------
SMALL_GAME_LABELS = 8
"""Games with at most this many strategies in all (4x4) are enumerated by pivoting."""


def _exact_pairs(game: NormalFormGame) -> _Found:
    m, n = game.shape
    p_ints = pt.positive_integer_matrix(game.payoffs[1])[0].T
    q_ints = pt.positive_integer_matrix(game.payoffs[0])[0]
    if m + n <= SMALL_GAME_LABELS or max(m, n) > pt.QHULL_MAX_DIM or not (
            fits(p_ints) and fits(q_ints)):
        # small: pivoting is instant; wide: the double description may not return
        return _lex_pairs(p_ints, q_ints, m, n)
    found: list[Exact] = []
    for ints in (p_ints, q_ints):
        vertices = dd_vertices(ints, expired)
        if vertices is None:
            return _Found([], False, DOUBLE_DESCRIPTION, stopped=True)
        found.append(vertices)
    return _exact_found(found[0], found[1], m, n, DOUBLE_DESCRIPTION, stopped=False)


def _exact_found(xs: Exact, ys: Exact, m: int, n: int, engine: str, stopped: bool) -> _Found:
    """The equilibrium pairs among the exact vertices of ``P`` (``xs``) and ``Q`` (``ys``, local
    labels), and whether some vertex has more labels than its dimension."""
    degenerate = any(mask.bit_count() > m for mask in xs.values()) or any(
        mask.bit_count() > n for mask in ys.values())
    ys = {v: ((mask & ((1 << n) - 1)) << m) | (mask >> n) for v, mask in ys.items()}
    return _Found(_match_exact(xs, ys, m, n), degenerate, engine, stopped)


def _match_exact(xs: Exact, ys: Exact, m: int, n: int) -> list[Pair]:
    """Pairs of nonzero vertices of ``P`` (``xs``) and ``Q`` (``ys``, game labels) whose label
    masks cover all ``m + n`` labels (:func:`~alliance_games.solvers.kernels.polytope.complete_pairs`)."""
    px = [v for v in xs if any(v[0])]
    qy = [v for v in ys if any(v[0])]
    if not px or not qy:
        return []
    dtype = np.int64 if m + n <= 62 else object
    mp = np.array([xs[v] for v in px], dtype=dtype)
    mq = np.array([ys[v] for v in qy], dtype=dtype)
    cp = np.array([xs[v].bit_count() for v in px])
    cq = np.array([ys[v].bit_count() for v in qy])
    hits = pt.complete_pairs(mp, cp, m, mq, cq, n, (1 << (m + n)) - 1)
    index = hits.tolist()
    xp = {i: _probabilities(px[i]) for i in {i for i, _ in index}}
    yp = {j: _probabilities(qy[j]) for j in {j for _, j in index}}
    return [(xp[i], yp[j]) for i, j in index]


def _probabilities(vertex: pt.ExactVertex) -> tuple[Fraction, ...]:
    total = sum(vertex[0])
    return tuple(Fraction(a, total) for a in vertex[0])


def _lex_pairs(p_ints: np.ndarray, q_ints: np.ndarray, m: int, n: int) -> _Found:
    """Exact enumeration of both polytopes by lexicographic pivoting, advancing whichever walk
    has had less time so far, until both are done or the deadline passes (vertices with small
    supports come first, so a stopped walk still pairs them)."""
    walks = [pt.lex_walk(p_ints), pt.lex_walk(q_ints)]
    found: list[Exact] = [{}, {}]
    spent = [0.0, 0.0]
    active = [0, 1]
    stopped = False
    while active:
        if expired():
            stopped = True
            break
        k = min(active, key=spent.__getitem__)
        start = time.monotonic()
        try:
            step = next(walks[k])
        except StopIteration:
            active.remove(k)
            continue
        spent[k] += time.monotonic() - start
        if step is not None:
            found[k][step[0]] = step[1]
    return _exact_found(found[0], found[1], m, n, "lexicographic", stopped)


# ---- float -------------------------------------------------------------------------------------
def _qhull(floats: np.ndarray) -> np.ndarray:
    """:func:`~alliance_games.solvers.kernels.polytope.float_vertices`, in a child process killed
    at the deadline when the polytope may have many vertices."""
    rows, dim = floats.shape
    if pt.vertex_bound(rows + dim, dim) > ISOLATE_VERTICES:
        return isolated(pt.float_vertices, floats)
    return pt.float_vertices(floats)


def _float_pairs(game: NormalFormGame, tol: float) -> _Found:
    m, n = game.shape
    if not np.all(np.isfinite(game.payoffs)):
        raise SolverError("enummixed: payoffs must be finite numbers")
    from scipy.spatial import QhullError

    floats = (pt.positive_float_matrix(game.payoffs[1]).T,
              pt.positive_float_matrix(game.payoffs[0]))
    tights, masks, counts = [], [], []
    for k, matrix in enumerate(floats):
        try:
            if max(m, n) > pt.QHULL_MAX_DIM:
                raise QhullError("too many dimensions for Qhull")
            z = pt.nonzero_vertices(_qhull(matrix))
        except QhullError:  # Qhull gave up or would not return: solve exactly, report floats
            exact = _exact_pairs(game.to_exact())
            return exact._replace(pairs=[(tuple(map(float, x)), tuple(map(float, y)))
                                         for x, y in exact.pairs])
        except DeadlineReached:
            return _Found([], False, "qhull", stopped=True)
        tight = pt.slacks(matrix, z) <= tol
        packed = pt.pack_labels(tight, pt.label_weights(k, m, n))
        unique, first = np.unique(packed, return_index=True)
        tights.append(tight[first])
        masks.append(unique)
        counts.append(tights[-1].sum(axis=1))
    degenerate = bool(np.any(counts[0] > m) or np.any(counts[1] > n))
    hits = pt.complete_pairs(masks[0], counts[0], m, masks[1], counts[1], n, (1 << (m + n)) - 1)
    polished = [pt.refine_vertices(floats[k], tights[k], np.unique(hits[:, k]))
                for k in (0, 1)]
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    for i, j in hits:
        x, y = polished[0][i], polished[1][j]
        pair = (tuple((x / x.sum()).tolist()), tuple((y / y.sum()).tolist()))
        key = (tuple(np.round(pair[0], 9)), tuple(np.round(pair[1], 9)))
        if key not in seen:
            seen.add(key)
            pairs.append(pair)
    return _Found(pairs, degenerate, "qhull")
