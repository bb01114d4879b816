"""Backward induction and equilibrium-path tag probabilities over a batch of parameter points.

Works on a :class:`~alliance_games.solvers.tree.merged_tree.MergedTree` with the batch as the last
axis of every array (``S`` points, ``U`` unique nodes, ``C`` channels):

1. **Backward pass**, height by height: a decision node's value is its payoff plus the value of
   its best child for the mover (``argmax`` per point; the first best action on exact ties); a
   chance node's is its payoff plus the probability-weighted sum of its children's values.
   A point where some mover has two actions within ``tol * (payoff range)`` of the best is
   flagged as a *near-tie* (its equilibria may be several: the caller re-solves it exactly).
2. **Tags and cost in the same pass**: besides the payoffs, every node carries the expected cost
   from there on (the merged tree's cost measure, summed along the play like a payoff) and, for
   each tag channel, the probability ``q_t(u)`` that the play from ``u`` meets the tag:
   ``q_t(u) = 1`` at a node carrying it, otherwise the chosen child's value (decision) or the
   probability-weighted sum of the children's (chance). A play carries a tag when any node on it
   does, so this is exact for tags met several times on one play. A policy's tag probabilities
   and cost are the values at the root of its subtree (every policy is evaluated as if chosen).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alliance_games.games.tree import DECISION
from alliance_games.solvers.tree.merged_tree import MergedTree


@dataclass(frozen=True)
class GridSolution:
    """Per point: tag probabilities ``(S, K, T)`` and cost ``(S, K)`` of every policy, the root
    player's choice ``(S,)`` (a policy index, -1 for a root action that is no policy), near-ties."""

    tags: np.ndarray
    cost: np.ndarray
    choice: np.ndarray
    near_tie: np.ndarray


def solve_grid(dag: MergedTree, numbers: np.ndarray, tol: float = 1e-9) -> GridSolution:
    """Solve every point of a batch; ``numbers`` holds the distinct expressions, ``(S, D)``.

    The point axis is the last one, so that gathering nodes copies contiguous rows.
    """
    size = numbers.shape[0]
    by_expr = np.ascontiguousarray(numbers.T)  # (D, S)
    used = np.flatnonzero(dag.tagged.any(axis=0))  # tag channels that occur somewhere
    nplayers = dag.payoff_ids.shape[1]
    has_cost = dag.cost_ids is not None
    # channels: the players' payoffs, the cost, then one per tag
    start = np.zeros((dag.size, nplayers + 1 + used.size, size))
    start[:, :nplayers] = by_expr[dag.payoff_ids]
    if has_cost:
        start[:, nplayers] = by_expr[dag.cost_ids]
    prob = np.zeros((dag.child.size, size))
    chance_edges = np.flatnonzero(dag.prob_ids >= 0)
    prob[chance_edges] = by_expr[dag.prob_ids[chance_edges]]
    payoffs = start[:, :nplayers]
    scale = np.maximum(payoffs.max(axis=(0, 1)) - payoffs.min(axis=(0, 1)), 1e-300)
    values, choice, near_tie = _backward(dag, start, nplayers, dag.tagged[:, used], prob,
                                         tol * scale)
    roots = values[dag.policy_roots]  # (K, C, S)
    tags = np.zeros((size, len(dag.policies), dag.tagged.shape[1]))
    tags[:, :, used] = roots[:, nplayers + 1 :].transpose(2, 0, 1)
    cost = roots[:, nplayers].T if has_cost else np.full((size, len(dag.policies)), np.nan)
    root_edge = choice[dag.root] - dag.child_ptr[dag.root]
    return GridSolution(tags, cost, dag.root_policy[root_edge], near_tie)


def _backward(dag: MergedTree, values: np.ndarray, nplayers: int, tagged: np.ndarray,
              prob: np.ndarray, slack: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values of every channel ``(U, C, S)``, chosen edges ``(U, S)`` and near-tie flags.

    ``values`` enters holding each node's own payoffs and cost (tag channels zero) and is
    updated in place. Channel ``c >= nplayers + 1`` is the probability that the play from the
    node meets tag ``c - nplayers - 1``: one at a tagged node, else the chosen child's or the
    probability-weighted children's, like a payoff.
    """
    size = values.shape[-1]
    channels = values.shape[1]
    tag_rows, tag_cols = np.nonzero(tagged)
    tag_cols = tag_cols + nplayers + 1
    choice = np.full((dag.size, size), -1, dtype=np.int64)
    near_tie = np.zeros(size, dtype=bool)
    columns = np.arange(size)[None, :]
    for block in dag.blocks:
        for run in block.runs:
            a, b, d = run.lo, run.hi, run.degree
            kids = dag.child[run.elo : run.ehi]
            if run.kind == DECISION:
                movers = dag.mover[dag.edge_parent[run.elo : run.ehi]]
                scores = values[kids, movers].reshape(b - a, d, size)  # (D, d, S)
                pick = scores.argmax(axis=1)  # first best action
                if d > 1:
                    best = np.take_along_axis(scores, pick[:, None, :], axis=1)
                    near_tie |= ((scores >= best - slack).sum(axis=1) > 1).any(axis=0)
                first = run.elo + d * np.arange(b - a)[:, None] + pick  # (D, S) edge ids
                choice[a:b] = first
                values[a:b] += values[dag.child[first], :, columns].transpose(0, 2, 1)
            else:
                weighted = values[kids] * prob[run.elo : run.ehi, None, :]
                values[a:b] += weighted.reshape(b - a, d, channels, size).sum(axis=1)
        lo, hi = block.nodes
        inside = (tag_rows >= lo) & (tag_rows < hi)
        values[tag_rows[inside], tag_cols[inside]] = 1.0
    return values, choice, near_tie
