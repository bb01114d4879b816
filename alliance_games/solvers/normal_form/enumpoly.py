"""All Nash equilibria of small N-player games by support enumeration and polynomial systems.

For every support profile ``S`` (smallest first, see :mod:`alliance_games.solvers.kernels.supports`) the
indifference conditions ``u_i(s, sigma_-i) = v_i`` (``s`` in ``S_i``), ``sum sigma_i = 1`` and
``sigma_i = 0`` off ``S_i`` are solved exactly (:mod:`alliance_games.solvers.kernels.polynomial_system`);
a real solution with probabilities in ``[0, 1]`` is an equilibrium iff no strategy outside the
support does strictly better, ``u_i(t, sigma_-i) <= v_i`` (McKelvey & McLennan 1996, §6; Datta
2010, "Finding all Nash equilibria of a finite game using polynomial algebra"; Gambit's
``enumpoly``, Turocy's implementation after Datta). Solutions with a zero on the support are
kept: they are equilibria on smaller supports where a deviation is tight.

Rational solutions are exact (regret 0 certified with Fractions); irrational algebraic ones are
floats from 50-digit evaluations, with their float regret, ``exact=False``. A positive-dimensional
solution set is resolved exactly when it is a line (its intersections with the constraint
boundaries and the midpoints between them are checked); otherwise representative points (where as
many constraints are active as its dimension, else on a rational grid) are reported with a
warning and ``complete=False``.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret, strategy_regrets
from alliance_games.solvers.deadline import DeadlineReached, expired, interruptible, stopped_note
from alliance_games.solvers.kernels.polynomial_system import (
    DIGITS,
    RealPoint,
    independent_variables,
    solve_system,
)
from alliance_games.solvers.kernels.supports import (
    Support,
    SupportSystem,
    count_support_profiles,
    dominated_in_support,
    integer_payoffs,
    support_profiles,
    support_system,
)
from alliance_games.solvers.normal_form.pure import enumerate_pure
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL

MAX_VERTEX_SYSTEMS = 120
"""Most constraint combinations tried per positive-dimensional solution set."""
GRID = tuple(Fraction(a, b) for b in range(2, 6) for a in range(1, b) if np.gcd(a, b) == 1)

Profile = tuple[tuple[Any, ...], ...]


class _Search:
    """Nash checks and the de-duplicated list of equilibria found so far."""

    def __init__(self, game: NormalFormGame, tol: float) -> None:
        self.game = game.to_exact()
        self.payoffs = integer_payoffs(game)
        self.int_game = NormalFormGame(game.players, game.strategies, self.payoffs)
        self.scale = float(np.max(np.abs(self.payoffs.astype(float)))) or 1.0
        self.tol = tol
        self.exact: dict[Profile, int] = {}
        self.floats: list[np.ndarray] = []
        self.found: list[tuple[Profile, bool]] = []

    def profile(self, system: SupportSystem, point: RealPoint) -> Profile:
        values = list(point.values)
        if not point.exact:
            with mpmath.workdps(DIGITS):
                values = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction)
                          else v for v in values]
        one, zero = (Fraction(1), Fraction(0)) if point.exact else (mpmath.mpf(1), mpmath.mpf(0))
        out, position = [], 0
        for i, own in enumerate(system.support):
            free = values[position:position + len(own) - 1]
            position += len(own) - 1
            with mpmath.workdps(DIGITS):
                last = one - sum(free, zero)
            dist = [zero] * self.game.shape[i]
            for s, p in zip(own, [*free, last], strict=True):
                dist[s] = p
            out.append(tuple(dist))
        return tuple(out)

    def is_nash(self, profile: Profile, exact: bool) -> bool:
        arrays = [np.array(d, dtype=object) for d in profile]
        if exact:
            return all(p >= 0 for d in profile for p in d) and all(
                r == 0 for r in strategy_regrets(self.game, arrays))
        slack = self.tol * self.scale
        with mpmath.workdps(DIGITS):
            if any(p < -slack for d in profile for p in d):
                return False
            return max(strategy_regrets(self.int_game, arrays)) <= slack

    def add(self, profile: Profile, exact: bool) -> bool:
        """Record a Nash profile; False if it was already known."""
        flat = np.array([float(p) for d in profile for p in d])
        if exact and profile in self.exact:
            return False
        if any(np.max(np.abs(flat - other)) <= max(self.tol, 1e-12) for other in self.floats):
            return False
        if exact:
            self.exact[profile] = len(self.found)
        self.floats.append(flat)
        self.found.append((profile, exact))
        return True

    def consider(self, system: SupportSystem, point: RealPoint, *, record: bool = True
                 ) -> Profile | None:
        """The profile of ``point`` if it is a Nash equilibrium (recorded unless told not to)."""
        profile = self.profile(system, point)
        if self.is_nash(profile, point.exact):
            if record:
                self.add(profile, point.exact)
            return profile
        return None


def _constraints(system: SupportSystem) -> list[sp.Poly]:
    """Polynomials whose vanishing bounds the feasible region: support probabilities and
    deviation gains (constants are never active)."""
    polys = []
    for i, own in enumerate(system.support):
        if len(own) > 1:
            polys += list(system.probabilities[i])
        polys += list(system.deviations[i].values())
    return [p for p in polys if not p.is_ground]


def _continuum(search: _Search, system: SupportSystem, basis: sp.GroebnerBasis
               ) -> tuple[list[Profile], str | None]:
    """Equilibria on a positive-dimensional solution set, and a warning unless it is resolved."""
    if any(p.is_ground and p.LC() > 0 for d in system.deviations for p in d.values()):
        return [], None  # some deviation gains a positive constant: nothing here is Nash
    free = independent_variables(basis, system.gens)
    dim, polys = len(free), list(basis.polys)
    points: list[RealPoint] = []
    combos = itertools.islice(itertools.combinations(_constraints(system), dim),
                              MAX_VERTEX_SYSTEMS)
    exhaustive = True
    for count, combo in enumerate(combos):
        exhaustive = count < MAX_VERTEX_SYSTEMS - 1
        points += solve_system(polys + list(combo), system.gens).points
    line = dim == 1 and all(p.total_degree() <= 1 for p in polys)
    if line and exhaustive:  # sign pattern is constant between consecutive break points
        k = system.gens.index(free[0])
        points.sort(key=lambda q: float(q.values[k]))
        between = [_midpoint(a, b) for a, b in itertools.pairwise(points)]
        nash = [p for p in (search.consider(system, q) for q in points) if p is not None]
        segment = any(search.consider(system, q, record=False) is not None for q in between)
        return nash, (f"support {_label(search.game, system.support)}: a segment of equilibria; "
                      "its end points are reported" if segment else None)
    nash = [p for p in (search.consider(system, q) for q in points) if p is not None]
    for values in itertools.islice(itertools.product(GRID, repeat=dim), 40):
        if nash:
            break
        sliced = [sp.Poly(x - v, *system.gens) for x, v in zip(free, values, strict=True)]
        for q in solve_system(polys + sliced, system.gens).points:
            profile = search.consider(system, q)
            nash += [profile] if profile is not None else []
    what = f"{len(nash)} representative equilibria reported" if nash else "no equilibrium found"
    return nash, (f"support {_label(search.game, system.support)}: the indifference equations "
                  f"have a {dim}-dimensional solution set ({what}); equilibria there may form a "
                  "continuum or be missed")


def _midpoint(a: RealPoint, b: RealPoint) -> RealPoint:
    if a.exact and b.exact:
        return RealPoint(tuple((x + y) / 2 for x, y in zip(a.values, b.values, strict=True)))
    with mpmath.workdps(DIGITS):
        mp = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v
              for v in (*a.values, *b.values)]
        n = len(a.values)
        return RealPoint(tuple((mp[k] + mp[n + k]) / 2 for k in range(n)))


def _label(game: NormalFormGame, support: Support) -> str:
    return "(" + "; ".join(f"{game.players[i]}: {', '.join(game.strategies[i][s] for s in own)}"
                           for i, own in enumerate(support)) + ")"


def _equilibrium(game: NormalFormGame, profile: Profile, exact: bool) -> Equilibrium:
    if exact and game.exact:
        strategies = tuple(np.array(d, dtype=object) for d in profile)
        return Equilibrium(strategies, game.expected_payoffs(strategies),
                           max_regret(game, strategies), True)
    floats = game.to_float()
    strategies = tuple(np.array([max(float(p), 0.0) for p in d]) for d in profile)
    return Equilibrium(strategies, floats.expected_payoffs(strategies),
                       float(max_regret(floats, strategies)), False)


def enumpoly_solve(game: NormalFormGame, *, max_support_profiles: int = 20000,
                   tol: float = DEFAULT_TOL) -> SolverResult:
    """Every Nash equilibrium of a small N-player game (method ``enumpoly``).

    Parameters
    ----------
    game:
        The game; float payoffs are read exactly through their shortest decimal repr.
    max_support_profiles:
        Stop (``complete=False``, with a warning) after this many support profiles.
    tol:
        Relative tolerance (to the largest absolute payoff) for the high-precision regret of
        irrational equilibria and for de-duplicating float equilibria.

    Returns
    -------
    SolverResult
        Pure equilibria first (as :func:`~alliance_games.solvers.normal_form.pure.enumerate_pure`), then the
        others by support size; ``complete`` unless truncated or a solution set was not resolved.
    """
    search = _Search(game, tol)
    for eq in enumerate_pure(search.game).equilibria:
        search.add(tuple(tuple(d) for d in eq.strategies), True)
    pure_count = len(search.found)
    warnings: list[str] = []
    stats = {"supports_total": count_support_profiles(game.shape), "supports_tried": 0,
             "supports_skipped": 0, "supports_solved": 0, "positive_dimensional": 0}
    complete = True
    for support in support_profiles(game.shape):
        if expired():
            complete = False
            warnings.append(stopped_note())
            break
        if stats["supports_tried"] >= max_support_profiles:
            complete = False
            warnings.append(f"stopped after max_support_profiles={max_support_profiles} of "
                            f"{stats['supports_total']} support profiles; equilibria may be "
                            "missing")
            break
        stats["supports_tried"] += 1
        if all(len(own) == 1 for own in support):
            continue  # pure profiles: enumerate_pure
        if dominated_in_support(search.payoffs, support):
            stats["supports_skipped"] += 1
            continue
        stats["supports_solved"] += 1
        system = support_system(search.payoffs, support)
        try:
            with interruptible():  # a Groebner basis can run long: the deadline stops it
                solution = solve_system(list(system.equations), system.gens)
        except DeadlineReached:
            complete = False
            warnings.append(stopped_note())
            break
        except ArithmeticError as error:
            complete = False
            warnings.append(f"support {_label(search.game, support)} not solved: {error}")
            continue
        for point in solution.points:
            search.consider(system, point)
        for basis in solution.continua:
            stats["positive_dimensional"] += 1
            _, warning = _continuum(search, system, basis)
            if warning:
                complete = False
                warnings.append(warning)
    order = sorted(range(pure_count, len(search.found)), key=lambda k: _order(search.found[k]))
    equilibria = [_equilibrium(game, *search.found[k]) for k in range(pure_count)]
    equilibria += [_equilibrium(game, *search.found[k]) for k in order]
    return SolverResult(
        method="enumpoly", game=game, equilibria=tuple(equilibria),
        exact=game.exact and all(e.exact for e in equilibria), complete=complete,
        options={"max_support_profiles": max_support_profiles, "tol": tol},
        warnings=tuple(warnings), diagnostics=stats,
    )


def _order(entry: tuple[Profile, bool]) -> tuple[Any, ...]:
    profile = entry[0]
    size = sum(1 for d in profile for p in d if p != 0)
    return (size, tuple(-float(p) for d in profile for p in d))
