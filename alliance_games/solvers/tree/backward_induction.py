"""Backward induction on perfect-information trees, vectorised level by level.

Working from the deepest level up, a decision node's value is its own payoff plus the value of the
child that is best for the mover, and a chance node's value is its payoff plus the probability-
weighted values of its children (Zermelo 1913; Osborne & Rubinstein 1994, Prop. 99.2). Each level is
a handful of ``reduceat`` passes over the edges, so trees of millions of nodes cost a few array
operations per level rather than a Python call per node.

When some mover is indifferent between children (a tie), the game has several subgame-perfect
equilibria; :func:`induct` reports the ties so that the caller enumerates them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.solvers.tolerance import DEFAULT_TOL, slack


@dataclass(frozen=True, eq=False)
class Induction:
    """Values and choices of one backward-induction pass."""

    values: np.ndarray  # (num_nodes, N): value of the subgame at each node
    choice: np.ndarray  # chosen edge per node (-1 for chance and terminal nodes)
    ties: np.ndarray  # bool per node: the mover has several best actions


def node_movers(tree: GameTree) -> np.ndarray:
    """The player moving at every node (-1 for chance and terminal nodes)."""
    owners = np.array([s.player for s in tree.infosets] + [-1], dtype=np.int64)
    return owners[tree.node_infoset]  # index -1 picks the trailing -1


def edge_segments(tree: GameTree, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All edges of ``nodes`` (concatenated) and the offset of each node's first edge."""
    if nodes.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = tree.child_ptr[nodes]
    counts = tree.child_ptr[nodes + 1] - starts
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    edges = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
    return edges, offsets


def induct(tree: GameTree, *, tol: float = DEFAULT_TOL, maximiser: int | None = None,
           follow: np.ndarray | None = None) -> Induction:
    """One backward-induction pass.

    With ``maximiser`` and ``follow`` given, only that player optimises; every other decision node
    takes the edge ``follow[node]`` (used to compute best-response values for regret).

    Exact trees are first inducted in floats. When no mover's best and second-best children are
    within ``DEFAULT_TOL`` times the payoff range of each other, the float choices are the exact ones
    (the rounding error of the few additions and products per level is many orders of magnitude
    smaller), and only the values along those choices are computed in exact arithmetic. Otherwise
    the whole pass is repeated in exact arithmetic, which also finds the exact ties.
    """
    if tree.exact and maximiser is None:
        untied = untied_induction(tree)
        if untied is not None:
            return untied
    return _induct(tree, tol=tol, maximiser=maximiser, follow=follow)


def untied_induction(tree: GameTree, *, tol: float = DEFAULT_TOL) -> Induction | None:
    """The induction of :func:`induct` when no mover has two best children, else ``None``.

    Unlike :func:`induct`, an exact tree whose float pass shows a tie is not inducted again in
    exact arithmetic to settle it: the caller that gets ``None`` enumerates the equilibria of the
    ties itself (a spurious float tie, within ``DEFAULT_TOL`` of the payoff range, only sends
    the tree down that slower exact path)."""
    if tree.exact:
        approx = _induct(tree.to_float(), tol=DEFAULT_TOL, maximiser=None, follow=None)
        if approx.ties.any():
            return None
        return Induction(exact_values(tree, approx.choice), approx.choice, approx.ties)
    found = _induct(tree, tol=tol, maximiser=None, follow=None)
    return None if found.ties.any() else found


def exact_values(tree: GameTree, choice: np.ndarray) -> np.ndarray:
    """Values of every subgame when decision nodes take the edges ``choice`` (exact if the tree is)."""
    values = tree.node_payoffs.copy()
    for level in reversed(tree.levels):
        dec = level[tree.kind[level] == DECISION]
        if dec.size:
            values[dec] += values[tree.child_index[choice[dec]]]
        chance = level[tree.kind[level] == CHANCE]
        if chance.size:
            edges, offsets = edge_segments(tree, chance)
            weighted = values[tree.child_index[edges]] * tree.edge_prob[edges][:, None]
            values[chance] += np.add.reduceat(weighted, offsets, axis=0)
    return values


def _induct(tree: GameTree, *, tol: float, maximiser: int | None,
            follow: np.ndarray | None) -> Induction:
    exact = tree.exact
    values = tree.node_payoffs.copy()
    choice = np.full(tree.num_nodes, -1, dtype=np.int64)
    ties = np.zeros(tree.num_nodes, dtype=bool)
    movers = node_movers(tree)
    margin = slack(tree, tol)
    for level in reversed(tree.levels):
        dec = level[tree.kind[level] == DECISION]
        if maximiser is not None and follow is not None and dec.size:
            fixed = dec[movers[dec] != maximiser]
            choice[fixed] = follow[fixed]
            values[fixed] += values[tree.child_index[follow[fixed]]]
            dec = dec[movers[dec] == maximiser]
        if dec.size:
            edges, offsets = edge_segments(tree, dec)
            owner = np.repeat(movers[dec], np.diff(np.append(offsets, edges.size)))
            scores = values[tree.child_index[edges], owner]
            best = np.maximum.reduceat(scores, offsets)
            best_rep = np.repeat(best, np.diff(np.append(offsets, edges.size)))
            is_best = (scores == best_rep) if exact else (scores >= best_rep - margin)
            is_best = np.asarray(is_best, dtype=bool)
            marked = np.where(is_best, edges, np.iinfo(np.int64).max)
            first = np.minimum.reduceat(marked, offsets)
            choice[dec] = first
            ties[dec] = np.add.reduceat(is_best.astype(np.int64), offsets) > 1
            values[dec] += values[tree.child_index[first]]
        chance = level[tree.kind[level] == CHANCE]
        if chance.size:
            edges, offsets = edge_segments(tree, chance)
            weighted = values[tree.child_index[edges]] * tree.edge_prob[edges][:, None]
            values[chance] += np.add.reduceat(weighted, offsets, axis=0)
    return Induction(values, choice, ties)


def perfect_information_regret(tree: GameTree, result: Induction) -> Fraction | float:
    """Largest gain of a unilateral deviation from the profile ``result.choice``.

    For each player, a backward-induction pass where only that player optimises gives its
    best-response value; the regret is that minus its value under the profile.
    """
    worst: Fraction | float = Fraction(0) if tree.exact else 0.0
    for player in range(tree.num_players):
        response = induct(tree, maximiser=player, follow=result.choice)
        gap = response.values[0, player] - result.values[0, player]
        worst = max(worst, gap)
    return worst if tree.exact else float(worst)
