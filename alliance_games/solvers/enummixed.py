"""Every extreme Nash equilibrium of a two-player game, exact by default (method ``enummixed``).

Condition solved. Shift both payoff matrices ``A`` (row player, ``m x n``) and ``B`` to be positive
and form the best-response polytopes ``P = {x >= 0, B^T x <= 1}`` and ``Q = {y >= 0, A y <= 1}``.
Label ``i < m`` belongs to ``x`` when ``x_i = 0`` and to ``y`` when ``(A y)_i = 1``; label ``m + j``
to ``x`` when ``(B^T x)_j = 1`` and to ``y`` when ``y_j = 0``. A pair of vertices ``(x, y) != (0, 0)``
whose label sets cover all ``m + n`` labels, rescaled to probability vectors, is an extreme Nash
equilibrium, and every extreme point of the equilibrium set is such a pair (Mangasarian 1964;
von Stengel 2007, chapter 3 of Nisan et al., Theorem 3.4; Avis, Rosenberg, Savani, von Stengel
2010, "Enumeration of Nash equilibria for two-player games", Econ. Theory 42). Degenerate games
are handled: each vertex's label set is computed from its coordinates.

Exact mode (default for exact games): Qhull lists float candidate vertices of ``P`` and ``Q``
(:mod:`alliance_games.solvers.polytope`); pairs that are completely labelled with a loose tolerance
are candidates; each vertex taking part is solved exactly in integers from its tightest independent
constraints, checked to lie in the polytope, and relabelled exactly; pairs are then matched
exactly and every equilibrium's regret is recomputed with Fractions (it must be 0). If Qhull fails
or a candidate does not certify, both polytopes are enumerated exactly by lexicographic pivoting
instead. Float mode does the same in floats. Maximal convex sets come from
:mod:`alliance_games.solvers.components`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from scipy.spatial import QhullError

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.solvers import polytope as pt
from alliance_games.solvers.components import maximal_bicliques
from alliance_games.solvers.result import Equilibrium, SolverResult

LOOSE = 1e-7
"""Slack below which a float label counts when listing exact candidates (a superset)."""
DRIFT = 1e-6
"""Largest distance between a float candidate and its exact vertex before Qhull is distrusted."""

Pair = tuple[tuple[Any, ...], tuple[Any, ...]]


def enummixed_solve(game: NormalFormGame, *, rational: bool | None = None,
                    tol: float = 1e-9) -> SolverResult:
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
        ``method="enummixed"``, ``complete=True``; equilibria sorted by their probability
        vectors; ``convex_sets`` the maximal convex sets as indices into ``equilibria``;
        ``diagnostics`` with ``degenerate``, ``extreme_equilibria``, ``convex_sets`` and
        ``engine`` (``"qhull"`` or ``"lexicographic"``).

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
    if exact:
        pairs, degenerate, engine = _exact_pairs(work)
    else:
        pairs, degenerate, engine = _float_pairs(work, tol)
    pairs.sort()
    equilibria = []
    for x, y in pairs:
        dtype = object if exact else float
        profile = (np.array(x, dtype=dtype), np.array(y, dtype=dtype))
        payoffs = np.asarray(work.expected_payoffs(profile), dtype=dtype)
        equilibria.append(Equilibrium(profile, payoffs, max_regret(work, profile), exact))
    warnings: tuple[str, ...] = ()
    if exact and any(e.max_regret != 0 for e in equilibria):  # pragma: no cover - a bug guard
        equilibria = [e for e in equilibria if e.max_regret == 0]
        warnings = ("internal: a candidate failed the exact regret check and was dropped",)
    convex = maximal_bicliques([(e.key()[0], e.key()[1]) for e in equilibria])
    options: dict[str, Any] = {"rational": exact}
    if not exact:
        options["tol"] = tol
    return SolverResult(
        method="enummixed", game=work, equilibria=tuple(equilibria), exact=exact,
        complete=True, options=options, warnings=warnings, convex_sets=convex,
        diagnostics={"degenerate": degenerate, "extreme_equilibria": len(equilibria),
                     "convex_sets": len(convex), "engine": engine},
    )


# ---- shared helpers ----------------------------------------------------------------------------
def _to_global(local: np.ndarray, player: int, m: int) -> np.ndarray:
    """Reorder local labels (zeros, then tight rows) into game labels (rows of A, then columns)."""
    if player == 0:  # P: z = x, zeros are labels 0..m-1, tight rows are labels m..m+n-1
        return local
    n = local.shape[1] - m  # Q: z = y, zeros are labels m.., tight rows (of A) are 0..m-1
    return np.hstack([local[:, n:], local[:, :n]])


def _complete_pairs(labels_p: np.ndarray, labels_q: np.ndarray) -> np.ndarray:
    """Index pairs ``(i, j)`` whose boolean label rows cover every label between them."""
    if not len(labels_p) or not len(labels_q):
        return np.empty((0, 2), dtype=np.intp)
    width = labels_p.shape[1]
    if width <= 62:
        weights = np.left_shift(np.int64(1), np.arange(width, dtype=np.int64))
        mp, mq = labels_p.astype(np.int64) @ weights, labels_q.astype(np.int64) @ weights
        hits = (mp[:, None] | mq[None, :]) == (1 << width) - 1
    else:
        missing_p, missing_q = (~labels_p).astype(np.float64), (~labels_q).astype(np.float64)
        hits = missing_p @ missing_q.T == 0
    return np.argwhere(hits)


def _nonzero(z: np.ndarray) -> np.ndarray:
    """Drop the origin (a nonzero vertex has ``sum(z) >= 1/2`` since ``M <= 2`` and a row is tight)."""
    return z[z.sum(axis=1) > 0.25]


# ---- exact -------------------------------------------------------------------------------------
def _exact_pairs(game: NormalFormGame) -> tuple[list[Pair], bool, str]:
    m, n = game.shape
    a_int, a_f = pt.positive_integer_matrix(game.payoffs[0])
    b_int, b_f = pt.positive_integer_matrix(game.payoffs[1])
    ints, floats = (b_int.T, a_int), (b_f.T, a_f)
    try:
        verts = [_nonzero(pt.float_vertices(f)) for f in floats]
    except QhullError:
        return _lex_pairs(ints, m)
    slack = [pt.slacks(f, v) for f, v in zip(floats, verts, strict=True)]
    loose = [_to_global(s <= LOOSE, k, m) for k, s in enumerate(slack)]
    candidates = _complete_pairs(*loose)
    certified: list[dict[int, tuple[pt.ExactVertex, int]]] = [{}, {}]
    scale = [float(b_int[0, 0]) / b_f[0, 0], float(a_int[0, 0]) / a_f[0, 0]]
    for k in (0, 1):
        for i in np.unique(candidates[:, k]) if len(candidates) else ():
            vertex = _certify(ints[k], verts[k][i], slack[k][i], scale[k], k, m)
            if vertex is None:
                return _lex_pairs(ints, m)
            certified[k][int(i)] = vertex
    degenerate = _exact_degenerate(ints, verts, slack, scale, m)
    if degenerate is None:
        return _lex_pairs(ints, m)
    xs = dict(certified[0].values())
    ys = dict(certified[1].values())
    return _match_exact(xs, ys, m + n), degenerate, "qhull"


def _certify(matrix: np.ndarray, z: np.ndarray, slack: np.ndarray, scale: float, player: int,
             m: int) -> tuple[pt.ExactVertex, int] | None:
    """The exact vertex behind a float candidate and its global label mask, or ``None``."""
    vertex = pt.exact_vertex(matrix, slack)
    if vertex is None:
        return None
    num, den = vertex
    if np.max(np.abs(np.array(num, dtype=float) * (scale / den) - z)) > DRIFT:
        return None
    local = pt.exact_labels(matrix, vertex)
    c = len(num)
    if player == 1:
        local = ((local & ((1 << c) - 1)) << m) | (local >> c)
    return vertex, local


def _exact_degenerate(ints: tuple[np.ndarray, np.ndarray], verts: list[np.ndarray],
                      slack: list[np.ndarray], scale: list[float], m: int) -> bool | None:
    """Whether some vertex has more labels than its dimension, confirmed exactly.

    Vertices that look over-labelled in floats are certified until one is confirmed; ``None``
    when a candidate fails certification.
    """
    for k in (0, 1):
        dim = verts[k].shape[1]
        for i in np.flatnonzero((slack[k] <= LOOSE).sum(axis=1) > dim):
            found = _certify(ints[k], verts[k][i], slack[k][i], scale[k], k, m)
            if found is None:
                return None
            if found[1].bit_count() > dim:
                return True
    return False


def _match_exact(xs: dict[pt.ExactVertex, int], ys: dict[pt.ExactVertex, int],
                 width: int) -> list[Pair]:
    full = (1 << width) - 1
    pairs = []
    for x, mx in xs.items():
        if not any(x[0]):
            continue
        need = full & ~mx
        for y, my in ys.items():
            if my & need == need and any(y[0]):
                pairs.append((_probabilities(x), _probabilities(y)))
    return pairs


def _probabilities(vertex: pt.ExactVertex) -> tuple[Fraction, ...]:
    num = vertex[0]
    total = sum(num)
    return tuple(Fraction(a, total) for a in num)


def _lex_pairs(ints: tuple[np.ndarray, np.ndarray], m: int) -> tuple[list[Pair], bool, str]:
    """Exact fallback: enumerate both polytopes by lexicographic pivoting."""
    found = [pt.lex_vertices(matrix) for matrix in ints]
    degenerate = any(mask.bit_count() > matrix.shape[1]
                     for matrix, verts in zip(ints, found, strict=True)
                     for mask in verts.values())
    n = ints[1].shape[1]
    ys = {v: ((mask & ((1 << n) - 1)) << m) | (mask >> n) for v, mask in found[1].items()}
    return _match_exact(found[0], ys, m + n), degenerate, "lexicographic"


# ---- float -------------------------------------------------------------------------------------
def _float_pairs(game: NormalFormGame, tol: float) -> tuple[list[Pair], bool, str]:
    m, _ = game.shape
    floats = (pt.positive_float_matrix(game.payoffs[1]).T,
              pt.positive_float_matrix(game.payoffs[0]))
    verts, labels, degenerate = [], [], False
    for k, matrix in enumerate(floats):
        z = _nonzero(pt.float_vertices(matrix))
        tight = pt.slacks(matrix, z) <= tol
        tight, first = np.unique(tight, axis=0, return_index=True)
        degenerate |= bool(np.any(tight.sum(axis=1) > matrix.shape[1]))
        verts.append((matrix, z[first], tight))
        labels.append(_to_global(tight, k, m))
    hits = _complete_pairs(*labels)
    polished = [_polish(*verts[k], np.unique(hits[:, k])) for k in (0, 1)]
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    for i, j in hits:
        x, y = polished[0][i], polished[1][j]
        pair = (tuple((x / x.sum()).tolist()), tuple((y / y.sum()).tolist()))
        key = (tuple(np.round(pair[0], 9)), tuple(np.round(pair[1], 9)))
        if key not in seen:
            seen.add(key)
            pairs.append(pair)
    return pairs, degenerate, "qhull"


def _polish(matrix: np.ndarray, z: np.ndarray, tight: np.ndarray,
            which: np.ndarray) -> dict[int, np.ndarray]:
    """Re-solve vertices ``which`` from their tight constraints (least squares)."""
    rows, c = matrix.shape
    system = np.vstack([np.eye(c), matrix])
    rhs = np.concatenate([np.zeros(c), np.ones(rows)])
    return {int(i): np.clip(np.linalg.lstsq(system[tight[i]], rhs[tight[i]], rcond=None)[0],
                            0.0, None) for i in which}
