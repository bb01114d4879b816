"""Perfect Bayesian equilibria of two-type sender-receiver games in closed form, with regions.

The class: chance draws the sender's type ``t`` (two types, priors ``p_t`` that may be
parameters); the sender, knowing ``t``, sends a message ``m`` (the same menu for both types);
after ``m`` either the play ends, or the receiver, who sees ``m`` but not ``t`` (one information
set per message, one node per type), answers with ``a`` and the play ends. Anything else is
refused with a message saying what differs.

**Support enumeration over assessments** (Fudenberg & Tirole 1991, ch. 8; the semi-separating
equilibria of crisis bargaining, Fearon 1994). For every sender support ``S_t`` (messages type
``t`` sends with positive probability) and every receiver support ``R_m`` after each message
sent by some type (a single response after an unsent message), the unknowns are the mixing
probabilities ``sigma_t(m)`` and ``rho_m(a)``. They solve two linear systems:

* the receiver is indifferent on ``R_m``: ``sum_t p_t sigma_t(m) (u_R(t, m, a) - u_R(t, m, a0))
  = 0`` (Bayes' rule, ``mu_m(t) = p_t sigma_t(m) / sum_s p_s sigma_s(m)``, multiplied out), linear
  in ``sigma``;
* each type is indifferent on ``S_t``: ``U_t(m) = U_t(m0)`` with ``U_t(m) = sum_a rho_m(a)
  u_S(t, m, a)``, linear in ``rho``.

sympy solves both exactly in the free parameters. The assessment is a PBE on the region where
every probability in a support is positive, no type gains by another message (``U_t(m0) >=
U_t(m)``), no response outside ``R_m`` is better against the Bayes belief, and, after every
unsent message ``m``, some belief ``mu_m`` (the probability of the first type, a symbol of its
own in ``[0, 1]``) makes the response optimal: those conditions on ``mu_m`` are the admissible
off-path beliefs. Feasibility is decided as elsewhere
(:func:`~alliance_games.solvers.symbolic.conditions.feasible`). A support whose systems leave a
probability undetermined (a continuum of equilibria) is not listed; a warning says how many.
Mixed responses after unsent messages (continua as well) are not enumerated.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from alliance_games.errors import SolverError
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.symbolic.conditions import feasible
from alliance_games.solvers.symbolic.result import (
    NOT_VERIFIED,
    VERIFIED,
    Condition,
    Region,
    SymbolicEquilibrium,
    SymbolicSolution,
)
from alliance_games.solvers.symbolic.simplify import simplify
from alliance_games.solvers.symbolic.space import ParameterSpace, substitute

MAX_CONFIGURATIONS = 20_000
ZERO = sympy.Integer(0)


@dataclass(frozen=True)
class _Game:
    types: tuple[str, str]
    prior: tuple[sympy.Expr, sympy.Expr]
    sender: str
    receiver: str
    sender_sets: tuple[str, str]
    messages: tuple[str, ...]
    receiver_sets: tuple[str | None, ...]  # per message; None: the play ends
    responses: tuple[tuple[str, ...], ...]  # per message
    pay: tuple[tuple[tuple[tuple[sympy.Expr, sympy.Expr], ...], ...], ...]  # [t][m][a] -> (S, R)


def _skeleton(tree: GameTree) -> tuple[list[int], list[list[int]]]:
    """Type nodes and, per type and message, the node reached; or a SolverError saying why."""
    def fail(why: str) -> SolverError:
        return SolverError(f"symbolic solving of games with information sets covers two-type "
                           f"sender-receiver games only: {why} (expected chance -> two sender "
                           "types -> message -> end, or receiver response -> end)")

    if tree.kind[0] != CHANCE or len(tree.children(0)) != 2:
        raise fail("the root must be a chance move over two sender types")
    types = [int(c) for c in tree.children(0)]
    if any(tree.kind[n] != DECISION for n in types):
        raise fail("each type must be followed by the sender's decision")
    sets = [tree.infosets[int(tree.node_infoset[n])] for n in types]
    if sets[0] is sets[1] or sets[0].player != sets[1].player or \
            sets[0].actions != sets[1].actions or any(len(s.nodes) != 1 for s in sets):
        raise fail("one player must choose among the same messages at one singleton "
                   "information set per type")
    reached = [[int(c) for c in tree.children(n)] for n in types]
    for m in range(len(sets[0].actions)):
        a, b = reached[0][m], reached[1][m]
        if tree.kind[a] == TERMINAL and tree.kind[b] == TERMINAL:
            continue
        if tree.kind[a] != DECISION or tree.kind[b] != DECISION or \
                tree.node_infoset[a] != tree.node_infoset[b]:
            raise fail(f"after message {sets[0].actions[m]!r} the play must end or the other "
                       "player move at one information set holding both types' nodes")
        k = int(tree.node_infoset[a])
        if tree.infosets[k].player == sets[0].player or len(tree.infosets[k].nodes) != 2:
            raise fail(f"after message {sets[0].actions[m]!r} the receiver must move, not the "
                       "sender")
        if any(tree.kind[c] != TERMINAL for n in (a, b) for c in tree.children(n)):
            raise fail("every response must end the game (the sender moves again)")
    return types, reached


def _game(model: SymbolicModel, space: ParameterSpace) -> _Game:
    game = model.game
    assert isinstance(game, SymbolicTree)
    tree = game.skeleton
    types, reached = _skeleton(tree)
    subs = space.substitution(model)
    payoffs = substitute(game.payoff_exprs, subs)
    probs = substitute(game.prob_exprs, subs)
    path = np.empty(payoffs.shape, dtype=object)
    for node in range(tree.num_nodes):  # pre-order: parents first
        parent = int(tree.parent[node])
        path[node] = payoffs[node] + (path[parent] if parent >= 0 else 0)
    sender_set = tree.infosets[int(tree.node_infoset[types[0]])]
    sender = sender_set.player
    messages = sender_set.actions
    receiver = next((tree.infosets[int(tree.node_infoset[reached[0][m]])].player
                     for m in range(len(messages)) if tree.kind[reached[0][m]] == DECISION),
                    1 - sender)
    sets: list[str | None] = []
    responses: list[tuple[str, ...]] = []
    pay: list[list[list[tuple[sympy.Expr, sympy.Expr]]]] = [[], []]
    for m in range(len(messages)):
        node = reached[0][m]
        decision = tree.kind[node] == DECISION
        infoset = tree.infosets[int(tree.node_infoset[node])] if decision else None
        sets.append(infoset.name if infoset else None)
        responses.append(infoset.actions if infoset else ())
        for t in range(2):
            n = reached[t][m]
            ends = [int(c) for c in tree.children(n)] if decision else [n]
            pay[t].append([(path[e][sender], path[e][receiver]) for e in ends])
    edges = list(tree.edges(0))
    return _Game(
        (tree.edge_label[edges[0]], tree.edge_label[edges[1]]), (probs[edges[0]], probs[edges[1]]),
        tree.players[sender], tree.players[receiver],
        tuple(tree.infosets[int(tree.node_infoset[n])].name for n in types),  # type: ignore[arg-type]
        messages, tuple(sets), tuple(responses),
        tuple(tuple(tuple(r) for r in row) for row in pay))


def symbolic_signalling(model: SymbolicModel, space: ParameterSpace) -> SymbolicSolution:
    """Every PBE of a two-type sender-receiver game (see the module docstring) with its region."""
    if not isinstance(model.game, SymbolicTree):
        raise SolverError("symbolic signalling needs a game tree")
    g = _game(model, space)
    bounds: dict[sympy.Symbol, tuple[sympy.Expr, sympy.Expr] | None] = {
        p.symbol: p.range for p in space.free}
    M = len(g.messages)
    subsets = [c for k in range(1, M + 1) for c in itertools.combinations(range(M), k)]
    regions: list[Region] = []
    continua = pruned = 0
    count = 0
    for supports in itertools.product(subsets, repeat=2):
        sent = sorted(set(supports[0]) | set(supports[1]))
        choices: list[list[tuple[int, ...]]] = []
        for m in range(M):
            n = len(g.responses[m])
            if n == 0:
                choices.append([()])
            elif m in sent:
                choices.append([c for k in range(1, n + 1)
                                for c in itertools.combinations(range(n), k)])
            else:
                choices.append([(a,) for a in range(n)])
        for responses in itertools.product(*choices):
            count += 1
            if count > MAX_CONFIGURATIONS:
                raise SolverError(f"more than {MAX_CONFIGURATIONS} support configurations; the "
                                  "game has too many messages or responses for symbolic solving")
            found = _configuration(g, supports, responses, bounds)
            if isinstance(found, Region):
                regions.append(found)
            elif found is None:
                pruned += 1
            else:
                continua += 1
    warnings: list[str] = []
    if continua:
        warnings.append(f"{continua} support configuration(s) leave a probability undetermined "
                        "(a continuum of equilibria); they are not listed")
    if any(r.feasibility != VERIFIED for r in regions):
        warnings.append("some regions could not be proved non-empty (non-linear conditions); "
                        "they are kept and marked 'not verified'")
    return SymbolicSolution("signalling support enumeration", space.names, space.symbols,
                            space.ranges(), dict(space.fixed), tuple(regions), tuple(warnings),
                            pruned)


def _configuration(g: _Game, supports: Sequence[tuple[int, ...]],
                   responses: Sequence[tuple[int, ...]], bounds: dict
                   ) -> Region | str | None:
    """The region of one configuration, ``"continuum"``, or ``None`` when it is empty."""
    bounds = dict(bounds)  # the off-path belief symbols of this configuration join the box
    M = len(g.messages)
    sigma = [[ZERO] * M for _ in range(2)]
    unknowns: list[sympy.Symbol] = []
    for t in range(2):
        first, *rest = supports[t]
        for m in rest:
            sigma[t][m] = sympy.Symbol(f"_s{t}_{m}")
            unknowns.append(sigma[t][m])
        sigma[t][first] = 1 - sum(sigma[t][m] for m in rest)
    rho: list[list[sympy.Expr]] = []
    for m in range(M):
        row = [ZERO] * len(g.responses[m])
        if row:
            first, *rest = responses[m]
            for a in rest:
                row[a] = sympy.Symbol(f"_r{m}_{a}")
                unknowns.append(row[a])
            row[first] = 1 - sum(row[a] for a in rest)
        rho.append(row)
    sent = [m for m in range(M) if m in supports[0] or m in supports[1]]

    def receiver_gain(m: int, a: int, b: int) -> sympy.Expr:  # weight of a over b, unnormalised
        return sum((g.prior[t] * sigma[t][m] * (g.pay[t][m][a][1] - g.pay[t][m][b][1])
                    for t in range(2)), ZERO)

    def sender_value(t: int, m: int) -> sympy.Expr:
        if not g.responses[m]:
            return g.pay[t][m][0][0]
        return sum((rho[m][a] * g.pay[t][m][a][0] for a in range(len(g.responses[m]))), ZERO)

    equations = []
    for m in sent:
        if g.responses[m]:
            first, *rest = responses[m]
            equations += [receiver_gain(m, a, first) for a in rest]
    for t in range(2):
        first, *rest = supports[t]
        equations += [sender_value(t, m) - sender_value(t, first) for m in rest]
    values: dict[sympy.Symbol, sympy.Expr] = {}
    if unknowns:
        solved = sympy.solve(equations, unknowns, dict=True)
        if not solved:
            return None
        values = {k: sympy.cancel(v) for k, v in solved[0].items()}
        if any(u not in values or values[u].free_symbols & set(unknowns) for u in unknowns):
            return "continuum"
    elif any(sympy.cancel(e) != 0 for e in equations):
        return None

    def at(e: sympy.Expr) -> sympy.Expr:
        return sympy.cancel((ZERO + e).xreplace(values))

    sigma = [[at(v) for v in row] for row in sigma]
    rho = [[at(v) for v in row] for row in rho]
    conds = [Condition(p, True, f"the prior of {name} is positive")
             for p, name in zip(g.prior, g.types, strict=True) if not p.is_number]
    for t in range(2):
        conds += [Condition(sigma[t][m], True, f"{g.types[t]} sends {g.messages[m]}")
                  for m in supports[t] if len(supports[t]) > 1]
        best = sender_value(t, supports[t][0])
        conds += [Condition(best - sender_value(t, m), False,
                            f"{g.types[t]}: {g.messages[supports[t][0]]} over {g.messages[m]}")
                  for m in range(M) if m not in supports[t]]
    beliefs: dict[str, dict[str, sympy.Expr]] = {}
    for m in range(M):
        name, acts = g.receiver_sets[m], g.responses[m]
        if name is None:
            continue
        first = responses[m][0]
        if m in sent:
            conds += [Condition(rho[m][a], True, f"{g.receiver} at {name} plays {acts[a]}")
                      for a in responses[m] if len(responses[m]) > 1]
            conds += [Condition(receiver_gain(m, first, b), False,
                                f"{g.receiver} at {name}: {acts[first]} over {acts[b]}")
                      for b in range(len(acts)) if b not in responses[m]]
            weights = [g.prior[t] * sigma[t][m] for t in range(2)]
            total = weights[0] + weights[1]
            beliefs[name] = {g.types[t]: sympy.cancel(weights[t] / total) for t in range(2)}
        else:
            mu = sympy.Symbol(f"mu_{name}", real=True)
            bounds[mu] = (ZERO, sympy.Integer(1))
            for b in range(len(acts)):
                if b == first:
                    continue
                gain = sum(((mu if t == 0 else 1 - mu) * (g.pay[t][m][first][1]
                                                          - g.pay[t][m][b][1]) for t in range(2)),
                           ZERO)
                conds.append(Condition(sympy.expand(gain), False,
                                       f"off the path, {g.receiver} at {name}: {acts[first]} "
                                       f"over {acts[b]}"))
            beliefs[name] = {g.types[0]: mu, g.types[1]: 1 - mu}
    status, witness = feasible(conds, bounds, witness=True)
    if status is False:
        return None
    kept = simplify(conds, bounds)
    if kept is None:
        return None
    strategies = {g.sender_sets[t]: {g.messages[m]: sigma[t][m] for m in range(M)}
                  for t in range(2)}
    strategies.update({name: dict(zip(g.responses[m], rho[m], strict=True))
                       for m, name in enumerate(g.receiver_sets) if name is not None})
    payoff_s = sum((g.prior[t] * sigma[t][m] * sender_value(t, m) for t in range(2)
                    for m in range(M)), ZERO)
    payoff_r = sum((g.prior[t] * sigma[t][m] * rho[m][a] * g.pay[t][m][a][1]
                    for t in range(2) for m in range(M) for a in range(len(g.responses[m]))),
                   ZERO)
    payoff_r += sum((g.prior[t] * sigma[t][m] * g.pay[t][m][0][1] for t in range(2)
                     for m in range(M) if not g.responses[m]), ZERO)
    payoffs = {g.sender: sympy.cancel(at(payoff_s)), g.receiver: sympy.cancel(at(payoff_r))}
    quantities = {f"payoff:{p}": v for p, v in payoffs.items()}
    quantities.update({f"{s}:{a}": v for s, mix in strategies.items() for a, v in mix.items()
                       if not v.is_number})
    kind = _kind(supports)
    eq = SymbolicEquilibrium(kind=kind, strategies=strategies, payoffs=payoffs,
                             quantities=quantities, beliefs=beliefs)
    return Region(tuple(kept), (eq,), VERIFIED if status else NOT_VERIFIED,
                  note=kind, witness={str(k): v for k, v in witness.items()} if witness else None)


def _kind(supports: Sequence[tuple[int, ...]]) -> str:
    a, b = set(supports[0]), set(supports[1])
    if len(a) == len(b) == 1:
        return "pooling" if a == b else "separating"
    return "semi-separating" if a & b else "separating (mixed)"
