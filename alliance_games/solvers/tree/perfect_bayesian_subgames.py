"""Perfect Bayesian equilibria subgame by subgame (method ``spbe``).

Proper subgames are solved bottom-up as for ``spe``
(:mod:`~alliance_games.solvers.tree.subgame_perfect`), but a subgame with information sets is
solved for its perfect Bayesian equilibria instead of its Nash equilibria, so a threat that no
belief makes rational is never kept at an unreached information set:

* a one-signal subgame with two types (a type drawn by chance, the informed player's signal, then
  play in which nothing more is learnt about the type) by belief thresholds
  (:mod:`~alliance_games.solvers.tree.belief_threshold`): every receiver holds the posterior after
  the signal (Fudenberg and Tirole 1991, ch. 8); fast, exact, one equilibrium per behaviour on
  the path;
* any other subgame, or one in which the thresholds find no equilibrium (receivers would have to
  mix at several information sets after one signal), by
  :func:`~alliance_games.solvers.tree.perfect_bayesian.perfect_bayesian`: every weak PBE, the
  extreme points of every continuum.

The profiles are perfect Bayesian equilibria in every proper subgame: the perfect Bayesian
equilibrium of multi-stage games with observed actions and types drawn by chance.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from alliance_games.games.profiles import behaviour_payoffs
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.belief_threshold import belief_threshold, matches
from alliance_games.solvers.tree.perfect_bayesian_floats import as_float_result
from alliance_games.solvers.tree.subgame_cache import ResultCache
from alliance_games.solvers.tree.subgame_keys import game_key
from alliance_games.solvers.tree.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect


def movers_only(tree: GameTree) -> GameTree | None:
    """``tree`` with the payoff columns of the players who move in it only (their information
    sets renumbered to the kept columns), or ``None`` when every player moves. A player who never
    moves has no choice to make optimal and no information set to hold beliefs at, so the two
    trees have the same equilibria (behaviour profiles over the same information sets); only
    the non-movers' expected payoffs must be computed on ``tree`` itself."""
    movers = sorted({s.player for s in tree.infosets})
    if len(movers) == tree.num_players:
        return None
    column = {player: k for k, player in enumerate(movers)}
    infosets = tuple(replace(s, player=column[s.player]) for s in tree.infosets)
    return tree._replace(players=tuple(tree.players[p] for p in movers),
                         node_payoffs=tree.node_payoffs[:, movers], infosets=infosets)


SIGNALLING = ResultCache()
"""Belief-threshold results by :func:`~alliance_games.solvers.tree.subgame_keys.game_key` of
the game solved: the decomposition of one tree, and the solves of one model at nearby parameter
points, meet the same signalling game many times (the same payoffs of the players who move,
under other outcome tags and other information-set names)."""


def _pbe(tree: GameTree) -> SolverResult:
    """By belief thresholds when ``tree`` is a one-signal two-type game, else every weak PBE.

    A belief-threshold result is a function of what :func:`game_key` holds (structure, action
    labels, chance probabilities, payoffs; its warnings are fixed texts), so it is kept by that
    key (:data:`SIGNALLING`) and a game with an equal key takes it, with ``game`` set to
    ``tree``; the equilibria are shared, not copied (read them, do not write to them). Every
    weak PBE (the fallback) may name information sets in its notes and is not kept."""
    key = game_key(tree)
    if key is not None:
        found = SIGNALLING.get(key)
        if found is not None:
            return replace(found, game=tree)
    structure = matches(tree)
    if structure is not None:
        result = belief_threshold(tree, structure)
        if result.equilibria:
            if key is not None:
                SIGNALLING.put(key, result)
            return result
        # none with at most one mixing receiver per signal: every weak PBE instead
    from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian  # brings sympy

    return perfect_bayesian(tree)


def subgame_pbe(tree: GameTree, prefer: int | None = None) -> SolverResult:
    """One subgame with information sets: by belief thresholds when it is a one-signal two-type
    game, else every weak PBE; solved on the payoffs of the players who move in it
    (:func:`movers_only`: a decomposition's subgames carry a column per outcome tag and measure,
    which no one optimises), everyone's expected payoffs then computed on ``tree``.

    ``prefer``: keep only the equilibria that give player ``prefer`` its highest expected payoff
    in the subgame (all of them when several tie): the selection of :func:`subgame_perfect_bayesian`.
    """
    small = movers_only(tree) if tree.exact else None
    if small is None:
        result = _pbe(tree)
    else:
        found = _pbe(small)
        equilibria = tuple(replace(eq, payoffs=behaviour_payoffs(tree, list(eq.strategies)))
                           for eq in found.equilibria)
        result = replace(found, game=tree, equilibria=equilibria)
    if prefer is None or len(result.equilibria) < 2:
        return result
    best = max(eq.payoffs[prefer] for eq in result.equilibria)
    kept = tuple(eq for eq in result.equilibria if eq.payoffs[prefer] == best)
    return replace(result, equilibria=kept)


def subgame_perfect_bayesian(tree: GameTree, *, max_equilibria: int = MAX_EQUILIBRIA,
                             distinct: bool = False, prefer: int | None = None) -> SolverResult:
    """Every profile that is a perfect Bayesian equilibrium in every proper subgame (module
    docstring), exactly; a float tree is solved on its exact decimal reading and the result
    reported in floats, ``exact=False``
    (:mod:`~alliance_games.solvers.tree.perfect_bayesian_floats`).

    ``distinct``: one equilibrium per distinct outcome of every subgame
    (:func:`~alliance_games.solvers.tree.subgame_perfect.subgame_perfect`).

    ``prefer``: an equilibrium selection. In every subgame with information sets only the perfect
    Bayesian equilibria best for player ``prefer`` are kept (a focal-point selection: the player
    who moves first coordinates expectations on the continuation it likes best; e.g. a
    sender-preferred equilibrium of a signalling game). The result is then *not* complete for
    the class of all such equilibria, and says so.

    Completeness: as ``spe`` (at most ``max_equilibria`` per subgame); a subgame whose
    equilibria form a continuum contributes representatives (extreme points, or one belief per
    off-path signal) and marks the result incomplete.
    """
    if not tree.exact:  # solved on its exact decimal reading, reported in floats
        exact = subgame_perfect_bayesian(tree.to_exact(), max_equilibria=max_equilibria,
                                         distinct=distinct, prefer=prefer)
        return as_float_result(exact, tree)
    solver = subgame_pbe if prefer is None else partial(subgame_pbe, prefer=prefer)
    result = subgame_perfect(tree, max_equilibria=max_equilibria, tree_solver=solver,
                             method="spbe", distinct=distinct)
    if prefer is None:
        return result
    note = (f"selection: in every subgame with information sets, only the equilibria best for "
            f"{tree.players[prefer]} are kept")
    return replace(result, complete=False, warnings=(*result.warnings, note))
