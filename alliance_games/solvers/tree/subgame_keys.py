"""Content keys of subtrees: equal keys mean the subtrees are the same game.

Nodes are in pre-order, so the subtree at ``r`` is the contiguous range ``[r, subtree_end[r])``
and its shape is fixed by the sequence of the nodes' degrees. Every node gets a *row*: its kind,
degree, mover, the offset from it to the first node of its information set (which fixes the
partition into information sets, relative to the node), whether it carries a payoff, its payoffs
and, per outgoing edge, the edge's probability and action label. Two subtrees of the same length
whose rows agree position by position are therefore the same game up to renaming nodes and
information sets: node ``r + i`` corresponds to node ``r' + i``. For a subtree that cuts no
information set (a proper subgame) that is all the game there is.

Rows are compared exactly: numbers are mapped to ids by their value (equal rationals, whatever
their type, get one id; the object identity of the entries only spares hashing repeated
objects), strings by their text. The key of a subtree is the byte string of its rows' ids. Trees
with numbers that are not rational (floats, symbolic expressions) get no keys: the solvers'
tolerances and symbolic comparisons are not shift- or copy-invariant in the same exact sense.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alliance_games.games import rational
from alliance_games.games.tree import GameTree


def _value_ids(values: np.ndarray, table: dict[Any, int]) -> np.ndarray | None:
    """Ids of the entries of an object array, equal for equal values (``table`` maps values to
    ids), or ``None`` when an entry is not rational."""
    flat = values.ravel()
    if not flat.size:
        return np.zeros(values.shape, dtype=np.int64)
    idents = np.fromiter(map(id, flat), dtype=np.int64, count=flat.size)
    objects = np.unique(idents)
    where = np.searchsorted(objects, idents)
    one = np.empty(len(objects), dtype=np.int64)
    one[where] = np.arange(flat.size)  # an entry holding each distinct object (alive in values)
    distinct = flat[one].tolist()
    if not rational.all_rational(distinct):
        return None
    ids = np.fromiter((table.setdefault(v, len(table)) for v in distinct), dtype=np.int64,
                      count=len(distinct))
    return ids[where].reshape(values.shape)


def _intern(items: list[Any], table: dict[Any, int]) -> np.ndarray:
    return np.fromiter((table.setdefault(v, len(table)) for v in items), dtype=np.int64,
                       count=len(items))


def subtree_rows(tree: GameTree) -> np.ndarray | None:
    """One id per node: equal ids mean equal rows (module docstring; a row also holds the node's
    outcome tags and measures); ``None`` for trees whose numbers are not all rational."""
    if not tree.exact:
        return None
    numbers: dict[Any, int] = {}
    n = tree.num_nodes
    columns = [tree.node_payoffs, tree.edge_prob, *tree.measures.values()]
    ids = []
    for column in columns:
        found = _value_ids(np.asarray(column, dtype=object), numbers)
        if found is None:
            return None
        ids.append(found)
    pay, prob, *measures = ids
    degree = np.diff(tree.child_ptr)
    width = int(degree.max()) if n else 0
    edges = np.full((n, 2 * width), -1, dtype=np.int64)
    if len(tree.child_index):
        parent, position = tree.edge_parent, tree.edge_action_index
        edges[parent, 2 * position] = prob
        edges[parent, 2 * position + 1] = _intern(list(tree.edge_label), {})
    mover = np.full(n, -1, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    for infoset in tree.infosets:
        members = np.asarray(infoset.nodes, dtype=np.int64)
        mover[members] = infoset.player
        first[members] = min(infoset.nodes) - members
    rows = np.column_stack([tree.kind.astype(np.int64), degree, mover, first,
                            tree.has_payoff.astype(np.int64), _intern(list(tree.node_tags), {}),
                            pay, *measures, edges])
    rows = np.ascontiguousarray(rows)
    flat = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel().tolist()
    return _intern(flat, {})


def subtree_key(tree: GameTree, rows: np.ndarray, root: int) -> bytes:
    """The key of the subtree at ``root`` (``rows`` from :func:`subtree_rows` of ``tree``)."""
    return rows[root:int(tree.subtree_end[root])].tobytes()
