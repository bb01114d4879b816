"""All pure-strategy Nash equilibria of an N-player normal-form game, vectorised.

A pure profile ``s`` is a Nash equilibrium iff for every player ``i``
``u_i(s) >= max_{t_i} u_i(t_i, s_-i)``. For each player the maximum over its own axis of the payoff
tensor is taken once (``O(N * prod m_k)``), and the profiles where every player attains it are the
equilibria. Exact games compare Fractions exactly; float games accept ``u_i(s) >= best - tol``
with ``tol`` relative to the payoff range (QuantEcon ``pure_nash_brute``; Gambit ``enumpure``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.deadline import expired, stopped_note
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL, slack


def pure_profiles(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> np.ndarray:
    """Index tuples (rows of an ``(k, N)`` array) of every pure Nash equilibrium, in odometer order
    with the first player's strategy varying slowest."""
    payoffs = game.payoffs
    if game.exact and game.integer_payoffs is not None:
        payoffs = game.integer_payoffs  # the same comparisons, on machine integers
    margin = slack(game, tol)
    is_nash = np.ones(game.shape, dtype=bool)
    for i in range(game.num_players):
        best = np.max(payoffs[i], axis=i, keepdims=True)
        if game.exact:
            is_nash &= np.asarray(payoffs[i] == best, dtype=bool)
        else:
            is_nash &= payoffs[i] >= best - margin
    return np.argwhere(is_nash)


def pure_equilibrium(game: NormalFormGame, index: tuple[int, ...]) -> Equilibrium:
    """The :class:`Equilibrium` of a pure profile (regret 0 by construction, recomputed)."""
    one, zero = (Fraction(1), Fraction(0)) if game.exact else (1.0, 0.0)
    dtype = object if game.exact else float
    strategies = []
    for i, k in enumerate(index):
        dist = np.full(game.shape[i], zero, dtype=dtype)
        dist[k] = one
        strategies.append(dist)
    key: tuple[Any, ...] = (slice(None), *index)
    payoffs = game.payoffs[key]
    regret = _pure_regret(game, index)
    return Equilibrium(tuple(strategies), np.array(payoffs, dtype=dtype), regret, game.exact)


def _pure_regret(game: NormalFormGame, index: tuple[int, ...]) -> Fraction | float:
    worst: Fraction | float = Fraction(0) if game.exact else 0.0
    for i in range(game.num_players):
        where: tuple[Any, ...] = (i, *index[:i], slice(None), *index[i + 1 :])
        line = game.payoffs[where]
        gap = max(line) - game.payoffs[(i, *index)]
        worst = max(worst, gap)
    return worst if game.exact else float(worst)


def enumerate_pure(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> SolverResult:
    """Every pure Nash equilibrium of ``game`` (method ``pure``); complete by construction, unless
    the time limit passes while the equilibria are written out (tens of thousands of them)."""
    profiles = pure_profiles(game, tol=tol)
    equilibria: list[Equilibrium] = []
    for row in profiles:
        if equilibria and expired():
            break
        equilibria.append(pure_equilibrium(game, tuple(int(k) for k in row)))
    stopped = len(equilibria) < len(profiles)
    return SolverResult(
        method="pure",
        game=game,
        equilibria=tuple(equilibria),
        exact=game.exact,
        complete=not stopped,
        options={"tol": tol} if not game.exact else {},
        warnings=(stopped_note(),) if stopped else (),
    )
