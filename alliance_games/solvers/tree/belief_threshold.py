"""Perfect Bayesian equilibria of one-signal games with two types, by belief thresholds.

**Class.** A tree (typically a subgame handed over by the decomposition of
:mod:`~alliance_games.solvers.tree.subgame_perfect`) whose root is a chance move with two
outcomes, the *types* ``t = 0, 1`` with prior ``pi_t``, each followed by a singleton decision node
of the same player, the *sender*, with the same actions, the *signals*. Below the signal ``s``
the two copies of the game (type 0's and type 1's) have the same shape; every other player's
information set there holds exactly the two corresponding nodes (it sees the signal and the
public history, never the type); the sender's later nodes are singletons (it knows its type);
chance moves above any such information set have the same probabilities in both copies (they
reveal nothing about the type), those below none may differ (a type-dependent draw, e.g. whether
resolve persists). Nothing after the signal teaches the receivers anything about the type, so
Bayes' rule gives every information set after ``s`` the same belief: the posterior ``p_s`` that
the sender is type 0 (Fudenberg and Tirole 1991, ch. 8: beliefs change only with information).

**Method.** For a belief ``p`` the continuation after ``s`` is a game of perfect information
among the receivers with the type as a chance move of probabilities ``(p, 1 - p)``: backward
induction, every receiver comparing ``p v_0(a) + (1 - p) v_1(a)``, gives all its pure
solutions. They change with ``p`` only where some receiver's comparison is an equality, so
``[0, 1]`` splits into finitely many points and open intervals (found exactly by a walk from
interval midpoints to the nearest crossing points) on each of which the pure solutions are
constant. The sender's candidates are then

* pure pairs of signals (pooling and separating): on-path posteriors by Bayes' rule; an unsent
  signal needs some belief, with the receivers' solution there (pure, or one receiver mixing two
  tied actions), that deters both types;
* one type mixing two signals, the other sending one of them: the posterior of the shared signal
  must lie where the mixing type is indifferent, which (the sender's values being constant on
  the open intervals) is a crossing point at which one receiver mixes two tied actions with the
  probability that makes the type indifferent, or a whole interval on which the values tie (a
  continuum: its midpoint is listed and the result marked incomplete);
* both types mixing the same two signals: both posteriors at crossing points, the two
  receivers' mixing probabilities solving both types' indifference (a 2x2 linear system).

Every candidate is then verified exactly and independently (:func:`_verified`): the sender
optimal at each of its nodes, every receiver's action optimal at the common belief after its
signal, Bayes' rule on the path.

**Completeness.** ``complete=True`` means: every equilibrium of the class in which receivers mix
at most at one information set after each signal is listed once per distinct behaviour on the
path, with one admissible belief (and the receivers' play there) after each unsent signal. It is
False when a tie on the path or an interval of indifference makes a continuum (its ends are not
all listed), or when ties produce more than ``MAX_ALTERNATIVES`` pure continuations.
:func:`matches` says whether a tree is in the class; other trees go to
:func:`~alliance_games.solvers.tree.perfect_bayesian.perfect_bayesian`.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from alliance_games.games.rational import (
    combination,
    exact_type,
    exact_values,
    fraction_array,
    fraction_tuple,
    to_fraction,
)
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.solvers.result import Equilibrium, SolverResult

MAX_ALTERNATIVES = 64
PIECES_KEPT = 4096  # continuations whose pieces are remembered (:func:`pieces`)
F0, F1 = Fraction(0), Fraction(1)
Vec = tuple[Fraction, ...]


# ---- the structure ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Copy:
    """One signal's continuation: ``size`` nodes from ``start[t]`` in type ``t``'s copy."""

    signal: int
    start: tuple[int, int]
    size: int


@dataclass(frozen=True)
class Structure:
    sender: int
    types: tuple[int, int]  # the sender's two nodes
    prior: tuple[Fraction, Fraction]
    copies: tuple[Copy, ...]


def matches(tree: GameTree) -> Structure | None:
    """The class structure of ``tree`` (module docstring), or ``None`` when it is not in it."""
    if not tree.exact or tree.kind[0] != CHANCE or len(tree.children(0)) != 2:
        return None
    first, second = (int(c) for c in tree.children(0))
    types = (first, second)
    if any(tree.kind[n] != DECISION or not tree.is_singleton(n) for n in types):
        return None
    sender = tree.infosets[int(tree.node_infoset[types[0]])].player
    if tree.infosets[int(tree.node_infoset[types[1]])].player != sender or \
            tree.actions(types[0]) != tree.actions(types[1]):
        return None
    prior = tuple(Fraction(p) for p in tree.edge_prob[tree.child_ptr[0]:tree.child_ptr[1]])
    copies = []
    for s in range(len(tree.actions(types[0]))):
        a, b = (int(tree.children(n)[s]) for n in types)
        size = int(tree.subtree_end[a]) - a
        if int(tree.subtree_end[b]) - b != size or not _parallel(tree, sender, a, b, size):
            return None
        copies.append(Copy(s, (a, b), size))
    return Structure(sender, types, (prior[0], prior[1]), tuple(copies))


def _parallel(tree: GameTree, sender: int, a: int, b: int, size: int) -> bool:
    """Whether the subtrees at ``a`` and ``b`` are two copies in the class's sense (offset by
    offset in pre-order, so that every ancestor of an offset is seen before it)."""
    ptr, kind = tree.child_ptr, tree.kind
    if not (np.array_equal(kind[a:a + size], kind[b:b + size])
            and np.array_equal(np.diff(ptr[a:a + size + 1]), np.diff(ptr[b:b + size + 1]))):
        return False
    ea, eb = int(ptr[a]), int(ptr[b])
    width = int(ptr[a + size]) - ea  # the copies' edges: equal degrees, so equal ranges
    if tree.edge_label[ea:ea + width] != tree.edge_label[eb:eb + width]:
        return False
    kinds = kind[a:a + size].tolist()
    bounds = (ptr[a:a + size + 1] - ea).tolist()
    probs = tree.edge_prob[ea:ea + width].tolist(), tree.edge_prob[eb:eb + width].tolist()
    sets_a, sets_b = tree.node_infoset[a:a + size].tolist(), tree.node_infoset[b:b + size].tolist()
    parents = (tree.parent[a:a + size] - a).tolist()
    sets = tree.infosets
    # marked: informative chance moves (probabilities differ between the copies) and sender
    # moves; a receiver may have neither above it in its copy
    marked, above = [False] * size, [False] * size
    for k in range(size):
        if k:
            up = parents[k]
            above[k] = above[up] or marked[up]
        if kinds[k] == CHANCE:
            lo, hi = bounds[k], bounds[k + 1]
            marked[k] = any(Fraction(p) != Fraction(q) for p, q in
                            zip(probs[0][lo:hi], probs[1][lo:hi], strict=True))
        elif kinds[k] == DECISION:
            ix, iy = sets_a[k], sets_b[k]
            if sets[ix].player == sender:
                if len(sets[ix].nodes) != 1 or len(sets[iy].nodes) != 1:
                    return False
                marked[k] = True
            elif ix != iy or set(sets[ix].nodes) != {a + k, b + k} or above[k]:
                return False
    return True


# ---- the continuation at a belief ---------------------------------------------------------------
@dataclass(frozen=True)
class Alt:
    """A pure solution of a continuation: each copy's values and the choices made in it."""

    values: tuple[Vec, Vec]
    choices: tuple[tuple[int, int], ...]  # (node, action index): receivers at copy-0 nodes


def _rows(payoffs: np.ndarray, width: int) -> list[Vec]:
    """The rows of a payoff block in the fast exact type, one tuple per node."""
    return _blocks(exact_values(payoffs.ravel().tolist()), list(range(0, payoffs.size + 1, width)))


def _blocks(values: list[Fraction], offsets: list[int]) -> list[Vec]:
    """``values`` cut at ``offsets`` (consecutive bounds), one tuple per block."""
    return [tuple(values[lo:hi]) for lo, hi in itertools.pairwise(offsets)]


def _value(alt: Alt, p: Fraction, player: int) -> Fraction:
    return p * alt.values[0][player] + (1 - p) * alt.values[1][player]


class Continuation:
    """Backward induction after one signal at a belief ``p`` (module docstring).

    Numbers (payoffs, probabilities, beliefs, values) are in the fast exact type of
    :mod:`alliance_games.games.rational`, read from the tree once per node."""

    def __init__(self, tree: GameTree, sender: int, copy: Copy) -> None:
        self.tree, self.sender, self.copy = tree, sender, copy
        self.overflow = False
        # offsets whose subtree holds no receiver: their solutions do not depend on the belief
        a, b = copy.start
        size = copy.size
        nodes = np.arange(a, a + size)
        mover = np.array([s.player for s in tree.infosets] + [-1], dtype=np.int64)
        receiver = (tree.kind[nodes] == DECISION) & (mover[tree.node_infoset[nodes]] != sender)
        self.kind: list[int] = tree.kind[nodes].tolist()
        self.mover: list[int] = mover[tree.node_infoset[nodes]].tolist()  # -1: no decision
        zero = exact_type()(0)
        self.zero = tuple(zero for _ in range(tree.num_players))
        below = np.concatenate([[0], np.cumsum(receiver)])  # receivers before each offset
        ends = tree.subtree_end[nodes] - a
        self.fixed = (below[ends] == below[:size]).tolist()
        self.memo: dict[int, list[Alt]] = {}
        self.at_point = False  # at a crossing point, mixtures of tied choices are candidates
        # per offset, in both copies: own payoffs (None when all zero), children, probabilities;
        # read as whole blocks (a copy is a pre-order range, its edges a range too)
        ptr = tree.child_ptr
        width = tree.num_players
        own = [_rows(tree.node_payoffs[start:start + size], width) for start in (a, b)]
        self.own: list[tuple[Vec, Vec] | None] = [
            pair if any(pair[0]) or any(pair[1]) else None for pair in zip(*own, strict=True)]
        offsets = (ptr[a:a + size + 1] - ptr[a]).tolist()
        kids = (tree.child_index[ptr[a]:ptr[a + size]] - a).tolist()
        self.kids: list[list[int]] = [kids[lo:hi] for lo, hi in itertools.pairwise(offsets)]
        probs = [_blocks(exact_values(tree.edge_prob[ptr[start]:ptr[start + size]].tolist()),
                         (ptr[start:start + size + 1] - ptr[start]).tolist()) for start in (a, b)]
        self.probs: list[tuple[Vec, Vec]] = list(zip(*probs, strict=True))

    def content(self) -> tuple[object, ...]:
        """Everything the solutions depend on (the exact type, the sender, where the copies
        start, and per offset the kind, mover, children, own payoffs and probabilities): equal
        contents give equal :func:`pieces`."""
        return (exact_type(), self.sender, self.copy.start, self.copy.size, len(self.zero),
                tuple(self.kind), tuple(self.mover), tuple(map(tuple, self.kids)),
                tuple(self.own), tuple(self.probs))

    def solve(self, p: Fraction) -> tuple[list[Alt], set[Fraction]]:
        """All pure solutions at ``p`` and the beliefs where some receiver's choice could change."""
        crossings: set[Fraction] = set()
        alts = self._node(0, p, crossings)
        return alts, crossings

    def _node(self, k: int, p: Fraction, crossings: set[Fraction]) -> list[Alt]:
        if self.fixed[k]:
            if k not in self.memo:
                self.memo[k] = self._solve_node(k, p, crossings)
            return self.memo[k]
        return self._solve_node(k, p, crossings)

    def _plus(self, k: int, v0: Vec, v1: Vec) -> tuple[Vec, Vec]:
        """The node's own payoffs plus the continuation values ``v0``, ``v1`` of the copies."""
        own = self.own[k]
        if own is None:
            return v0, v1
        return (tuple(o + v for o, v in zip(own[0], v0, strict=True)),
                tuple(o + v for o, v in zip(own[1], v1, strict=True)))

    def _solve_node(self, k: int, p: Fraction, crossings: set[Fraction]) -> list[Alt]:
        a, b = self.copy.start
        x, y = a + k, b + k
        kind = self.kind[k]
        if kind == TERMINAL:
            return [Alt(self.own[k] or (self.zero, self.zero), ())]
        options = [self._node(c, p, crossings) for c in self.kids[k]]
        if kind == CHANCE:
            probs = self.probs[k]
            out = []
            for combo in self._product(options):
                v0, v1 = (tuple(combination(probs[t], [alt.values[t] for alt in combo]))
                          for t in (0, 1))
                out.append(Alt(self._plus(k, v0, v1),
                               tuple(c for alt in combo for c in alt.choices)))
            return out
        mover = self.mover[k]
        flat = [(i, alt) for i, opts in enumerate(options) for alt in opts]
        out = []
        if mover == self.sender:  # singletons: each type picks its best, independently
            per_type = []
            for t in (0, 1):
                best = max(alt.values[t][mover] for _, alt in flat)
                per_type.append([(i, alt) for i, alt in flat if alt.values[t][mover] == best])
            for (i0, alt0), (i1, alt1) in itertools.product(*per_type):
                rest = tuple(c for i, opts in enumerate(options) for t, chosen in ((0, i0), (1, i1))
                             if i != chosen for c in self._own(opts[0].choices, t))
                out.append(Alt(self._plus(k, alt0.values[0], alt1.values[1]),
                               ((x, i0), (y, i1)) + self._own(alt0.choices, 0)
                               + self._own(alt1.choices, 1) + rest))
            return self._cap(out)
        for (_, u), (_, w) in itertools.combinations(flat, 2):
            d0, d1 = u.values[0][mover] - w.values[0][mover], u.values[1][mover] - w.values[1][mover]
            if d0 != d1:  # p d0 + (1 - p) d1 = 0
                crossings.add(-d1 / (d0 - d1))
        worth = [_value(alt, p, mover) for _, alt in flat]  # the mover's value at p, per item
        best = max(worth)
        keep: set[int] = set()
        if self.at_point:  # keep what a mixture of deeper tied choices could make optimal
            by_option: list[list[Fraction]] = [[] for _ in options]
            for (i, _), v in zip(flat, worth, strict=True):
                by_option[i].append(v)
            floor = max(min(vs) for vs in by_option)
            keep = {i for i, vs in enumerate(by_option) if max(vs) >= floor}
        for (i, alt), v in zip(flat, worth, strict=True):
            if v == best or i in keep:
                rest = tuple(c for j, opts in enumerate(options) if j != i
                             for c in opts[0].choices)
                out.append(Alt(self._plus(k, *alt.values), ((x, i),) + alt.choices + rest))
        return self._cap(out)

    def _product(self, options: Sequence[list[Alt]]) -> Iterator[tuple[Alt, ...]]:
        total = 1
        for opts in options:
            total *= len(opts)
        if total > MAX_ALTERNATIVES:
            self.overflow = True
        return itertools.islice(itertools.product(*options), MAX_ALTERNATIVES)

    def _own(self, choices: tuple[tuple[int, int], ...], t: int) -> tuple[tuple[int, int], ...]:
        """The choices made at nodes of copy ``t`` (below a sender node only the sender moves)."""
        start = self.copy.start[t]
        return tuple(c for c in choices if start <= c[0] < start + self.copy.size)

    def _cap(self, out: list[Alt]) -> list[Alt]:
        if len(out) > MAX_ALTERNATIVES:
            self.overflow = True
        return out[:MAX_ALTERNATIVES]


@dataclass
class Piece:
    """Beliefs ``lo < p < hi`` (``point``: ``p == lo == hi``) with the same pure solutions."""

    lo: Fraction
    hi: Fraction
    point: bool
    alts: list[Alt] = field(default_factory=list)

    @property
    def sample(self) -> Fraction:
        return self.lo if self.point else (self.lo + self.hi) / 2


_PIECES: OrderedDict[tuple[object, ...], tuple[list[Piece], bool]] = OrderedDict()
"""The pieces of the last :data:`PIECES_KEPT` continuations by content, and whether solving
them overflowed: the subgames of one decomposition repeat continuations (the truncated games
differ elsewhere). Pieces are read only."""


def pieces(cont: Continuation) -> list[Piece]:
    """The partition of ``[0, 1]`` into points and open intervals of constant pure solutions
    (found again, by content, when an equal continuation was solved before)."""
    key = cont.content()
    found = _PIECES.get(key)
    if found is not None:
        _PIECES.move_to_end(key)
        cont.overflow = cont.overflow or found[1]
        return list(found[0])
    out = _pieces(cont)
    _PIECES[key] = (list(out), cont.overflow)
    if len(_PIECES) > PIECES_KEPT:
        _PIECES.popitem(last=False)
    return out


def _pieces(cont: Continuation) -> list[Piece]:
    """:func:`pieces` computed: solutions at the ends, then at interval midpoints and the
    crossing points found there (a walk over a stack of open intervals: no recursive closure,
    whose reference cycle would keep the continuation alive until a garbage collection)."""
    out: list[Piece] = []
    zero, one = exact_type()(0), exact_type()(1)
    points = [zero, one]
    intervals = [(zero, one)]
    while points or intervals:
        for p in points:
            cont.at_point = True
            out.append(Piece(p, p, True, cont.solve(p)[0]))
            cont.at_point = False
        points = []
        if not intervals:
            break
        lo, hi = intervals.pop()
        alts, crossings = cont.solve((lo + hi) / 2)
        inside = sorted(c for c in crossings if lo < c < hi)
        if not inside:
            out.append(Piece(lo, hi, False, alts))
            continue
        points = inside
        intervals.extend(itertools.pairwise([lo, *inside, hi]))
    out.sort(key=lambda piece: (piece.lo, not piece.point))
    return out


# ---- the sender's candidates --------------------------------------------------------------------
@dataclass(frozen=True)
class Play:
    """The continuation after one signal: belief ``p`` and a pure solution, or two solutions
    that differ at one receiver node only, mixed with weight ``tau`` on the second."""

    p: Fraction
    first: Alt
    second: Alt | None = None
    tau: Fraction = F0

    def value(self, t: int, player: int) -> Fraction:
        own = self.first.values[t][player]
        if self.second is None:
            return own
        return (1 - self.tau) * own + self.tau * self.second.values[t][player]


def _mixable(a: Alt, b: Alt) -> int | None:
    """The one node at which ``a`` and ``b`` choose differently, if there is exactly one."""
    da, db = dict(a.choices), dict(b.choices)
    differ = [n for n in da.keys() | db.keys() if da.get(n) != db.get(n)]
    return differ[0] if len(differ) == 1 else None


def _plays(piece: Piece) -> Iterator[tuple[Alt, Alt | None]]:
    """The pure solutions of a piece, then (at a point) its pairs mixable at one node."""
    for alt in piece.alts:
        yield alt, None
    if piece.point:
        for a, b in itertools.combinations(piece.alts, 2):
            if _mixable(a, b) is not None:
                yield a, b


def _representative(piece: Piece, lo: Fraction, hi: Fraction) -> Fraction | None:
    """A belief of ``piece`` strictly between ``lo`` and ``hi``, if there is one."""
    if piece.point:
        return piece.lo if lo < piece.lo < hi else None
    left, right = max(piece.lo, lo), min(piece.hi, hi)
    return (left + right) / 2 if left < right else None


def _tau_between(lo_value: Fraction, hi_value: Fraction, target: Fraction) -> Fraction | None:
    """``tau`` in [0, 1] with ``(1 - tau) lo + tau hi == target``, if unique."""
    if lo_value == hi_value:
        return None
    tau = (target - lo_value) / (hi_value - lo_value)
    return tau if F0 <= tau <= F1 else None


@dataclass
class _Search:
    tree: GameTree
    structure: Structure
    conts: list[list[Piece]]
    found: list[tuple[tuple[tuple[Fraction, ...], tuple[Fraction, ...]], list[Play | None]]] = \
        field(default_factory=list)
    continuum: bool = False

    @property
    def signals(self) -> int:
        return len(self.conts)

    @property
    def prior(self) -> tuple[Fraction, Fraction]:
        """The types' prior in the fast exact type."""
        pi0, pi1 = exact_values(self.structure.prior)
        return pi0, pi1

    def at(self, s: int, p: Fraction) -> Piece:
        return next(piece for piece in self.conts[s]
                    if (piece.point and piece.lo == p) or (not piece.point and piece.lo < p < piece.hi))

    def deterrent(self, s: int, bounds: tuple[Fraction, Fraction]) -> Play | None:
        """A belief and play after the unsent signal ``s`` under which neither type gains by
        sending it (``bounds``: each type's equilibrium value)."""
        sender = self.structure.sender
        for piece in self.conts[s]:
            for a, b in _plays(piece):
                if b is None:
                    play = Play(piece.sample, a)
                    if all(play.value(t, sender) <= bounds[t] for t in (0, 1)):
                        return play
                    continue
                lo, hi = F0, F1  # (1 - tau) a + tau b <= bound, for both types: an interval
                for t in (0, 1):
                    va, vb = a.values[t][sender], b.values[t][sender]
                    if va == vb:
                        if va > bounds[t]:
                            lo, hi = F1, F0
                    elif vb > va:
                        hi = min(hi, (bounds[t] - va) / (vb - va))
                    else:
                        lo = max(lo, (bounds[t] - va) / (vb - va))
                if lo <= hi and hi >= F0 and lo <= F1:
                    return Play(piece.sample, a, b, max(lo, F0))
        return None

    def finish(self, sigma: tuple[tuple[Fraction, ...], tuple[Fraction, ...]],
               plays: list[Play | None]) -> None:
        """Fill unsent signals with deterrent play and keep the candidate if both types are
        content (the exact verification follows later)."""
        sender = self.structure.sender
        bounds = []
        for t in (0, 1):
            sent = [s for s in range(self.signals) if sigma[t][s] > 0]
            values = {plays[s].value(t, sender) for s in sent}  # type: ignore[union-attr]
            if len(values) != 1:
                return
            bounds.append(values.pop())
        for s in range(self.signals):
            if plays[s] is None:
                plays[s] = self.deterrent(s, (bounds[0], bounds[1]))
                if plays[s] is None:
                    return
        for t in (0, 1):
            if any(plays[s].value(t, sender) > bounds[t] for s in range(self.signals)):  # type: ignore[union-attr]
                return
        self.found.append((sigma, plays))


def _pure(search: _Search) -> None:
    pi0, pi1 = search.prior
    n = search.signals
    for s0, s1 in itertools.product(range(n), repeat=2):
        sigma = (tuple(F1 if s == s0 else F0 for s in range(n)),
                 tuple(F1 if s == s1 else F0 for s in range(n)))
        posteriors = {s0: pi0 / (pi0 + pi1)} if s0 == s1 else {s0: F1, s1: F0}
        sent = sorted(posteriors)
        options = []
        for s in sent:
            piece = search.at(s, posteriors[s])
            if len(piece.alts) > 1:
                search.continuum = True  # a tie on the path: its mixtures are equilibria too
            options.append(_on_path_plays(search, s, posteriors[s], piece))
        for combo in itertools.product(*options):
            plays: list[Play | None] = [None] * n
            for s, play in zip(sent, combo, strict=True):
                plays[s] = play
            search.finish(sigma, plays)


def _on_path_plays(search: _Search, s: int, p: Fraction, piece: Piece) -> list[Play]:
    """The plays after a sent signal at its posterior: every pure solution and, where one
    receiver is indifferent, the mixtures at which some type becomes indifferent between this
    signal and a pure play after another signal (the extreme points of the mixtures that keep
    the types' choices)."""
    plays = [Play(p, alt) for alt in piece.alts]
    sender = search.structure.sender
    for a, b in _plays(piece):
        if b is None:
            continue
        taus = set()
        for other in range(search.signals):
            if other == s:
                continue
            for rest in search.conts[other]:
                for alt in rest.alts:
                    for t in (0, 1):
                        tau = _tau_between(a.values[t][sender], b.values[t][sender],
                                           alt.values[t][sender])
                        if tau is not None and F0 < tau < F1:
                            taus.add(tau)
        plays.extend(Play(p, a, b, tau) for tau in sorted(taus))
    return plays


def _one_mixes(search: _Search) -> None:
    """One type mixes two signals ``s`` (shared) and ``r``; the other sends ``s`` only."""
    pi0, pi1 = search.prior
    sender, n = search.structure.sender, search.signals
    for mixer, s, r in itertools.product((0, 1), range(n), range(n)):
        if s == r:
            continue
        p_r = F0 if mixer == 1 else F1  # only the mixer sends r
        for alt_r in search.at(r, p_r).alts:
            target = alt_r.values[mixer][sender]
            prior0 = pi0 / (pi0 + pi1)
            for piece in search.conts[s]:
                rep = _representative(piece, *((prior0, F1) if mixer == 1 else (F0, prior0)))
                if rep is None:
                    continue
                for a, b in _plays(piece):
                    if b is None:
                        if a.values[mixer][sender] != target:
                            continue
                        if not piece.point:
                            search.continuum = True  # indifferent on a whole interval
                        play = Play(rep, a)
                    else:
                        tau = _tau_between(a.values[mixer][sender], b.values[mixer][sender], target)
                        if tau is None or tau in (F0, F1):
                            continue
                        play = Play(rep, a, b, tau)
                    p = play.p  # P(type 0 | s): solve for the mixer's weight on s
                    weight = pi0 * (1 - p) / (pi1 * p) if mixer == 1 else pi1 * p / (pi0 * (1 - p))
                    if not F0 < weight < F1:
                        continue
                    sigma_m = tuple(weight if k == s else (1 - weight if k == r else F0)
                                    for k in range(n))
                    sigma_o = tuple(F1 if k == s else F0 for k in range(n))
                    sigma = (sigma_m, sigma_o) if mixer == 0 else (sigma_o, sigma_m)
                    plays: list[Play | None] = [None] * n
                    plays[s], plays[r] = play, Play(p_r, alt_r)
                    search.finish((sigma[0], sigma[1]), plays)


def _both_mix(search: _Search) -> None:
    """Both types mix the same two signals ``s`` and ``r``: posteriors at crossing points on
    either side of the prior, the receivers' mixing solving both types' indifference."""
    pi0, pi1 = search.prior
    sender, n = search.structure.sender, search.signals
    for s, r in itertools.combinations(range(n), 2):
        for ps, pr in itertools.product(search.conts[s], search.conts[r]):
            if not (ps.point and pr.point) or not (0 < ps.lo < 1 and 0 < pr.lo < 1):
                continue
            a_s, a_r = ps.lo, pr.lo
            if not (a_s - pi0 / (pi0 + pi1)) * (a_r - pi0 / (pi0 + pi1)) < 0:
                continue
            # pi0 x (1 - a_s) = a_s pi1 y and pi0 (1 - x)(1 - a_r) = a_r pi1 (1 - y)
            m = [[pi0 * (1 - a_s), -a_s * pi1], [-pi0 * (1 - a_r), a_r * pi1]]
            rhs = [F0, a_r * pi1 - pi0 * (1 - a_r)]
            det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
            if det == 0:
                continue
            x = (rhs[0] * m[1][1] - m[0][1] * rhs[1]) / det
            y = (m[0][0] * rhs[1] - rhs[0] * m[1][0]) / det
            if not (F0 < x < F1 and F0 < y < F1):
                continue
            for (a, b), (c, d) in itertools.product(_plays(ps), _plays(pr)):
                plays_s, plays_r = _solve_both(sender, a, b, c, d)
                if plays_s is None or plays_r is None:
                    continue
                plays: list[Play | None] = [None] * n
                plays[s] = Play(a_s, a, b, plays_s) if b is not None else Play(a_s, a)
                plays[r] = Play(a_r, c, d, plays_r) if d is not None else Play(a_r, c)
                sigma = (tuple(x if k == s else (1 - x if k == r else F0) for k in range(n)),
                         tuple(y if k == s else (1 - y if k == r else F0) for k in range(n)))
                search.finish(sigma, plays)


def _solve_both(sender: int, a: Alt, b: Alt | None, c: Alt, d: Alt | None
                ) -> tuple[Fraction | None, Fraction | None]:
    """Weights ``u`` (on ``b``) and ``w`` (on ``d``) making both types indifferent between
    the two signals' plays; pure plays keep weight 0."""
    rows = []
    for t in (0, 1):
        coef_u = (b.values[t][sender] - a.values[t][sender]) if b is not None else F0
        coef_w = -(d.values[t][sender] - c.values[t][sender]) if d is not None else F0
        rows.append((coef_u, coef_w, c.values[t][sender] - a.values[t][sender]))
    (p1, q1, r1), (p2, q2, r2) = rows
    det = p1 * q2 - q1 * p2
    if det != 0:
        u, w = (r1 * q2 - q1 * r2) / det, (p1 * r2 - r1 * p2) / det
    elif all(row == (F0, F0, F0) for row in rows):
        u, w = F0, F0
    else:
        return None, None
    ok = F0 <= u <= F1 and F0 <= w <= F1 and (b is not None or u == 0) and (d is not None or w == 0)
    return (u, w) if ok else (None, None)


# ---- assembling and verifying ----------------------------------------------------------------------
def _behaviour(tree: GameTree, structure: Structure,
               sigma: tuple[tuple[Fraction, ...], tuple[Fraction, ...]],
               plays: Sequence[Play]) -> list[np.ndarray] | None:
    """The behaviour profile of a candidate, every information set filled."""
    dists: list[np.ndarray | None] = [None] * len(tree.infosets)
    for t, node in enumerate(structure.types):
        dists[int(tree.node_infoset[node])] = np.array(fraction_tuple(sigma[t]), dtype=object)
    for play in plays:
        mixed_at = _mixable(play.first, play.second) if play.second is not None else None
        second = dict(play.second.choices) if play.second is not None else {}
        tau = to_fraction(play.tau)
        for node, action in play.first.choices:
            k = int(tree.node_infoset[node])
            width = len(tree.infosets[k].actions)
            dist = np.full(width, F0, dtype=object)
            if node == mixed_at:
                dist[action] += 1 - tau
                dist[second[node]] += tau
            else:
                dist[action] = F1
            dists[k] = dist
    if any(d is None for d in dists):
        return None
    return [d for d in dists if d is not None]


def _verified(tree: GameTree, structure: Structure, behaviour: list[np.ndarray],
              beliefs: Sequence[Fraction]) -> np.ndarray | None:
    """Exact check: every type's signal mixture and every later sender choice is optimal, and
    every receiver's is optimal at the common belief ``beliefs[s]`` after its signal. ``None``
    when the check fails, else the profile's expected payoffs (as Fractions)."""
    from alliance_games.games.profiles import behaviour_payoffs, edge_weights
    from alliance_games.solvers.tree.subgame_perfect import (
        continuation_values,
        exact_continuation_table,
    )

    weights = edge_weights(tree, behaviour)
    movers = sorted({s.player for s in tree.infosets})
    table = exact_continuation_table(tree, weights, movers)
    values = {j: continuation_values(tree, weights, j) if table is None else table[:, i]
              for i, j in enumerate(movers)}

    def best(options: list[Fraction], dist: np.ndarray) -> bool:
        top = max(options)
        return all(v == top for v, w in zip(options, dist, strict=True) if w > 0)

    for node in structure.types:
        kids = tree.children(node)
        if not best([values[structure.sender][int(c)] for c in kids],
                     behaviour[int(tree.node_infoset[node])]):
            return None
    for copy, p in zip(structure.copies, beliefs, strict=True):
        a, b = copy.start
        for k in range(copy.size):
            x, y = a + k, b + k
            if tree.kind[x] != DECISION:
                continue
            i = int(tree.node_infoset[x])
            mover = tree.infosets[i].player
            if mover == structure.sender:
                for node in (x, y):
                    kids = tree.children(node)
                    if not best([values[mover][int(c)] for c in kids],
                                behaviour[int(tree.node_infoset[node])]):
                        return None
                continue
            options = [p * values[mover][int(cx)] + (1 - p) * values[mover][int(cy)]
                       for cx, cy in zip(tree.children(x), tree.children(y), strict=True)]
            if not best(options, behaviour[i]):
                return None
    if table is not None and len(movers) == tree.num_players:  # the root's values
        return fraction_array(table[0])
    return behaviour_payoffs(tree, behaviour)


def belief_threshold(tree: GameTree, structure: Structure | None = None) -> SolverResult:
    """Every perfect Bayesian equilibrium of a one-signal two-type tree (module docstring);
    ``structure``: :func:`matches` of ``tree`` when the caller has it.

    Raises ``ValueError`` when ``tree`` is not in the class (:func:`matches`).
    """
    structure = matches(tree) if structure is None else structure
    if structure is None:
        raise ValueError("not a one-signal game with two types (see belief_threshold.matches)")
    conts = [Continuation(tree, structure.sender, copy) for copy in structure.copies]
    search = _Search(tree, structure, [pieces(c) for c in conts])
    _pure(search)
    _one_mixes(search)
    _both_mix(search)
    seen: set[tuple[tuple[Fraction, ...], ...]] = set()
    equilibria, details = [], []
    pi0, pi1 = search.prior
    for sigma, plays in search.found:
        full = [play for play in plays if play is not None]
        behaviour = _behaviour(tree, structure, sigma, full)
        if behaviour is None:
            continue
        beliefs = []
        for s, play in enumerate(full):
            sent = pi0 * sigma[0][s] + pi1 * sigma[1][s]
            beliefs.append(to_fraction(pi0 * sigma[0][s] / sent if sent else play.p))
        if any(full[s].p != beliefs[s] for s in range(len(full))):
            continue
        payoffs = _verified(tree, structure, behaviour, beliefs)
        if payoffs is None:
            continue
        key = tuple(tuple(d) for d in behaviour)
        if key in seen:
            continue
        seen.add(key)
        # verified sequentially rational at every set, so a Nash equilibrium: regret exactly 0
        equilibria.append(Equilibrium(tuple(behaviour), payoffs, F0, True))
        actions = tree.actions(structure.types[0])
        details.append({"posteriors": {actions[s]: str(beliefs[s]) for s in range(len(full))},
                        "off_path": [actions[s] for s in range(len(full))
                                     if not (pi0 * sigma[0][s] + pi1 * sigma[1][s])]})
    overflow = any(c.overflow for c in conts)
    warnings = []
    if search.continuum:
        warnings.append("a tie on the path or an interval of indifference makes a continuum of "
                        "equilibria: listed by representatives only")
    if overflow:
        warnings.append(f"more than {MAX_ALTERNATIVES} tied continuations: only the first kept")
    return SolverResult(
        method="belief_threshold", game=tree, equilibria=tuple(equilibria), exact=True,
        complete=not (search.continuum or overflow), warnings=tuple(warnings),
        diagnostics={"belief_threshold": details,
                     "class": "perfect Bayesian equilibria of a one-signal two-type game"})
