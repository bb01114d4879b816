"""What a pure strategy profile of a tree does: its path, choices and per-policy tag probabilities.

Reach and tag probabilities come from :mod:`alliance_games.games.profiles` (generic over exact
Fractions at one parameter point and sympy expressions in the free parameters). With the root's
own choice ignored (each root edge weighs 1, ``free_root``), the tag probabilities below a root
action are those *within* that action's subgame, for every policy at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from alliance_games.games.profiles import pure_weights, realization, tag_probabilities
from alliance_games.games.tree import DECISION, GameTree


def tags_by_policy(tree: GameTree, choice: np.ndarray, probs: np.ndarray, policies: Sequence[str],
                tags: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per policy (a root action), the probability of each of ``tags`` within its subgame under
    the pure profile ``choice``; empty without policies or tags, or when the root is no decision."""
    if not policies or not tags or tree.kind[0] != DECISION:
        return {}
    reach_all = realization(tree, pure_weights(tree, choice, probs, free_root=True))
    out: dict[str, dict[str, Any]] = {}
    actions = tree.actions(0)
    for policy in policies:
        child = int(tree.children(0)[actions.index(policy)])
        found = tag_probabilities(tree, reach_all, child, int(tree.subtree_end[child]))
        out[policy] = {tag: found.get(tag, 0) for tag in tags}
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
