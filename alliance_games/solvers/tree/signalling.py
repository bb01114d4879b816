"""Pure perfect Bayesian equilibria of signalling games, and a sequential-rationality check.

A signalling game (Spence 1973; Cho & Kreps 1987; Fudenberg & Tirole 1991, ch. 8) is a tree of one
shape: chance draws the sender's type ``t`` with prior ``p(t)``; the sender, who knows ``t`` (one
information set per type), sends a message ``m``; the receiver sees ``m`` only (one information
set per message, holding one node per type) and responds with ``a``; the play ends.

A pure assessment (message map ``f``, responses ``r``, beliefs ``mu``) is a perfect Bayesian
equilibrium when (Fudenberg & Tirole 1991, def. 8.1):

* every message sent with positive probability gets the Bayes posterior
  ``mu(t | m) = p(t) / sum_{f(s) = m} p(s)`` over the types sending it, and ``r(m)`` is a best
  response to it (all best responses are tried when there are ties);
* after an unsent message any belief may be held, so ``r(m)`` is admissible iff some belief makes
  it a best response. That set of beliefs is the polytope ``{mu in simplex :
  sum_t mu_t (u_R(t, m, a) - u_R(t, m, b)) >= 0 for all b}``: an interval for two types (computed
  exactly), otherwise checked by an LP (HiGHS) and described exactly by its vertices;
* no type gains by sending another message: ``u_S(t, f(t), r(f(t))) >= u_S(t, m, r(m))``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.optimize import linprog

from alliance_games.errors import SolverError
from alliance_games.games.profiles import (
    behaviour_payoffs,
    behaviour_regrets,
    edge_weights,
    realization,
)
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.solvers.kernels.exact_linear import exact_affine_solution
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import slack
from alliance_games.solvers.tree.subgame_perfect import continuation_values

MAX_VERTEX_SYSTEMS = 50_000
"""Largest number of linear systems tried when listing the vertices of one belief region."""


@dataclass(frozen=True)
class _Shape:
    sender: int
    types: tuple[str, ...]
    prior: tuple[Fraction, ...]
    messages: tuple[str, ...]
    sender_sets: tuple[int, ...]  # infoset of each type
    receiver_sets: tuple[int, ...]  # infoset of each message
    pay: tuple[tuple[tuple[np.ndarray, ...], ...], ...]  # pay[t][m][a]: payoffs of every player


def _shape(tree: GameTree) -> _Shape:
    """Recognise the signalling shape, or raise :class:`SolverError` saying what differs."""
    def fail(why: str) -> SolverError:
        return SolverError(f"not a signalling game: {why} (expected chance -> sender type "
                           "-> message -> receiver response -> terminal)")

    if tree.kind[0] != CHANCE:
        raise fail("the root must be a chance move over the sender's types")
    type_nodes = [int(c) for c in tree.children(0)]
    types = tree.actions(0)
    prior = tuple(tree.edge_prob[e] for e in tree.edges(0))
    if any(tree.kind[n] != DECISION for n in type_nodes):
        raise fail("every type must be followed by a sender decision")
    sender_sets = tuple(int(tree.node_infoset[n]) for n in type_nodes)
    senders = {tree.infosets[k].player for k in sender_sets}
    messages = tree.infosets[sender_sets[0]].actions
    if len(senders) != 1 or len(set(sender_sets)) != len(types) or \
            any(len(tree.infosets[k].nodes) != 1 for k in sender_sets):
        raise fail("one player must move at one singleton information set per type")
    if any(tree.infosets[k].actions != messages for k in sender_sets):
        raise fail("every type must have the same messages")
    sender = senders.pop()
    receiver_sets: list[int] = []
    pay: list[list[list[np.ndarray]]] = [[[] for _ in messages] for _ in types]
    for m in range(len(messages)):
        nodes = [int(tree.children(n)[m]) for n in type_nodes]
        if any(tree.kind[n] != DECISION for n in nodes):
            raise fail(f"message {messages[m]!r} must be followed by a receiver decision")
        sets = {int(tree.node_infoset[n]) for n in nodes}
        k = sets.pop()
        if sets or set(tree.infosets[k].nodes) != set(nodes) or tree.infosets[k].player == sender:
            raise fail(f"after message {messages[m]!r} another player must move at one "
                       "information set holding exactly one node per type")
        receiver_sets.append(k)
        for t, n in enumerate(nodes):
            if any(tree.kind[c] != TERMINAL for c in tree.children(n)):
                raise fail("every response must end the game")
            pay[t][m] = [tree.path_payoffs[int(c)] for c in tree.children(n)]
    if len(set(receiver_sets)) != len(messages) or \
            len(tree.infosets) != len(types) + len(messages):
        raise fail("information sets must be one per type and one per message")
    return _Shape(sender, types, prior, messages, sender_sets, tuple(receiver_sets),
                  tuple(tuple(tuple(p) for p in row) for row in pay))


def perfect_bayesian_signalling(tree: GameTree) -> SolverResult:
    """Every pure-strategy perfect Bayesian equilibrium of a signalling game (method ``pbe``).

    Parameters
    ----------
    tree:
        A tree of the signalling shape (see the module docstring); anything else raises
        :class:`~alliance_games.errors.SolverError`. Float trees are read as exact decimals.

    Returns
    -------
    SolverResult
        One :class:`Equilibrium` per PBE (exact, behaviour over every information set), and in
        ``diagnostics["pbe"]`` aligned dicts with ``kind`` (``pooling``/``separating``/``hybrid``),
        ``messages`` (type -> message), ``responses`` (receiver set -> response), ``beliefs``
        (Bayes posteriors of the sets on path) and ``off_path_beliefs`` (per unreached set, the
        beliefs that support its response: ``{type: [low, high]}``, plus ``vertices`` for three
        or more types).
    """
    warnings = []
    if not tree.exact:
        tree = tree.to_exact()
        warnings.append("float payoffs were read as exact decimals")
    shape = _shape(tree)
    T, M = len(shape.types), len(shape.messages)
    receiver = tree.infosets[shape.receiver_sets[0]].player
    regions: dict[tuple[int, int], dict[str, Any] | None] = {}
    equilibria, details = [], []
    for f in itertools.product(range(M), repeat=T):
        options, beliefs = [], {}
        for m in range(M):
            senders = [t for t in range(T) if f[t] == m and shape.prior[t] > 0]
            responses = range(len(shape.pay[0][m]))
            if senders:
                total = sum(shape.prior[t] for t in senders)
                mu = [shape.prior[t] / total if t in senders else Fraction(0) for t in range(T)]
                beliefs[m] = mu
                vals = [sum(mu[t] * shape.pay[t][m][a][receiver] for t in range(T))
                        for a in responses]
                options.append([a for a in responses if vals[a] == max(vals)])
            else:
                for a in responses:
                    if (m, a) not in regions:
                        regions[m, a] = _region(shape, receiver, m, a)
                options.append([a for a in responses if regions[m, a] is not None])
        for r in itertools.product(*options):
            if any(shape.pay[t][f[t]][r[f[t]]][shape.sender] < shape.pay[t][m][r[m]][shape.sender]
                   for t in range(T) for m in range(M)):
                continue
            equilibria.append(_equilibrium(tree, shape, f, r))
            details.append(_details(tree, shape, f, r, beliefs, regions))
    return SolverResult(
        method="pbe", game=tree, equilibria=tuple(equilibria), exact=True, complete=True,
        warnings=tuple(warnings),
        diagnostics={"pbe": details, "types": dict(zip(shape.types, shape.prior, strict=True))},
    )


def _region(shape: _Shape, receiver: int, m: int, a: int) -> dict[str, Any] | None:
    """Beliefs after message ``m`` making response ``a`` optimal, or None when there are none."""
    T = len(shape.types)
    gains = [[shape.pay[t][m][a][receiver] - shape.pay[t][m][b][receiver] for t in range(T)]
             for b in range(len(shape.pay[0][m])) if b != a]
    if T == 1:
        return {shape.types[0]: [Fraction(1), Fraction(1)]} if all(g[0] >= 0 for g in gains) \
            else None
    if T == 2:  # x = mu(type 0): x * g0 + (1 - x) * g1 >= 0
        lo, hi = Fraction(0), Fraction(1)
        for g0, g1 in gains:
            slope = g0 - g1
            if slope > 0:
                lo = max(lo, -g1 / slope)
            elif slope < 0:
                hi = min(hi, -g1 / slope)
            elif g1 < 0:
                return None
        if lo > hi:
            return None
        return {shape.types[0]: [lo, hi], shape.types[1]: [1 - hi, 1 - lo]}
    if gains:
        matrix = -np.array(gains, dtype=float)
        matrix /= max(float(np.abs(matrix).max()), 1.0)
        lp = linprog(np.zeros(T), A_ub=matrix, b_ub=np.zeros(len(gains)),
                     A_eq=np.ones((1, T)), b_eq=[1.0], bounds=[(0, None)] * T, method="highs")
        if lp.status == 2:
            return None
    vertices = _vertices(gains, T)
    if not vertices:
        return None
    region: dict[str, Any] = {
        name: [min(v[t] for v in vertices), max(v[t] for v in vertices)]
        for t, name in enumerate(shape.types)
    }
    region["vertices"] = [dict(zip(shape.types, v, strict=True)) for v in vertices]
    return region


def _vertices(gains: list[list[Fraction]], T: int) -> list[tuple[Fraction, ...]]:
    """Exact vertices of ``{mu >= 0, sum mu = 1, g . mu >= 0 for g in gains}``."""
    one, zero = Fraction(1), Fraction(0)
    rows = [list(g) for g in gains] + [[one if s == t else zero for s in range(T)]
                                        for t in range(T)]
    count = 1
    for k in range(T - 1):
        count = count * (len(rows) - k) // (k + 1)
    if count > MAX_VERTEX_SYSTEMS:
        raise SolverError(f"the belief region has too many candidate vertices ({count:,}); "
                          "the signalling game is too large for exact off-path beliefs")
    found: dict[tuple[Fraction, ...], None] = {}
    for active in itertools.combinations(range(len(rows)), T - 1):
        system = [rows[i] for i in active] + [[one] * T]
        rhs = [zero] * (T - 1) + [one]
        mu = exact_affine_solution(system, rhs, [0.0] * T, unique=True)
        if mu is not None and all(sum(g[t] * mu[t] for t in range(T)) >= 0 for g in rows):
            found[tuple(mu)] = None
    return sorted(found, reverse=True)


def _equilibrium(tree: GameTree, shape: _Shape, f: tuple[int, ...],
                 r: tuple[int, ...]) -> Equilibrium:
    behaviour: list[np.ndarray] = [np.empty(0)] * len(tree.infosets)
    for sets, choice in ((shape.sender_sets, f), (shape.receiver_sets, r)):
        for k, a in zip(sets, choice, strict=True):
            dist = np.array([Fraction(0)] * len(tree.infosets[k].actions), dtype=object)
            dist[a] = Fraction(1)
            behaviour[k] = dist
    regret = max(behaviour_regrets(tree, behaviour))
    return Equilibrium(tuple(behaviour), behaviour_payoffs(tree, behaviour), regret, True)


def _details(tree: GameTree, shape: _Shape, f: tuple[int, ...], r: tuple[int, ...],
             beliefs: dict[int, list[Fraction]],
             regions: dict[tuple[int, int], dict[str, Any] | None]) -> dict[str, Any]:
    used = len(set(f))
    kind = "pooling" if used == 1 else "separating" if used == len(f) else "hybrid"
    names = [tree.infosets[k].name for k in shape.receiver_sets]
    return {
        "kind": kind,
        "messages": {t: shape.messages[m] for t, m in zip(shape.types, f, strict=True)},
        "responses": {names[m]: tree.infosets[k].actions[r[m]]
                      for m, k in enumerate(shape.receiver_sets)},
        "beliefs": {names[m]: dict(zip(shape.types, mu, strict=True))
                    for m, mu in beliefs.items()},
        "off_path_beliefs": {names[m]: regions[m, r[m]] for m in range(len(names))
                             if m not in beliefs},
    }


def check_sequential_rationality(tree: GameTree, behaviour: list[np.ndarray],
                                 beliefs: dict[int, np.ndarray]) -> list[str]:
    """Violations of sequential rationality and of Bayes' rule on path by an assessment.

    Parameters
    ----------
    tree:
        Any game tree.
    behaviour:
        One distribution per information set.
    beliefs:
        ``beliefs[k]``: a distribution over ``tree.infosets[k].nodes`` (in that order). It may be
        omitted for singleton sets and for sets reached with positive probability (Bayes' rule
        is then used).

    Returns
    -------
    list[str]
        Empty when, at every information set, the owner's mixture is a best response to its
        beliefs and everyone's continuation behaviour, and the beliefs of every set reached with
        positive probability follow Bayes' rule (the weak PBE conditions; Mas-Colell, Whinston &
        Green 1995, def. 9.C.3).
    """
    numbers = [x for dist in (*behaviour, *beliefs.values()) for x in dist]
    exact = tree.exact and all(isinstance(x, Fraction | int) for x in numbers)
    tol = slack(tree, exact=exact)
    weights = edge_weights(tree, behaviour)
    reach = realization(tree, weights)
    values: dict[int, np.ndarray] = {}
    problems = []
    for k, infoset in enumerate(tree.infosets):
        i, nodes, name = infoset.player, infoset.nodes, repr(infoset.name)
        total = sum(reach[h] for h in nodes)
        bayes = [reach[h] / total for h in nodes] if total > tol else None
        mu: Any = beliefs.get(k)
        if mu is None:
            mu = [1] if len(nodes) == 1 else bayes
            if mu is None:
                problems.append(f"information set {name} is off path and has no beliefs")
                continue
        elif len(mu) != len(nodes) or any(x < -tol for x in mu) or abs(sum(mu) - 1) > tol:
            problems.append(f"information set {name}: beliefs are not a distribution over "
                            f"its {len(nodes)} nodes")
            continue
        elif bayes is not None and any(abs(x - y) > tol for x, y in zip(mu, bayes, strict=True)):
            problems.append(f"information set {name}: beliefs {[str(x) for x in mu]} differ "
                            f"from Bayes' rule {[str(x) for x in bayes]} on path")
        if i not in values:
            values[i] = continuation_values(tree, weights, i)
        scores = [sum(mu[n] * values[i][tree.child_index[tree.child_ptr[h] + a]]
                      for n, h in enumerate(nodes)) for a in range(len(infoset.actions))]
        chosen = sum(p * s for p, s in zip(behaviour[k], scores, strict=True))
        best = max(range(len(scores)), key=lambda a: scores[a])
        if chosen < scores[best] - tol:
            problems.append(f"information set {name} of {tree.players[i]!r}: its behaviour earns "
                            f"{chosen} but {infoset.actions[best]!r} earns {scores[best]} "
                            "given the beliefs")
    return problems
