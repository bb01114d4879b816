"""A fast reader for the ``.efg`` files most tools write: the node list checked by one regular
expression over its token kinds, then read column by column.

:func:`read_tree_bulk` reads the node list of an ``.efg`` file (the text after the header and
comment) when its tokens can be split by numpy over the bytes
(:func:`~alliance_games.model.gambit_scan.scan`: labels without backslashes, ASCII outside them)
and its numbers are integers, decimals or fractions. The string of token kinds (one byte per
token) is matched against the node grammar at once (:data:`NODES_RE`); since each kind of node has
its fields at fixed places (an optional description or outcome is told by the token after it), the
fields are then read column by column with numpy: Python runs once per distinct information set,
chance set and outcome, never once per node (the parents come from the open child slots of the
pre-order, :func:`_parents`), and the numbers of all outcomes and all chance sets are converted in
one bulk call each, digit by digit and exactly
(:func:`~alliance_games.model.gambit_numbers.read_number_spans`).

The answer is the tree :func:`~alliance_games.model.gambit_format.read_efg` builds from the same
text, or ``None``: for text of another shape, and for text the general reader would refuse or must
judge number by number (an unknown outcome, a redefinition written differently, chance
probabilities that are negative or do not sum to 1, too many nodes, ...). The caller then runs
the general reader, which gives the located error. The information-set names, labels and checks
below are those of the general reader, applied to the same fields.
"""

from __future__ import annotations

import gc
import itertools
import re

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree, Infoset
from alliance_games.model.gambit_numbers import (
    Rationals,
    as_floats,
    as_fractions,
    read_integer_spans,
    read_number_spans,
    read_numbers,
)
from alliance_games.model.gambit_scan import TEXT, Scan, scan
from alliance_games.model.gambit_tokens import infoset_name, unique_labels

NODES_RE = re.compile(
    rb"(?:(?:tT|pTWW(?:T\{T++\})?+|cTW(?:T\{(?:TW)++\})?+)W(?:T\{W(?:,?+W)*+\})?+)++")
"""The node list over the token kinds (:data:`~alliance_games.model.gambit_scan.KINDS`): a node
``t`` label, ``p`` label player set [label ``{`` actions ``}``] or ``c`` label set [label ``{``
(action probability)... ``}``], then its outcome id [label ``{`` payoffs ``}``]. Every
quantifier is possessive: what may follow a part never begins like it (a ``}`` after labels or
numbers, a ``W`` after an optional part that begins with ``T``, a node's letter after its
payoffs), so giving a part back could not help a match, and the matcher keeps no points to
return to (a third of its time on a large tree)."""

_KEY_BITS = 40
"""Information-set ids below ``2**40`` are keyed with their player in one int64."""


class _Unsupported(Exception):
    """The text is not of this reader's shape, or the general reader must judge it."""


def read_tree_bulk(text: str, start: int, players: tuple[str, ...], title: str, *,
                   exact: bool, max_nodes: int) -> GameTree | None:
    """The tree of the node list ``text[start:]``, exact or in floats, or ``None`` (see the
    module docstring)."""
    collecting = gc.isenabled()
    gc.disable()  # a string per label and a tuple per set, none in a cycle: no cycles to find
    try:
        tokens = scan(text, start)
        if tokens is None:
            return None
        return _Reader(players, tokens).read(title, exact, max_nodes)
    except _Unsupported:
        return None
    finally:
        if collecting:
            gc.enable()


class _Reader:
    """The node list of one scanned text, read field by field (see the module docstring)."""

    def __init__(self, players: tuple[str, ...], tokens: Scan) -> None:
        self.players = players
        self.tokens = tokens
        self.kinds = np.frombuffer(tokens.kinds + b"  ", dtype=np.uint8)  # room to look ahead
        self.closers = np.flatnonzero(self.kinds == ord("}"))

    def read(self, title: str, exact: bool, max_nodes: int) -> GameTree:
        kinds = self.kinds
        if not NODES_RE.fullmatch(self.tokens.kinds):
            raise _Unsupported
        at = np.flatnonzero((kinds == ord("p")) | (kinds == ord("c")) | (kinds == ord("t")))
        n = at.size
        if not n or n > max_nodes:
            raise _Unsupported
        is_p, is_c = kinds[at] == ord("p"), kinds[at] == ord("c")
        described = at + np.where(is_p, 4, 3)  # where a description's label would be
        has_set = (is_p | is_c) & (kinds[described] == TEXT)
        outcome = at + np.where(is_p, 4, np.where(is_c, 3, 2))
        outcome[has_set] = self._close(described[has_set] + 1) + 1
        kind = np.full(n, TERMINAL, dtype=np.int8)
        kind[is_p] = DECISION
        kind[is_c] = CHANCE
        arity = np.zeros(n, dtype=np.int64)
        acts = np.empty(n, dtype=object)  # the action labels below each node with children
        infoset_of = np.full(n, -1, dtype=np.int64)
        decision = np.flatnonzero(is_p)
        infosets = self._infosets(at, decision, described, has_set, arity, acts, infoset_of)
        chance = np.flatnonzero(is_c)
        probs = self._chance(at, chance, described, has_set, arity, acts)
        parent = _parents(arity)
        child_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(arity, out=child_ptr[1:])
        edges = int(child_ptr[-1])
        edge_probs = _chance_edges(probs, child_ptr[chance], arity[chance], edges)
        rows, payoffs, outcome_labels = self._outcomes(outcome)
        convert = as_fractions if exact else as_floats
        labels = self._texts(at + 1)
        if any(outcome_labels):
            named = np.array([*outcome_labels, ""], dtype=object)  # row -1: no outcome
            outcome_label = tuple(named[rows].tolist())
        else:  # no outcome is labelled (as writers often leave them)
            outcome_label = ("",) * n
        return GameTree(
            players=self.players, kind=kind, parent=parent, child_ptr=child_ptr,
            # pre-order: a node's children are the later nodes naming it, in action order
            child_index=np.argsort(parent[1:], kind="stable") + 1,
            edge_label=tuple(itertools.chain.from_iterable(acts[arity > 0].tolist())),
            edge_prob=convert(edge_probs), node_infoset=infoset_of, infosets=infosets,
            node_payoffs=convert(payoffs), node_label=labels, node_tags=((),) * n,
            outcome_label=outcome_label, title=title,
            has_payoff=(rows >= 0) | (kind == TERMINAL))

    # ---- fields ----------------------------------------------------------------------------
    def _close(self, opens: np.ndarray) -> np.ndarray:
        """The ``}`` closing each ``{`` at token positions ``opens`` (braces do not nest here)."""
        return self.closers[np.searchsorted(self.closers, opens)]

    def _integers(self, tokens: np.ndarray) -> np.ndarray:
        """The plain integers at token positions ``tokens`` (ids, player numbers)."""
        scanned = self.tokens
        found = read_integer_spans(scanned.chars, scanned.starts[tokens], scanned.ends[tokens])
        if found is None:
            raise _Unsupported
        return found

    def _numbers(self, tokens: np.ndarray) -> Rationals:
        """The exact numbers at token positions ``tokens``: digit by digit, else (an exponent, a
        longer number) as :func:`~alliance_games.model.gambit_numbers.read_numbers` reads them."""
        scanned = self.tokens
        found = read_number_spans(scanned.chars, scanned.starts[tokens], scanned.ends[tokens])
        if found is None:
            found = read_numbers([b.decode("ascii") for b in scanned.spans(tokens, tokens)])
        if found is None:
            raise _Unsupported
        return found

    def _texts(self, tokens: np.ndarray) -> tuple[str, ...]:
        """The contents of the text tokens at ``tokens`` (all empty: without slicing)."""
        scanned = self.tokens
        if bool((scanned.ends[tokens] - scanned.starts[tokens] == 2).all()):
            return ("",) * tokens.size
        return tuple(scanned.texts(tokens))

    def _sets(self, keys: np.ndarray, described: np.ndarray, has_set: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """Keys (one per node) numbered by first appearance, checked to be described at their
        first node and written alike (label and body, byte for byte) wherever described again:
        the number per node and the first node of each key."""
        index, first = _numbered(keys)
        if not has_set[first].all():
            raise _Unsupported
        again = has_set.copy()
        again[first] = False
        if again.any():
            later = np.flatnonzero(again)
            origin = first[index[later]]
            heads = np.concatenate([described[later], described[origin]])
            written = self.tokens.spans(heads, self._close(heads + 1))
            if written[:later.size] != written[later.size:]:
                raise _Unsupported
        return index, first

    def _infosets(self, at: np.ndarray, nodes: np.ndarray, described: np.ndarray,
                  has_set: np.ndarray, arity: np.ndarray, acts: np.ndarray,
                  infoset_of: np.ndarray) -> tuple[Infoset, ...]:
        """The information sets of the decision ``nodes``, in order of first appearance. A set
        is keyed by its player and id; its first node must describe it (label and actions), and
        a later description must be written as the first."""
        if not nodes.size:
            return ()
        player = self._integers(at[nodes] + 2)
        ids = self._integers(at[nodes] + 3)
        if int(player.min()) < 1 or int(player.max()) > len(self.players) or \
                int(ids.min()) < 1 or int(ids.max()) >= 1 << _KEY_BITS:
            raise _Unsupported
        heads = described[nodes]
        index, first = self._sets((player << _KEY_BITS) | ids, heads, has_set[nodes])
        heads = heads[first]
        closes = self._close(heads + 1)
        set_labels = list(self._texts(heads))
        bodies = self.tokens.spans(heads + 1, closes)  # each set's action list as written
        labelled = {body: self._actions(body, head)  # once per distinct list
                    for body, head in dict(zip(bodies, heads.tolist(), strict=True)).items()}
        actions = list(map(labelled.__getitem__, bodies))
        owners = (player[first] - 1).tolist()
        if "" not in set_labels and len(set(set_labels)) == len(set_labels):
            names = set_labels  # what infoset_name gives distinct, non-empty labels
        else:
            taken: set[str] = set()
            names = [infoset_name(label, self.players[p], i, taken)
                     for label, p, i in zip(set_labels, owners, ids[first].tolist(),
                                            strict=True)]
        _place(nodes, index, actions, arity, acts)
        infoset_of[nodes] = index
        if nodes.size == len(actions):  # one node per set (perfect information): in order
            return tuple(map(Infoset, names, owners, actions, zip(nodes.tolist())))
        order = np.argsort(index, kind="stable")
        members = nodes[order].tolist()
        ends = np.cumsum(np.bincount(index, minlength=len(actions))).tolist()
        return tuple(map(Infoset, names, owners, actions,
                         map(tuple, map(members.__getitem__, map(slice, [0, *ends[:-1]], ends)))))

    def _actions(self, body: bytes, head: int) -> tuple[str, ...]:
        """The unique action labels of the list ``body`` (as written) after token ``head``."""
        count = body.count(b'"') // 2
        return unique_labels(self.tokens.texts(np.arange(head + 2, head + 2 + count)), str)

    def _chance(self, at: np.ndarray, nodes: np.ndarray, described: np.ndarray,
                has_set: np.ndarray, arity: np.ndarray, acts: np.ndarray) -> Rationals:
        """The chance ``nodes``' actions (placed) and the probabilities of each one's set, set by
        set in the order of the nodes. A chance set is keyed by its id's value; its first node
        describes it, a later description is written as the first. Probabilities are checked
        to be non-negative and to sum to 1 exactly in each set."""
        if not nodes.size:
            return np.zeros(0, dtype=np.int64), 1
        ids = self._integers(at[nodes] + 2)
        if int(ids.min()) < 1:
            raise _Unsupported
        heads = described[nodes]
        index, first = self._sets(ids, heads, has_set[nodes])
        opens = heads[first] + 1
        counts = (self._close(opens) - opens - 1) // 2
        before = np.cumsum(counts) - counts
        pairs = np.repeat(opens + 1 - 2 * before, counts) + 2 * np.arange(int(counts.sum()))
        written = self.tokens.texts(pairs)
        lists = list(map(tuple, map(written.__getitem__,
                                    map(slice, before.tolist(), (before + counts).tolist()))))
        labelled = {labels: unique_labels(labels, str) for labels in dict.fromkeys(lists)}
        actions = list(map(labelled.__getitem__, lists))
        _place(nodes, index, actions, arity, acts)
        numbers, den = self._numbers(pairs + 1)
        if int(numbers.min()) < 0 or int(numbers.max()) > den or \
                den * int(counts.sum()) >= 2**62 or \
                np.any(np.add.reduceat(numbers, before) != den):
            raise _Unsupported
        sets = np.repeat(before[index], counts[index])
        within = np.arange(sets.size) - np.repeat(np.cumsum(counts[index]) - counts[index],
                                                  counts[index])
        return numbers[sets + within], den

    def _outcomes(self, outcome: np.ndarray) -> tuple[np.ndarray, Rationals, list[str]]:
        """Every node's outcome row (-1: none), every node's payoffs (zero without an outcome)
        and each row's label. An outcome is defined where first written with payoffs (never
        outcome 0); a node naming it without payoffs must come later, and a later definition
        must be written alike. Each definition holds one number per player."""
        kinds = self.kinds
        ids = self._integers(outcome)
        described = kinds[outcome + 1] == TEXT
        rows = np.full(ids.size, -1, dtype=np.int64)
        defined = np.flatnonzero(described)
        count = len(self.players)
        if not defined.size:
            return rows, (np.zeros((ids.size, count), dtype=np.int64), 1), []
        if (ids[defined] == 0).any():
            raise _Unsupported
        index, first = self._sets(ids[defined], outcome[defined] + 1,
                                  np.ones(defined.size, dtype=bool))
        rows[defined] = index
        named = np.flatnonzero(~described & (ids != 0))
        if named.size:
            known = ids[defined[first]]
            order = np.argsort(known)
            place = np.minimum(np.searchsorted(known[order], ids[named]), known.size - 1)
            row = order[place]
            if (known[row] != ids[named]).any() or (defined[first[row]] > named).any():
                raise _Unsupported
            rows[named] = row
        heads = outcome[defined[first]]
        opens = heads + 2
        inner = self._close(opens) - opens - 1
        before = np.cumsum(inner) - inner
        tokens = np.repeat(opens + 1 - before, inner) + np.arange(int(inner.sum()))
        tokens = tokens[kinds[tokens] != ord(",")]
        if tokens.size != count * heads.size or \
                (np.bincount(np.searchsorted(opens, tokens) - 1, minlength=heads.size)
                 != count).any():
            raise _Unsupported
        numbers, den = self._numbers(tokens)
        table = np.vstack([numbers.reshape(-1, count), np.zeros((1, count), dtype=np.int64)])
        return rows, (table[rows], den), list(self._texts(heads + 1))


def _numbered(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys (int64, one per node) numbered by first appearance: the number of each, and the
    position where each number first appears (by a stable sort: ``np.unique`` would import
    ``numpy.ma``, milliseconds at start-up)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.ones(keys.size, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    first = order[new]  # each key's first position, keys in sorted order
    group = np.cumsum(new) - 1  # the sorted rank of each sorted position's key
    rank = np.empty(first.size, dtype=np.int64)
    by_position = np.argsort(first, kind="stable")
    rank[by_position] = np.arange(first.size)
    index = np.empty(keys.size, dtype=np.int64)
    index[order] = rank[group]
    return index, first[by_position]


def _place(nodes: np.ndarray, index: np.ndarray, actions: list[tuple[str, ...]],
           arity: np.ndarray, acts: np.ndarray) -> None:
    """Give each of ``nodes`` the actions of its set (``index`` into ``actions``)."""
    arity[nodes] = np.array([len(a) for a in actions], dtype=np.int64)[index]
    acts[nodes] = _objects(actions)[index]


def _objects(items: list[tuple[str, ...]]) -> np.ndarray:
    """A one-dimensional object array holding ``items`` (tuples kept whole)."""
    table = np.empty(len(items), dtype=object)
    for k, item in enumerate(items):
        table[k] = item
    return table


PARENT_DEPTH = 64
"""Open-slot depth up to which parents are found by numpy passes (deeper: one Python walk)."""


def _parents(arity: np.ndarray) -> np.ndarray:
    """Every node's parent in a pre-order list with these numbers of children (-1: the root),
    or :class:`_Unsupported` when the list is not one tree.

    With ``o_k`` the open child slots before node ``k`` (``o_0 = 1``, ``o_{k+1} = o_k - 1 +
    a_k``), the list is one tree iff ``o_k >= 1`` for ``k < n`` and ``o_n = 0``; node ``k``
    fills the top slot, pushed by the last earlier node ``j`` with ``o_j <= o_k``."""
    n = arity.size
    slots = np.ones(n + 1, dtype=np.int64)
    np.cumsum(arity - 1, out=slots[1:])
    slots[1:] += 1
    if slots[-1] != 0 or (slots[:-1] < 1).any():
        raise _Unsupported
    open_ = slots[:-1]
    parent = np.full(n, -1, dtype=np.int64)
    deepest = int(open_.max())
    if deepest <= PARENT_DEPTH:
        for depth in range(1, deepest + 1):
            here = np.flatnonzero(open_ == depth)
            here = here[here > 0]
            if here.size:  # the last earlier node with at most ``depth`` open slots
                at_most = np.flatnonzero(open_ <= depth)
                parent[here] = at_most[np.searchsorted(at_most, here) - 1]
        return parent
    stack: list[int] = []
    left: list[int] = []
    for k, count in enumerate(arity.tolist()):
        if stack:
            parent[k] = stack[-1]
            left[-1] -= 1
            if not left[-1]:
                stack.pop()
                left.pop()
        if count:
            stack.append(k)
            left.append(count)
    return parent




def _chance_edges(probs: Rationals, ptr: np.ndarray, counts: np.ndarray, edges: int
                  ) -> Rationals:
    """Every edge's probability: the chance nodes' (starting at edges ``ptr``, ``counts``
    each, in order) from ``probs``, zero below decision nodes."""
    numbers, den = probs
    full = np.zeros(edges, dtype=np.int64)
    if counts.size:
        before = np.cumsum(counts) - counts
        full[np.repeat(ptr - before, counts) + np.arange(int(counts.sum()))] = numbers
    return full, den
