"""Simplified conditions and signs of expressions on a region.

:func:`simplify` rewrites a feasible conjunction for reading: canonical forms
(:func:`~alliance_games.solvers.symbolic.conditions.canonical`), duplicates merged, the
one-parameter conditions on each parameter replaced by the interval they cut out of its range
(``a < x <= b``), and linear conditions implied by the others dropped (``C`` is implied by the
rest ``R`` iff ``R and not C`` is infeasible, decided exactly by Fourier-Motzkin elimination).

:func:`sign_on` decides the sign of an expression ``d`` on a region ``R``: ``"0"`` when ``d``
simplifies to 0; ``"+"`` when ``R and d < 0`` is infeasible (``d >= 0`` on ``R``, and ``d``
is not identically 0); ``"-"`` symmetrically; ``"depends"`` when both ``R and d > 0`` and
``R and d < 0`` are feasible (the sign follows the condition ``d > 0``); ``"undetermined"``
when feasibility could not be decided.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from alliance_games.solvers.symbolic.conditions import (
    Bounds,
    canonical,
    feasible,
    fourier_motzkin,
    linear_row,
    univariate_sets,
)
from alliance_games.solvers.symbolic.result import Condition


def simplify(conds: Sequence[Condition], bounds: Bounds) -> list[Condition] | None:
    """Readable equivalent conditions (within the box); ``None`` if one is always false."""
    merged: dict[sympy.Expr, Condition] = {}
    for cond in conds:
        c = canonical(cond, bounds)
        if c is False:
            return None
        if c is True:
            continue
        assert isinstance(c, Condition)
        old = merged.get(c.expr)
        if old is None or (c.strict and not old.strict):
            merged[c.expr] = Condition(c.expr, c.strict or (old.strict if old else False),
                                       c.reason or (old.reason if old else ""))
    single = [c for c in merged.values() if len(c.expr.free_symbols) == 1]
    multi = [c for c in merged.values() if len(c.expr.free_symbols) != 1]
    out: list[Condition] = []
    by_symbol: dict[sympy.Symbol, list[Condition]] = {}
    for c in single:
        by_symbol.setdefault(next(iter(c.expr.free_symbols)), []).append(c)
    for x, group in sorted(by_symbol.items(), key=lambda item: str(item[0])):
        interval = _as_interval(group, x, bounds)
        out.extend(interval if interval is not None else group)
    out.extend(_drop_implied(multi, out, bounds))
    return out


def _as_interval(group: list[Condition], x: sympy.Symbol, bounds: Bounds
                 ) -> list[Condition] | None:
    """One parameter's conditions as at most two bounds, when they cut out an interval."""
    sets = univariate_sets(group, bounds)
    if sets is None:
        return None
    s = sets[x]
    if not isinstance(s, sympy.Interval):
        return None
    box = bounds.get(x)
    reason = "; ".join(dict.fromkeys(c.reason for c in group if c.reason))
    out = []
    if not s.inf.is_infinite and not (box and s.inf == box[0] and not s.left_open):
        out.append(Condition(x - s.inf, bool(s.left_open), reason))
    if not s.sup.is_infinite and not (box and s.sup == box[1] and not s.right_open):
        out.append(Condition(s.sup - x, bool(s.right_open), reason))
    return out


def _drop_implied(multi: list[Condition], others: list[Condition], bounds: Bounds
                  ) -> list[Condition]:
    kept = list(multi)
    for cond in list(multi):
        negated = Condition(-cond.expr, not cond.strict)
        rest = [c for c in kept if c is not cond] + others + [negated]
        rows = [linear_row(c) for c in rest]
        if all(r is not None for r in rows) and \
                fourier_motzkin([r for r in rows if r is not None], bounds) is False:
            kept.remove(cond)
    return kept


def sign_on(expr: sympy.Expr, conds: Sequence[Condition], bounds: Bounds
            ) -> tuple[str, Condition | None]:
    """The sign of ``expr`` on the region ``conds`` (see the module docstring)."""
    d = sympy.cancel(sympy.together(expr))
    if d == 0:
        return "0", None
    if d.is_number:
        return ("+" if d > 0 else "-"), None
    positive, _ = feasible([*conds, Condition(d, True)], bounds)
    negative, _ = feasible([*conds, Condition(-d, True)], bounds)
    if positive is False and negative is False:
        return "0", None
    if negative is False and positive is not None:
        return "+", None
    if positive is False and negative is not None:
        return "-", None
    if positive and negative:
        c = canonical(Condition(d, True), bounds)
        return "depends", (c if isinstance(c, Condition) else Condition(d, True))
    return "undetermined", Condition(d, True)
