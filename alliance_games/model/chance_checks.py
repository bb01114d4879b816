"""Checks of a chance node's probabilities over the declared parameter ranges.

A chance node's probabilities are expressions in the parameters. They must sum to 1 identically
and be non-negative at every admissible parameter value; the second is checked where it matters in
practice, at the defaults and at the corners of the declared ranges (or allowed values) of the
parameters they use (:func:`corner_points`).
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy

from alliance_games.errors import shown
from alliance_games.model.fields import Context
from alliance_games.model.symbolic import Parameter

MAX_CORNER_PARAMETERS = 10
"""Chance probabilities over more parameters are checked at the defaults and one-at-a-time corners
only (not at all 2**k corners of the parameter box)."""


def check_probabilities(ctx: Context, node: Any, field: str, labels: list[str],
                        probs: list[sympy.Expr], parameters: dict[sympy.Symbol, Parameter]) -> None:
    """Refuse probabilities whose sum is not 1, or that are negative as numbers, at the defaults
    or at a corner (the error points at ``node``'s ``chance`` field)."""
    total = sympy.simplify(sum(probs, sympy.Integer(0)) - 1)
    if total != 0:
        ctx.fail(f"chance probabilities sum to {sympy.simplify(total + 1)}, not 1",
                 node, "chance", f"{field}.chance")
    for p in probs:
        if p.is_number and p < 0:
            ctx.fail(f"negative probability {p}", node, "chance", f"{field}.chance")
    symbols: set[sympy.Symbol] = set()
    for p in probs:
        symbols |= p.free_symbols
    if not symbols:
        return
    for point in corner_points(symbols, parameters):
        at = ", ".join(f"{s.name}={v}" for s, v in point.items())
        values = []
        for label, p in zip(labels, probs, strict=True):
            value = p.xreplace(point)
            if isinstance(value, sympy.Piecewise):
                value = value.doit()
            if not value.is_number:
                return  # depends on undeclared names (cannot happen) or did not simplify
            try:
                negative = bool(value < 0)
            except TypeError:
                return
            if negative:
                ctx.fail(f"chance probability of {shown(label)} is {value} at {at}, inside the "
                         "declared parameter ranges (it must be non-negative at every "
                         "admissible value)", node, "chance", f"{field}.chance")
            values.append(value)
        total = sum(values, sympy.Integer(0))
        if all(v.is_Rational for v in values) and total != 1:
            ctx.fail(f"chance probabilities sum to {total}, not 1, at {at}",
                     node, "chance", f"{field}.chance")


def corner_points(symbols: set[sympy.Symbol], parameters: dict[sympy.Symbol, Parameter]
                   ) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """The defaults, then every corner of the declared ranges (or allowed values) of ``symbols``.

    Beyond :data:`MAX_CORNER_PARAMETERS` parameters, the corners are taken one parameter at a time
    (the others at their defaults).
    """
    known = sorted((s for s in symbols if s in parameters), key=lambda s: s.name)
    default = {s: parameters[s].default for s in known}
    ends: dict[sympy.Symbol, tuple[sympy.Rational, ...]] = {}
    for s in known:
        par = parameters[s]
        if par.range is not None:
            ends[s] = (par.range[0], par.range[1])
        elif par.values is not None:
            ends[s] = (min(par.values), max(par.values))
        else:
            ends[s] = (par.default,)
    points = [default]
    if len(known) <= MAX_CORNER_PARAMETERS:
        points.extend(dict(zip(known, combo, strict=True))
                      for combo in itertools.product(*(ends[s] for s in known)))
    else:
        points.extend({**default, s: v} for s in known for v in ends[s])
    return points
