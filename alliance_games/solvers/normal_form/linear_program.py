"""Equilibria of two-player constant-sum games by linear programming, certified exactly.

When ``A + B = c`` everywhere, Nash equilibria are exactly the pairs of maximin strategies (von
Neumann 1928). Player 1 solves

    ``max v  s.t.  A^T x >= v 1,  1^T x = 1,  x >= 0``

and player 2 ``min w  s.t.  A y <= w 1,  1^T y = 1,  y >= 0``; at the optimum ``v = w`` is the
value of the game to player 1 (Dantzig 1951; von Stengel 2007, in Nisan et al., *Algorithmic
Game Theory*, ch. 3). Both LPs are solved with HiGHS through :func:`scipy.optimize.linprog`.

Exact certification (the default for exact games): the float optimum is a vertex, so its
support ``S`` and its binding constraints ``T`` determine it. The equations
``sum_{i in S} A[i, j] x_i = v`` (``j`` in ``T``), ``sum x = 1`` are solved again in Fractions;
if that system is singular the float solution is rounded to nearby rationals instead. The exact
profile is kept only if its exact regret is 0; otherwise the float answer is returned with
``exact=False`` and a warning. Like Gambit's ``lp``, one equilibrium is returned
(``complete=False``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret, strategy_regrets
from alliance_games.solvers.kernels.exact_linear import exact_affine_solution
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL

MAX_DENOMINATOR = 10**6
"""Denominator bound when rounding a float solution that the basis cannot pin down."""

BINDING_TOL = 1e-7
"""A constraint binds when its slack (payoffs scaled to [0, 1]) is at most this. Looser than
:data:`~alliance_games.solvers.tolerance.DEFAULT_TOL` on purpose: HiGHS meets constraints only to
its primal feasibility tolerance (1e-7), so a constraint that binds can show that much slack."""


def constant_sum(game: NormalFormGame, *, tol: float = DEFAULT_TOL) -> Fraction | float | None:
    """The constant ``c`` with ``A + B = c`` at every profile, or ``None`` if there is none."""
    total = game.payoffs[0] + game.payoffs[1]
    if game.exact:
        first = total.flat[0]
        return first if all(v == first for v in total.flat) else None
    spread = float(total.max() - total.min())
    return float(total.mean()) if spread <= tol * game.payoff_range() else None


def _maximin(payoff: np.ndarray) -> tuple[np.ndarray, float]:
    """Float maximin strategy of the row player of ``payoff`` (rows: own strategies) and value."""
    m, n = payoff.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0  # maximise v
    a_ub = np.hstack([-payoff.T, np.ones((n, 1))])  # v - (A^T x)_j <= 0
    a_eq = np.append(np.ones(m), 0.0)[None, :]
    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    if res.status != 0:
        raise SolverError(f"lp: HiGHS could not solve the game's linear program ({res.message})")
    x = np.clip(res.x[:m], 0.0, None)
    return x / x.sum(), float(res.x[-1])


def _exact_candidates(payoff: np.ndarray, unit: np.ndarray, x: np.ndarray, value: float
                      ) -> list[np.ndarray]:
    """Exact versions of the float maximin strategy ``x`` of the row player of ``payoff``.

    First ``x`` re-solved in Fractions on its support and the columns that bind in ``unit`` (the
    payoffs scaled to [0, 1], where ``value`` was computed); then ``x`` rounded to rationals.
    """
    out = []
    support = [i for i in range(len(x)) if x[i] > DEFAULT_TOL]
    binding = [j for j in range(unit.shape[1]) if unit[:, j] @ x <= value + BINDING_TOL]
    rows = [[payoff[i, j] for i in support] + [Fraction(-1)] for j in binding]
    rows.append([Fraction(1)] * len(support) + [Fraction(0)])
    solution = exact_affine_solution(rows, [Fraction(0)] * len(binding) + [Fraction(1)],
                                     [0.0] * len(rows[0]), unique=True)
    if solution is not None and all(v >= 0 for v in solution[:-1]):
        exact = np.array([Fraction(0)] * len(x), dtype=object)
        for i, v in zip(support, solution[:-1], strict=True):
            exact[i] = v
        out.append(exact)
    rounded = [max(Fraction(float(v)).limit_denominator(MAX_DENOMINATOR), Fraction(0)) for v in x]
    total = sum(rounded, Fraction(0))
    if total > 0:
        out.append(np.array([v / total for v in rounded], dtype=object))
    return out


def lp_solve(game: NormalFormGame, *, rational: bool | None = None,
             tol: float = DEFAULT_TOL) -> SolverResult:
    """One equilibrium of a two-player constant-sum game and its value (method ``lp``).

    Parameters
    ----------
    game:
        A two-player game with ``A + B`` constant.
    rational:
        Certify the answer exactly (default when the game is exact) or return floats.
    tol:
        Float tolerance, relative to the payoff range.

    Returns
    -------
    SolverResult
        One equilibrium; ``diagnostics["value"]`` is player 1's equilibrium payoff.

    Raises
    ------
    SolverError
        If the game does not have two players or is not constant-sum.
    """
    if game.num_players != 2:
        raise SolverError(f"lp solves two-player constant-sum games; this game has "
                          f"{game.num_players} players")
    exact = game.exact if rational is None else rational
    game = game.to_exact() if exact else game.to_float()
    total = constant_sum(game, tol=tol)
    if total is None:
        raise SolverError("lp: the game is not constant-sum (A + B varies between profiles); "
                          "use enummixed or lcp for general-sum games")
    pay = game.payoffs[0]
    low, spread = float(np.min(pay.astype(float))), game.payoff_range()
    unit = (pay.astype(float) - low) / spread  # payoffs in [0, 1] for the LP
    x, vx = _maximin(unit)
    y, vy = _maximin(1.0 - unit.T)  # player 2 maximises 1 - A'
    notes: list[str] = []
    if exact:
        for ex in _exact_candidates(pay, unit, x, vx):
            for ey in _exact_candidates(total - pay.T, 1.0 - unit.T, y, vy):
                profile = (ex, ey)
                if all(r == 0 for r in strategy_regrets(game, profile)):
                    value = game.expected_payoffs(profile)
                    eq = Equilibrium(profile, value, Fraction(0), True)
                    return _result(game, eq, value[0], total, tol, "exact", notes)
        notes.append("lp: the LP solution could not be certified exactly; reported in floats")
        game = game.to_float()
    profile = (x, y)
    value = game.expected_payoffs(profile)
    eq = Equilibrium(profile, np.asarray(value, dtype=float), float(max_regret(game, profile)),
                     False)
    return _result(game, eq, float(value[0]), float(total), tol, "float", notes)


def _result(game: NormalFormGame, eq: Equilibrium, value: Fraction | float,
            total: Fraction | float, tol: float, certified: str, notes: list[str]
            ) -> SolverResult:
    return SolverResult(
        method="lp",
        game=game,
        equilibria=(eq,),
        exact=eq.exact,
        complete=False,
        options={"rational": eq.exact, "tol": tol},
        warnings=tuple(notes),
        diagnostics={"value": value, "constant_sum": total, "certified": certified},
    )
