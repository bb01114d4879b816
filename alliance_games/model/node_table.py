"""A game tree collected node by node in pre-order, where a whole subtree can be copied at once.

The tree reader adds nodes one at a time (:meth:`NodeTable.add`). When a subtree instance it has
already expanded occurs again, it appends a copy of that instance's node range instead
(:meth:`NodeTable.copy`): everything about a node except its position (parent, incoming action and
probability, action path) and its names is the same in every copy. Parents are stored as
distances ``node - parent``, which a copy keeps, so a copy is a slice of each column.

Names (explicit information-set names and node labels) may contain *markers*: tokens that stand
for subtree arguments whose text only names things (see :mod:`alliance_games.model.subtree_text`).
:meth:`NodeTable.resolve` replaces the markers of one subtree instance in its node range by the
argument values and returns the marked names as templates; :meth:`NodeTable.copy` fills such
templates with new values. Names carry no markers once every instance is resolved.

Information sets are named explicitly or, by default, ``player@a/b/c`` after the action path
from the root; a name used again must come with the same player and actions. With ``eager``,
each decision node is filed into its information set as it is added (an error names the first
offending node in pre-order); otherwise all are filed by :meth:`build`. :meth:`build` returns
the :class:`GameTree` skeleton (numbers zero: the compiler fills them) and the object arrays of
payoff, probability and measure expressions.

Filing also numbers every player's *own history* at every node (the sequence of the player's
(information set, action) pairs on the path, Kuhn 1953), one interned number per distinct
sequence, so :attr:`NodeTable.perfect_recall` costs one pass: recall is perfect when the nodes of
each information set share their owner's history and that history does not pass through the
set itself.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import sympy

from alliance_games.errors import GameError, shown
from alliance_games.games.tree import DECISION, TERMINAL, GameTree, Infoset
from alliance_games.model.subtree_text import MARK

Template = tuple[int, str | None, str]  # (node offset in the range, infoset name, label)


class InfosetConflict(GameError):
    """An information set name reused with another player or other actions, at ``node``."""

    def __init__(self, message: str, node: int) -> None:
        super().__init__(message)
        self.node = node


class NodeTable:
    """The columns of a tree in pre-order (see the module docstring)."""

    def __init__(self, players: Sequence[str], *, eager: bool = True) -> None:
        self.players = tuple(players)
        self.eager = eager
        self.kind: list[int] = []
        self.up: list[int] = []  # node - parent; 0 at the root
        self.action: list[str] = []  # label of the edge into the node
        self.prob: list[sympy.Expr] = []  # probability of the edge into the node
        self.player: list[int] = []
        self.infoset: list[str | None] = []  # explicit name, or None for the path-based default
        self.actions: list[tuple[str, ...]] = []
        self.label: list[str] = []
        self.tags: list[tuple[str, ...]] = []
        self.payoffs: list[Sequence[sympy.Expr]] = []
        self.marked: list[bool] = []  # payoffs given at the node (terminals always)
        self.measures: list[dict[str, sympy.Expr] | None] = []
        self.source: list[Any] = []  # what located errors about the node point at
        self.named: list[int] = []  # nodes whose names had markers when added, ascending
        self._path: list[str] = []
        self._history: list[tuple[int, ...]] = []  # per node: each player's own-history number
        self._steps: dict[tuple[int, int, str], int] = {}  # (history, infoset, action) -> number
        self._recall: dict[int, int] = {}  # information set -> its nodes' owner history (-1: mixed)
        self._node_infoset: list[int] = []
        self._infosets: dict[str, tuple[int, tuple[str, ...], list[int], int]] = {}
        self._copied: tuple[list[Any], ...] = (
            self.kind, self.up, self.action, self.prob, self.player, self.infoset, self.actions,
            self.label, self.tags, self.payoffs, self.marked, self.measures, self.source)

    def __len__(self) -> int:
        return len(self.kind)

    def add(self, kind: int, parent: int, action: str, prob: sympy.Expr, *, payoffs:
            Sequence[sympy.Expr], marked: bool, label: str = "", tags: tuple[str, ...] = (),
            player: int = -1, infoset: str | None = None, actions: tuple[str, ...] = (),
            measures: dict[str, sympy.Expr] | None = None, source: Any = None) -> int:
        """Append one node below ``parent`` (-1 for the root).

        When eager, raises :class:`InfosetConflict` if its information set was used with another
        player or other actions.
        """
        node = len(self.kind)
        self.kind.append(kind)
        self.up.append(node - parent if parent >= 0 else 0)
        self.action.append(action)
        self.prob.append(prob)
        self.player.append(player)
        self.infoset.append(infoset)
        self.actions.append(actions)
        self.label.append(label)
        self.tags.append(tags)
        self.payoffs.append(payoffs)
        self.marked.append(marked)
        self.measures.append(measures or None)
        self.source.append(source)
        if MARK in label or (infoset is not None and MARK in infoset):
            self.named.append(node)
        if self.eager:
            self._file(node)
        return node

    def copy(self, start: int, end: int, parent: int, action: str, prob: sympy.Expr,
             templates: Sequence[Template], fill: Callable[[str], str]) -> None:
        """Append a copy of nodes ``start:end`` (a whole subtree) below ``parent``, its marked
        names rebuilt from ``templates`` by ``fill``."""
        new = len(self.kind)
        for column in self._copied:
            column.extend(column[start:end])
        self.up[new] = new - parent
        self.action[new] = action
        self.prob[new] = prob
        for offset, infoset, label in templates:
            node = new + offset
            if infoset is not None:
                infoset = self.infoset[node] = fill(infoset)
            label = self.label[node] = fill(label) if label else label
            if MARK in label or (infoset is not None and MARK in infoset):
                self.named.append(node)
        if self.eager:
            self._file(new)

    def resolve(self, start: int, fill: Callable[[str], str]) -> list[Template]:
        """Fill the markers in the names of nodes ``start:`` and return those names before."""
        lo = bisect_left(self.named, start)
        templates: list[Template] = []
        still: list[int] = []
        for node in self.named[lo:]:
            infoset, label = self.infoset[node], self.label[node]
            templates.append((node - start, infoset, label))
            if infoset is not None:
                infoset = self.infoset[node] = fill(infoset)
            label = self.label[node] = fill(label) if label else label
            if MARK in label or (infoset is not None and MARK in infoset):
                still.append(node)
        self.named[lo:] = still
        return templates

    def _file(self, start: int) -> None:
        """Record the action paths of nodes ``start:`` and file the decision nodes among them
        into their information sets."""
        path, node_infoset, infosets = self._path, self._node_infoset, self._infosets
        up, action, kind, names = self.up, self.action, self.kind, self.infoset
        history, steps, recall, owner_of = self._history, self._steps, self._recall, self.player
        for node in range(start, len(kind)):
            if kind[node] == TERMINAL and node:  # no child reads its path or history
                path.append("")
                history.append(())
                node_infoset.append(-1)
                continue
            if node == 0:
                path.append("")
                history.append((0,) * len(self.players))
            else:
                parent = node - up[node]
                above = path[parent]
                path.append(f"{above}/{action[node]}" if above else action[node])
                own = history[parent]
                if kind[parent] == DECISION:  # the parent's owner moved: one more step
                    mover = owner_of[parent]
                    step = (own[mover], node_infoset[parent], action[node])
                    number = steps.setdefault(step, len(steps) + 1)
                    own = (*own[:mover], number, *own[mover + 1:])
                history.append(own)
            if kind[node] != DECISION:
                node_infoset.append(-1)
                continue
            player, actions = self.player[node], self.actions[node]
            name = names[node]
            if name is None:
                name = f"{self.players[player]}@{path[node] or 'root'}"
            known = infosets.get(name)
            if known is None:
                index = len(infosets)
                infosets[name] = (player, actions, [node], index)
            else:
                owner, acts, members, index = known
                if owner != player or acts != actions:
                    raise InfosetConflict(f"information set {shown(name)} is used with different "
                                          "players or actions", node)
                members.append(node)
            node_infoset.append(index)
            seen = recall.setdefault(index, history[node][player])
            if seen != history[node][player]:
                recall[index] = -1

    @property
    def perfect_recall(self) -> bool:
        """Whether the filed nodes satisfy perfect recall (see the module docstring)."""
        back = {number: (previous, infoset) for (previous, infoset, _), number
                in self._steps.items()}
        shared = {index for _, _, members, index in self._infosets.values() if len(members) > 1}
        for index, number in self._recall.items():
            if number < 0:
                return False
            while number and index in shared:  # absent-minded: the set lies on the way to its own nodes
                number, infoset = back[number]
                if infoset == index:
                    return False
        return True

    def build(self, title: str) -> tuple[GameTree, np.ndarray, np.ndarray,
                                          dict[str, np.ndarray]]:
        """The skeleton and the payoff (nodes x players), edge-probability and measure arrays.

        Raises :class:`InfosetConflict` (when not eager) at the first clashing node.
        """
        self._file(len(self._node_infoset))
        n, width = len(self.kind), len(self.players)
        kind = np.array(self.kind, dtype=np.int8)
        parent = np.arange(n, dtype=np.int64) - np.array(self.up, dtype=np.int64)
        parent[0] = -1
        # pre-order numbering: the edges, grouped by parent, keep each parent's children in order
        order = np.argsort(parent[1:], kind="stable") + 1
        ptr = np.zeros(n + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(parent[1:], minlength=n))
        infosets = tuple(Infoset(name, owner, acts, tuple(members))
                         for name, (owner, acts, members, _) in self._infosets.items())
        skeleton = GameTree(
            players=self.players,
            kind=kind,
            parent=parent,
            child_ptr=ptr,
            child_index=order.astype(np.int64),
            edge_label=_pick(self.action, order),
            edge_prob=np.zeros(n - 1, dtype=float),
            node_infoset=np.array(self._node_infoset, dtype=np.int64),
            infosets=infosets,
            node_payoffs=np.zeros((n, width), dtype=float),
            node_label=tuple(self.label),
            node_tags=tuple(self.tags),
            outcome_label=("",) * n,
            title=title,
            has_payoff=np.array(self.marked, dtype=bool) | (kind == TERMINAL),
        )
        # object fromiter: a tenth of the time of assigning a list to an object array
        payoffs = np.fromiter(chain.from_iterable(self.payoffs), dtype=object, count=n * width)
        prob = np.fromiter(self.prob, dtype=object, count=n)
        measures: dict[str, np.ndarray] = {}
        with_measures = np.flatnonzero(np.fromiter(map(bool, self.measures), dtype=bool, count=n))
        for node in with_measures.tolist():
            for name, value in self.measures[node].items():  # type: ignore[union-attr]
                if name not in measures:
                    measures[name] = np.full(n, sympy.Integer(0), dtype=object)
                measures[name][node] = value
        return skeleton, payoffs.reshape(n, width), prob[order], measures


def _pick(items: list[str], order: np.ndarray) -> tuple[str, ...]:
    """``tuple(items[i] for i in order)`` in one C-level call."""
    if len(order) == 0:
        return ()
    if len(order) == 1:
        return (items[int(order[0])],)
    return itemgetter(*order.tolist())(items)  # type: ignore[no-any-return]
