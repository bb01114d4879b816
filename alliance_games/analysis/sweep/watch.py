"""Where a watched equilibrium quantity changes, or crosses a value, along one parameter.

The quantity (:mod:`~alliance_games.analysis.sweep.quantities`) is read in every equilibrium the
model's default method finds at a point, solved exactly. Its *state* at the point is the
multiset of its values over the equilibria (``count``: the number of equilibria); with a value
``v`` to cross, the multiset of the signs of ``value - v``. Bisection
(:func:`~alliance_games.analysis.sweep.crossing.bisect`) brackets the first change of state from
``lo`` to ``1/16384`` of the interval;
the exact point is then sought by :func:`~alliance_games.analysis.sweep.crossing.locate`, which
fits the equilibria's probabilities, payoff gaps and (with ``v``) the quantity itself as
rational functions of the parameter beside the bracket and confirms a root of one of them by
exact solves on both sides of it. Without ``v``, a quantity that varies continuously changes
right at ``lo``: ask where it crosses a value instead. When the state changes right after
``lo`` (an end point with equilibria of its own, such as a degenerate prior), the search goes
on from there and reports the next change, if there is one.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from alliance_games.analysis.sweep.crossing import Observation, bisect, locate
from alliance_games.analysis.sweep.equilibria import Solved, solve_at
from alliance_games.analysis.sweep.quantities import Number, Quantity, Vocabulary, summarise
from alliance_games.errors import ParameterError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.compile import CompiledModel, parse_value
from alliance_games.solvers.result import Equilibrium

RESOLUTION = 2**14  # bisection stops at 1/RESOLUTION of the interval


@dataclass(frozen=True)
class Change:
    """A change of ``quantity`` in ``parameter`` between ``below`` and ``above``."""

    parameter: str
    quantity: Quantity
    value: Fraction | None  # the value crossed, if one was asked for
    below: Fraction  # last value with the state found at the start of the interval
    above: Fraction  # first value with another state
    values_below: tuple[Number, ...]  # the quantity in each equilibrium at ``below``
    values_above: tuple[Number, ...]
    exact: sympy.Expr | None  # the exact point, when confirmed
    at_start: bool = False  # the state changes right after the interval's start

    @property
    def threshold(self) -> float:
        return float(self.exact) if self.exact is not None else float((self.below + self.above) / 2)

    @property
    def crossed(self) -> bool:
        """Whether an equilibrium's value moves to the other side of ``value`` (as many
        equilibria on both sides of the change, on other sides of ``value``), or the sides taken
        differ (always true without a ``value``)."""
        if self.value is None:
            return True

        def sides(levels: tuple[Number, ...]) -> list[int]:
            return sorted((v > self.value) - (v < self.value)  # type: ignore[operator]
                          for v in levels)

        below, above = sides(self.values_below), sides(self.values_above)
        return below != above if len(below) == len(above) else set(below) != set(above)


def watched(compiled: CompiledModel, spec: str, values: Mapping[str, Any] | None = None
            ) -> Quantity:
    """The quantity written ``spec``, checked against what the model offers."""
    return Vocabulary.of(compiled.at(compiled.resolve(dict(values or {})), exact=False)).parse(spec)


def interval(compiled: CompiledModel, parameter: str, lo: Any, hi: Any) -> tuple[Fraction, Fraction]:
    """``[lo, hi]`` of a parameter of the model, exactly, with ``lo < hi``."""
    if not compiled.model.parameters:
        raise ParameterError(f"model {compiled.model.name!r} has no parameters to move")
    if compiled.model.parameter(parameter) is None:
        valid = ", ".join(p.name for p in compiled.model.parameters) or "none"
        raise ParameterError(f"unknown parameter {parameter!r} (valid parameters: {valid})")
    a, b = Fraction(str(parse_value(lo))), Fraction(str(parse_value(hi)))
    if a >= b:
        raise ParameterError(f"--between needs A < B, got {lo}:{hi}")
    return a, b


def find_change(compiled: CompiledModel, parameter: str, lo: Any, hi: Any, quantity: Quantity,
                *, value: Any = None, values: Mapping[str, Any] | None = None,
                method: str = "auto") -> Change | None:
    """The first change of ``quantity`` (or crossing of ``value``) in ``parameter`` from ``lo``
    towards ``hi``; ``None`` when the state at both ends is the same."""
    a, b = interval(compiled, parameter, lo, hi)
    fixed = dict(values or {})
    target = None if value is None else Fraction(str(parse_value(value)))
    cache: dict[Fraction, tuple[Solved, Observation]] = {}

    def observe(x: Fraction) -> Observation:
        if x not in cache:
            found = solve_at(compiled, {**fixed, parameter: x}, method)
            cache[x] = found, Observation(found.game, found.result.equilibria, state_of(found))
        return cache[x][1]

    def levels(found: Solved) -> list[Number]:
        if not quantity.per_equilibrium:
            return [Fraction(len(found.summaries))]
        return [s.value(quantity) for s in found.summaries]

    def state_of(found: Solved) -> Hashable:
        numbers = [v if isinstance(v, Fraction) else round(float(v), 9) for v in levels(found)]
        if target is None:
            return tuple(sorted(numbers))
        return tuple(sorted((n > target) - (n < target) for n in numbers))

    def targets(game: NormalFormGame | GameTree, eq: Equilibrium) -> dict[str, Fraction]:
        number = summarise(game, eq).value(quantity)
        return {"value": Fraction(number) - target} if target is not None else {}

    tol = (b - a) / RESOLUTION
    bracket = bisect(lambda x: observe(x).state, a, b, tol)
    if bracket is not None and bracket.below == a and bracket.above < b:
        # the start itself may be special (e.g. more equilibria at a degenerate prior): look
        # for a change beyond it, and keep this one if there is none
        further = bisect(lambda x: observe(x).state, bracket.above, b, tol)
        if further is not None and further.below > bracket.above:
            bracket = further
    if bracket is None:
        return None
    exact = locate(observe, bracket, (a, b),
                   targets=targets if target is not None and quantity.per_equilibrium else None)
    return Change(parameter, quantity, target, bracket.below, bracket.above,
                  tuple(sorted(levels(cache[bracket.below][0]))),
                  tuple(sorted(levels(cache[bracket.above][0]))), exact, bracket.below == a)
