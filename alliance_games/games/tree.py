"""Finite games in extensive form (game trees) as flat arrays.

Nodes are numbered in pre-order (a node, then each child's subtree in action order); node 0 is
the root. The children of node ``n`` are ``child_index[child_ptr[n]:child_ptr[n + 1]]`` in action
order, and edge ``e`` (a position in ``child_index``) carries the action label ``edge_label[e]``
and, below a chance node, the probability ``edge_prob[e]``.

Payoffs may sit on any node (``node_payoffs``, shape ``(num_nodes, N)``): the payoff of a play is
the sum along its path (Gambit's staged outcomes). Exact trees hold Fractions in ``object``
arrays; float trees hold ``float64``.

Decision nodes belong to information sets (:class:`Infoset`); all nodes of an information set
share the player and the action labels. :meth:`GameTree.check_perfect_recall` verifies that no
player forgets what it knew or did (Kuhn 1953).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np

from alliance_games.errors import GameError
from alliance_games.games import rational
from alliance_games.games.frontiers import Frontier, breadth_first
from alliance_games.games.normal_form import as_exact_array, scaled_integers

TERMINAL, DECISION, CHANCE = 0, 1, 2
STRUCTURAL_FIELDS = {"kind", "parent", "child_ptr", "child_index", "node_infoset", "infosets",
                     "node_tags"}
STRUCTURAL_CACHES = ("depth", "levels", "inner_levels", "in_edge", "edge_parent",
                     "edge_action_index", "subtree_end", "terminals", "subgame_roots", "tag_names",
                     "path_tags", "first_tags", "frontiers", "infoset_player")


_PLAYER, _NODES = attrgetter("player"), attrgetter("nodes")


@dataclass(frozen=True)
class Infoset:
    """An information set: decision nodes of one player that the player cannot tell apart."""

    name: str
    player: int
    actions: tuple[str, ...]
    nodes: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class GameTree:
    """A finite extensive-form game; see the module docstring for the layout."""

    players: tuple[str, ...]
    kind: np.ndarray  # int8 per node: TERMINAL, DECISION, CHANCE
    parent: np.ndarray  # int64 per node, -1 at the root
    child_ptr: np.ndarray  # int64, num_nodes + 1
    child_index: np.ndarray  # int64 per edge
    edge_label: tuple[str, ...]  # action label per edge
    edge_prob: np.ndarray  # probability per edge (0 below decision nodes)
    node_infoset: np.ndarray  # int64 per node: infoset index, -1 for chance and terminal
    infosets: tuple[Infoset, ...]
    node_payoffs: np.ndarray  # (num_nodes, N) payoffs collected at each node
    node_label: tuple[str, ...] = ()
    node_tags: tuple[tuple[str, ...], ...] = ()
    outcome_label: tuple[str, ...] = ()  # name of the outcome a node carries ('' if none)
    title: str = ""
    has_payoff: np.ndarray = field(default=None)  # type: ignore[arg-type]  # bool per node; set below
    measures: dict[str, np.ndarray] = field(default_factory=dict)  # per node, summed on paths

    def __post_init__(self) -> None:
        n = len(self.kind)
        if n == 0:
            raise GameError("a game tree needs at least one node")
        if len(self.child_ptr) != n + 1 or self.node_payoffs.shape != (n, len(self.players)):
            raise GameError("inconsistent tree arrays")
        if not self.node_label:
            object.__setattr__(self, "node_label", ("",) * n)
        if not self.node_tags:
            object.__setattr__(self, "node_tags", ((),) * n)
        if not self.outcome_label:
            object.__setattr__(self, "outcome_label", ("",) * n)
        if self.has_payoff is None:
            flags = np.asarray(
                [bool(np.any(self.node_payoffs[k] != 0)) for k in range(n)], dtype=bool
            )
            flags |= self.kind == TERMINAL
            object.__setattr__(self, "has_payoff", flags)

    # ---- basic views -----------------------------------------------------------------------
    @property
    def num_nodes(self) -> int:
        return len(self.kind)

    @property
    def num_players(self) -> int:
        return len(self.players)

    @property
    def exact(self) -> bool:
        return self.node_payoffs.dtype == object

    def children(self, node: int) -> np.ndarray:
        return self.child_index[self.child_ptr[node] : self.child_ptr[node + 1]]

    def edges(self, node: int) -> range:
        return range(int(self.child_ptr[node]), int(self.child_ptr[node + 1]))

    def actions(self, node: int) -> tuple[str, ...]:
        return tuple(self.edge_label[e] for e in self.edges(node))

    def node_name(self, node: int) -> str:
        """A readable name: the node's label, else its action path (``In/Fight``, ``root``)."""
        if self.node_label[node]:
            return self.node_label[node]
        path = []
        while node > 0:
            path.append(self.edge_label[self.in_edge[node]])
            node = int(self.parent[node])
        return "/".join(reversed(path)) or "root"

    def is_singleton(self, node: int) -> bool:
        """True for a decision node alone in its information set."""
        k = int(self.node_infoset[node])
        return k >= 0 and len(self.infosets[k].nodes) == 1

    def infoset_of(self, node: int) -> Infoset | None:
        k = int(self.node_infoset[node])
        return self.infosets[k] if k >= 0 else None

    def player_infosets(self, player: int) -> list[int]:
        return [k for k, s in enumerate(self.infosets) if s.player == player]

    @cached_property
    def depth(self) -> np.ndarray:
        """Depth of every node (root 0), computed level by level."""
        depth = np.zeros(self.num_nodes, dtype=np.int64)
        frontier = np.array([0], dtype=np.int64)
        d = 0
        while frontier.size:
            depth[frontier] = d
            starts, stops = self.child_ptr[frontier], self.child_ptr[frontier + 1]
            counts = stops - starts
            if not counts.sum():
                break
            offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
            frontier = self.child_index[offsets + np.arange(counts.sum())]
            d += 1
        return depth

    @cached_property
    def levels(self) -> tuple[np.ndarray, ...]:
        """Node indices grouped by depth, root level first."""
        depth = self.depth
        order = np.argsort(depth, kind="stable")
        bounds = np.searchsorted(depth[order], np.arange(int(depth.max()) + 2))
        return tuple(order[bounds[d] : bounds[d + 1]] for d in range(len(bounds) - 1))

    @cached_property
    def inner_levels(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
        """Per level holding non-terminal nodes, deepest first: those nodes ``inner``, where
        each one's edges start in ``edges`` (``starts``) and ``edges``, their outgoing edges in
        order (for sums over children, level by level: ``np.add.reduceat(x[edges], starts)``)."""
        ptr = self.child_ptr
        out = []
        for level in reversed(self.levels[:-1]):
            inner = level[self.kind[level] != TERMINAL]
            if not len(inner):
                continue
            counts = ptr[inner + 1] - ptr[inner]
            starts = np.cumsum(counts) - counts
            edges = np.repeat(ptr[inner] - starts, counts) + np.arange(int(counts.sum()))
            out.append((inner, starts, edges))
        return tuple(out)

    @cached_property
    def in_edge(self) -> np.ndarray:
        """``in_edge[n]``: the edge leading into node ``n`` (-1 at the root)."""
        edge = np.full(self.num_nodes, -1, dtype=np.int64)
        edge[self.child_index] = np.arange(len(self.child_index), dtype=np.int64)
        return edge

    @cached_property
    def edge_parent(self) -> np.ndarray:
        """``edge_parent[e]``: the node edge ``e`` leaves."""
        return np.repeat(np.arange(self.num_nodes, dtype=np.int64), np.diff(self.child_ptr))

    @cached_property
    def edge_action_index(self) -> np.ndarray:
        """Position of each edge among its parent's actions."""
        return np.arange(len(self.child_index), dtype=np.int64) - self.child_ptr[self.edge_parent]

    @cached_property
    def subtree_end(self) -> np.ndarray:
        """``subtree_end[n]``: one past the last pre-order index in the subtree of ``n``."""
        end = np.arange(1, self.num_nodes + 1, dtype=np.int64)
        for level in reversed(self.levels[1:]):  # the largest end below each node, deepest first
            np.maximum.at(end, self.parent[level], end[level])
        return end

    @cached_property
    def terminals(self) -> np.ndarray:
        return np.flatnonzero(self.kind == TERMINAL)

    @cached_property
    def path_payoffs(self) -> np.ndarray:
        """Payoffs accumulated from the root down to (and including) every node."""
        acc = self.node_payoffs.copy()
        parent = self.parent
        for level in self.levels[1:]:  # rows by take: half the time of fancy indexing
            acc[level] = acc.take(level, axis=0) + acc.take(parent.take(level), axis=0)
        return acc

    @property
    def is_perfect_information(self) -> bool:
        """Every information set holds exactly one node (counted from ``node_infoset``, which
        lists each set's nodes)."""
        own = self.node_infoset[self.node_infoset >= 0]
        return bool((np.bincount(own, minlength=len(self.infosets)) == 1).all())

    @cached_property
    def infoset_player(self) -> np.ndarray:
        """The player owning each information set (int64), read once from ``infosets``."""
        return np.fromiter(map(_PLAYER, self.infosets), dtype=np.int64, count=len(self.infosets))

    @cached_property
    def frontiers(self) -> tuple[Frontier, ...]:
        """The nodes depth by depth, children in contiguous blocks
        (:func:`~alliance_games.games.frontiers.breadth_first`)."""
        return breadth_first(self.child_ptr, self.child_index, self.kind)

    def to_float(self) -> GameTree:
        if not self.exact:
            return self
        ints = self.integer_payoffs  # int64 -> float64 rounds as Fraction.__float__ does
        payoffs = (ints if ints is not None else self.node_payoffs).astype(float)
        return self._replace(node_payoffs=payoffs, edge_prob=self.edge_prob.astype(float))

    @cached_property
    def action_labels(self) -> tuple[tuple[str, ...], ...]:
        """Per information set, its actions labelled ``"set:action"`` (how behaviour profiles
        and strategies of trees are labelled), made once per tree."""
        return tuple(tuple(map(f"{s.name}:".__add__, s.actions)) for s in self.infosets)

    @cached_property
    def integer_payoffs(self) -> np.ndarray | None:
        """``node_payoffs`` of an exact tree as ``int64`` when every payoff is an integer and
        no sum of payoffs along a path can leave ``int64`` (``(depth + 1) max |u| < 2^62``), so
        that sums along plays and maxima over them are exact in ``int64``; ``None`` otherwise."""
        if not self.exact:
            return None
        depth = int(self.depth.max(initial=0)) + 1
        return scaled_integers(self.node_payoffs, scale=False, bound=-(-2**62 // depth))

    @cached_property
    def fast_payoffs(self) -> np.ndarray | None:
        """``node_payoffs`` of an exact tree in the fast exact type
        (:func:`~alliance_games.games.rational.fast_array`), converted once per tree; ``None``
        for a float tree or when a payoff is not rational."""
        return rational.fast_array(self.node_payoffs) if self.exact else None

    def to_exact(self) -> GameTree:
        if self.exact:
            return self
        return self._replace(
            node_payoffs=as_exact_array(self.node_payoffs),
            edge_prob=as_exact_array(self.edge_prob),
        )

    def _replace(self, **changes: Any) -> GameTree:
        """A copy with some fields changed; structural caches carry over when the shape stays."""
        values = {f: getattr(self, f) for f in self.__dataclass_fields__}
        values.update(changes)
        copy = GameTree(**values)
        structural = set(changes) & STRUCTURAL_FIELDS
        if not structural:
            for name in STRUCTURAL_CACHES:
                if name in self.__dict__:
                    copy.__dict__[name] = self.__dict__[name]
            key = self.__dict__.get("structure_key")
            if key is not None and "edge_label" not in changes:  # the players are its first entry
                copy.__dict__["structure_key"] = (copy.players, *key[1:])
        elif structural == {"infosets"} and _same_members(self.infosets, copy.infosets):
            # only the sets' players or names changed: every cache but the players' carries over
            for name in STRUCTURAL_CACHES:
                if name in self.__dict__ and name != "infoset_player":
                    copy.__dict__[name] = self.__dict__[name]
        return copy

    # ---- outcome tags -----------------------------------------------------------------------
    @cached_property
    def tag_names(self) -> tuple[str, ...]:
        """Every outcome tag used in the tree, sorted."""
        return tuple(sorted(set().union(*set(self.node_tags))))  # each distinct tuple once

    @cached_property
    def path_tags(self) -> np.ndarray:
        """Per node, the set of tags on the path from the root to it, as a bit mask (object ints).

        A play carries a tag when any node on its path does; the probability of a tag is the
        probability of reaching a terminal whose path mask has its bit.
        """
        bit = {t: 1 << k for k, t in enumerate(self.tag_names)}
        masks = np.zeros(self.num_nodes, dtype=object)
        memo: dict[tuple[str, ...], int] = {}  # nodes share few distinct tag tuples
        masks[:] = [memo[tags] if tags in memo else
                    memo.setdefault(tags, sum(bit[t] for t in set(tags))) for tags in self.node_tags]
        for level in self.levels[1:]:
            masks[level] = masks[level] | masks[self.parent[level]]
        return masks

    @cached_property
    def first_tags(self) -> tuple[tuple[str, ...], ...]:
        """Per node, the tags it carries that no node above it carries (sorted): the first
        occurrence of each tag on a play. A play meets at most one first occurrence of a tag, so
        the probability of a tag is the expected number of first occurrences along the play."""
        bit = {t: 1 << k for k, t in enumerate(self.tag_names)}
        paths = self.path_tags.tolist()
        parents = self.parent.tolist()
        out: list[tuple[str, ...]] = []
        memo: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}  # few distinct cases
        for node, tags in enumerate(self.node_tags):
            if not tags:
                out.append(())
                continue
            above = paths[parents[node]] if node else 0
            found = memo.get((tags, above))
            if found is None:
                found = memo[tags, above] = tuple(sorted(t for t in set(tags)
                                                         if not above & bit[t]))
            out.append(found)
        return tuple(out)

    @cached_property
    def structure_key(self) -> tuple[Any, ...]:
        """The structure as plain bytes and tuples (players, kinds, edges, information sets,
        action labels, outcome tags): equal keys mean the same tree up to payoffs,
        probabilities and measures; cheap to hash and compare (carried by ``_replace`` unless
        the structure or the action labels change; new players replace its first entry)."""
        sets = self.infosets
        members = np.fromiter(itertools.chain.from_iterable(s.nodes for s in sets),
                              dtype=np.int64)
        return (self.players, self.kind.tobytes(), self.child_ptr.tobytes(),
                self.child_index.tobytes(), self.node_infoset.tobytes(),
                tuple(s.name for s in sets), tuple(s.player for s in sets),
                tuple(s.actions for s in sets), tuple(len(s.nodes) for s in sets),
                members.tobytes(), self.edge_label, self.node_tags)

    def subtree(self, root: int) -> GameTree:
        """The subgame rooted at ``root`` as a tree of its own (information sets renumbered).

        The structure of the cut is kept per ``root`` for the last few trees cut (with its
        structural caches): a tree of the same structure (the same structural objects, as the
        trees a compiled model evaluates at several points share) copies only its numbers in."""
        found = _SUBTREES.get(root)
        if found is not None and found[0] == _structure_objects(self):
            lo, hi = root, root + found[1].num_nodes  # the cut's size: no subtree ends needed
            return found[1]._replace(
                node_payoffs=self.node_payoffs[lo:hi].copy(),
                edge_prob=self.edge_prob[int(self.child_ptr[lo]):int(self.child_ptr[hi])].copy(),
                has_payoff=self.has_payoff[lo:hi].copy(),
                measures={k: v[lo:hi].copy() for k, v in self.measures.items()})
        lo, hi = root, int(self.subtree_end[root])
        cut = self._cut(lo, hi)
        for name in (*STRUCTURAL_CACHES, "structure_key"):  # computed once, inherited by copies
            getattr(cut, name)
        _SUBTREES[root] = (_structure_objects(self), cut)
        _SUBTREES.move_to_end(root)
        while len(_SUBTREES) > _SUBTREE_LIMIT:
            _SUBTREES.popitem(last=False)
        return cut

    def _cut(self, lo: int, hi: int) -> GameTree:
        """:meth:`subtree` at ``lo`` (``hi`` the end of its subtree), built afresh."""
        nodes = np.arange(lo, hi)
        edges_lo, edges_hi = int(self.child_ptr[lo]), int(self.child_ptr[hi])
        ids = self.node_infoset[lo:hi]
        inside = ids >= 0
        kept = np.flatnonzero(np.bincount(ids[inside], minlength=len(self.infosets)))
        renumber = np.full(len(self.infosets), -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept), dtype=np.int64)
        node_infoset = np.full(hi - lo, -1, dtype=np.int64)
        node_infoset[inside] = renumber[ids[inside]]
        sets = [self.infosets[k] for k in kept.tolist()]
        members = np.fromiter(itertools.chain.from_iterable(s.nodes for s in sets),
                              dtype=np.int64) - lo
        bounds = np.cumsum([0] + [len(s.nodes) for s in sets]).tolist()
        moved = members.tolist()
        infosets = tuple(Infoset(s.name, s.player, s.actions, tuple(moved[i:j]))
                         for s, i, j in zip(sets, bounds[:-1], bounds[1:], strict=True))
        parent = self.parent[lo:hi] - lo
        parent[0] = -1
        return GameTree(
            players=self.players,
            kind=self.kind[lo:hi].copy(),
            parent=parent,
            child_ptr=self.child_ptr[lo : hi + 1] - edges_lo,
            child_index=self.child_index[edges_lo:edges_hi] - lo,
            edge_label=self.edge_label[edges_lo:edges_hi],
            edge_prob=self.edge_prob[edges_lo:edges_hi].copy(),
            node_infoset=node_infoset,
            infosets=infosets,
            node_payoffs=self.node_payoffs[nodes].copy(),
            node_label=self.node_label[lo:hi],
            node_tags=self.node_tags[lo:hi],
            outcome_label=self.outcome_label[lo:hi],
            title=self.title,
            has_payoff=self.has_payoff[lo:hi].copy() if self.has_payoff is not None else None,
            measures={k: v[lo:hi].copy() for k, v in self.measures.items()},
        )

    def payoff_range(self) -> float:
        values = self.path_payoffs[self.terminals].astype(float)
        spread = float(values.max() - values.min()) if values.size else 0.0
        return spread if spread > 0 else 1.0

    # ---- structure checks --------------------------------------------------------------------
    def own_history(self, node: int, player: int) -> tuple[tuple[int, str], ...]:
        """The (infoset, action) pairs of ``player`` on the path from the root to ``node``."""
        history: list[tuple[int, str]] = []
        child = node
        parent = int(self.parent[child])
        while parent >= 0:
            k = int(self.node_infoset[parent])
            if k >= 0 and self.infosets[k].player == player:
                edge = self._edge_to(parent, child)
                history.append((k, self.edge_label[edge]))
            child, parent = parent, int(self.parent[parent])
        return tuple(reversed(history))

    def _edge_to(self, parent: int, child: int) -> int:
        for e in self.edges(parent):
            if self.child_index[e] == child:
                return e
        raise GameError("broken tree: child not found under its parent")

    def check_perfect_recall(self) -> list[str]:
        """Return the violations of perfect recall (empty when the game has perfect recall).

        Perfect recall holds when, for every information set, all its nodes share the owning
        player's own history of (information set, action) pairs; this also rules out an
        information set that meets a path twice (absent-mindedness).
        """
        problems = []
        sizes = map(len, map(_NODES, self.infosets))
        for k in [k for k, size in enumerate(sizes) if size > 1]:  # one node: one history
            infoset = self.infosets[k]
            histories = {self.own_history(n, infoset.player) for n in infoset.nodes}
            if len(histories) > 1:
                problems.append(
                    f"information set {infoset.name!r} of {self.players[infoset.player]!r}: "
                    "its nodes follow different own moves (the player would forget)"
                )
            if any(h == k for hist in histories for h, _ in hist):
                problems.append(f"information set {infoset.name!r} is absent-minded")
        return problems

    @cached_property
    def perfect_recall(self) -> bool:
        """True when :meth:`check_perfect_recall` finds no violation."""
        return not self.check_perfect_recall()

    def is_subgame_root(self, node: int) -> bool:
        """True when the subtree at ``node`` cuts no information set (a proper subgame)."""
        if self.kind[node] == TERMINAL:
            return False
        lo, hi = node, int(self.subtree_end[node])
        ids = self.node_infoset[lo:hi]
        for k in np.unique(ids[ids >= 0]):
            if any(not (lo <= m < hi) for m in self.infosets[int(k)].nodes):
                return False
        return True

    @cached_property
    def subgame_roots(self) -> tuple[int, ...]:
        """All non-terminal nodes that root a proper subgame, in pre-order (root first).

        Linear time: with ``first[m]``/``last[m]`` the smallest and largest node of the
        information set of a decision node ``m``, the subtree at ``n`` (pre-order range
        ``[n, end)``) cuts no information set iff the minimum of ``first`` over the subtree is at
        least ``n`` and the maximum of ``last`` is below ``end``; both extremes are gathered from
        the leaves up, one depth level at a time.
        """
        n = self.num_nodes
        first = np.full(n, n + 1, dtype=np.int64)
        last = np.full(n, -1, dtype=np.int64)
        sets = [s.nodes for s in self.infosets if s.nodes]
        if sets:  # every set's nodes at once: their smallest and largest node, per set
            members = np.fromiter(itertools.chain.from_iterable(sets), dtype=np.int64)
            sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
            starts = np.cumsum(sizes) - sizes
            first[members] = np.repeat(np.minimum.reduceat(members, starts), sizes)
            last[members] = np.repeat(np.maximum.reduceat(members, starts), sizes)
        for level in reversed(self.levels[1:]):  # deepest first: children before parents
            np.minimum.at(first, self.parent[level], first[level])
            np.maximum.at(last, self.parent[level], last[level])
        nodes = np.arange(n)
        roots = (self.kind != TERMINAL) & (first >= nodes) & (last < self.subtree_end)
        return tuple(np.flatnonzero(roots).tolist())


_SUBTREE_LIMIT = 32
_SUBTREES: OrderedDict[int, tuple[tuple[Any, ...], GameTree]] = OrderedDict()
"""Per root, the structural objects of the tree last cut there and the cut (see
:meth:`GameTree.subtree`)."""


def _same_members(old: Sequence[Infoset], new: Sequence[Infoset]) -> bool:
    """Whether two lists of information sets hold the same nodes, set by set, with the same
    actions (so the structural caches but the sets' players stay valid)."""
    return len(old) == len(new) and all(
        a.nodes == b.nodes and a.actions == b.actions for a, b in zip(old, new, strict=True))


class _Same:
    """Compares equal to the same object only (identity; holds it, so it cannot be replaced)."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    __hash__ = None  # type: ignore[assignment]


def _structure_objects(tree: GameTree) -> tuple[Any, ...]:
    """Everything but the numbers of ``tree``, by identity: equal tuples mean the same objects."""
    return tuple(_Same(getattr(tree, name)) for name in (
        "players", "kind", "parent", "child_ptr", "child_index", "edge_label", "node_infoset",
        "infosets", "node_label", "node_tags", "outcome_label", "title"))


class TreeBuilder:
    """Incremental construction of a :class:`GameTree` in pre-order.

    Call :meth:`add_decision`, :meth:`add_chance` or :meth:`add_terminal` for each node in
    pre-order, passing the parent node and the action on the edge from it; infosets are
    referred to by name and created on first use.
    """

    def __init__(self, players: Sequence[str], *, exact: bool = True, title: str = "") -> None:
        self.players = tuple(players)
        self.exact = exact
        self.title = title
        self._kind: list[int] = []
        self._parent: list[int] = []
        self._children: list[list[int]] = []
        self._edge_labels: list[list[str]] = []
        self._edge_probs: list[list[Any]] = []
        self._infoset: list[int] = []
        self._payoffs: list[Sequence[Any] | None] = []
        self._labels: list[str] = []
        self._tags: list[tuple[str, ...]] = []
        self._outcomes: list[str] = []
        self._infosets: dict[str, tuple[int, tuple[str, ...], list[int], int]] = {}

    def _add(self, kind: int, parent: int, action: str | None, prob: Any, label: str,
             payoffs: Sequence[Any] | None, tags: Sequence[str], outcome: str = "") -> int:
        node = len(self._kind)
        self._outcomes.append(outcome)
        if (parent < 0) != (node == 0):
            raise GameError("the first node added is the root; every later node needs a parent")
        self._kind.append(kind)
        self._parent.append(parent)
        self._children.append([])
        self._edge_labels.append([])
        self._edge_probs.append([])
        self._infoset.append(-1)
        self._payoffs.append(payoffs)
        self._labels.append(label)
        self._tags.append(tuple(tags))
        if parent >= 0:
            self._children[parent].append(node)
            self._edge_labels[parent].append(action if action is not None else "")
            self._edge_probs[parent].append(prob if prob is not None else 0)
        return node

    def add_decision(self, parent: int, action: str | None, *, player: int, infoset: str,
                     actions: Sequence[str], label: str = "",
                     payoffs: Sequence[Any] | None = None, tags: Sequence[str] = (),
                     prob: Any = None, outcome: str = "") -> int:
        node = self._add(DECISION, parent, action, prob, label, payoffs, tags, outcome)
        acts = tuple(actions)
        if infoset in self._infosets:
            owner, known, members, index = self._infosets[infoset]
            if owner != player or known != acts:
                raise GameError(
                    f"information set {infoset!r} is used with different players or actions"
                )
            members.append(node)
        else:
            index = len(self._infosets)
            self._infosets[infoset] = (player, acts, [node], index)
        self._infoset[node] = index
        return node

    def add_chance(self, parent: int, action: str | None, *, label: str = "",
                   payoffs: Sequence[Any] | None = None, tags: Sequence[str] = (),
                   prob: Any = None, outcome: str = "") -> int:
        return self._add(CHANCE, parent, action, prob, label, payoffs, tags, outcome)

    def add_terminal(self, parent: int, action: str | None, *, payoffs: Sequence[Any],
                     label: str = "", tags: Sequence[str] = (), prob: Any = None,
                     outcome: str = "") -> int:
        return self._add(TERMINAL, parent, action, prob, label, payoffs, tags, outcome)

    def build(self) -> GameTree:
        n = len(self._kind)
        nplayers = len(self.players)
        counts = [len(c) for c in self._children]
        ptr = np.zeros(n + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(counts)
        flat_children = [c for cs in self._children for c in cs]
        labels = tuple(lab for ls in self._edge_labels for lab in ls)
        probs_raw = [p for ps in self._edge_probs for p in ps]
        zero: list[Any] = [0] * nplayers
        has = np.array([p is not None for p in self._payoffs], dtype=bool)
        pay_raw = [list(p) if p is not None else zero for p in self._payoffs]
        if self.exact:
            payoffs = as_exact_array(np.array(pay_raw, dtype=object).reshape(n, nplayers))
            probs = as_exact_array(np.array(probs_raw, dtype=object))
        else:
            payoffs = np.array(pay_raw, dtype=float).reshape(n, nplayers)
            probs = np.array(probs_raw, dtype=float)
        for k, kind in enumerate(self._kind):
            if kind != TERMINAL and counts[k] == 0:
                raise GameError(f"node {k} ({self._labels[k] or 'unnamed'}) has no actions")
        infosets = tuple(
            Infoset(name, owner, acts, tuple(members))
            for name, (owner, acts, members, _) in self._infosets.items()
        )
        _check_preorder(self._children)
        return GameTree(
            players=self.players,
            kind=np.array(self._kind, dtype=np.int8),
            parent=np.array(self._parent, dtype=np.int64),
            child_ptr=ptr,
            child_index=np.array(flat_children, dtype=np.int64),
            edge_label=labels,
            edge_prob=probs,
            node_infoset=np.array(self._infoset, dtype=np.int64),
            infosets=infosets,
            node_payoffs=payoffs,
            node_label=tuple(self._labels),
            node_tags=tuple(self._tags),
            outcome_label=tuple(self._outcomes),
            title=self.title,
            has_payoff=has | (np.array(self._kind) == TERMINAL),
        )


def _check_preorder(children: list[list[int]]) -> None:
    """Raise unless nodes were numbered in pre-order (each child starts where its sibling ends)."""
    end = list(range(1, len(children) + 1))
    for node in range(len(children) - 1, -1, -1):
        if children[node]:
            end[node] = end[children[node][-1]]
    for node, kids in enumerate(children):
        expected = node + 1
        for child in kids:
            if child != expected:
                raise GameError("tree nodes must be added in pre-order (depth first)")
            expected = end[child]
