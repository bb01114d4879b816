"""A subtree with its inner subgames cut off, built from a per-structure template.

The decomposition of :mod:`~alliance_games.solvers.tree.subgame_perfect` solves a subgame root
whose inner subgames are solved already as the *truncated* subtree: the subtree at ``root`` in
which every inner subgame root becomes a terminal node (its payoffs filled in later, one inner
solution at a time). Which nodes and edges the truncated tree keeps, their order, kinds,
parents, labels and information sets depend only on the tree's structure, ``root`` and the inner
roots; only the numbers (payoffs, chance probabilities, which nodes carry a payoff) change with
the tree's values. :func:`truncate` therefore builds the structure once per (structure, root) and
afterwards copies the numbers in with index arrays. The template tree keeps its structural
caches (depths, levels, subtree ends, subgame roots, structure key), which every copy inherits.

The result is the tree :func:`build_truncated` builds node by node: same nodes in the same order,
same information sets, and numbers converted the same way (exact trees: Fractions, an absent
payoff and a probability below a decision node as ``Fraction(0)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from alliance_games.games.normal_form import as_exact_array
from alliance_games.games.tree import (
    CHANCE,
    DECISION,
    STRUCTURAL_CACHES,
    TERMINAL,
    GameTree,
    TreeBuilder,
)

_ZERO = Fraction(0)


@dataclass(frozen=True)
class Template:
    """The truncated tree's structure (numbers of its first use) and where its numbers come
    from: ``nodes[i]`` the source node of node ``i``, ``edges[e]`` the source edge of edge
    ``e``, ``chance_edges`` the positions of edges below chance nodes, ``leaf_of`` the node
    that stands for each inner root."""

    tree: GameTree
    nodes: np.ndarray
    edges: np.ndarray
    chance_edges: np.ndarray
    terminal: np.ndarray
    leaf_of: dict[int, int]


def build_truncated(tree: GameTree, root: int, inner: list[int]
                    ) -> tuple[GameTree, dict[int, int], list[int]]:
    """The subtree at ``root`` with each inner subgame replaced by a terminal (payoffs filled
    later), built node by node; also the source node of every node of the result."""
    builder = TreeBuilder(tree.players, exact=tree.exact, title=tree.title)
    new_id: dict[int, int] = {}
    leaf_of: dict[int, int] = {}
    inner_set = set(inner)
    zero = [0] * tree.num_players
    source: list[int] = []
    node, end = root, int(tree.subtree_end[root])
    while node < end:
        source.append(node)
        parent = new_id.get(int(tree.parent[node]), -1) if node != root else -1
        edge = int(tree.in_edge[node])
        action = tree.edge_label[edge] if node != root else None
        prob = tree.edge_prob[edge] if node != root and tree.kind[tree.parent[node]] == CHANCE \
            else None
        pays = list(tree.node_payoffs[node]) if tree.has_payoff[node] else None
        if node in inner_set or tree.kind[node] == TERMINAL:
            new_id[node] = builder.add_terminal(parent, action, payoffs=pays or zero, prob=prob)
            if node in inner_set:
                leaf_of[node] = new_id[node]
                node = int(tree.subtree_end[node])
                continue
        elif tree.kind[node] == DECISION:
            infoset = tree.infosets[int(tree.node_infoset[node])]
            new_id[node] = builder.add_decision(parent, action, player=infoset.player,
                                                infoset=infoset.name, actions=infoset.actions,
                                                payoffs=pays, prob=prob)
        else:
            new_id[node] = builder.add_chance(parent, action, payoffs=pays, prob=prob)
        node += 1
    return builder.build(), leaf_of, source


def template(tree: GameTree, root: int, inner: list[int]) -> Template:
    """The :class:`Template` of the truncated subtree at ``root`` (built from ``tree``'s current
    numbers, which the first use reads back unchanged)."""
    built, leaf_of, source = build_truncated(tree, root, inner)
    nodes = np.asarray(source, dtype=np.int64)
    edges = np.empty(len(built.child_index), dtype=np.int64)
    edges[built.in_edge[1:]] = tree.in_edge[nodes[1:]]
    for name in (*STRUCTURAL_CACHES, "structure_key"):  # computed once, inherited by copies
        getattr(built, name)
    chance_edges = np.flatnonzero(built.kind[built.edge_parent] == CHANCE)
    return Template(built, nodes, edges, chance_edges, built.kind == TERMINAL, leaf_of)


def truncate(tree: GameTree, found: Template) -> GameTree:
    """The truncated tree of ``found`` with ``tree``'s numbers (equal to what
    :func:`build_truncated` builds from ``tree``)."""
    has = tree.has_payoff[found.nodes]
    payoffs = tree.node_payoffs[found.nodes]  # a copy (fancy indexing)
    if tree.exact:  # zeros as Fractions, so that a tree of Fractions is converted in one check
        probs = np.full(len(found.edges), _ZERO, dtype=object)
        probs[found.chance_edges] = tree.edge_prob[found.edges[found.chance_edges]]
        payoffs[~has] = _ZERO
        payoffs, probs = as_exact_array(payoffs), as_exact_array(probs)
    else:
        probs = np.zeros(len(found.edges), dtype=tree.edge_prob.dtype)
        probs[found.chance_edges] = tree.edge_prob[found.edges[found.chance_edges]]
        payoffs[~has] = 0.0
        payoffs, probs = payoffs.astype(float), probs.astype(float)
    return found.tree._replace(node_payoffs=payoffs, edge_prob=probs,
                               has_payoff=has | found.terminal)
