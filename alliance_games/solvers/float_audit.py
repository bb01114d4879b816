"""Numerical honesty for floating-point solves: say what floats may have got wrong.

A float result (``--float``) is checked after the solve, and what is found is added to its
warnings and ``diagnostics``:

* **degenerate games** (a mixed strategy with more best responses than its support size): float
  vertex enumeration can miss or merge equilibria there;
* **near-ties** in trees: decision nodes where a mover's two best actions are within the
  solver's tolerance (``1e-9`` of the payoff range) but not exactly equal; the float solver
  treats them as ties, exact arithmetic may not;
* **an exact re-check** on small normal forms (at most ``RECHECK_PROFILES`` pure profiles): the
  float payoffs are converted exactly (every float is a dyadic rational) and solved again with
  the same method in exact arithmetic; if the two equilibrium sets differ beyond ``1e-6`` the
  result says so, and gives both counts.

Exact solves are never audited this way: they do not fall back to floats (an irrational value
is refused with a request for ``--float``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import DECISION, GameTree
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL
from alliance_games.solvers.tree.backward_induction import induct, node_movers

RECHECK_PROFILES = 400
AGREE = 1e-6


def audit_float(result: SolverResult, recheck: Any = None) -> SolverResult:
    """``result`` with the warnings and diagnostics of the checks above (floats only).

    ``recheck(game, method)`` solves the exact game again (the registry's ``solve``).
    """
    if result.exact:
        return result
    warnings = list(result.warnings)
    diagnostics = dict(result.diagnostics)
    game = result.game
    if result.diagnostics.get("degenerate"):
        warnings.append("the game is degenerate: float enumeration may miss or merge "
                        "equilibria there; solve exactly (drop --float) to be sure")
    if isinstance(game, GameTree):
        near = _near_ties(game)
        diagnostics["near_ties"] = near
        if near:
            warnings.append(f"{near} decision node(s) with two best actions within 1e-9 of each "
                            "other but not equal: treated as ties in floats; exact arithmetic "
                            "may pick one")
    if isinstance(game, NormalFormGame) and recheck is not None and \
            game.num_profiles <= RECHECK_PROFILES:
        exact = recheck(game.to_exact(), result.method)
        agree = _same_set(result, exact)
        diagnostics["exact_recheck"] = {"agrees": agree, "float_count": len(result.equilibria),
                                        "exact_count": len(exact.equilibria)}
        if not agree:
            warnings.append(
                f"the float result and an exact re-check disagree: {len(result.equilibria)} "
                f"equilibria in floats, {len(exact.equilibria)} exactly; trust the exact "
                "solve (drop --float)")
    return replace(result, warnings=tuple(dict.fromkeys(warnings)), diagnostics=diagnostics)


def _near_ties(tree: GameTree) -> int:
    """Decision nodes whose two best children are within 1e-9 (range-relative), not equal."""
    if not tree.is_perfect_information:
        return 0
    values = induct(tree).values
    movers = node_movers(tree)
    slack = DEFAULT_TOL * max(float(tree.payoff_range()), 1e-300)
    count = 0
    for node in np.flatnonzero(tree.kind == DECISION):
        kids = tree.children(int(node))
        scores = np.sort(values[kids, movers[node]].astype(float))[::-1]
        if scores.size > 1 and scores[0] != scores[1] and scores[0] - scores[1] <= slack:
            count += 1
    return count


def _same_set(floats: SolverResult, exact: SolverResult) -> bool:
    """Every equilibrium of each result is within ``AGREE`` of one of the other's."""
    def flat(eq: Any) -> np.ndarray:
        return np.concatenate([np.asarray(s, dtype=float) for s in eq.strategies])

    a = [flat(e) for e in floats.equilibria]
    b = [flat(e) for e in exact.equilibria]
    return all(any(np.max(np.abs(x - y)) <= AGREE for y in b) for x in a) and \
        all(any(np.max(np.abs(x - y)) <= AGREE for x in a) for y in b)
