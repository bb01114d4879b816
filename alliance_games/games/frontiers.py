"""Breadth-first frontiers of a game tree: its nodes depth by depth, children in blocks.

Frontier ``d + 1`` lists the children of frontier ``d``'s nodes in the order of that frontier
and, within a node, in action order. So the children of the ``i``-th node of frontier ``d`` are
the contiguous block ``[offset_i, offset_i + count_i)`` of frontier ``d + 1``, with
``offset = cumsum(count) - count``: a pass from the deepest frontier up can keep every frontier's
numbers in a compact array of its own and reach a node's children by slicing (a reshape when
all nodes of the frontier have the same kind and number of children) instead of gathering them
from a whole-tree array. No numbering of the nodes is assumed (for a tree numbered in pre-order,
as :class:`~alliance_games.games.tree.GameTree` is, each frontier is sorted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIXED = -1
"""``Frontier.kind`` of a frontier whose nodes differ in kind or number of children."""


@dataclass(frozen=True, eq=False)
class Frontier:
    """The nodes of one depth.

    Attributes
    ----------
    nodes:
        Node indices (int64), in breadth-first order.
    counts:
        Number of children of each node: its block in the next frontier.
    edges:
        The edge into each node of the *next* frontier, in that frontier's order (empty at the
        deepest frontier).
    kind:
        The common kind (``TERMINAL``, ``DECISION`` or ``CHANCE``) of every node when they also
        have the same number of children, else :data:`MIXED`.
    width:
        That common number of children (``-1`` when :data:`MIXED`).
    """

    nodes: np.ndarray
    counts: np.ndarray
    edges: np.ndarray
    kind: int
    width: int


def breadth_first(ptr: np.ndarray, kids: np.ndarray, kinds: np.ndarray) -> tuple[Frontier, ...]:
    """Every frontier of the tree with children ``kids[ptr[v]:ptr[v + 1]]`` of node ``v`` and
    node kinds ``kinds``, root (node 0) first: per depth, a few gathers and, unless every node
    has the same number of children, one ``repeat``."""
    out: list[Frontier] = []
    nodes = np.zeros(1, dtype=np.int64)
    while True:
        starts = np.take(ptr, nodes)
        counts = np.take(ptr[1:], nodes) - starts
        low, high = int(counts.min()), int(counts.max())
        kind = np.take(kinds, nodes)
        first = int(kind[0])
        uniform = low == high and bool((kind == first).all())
        if high == 0:
            edges = np.zeros(0, dtype=np.int64)
        elif uniform:
            edges = np.empty(nodes.size * high, dtype=np.int64)
            for j in range(high):  # strided writes: faster than a broadcast sum with few columns
                np.add(starts, j, out=edges[j::high])
        else:
            offsets = np.cumsum(counts) - counts
            edges = np.repeat(starts - offsets, counts) + np.arange(int(offsets[-1] + counts[-1]),
                                                                     dtype=np.int64)
        out.append(Frontier(nodes, counts, edges, first if uniform else MIXED,
                            high if uniform else -1))
        if high == 0:
            return tuple(out)
        nodes = np.take(kids, edges)
