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

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from alliance_games.games.profiles import (
    behaviour_payoffs,
    edge_weights,
    exact_realization,
    expectation_over,
    nonzero,
)
from alliance_games.games.rational import fraction_array
from alliance_games.games.tree import GameTree, Infoset
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.belief_threshold import belief_threshold, matches
from alliance_games.solvers.tree.perfect_bayesian_floats import as_float_result
from alliance_games.solvers.tree.subgame_cache import ResultCache
from alliance_games.solvers.tree.subgame_keys import TABLES, game_key, game_structure
from alliance_games.solvers.tree.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect


@dataclass(frozen=True)
class _Shape:
    """What the movers-only game of a tree depends on besides its numbers, found once per
    tree structure: the players who move (``renumbered``: their information sets numbered by
    the kept columns; ``None`` when every player moves) and :func:`game_structure` of the game
    solved (``prefix``: the movers-only tree's, else the tree's), from key-table generation
    ``generation``.
    ``arrays`` are the tree's own structural objects (kinds, child pointers and indices,
    information-set index per node, action labels, information sets), held so that their
    identities, by which the shape is found, are not reused; ``players``: how many players the
    tree has (a copy with outcome columns shares the arrays and adds players who never move)."""

    arrays: tuple[object, ...]
    players: int
    movers: tuple[int, ...]
    renumbered: tuple[Infoset, ...] | None
    generation: int
    prefix: bytes


_SHAPES: OrderedDict[int, _Shape] = OrderedDict()
"""The shapes of the last :data:`SHAPES_KEPT` tree structures, by the identity of the tree's
``kind`` array: the truncated trees of one subgame root are copies of one template that share
its structural arrays (:mod:`~alliance_games.solvers.tree.truncation`)."""
SHAPES_KEPT = 4096


def _structural(tree: GameTree) -> tuple[object, ...]:
    return (tree.kind, tree.child_ptr, tree.child_index, tree.node_infoset, tree.edge_label,
            tree.infosets)


def _shape(tree: GameTree) -> _Shape:
    arrays = _structural(tree)
    found = _SHAPES.get(id(tree.kind))
    if found is not None and found.players == tree.num_players and \
            found.generation == TABLES.generation and \
            all(a is b for a, b in zip(found.arrays, arrays, strict=True)):
        _SHAPES.move_to_end(id(tree.kind))
        return found
    movers = tuple(sorted({s.player for s in tree.infosets}))
    renumbered = None
    solved = tree
    if len(movers) < tree.num_players:
        column = {player: k for k, player in enumerate(movers)}
        renumbered = tuple(replace(s, player=column[s.player]) for s in tree.infosets)
        solved = _movers_tree(tree, movers, renumbered)
    found = _Shape(arrays, tree.num_players, movers, renumbered, TABLES.generation,
                   game_structure(solved))
    _SHAPES[id(tree.kind)] = found
    if len(_SHAPES) > SHAPES_KEPT:
        _SHAPES.popitem(last=False)
    return found


def _movers_tree(tree: GameTree, movers: tuple[int, ...], renumbered: tuple[Infoset, ...]
                 ) -> GameTree:
    return tree._replace(players=tuple(tree.players[p] for p in movers),
                         node_payoffs=tree.node_payoffs[:, list(movers)], infosets=renumbered)


def movers_only(tree: GameTree) -> GameTree | None:
    """``tree`` with the payoff columns of the players who move in it only (their information
    sets renumbered to the kept columns), or ``None`` when every player moves. A player who never
    moves has no choice to make optimal and no information set to hold beliefs at, so the two
    trees have the same equilibria (behaviour profiles over the same information sets); only
    the non-movers' expected payoffs must be computed on ``tree`` itself."""
    shape = _shape(tree)
    if shape.renumbered is None:
        return None
    return _movers_tree(tree, shape.movers, shape.renumbered)


@dataclass
class _Kept:
    """A belief-threshold result kept by its game's key, and, once a game with that key needed
    everyone's payoffs, each equilibrium's reach: the nodes it reaches with their probabilities
    (Fractions). Games with equal keys have the same structure and chance
    probabilities, so an equilibrium reaches the same nodes with the same probabilities in
    each; only the payoffs summed over them differ."""

    result: SolverResult
    reach: list[tuple[np.ndarray, np.ndarray]] | None = None


SIGNALLING = ResultCache()
"""Belief-threshold results (:class:`_Kept`) by
:func:`~alliance_games.solvers.tree.subgame_keys.game_key` of the game solved: the
decomposition of one tree, and the solves of one model at nearby parameter points, meet the same
signalling game many times (the same payoffs of the players who move, under other outcome tags
and other information-set names)."""


def _pbe(tree: GameTree, prefix: bytes | None = None) -> tuple[SolverResult, _Kept | None]:
    """By belief thresholds when ``tree`` is a one-signal two-type game, else every weak PBE;
    with the kept entry when the result is kept (``prefix``: :func:`game_structure` of
    ``tree``, when the caller has it).

    A belief-threshold result is a function of what :func:`game_key` holds (structure, action
    labels, chance probabilities, payoffs; its warnings are fixed texts), so it is kept by that
    key (:data:`SIGNALLING`) and a game with an equal key takes it, with ``game`` set to
    ``tree``; the equilibria are shared, not copied (read them, do not write to them). Every
    weak PBE (the fallback) may name information sets in its notes and is not kept."""
    key = game_key(tree, structure=prefix)
    if key is not None:
        kept = SIGNALLING.get(key)
        if kept is not None:
            return replace(kept.result, game=tree), kept
    structure = matches(tree)
    if structure is not None:
        result = belief_threshold(tree, structure)
        if result.equilibria:
            if key is None:
                return result, None
            kept = _Kept(result)
            SIGNALLING.put(key, kept)
            return result, kept
        # none with at most one mixing receiver per signal: every weak PBE instead
    from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian  # brings sympy

    return perfect_bayesian(tree), None


def _reach(tree: GameTree, strategies: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The nodes an equilibrium reaches and their probabilities (as Fractions: the entry
    outlives a switch of the fast exact type)."""
    reach = exact_realization(tree, edge_weights(tree, list(strategies)))
    assert reach is not None  # an exact tree with a kept (exact) result
    nodes = np.flatnonzero(nonzero(reach))
    return nodes, fraction_array(reach[nodes])


def subgame_pbe(tree: GameTree, prefer: int | None = None) -> SolverResult:
    """One subgame with information sets: by belief thresholds when it is a one-signal two-type
    game, else every weak PBE; solved on the payoffs of the players who move in it
    (:func:`movers_only`: a decomposition's subgames carry a column per outcome tag and measure,
    which no one optimises), everyone's expected payoffs then computed on ``tree``: the sum,
    over the nodes the equilibrium reaches, of their probability times their payoffs (the reach
    of a kept result is found once, :class:`_Kept`).

    ``prefer``: keep only the equilibria that give player ``prefer`` its highest expected payoff
    in the subgame (all of them when several tie): the selection of :func:`subgame_perfect_bayesian`.
    """
    shape = _shape(tree) if tree.exact else None
    if shape is None or shape.renumbered is None:
        result, _ = _pbe(tree, None if shape is None else shape.prefix)
    else:
        found, kept = _pbe(_movers_tree(tree, shape.movers, shape.renumbered), shape.prefix)
        if kept is None:
            payoffs = [behaviour_payoffs(tree, list(eq.strategies)) for eq in found.equilibria]
        else:
            if kept.reach is None:
                kept.reach = [_reach(tree, eq.strategies) for eq in found.equilibria]
            payoffs = [expectation_over(weights, tree.node_payoffs[nodes])
                       for nodes, weights in kept.reach]
        equilibria = tuple(replace(eq, payoffs=value)
                           for eq, value in zip(found.equilibria, payoffs, strict=True))
        result = replace(found, game=tree, equilibria=equilibria)
    if prefer is None or len(result.equilibria) < 2:
        return result
    best = max(eq.payoffs[prefer] for eq in result.equilibria)
    kept_best = tuple(eq for eq in result.equilibria if eq.payoffs[prefer] == best)
    return replace(result, equilibria=kept_best)


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
