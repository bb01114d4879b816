"""Mixed equilibria of two-player games through nashpy, certified exactly where possible.

nashpy's vertex enumeration (Avis et al. 2010, via scipy's halfspace intersection) works in floats
and can miss equilibria of degenerate games, so results are:

1. merged with the exact pure equilibria (:mod:`alliance_games.solvers.pure`);
2. for exact games, rounded to nearby rationals (``limit_denominator``) and kept as *exact* only if
   the exact regret of the rounded profile is 0; otherwise kept as floats with their float regret
   and a warning. A float answer is never passed off as exact.

The set is not claimed complete (``complete=False``): the exact ``enummixed`` solver replaces this.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret, strategy_regrets
from alliance_games.solvers.pure import enumerate_pure
from alliance_games.solvers.result import Equilibrium, SolverResult

MAX_DENOMINATOR = 10_000


def _rationalise(dist: np.ndarray) -> np.ndarray:
    fractions = [Fraction(float(x)).limit_denominator(MAX_DENOMINATOR) for x in dist]
    fractions = [max(f, Fraction(0)) for f in fractions]
    total = sum(fractions, Fraction(0))
    return np.array([f / total for f in fractions], dtype=object)


def two_player_mixed(game: NormalFormGame, *, tol: float = 1e-9) -> SolverResult:
    """Pure equilibria (exact) plus the mixed equilibria nashpy's vertex enumeration finds."""
    if game.num_players != 2:
        raise SolverError(f"nashpy solves two-player games; this game has {game.num_players}")
    import nashpy

    pure = enumerate_pure(game)
    found = list(pure.equilibria)
    seen = {e.key() for e in found}
    notes: list[str] = []
    if min(game.shape) == 1:  # one player has a single strategy: extreme equilibria are pure
        return SolverResult("mixed", game, pure.equilibria, game.exact, True, {"tol": tol})
    floats = game.payoffs.astype(float)
    scale = tol * game.payoff_range()
    candidates, failure = _candidates(nashpy.Game(floats[0], floats[1]))
    if failure:
        notes.append(f"nashpy failed on this game ({failure}); mixed equilibria may be missing")
    for sigma, tau in candidates:
        if np.count_nonzero(sigma > scale) == 1 and np.count_nonzero(tau > scale) == 1:
            continue  # pure: already found exactly
        eq = _certify(game, (np.asarray(sigma), np.asarray(tau)), scale)
        if eq is None:
            continue
        if not eq.exact and game.exact:
            notes.append("a mixed equilibrium could not be certified exactly; reported in floats")
        if eq.key() not in seen:
            seen.add(eq.key())
            found.append(eq)
    return SolverResult(
        method="mixed",
        game=game,
        equilibria=tuple(found),
        exact=all(e.exact for e in found),
        complete=False,
        options={"tol": tol},
        warnings=tuple(dict.fromkeys(notes)),
    )


def _candidates(game: object) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Vertex enumeration, falling back to support enumeration when scipy's LP fails."""
    failure = ""
    for method in ("vertex_enumeration", "support_enumeration"):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return list(getattr(game, method)()), ""
        except (TypeError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            failure = f"{method}: {type(exc).__name__}"
    return [], failure


def _certify(game: NormalFormGame, profile: tuple[np.ndarray, np.ndarray], scale: float
             ) -> Equilibrium | None:
    if game.exact:
        exact_profile = tuple(_rationalise(p) for p in profile)
        if all(r == 0 for r in strategy_regrets(game, exact_profile)):
            return Equilibrium(exact_profile, game.expected_payoffs(exact_profile), Fraction(0),
                               True)
    float_game = game.to_float()
    float_profile = tuple(np.asarray(p, dtype=float) for p in profile)
    regret = float(max_regret(float_game, float_profile))
    if regret > 1e3 * scale:
        return None
    return Equilibrium(float_profile, float_game.expected_payoffs(float_profile), regret, False)
