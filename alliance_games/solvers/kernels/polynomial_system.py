"""Real solutions of small polynomial systems with rational coefficients, by Groebner bases.

Method (Cox, Little & O'Shea, *Ideals, Varieties, and Algorithms*, 4th ed., ch. 2-3 and 5;
*Using Algebraic Geometry*, 2nd ed., ch. 2-3):

1. A reduced Groebner basis ``G`` in grevlex order (Buchberger/F5B via sympy). ``G = {1}`` means
   no complex solution at all.
2. If ``G`` is positive-dimensional, factor its elements over ``Q``: ``g = f_1 f_2`` splits the
   variety into ``V(G, f_1) ∪ V(G, f_2)`` (a factorizing Groebner step); branches are solved
   separately. What remains positive-dimensional is returned as a *continuum* to the caller.
3. A zero-dimensional ``G`` is converted to lex order by FGLM (Faugère et al. 1993). In *shape
   position* the lex basis is ``{x_k - h_k(y), g(y)}`` (the shape lemma, Gianni & Mora 1989);
   otherwise a separating linear form ``y = sum c_k x_k`` is added, after making the ideal radical
   by adjoining the square-free parts of its univariate eliminants (Seidenberg's lemma).
4. ``g`` is factored over ``Q``. A linear factor gives a rational root, hence an exact rational
   solution. A factor of degree ``d >= 2`` has real roots isolated exactly by sympy (Descartes /
   continued fractions) and refined by safeguarded Newton steps in mpmath to ``1e-45``; a
   coordinate whose ``h_k`` reduces to a constant modulo the factor is rational, the others are
   evaluated with mpmath at 50 digits.

Only real solutions with every coordinate in ``[lower, upper]`` are returned.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeAlias

import mpmath
import sympy as sp
from sympy import QQ

DIGITS = 50
"""mpmath working precision (decimal digits) for irrational coordinates."""

Value: TypeAlias = Any
"""A coordinate: :class:`fractions.Fraction` (rational) or ``mpmath.mpf`` (irrational)."""


@dataclass(frozen=True)
class RealPoint:
    """A real solution: ``values[k]`` is a Fraction (exact) or an mpmath number (irrational)."""

    values: tuple[Value, ...]

    @property
    def exact(self) -> bool:
        return all(isinstance(v, Fraction) for v in self.values)


@dataclass(frozen=True)
class SystemSolution:
    """Isolated real solutions in the box, and the positive-dimensional branches left over (each
    a reduced grevlex Groebner basis) that were not shown to miss the box."""

    points: tuple[RealPoint, ...]
    continua: tuple[sp.GroebnerBasis, ...]


def _fraction(value: object) -> Fraction:
    return Fraction(int(value.p), int(value.q))  # type: ignore[attr-defined]


def groebner_basis(polys: list[sp.Poly], gens: tuple[sp.Symbol, ...]) -> sp.GroebnerBasis:
    """Reduced grevlex Groebner basis of the non-zero ``polys``."""
    nonzero = [p for p in polys if not p.is_zero]
    return sp.groebner(nonzero, *gens, order="grevlex", domain=QQ)


def inconsistent(basis: sp.GroebnerBasis) -> bool:
    """True when the basis is ``{1}`` (no complex solution)."""
    return any(p.is_ground and not p.is_zero for p in basis.polys)


def independent_variables(basis: sp.GroebnerBasis, gens: tuple[sp.Symbol, ...]
                          ) -> tuple[sp.Symbol, ...]:
    """A largest set of variables no leading monomial lies in: its size is the dimension of the
    variety (Cox, Little & O'Shea, ch. 9 §3)."""
    leads = [tuple(k for k, e in enumerate(p.monoms(order="grevlex")[0]) if e)
             for p in basis.polys]
    for size in range(len(gens), -1, -1):
        for subset in itertools.combinations(range(len(gens)), size):
            if not any(set(lead) <= set(subset) for lead in leads):
                return tuple(gens[k] for k in subset)
    return ()


def _misses_box(basis: sp.GroebnerBasis, gens: tuple[sp.Symbol, ...], lower: Fraction,
                upper: Fraction) -> bool:
    """True if some basis element is univariate with no real root in ``[lower, upper]``."""
    for p in basis.polys:
        used = [k for k, e in enumerate(map(max, zip(*p.monoms(), strict=True))) if e]
        if len(used) == 1:
            uni = sp.Poly(p.as_expr(), gens[used[0]], domain=QQ)
            if uni.count_roots(sp.Rational(lower), sp.Rational(upper)) == 0:
                return True
    return False


def _split(basis: sp.GroebnerBasis) -> list[list[sp.Poly]] | None:
    """Branches ``basis + [f]`` for the factors ``f`` of the first reducible basis element."""
    for k, p in enumerate(basis.polys):
        if p.total_degree() < 2:
            continue
        factors = p.factor_list()[1]
        if len(factors) > 1 or factors[0][1] > 1:
            rest = [q for j, q in enumerate(basis.polys) if j != k]
            return [rest + [f] for f, _ in factors]
    return None


def solve_system(polys: list[sp.Poly], gens: tuple[sp.Symbol, ...], *,
                 lower: Fraction = Fraction(0), upper: Fraction = Fraction(1),
                 max_branches: int = 64) -> SystemSolution:
    """Real solutions of ``polys = 0`` in the box ``[lower, upper]^n`` (see module docstring)."""
    points: list[RealPoint] = []
    continua: list[sp.GroebnerBasis] = []
    stack = [list(polys)]
    branches = 0
    while stack:
        basis = groebner_basis(stack.pop(), gens)
        if inconsistent(basis) or _misses_box(basis, gens, lower, upper):
            continue
        if basis.polys and basis.is_zero_dimensional:
            points += _zero_dimensional(basis, gens, lower, upper)
            continue
        branches_here = _split(basis) if branches < max_branches else None
        if branches_here:
            branches += 1
            stack.extend(reversed(branches_here))
        else:
            continua.append(basis)
    return SystemSolution(tuple(points), tuple(continua))


def _shape(lex: sp.GroebnerBasis, gens: tuple[sp.Symbol, ...]
           ) -> tuple[list[sp.Poly], sp.Poly] | None:
    """``([h_k], g)`` when the lex basis is ``{x_k - h_k(y), g(y)}`` with ``y = gens[-1]``."""
    n, y = len(gens), gens[-1]
    if len(lex.polys) != n:
        return None
    h: list[sp.Poly | None] = [None] * (n - 1)
    g = None
    for p in lex.polys:
        monoms = p.monoms(order="lex")
        lead = monoms[0]
        if all(e == 0 for e in lead[:-1]):
            g = sp.Poly(p.as_expr(), y, domain=QQ)
            continue
        k = next(j for j, e in enumerate(lead) if e)
        if lead != tuple(int(j == k) for j in range(n)) or any(any(m[:-1]) for m in monoms[1:]):
            return None
        lead_coeff = p.LC(order="lex")
        tail = p - lead_coeff * sp.Poly(gens[k], *gens, domain=QQ)
        h[k] = sp.Poly((tail * (-1 / lead_coeff)).as_expr(), y, domain=QQ)
    if g is None or any(q is None for q in h):
        return None
    return [q for q in h if q is not None], g


def _lex(polys: list[sp.Poly], gens: tuple[sp.Symbol, ...]) -> sp.GroebnerBasis:
    exprs = [p.as_expr() for p in polys]
    return sp.groebner(exprs, *gens, order="grevlex", domain=QQ).fglm("lex")


def _radical(polys: list[sp.Poly], gens: tuple[sp.Symbol, ...]) -> list[sp.Poly]:
    """Adjoin the square-free part of each variable's eliminant (Seidenberg's lemma)."""
    extra = []
    for k, x in enumerate(gens):
        order = (*gens[:k], *gens[k + 1:], x)
        eliminant = next(p for p in _lex(polys, order).polys if p.free_symbols <= {x})
        extra.append(sp.Poly(sp.Poly(eliminant.as_expr(), x).sqf_part().as_expr(), *gens,
                             domain=QQ))
    return [sp.Poly(p.as_expr(), *gens, domain=QQ) for p in polys] + extra


def _zero_dimensional(basis: sp.GroebnerBasis, gens: tuple[sp.Symbol, ...], lower: Fraction,
                      upper: Fraction) -> list[RealPoint]:
    shape = _shape(basis.fglm("lex"), gens)
    if shape is not None:
        return _roots(shape[0], shape[1], len(gens) - 1, lower, upper, box_last=True)
    polys = list(basis.polys)
    t = sp.Symbol("t_separating")
    extended = (*gens, t)
    for attempt in range(6):
        if attempt == 2:
            polys = _radical(polys, gens)
        c = 2 + attempt
        form = sp.Poly(t - sum(c**k * x for k, x in enumerate(gens)), *extended, domain=QQ)
        lifted = [sp.Poly(p.as_expr(), *extended, domain=QQ) for p in polys]
        shape = _shape(_lex([*lifted, form], extended), extended)
        if shape is not None:
            return _roots(shape[0], shape[1], len(gens), lower, upper, box_last=False)
    raise ArithmeticError("zero-dimensional system not brought into shape position")


def _roots(h: list[sp.Poly], g: sp.Poly, n: int, lower: Fraction, upper: Fraction, *,
           box_last: bool) -> list[RealPoint]:
    """Points ``(h_1(y), ..., h_{n'}(y)[, y])`` for the real roots ``y`` of ``g``."""
    points = []
    for factor, _ in g.sqf_part().factor_list()[1]:
        if factor.degree() == 1:
            c1, c0 = (_fraction(c) for c in factor.all_coeffs())
            points.append(_point(h, -c0 / c1, n, box_last))
            continue
        residues = [q.rem(factor) for q in h]
        lo, hi = (sp.Rational(lower), sp.Rational(upper)) if box_last else (None, None)
        coeffs = [_fraction(c) for c in factor.all_coeffs()]
        for (a, b), _ in factor.intervals(inf=lo, sup=hi):
            with mpmath.workdps(DIGITS):
                bracket = (_mpf(_fraction(a)), _mpf(_fraction(b)))
                root = _bisect([_mpf(v) for v in coeffs], *bracket)
                points.append(_point(residues, root, n, box_last))
    return [p for p in points if all(_inside(v, lower, upper) for v in p.values)]


def _point(h: list[sp.Poly], y: Value, n: int, include_y: bool) -> RealPoint:
    values = [_evaluate(q, y) for q in h[:n]]
    if include_y:
        values.append(y)
    return RealPoint(tuple(values))


def _evaluate(q: sp.Poly, y: Value) -> Value:
    coeffs = [_fraction(c) for c in q.all_coeffs()]
    if len(coeffs) == 1:
        return coeffs[0]
    if isinstance(y, Fraction):
        total = Fraction(0)
        for c in coeffs:
            total = total * y + c
        return total
    with mpmath.workdps(DIGITS):
        return mpmath.polyval([mpmath.mpf(c.numerator) / c.denominator for c in coeffs], y)


def _bisect(coeffs: list[mpmath.mpf], low: mpmath.mpf, high: mpmath.mpf) -> mpmath.mpf:
    """The root of a polynomial with a sign change on ``[low, high]`` (an isolating interval):
    Newton steps, replaced by bisection whenever they leave the bracket."""
    derivative = [c * (len(coeffs) - 1 - k) for k, c in enumerate(coeffs[:-1])]
    sign_low = mpmath.sign(mpmath.polyval(coeffs, low))
    x, tiny = (low + high) / 2, mpmath.mpf(10) ** (5 - DIGITS)
    for _ in range(400):
        value = mpmath.polyval(coeffs, x)
        if value == 0:
            return x
        if mpmath.sign(value) == sign_low:
            low = x
        else:
            high = x
        slope = mpmath.polyval(derivative, x)
        step = x - value / slope if slope else low - 1
        x = step if low < step < high else (low + high) / 2
        if high - low < tiny or (slope and abs(value / slope) < tiny * (1 + abs(x))):
            return x
    return x


def _mpf(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def _inside(value: Value, lower: Fraction, upper: Fraction) -> bool:
    if isinstance(value, Fraction):
        return lower <= value <= upper
    with mpmath.workdps(DIGITS):
        slack = mpmath.mpf(10) ** (-30)
        low = mpmath.mpf(lower.numerator) / lower.denominator
        high = mpmath.mpf(upper.numerator) / upper.denominator
        return bool(low - slack <= value <= high + slack)
