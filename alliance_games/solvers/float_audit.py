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
  result says so, and gives both counts;
* **certification against the exact game** the float game was rounded from (the rational
  payoffs of the file, :func:`~alliance_games.model.exact_origin.exact_origin`; games of at most
  ``CERTIFY_NODES`` nodes or ``CERTIFY_WORK`` payoff entries times equilibria): every float
  equilibrium's exact regret there (:mod:`alliance_games.solvers.exact_certificate`). A profile
  with positive exact regret is dropped and said when it is pure (its rational reading is
  exact), when floats cannot separate the payoffs or when it exceeds ``UNCERTAIN_TOL`` of the
  payoff range; another mixed one that is neither certified nor matched by the exact re-check is
  kept and said (certified results skip the registry's float guard, whose float regrets suffer
  the rounding this certificate avoids). The exact re-check above then solves this
  original game (not the float game read back), trees of at most ``RECHECK_NODES`` nodes
  included; where the re-check agrees with what is kept, the result keeps its completeness;
* a **near-tie / cancellation** warning when two of a player's exact payoffs are closer than
  their magnitude (or that of the payoffs summed into them) over ``2**53``: float64 cannot
  separate them.

A float result is never called exact. Exact solves are never audited this way: they do not
fall back to floats (an irrational value is refused with a request for ``--float``).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import DECISION, GameTree
from alliance_games.model.exact_origin import exact_origin
from alliance_games.solvers.exact_certificate import (
    exact_regret,
    inseparable,
    is_pure,
    rationalise,
)
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL
from alliance_games.solvers.tree.backward_induction import edge_segments, induct, node_movers
from alliance_games.solvers.tree.frontier_induction import frontier_payoffs, induct_frontiers

RECHECK_PROFILES = 400
RECHECK_NODES = 2_000
AGREE = 1e-6
CERTIFY_NODES = 20_000
"""Largest tree certified against its exact game (an exact regret pass per equilibrium)."""
CERTIFY_WORK = 2_000_000
"""Largest normal form certified: payoff entries times equilibria."""
UNCERTAIN_TOL = 1e-6
"""Largest exact regret (relative to the payoff range) of a mixed float profile kept uncertain;
the registry's float guard (``GUARD_TOL``) with exact regret, so it replaces that guard."""


def audit_float(result: SolverResult, recheck: Any = None,
                source: NormalFormGame | GameTree | None = None) -> SolverResult:
    """``result`` with the warnings and diagnostics of the checks above (float games only).

    ``recheck(game, method)`` solves an exact game again (the registry's ``solve``). ``source``:
    the game given to the solver (default ``result.game``; a method that reads every game
    exactly reports the float game read as decimals, and is only certified).
    """
    game = result.game
    source = game if source is None else source
    if source.exact:
        return result
    warnings = list(result.warnings)
    diagnostics = dict(result.diagnostics)
    if not result.exact:
        if result.diagnostics.get("degenerate"):
            warnings.append("the game is degenerate: float enumeration may miss or merge "
                            "equilibria there; solve exactly (drop --float) to be sure")
        if isinstance(game, GameTree):
            near = _near_ties(game)
            diagnostics["near_ties"] = near
            if near:
                warnings.append(f"{near} decision node(s) with two best actions within 1e-9 of "
                                "each other but not equal: treated as ties in floats; exact "
                                "arithmetic may pick one")
    origin = exact_origin(source) if _certifiable(result) else None
    equilibria, complete = result.equilibria, result.complete
    uncertain: list[Equilibrium] = []
    if origin is not None:
        equilibria, uncertain, notes, facts = _certify(result, origin)
        warnings.extend(notes)
        diagnostics["exact_certificate"] = facts
        complete = complete and len(equilibria) == len(result.equilibria)
    exact = _recheck_game(result, origin)
    if exact is not None and recheck is not None:
        rechecked = recheck(exact, result.method)
        kept = replace(result, equilibria=equilibria)
        agree = _same_set(kept, rechecked)
        diagnostics["exact_recheck"] = {"agrees": agree, "float_count": len(equilibria),
                                        "exact_count": len(rechecked.equilibria)}
        if agree:
            complete = result.complete
        else:
            warnings.append(
                f"the float result and an exact re-check disagree: {len(equilibria)} "
                f"equilibria in floats, {len(rechecked.equilibria)} exactly; trust the exact "
                "solve (drop --float)")
        uncertain = [e for e in uncertain if not _matched(e, rechecked)]
    if uncertain:
        warnings.append(
            f"{len(uncertain)} mixed float profile(s) could not be certified against the exact "
            "game (positive exact regret once their probabilities are read as fractions); solve "
            "exactly (drop --float) to be sure")
    return replace(result, equilibria=equilibria, complete=complete,
                   convex_sets=_surviving_sets(result, equilibria),
                   warnings=tuple(dict.fromkeys(warnings)), diagnostics=diagnostics)


def _surviving_sets(result: SolverResult, kept: tuple[Equilibrium, ...]
                    ) -> tuple[tuple[int, ...], ...]:
    """The convex sets whose extreme equilibria were all kept, renumbered among ``kept``."""
    if len(kept) == len(result.equilibria):
        return result.convex_sets
    if not result.convex_sets:
        return ()
    index = {id(e): k for k, e in enumerate(kept)}
    new = [tuple(index.get(id(result.equilibria[i]), -1) for i in s) for s in result.convex_sets]
    sets = [s for s in new if -1 not in s]
    alone = set(range(len(kept))).difference(*sets)  # its sets lost a vertex: a set of its own
    return tuple(sorted([*sets, *((k,) for k in alone)]))


def _certifiable(result: SolverResult) -> bool:
    """Whether ``result`` is small enough to certify against its exact game."""
    game = result.game
    if isinstance(game, GameTree):
        return game.num_nodes <= CERTIFY_NODES
    return game.payoffs.size * max(len(result.equilibria), 1) <= CERTIFY_WORK


def _certify(result: SolverResult, origin: NormalFormGame | GameTree
             ) -> tuple[tuple[Equilibrium, ...], list[Equilibrium], list[str], dict[str, Any]]:
    """The equilibria kept, the kept ones left uncertain, the warnings and the facts."""
    close = inseparable(origin)
    spe = isinstance(origin, GameTree) and result.method == "spe"
    kept: list[Equilibrium] = []
    uncertain: list[Equilibrium] = []
    refuted: list[Fraction] = []
    for eq in result.equilibria:
        strategies = eq.strategies if eq.exact else rationalise(eq.strategies)
        regret = exact_regret(origin, strategies, subgame_perfect=spe)
        if regret is None:  # too many subgames to check one by one: Nash regret only
            regret = exact_regret(origin, strategies)
        assert regret is not None
        if regret == 0:
            kept.append(eq)
        elif eq.exact or is_pure(eq.strategies) or close is not None or \
                float(regret) > UNCERTAIN_TOL * origin.payoff_range():
            refuted.append(regret)
        else:
            kept.append(eq)
            uncertain.append(eq)
    notes = []
    facts: dict[str, Any] = {"certified": len(kept) - len(uncertain), "refuted": len(refuted),
                             "uncertain": len(uncertain), "inseparable": None}
    if close is not None:
        magnitude, gap = close
        facts["inseparable"] = {"magnitude": magnitude, "gap": gap}
        dropped = (f"{len(refuted)} float profile(s) are not equilibria of the exact game "
                   f"(exact regret up to {_short(max(refuted))}) and were dropped"
                   if refuted else "the float equilibria kept are certified against the exact "
                   "game, but floats may have missed others")
        notes.append(f"floats cannot separate these payoffs (magnitudes up to "
                     f"{_short(magnitude)} differ by as little as {_short(gap)}, finer than "
                     f"float64's 2**53 precision): {dropped}; solve exactly (drop --float)")
    elif refuted:
        notes.append(f"{len(refuted)} float profile(s) are not equilibria of the exact game from "
                     f"the file (exact regret up to {_short(max(refuted))}: float rounding) and "
                     "were dropped; solve exactly (drop --float)")
    return tuple(kept), uncertain, notes, facts


def _recheck_game(result: SolverResult, origin: NormalFormGame | GameTree | None
                  ) -> NormalFormGame | GameTree | None:
    """The exact game a float result is re-solved on: the original one when known (a normal
    form's floats read back otherwise), if small enough; ``None`` for exact-reading methods."""
    game = result.game
    if result.exact:
        return None
    if isinstance(game, GameTree):
        return origin if origin is not None and game.num_nodes <= RECHECK_NODES else None
    if game.num_profiles > RECHECK_PROFILES:
        return None
    return origin if origin is not None else game.to_exact()


def _short(value: Any) -> str:
    """An exact number for a message: as it is when short, else in scientific notation."""
    text = str(value)
    return text if len(text) <= 12 else f"{float(value):.6g}"


def _near_ties(tree: GameTree) -> int:
    """Decision nodes whose two best children (for the mover) are within 1e-9 (range-relative)
    but not equal: the best value is attained once and the next best is within the slack."""
    if not tree.is_perfect_information:
        return 0
    if tree.exact:
        values, spread = induct(tree).values, float(tree.payoff_range())
    else:  # induct(tree)'s pass, keeping its payoff range (tree.payoff_range(), found without
        payoffs, spread = frontier_payoffs(tree)  # the level-by-level path sums it takes)
        values = induct_frontiers(tree, margin=DEFAULT_TOL * spread, payoffs=payoffs).all_values()
    movers = node_movers(tree)
    slack = DEFAULT_TOL * max(spread, 1e-300)
    nodes = np.flatnonzero(tree.kind == DECISION)
    widths = tree.child_ptr[nodes + 1] - tree.child_ptr[nodes]
    nodes, widths = nodes[widths > 1], widths[widths > 1]
    if not nodes.size:
        return 0
    edges, offsets = edge_segments(tree, nodes)
    scores = values[tree.child_index[edges], np.repeat(movers[nodes], widths)].astype(float)
    best = np.maximum.reduceat(scores, offsets)
    top = scores == np.repeat(best, widths)
    once = np.add.reduceat(top, offsets) == 1
    second = np.maximum.reduceat(np.where(top, -np.inf, scores), offsets)
    return int(np.count_nonzero(once & (best - second <= slack)))


def _flat(eq: Equilibrium) -> np.ndarray:
    return np.concatenate([np.asarray(s, dtype=float) for s in eq.strategies])


def _matched(eq: Equilibrium, exact: SolverResult) -> bool:
    """Whether ``eq`` is within ``AGREE`` of one of ``exact``'s equilibria."""
    x = _flat(eq)
    return any(np.max(np.abs(x - _flat(e))) <= AGREE for e in exact.equilibria)


def _same_set(floats: SolverResult, exact: SolverResult) -> bool:
    """Every equilibrium of each result is within ``AGREE`` of one of the other's."""
    return all(_matched(e, exact) for e in floats.equilibria) and \
        all(_matched(e, floats) for e in exact.equilibria)
