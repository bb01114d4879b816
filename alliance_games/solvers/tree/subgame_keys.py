"""Content keys of subtrees: equal keys mean the subtrees are the same game.

Nodes are in pre-order, so the subtree at ``r`` is the contiguous range ``[r, subtree_end[r])``
and its shape is fixed by the sequence of the nodes' degrees. Every node gets a *row*: its kind,
degree, mover, the offset from it to the first node of its information set (which fixes the
partition into information sets, relative to the node), whether it carries a payoff, its payoffs
and one id for the sequence of its outgoing edges' probabilities and action labels. Two
subtrees of the same length whose rows agree position by position are therefore the same game up
to renaming nodes and information sets: node ``r + i`` corresponds to node ``r' + i``. For a
subtree that cuts no information set (a proper subgame) that is all the game there is.

Rows are compared exactly: numbers are mapped to ids by their value (equal rationals, whatever
their type, get one id; the object identity of the entries only spares hashing repeated
objects), strings by their text. The key of a subtree is the byte string of its rows' ids. Trees
with numbers that are not rational (floats, symbolic expressions) get no keys: the solvers'
tolerances and symbolic comparisons are not shift- or copy-invariant in the same exact sense.

The ids come from tables shared by every tree of the process (:class:`KeyTables`), so keys of
subtrees of different trees compare too (what :mod:`~alliance_games.solvers.tree.subgame_cache`
needs). The tables only grow; :meth:`KeyTables.generation` tells when they were emptied (past
``limit`` rows), after which older keys must not be compared with newer ones.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_games.games import rational
from alliance_games.games.object_ids import object_ids
from alliance_games.games.tree import GameTree

_HELD_OBJECTS = 100_000  # number objects whose ids are kept by identity (then forgotten)


def _value_ids(values: np.ndarray, table: dict[Any, int],
               held: dict[int, tuple[Any, int]] | None = None) -> np.ndarray | None:
    """Ids of the entries of an object array, equal for equal values (``table`` maps values to
    ids), or ``None`` when an entry is not rational. ``held``: the ids of number objects met
    before, by identity (each entry holds its object, so an identity is that object's while
    the entry lives): a Fraction met again is not hashed again (its hash is computed in
    Python, a modular inverse each time)."""
    flat = values.ravel()
    if not flat.size:
        return np.zeros(values.shape, dtype=np.int64)
    idents = object_ids(flat)
    objects = np.sort(idents)  # the distinct identities, sorted (np.unique would import numpy.ma)
    first = np.ones(len(objects), dtype=bool)
    np.not_equal(objects[1:], objects[:-1], out=first[1:])
    objects = objects[first]
    where = np.searchsorted(objects, idents)
    one = np.empty(len(objects), dtype=np.int64)
    one[where] = np.arange(flat.size)  # an entry holding each distinct object (alive in values)
    distinct = flat[one].tolist()
    if not rational.all_rational(distinct):
        return None
    if held is None:
        ids = np.fromiter((table.setdefault(v, len(table)) for v in distinct), dtype=np.int64,
                          count=len(distinct))
        return ids[where].reshape(values.shape)
    if len(held) + len(distinct) > _HELD_OBJECTS:
        held.clear()
    found = []
    for v in distinct:
        known = held.get(id(v))
        if known is None or known[0] is not v:
            known = held[id(v)] = (v, table.setdefault(v, len(table)))
        found.append(known[1])
    ids = np.array(found, dtype=np.int64)
    return ids[where].reshape(values.shape)


def _intern(items: list[Any], table: dict[Any, int]) -> np.ndarray:
    """The id of every item in ``table``, new items taking the next ids in order of first
    appearance. The distinct items are found first (rows repeat: a tree of tens of thousands of
    nodes has a few hundred distinct rows), so that the per-item work is two dictionary lookups
    in C."""
    distinct = dict.fromkeys(items)
    for item in distinct:
        distinct[item] = table.setdefault(item, len(table))
    return np.fromiter(map(distinct.__getitem__, items), dtype=np.int64, count=len(items))


_MIX = np.random.default_rng(20261206).integers(1, 2 ** 62, size=64, dtype=np.uint64) * 2 + 1
"""Odd multipliers of :func:`_intern_rows`' grouping hash (fixed: the ids do not depend on it)."""


def _row_bytes(rows: np.ndarray) -> list[Any]:
    """Each row of an int64 matrix as the bytes of its entries (a table key)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel().tolist()


def _intern_rows(rows: np.ndarray, table: dict[Any, int]) -> np.ndarray:
    """The id in ``table`` of every row of an int64 matrix, keyed by the row's bytes, new rows
    taking the next ids in order of first appearance (the ids :func:`_intern` of the rows' bytes
    gives, up to which new id a new row gets).

    The rows of a tree repeat (thousands of rows, a few dozen distinct), so they are grouped in
    numpy first: by a hash of the row, every row then checked equal, entry by entry, to its
    group's first row; only each group's first row is turned into bytes and looked up. A row
    that differs from its group's first (a hash collision) is looked up on its own, so the ids
    are exact whatever the hash."""
    n = len(rows)
    if n < 64 or rows.shape[1] > len(_MIX):  # few rows: the plain lookup is as quick
        return _intern(_row_bytes(rows), table)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    with np.errstate(over="ignore"):
        hashed = (rows.view(np.uint64) * _MIX[:rows.shape[1]]).sum(axis=1, dtype=np.uint64)
    order = np.argsort(hashed, kind="stable")
    ordered = hashed[order]
    new = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    group = np.empty(n, dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    firsts = order[new]  # each group's first row (stable: the lowest index)
    same = (rows == rows[firsts[group]]).all(axis=1)
    # groups in order of their first row, so that new ids come in order of first appearance
    by_position = np.argsort(firsts, kind="stable")
    keys = _row_bytes(rows[firsts[by_position]])
    found = np.empty(len(firsts), dtype=np.int64)
    found[by_position] = np.fromiter((table.setdefault(k, len(table)) for k in keys),
                                     dtype=np.int64, count=len(keys))
    out = found[group]
    if not same.all():  # a collision: those rows on their own
        odd = np.flatnonzero(~same)
        out[odd] = _intern(_row_bytes(rows[odd]), table)
    return out


class KeyTables:
    """The value, label, tag and row ids of the process, emptied when more than ``limit`` rows
    are held (``generation`` counts the emptyings)."""

    def __init__(self, limit: int = 400_000) -> None:
        self.limit = limit
        self.generation = 0
        self.numbers: dict[Any, int] = {}
        self.labels: dict[Any, int] = {}
        self.tags: dict[Any, int] = {}
        self.rows: dict[Any, int] = {}
        self.edges: dict[bytes, int] = {}
        self.objects: dict[int, tuple[Any, int]] = {}  # number ids by object identity

    def make_room(self) -> None:
        """Empty the tables when they hold more than ``limit`` rows (between trees only: the keys
        of one tree must come from one generation)."""
        if len(self.rows) + len(self.numbers) + len(self.edges) > self.limit:
            self.numbers, self.labels, self.tags, self.rows, self.edges = {}, {}, {}, {}, {}
            self.objects = {}
            self.generation += 1
            STRUCTURES.clear()


class _Hashed:
    """A structure key with its hash computed once (a big tree's key holds tuples of thousands
    of entries, which Python hashes anew at every lookup); equal when the keys are equal (the
    same objects compare at once)."""

    __slots__ = ("key", "hash")

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key
        self.hash = hash(key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Hashed) and self.hash == other.hash and \
            (self.key is other.key or self.key == other.key)


class Structures:
    """Facts that depend only on a tree's structure (players, shape, information sets, action
    labels, outcome tags), kept for the last ``size`` structures met: a tree evaluated at
    another parameter point, or a subtree cut again, finds them instead of recomputing them.
    The key is the structure itself (exact: compared field by field when first met)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.known: OrderedDict[_Hashed, dict[Any, Any]] = OrderedDict()
        # the held keys by their parts: the players (a short tuple, by value) and every other
        # part by identity. Trees of one structure share those parts (a copy with new players,
        # e.g. outcome columns added, builds a new key tuple of the same parts), so such a key is
        # found without hashing the whole structure; a held key keeps its parts alive, so an
        # identity matched against it is that object
        self.held: dict[tuple[Any, ...], tuple[_Hashed, dict[Any, Any]]] = {}
        self.last: _Hashed | None = None  # the most recently used key

    def of(self, tree: GameTree) -> dict[Any, Any]:
        """The facts found so far for ``tree``'s structure (a dict to read and fill)."""
        key = tree.structure_key
        parts = (key[0], *map(id, key[1:]))
        found = self.held.get(parts)
        if found is not None and all(a is b for a, b in zip(found[0].key[1:], key[1:],
                                                             strict=True)):
            held, facts = found
            if self.last is not held:
                self.known.move_to_end(held)
                self.last = held
            return facts
        held = _Hashed(key)
        known = self.known.get(held)
        if known is None:
            facts = self.known[held] = {}
            if len(self.known) > self.size:
                self.known.popitem(last=False)
                self.held.clear()  # drop the evicted key's entry (the others come back)
        else:
            facts = known
            self.known.move_to_end(held)
        if len(self.held) >= 4 * self.size:  # trees of one structure bring equal, new keys
            self.held.clear()
        self.held[parts] = (held, facts)
        self.last = held
        return facts

    def clear(self) -> None:
        self.known.clear()
        self.held.clear()
        self.last = None


STRUCTURES = Structures()
TABLES = KeyTables()


@dataclass(frozen=True)
class _Rows:
    """The rows of one tree and what they were computed from, kept per structure so that the
    next tree of the structure recomputes only the rows whose numbers changed: the generation
    and measure names, the number columns (held: their objects stay alive, so their identities
    are not reused), each column's entry identities and value ids, the payoff flags, the edge
    block ids and the row ids."""

    generation: int
    names: tuple[str, ...]
    columns: tuple[np.ndarray, ...]
    idents: tuple[np.ndarray, ...]
    ids: tuple[np.ndarray, ...]
    has_payoff: np.ndarray
    edges: np.ndarray
    rows: np.ndarray


_MOVED = 4  # above one changed number entry in this many, the rows are recomputed in full


def subtree_rows(tree: GameTree, tables: KeyTables | None = None) -> np.ndarray | None:
    """One id per node: equal ids mean equal rows (module docstring; a row also holds the node's
    outcome tags and measures); ``None`` for trees whose numbers are not all rational. Ids from
    ``tables`` (default: the process's :data:`TABLES`); call ``make_room`` before, not after.

    The last tree of each structure is remembered (:class:`_Rows`): a tree of the same
    structure whose number columns hold mostly the same objects (a model evaluated at a nearby
    parameter point, its unchanged numbers carried over) computes value ids for the changed
    entries only, and rows for the nodes they touch only (a node's row id is a function of its
    row, and the tables give equal rows one id whatever the order they are met in)."""
    if not tree.exact:
        return None
    tables = TABLES if tables is None else tables
    facts, fact = STRUCTURES.of(tree), ("key columns", tables, tables.generation)
    if fact not in facts:
        facts[fact] = _structure_columns(tree, tables)
    # copies: they hold the objects whose identities are compared next time, whatever happens
    # to the tree's own arrays
    columns = tuple(np.array(c, dtype=object) for c in (tree.node_payoffs, tree.edge_prob,
                                                         *tree.measures.values()))
    idents = tuple(object_ids(c) for c in columns)
    last = facts.get(("last rows", tables))
    found: _Rows | None = None
    if last is not None and last.generation == tables.generation and \
            last.names == tuple(tree.measures):
        found = _changed_rows(tree, tables, facts[fact], columns, idents, last)
    if found is None:
        found = _all_rows(tree, tables, facts[fact], columns, idents)
    if found is None:
        return None
    facts[("last rows", tables)] = found
    return found.rows


def _all_rows(tree: GameTree, tables: KeyTables, structure: tuple[np.ndarray, ...],
              columns: tuple[np.ndarray, ...], idents: tuple[np.ndarray, ...]) -> _Rows | None:
    """The rows of every node (``None`` when a number is not rational)."""
    ids = []
    for column in columns:
        found = _value_ids(column, tables.numbers, tables.objects)
        if found is None:
            return None
        ids.append(found)
    nodes = np.arange(tree.num_nodes, dtype=np.int64)
    edges = _edge_block_ids(tree.child_ptr, structure[0], np.column_stack([ids[1], structure[1]]),
                            tables.edges, nodes)
    rows = _row_ids(tree, tables, structure, ids, edges, nodes)
    return _Rows(tables.generation, tuple(tree.measures), columns, idents, tuple(ids),
                 tree.has_payoff.copy(), edges, rows)


def _changed_rows(tree: GameTree, tables: KeyTables, structure: tuple[np.ndarray, ...],
                  columns: tuple[np.ndarray, ...], idents: tuple[np.ndarray, ...], last: _Rows
                  ) -> _Rows | None:
    """The rows from ``last``'s, recomputed where an entry is another object than there (an
    equal object is the same number); ``None`` when too many changed (or a changed number is
    not rational: the full pass then says so)."""
    changed = [now != before for now, before in zip(idents, last.idents, strict=True)]
    moved = sum(int(np.count_nonzero(c)) for c in changed)
    if moved * _MOVED > sum(len(c) for c in changed):
        return None
    ids = []
    for column, change, before in zip(columns, changed, last.ids, strict=True):
        now = before.copy()
        if change.any():
            found = _value_ids(column.ravel()[change], tables.numbers, tables.objects)
            if found is None:
                return None
            now.reshape(-1)[change] = found
        ids.append(now)
    touched = changed[0].reshape(tree.node_payoffs.shape).any(axis=1)
    touched |= tree.has_payoff != last.has_payoff
    for change in changed[2:]:
        touched |= change
    # an edge block holds the node's outgoing probabilities and labels: it changes only where
    # a probability did (a payoff change leaves it as it was)
    moved_edges = np.zeros(tree.num_nodes, dtype=bool)
    moved_edges[tree.edge_parent[changed[1]]] = True
    parents = np.flatnonzero(moved_edges)
    edges, rows = last.edges, last.rows
    if len(parents):
        touched |= moved_edges
        edges = edges.copy()
        edges[parents] = _edge_block_ids(tree.child_ptr, structure[0],
                                         np.column_stack([ids[1], structure[1]]), tables.edges,
                                         parents)
    nodes = np.flatnonzero(touched)
    if len(nodes):
        rows = rows.copy()
        rows[nodes] = _row_ids(tree, tables, structure, ids, edges, nodes)
    return _Rows(tables.generation, last.names, columns, idents, tuple(ids),
                 tree.has_payoff.copy(), edges, rows)


def _row_ids(tree: GameTree, tables: KeyTables, structure: tuple[np.ndarray, ...],
             ids: list[np.ndarray], edges: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The row ids of ``nodes`` (value ``ids`` of the number columns, edge block ``edges`` of
    every node)."""
    degree, _, mover, first, tags = structure
    pay, _, *measures = ids
    rows = np.column_stack([tree.kind[nodes].astype(np.int64), degree[nodes], mover[nodes],
                            first[nodes], tree.has_payoff[nodes].astype(np.int64), tags[nodes],
                            pay[nodes], *(m[nodes] for m in measures), edges[nodes]])
    return _intern_rows(rows, tables.rows)


def _edge_block_ids(child_ptr: np.ndarray, degree: np.ndarray, pairs: np.ndarray,
                    table: dict[bytes, int], nodes: np.ndarray) -> np.ndarray:
    """One id per node of ``nodes`` for the sequence of its outgoing edges' (probability id,
    label id) ``pairs`` in action order: equal ids mean equal sequences (of equal length). Nodes
    are grouped by degree, so the work and memory are two numbers per edge, never nodes x the
    widest degree (a root of 999 actions over a million leaves)."""
    ids = np.empty(len(nodes), dtype=np.int64)
    degrees = degree[nodes]
    order = np.argsort(degrees, kind="stable")
    bounds = np.flatnonzero(np.diff(degrees[order])) + 1
    for group in np.split(order, bounds):
        if not len(group):
            continue
        d = int(degrees[group[0]])
        if d == 0:
            ids[group] = table.setdefault(b"", len(table))
            continue
        edges = child_ptr[nodes[group]][:, None] + np.arange(d)
        ids[group] = _intern_rows(pairs[edges].reshape(len(group), 2 * d), table)
    return ids


def _structure_columns(tree: GameTree, tables: KeyTables) -> tuple[np.ndarray, ...]:
    """The columns of the rows that depend on the structure only: degrees, label ids, movers,
    offsets to the information set's first node, tag ids."""
    n = tree.num_nodes
    degree = np.diff(tree.child_ptr)
    labels = _intern(list(tree.edge_label), tables.labels)
    mover = np.full(n, -1, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    sets = tree.infosets
    members = np.fromiter(itertools.chain.from_iterable(s.nodes for s in sets), dtype=np.int64)
    sizes = [len(s.nodes) for s in sets]
    mover[members] = np.repeat([s.player for s in sets], sizes)
    first[members] = np.repeat([min(s.nodes) for s in sets], sizes) - members
    # the first occurrences, not the tags carried: what the outcome columns of a subgame's value
    # count (subgame_perfect's ``distinct``), so equal rows still mean equal values
    tags = _intern(list(tree.first_tags), tables.tags)
    return degree, labels, mover, first, tags


def game_key(tree: GameTree, tables: KeyTables | None = None, *,
             structure: bytes | None = None) -> bytes | None:
    """A key of the whole game ``tree`` for a solver that reads only its structure (kinds,
    edges, the partition into information sets and their movers), its action labels, its
    chance probabilities and its payoffs: equal keys (from one generation of ``tables``,
    default :data:`TABLES`) mean those are equal, numbers compared by value. Outcome tags,
    measures, node labels and the names of players and information sets are left out.
    ``None`` for trees whose numbers are not all rational.

    The key is :func:`game_structure` (``structure``: that of ``tree`` from the same generation
    of ``tables``, when the caller keeps it), then per node its payoff flag, per edge its
    probability id and the payoff ids, row by row (every length is fixed by the structure's
    first four numbers)."""
    if not tree.exact:
        return None
    tables = TABLES if tables is None else tables
    pay = _value_ids(np.asarray(tree.node_payoffs, dtype=object), tables.numbers, tables.objects)
    prob = _value_ids(np.asarray(tree.edge_prob, dtype=object), tables.numbers, tables.objects)
    if pay is None or prob is None:
        return None
    if structure is None:
        structure = game_structure(tree, tables)
    return b"".join((structure, np.ascontiguousarray(tree.has_payoff, dtype=np.int64).tobytes(),
                     prob.tobytes(), pay.tobytes()))


def game_structure(tree: GameTree, tables: KeyTables | None = None) -> bytes:
    """The structural part of :func:`game_key`: the bytes of ``(n, N, E, I)`` (nodes, players,
    edges, information sets), then per node its kind, first edge and information set, per edge
    its child and label id, per information set its mover."""
    tables = TABLES if tables is None else tables
    labels = _intern(list(tree.edge_label), tables.labels)
    movers = np.fromiter((s.player for s in tree.infosets), dtype=np.int64,
                         count=len(tree.infosets))
    sizes = np.array([tree.num_nodes, tree.num_players, len(tree.edge_label),
                      len(tree.infosets)], dtype=np.int64)
    parts = (sizes, tree.kind, tree.child_ptr, tree.node_infoset, tree.child_index, labels,
             movers)
    return b"".join(np.ascontiguousarray(part, dtype=np.int64).tobytes() for part in parts)


def subtree_key(tree: GameTree, rows: np.ndarray, root: int) -> bytes:
    """The key of the subtree at ``root`` (``rows`` from :func:`subtree_rows` of ``tree``)."""
    return rows[root:int(tree.subtree_end[root])].tobytes()
