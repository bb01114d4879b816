"""What a pure strategy profile of a tree does: its path, tag probabilities and policy risks.

For a pure profile ``choice`` (one edge per decision node) the realization probability of a
node is the product of the chance probabilities on its path, times 1 or 0 for each decision
edge (chosen or not) (Kuhn 1953). The probability of an outcome tag is the sum of the
realization probabilities of the terminals whose path carries it. With ``every_policy`` the
root's own choice is ignored (each root edge weighs 1), which gives, for every leader policy at
once, the probabilities *within* that policy's subgame.

The arithmetic is generic over numpy object arrays: it runs on exact Fractions (one parameter
point) as well as on sympy expressions in the free parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, GameTree

RISK_PREFIXES = ("abandonment:", "entrapment:")


def realization(tree: GameTree, choice: np.ndarray, probs: np.ndarray, *,
                every_policy: bool = False) -> np.ndarray:
    """Realization probability of every node under the pure profile ``choice``."""
    weights = np.zeros(len(tree.child_index), dtype=object)
    chance_edges = tree.kind[tree.edge_parent] == CHANCE
    weights[chance_edges] = probs[chance_edges]
    decision_nodes = np.flatnonzero(tree.kind == DECISION)
    weights[choice[decision_nodes]] = 1
    if every_policy and tree.kind[0] == DECISION:
        weights[list(tree.edges(0))] = 1
    reach = np.zeros(tree.num_nodes, dtype=object)
    reach[0] = 1
    for level in tree.levels[1:]:
        reach[level] = reach[tree.parent[level]] * weights[tree.in_edge[level]]
    return reach


def tag_probabilities(tree: GameTree, reach: np.ndarray, start: int = 0,
                      stop: int | None = None) -> dict[str, Any]:
    """Probability of every tag among the terminals with pre-order index in ``[start, stop)``."""
    stop = tree.num_nodes if stop is None else stop
    terminals = [int(t) for t in tree.terminals if start <= t < stop and reach[t] != 0]
    masks = tree.path_tags
    out: dict[str, Any] = {}
    for k, tag in enumerate(tree.tag_names):
        bit = 1 << k
        out[tag] = sum((reach[t] for t in terminals if masks[t] & bit), 0)
    return out


def policy_risks(tree: GameTree, reach_all: np.ndarray, policies: tuple[str, ...]
                 ) -> dict[str, dict[str, Any]]:
    """Per policy (a root action), every player's abandonment and entrapment probability."""
    out: dict[str, dict[str, Any]] = {}
    actions = tree.actions(0)
    for policy in policies:
        child = int(tree.children(0)[actions.index(policy)])
        tags = tag_probabilities(tree, reach_all, child, int(tree.subtree_end[child]))
        out[policy] = {f"{prefix}{player}": tags.get(f"{prefix}{player}", 0)
                       for player in tree.players for prefix in RISK_PREFIXES}
    return out


def path_choices(tree: GameTree, choice: np.ndarray, reach: np.ndarray) -> tuple[str, ...]:
    """``"infoset:action"`` for every decision node reached with positive probability."""
    nodes = np.flatnonzero(tree.kind == DECISION)
    return tuple(f"{tree.infosets[int(tree.node_infoset[n])].name}:"
                 f"{tree.edge_label[int(choice[n])]}" for n in nodes if reach[n] != 0)


def all_choices(tree: GameTree, choice: np.ndarray) -> dict[str, str]:
    """Infoset name -> chosen action, for every decision node."""
    nodes = np.flatnonzero(tree.kind == DECISION)
    return {tree.infosets[int(tree.node_infoset[n])].name: tree.edge_label[int(choice[n])]
            for n in nodes}


def reason(tree: GameTree, node: int, chosen: int, other: int) -> str:
    """``"<mover> at <infoset>: <chosen> over <other>"``: the comparison a condition encodes."""
    infoset = tree.infosets[int(tree.node_infoset[node])]
    return (f"{tree.players[infoset.player]} at {infoset.name}: {tree.edge_label[chosen]} "
            f"over {tree.edge_label[other]}")
