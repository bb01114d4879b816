"""Backward induction and every player's best-response value in one pass over the frontiers.

The pass runs over the breadth-first frontiers (:mod:`alliance_games.games.frontiers`), deepest
first, keeping each frontier's numbers in a compact array whose rows are that frontier's nodes; a
node's children are a block of rows of the frontier below. Per node it carries ``W = [V | R]``:

* ``V`` (``N`` columns): the value of the subgame under the profile. A decision node of player
  ``m`` takes the first child ``c`` with ``V_m(c) >= max_c V_m(c) - margin`` (or the child
  ``follow`` names), ``V(n) = u(n) + V(c)``; a chance node ``V(n) = u(n) + sum_c p_c V(c)``
  (Zermelo 1913; Osborne & Rubinstein 1994, Prop. 99.2).
* ``R`` (``N`` more columns, with ``certify``): column ``i`` is player ``i``'s best-response
  value, every other player keeping to the profile: ``R_i(n) = u_i(n) + max_c R_i(c)`` where
  ``i`` moves, ``u_i(n) + R_i(c)`` along the profile's child ``c`` where another player moves,
  and the probability-weighted sum at chance. Player ``i``'s regret is ``R_i(root) -
  V_i(root)``: every player's certificate in the same pass, without one pass per player.

A frontier whose nodes share one kind and one number of children ``b`` (the common case) is
handled as a ``(k, b, W)`` block: argmax, row selection and weighted sums along an axis; any
other frontier by segment reductions (``reduceat``) over the children's rows. Chance sums add the
children in action order, ``u + ((p_0 V_0 + p_1 V_1) + ...)``, as a sequential sum would. The
arithmetic is that of the payoff array: floats, or exact numbers in ``object`` arrays (then
``margin`` is ``0`` and the comparisons are exact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_games.games.frontiers import MIXED, Frontier
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree

_FAR = np.iinfo(np.int64).max


@dataclass(frozen=True, eq=False)
class FrontierInduction:
    """What one pass found, frontier by frontier (see the module docstring).

    ``values[d]``: ``V`` of frontier ``d`` (rows: its nodes); ``replies[d]``: ``R`` where it
    differs from ``V`` (``None`` where they are equal; all ``None`` without ``certify``);
    ``movers[d]``: the positions of its decision nodes in the frontier; ``actions[d]``: the action
    each takes (index among its children); ``tied[d]``: whether its mover had another child
    within ``margin`` of the best (always ``False`` when the actions were followed)."""

    tree: GameTree
    values: tuple[np.ndarray, ...]
    replies: tuple[np.ndarray | None, ...]
    movers: tuple[np.ndarray, ...]
    actions: tuple[np.ndarray, ...]
    tied: tuple[np.ndarray, ...]
    certified: bool

    @property
    def root(self) -> np.ndarray:
        """``V`` at the root: the expected payoffs of the profile."""
        return self.values[0][0].copy()

    @property
    def regrets(self) -> np.ndarray:
        """Per player, best-response value minus value at the root (needs ``certify``)."""
        if not self.certified:
            raise ValueError("the pass ran without certify")
        reply = self.replies[0]
        return self.values[0][0] - self.values[0][0] if reply is None else \
            reply[0] - self.values[0][0]

    def any_tie(self) -> bool:
        return any(bool(t.any()) for t in self.tied)

    def decision_nodes(self) -> np.ndarray:
        """Every decision node, frontier by frontier (the order of :meth:`chosen_actions`)."""
        fronts = self.tree.frontiers
        return _joined([f.nodes if m.size == f.nodes.size else f.nodes[m]
                        for f, m in zip(fronts, self.movers, strict=True)])

    def chosen_actions(self) -> np.ndarray:
        return _joined(list(self.actions))

    def decision_widths(self) -> np.ndarray:
        """The number of children of every decision node (order of :meth:`decision_nodes`)."""
        fronts = self.tree.frontiers
        return _joined([f.counts if m.size == f.nodes.size else f.counts[m]
                        for f, m in zip(fronts, self.movers, strict=True)])

    def choice(self) -> np.ndarray:
        """The chosen edge of every node (``-1`` at chance and terminal nodes)."""
        nodes = self.decision_nodes()
        out = np.full(self.tree.num_nodes, -1, dtype=np.int64)
        out[nodes] = self.tree.child_ptr[nodes] + self.chosen_actions()
        return out

    def ties(self) -> np.ndarray:
        """Per node, whether its mover had several best children."""
        out = np.zeros(self.tree.num_nodes, dtype=bool)
        out[self.decision_nodes()] = _joined(list(self.tied), dtype=bool)
        return out

    def all_values(self) -> np.ndarray:
        """``V`` of every node as one ``(num_nodes, N)`` array."""
        tree = self.tree
        out = np.empty((tree.num_nodes, tree.num_players), dtype=tree.node_payoffs.dtype)
        for front, rows in zip(tree.frontiers, self.values, strict=True):
            out[front.nodes] = rows
        return out


def induct_frontiers(tree: GameTree, *, margin: Any = 0, follow: np.ndarray | None = None,
                     certify: bool = False, payoffs: Sequence[np.ndarray] | None = None
                     ) -> FrontierInduction:
    """One pass (module docstring). ``follow``: a chosen edge per node (as
    :meth:`FrontierInduction.choice` gives) that every decision node takes instead of its best
    child; ``payoffs``: ``tree.node_payoffs`` of each frontier's nodes, if already gathered
    (read, never written)."""
    fronts = tree.frontiers
    depth = len(fronts)
    values: list[np.ndarray] = [np.empty(0)] * depth
    replies: list[np.ndarray | None] = [None] * depth
    movers: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * depth
    actions: list[np.ndarray] = list(movers)
    tied: list[np.ndarray] = [np.empty(0, dtype=bool)] * depth
    owner_of = tree.infoset_player
    for d in range(depth - 1, -1, -1):
        front = fronts[d]
        pay = payoffs[d] if payoffs is not None else np.take(tree.node_payoffs, front.nodes,
                                                             axis=0)
        if front.kind == TERMINAL:
            values[d] = pay
            continue
        step = _Step(tree, front, pay, values[d + 1], replies[d + 1], margin, owner_of, follow,
                     certify)
        if front.kind == DECISION:
            at = np.arange(front.nodes.size, dtype=np.int64)
            movers[d], (actions[d], tied[d]) = at, step.block_decision(at)
        elif front.kind == CHANCE:
            step.block_chance()
        else:
            kinds = tree.kind[front.nodes]
            at = np.flatnonzero(kinds == DECISION)
            movers[d] = at
            actions[d], tied[d] = step.segment_decision(at)
            step.segment_chance(np.flatnonzero(kinds == CHANCE))
        values[d], replies[d] = step.value, step.reply
    return FrontierInduction(tree, tuple(values), tuple(replies), tuple(movers), tuple(actions),
                             tuple(tied), certify)


def frontier_payoffs(tree: GameTree) -> tuple[tuple[np.ndarray, ...], float]:
    """``node_payoffs`` of each frontier's nodes and the tree's payoff range (as
    :meth:`~alliance_games.games.tree.GameTree.payoff_range`: the spread of the payoffs summed
    along plays, over every player and terminal; 1 when there is none), top-down in one pass;
    path sums are formed only below a non-terminal node that carries a payoff."""
    gathered: list[np.ndarray] = []
    low, high = np.inf, -np.inf
    path: np.ndarray | None = None  # payoffs summed from the root, once some inner node pays
    previous: Frontier | None = None
    for front in tree.frontiers:
        pay = np.take(tree.node_payoffs, front.nodes, axis=0)
        gathered.append(pay)
        if path is not None and previous is not None:
            path = pay + np.repeat(path, previous.counts, axis=0)
        ends = front.counts == 0 if front.kind == MIXED else None
        if front.kind == TERMINAL or ends is not None:
            own = path if path is not None else pay
            done = own if ends is None else own[ends]
            if done.size:
                low, high = min(low, float(done.min())), max(high, float(done.max()))
        if path is None and front.kind != TERMINAL and pay.any():
            path = pay.copy()
        previous = front
    spread = high - low if high >= low else 0.0
    return tuple(gathered), spread if spread > 0 else 1.0


class _Step:
    """One frontier of :func:`induct_frontiers`: its ``value`` (and ``reply``, ``R`` where it
    differs from ``V``) from the frontier below (``below``, ``below_reply``). Arrays are
    replaced, never written in place, until :meth:`_own_rows` gives the step its own."""

    def __init__(self, tree: GameTree, front: Frontier, pay: np.ndarray, below: np.ndarray,
                 below_reply: np.ndarray | None, margin: Any, owner_of: np.ndarray,
                 follow: np.ndarray | None, certify: bool) -> None:
        self.tree, self.front, self.pay = tree, front, pay
        self.below, self.below_reply = below, below_reply
        self.margin, self.owner_of, self.follow = margin, owner_of, follow
        self.certify = certify
        self.n = tree.num_players
        self.value = pay
        self.reply: np.ndarray | None = None if below_reply is None else pay

    def _owners(self, at: np.ndarray | None) -> np.ndarray:
        """The mover at each node ``at`` (every node of the frontier when ``None``)."""
        nodes = self.front.nodes if at is None else self.front.nodes[at]
        return np.take(self.owner_of, np.take(self.tree.node_infoset, nodes))

    def _followed(self, at: np.ndarray) -> np.ndarray:
        assert self.follow is not None
        nodes = self.front.nodes[at]
        return self.follow[nodes] - self.tree.child_ptr[nodes]

    def _best(self, columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row, the largest column, the first column within ``margin`` of it (exactly equal
        when ``margin`` is 0), and whether another column is too (columns of one node's
        children, column by column: reductions along a short axis are slow)."""
        best = columns[0]
        for col in columns[1:]:
            best = np.maximum(best, col)
        floor = best - self.margin if self.margin != 0 else best
        good = [np.asarray(col >= floor, dtype=bool) for col in columns]
        if len(columns) == 2:
            return best, (~good[0]).astype(np.int64), good[0] & good[1]
        action = np.full(best.size, len(columns) - 1, dtype=np.int64)
        count = good[-1].astype(np.int64)
        for j in range(len(columns) - 2, -1, -1):
            action = np.where(good[j], j, action)
            count += good[j]
        return best, action, count > 1

    def _deviations(self, best: np.ndarray, chosen: np.ndarray, at: np.ndarray,
                    owner: np.ndarray) -> None:
        """With ``R = V`` below: ``R = V`` here unless some mover's best child beats the chosen
        one; then ``R`` is ``V`` with each mover's column ``u_m + max_c V_m(c)``."""
        gains = np.asarray(best != chosen, dtype=bool)
        if gains.any():
            reply = self.value.copy()
            flat = reply.reshape(-1)
            slots = at * self.n + owner
            flat[slots] = np.take(self.pay.reshape(-1), slots) + best
            self.reply = reply

    def block_decision(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every node a decision node with ``b`` children: their rows below are ``b`` apart."""
        k, b, n = at.size, self.front.width, self.n
        owner = self._owners(None)
        mine = at * (b * n) + owner  # the mover's column in its first child's row below
        columns: list[np.ndarray] = []
        if self.follow is None or (self.certify and self.below_reply is None):
            flat = self.below.reshape(-1)
            columns = [np.take(flat, mine + j * n if j else mine) for j in range(b)]
        if self.follow is None:
            best, action, tied = self._best(columns)
        else:
            action, tied = self._followed(at), np.zeros(k, dtype=bool)
            best = columns[0] if columns else action
            for col in columns[1:]:
                best = np.maximum(best, col)
        taken = at * b + action
        self.value = self.pay + np.take(self.below, taken, axis=0)
        if not self.certify:
            return action, tied
        if self.below_reply is None:
            chosen = np.take(self.below.reshape(-1), mine + action * n)
            self._deviations(best, chosen, at, owner)
            return action, tied
        reply = self.pay + np.take(self.below_reply, taken, axis=0)
        flat = self.below_reply.reshape(-1)
        top = np.take(flat, mine)
        for j in range(1, b):
            top = np.maximum(top, np.take(flat, mine + j * n))
        reply.reshape(-1)[at * n + owner] = np.take(self.pay.reshape(-1), at * n + owner) + top
        self.reply = reply
        return action, tied

    def block_chance(self) -> None:
        """Every node a chance node with ``b`` children: ``u + sum_j p_j x_j`` in action order."""
        b = self.front.width
        probs = self.tree.edge_prob[self.front.edges].reshape(-1, b)

        def expected(below: np.ndarray) -> np.ndarray:
            kids = below.reshape(-1, b, self.n)
            acc = kids[:, 0, :] * probs[:, 0:1]
            for j in range(1, b):
                acc += kids[:, j, :] * probs[:, j:j + 1]
            return self.pay + acc

        self.value = expected(self.below)
        if self.below_reply is not None:
            self.reply = expected(self.below_reply)

    def _own_rows(self) -> None:
        """Give ``value`` (and a ``reply`` that differs from it) arrays of this step's own,
        written node by node."""
        if self.value is self.pay:
            self.value = self.pay.copy()
        if self.reply is not None and (self.reply is self.pay or self.reply is self.value):
            self.reply = self.pay.copy()

    def segment_decision(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The decision nodes ``at`` of a mixed frontier, by segment reductions."""
        if not at.size:
            return at, np.zeros(0, dtype=bool)
        self._own_rows()
        n = self.n
        rows, seg, counts = _segments(self.front, at)
        owner = self._owners(at)
        mine = np.repeat(owner, counts)
        start = rows[seg]  # first child row of each node
        scores = self.below.reshape(-1)[rows * n + mine]
        best = np.maximum.reduceat(scores, seg)
        if self.follow is None:
            edge_best = np.repeat(best, counts)
            good = np.asarray(scores == edge_best if self.margin == 0 else
                              scores >= edge_best - self.margin, dtype=bool)
            first = np.minimum.reduceat(np.where(good, rows, _FAR), seg)
            tied = np.add.reduceat(good.astype(np.int64), seg) > 1
            action = first - start
        else:
            action = self._followed(at)
            first = start + action
            tied = np.zeros(at.size, dtype=bool)
        self.value[at] += self.below[first]
        if not self.certify:
            return action, tied
        if self.below_reply is None:
            self._deviations(best, scores[seg + action], at, owner)  # chance rows: after
            return action, tied
        assert self.reply is not None
        self.reply[at] += self.below_reply[first]
        top = np.maximum.reduceat(self.below_reply.reshape(-1)[rows * n + mine], seg)
        self.reply.reshape(-1)[at * n + owner] = self.pay[at, owner] + top
        return action, tied

    def segment_chance(self, at: np.ndarray) -> None:
        """The chance nodes ``at`` of a mixed frontier, by segment sums."""
        if not at.size:
            return
        self._own_rows()
        rows, seg, counts = _segments(self.front, at)
        edges = np.repeat(self.tree.child_ptr[self.front.nodes[at]] - seg, counts) + \
            np.arange(rows.size, dtype=np.int64)
        probs = self.tree.edge_prob[edges][:, None]
        sums = np.add.reduceat(self.below[rows] * probs, seg, axis=0)
        self.value[at] += sums
        if self.reply is self.value or self.reply is None:
            if self.reply is not None:
                self.reply = self.value
            return
        below = self.below if self.below_reply is None else self.below_reply
        self.reply[at] += sums if below is self.below else \
            np.add.reduceat(below[rows] * probs, seg, axis=0)


def _segments(front: Frontier, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows below of the children of the nodes ``at`` (concatenated), where each node's
    segment starts in that list, and the children counts."""
    counts = front.counts[at]
    offsets = np.cumsum(front.counts) - front.counts
    seg = np.cumsum(counts) - counts
    rows = np.repeat(offsets[at] - seg, counts) + np.arange(int(counts.sum()), dtype=np.int64)
    return rows, seg, counts


def _joined(parts: list[np.ndarray], dtype: Any = np.int64) -> np.ndarray:
    kept = [p for p in parts if p.size]
    return np.concatenate(kept) if kept else np.zeros(0, dtype=dtype)
