"""Maximal convex sets of Nash equilibria of a two-player game, from its extreme equilibria.

The extreme equilibria ``(x, y)`` of a bimatrix game are the edges of a bipartite graph between
the vertices ``x`` of one best-response polytope and ``y`` of the other. A set ``X x Y`` of extreme
points spans a convex set of equilibria ``conv(X) x conv(Y)`` iff every pair in ``X x Y`` is an
equilibrium, so the maximal convex sets ("maximal Nash subsets", Millham 1974; Winkels 1979) are the
maximal bicliques of that graph (Audet, Hansen, Jaumard, Savard 2001, "Enumeration of all extreme
equilibria of bimatrix games", SIAM J. Sci. Comput. 23; Gambit's ``enummixed -c``).

A biclique ``(X, Y)`` is maximal iff ``X = N(Y)`` and ``Y = N(X)``; the closed sets ``Y`` are
exactly the non-empty intersections of neighbourhoods ``N(x)``, which are generated here by
closing the family ``{N(x)}`` under intersection (sets are bitmasks).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def maximal_bicliques(edges: Sequence[tuple[Hashable, Hashable]]) -> tuple[tuple[int, ...], ...]:
    """Maximal bicliques of the bipartite graph with the given edges.

    Parameters
    ----------
    edges:
        ``edges[k] = (left, right)``: the ``k``-th extreme equilibrium joins the node ``left``
        (a strategy of player 1) and ``right`` (of player 2). Edges must be distinct.

    Returns
    -------
    tuple of tuple of int
        One sorted tuple of edge indices per maximal biclique (every edge of ``X x Y``), the
        tuples sorted.
    """
    lefts: dict[Hashable, int] = {}
    rights: dict[Hashable, int] = {}
    index: dict[tuple[int, int], int] = {}
    for k, (a, b) in enumerate(edges):
        i = lefts.setdefault(a, len(lefts))
        j = rights.setdefault(b, len(rights))
        index[(i, j)] = k
    neighbours = [0] * len(lefts)
    for i, j in index:
        neighbours[i] |= 1 << j
    generators = set(neighbours)
    closed = set(generators)
    frontier = list(closed)
    while frontier:
        fresh = []
        for ys in frontier:
            for gen in generators:
                meet = ys & gen
                if meet and meet not in closed:
                    closed.add(meet)
                    fresh.append(meet)
        frontier = fresh
    sets = []
    for ys in closed:
        right = [j for j in range(len(rights)) if ys >> j & 1]
        left = [i for i, nb in enumerate(neighbours) if nb & ys == ys]
        sets.append(tuple(sorted(index[(i, j)] for i in left for j in right)))
    return tuple(sorted(sets))
