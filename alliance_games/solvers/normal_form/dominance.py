"""Iterated elimination of dominated strategies in N-player normal-form games.

Strategy ``j`` of player ``i`` is *strictly dominated* by a (possibly mixed) strategy ``sigma`` of
``i`` when ``sum_k sigma_k u_i(k, s_-i) > u_i(j, s_-i)`` for every profile ``s_-i`` of the others,
and *weakly dominated* when ``>=`` holds everywhere and ``>`` somewhere (Myerson 1991, sec. 3.1;
Fudenberg & Tirole 1991, sec. 2.1; Osborne & Rubinstein 1994, sec. 4.2).

Pure dominators are found with one vectorised comparison of all pairs of strategies over all the
others' profiles. Mixed dominators come from a linear program (``scipy.optimize.linprog``, HiGHS):
maximise ``eps`` subject to ``sum_k sigma_k u_i(k, s_-i) >= u_i(j, s_-i) + eps`` (strict), or
maximise the total slack subject to ``>=`` (weak). In exact games the LP answer is only a hint: the
mixture is recovered as rationals (solving exactly on the LP's support and tight constraints, else
by rounding with small denominators) and dominance is verified with exact integer arithmetic; an
LP answer that cannot be certified never eliminates anything and is reported in ``notes``.

Each round removes, for every player at once, every strategy dominated in the game left by the
previous rounds. For strict dominance the surviving game does not depend on the order of
elimination (Gilboa, Kalai & Zemel 1990); for weak dominance it does in general (Samuelson 1992),
and the simultaneous "all at once" order used here is one convention among several.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np
from scipy.optimize import linprog

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.kernels.exact_linear import exact_affine_solution
from alliance_games.solvers.tolerance import DEFAULT_TOL, slack

Dominator = str | dict[str, Fraction] | dict[str, float]


@dataclass(frozen=True)
class Elimination:
    """One eliminated strategy: its player, its label and what dominates it.

    ``dominator`` is a pure strategy label, or a mixed strategy as ``{label: probability}``
    (exact Fractions in exact games); ``strict`` tells whether the dominance is strict.
    """

    player: str
    strategy: str
    dominator: Dominator
    strict: bool


@dataclass(frozen=True, eq=False)
class DominanceResult:
    """Outcome of :func:`iterated_dominance`.

    Attributes
    ----------
    game:
        The reduced game (surviving strategies only; payoffs and tags carried over).
    surviving:
        Surviving strategy labels of every player, in the original order.
    indices:
        Positions of the surviving strategies in the original game.
    rounds:
        The eliminations of every round, in order (empty when nothing is dominated).
    weak, mixed, exact:
        The options used, and whether every comparison was exact.
    notes:
        LP answers that could not be certified exactly (nothing was eliminated for them).
    """

    game: NormalFormGame
    surviving: tuple[tuple[str, ...], ...]
    indices: tuple[tuple[int, ...], ...]
    rounds: tuple[tuple[Elimination, ...], ...]
    weak: bool
    mixed: bool
    exact: bool
    notes: tuple[str, ...] = ()

    @property
    def eliminated(self) -> tuple[Elimination, ...]:
        """Every elimination, round after round."""
        return tuple(e for r in self.rounds for e in r)


def iterated_dominance(game: NormalFormGame, *, weak: bool = False,
                       mixed: bool = True) -> DominanceResult:
    """Eliminate dominated strategies round by round until none is left.

    Parameters
    ----------
    game:
        The game; exact games are decided exactly, float games with a relative tolerance.
    weak:
        Eliminate weakly dominated strategies too. All strategies weakly dominated in the current
        game are removed simultaneously each round; note that the result of iterated *weak*
        dominance depends on the order of elimination in general (Samuelson 1992), unlike that of
        strict dominance.
    mixed:
        Also look for dominating mixed strategies (one LP per strategy not dominated by a pure one).

    Returns
    -------
    DominanceResult
    """
    values = _comparable(game)
    tol = slack(game)
    keep = [list(range(m)) for m in game.shape]
    rounds: list[tuple[Elimination, ...]] = []
    notes: list[str] = []
    while True:
        sub = values
        for axis, kept in enumerate(keep):
            sub = np.take(sub, kept, axis=axis + 1)
        removed: list[list[int]] = []
        found: list[Elimination] = []
        for i, kept in enumerate(keep):
            labels = [game.strategies[i][k] for k in kept]
            table = np.moveaxis(sub[i], i, 0).reshape(len(kept), -1)
            hits = _dominated(table, weak=weak, mixed=mixed, exact=game.exact, tol=tol,
                              notes=notes, where=(game.players[i], labels))
            if len(hits) == len(kept):  # cannot happen exactly; guards float tolerance
                best = int(np.argmax(table.astype(float).sum(axis=1)))
                hits = [h for h in hits if h[0] != best]
            removed.append([kept[j] for j, _, _ in hits])
            for j, dom, strict in hits:
                dominator: Dominator = labels[dom] if isinstance(dom, int) else \
                    {labels[k]: p for k, p in dom.items()}
                found.append(Elimination(game.players[i], labels[j], dominator, strict))
        if not found:
            break
        rounds.append(tuple(found))
        keep = [[k for k in kept if k not in gone] for kept, gone in zip(keep, removed,
                                                                          strict=True)]
    return DominanceResult(
        game=_restrict(game, keep),
        surviving=tuple(tuple(game.strategies[i][k] for k in kept) for i, kept in enumerate(keep)),
        indices=tuple(tuple(kept) for kept in keep),
        rounds=tuple(rounds), weak=weak, mixed=mixed, exact=game.exact,
        notes=tuple(dict.fromkeys(notes)),
    )


def _comparable(game: NormalFormGame) -> np.ndarray:
    """Payoffs for exact comparison: Fractions times the common denominator (int64 if it fits)."""
    if not game.exact:
        return np.asarray(game.payoffs, dtype=float)
    flat = list(game.payoffs.ravel())
    scale = lcm(*(v.denominator for v in flat)) if flat else 1
    ints = [int(v * scale) for v in flat]
    if max((abs(x) for x in ints), default=0) < 2**62:
        return np.array(ints, dtype=np.int64).reshape(game.payoffs.shape)
    return np.array(ints, dtype=object).reshape(game.payoffs.shape)


def _restrict(game: NormalFormGame, keep: Sequence[Sequence[int]]) -> NormalFormGame:
    payoffs = game.payoffs
    for axis, kept in enumerate(keep):
        payoffs = np.take(payoffs, list(kept), axis=axis + 1)
    position = [{k: n for n, k in enumerate(kept)} for kept in keep]
    tags = {tuple(position[i][k] for i, k in enumerate(idx)): t for idx, t in game.tags.items()
            if all(k in position[i] for i, k in enumerate(idx))}
    labels = tuple(tuple(game.strategies[i][k] for k in kept) for i, kept in enumerate(keep))
    return NormalFormGame(game.players, labels, payoffs, tags, game.title)


def _dominated(table: np.ndarray, *, weak: bool, mixed: bool, exact: bool, tol: float,
               notes: list[str], where: tuple[str, list[str]]) -> list[tuple[int, Any, bool]]:
    """``(j, dominator, strict)`` for every dominated row of ``table`` (rows: own strategies).

    ``dominator`` is a row index (pure) or ``{row: probability}`` (mixed).
    """
    diff = table[:, None, :] - table[None, :, :]  # diff[k, j, p] = u(k, p) - u(j, p)
    above: np.ndarray = np.asarray(diff > tol, dtype=bool)
    strictly = np.asarray(above.all(axis=2))
    weakly = np.asarray(np.asarray(diff >= -tol).all(axis=2) & above.any(axis=2))
    hits: list[tuple[int, Any, bool]] = []
    for j in range(table.shape[0]):
        if strictly[:, j].any():
            hits.append((j, int(np.argmax(strictly[:, j])), True))
        elif weak and weakly[:, j].any():
            hits.append((j, int(np.argmax(weakly[:, j])), False))
        elif mixed and table.shape[0] >= 3:
            found = _mixed_dominator(table, j, weak=weak, exact=exact, tol=tol)
            if found == "uncertified":
                notes.append(f"{where[0]}: the LP suggests {where[1][j]!r} is dominated by a "
                             "mixture, but no exact certificate was found (kept)")
            elif found is not None:
                hits.append((j, found[0], found[1]))
    return hits


def _mixed_dominator(table: np.ndarray, j: int, *, weak: bool, exact: bool,
                     tol: float) -> Any:
    """A mixture of the other rows dominating row ``j``: ``({row: p}, strict)``, None, or
    ``"uncertified"`` when the LP says yes but exact verification failed."""
    others = [k for k in range(table.shape[0]) if k != j]
    values = table.astype(float)
    scale = float(np.abs(values).max()) or 1.0
    A, target = values[others] / scale, values[j] / scale
    n, P = A.shape
    if weak:
        cost, a_ub, a_eq = -A.sum(axis=1), -A.T, np.ones((1, n))
        bounds: list[tuple[float | None, float | None]] = [(0, None)] * n
    else:
        cost = np.r_[np.zeros(n), -1.0]
        a_ub = np.hstack([-A.T, np.ones((P, 1))])
        a_eq = np.r_[np.ones(n), 0.0][None, :]
        bounds = [(0, None)] * n + [(None, None)]
    res = linprog(cost, A_ub=a_ub, b_ub=-target, A_eq=a_eq, b_eq=[1.0], bounds=bounds,
                  method="highs")
    if res.status != 0:
        return None
    sigma = np.clip(res.x[:n], 0.0, None)
    margin = float((A.T @ sigma - target).sum()) if weak else float(res.x[-1])
    rel = tol / scale if not exact else DEFAULT_TOL
    if not exact:
        if margin <= rel:
            return None
        mix = {others[k]: float(p) for k, p in enumerate(sigma) if p > DEFAULT_TOL}
        return mix, not weak or bool(np.all(A.T @ sigma - target > rel))
    if margin < -DEFAULT_TOL:
        return None
    tight = [p for p in range(P) if res.ineqlin.residual[p] <= DEFAULT_TOL]
    for candidate in _candidates(table, j, others, res.x, tight, weak):
        verdict = _check(table, j, others, candidate)
        if verdict is not None and (weak or verdict):
            mix = {others[k]: p for k, p in enumerate(candidate) if p != 0}
            return mix, verdict
    return "uncertified" if margin > DEFAULT_TOL else None


def _candidates(table: np.ndarray, j: int, others: list[int], x: np.ndarray, tight: list[int],
                weak: bool) -> Any:
    """Rational mixtures near the LP solution: the exact solution on its support and tight rows,
    then roundings with growing denominators."""
    n = len(others)
    support = [k for k in range(n) if x[k] > DEFAULT_TOL]
    width = len(support) + (0 if weak else 1)
    tail = [] if weak else [Fraction(-1)]
    rows = [[Fraction(int(table[others[k], p])) for k in support] + tail for p in tight]
    rhs = [Fraction(int(table[j, p])) for p in tight]
    rows.append([Fraction(1)] * len(support) + ([] if weak else [Fraction(0)]))
    rhs.append(Fraction(1))
    guess = [float(x[k]) for k in support] + ([] if weak else [float(x[-1])])
    solved = exact_affine_solution(rows, rhs, guess) if width else None
    if solved is not None:
        full = [Fraction(0)] * n
        for pos, k in enumerate(support):
            full[k] = solved[pos]
        yield full
    for denominator in (2, 3, 4, 6, 10, 12, 100, 1000, 10**4, 10**6):
        rounded = [max(Fraction(float(v)).limit_denominator(denominator), Fraction(0))
                   for v in x[:n]]
        total = sum(rounded)
        if total > 0:
            yield [v / total for v in rounded]


def _check(table: np.ndarray, j: int, others: list[int], sigma: list[Fraction]) -> bool | None:
    """Exact verdict on the mixture: True strict, False weak only, None not dominating."""
    if any(p < 0 for p in sigma) or sum(sigma) != 1:
        return None
    d = lcm(*(p.denominator for p in sigma))
    lhs = sum((int(p * d) * table[k].astype(object) for k, p in zip(others, sigma, strict=True)
               if p != 0), np.zeros(table.shape[1], dtype=object))
    gap = lhs - d * table[j].astype(object)
    if all(g > 0 for g in gap):
        return True
    if all(g >= 0 for g in gap) and any(g > 0 for g in gap):
        return False
    return None
