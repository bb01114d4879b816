"""Where something about the equilibria changes along one parameter: bisection, then the exact
point.

:func:`bisect` narrows ``[a, b]`` around a change of a *state* (a verdict, the number of
equilibria, the values of a watched quantity...) by exact solves at midpoints.

:func:`locate` then looks for the exact point inside the bracket. On each side, the equilibria are
grouped into *families* by their supports (the actions or strategies played with positive
probability), which stay fixed on an interval. Along a family, at exact sample points beside the
bracket, every number whose zero can end the family or flip the state is fitted as a rational
function of the parameter (:func:`~alliance_games.analysis.sweep.fit.fit_rational`):

* each probability in a mixed support (the support shrinks where it reaches 0);
* each unused action's or strategy's payoff gap to a used one, for its owner: a normal form's
  deviation payoffs ``u_i(s, sigma_-i) - u_i(s', sigma_-i)``; a tree's action values at an
  information set, from the node alone when it is a singleton (subgame perfection), else
  weighted by the others' and chance's reach (the indifference that starts a new family);
* the caller's *targets*: numbers whose crossing of a value flips the state (a risk minus its
  tolerance, a watched quantity minus the value asked for).

The exact roots of these functions inside the bracket are the candidates. A candidate ``r`` is
accepted when exact solves just beside it, at ``r - d`` and ``r + d`` with ``d`` a millionth of
the bracket, show the state of the bracket's lower end below ``r`` and another one above it
(:func:`confirmed`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from alliance_games.analysis.sweep.fit import crossings, fit_rational
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import edge_weights, realization
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium
from alliance_games.solvers.tree.subgame_perfect import continuation_values

SAMPLES = 8  # exact solves per side: rational functions up to total degree 5, checked twice
GAP_NODES = 5_000  # larger trees: no payoff gaps (too slow to evaluate at every sample)
NEIGHBOUR = Fraction(1, 2**20)  # the verification's offset, as a share of the bracket


@dataclass(frozen=True)
class Bracket:
    """``[below, above]`` holds a change from ``state_below`` (also at ``below``) to another state
    (``state_above``, at ``above``)."""

    below: Fraction
    above: Fraction
    state_below: Hashable
    state_above: Hashable


def bisect(state: Callable[[Fraction], Hashable], a: Fraction, b: Fraction, tol: Fraction
           ) -> Bracket | None:
    """The bracket of the first change of ``state`` from ``a``, at most ``tol`` wide (``None``
    when ``a`` and ``b`` have the same state)."""
    start, end = state(a), state(b)
    if start == end:
        return None
    while b - a > tol:
        mid = (a + b) / 2
        found = state(mid)
        if found == start:
            a = mid
        else:
            b, end = mid, found
    return Bracket(a, b, start, end)


@dataclass(frozen=True, eq=False)
class Observation:
    """The equilibria of a game at one parameter value (the game they refer to) and the state
    they make."""

    game: NormalFormGame | GameTree
    equilibria: tuple[Equilibrium, ...]
    state: Hashable


Targets = Callable[[NormalFormGame | GameTree, Equilibrium], dict[str, Fraction]]


def locate(observe: Callable[[Fraction], Observation], bracket: Bracket,
           limits: tuple[Fraction, Fraction], *, targets: Targets | None = None
           ) -> sympy.Expr | None:
    """The exact point of the change ``bracket`` holds, or ``None`` when no candidate is
    confirmed (see the module docstring). ``observe`` solves exactly at a parameter value
    (called again for the same values: cache it); ``limits`` bound the samples; ``targets``
    gives numbers whose zero flips the state."""
    a, b = bracket.below, bracket.above
    width = b - a
    candidates: set[sympy.Expr] = set()
    for anchor, limit, step in ((a, limits[0], -1), (b, limits[1], 1)):
        room = abs(limit - anchor)
        h = width if room >= width * (SAMPLES - 1) else room / (SAMPLES - 1)
        if h == 0:
            continue
        xs = [anchor + step * k * h for k in range(SAMPLES)]
        for series in _families(observe, xs, targets):
            found = fit_rational(xs, series)
            if found is not None:
                candidates.update(crossings(*found, Fraction(0), a, b))
    return next((r for r in sorted(candidates, key=float)
                 if confirmed(observe, bracket, limits, r)), None)


def confirmed(observe: Callable[[Fraction], Observation], bracket: Bracket,
              limits: tuple[Fraction, Fraction], root: sympy.Expr) -> bool:
    """Whether exact solves a millionth of the bracket below and above ``root`` show the state
    of the bracket's lower end below it and another state above it."""
    offset = (bracket.above - bracket.below) * NEIGHBOUR
    point = Fraction(int(root.p), int(root.q)) if root.is_Rational else \
        Fraction(str(sympy.N(root, 40)))
    if point - offset < limits[0] or point + offset > limits[1]:
        return False
    below, above = observe(point - offset).state, observe(point + offset).state
    return bool(below == bracket.state_below and above != bracket.state_below)


def _families(observe: Callable[[Fraction], Observation], xs: list[Fraction],
              targets: Targets | None) -> list[list[Fraction]]:
    """Every number of every family found at all the sample points ``xs``, as one series each."""
    series: dict[tuple[Any, str], list[Fraction]] | None = None
    for x in xs:
        seen = observe(x)
        if not all(eq.exact for eq in seen.equilibria):
            return []
        here: dict[tuple[Any, str], list[Fraction]] = {}
        signatures = [signature(eq) for eq in seen.equilibria]
        for eq, sig in zip(seen.equilibria, signatures, strict=True):
            if signatures.count(sig) > 1:
                continue  # two equilibria with one support: not told apart along the samples
            numbers = {**supports(eq), **gaps(seen.game, eq),
                       **({f"target {k}": v for k, v in targets(seen.game, eq).items()}
                          if targets else {})}
            for name, value in numbers.items():
                here[(sig, name)] = [value]
        if series is None:
            series = here
        else:
            series = {key: [*values, *here[key]] for key, values in series.items() if key in here}
        if not series:
            return []
    return [values for values in (series or {}).values() if len(set(values)) > 1]


def signature(eq: Equilibrium) -> tuple[tuple[bool, ...], ...]:
    """The supports of an equilibrium: which actions each player (or information set) plays."""
    return tuple(tuple(bool(x != 0) for x in dist) for dist in eq.strategies)


def supports(eq: Equilibrium) -> dict[str, Fraction]:
    """The probabilities of a mixed support (a pure one is constant)."""
    return {f"p {k} {a}": Fraction(x) for k, dist in enumerate(eq.strategies)
            if sum(1 for x in dist if x != 0) > 1 for a, x in enumerate(dist) if x != 0}


def gaps(game: NormalFormGame | GameTree, eq: Equilibrium) -> dict[str, Fraction]:
    """Each unused action's payoff gap to the first used one, for its owner (module docstring)."""
    if isinstance(game, NormalFormGame):
        found = {}
        for i, dist in enumerate(eq.strategies):
            deviations = game.deviation_payoffs(eq.strategies, i)
            used = next(s for s, x in enumerate(dist) if x != 0)
            found.update({f"g {i} {s}": Fraction(deviations[s] - deviations[used])
                          for s, x in enumerate(dist) if x == 0})
        return found
    if game.num_nodes > GAP_NODES:
        return {}
    weights = edge_weights(game, list(eq.strategies))
    values = [continuation_values(game, weights, i) for i in range(game.num_players)]
    reach = [realization(game, weights, skip_player=i) for i in range(game.num_players)]
    found = {}
    ptr, kids = game.child_ptr, game.child_index
    for k, infoset in enumerate(game.infosets):
        nodes = infoset.nodes
        own = reach[infoset.player]
        w = [Fraction(1)] * len(nodes) if len(nodes) == 1 or \
            all(own[h] == 0 for h in nodes) else [own[h] for h in nodes]

        def value(a: int, nodes: Any = nodes, w: list[Any] = w, player: int = infoset.player
                  ) -> Fraction:
            return Fraction(sum(wh * values[player][kids[ptr[h] + a]]
                                for wh, h in zip(w, nodes, strict=True)))

        dist = eq.strategies[k]
        used = next(a for a, x in enumerate(dist) if x != 0)
        base = value(used)
        found.update({f"g {k} {a}": value(a) - base for a, x in enumerate(dist) if x == 0})
    return found

