"""Backward induction on perfect-information trees, vectorised depth by depth.

Working from the deepest level up, a decision node's value is its own payoff plus the value of the
child that is best for the mover, and a chance node's value is its payoff plus the probability-
weighted values of its children (Zermelo 1913; Osborne & Rubinstein 1994, Prop. 99.2). Float
passes run over the breadth-first frontiers (:mod:`~alliance_games.solvers.tree.frontier_induction`,
a few array operations per depth, with every player's regret certificate in the same pass);
:func:`exact_values` sums exact values along given choices level by level.

When some mover is indifferent between children (a tie), the game has several subgame-perfect
equilibria; :func:`induct` reports the ties so that the caller enumerates them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.solvers.tolerance import DEFAULT_TOL
from alliance_games.solvers.tree.frontier_induction import (
    FrontierInduction,
    frontier_payoffs,
    induct_frontiers,
)


@dataclass(frozen=True, eq=False)
class Induction:
    """Values and choices of one backward-induction pass: given as arrays, or read on demand
    from a pass over the frontiers (``found``)."""

    given: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # values, choice, ties
    found: FrontierInduction | None = None

    @classmethod
    def of(cls, values: np.ndarray, choice: np.ndarray, ties: np.ndarray) -> Induction:
        return cls(given=(values, choice, ties))

    @cached_property
    def values(self) -> np.ndarray:
        """``(num_nodes, N)``: the value of the subgame at each node."""
        return self.given[0] if self.given is not None else self._found.all_values()

    @cached_property
    def choice(self) -> np.ndarray:
        """The chosen edge per node (-1 for chance and terminal nodes)."""
        return self.given[1] if self.given is not None else self._found.choice()

    @cached_property
    def ties(self) -> np.ndarray:
        """Bool per node: the mover has several best actions."""
        return self.given[2] if self.given is not None else self._found.ties()

    @property
    def root(self) -> np.ndarray:
        """The value of the whole game (a copy)."""
        return self.values[0].copy() if self.given is not None else self._found.root

    @property
    def _found(self) -> FrontierInduction:
        assert self.found is not None
        return self.found


def node_movers(tree: GameTree) -> np.ndarray:
    """The player moving at every node (-1 for chance and terminal nodes)."""
    owners = np.append(tree.infoset_player, -1)
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


def induct(tree: GameTree, *, tol: float = DEFAULT_TOL) -> Induction:
    """One backward-induction pass: every mover takes its first best child (within ``tol``
    times the payoff range in floats, exactly in exact trees); ``ties`` marks the movers with
    several.

    Exact trees are first inducted in floats. When no mover's best and second-best children are
    within ``DEFAULT_TOL`` times the payoff range of each other, the float choices are the exact ones
    (the rounding error of the few additions and products per level is many orders of magnitude
    smaller), and only the values along those choices are computed in exact arithmetic. Otherwise
    the whole pass is repeated in exact arithmetic, which also finds the exact ties.
    """
    if tree.exact:
        untied = untied_induction(tree)
        if untied is not None:
            return untied
        found = induct_frontiers(tree)  # margin 0: exact comparisons
        return Induction(found=found)
    return Induction(found=float_induction(tree, tol=tol))


def float_induction(tree: GameTree, *, tol: float = DEFAULT_TOL, certify: bool = False
                    ) -> FrontierInduction:
    """The pass of :func:`induct` on a float tree (``certify``: with every player's
    best-response value, :mod:`~alliance_games.solvers.tree.frontier_induction`)."""
    payoffs, spread = frontier_payoffs(tree)
    return induct_frontiers(tree, margin=tol * spread, certify=certify, payoffs=payoffs)


def untied_induction(tree: GameTree, *, tol: float = DEFAULT_TOL, certify: bool = False
                     ) -> Induction | None:
    """The induction of :func:`induct` when no mover has two best children, else ``None``.

    Unlike :func:`induct`, an exact tree whose float pass shows a tie is not inducted again in
    exact arithmetic to settle it: the caller that gets ``None`` enumerates the equilibria of the
    ties itself (a spurious float tie, within ``DEFAULT_TOL`` of the payoff range, only sends
    the tree down that slower exact path). ``certify`` (float trees): the pass also computes every
    player's best-response value (``found.regrets``)."""
    if tree.exact:
        approx = float_induction(tree.to_float())
        if approx.any_tie():
            return None
        choice = approx.choice()
        return Induction.of(exact_values(tree, choice), choice, np.zeros(tree.num_nodes, bool))
    found = float_induction(tree, tol=tol, certify=certify)
    return None if found.any_tie() else Induction(found=found)


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


def perfect_information_regrets(tree: GameTree, choice: np.ndarray) -> np.ndarray:
    """Every player's regret under the pure profile ``choice`` (a chosen edge per node) of a
    perfect-information tree, all from one pass: player ``i``'s best-response value (only ``i``
    optimises, exactly in exact trees) minus its value under the profile
    (:mod:`~alliance_games.solvers.tree.frontier_induction`)."""
    return induct_frontiers(tree, follow=choice, certify=True).regrets


def perfect_information_regret(tree: GameTree, result: Induction) -> Fraction | float:
    """Largest gain of a unilateral deviation from the profile ``result.choice`` (at least 0)."""
    worst = max(perfect_information_regrets(tree, result.choice), default=0)
    return max(Fraction(worst), Fraction(0)) if tree.exact else max(float(worst), 0.0)
