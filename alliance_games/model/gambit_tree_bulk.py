"""A fast reader for the ``.efg`` files most tools write: whole nodes by one regular expression.

:func:`read_tree_bulk` reads the node list of an ``.efg`` file (the text after the header and
comment) when it has the plain shape that Gambit and
:func:`~alliance_games.model.gambit_format.write_efg` write: tokens separated by whitespace, labels
without backslashes, braces only around action lists and payoffs, and numbers that
:func:`~alliance_games.model.gambit_numbers.read_numbers` reads in bulk. One ``findall`` over the
text yields a tuple of fields per node (:data:`NODE_RE`); a loop over the tuples follows the
pre-order with a stack, and the numbers of all outcomes and all chance actions are converted in
one bulk call each.

The answer is the tree :func:`~alliance_games.model.gambit_format.read_efg` builds from the same
text, or ``None``: for text of another shape, and for text the general reader would refuse or must
judge number by number (an unknown outcome, a redefinition written differently, chance
probabilities that are negative or do not sum to 1, too many nodes, ...). The caller then runs
the general reader, which gives the located error. The information-set names, labels and checks
below are those of the general reader, applied to the same fields.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree, Infoset
from alliance_games.model.gambit_numbers import Rationals, as_floats, as_fractions, read_numbers
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
    try:
        return _Reader(players).read(text, start, title, exact, max_nodes)
    except _Unsupported:
        return None


class _Reader:
    """One pass over the node tuples, keeping what the general reader keeps."""

    def __init__(self, players: tuple[str, ...]) -> None:
        self.players = players
        # (player, id) as written -> (label and body as written, infoset index, actions)
        self.infosets: dict[tuple[str, str], tuple[tuple[str, str], int, tuple[str, ...]]] = {}
        # chance id -> (label and body as written, actions, probability tokens)
        self.chance: dict[int, tuple[tuple[str, str], tuple[str, ...], tuple[str, ...]]] = {}
        self.outcomes: dict[int, tuple[tuple[str, str], int]] = {}  # id -> as written, row
        self.payoff_bodies: list[str] = []  # per outcome row
        self.outcome_labels: list[str] = []
        self.names: set[str] = set()
        self.sets: list[tuple[str, int, tuple[str, ...], list[int]]] = []
        self.actions_of: dict[str, tuple[str, ...]] = {}

    def read(self, text: str, start: int, title: str, exact: bool, max_nodes: int) -> GameTree:
        nodes = NODE_RE.findall(text, start)
        if not nodes or len(nodes) > max_nodes:
            raise _Unsupported
        kinds: list[int] = []
        parents: list[int] = []
        infoset_of: list[int] = []
        rows: list[int] = []  # outcome row per node, -1 for none
        labels: list[str] = []
        arity: list[int] = []
        edge_labels: list[tuple[str, ...]] = []  # per node with children, in node order
        chance_slots: list[int] = []  # the edges below chance nodes
        chance_probs: list[str] = []  # their probability tokens
        sums: list[int] = []  # where each chance node's edges start among chance_slots
        stack: list[list[int]] = []  # [node, children still to come]
        edges = 0
        decision, chance, outcome = self._decision, self._chance, self._outcome
        for k, fields in enumerate(nodes):
            if fields[16] or (k and not stack):
                raise _Unsupported
            if stack:
                top = stack[-1]
                parents.append(top[0])
                top[1] -= 1
                if not top[1]:
                    stack.pop()
            else:
                parents.append(-1)
            if fields[0]:
                kinds.append(DECISION)
                labels.append(fields[1])
                index, actions = decision(k, fields)
                infoset_of.append(index)
            else:
                infoset_of.append(-1)
                if fields[6]:
                    kinds.append(CHANCE)
                    labels.append(fields[7])
                    actions, probs = chance(fields)
                    sums.append(len(chance_slots))
                    chance_slots.extend(range(edges, edges + len(actions)))
                    chance_probs.extend(probs)
                else:
                    kinds.append(TERMINAL)
                    labels.append(fields[12])
                    actions = ()
            rows.append(outcome(fields[13], fields[14], fields[15])
                        if fields[15] or fields[13] != "0" else -1)
            if actions:
                count = len(actions)
                arity.append(count)
                edge_labels.append(actions)
                edges += count
                stack.append([k, count])
            else:
                arity.append(0)
        if stack:
            raise _Unsupported
        n = len(nodes)
        kind = np.array(kinds, dtype=np.int8)
        parent = np.array(parents, dtype=np.int64)
        outcome_rows = np.array(rows, dtype=np.int64)
        child_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(arity, out=child_ptr[1:])
        edge_probs = _chance_numbers(chance_probs, sums, edges, chance_slots)
        payoffs = self._payoffs(outcome_rows)
        convert = as_fractions if exact else as_floats
        outcome_labels = self.outcome_labels + [""]  # row -1: no outcome
        return GameTree(
            players=self.players, kind=kind, parent=parent, child_ptr=child_ptr,
            # pre-order: a node's children are the later nodes naming it, in action order
            child_index=np.argsort(parent[1:], kind="stable") + 1,
            edge_label=tuple(itertools.chain.from_iterable(edge_labels)),
            edge_prob=convert(edge_probs), node_infoset=np.array(infoset_of, dtype=np.int64),
            infosets=tuple(Infoset(name, player, actions, tuple(members))
                           for name, player, actions, members in self.sets),
            node_payoffs=convert(payoffs), node_label=tuple(labels),
            node_tags=((),) * n, outcome_label=tuple(outcome_labels[r] for r in rows),
            title=title, has_payoff=(outcome_rows >= 0) | (kind == TERMINAL))

    def _decision(self, node: int, fields: Sequence[str]) -> tuple[int, tuple[str, ...]]:
        """The information set of a decision node and its actions (ids as written are keys: an
        id written two ways is for the general reader)."""
        key = (fields[2], fields[3])
        known = self.infosets.get(key)
        if fields[5]:
            written = (fields[4], fields[5])
            if known is None:
                player, iid = int(fields[2]), int(fields[3])
                if not 1 <= player <= len(self.players) or iid < 1:
                    raise _Unsupported
                actions = self._actions(fields[5])
                name = infoset_name(fields[4], self.players[player - 1], iid, self.names)
                known = self.infosets[key] = (written, len(self.sets), actions)
                self.sets.append((name, player - 1, actions, []))
            elif known[0] != written:
                raise _Unsupported
        elif known is None:
            raise _Unsupported
        self.sets[known[1]][3].append(node)
        return known[1], known[2]

    def _actions(self, body: str) -> tuple[str, ...]:
        found = self.actions_of.get(body)
        if found is None:
            if not _ACTIONS_RE.fullmatch(body):
                raise _Unsupported
            found = self.actions_of[body] = unique_labels(_ACTION_RE.findall(body), str)
        return found

    def _chance(self, fields: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        cid = int(fields[8])
        if cid < 1:
            raise _Unsupported
        known = self.chance.get(cid)
        if fields[10]:
            written = (fields[9], fields[10])
            if known is None:
                if not _CHANCE_RE.fullmatch(fields[10]):
                    raise _Unsupported
                pairs = _CHANCE_PAIR_RE.findall(fields[10])
                known = self.chance[cid] = (written, unique_labels([a for a, _ in pairs], str),
                                            tuple(p for _, p in pairs))
            elif known[0] != written:
                raise _Unsupported
        elif known is None:
            raise _Unsupported
        return known[1], known[2]

    def _outcome(self, oid_text: str, label: str, body: str) -> int:
        """The outcome row of a node (-1: no outcome)."""
        oid = int(oid_text)
        known = self.outcomes.get(oid)
        if body:
            if oid == 0:
                raise _Unsupported
            if known is None:
                known = self.outcomes[oid] = ((label, body), len(self.payoff_bodies))
                self.payoff_bodies.append(body[1:-1])
                self.outcome_labels.append(label)
            elif known[0] != (label, body):
                raise _Unsupported
            return known[1]
        if oid == 0:
            return -1
        if known is None:
            raise _Unsupported
        return known[1]

    def _payoffs(self, rows: np.ndarray) -> Rationals:
        """Every node's payoffs: its outcome's, zero without one (one bulk read of all
        outcomes, each checked to hold one number per player)."""
        count = len(self.players)
        numbers, den = _payoff_table(self.payoff_bodies, count)
        table = np.vstack([numbers.reshape(-1, count), np.zeros((1, count), dtype=np.int64)])
        return table[rows], den  # row -1: the zero row


def _payoff_table(bodies: list[str], count: int) -> Rationals:
    """The numbers of the payoff bodies (the text inside the braces), each checked to be
    ``NUMBER {[","] NUMBER}`` with ``count`` numbers: tokens are put one space apart, so that
    a misplaced comma shows as a fixed substring and every body's end falls at a fixed position."""
    if not bodies:
        return np.zeros(0, dtype=np.int64), 1
    joined = " ; ".join(bodies)
    if joined.count(";") != len(bodies) - 1:
        raise _Unsupported
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
                    slots: list[int]) -> Rationals:
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
