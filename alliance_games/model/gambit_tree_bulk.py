"""A fast reader for the ``.efg`` files most tools write: whole nodes by one regular expression.

:func:`read_tree_bulk` reads the node list of an ``.efg`` file (the text after the header and
comment) when it has the plain shape that Gambit and
:func:`~alliance_games.model.gambit_format.write_efg` write: tokens separated by whitespace, labels
without backslashes, braces only around action lists and payoffs, and numbers that
:func:`~alliance_games.model.gambit_numbers.read_numbers` reads in bulk. One ``findall`` over the
text yields a tuple of fields per node (:data:`NODE_RE`); the fields are then read column by
column with numpy: Python runs once per distinct information set, chance set and outcome, never
once per node (the parents come from the open child slots of the pre-order, :func:`_parents`),
and the numbers of all outcomes and all chance actions are converted in one bulk call each.

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
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree, Infoset
from alliance_games.model.gambit_numbers import (
    Rationals,
    as_floats,
    as_fractions,
    read_number_text,
    read_numbers,
)
from alliance_games.model.gambit_tokens import infoset_name, unique_labels

_TEXT = r'"([^"\\]*)"'
_INT = r"([0-9]{1,18})"
_BODY = r"(\{[^{}]*\})"
NODE_RE = re.compile(
    rf"(?:(p)\s+{_TEXT}\s+{_INT}\s+{_INT}(?:\s+{_TEXT}\s*{_BODY})?"
    rf"|(c)\s+{_TEXT}\s+{_INT}(?:\s+{_TEXT}\s*{_BODY})?"
    rf"|(t)\s+{_TEXT})"
    rf"\s+{_INT}(?:\s+{_TEXT}\s*{_BODY}|(?=\s|\Z))"
    r"|(\S+)"  # anything else: not this reader's shape
)
"""Fields: 0-5 ``p``, label, player, infoset, infoset label, ``{actions}``; 6-10 ``c``, label,
infoset, infoset label, ``{chance actions}``; 11-12 ``t``, label; 13-15 outcome, outcome label,
``{payoffs}``; 16 anything else. A description is present when its braced body is not empty."""
_ACTIONS_RE = re.compile(r'\{(?:\s*"[^"\\]*")+\s*\}')
_ACTION_RE = re.compile(r'"([^"\\]*)"')
_CHANCE_RE = re.compile(r'\{(?:\s*"[^"\\]*"\s*[^\s{},"]+)+\s*\}')
_CHANCE_PAIR_RE = re.compile(r'"([^"\\]*)"\s*([^\s{},"]+)')


class _Unsupported(Exception):
    """The text is not of this reader's shape, or the general reader must judge it."""


def read_tree_bulk(text: str, start: int, players: tuple[str, ...], title: str, *,
                   exact: bool, max_nodes: int) -> GameTree | None:
    """The tree of the node list ``text[start:]``, exact or in floats, or ``None`` (see the
    module docstring)."""
    collecting = gc.isenabled()
    gc.disable()  # a tuple per node and a string per field, none in a cycle: no cycles to find
    try:
        return _Reader(players).read(text, start, title, exact, max_nodes)
    except _Unsupported:
        return None
    finally:
        if collecting:
            gc.enable()


class _Reader:
    """The node tuples read column by column: numpy over the nodes, Python only once per
    distinct information set, chance set and outcome (and in the parent walk of deep trees)."""

    def __init__(self, players: tuple[str, ...]) -> None:
        self.players = players
        self.actions_of: dict[str, tuple[str, ...]] = {}  # action body -> unique labels
        self.labels_of: dict[tuple[str, ...], tuple[str, ...]] = {}  # chance labels -> unique

    def read(self, text: str, start: int, title: str, exact: bool, max_nodes: int) -> GameTree:
        nodes = NODE_RE.findall(text, start)
        n = len(nodes)
        if not nodes or n > max_nodes:
            raise _Unsupported
        cols = list(zip(*nodes, strict=True))
        if any(cols[16]):
            raise _Unsupported
        is_p = _flags(cols[0])
        is_c = _flags(cols[6])
        kind = np.full(n, TERMINAL, dtype=np.int8)
        kind[is_p] = DECISION
        kind[is_c] = CHANCE
        arity = np.zeros(n, dtype=np.int64)
        acts = np.empty(n, dtype=object)  # the action labels below each node with children
        infoset_of = np.full(n, -1, dtype=np.int64)
        decision = np.flatnonzero(is_p)
        infosets = self._infosets(cols, decision, arity, acts, infoset_of)
        chance = np.flatnonzero(is_c)
        probs = self._chance(cols, chance, arity, acts)
        parent = _parents(arity)
        child_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(arity, out=child_ptr[1:])
        edges = int(child_ptr[-1])
        counts = arity[chance]
        starts = np.zeros(counts.size, dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        slots = np.repeat(child_ptr[chance] - starts, counts) + np.arange(int(counts.sum()))
        edge_probs = _chance_numbers(probs, starts.tolist(), edges, slots)
        rows, payoff_bodies, outcome_labels = _outcomes(cols)
        payoffs = _payoffs(payoff_bodies, rows, len(self.players))
        convert = as_fractions if exact else as_floats
        labels = tuple(map("".join, zip(cols[1], cols[7], cols[12], strict=True)))
        named = np.array([*outcome_labels, ""], dtype=object)  # row -1: no outcome
        return GameTree(
            players=self.players, kind=kind, parent=parent, child_ptr=child_ptr,
            # pre-order: a node's children are the later nodes naming it, in action order
            child_index=np.argsort(parent[1:], kind="stable") + 1,
            edge_label=tuple(itertools.chain.from_iterable(acts[arity > 0].tolist())),
            edge_prob=convert(edge_probs), node_infoset=infoset_of, infosets=infosets,
            node_payoffs=convert(payoffs), node_label=labels, node_tags=((),) * n,
            outcome_label=tuple(named[rows].tolist()), title=title,
            has_payoff=(rows >= 0) | (kind == TERMINAL))

    def _infosets(self, cols: list[tuple[str, ...]], nodes: np.ndarray, arity: np.ndarray,
                  acts: np.ndarray, infoset_of: np.ndarray) -> tuple[Infoset, ...]:
        """The information sets of the decision ``nodes``, in order of first appearance. A set
        is keyed by its player and id as written (an id written two ways is for the general
        reader); its first node must describe it (label and actions), and a later description
        must be written as the first."""
        if not nodes.size:
            return ()
        keys = list(zip(_take(cols[2], nodes), _take(cols[3], nodes), strict=True))
        index, distinct, set_labels, set_bodies = _described(keys, _take(cols[4], nodes),
                                                             _take(cols[5], nodes))
        players = [int(p) for p, _ in distinct]
        ids = [int(i) for _, i in distinct]
        if min(players) < 1 or max(players) > len(self.players) or min(ids) < 1:
            raise _Unsupported
        actions = [self._actions(b) for b in set_bodies]
        if "" not in set_labels and len(set(set_labels)) == len(set_labels):
            names = set_labels  # what infoset_name gives distinct, non-empty labels
        else:
            taken: set[str] = set()
            names = [infoset_name(label, self.players[p - 1], i, taken)
                     for label, p, i in zip(set_labels, players, ids, strict=True)]
        _place(nodes, index, actions, arity, acts)
        infoset_of[nodes] = index
        order = np.argsort(index, kind="stable")
        members = nodes[order].tolist()
        ends = np.cumsum(np.bincount(index, minlength=len(actions))).tolist()
        begin = [0, *ends[:-1]]
        return tuple(Infoset(name, p - 1, a, tuple(members[b:e]))
                     for name, p, a, b, e in zip(names, players, actions, begin, ends,
                                                 strict=True))

    def _actions(self, body: str) -> tuple[str, ...]:
        found = self.actions_of.get(body)
        if found is None:
            if not _ACTIONS_RE.fullmatch(body):
                raise _Unsupported
            found = self.actions_of[body] = unique_labels(_ACTION_RE.findall(body), str)
        return found

    def _chance(self, cols: list[tuple[str, ...]], nodes: np.ndarray, arity: np.ndarray,
                acts: np.ndarray) -> list[str]:
        """The chance ``nodes``' actions and their probability tokens, node by node. A chance
        set is keyed by its id's value; its first node describes it, a later description is
        written as the first."""
        if not nodes.size:
            return []
        ids = [int(i) for i in _take(cols[8], nodes)]
        if min(ids) < 1:
            raise _Unsupported
        index, _, _, bodies = _described(ids, _take(cols[9], nodes), _take(cols[10], nodes))
        actions: list[tuple[str, ...]] = []
        tokens: list[tuple[str, ...]] = []
        for body in bodies:
            if not _CHANCE_RE.fullmatch(body):
                raise _Unsupported
            pairs = _CHANCE_PAIR_RE.findall(body)
            written = tuple(a for a, _ in pairs)
            found = self.labels_of.get(written)
            if found is None:
                found = self.labels_of[written] = unique_labels(written, str)
            actions.append(found)
            tokens.append(tuple(p for _, p in pairs))
        _place(nodes, index, actions, arity, acts)
        return list(itertools.chain.from_iterable(tokens[k] for k in index.tolist()))


def _described(keys: Sequence[Hashable], labels: list[str], bodies: list[str]
               ) -> tuple[np.ndarray, list[Any], list[str], list[str]]:
    """Keys (one per node) numbered by first appearance, checked to be described (label and
    body) at their first node and written alike wherever described again: the number per node,
    the distinct keys, and per key its label and body."""
    seen: dict[Hashable, int] = {}
    index = np.array([seen.setdefault(k, len(seen)) for k in keys], dtype=np.int64)
    first = _first_positions(index, len(seen))
    named = np.array(labels, dtype=object)
    written = np.array(bodies, dtype=object)
    described = written != ""
    if not described[first].all() or not _written_alike(described, first, index, named,
                                                            written):
        raise _Unsupported
    return index, list(seen), named[first].tolist(), written[first].tolist()


def _place(nodes: np.ndarray, index: np.ndarray, actions: list[tuple[str, ...]],
           arity: np.ndarray, acts: np.ndarray) -> None:
    """Give each of ``nodes`` the actions of its set (``index`` into ``actions``)."""
    arity[nodes] = np.array([len(a) for a in actions], dtype=np.int64)[index]
    acts[nodes] = _objects(actions)[index]


def _flags(column: tuple[str, ...]) -> np.ndarray:
    """Which entries of a column are not empty."""
    return np.fromiter(map(bool, column), dtype=bool, count=len(column))


def _objects(items: list[tuple[str, ...]]) -> np.ndarray:
    """A one-dimensional object array holding ``items`` (tuples kept whole)."""
    table = np.empty(len(items), dtype=object)
    for k, item in enumerate(items):
        table[k] = item
    return table


def _take(column: tuple[str, ...], nodes: np.ndarray) -> list[str]:
    return [column[k] for k in nodes.tolist()]


def _first_positions(index: np.ndarray, count: int) -> np.ndarray:
    """Where each of ``count`` keys first appears in ``index`` (keys numbered by first
    appearance)."""
    first = np.empty(count, dtype=np.int64)
    first[index[::-1]] = np.arange(index.size - 1, -1, -1)
    return first


def _written_alike(described: np.ndarray, first: np.ndarray, index: np.ndarray,
                   labels: np.ndarray, bodies: np.ndarray) -> bool:
    """Whether every later description of a key is written as its first."""
    again = described.copy()
    again[first] = False
    if not again.any():
        return True
    origin = first[index[again]]
    return bool((labels[again] == labels[origin]).all() and (bodies[again] == bodies[origin]).all())


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
        positions = np.arange(n, dtype=np.int64)
        for depth in range(1, deepest + 1):
            here = np.flatnonzero(open_ == depth)
            here = here[here > 0]
            if here.size:
                last = np.maximum.accumulate(np.where(open_ <= depth, positions, -1))
                parent[here] = last[here - 1]
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


def _outcomes(cols: list[tuple[str, ...]]) -> tuple[np.ndarray, list[str], list[str]]:
    """Every node's outcome row (-1: none), and per row its payoff body (inside the braces) and
    label. An outcome is defined where first written with payoffs (never outcome 0); a node
    naming it without payoffs must come later, and a later definition must be written alike."""
    ids = np.array([int(i) for i in cols[13]], dtype=np.int64)
    bodies = np.array(cols[15], dtype=object)
    labels = np.array(cols[14], dtype=object)
    described = bodies != ""
    rows = np.full(ids.size, -1, dtype=np.int64)
    defined = np.flatnonzero(described)
    if (ids[defined] == 0).any():
        raise _Unsupported
    index, distinct, heads_labels, heads_bodies = _described(
        ids[defined].tolist(), labels[defined].tolist(), bodies[defined].tolist())
    first = _first_positions(index, len(distinct))
    seen = {key: row for row, key in enumerate(distinct)}
    rows[defined] = index
    named = np.flatnonzero(~described & (ids != 0))
    if named.size:
        found = [seen.get(i, -1) for i in ids[named].tolist()]
        row = np.array(found, dtype=np.int64)
        if (row < 0).any() or (defined[first[row]] > named).any():
            raise _Unsupported
        rows[named] = row
    return rows, [b[1:-1] for b in heads_bodies], heads_labels


def _payoffs(bodies: list[str], rows: np.ndarray, count: int) -> Rationals:
    """Every node's payoffs: its outcome's, zero without one (one bulk read of all outcomes,
    each checked to hold one number per player)."""
    numbers, den = _payoff_table(bodies, count)
    table = np.vstack([numbers.reshape(-1, count), np.zeros((1, count), dtype=np.int64)])
    return table[rows], den  # row -1: the zero row


_SEPARATORS = bytes.maketrans(b",;\t\n\r\x0b\x0c", b"       ")
_USUAL = bytes(range(32, 127)) + b"\t\n\r\x0b\x0c"


def _payoff_table(bodies: list[str], count: int) -> Rationals:
    """The numbers of the payoff bodies (the text inside the braces), each checked to be
    ``NUMBER {[","] NUMBER}`` with ``count`` numbers: on the bytes at once when they are
    printable ASCII (:func:`_payoff_bytes`), else token by token (:func:`_payoff_tokens`)."""
    if not bodies:
        return np.zeros(0, dtype=np.int64), 1
    joined = ";".join(bodies)
    if joined.count(";") != len(bodies) - 1:
        raise _Unsupported
    if joined.isascii():
        raw = joined.encode("ascii")
        if not raw.translate(None, _USUAL):
            found = _payoff_bytes(raw, len(bodies), count)
            if found is not None:
                return found
    return _payoff_tokens(bodies, count)


def _payoff_bytes(raw: bytes, bodies: int, count: int) -> Rationals | None:
    """:func:`_payoff_tokens` on the bodies joined by ``;`` (printable ASCII and whitespace),
    checked with numpy: a token is a run of characters other than whitespace, ``,`` and ``;``;
    every body holds ``count`` tokens, and each comma has a token as its nearest non-space
    neighbour on both sides. The numbers are then parsed at once
    (:func:`~alliance_games.model.gambit_numbers.read_number_text`); ``None`` when they are not
    all integers and decimals (the caller reads the tokens)."""
    chars = np.frombuffer(raw, dtype=np.uint8)
    space = np.isin(chars, np.frombuffer(b" \t\n\r\x0b\x0c", dtype=np.uint8))
    comma, semi = chars == ord(","), chars == ord(";")
    word = ~(space | comma | semi)
    starts = np.flatnonzero(word & ~np.concatenate([[False], word[:-1]]))
    edges = np.concatenate([[0], np.flatnonzero(semi), [chars.size]])
    if (np.diff(np.searchsorted(starts, edges)) != count).any() or starts.size != bodies * count:
        raise _Unsupported
    if comma.any():
        solid = np.flatnonzero(~space)
        at = np.searchsorted(solid, np.flatnonzero(comma))
        if at.min() == 0 or at.max() == solid.size - 1 or \
                not (word[solid[at - 1]].all() and word[solid[at + 1]].all()):
            raise _Unsupported
    return read_number_text(raw.translate(_SEPARATORS).decode("ascii"), bodies * count)


def _payoff_tokens(bodies: list[str], count: int) -> Rationals:
    """The payoff bodies read token by token: tokens are put one space apart, so that a
    misplaced comma shows as a fixed substring and every body's end falls at a fixed
    position."""
    joined = " ; ".join(bodies)  # the caller has checked that no body holds a ";"
    spaced = " ".join(joined.replace(",", " , ").split())
    if " , , " in spaced or " ; , " in spaced or " , ; " in spaced or \
            spaced.startswith(", ") or spaced.endswith(" ,") or spaced.startswith(";"):
        raise _Unsupported
    tokens = spaced.replace(" ,", "").split(" ")
    ends = tokens[count::count + 1]
    if len(tokens) != len(bodies) * (count + 1) - 1 or ends.count(";") != len(ends):
        raise _Unsupported
    del tokens[count::count + 1]
    values = read_numbers(tokens)
    if values is None:
        raise _Unsupported
    return values


def _chance_numbers(tokens: list[str], starts: list[int], edges: int,
                    slots: np.ndarray) -> Rationals:
    """Every edge's probability (zero below decision nodes), each chance node's checked to be
    non-negative and to sum to 1 exactly."""
    values = read_numbers(tokens)
    if values is None:
        raise _Unsupported
    numbers, den = values
    if numbers.size:
        if int(numbers.min()) < 0 or int(numbers.max()) > den or den * edges >= 2**62:
            raise _Unsupported
        if np.any(np.add.reduceat(numbers, starts) != den):
            raise _Unsupported
    full = np.zeros(edges, dtype=np.int64)
    full[slots] = numbers
    return full, den
