"""Exact rational functions through exact sample points, and their crossings of a value.

An equilibrium quantity of a model whose payoffs and probabilities are polynomial in a parameter
``x`` is, on an interval where the equilibrium keeps its supports, a rational function of ``x``
(the solution of the indifference equations, Cramer's rule). :func:`fit_rational` finds the
function of lowest total degree ``deg P + deg Q`` through exact samples ``(x_k, y_k)``: for
each degree split it solves the linear system ``P(x_k) = y_k Q(x_k)`` (``Q`` monic) on the first
``deg P + deg Q + 1`` points, exactly, and keeps the fit only if it also passes through the
remaining ``checks`` points. :func:`crossings` gives the exact roots of ``P - v Q`` in an
interval: rationals, or algebraic numbers in radicals.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sympy

Coefficients = tuple[Fraction, ...]  # lowest degree first
X = sympy.Symbol("x")


def fit_rational(xs: Sequence[Fraction], ys: Sequence[Fraction], *, checks: int = 2
                 ) -> tuple[Coefficients, Coefficients] | None:
    """``(P, Q)`` of the lowest-degree rational function through every ``(x_k, y_k)``, or
    ``None`` when none of total degree up to ``len(xs) - 1 - checks`` fits them all."""
    for degree in range(len(xs) - checks):
        for den in range(degree + 1):  # polynomials first
            found = _fit(xs, ys, degree - den, den)
            if found is not None:
                return found
    return None


def _fit(xs: Sequence[Fraction], ys: Sequence[Fraction], num: int, den: int
         ) -> tuple[Coefficients, Coefficients] | None:
    size = num + den + 1
    rows = []
    for x, y in zip(xs[:size], ys[:size], strict=True):
        powers = [x**j for j in range(max(num, den) + 1)]
        rows.append([*powers[: num + 1], *(-y * p for p in powers[:den]), y * powers[den]])
    solution = _solve(rows)
    if solution is None:
        return None
    p = tuple(solution[: num + 1])
    q = (*solution[num + 1 :], Fraction(1))
    for x, y in zip(xs, ys, strict=True):
        qx = _eval(q, x)
        if qx == 0 or _eval(p, x) != y * qx:
            return None
    return p, q


def _solve(rows: list[list[Fraction]]) -> list[Fraction] | None:
    """The unique solution of the square system whose augmented rows are ``rows``, or ``None``."""
    n = len(rows)
    m = [list(r) for r in rows]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        lead = m[col][col]
        m[col] = [v / lead for v in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                factor = m[r][col]
                m[r] = [v - factor * w for v, w in zip(m[r], m[col], strict=True)]
    return [m[r][n] for r in range(n)]


def _eval(coefficients: Coefficients, x: Fraction) -> Fraction:
    value = Fraction(0)
    for c in reversed(coefficients):
        value = value * x + c
    return value


def expression(p: Coefficients, q: Coefficients, symbol: sympy.Symbol = X) -> sympy.Expr:
    """``P/Q`` as a sympy expression in ``symbol``."""
    def poly(c: Coefficients) -> sympy.Expr:
        return sum((sympy.Rational(v.numerator, v.denominator) * symbol**j
                    for j, v in enumerate(c)), sympy.Integer(0))

    return sympy.cancel(poly(p) / poly(q))


def crossings(p: Coefficients, q: Coefficients, value: Fraction, lo: Fraction, hi: Fraction
              ) -> list[sympy.Expr]:
    """The exact ``x`` in ``[lo, hi]`` with ``P(x)/Q(x) = value`` (none when ``P/Q`` is
    constant), ascending."""
    numerator, denominator = sympy.fraction(sympy.together(expression(p, q) - _rational(value)))
    if not numerator.free_symbols:
        return []
    poly = sympy.Poly(numerator, X)
    found = []
    for root in poly.real_roots(multiple=True, radicals=True):
        if _rational(lo) <= root <= _rational(hi) and denominator.subs(X, root) != 0:
            found.append(sympy.nsimplify(root) if root.is_rational else root)
    return sorted(set(found), key=lambda r: float(r))


def _rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)
