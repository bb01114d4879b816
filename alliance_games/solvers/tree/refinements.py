"""Signalling refinements: the Cho-Kreps intuitive criterion and criterion D1.

The game is a sender-receiver signalling game (the shape of :mod:`.signalling`): chance draws the
sender's type ``t`` with prior ``p(t)``, the sender sends a message ``m``, the receiver sees ``m``
only and responds with ``a``; the play ends. Both tests take one perfect Bayesian equilibrium
(a behaviour profile, pure or mixed, exact) and look at its *off-path* messages, those no type
with positive prior sends with positive probability; a message sent in equilibrium has no test.

Notation, for an off-path message ``m``: ``u*(t)`` is type ``t``'s equilibrium payoff (the best
payoff any message earns it against the receiver's equilibrium responses); ``BR(mu, m)`` the
receiver's pure best responses to the belief ``mu``; ``MBR(S, m)`` the mixed best responses to
some belief concentrated on the types ``S`` (mixtures of pure responses optimal together at one
belief). Every payoff and belief is an exact Fraction.

Intuitive criterion (Cho & Kreps 1987, sec. III; Fudenberg & Tirole 1991, sec. 11.2.2):
``m`` is *equilibrium-dominated* for ``t`` when ``u*(t) > max_{a in BR(Delta(T), m)} u_S(t, m, a)``;
let ``J(m)`` be those types. The equilibrium fails when some type ``t`` and off-path ``m`` have
``min_{a in BR(Delta(T \\ J(m)), m)} u_S(t, m, a) > u*(t)`` (``T \\ J(m)`` non-empty): under every
best response to beliefs on the types for which ``m`` is not dominated, ``t`` gains by sending
``m``. (The minimum over mixed best responses is attained at a pure one.)

Criterion D1 (Cho & Kreps 1987, sec. IV; Banks & Sobel 1987; Fudenberg & Tirole 1991,
sec. 11.2.3): ``D(t, m)`` / ``D0(t, m)`` are the responses in ``MBR(T, m)`` that give ``t``
more than / exactly ``u*(t)``. Type ``t`` is pruned at ``m`` when ``D(t, m) u D0(t, m)`` is a
subset of ``D(t', m)`` for another type ``t'``. The equilibrium (outcome) survives at ``m`` when
some response in ``MBR(kept types, m)`` gives no type more than its equilibrium payoff; it fails
otherwise. If every type would be pruned, beliefs rest on the types not equilibrium-dominated
(so D1 never keeps an equilibrium the intuitive criterion rejects), or on all types when all are.
One round of pruning, not iterated.

Computation (exact, any number of types): ``MBR(S, m)`` is the union of the simplices of its
maximal *cells*, the sets of pure responses optimal together at some belief on ``S``. The belief
region of each pure response is a polytope whose vertices are enumerated exactly (Fractions; at
most ``MAX_VERTEX_SYSTEMS`` linear systems per region); a maximal cell is the best-response set at
one of those vertices. For two types the vertices are the ends of the belief interval of each
response, split at the receiver's indifference points. Inclusions such as
``D(t) u D0(t) subset D(t')`` are decided cell by cell as the emptiness of an exact polytope in the
cell's simplex of mixed responses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, TypeVar

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium
from alliance_games.solvers.tree.signalling import _Shape, _shape, _vertices

Belief = dict[str, Fraction]
Mixture = dict[str, Fraction]


@dataclass(frozen=True)
class BeliefCell:
    """Receiver responses optimal together after a message, and where: ``beliefs`` are the
    vertices of the belief region (over the types considered) where all of them are optimal."""

    responses: tuple[str, ...]
    beliefs: tuple[Belief, ...]


@dataclass(frozen=True)
class ResponsePiece:
    """The convex hull of ``vertices``, mixed receiver responses over ``responses``."""

    responses: tuple[str, ...]
    vertices: tuple[Mixture, ...]


@dataclass(frozen=True)
class IntuitiveTest:
    """The intuitive criterion at one off-path message (see the module docstring).

    ``best[t]``: ``max`` of type ``t``'s payoff over the receiver's best responses to any belief;
    ``dominated``: the types with ``best[t] < u*(t)``; ``kept``: the others; ``responses``: the
    pure best responses to beliefs on ``kept``; ``worst[t]``: ``t``'s least payoff over them;
    ``deviators``: types with ``worst[t] > u*(t)``; ``supported``: whether the equilibrium's own
    response is a best response to some belief on ``kept``.
    """

    message: str
    best: dict[str, Fraction]
    dominated: tuple[str, ...]
    kept: tuple[str, ...]
    responses: tuple[str, ...]
    worst: dict[str, Fraction]
    deviators: tuple[str, ...]
    supported: bool

    @property
    def passes(self) -> bool:
        return not self.deviators


@dataclass(frozen=True)
class D1Test:
    """Criterion D1 at one off-path message (see the module docstring).

    ``cells``: the maximal cells of ``MBR(T, m)``; ``weak[t]`` / ``ties[t]``: the pieces of
    ``D(t, m) u D0(t, m)`` and of ``D0(t, m)`` (closed polytopes; ``D(t, m)`` is the first minus
    the second, non-empty iff ``strict[t]``); ``pruned``: pruned type -> a type ``t'`` with
    ``D u D0 subset D(t')``; ``kept``: the types beliefs may rest on; ``witness``: a response in
    ``MBR(kept, m)`` giving no type more than ``u*`` (None when the equilibrium fails here);
    ``deviators``: types gaining under every response in ``MBR(kept, m)``; ``supported``: whether
    the equilibrium's own response is in ``MBR(kept, m)``.
    """

    message: str
    cells: tuple[BeliefCell, ...]
    weak: dict[str, tuple[ResponsePiece, ...]]
    ties: dict[str, tuple[ResponsePiece, ...]]
    strict: dict[str, bool]
    pruned: dict[str, str]
    kept: tuple[str, ...]
    kept_cells: tuple[BeliefCell, ...]
    witness: Mixture | None
    deviators: tuple[str, ...]
    supported: bool

    @property
    def passes(self) -> bool:
        return self.witness is not None


TestT = TypeVar("TestT", IntuitiveTest, D1Test)


@dataclass(frozen=True)
class RefinementVerdict(Generic[TestT]):
    """Whether one equilibrium survives a refinement, and why.

    ``payoffs``: ``u*(t)`` per type; ``off_path``: the messages no type sends; ``tests``: one per
    off-path message; ``reason``: one sentence (the failing deviation, or why none exists).
    """

    criterion: str
    survives: bool
    reason: str
    payoffs: dict[str, Fraction]
    off_path: tuple[str, ...]
    tests: tuple[TestT, ...]

    @property
    def failures(self) -> tuple[TestT, ...]:
        return tuple(t for t in self.tests if not t.passes)


@dataclass(frozen=True)
class _Game:
    """A signalling game with one equilibrium's behaviour, read exactly."""

    shape: _Shape
    receiver: int
    rho: list[list[Fraction]]  # rho[m][a]
    u_star: list[Fraction]
    off_path: list[int]
    actions: list[tuple[str, ...]]  # the receiver's responses after each message

    @property
    def types(self) -> range:
        return range(len(self.shape.types))

    def u_s(self, t: int, m: int, a: int) -> Fraction:
        return Fraction(self.shape.pay[t][m][a][self.shape.sender])

    def u_r(self, t: int, m: int, a: int) -> Fraction:
        return Fraction(self.shape.pay[t][m][a][self.receiver])


def _read(tree: GameTree, profile: Equilibrium | Sequence[np.ndarray], criterion: str) -> _Game:
    """Recognise the shape, read the profile exactly and check it is a PBE (else SolverError)."""
    if not tree.exact:
        tree = tree.to_exact()
    try:
        shape = _shape(tree)
    except SolverError as error:
        raise SolverError(f"the {criterion} applies to sender-receiver signalling games only; "
                          f"{error}") from None
    strategies = profile.strategies if isinstance(profile, Equilibrium) else tuple(profile)
    if len(strategies) != len(tree.infosets):
        raise SolverError(f"the profile has {len(strategies)} distributions but the game has "
                          f"{len(tree.infosets)} information sets")
    dists = []
    for k, dist in enumerate(strategies):
        probs = [Fraction(x) for x in dist]
        if len(probs) != len(tree.infosets[k].actions) or min(probs) < 0 or sum(probs) != 1:
            raise SolverError(f"the profile at {tree.infosets[k].name!r} is not an exact "
                              "probability distribution over its actions")
        dists.append(probs)
    receiver = tree.infosets[shape.receiver_sets[0]].player
    sigma = [dists[k] for k in shape.sender_sets]
    rho = [dists[k] for k in shape.receiver_sets]
    T, M = len(shape.types), len(shape.messages)
    value = [[sum((rho[m][a] * Fraction(shape.pay[t][m][a][shape.sender])
                   for a in range(len(rho[m]))), Fraction(0)) for m in range(M)] for t in range(T)]
    u_star = [max(row) for row in value]
    game = _Game(shape, receiver, rho, u_star, [],
                 [tree.infosets[k].actions for k in shape.receiver_sets])
    for t in game.types:
        for m in range(M):
            if shape.prior[t] > 0 and sigma[t][m] > 0 and value[t][m] < u_star[t]:
                raise _not_pbe(f"type {shape.types[t]!r} sends {shape.messages[m]!r} earning "
                               f"{value[t][m]} while another message earns {u_star[t]}")
    for m in range(M):
        weight = [shape.prior[t] * sigma[t][m] for t in game.types]
        support = tuple(a for a, x in enumerate(rho[m]) if x > 0)
        if sum(weight) == 0:
            game.off_path.append(m)
            ok = _region(game, m, list(game.types), support) != []
        else:
            mu = [w / sum(weight) for w in weight]
            scores = [sum(mu[t] * game.u_r(t, m, a) for t in game.types) for a in range(len(rho[m]))]
            ok = all(scores[a] == max(scores) for a in support)
        if not ok:
            raise _not_pbe(f"the receiver's response to {shape.messages[m]!r} is not a best "
                           "response to " + ("any belief" if sum(weight) == 0 else "Bayes' rule"))
    return game


def _not_pbe(why: str) -> SolverError:
    return SolverError(f"the profile is not a perfect Bayesian equilibrium: {why}")


def _region(game: _Game, m: int, types: list[int], chosen: tuple[int, ...]) -> list[tuple[Fraction, ...]]:
    """Vertices of the beliefs on ``types`` at which every response in ``chosen`` is optimal."""
    n = len(game.rho[m])
    rows = [[game.u_r(t, m, a) - game.u_r(t, m, b) for t in types]
            for a in chosen for b in range(n) if b != a]
    return _vertices(rows, len(types))


def _cells(game: _Game, m: int, types: list[int]) -> list[BeliefCell]:
    """Maximal cells of ``MBR(types, m)``: best-response sets at the vertices of the regions."""
    n = len(game.rho[m])
    at: dict[tuple[Fraction, ...], tuple[int, ...]] = {}
    for a in range(n):
        for mu in _region(game, m, types, (a,)):
            scores = [sum(x * game.u_r(t, m, b) for x, t in zip(mu, types, strict=True))
                      for b in range(n)]
            at[mu] = tuple(b for b in range(n) if scores[b] == max(scores))
    sets = set(at.values())
    maximal = sorted(s for s in sets if not any(set(s) < set(o) for o in sets))
    labels = game.actions[m]
    return [BeliefCell(tuple(labels[a] for a in s),
                       tuple(_belief(game, types, mu) for mu, br in at.items() if set(s) <= set(br)))
            for s in maximal]


def _belief(game: _Game, types: list[int], mu: tuple[Fraction, ...]) -> Belief:
    full = dict.fromkeys(game.shape.types, Fraction(0))
    full.update({game.shape.types[t]: x for t, x in zip(types, mu, strict=True)})
    return full


def _indices(game: _Game, m: int, cell: BeliefCell) -> list[int]:
    labels = game.actions[m]
    return [labels.index(a) for a in cell.responses]


def _polytope(game: _Game, m: int, cell: BeliefCell,
              conditions: list[tuple[int, int]]) -> list[tuple[Fraction, ...]]:
    """Vertices of the mixtures over ``cell`` with ``sign * (u_S(t, m, .) - u*(t)) >= 0`` for
    every ``(t, sign)`` in ``conditions``."""
    acts = _indices(game, m, cell)
    rows = [[sign * (game.u_s(t, m, a) - game.u_star[t]) for a in acts] for t, sign in conditions]
    return _vertices(rows, len(acts))


def _mixture(cell: BeliefCell, alpha: tuple[Fraction, ...]) -> Mixture:
    return dict(zip(cell.responses, alpha, strict=True))


def _supported(game: _Game, m: int, cells: list[BeliefCell]) -> bool:
    labels = game.actions[m]
    used = {labels[a] for a, x in enumerate(game.rho[m]) if x > 0}
    return any(used <= set(c.responses) for c in cells)


def _payoff_range(game: _Game, t: int, m: int, cells: list[BeliefCell]) -> tuple[Fraction, Fraction]:
    acts = {a for c in cells for a in _indices(game, m, c)}
    values = [game.u_s(t, m, a) for a in acts]
    return min(values), max(values)


def intuitive_criterion(tree: GameTree, profile: Equilibrium | Sequence[np.ndarray]
                        ) -> RefinementVerdict[IntuitiveTest]:
    """Whether a perfect Bayesian equilibrium of a signalling game passes Cho & Kreps' (1987)
    intuitive criterion (conditions in the module docstring).

    Raises :class:`SolverError` when the tree is not a sender-receiver signalling game or the
    profile is not an exact perfect Bayesian equilibrium of it.
    """
    game = _read(tree, profile, "intuitive criterion")
    names = game.shape.types
    tests = []
    for m in game.off_path:
        every = _cells(game, m, list(game.types))
        best = {names[t]: _payoff_range(game, t, m, every)[1] for t in game.types}
        kept = [t for t in game.types if best[names[t]] >= game.u_star[t]]
        cells = _cells(game, m, kept) if kept else []
        worst = {names[t]: _payoff_range(game, t, m, cells)[0] for t in game.types} if kept else {}
        tests.append(IntuitiveTest(
            message=game.shape.messages[m], best=best,
            dominated=tuple(names[t] for t in game.types if t not in kept),
            kept=tuple(names[t] for t in kept),
            responses=tuple(sorted({a for c in cells for a in c.responses}, key=game.actions[m].index)),
            worst=worst,
            deviators=tuple(names[t] for t in game.types if kept and worst[names[t]] > game.u_star[t]),
            supported=_supported(game, m, cells or every)))
    return _verdict("intuitive", game, tests, _intuitive_reason)


def _intuitive_reason(game: _Game, test: IntuitiveTest) -> str:
    """Why the intuitive criterion passes or fails at one off-path message."""
    star = dict(zip(game.shape.types, game.u_star, strict=True))
    dominated = ", ".join(f"{s!r} (at most {test.best[s]} < {star[s]})" for s in test.dominated)
    if not test.kept:
        return f"{test.message!r} is equilibrium-dominated for every type: {dominated}"
    head = f"{test.message!r} is equilibrium-dominated for {dominated}; " if dominated else ""
    if test.passes:
        return (f"{head}no type gains from {test.message!r} under every best response to beliefs "
                f"on {_names(test.kept)} ({', '.join(test.responses)})")
    t = test.deviators[0]
    return (f"type {t!r} gains by sending {test.message!r}: every best response to beliefs on "
            f"{_names(test.kept)} ({', '.join(test.responses)}) gives it at least {test.worst[t]} "
            f"> its equilibrium payoff {star[t]}" + (f"; {head[:-2]}" if head else ""))


def d1_criterion(tree: GameTree, profile: Equilibrium | Sequence[np.ndarray]
                 ) -> RefinementVerdict[D1Test]:
    """Whether a perfect Bayesian equilibrium of a signalling game passes criterion D1 (Cho &
    Kreps 1987; Banks & Sobel 1987), over the receiver's mixed best responses (conditions in
    the module docstring).

    Raises :class:`SolverError` when the tree is not a sender-receiver signalling game or the
    profile is not an exact perfect Bayesian equilibrium of it.
    """
    game = _read(tree, profile, "D1 criterion")
    names = game.shape.types
    everyone = list(game.types)
    tests = []
    for m in game.off_path:
        every = _cells(game, m, everyone)
        weak = {names[t]: _pieces(game, m, every, [(t, 1)]) for t in everyone}
        ties = {names[t]: _pieces(game, m, every, [(t, 1), (t, -1)]) for t in everyone}
        strict = {names[t]: _gains(game, t, m, weak[names[t]]) for t in everyone}
        pruned = {}
        for t in everyone:
            for s in everyone:
                if s != t and not any(_polytope(game, m, c, [(t, 1), (s, -1)]) for c in every):
                    pruned[names[t]] = names[s]
                    break
        kept = [t for t in everyone if names[t] not in pruned] or \
            [t for t in everyone if _payoff_range(game, t, m, every)[1] >= game.u_star[t]] or everyone
        cells = _cells(game, m, kept)
        witness = None
        for cell in cells:
            found = _polytope(game, m, cell, [(t, -1) for t in everyone])
            if found:
                witness = _mixture(cell, found[0])
                break
        tests.append(D1Test(
            message=game.shape.messages[m], cells=tuple(every), weak=weak, ties=ties,
            strict=strict, pruned=pruned, kept=tuple(names[t] for t in kept),
            kept_cells=tuple(cells), witness=witness,
            deviators=tuple(names[t] for t in everyone
                            if _payoff_range(game, t, m, cells)[0] > game.u_star[t]),
            supported=_supported(game, m, cells)))
    return _verdict("d1", game, tests, _d1_reason)


def _pieces(game: _Game, m: int, cells: list[BeliefCell],
            conditions: list[tuple[int, int]]) -> tuple[ResponsePiece, ...]:
    pieces = []
    for cell in cells:
        found = _polytope(game, m, cell, conditions)
        if found:
            pieces.append(ResponsePiece(cell.responses, tuple(_mixture(cell, v) for v in found)))
    return tuple(pieces)


def _gains(game: _Game, t: int, m: int, pieces: tuple[ResponsePiece, ...]) -> bool:
    """Whether some vertex of the weak pieces gives ``t`` strictly more than ``u*(t)``."""
    labels = game.actions[m]
    return any(sum(x * game.u_s(t, m, labels.index(a)) for a, x in v.items()) > game.u_star[t]
               for piece in pieces for v in piece.vertices)


def _d1_reason(game: _Game, test: D1Test) -> str:
    """Why criterion D1 passes or fails at one off-path message."""
    pruned = "; ".join(f"{t!r} pruned: it weakly gains only where {s!r} strictly gains"
                       for t, s in test.pruned.items())
    pruned = f" ({pruned})" if pruned else ""
    if test.witness is not None:
        return (f"after {test.message!r}, the response {_mix(test.witness)}, a best response to "
                f"beliefs on {_names(test.kept)}{pruned}, gives no type more than its "
                "equilibrium payoff")
    if test.deviators:
        t = test.deviators[0]
        return (f"type {t!r} gains by sending {test.message!r}: every best response to beliefs "
                f"on {_names(test.kept)}{pruned} gives it more than its equilibrium payoff "
                f"{game.u_star[game.shape.types.index(t)]}")
    return (f"after {test.message!r}, every best response to beliefs on {_names(test.kept)}"
            f"{pruned} gives some type more than its equilibrium payoff")


def _mix(mixture: Mixture) -> str:
    used = {a: x for a, x in mixture.items() if x > 0}
    if len(used) == 1:
        return next(iter(used))
    return "(" + ", ".join(f"{a} {x}" for a, x in used.items()) + ")"


def _names(items: Sequence[str]) -> str:
    return "{" + ", ".join(repr(x) for x in items) + "}"


def _verdict(criterion: str, game: _Game, tests: Sequence[TestT],
             explain: Callable[[_Game, TestT], str]) -> RefinementVerdict[TestT]:
    failing = [t for t in tests if not t.passes]
    if failing:
        reason = explain(game, failing[0])
    elif not tests:
        reason = "every message is sent in equilibrium: there is no off-path message to test"
    else:
        reason = "; ".join(explain(game, t) for t in tests)
    return RefinementVerdict(
        criterion=criterion, survives=not failing, reason=reason,
        payoffs=dict(zip(game.shape.types, game.u_star, strict=True)),
        off_path=tuple(game.shape.messages[m] for m in game.off_path), tests=tuple(tests))


REFINEMENTS: dict[str, Callable[[GameTree, Equilibrium | Sequence[np.ndarray]], RefinementVerdict[Any]]] = {
    "intuitive": intuitive_criterion,
    "d1": d1_criterion,
}
"""The refinements by their ``--refine`` names."""
