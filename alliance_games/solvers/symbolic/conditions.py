"""Conjunctions of inequalities over the free parameters: canonical form, feasibility, signs.

A condition is ``e > 0`` or ``e >= 0`` for an expression ``e`` in the free parameters, which
range over a box (their declared ranges). Three exact tools decide feasibility:

* **one parameter at a time**: when every condition involves at most one parameter, the
  conjunction is feasible iff, for each parameter, the intersection of the solution sets of its
  conditions (sympy's univariate inequality solver) with its range is non-empty;
* **linear conditions**: Fourier-Motzkin elimination in exact rationals (Motzkin 1936): to
  eliminate ``x``, every pair of a lower bound ``a.y + c + p x > 0`` (``p > 0``) and an upper
  bound ``b.y + d - q x > 0`` (``q > 0``) gives ``q (a.y + c) + p (b.y + d) > 0`` (strict if
  either was); the system is feasible iff the variable-free inequalities left at the end hold.
  This proves infeasibility as well as feasibility;
* **a witness**: a rational point that satisfies every condition exactly (found by a linear
  program on the linear conditions, maximising the smallest slack, then rounded and checked
  exactly, or among seeded sample points of the box) proves feasibility of anything.

When none applies the answer is ``None`` ("not verified"): the caller keeps the branch and says so.
Canonical form: ``e = n/d`` is cancelled, ``e > 0`` becomes ``n * sign(d) > 0`` when the sign of
``d`` is known on the box (``n * d > 0`` otherwise), and the polynomial is scaled to integer
coefficients with a leading coefficient of +-1, so that ``e`` and ``-e`` share one key.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from alliance_games.solvers.symbolic.result import Condition

Bounds = Mapping[sympy.Symbol, tuple[sympy.Expr, sympy.Expr] | None]
Point = dict[sympy.Symbol, sympy.Rational]
FM_LIMIT = 4_000
SAMPLES = 300
LinearRow = tuple[dict[sympy.Symbol, Fraction], Fraction, bool]


def canonical(cond: Condition, bounds: Bounds) -> Condition | bool:
    """``cond`` in canonical form, or ``True`` / ``False`` when its truth is constant."""
    box = tuple(sorted(((str(x), b) for x, b in bounds.items()), key=lambda item: item[0]))
    found = _canonical(cond.expr, cond.strict, box)
    if isinstance(found, bool):
        return found
    return Condition(found, cond.strict, cond.reason)


@functools.lru_cache(maxsize=20_000)
def _canonical(expr: sympy.Expr, strict: bool, box: tuple[tuple[str, Any], ...]
               ) -> sympy.Expr | bool:
    bounds = {sympy.Symbol(name, real=True): b for name, b in box}
    symbols = sorted(expr.free_symbols, key=str)
    if symbols and expr.is_polynomial(*symbols):
        poly_expr = expr
    else:
        expr = sympy.cancel(sympy.together(expr))
        if expr.is_number:
            return _truth(expr, strict)
        num, den = sympy.fraction(expr)
        den_sign = _box_sign(den, {x: bounds.get(sympy.Symbol(str(x), real=True))
                                   for x in den.free_symbols})
        poly_expr = num * den_sign if den_sign else sympy.expand(num * den)
        symbols = sorted(poly_expr.free_symbols, key=str)
    if not symbols:
        return _truth(poly_expr, strict)
    try:
        poly = sympy.Poly(poly_expr, *symbols, domain="QQ")
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, sympy.CoercionFailed):
        return expr
    if poly.is_zero:
        return not strict
    coeffs = poly.coeffs()
    scale = abs(coeffs[0])
    lcm = sympy.ilcm(1, *[sympy.Rational(c / scale).q for c in coeffs])
    normal = sympy.expand(poly.as_expr() * lcm / scale)
    if normal.is_number:
        return _truth(normal, strict)
    return normal


def key_and_sign(expr: sympy.Expr) -> tuple[sympy.Expr, int]:
    """A key shared by ``expr`` and ``-expr`` and the sign relating ``expr`` to it."""
    negated = sympy.expand(-expr)
    return (expr, 1) if sympy.default_sort_key(expr) <= sympy.default_sort_key(negated) \
        else (negated, -1)


def _truth(value: sympy.Expr, strict: bool) -> bool:
    return bool(value > 0) if strict else bool(value >= 0)


def _box_sign(expr: sympy.Expr, bounds: Bounds) -> int:
    """+1 / -1 when ``expr`` (constant or linear) has that sign on the whole box, else 0."""
    if expr.is_number:
        return 1 if expr > 0 else (-1 if expr < 0 else 0)
    linear = _linear(expr)
    if linear is None:
        return 0
    coeffs, const = linear
    low, high = const, const
    for symbol, c in coeffs.items():
        box = bounds.get(symbol)
        if box is None:
            return 0
        a, b = Fraction(str(box[0])), Fraction(str(box[1]))
        low += c * (a if c > 0 else b)
        high += c * (b if c > 0 else a)
    return 1 if low > 0 else (-1 if high < 0 else 0)


def _linear(expr: sympy.Expr) -> tuple[dict[sympy.Symbol, Fraction], Fraction] | None:
    """Coefficients and constant of a linear expression with rational coefficients."""
    symbols = sorted(expr.free_symbols, key=str)
    if not symbols:
        return ({}, Fraction(str(expr))) if expr.is_Rational else None
    try:
        poly = sympy.Poly(expr, *symbols, domain="QQ")
    except (sympy.PolynomialError, sympy.CoercionFailed):
        return None
    if poly.total_degree() > 1:
        return None
    coeffs: dict[sympy.Symbol, Fraction] = {}
    const = Fraction(0)
    for monomial, c in poly.terms():
        value = Fraction(int(c.p), int(c.q))
        if sum(monomial) == 0:
            const = value
        else:
            coeffs[symbols[monomial.index(1)]] = value
    return coeffs, const


# ---- feasibility -------------------------------------------------------------------------------
def feasible(conds: Sequence[Condition], bounds: Bounds, *, witness: bool = False
             ) -> tuple[bool | None, Point | None]:
    """Whether the conjunction has a solution in the box: ``True``/``False``, or ``None``.

    The second item is a rational point satisfying every condition when one was found (always
    searched for non-linear conditions; for linear ones only when ``witness`` is asked for,
    since Fourier-Motzkin elimination decides them without one).
    """
    canon: list[Condition] = []
    for cond in conds:
        c = canonical(cond, bounds)
        if c is False:
            return False, None
        if isinstance(c, Condition):
            canon.append(c)
    if not canon:
        return True, _centre(bounds)
    if all(len(c.expr.free_symbols) <= 1 for c in canon):
        sets = univariate_sets(canon, bounds)
        if sets is not None:
            if any(s.is_empty for s in sets.values()):
                return False, None
            point = _centre(bounds)
            point.update({x: _point_in(s) for x, s in sets.items()})
            return True, point
    linear = [row for row in (linear_row(c) for c in canon) if row is not None]
    decided = fourier_motzkin(linear, bounds) if linear else None
    if decided is False:
        return False, None
    if len(linear) == len(canon) and decided is True and not witness:
        return True, None
    found = find_witness(canon, bounds, linear)
    if found is not None:
        return True, found
    return (decided if len(linear) == len(canon) else None), None


def univariate_sets(conds: Iterable[Condition], bounds: Bounds
                    ) -> dict[sympy.Symbol, sympy.Set] | None:
    """Per parameter, the solution set of its one-parameter conditions within its range."""
    sets: dict[sympy.Symbol, sympy.Set] = {}
    for cond in conds:
        (x,) = cond.expr.free_symbols
        box = bounds.get(x)
        domain = sympy.Interval(box[0], box[1]) if box else sympy.S.Reals
        relation = sympy.StrictGreaterThan if cond.strict else sympy.GreaterThan
        try:
            solved = sympy.solveset(relation(cond.expr, 0), x, domain=domain)
        except (NotImplementedError, ValueError, TypeError):
            return None
        if isinstance(solved, sympy.ConditionSet):
            return None
        sets[x] = sets.get(x, domain).intersect(solved)
    return sets


def linear_row(cond: Condition) -> LinearRow | None:
    linear = _linear(cond.expr)
    return None if linear is None else (linear[0], linear[1], cond.strict)


def fourier_motzkin(rows: list[LinearRow], bounds: Bounds) -> bool | None:
    """Exact feasibility of linear inequalities within the box (``None``: too many rows)."""
    system = list(rows)
    variables = sorted({x for coeffs, _, _ in rows for x in coeffs}, key=str)
    for x in variables:
        box = bounds.get(x)
        if box is not None:
            a, b = Fraction(str(box[0])), Fraction(str(box[1]))
            system += [({x: Fraction(1)}, -a, False), ({x: Fraction(-1)}, b, False)]
    for x in variables:
        lower = [r for r in system if r[0].get(x, 0) > 0]
        upper = [r for r in system if r[0].get(x, 0) < 0]
        rest = [r for r in system if r[0].get(x, 0) == 0]
        if len(lower) * len(upper) + len(rest) > FM_LIMIT:
            return None
        combined: dict[Any, LinearRow] = {}
        for (ca, da, sa), (cb, db, sb) in itertools.product(lower, upper):
            p, q = ca[x], -cb[x]
            coeffs = {y: q * ca.get(y, 0) + p * cb.get(y, 0) for y in set(ca) | set(cb) if y != x}
            coeffs = {y: c for y, c in coeffs.items() if c != 0}
            const = q * da + p * db
            scale = max([abs(c) for c in coeffs.values()] or [Fraction(1)])
            key = (tuple(sorted((str(y), c / scale) for y, c in coeffs.items())), const / scale)
            strict = sa or sb or combined.get(key, (None, None, False))[2]
            combined[key] = ({y: c / scale for y, c in coeffs.items()}, const / scale, strict)
        system = rest + list(combined.values())
    return all(const > 0 if strict else const >= 0 for _, const, strict in system)


# ---- witnesses ---------------------------------------------------------------------------------
def holds(conds: Iterable[Condition], point: Mapping[sympy.Symbol, sympy.Expr]) -> bool:
    """Whether every condition holds exactly at ``point`` (a full assignment)."""
    for cond in conds:
        value = cond.expr.xreplace(dict(point))
        if isinstance(value, sympy.Piecewise) or value.has(sympy.Piecewise):
            value = value.doit()
        if not value.is_number or not _truth(sympy.nsimplify(value) if value.is_Float else value,
                                             cond.strict):
            return False
    return True


def find_witness(conds: Sequence[Condition], bounds: Bounds,
                 linear: Sequence[LinearRow] = ()) -> Point | None:
    """A rational point of the box satisfying every condition, or ``None`` if none was found."""
    symbols = sorted({x for c in conds for x in c.expr.free_symbols} | set(bounds), key=str)
    centre = _centre(bounds)

    def candidates() -> Iterator[Point]:
        if linear:
            lp = _lp_point(linear, bounds, symbols)
            if lp is not None:
                yield lp
        yield centre
        rng = np.random.default_rng(12345)
        for _ in range(SAMPLES):
            point: Point = {}
            for x in symbols:
                box = bounds.get(x)
                lo, hi = (Fraction(str(box[0])), Fraction(str(box[1]))) if box else (
                    Fraction(-10), Fraction(10))
                step = Fraction(int(rng.integers(1, 1000)), 1000)
                point[x] = sympy.Rational(lo + (hi - lo) * step)
            yield point

    for point in candidates():
        full = {x: point.get(x, centre.get(x, sympy.Integer(0))) for x in symbols}
        if holds(conds, full):
            return full
    return None


def _lp_point(rows: Sequence[LinearRow], bounds: Bounds, symbols: list[sympy.Symbol]
              ) -> Point | None:
    """Maximise the smallest slack of the linear rows (scipy ``linprog``), rounded to rationals."""
    from scipy.optimize import linprog

    n = len(symbols)
    index = {x: i for i, x in enumerate(symbols)}
    a_ub, b_ub = [], []
    for coeffs, const, _ in rows:  # a.x + c >= t  <=>  -a.x + t <= c
        line = [0.0] * (n + 1)
        for x, c in coeffs.items():
            line[index[x]] = -float(c)
        line[n] = 1.0
        a_ub.append(line)
        b_ub.append(float(const))
    box: list[tuple[float | None, float | None]] = []
    for x in symbols:
        limits = bounds.get(x)
        box.append((float(limits[0]), float(limits[1])) if limits else (None, None))
    cost = [0.0] * n + [-1.0]
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[*box, (None, 1.0)], method="highs")
    if not result.success:
        return None
    return {x: sympy.Rational(Fraction(float(result.x[i])).limit_denominator(10**6))
            for i, x in enumerate(symbols)}


def _centre(bounds: Bounds) -> Point:
    return {x: (sympy.Rational(box[0] + box[1], 2) if box else sympy.Integer(0))
            for x, box in bounds.items()}


def _point_in(s: sympy.Set) -> sympy.Rational:
    """A rational point of a non-empty set of reals (midpoint of its first interval)."""
    if isinstance(s, sympy.Union):
        s = s.args[0]
    if isinstance(s, sympy.FiniteSet):
        return next(iter(s))  # type: ignore[no-any-return]
    if isinstance(s, sympy.Interval):
        lo, hi = s.inf, s.sup
        if lo.is_infinite and hi.is_infinite:
            return sympy.Integer(0)
        if lo.is_infinite:
            return sympy.floor(hi) - 1  # type: ignore[no-any-return]
        if hi.is_infinite:
            return sympy.ceiling(lo) + 1  # type: ignore[no-any-return]
        return rational_between(lo, hi) if lo != hi else lo
    return sympy.Integer(0)


def rational_between(lo: sympy.Expr, hi: sympy.Expr) -> sympy.Rational:
    """A simple rational strictly between ``lo < hi`` (exact when both are rational)."""
    if lo.is_Rational and hi.is_Rational:
        return sympy.Rational(lo + hi, 2)
    for digits in (6, 12, 30, 60):
        mid = (lo + hi) / 2
        guess = sympy.Rational(Fraction(str(sympy.N(mid, digits + 5))).limit_denominator(
            10**digits))
        if lo < guess < hi:
            return guess
    raise ArithmeticError(f"no rational found between {lo} and {hi}")
