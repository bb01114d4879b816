"""Exact description of a cell of a polynomial system with sign conditions.

A *cell* is the set ``C = {z : f(z) = 0 (f in E), p(z) > 0 (p in P), q(z) >= 0 (q in Q)}`` of
rational polynomials in probabilities (every variable is bounded by the conditions: a support
probability in ``P``, a belief in ``Q``, each with a sum-to-one equation in ``E``). The equalities
are solved exactly: by Gauss-Jordan elimination when they are all linear, else by Groebner bases
(:func:`~alliance_games.solvers.kernels.polynomial_system.solve_system`). Every branch of the
solution set is then

* an isolated point, kept iff the sign conditions hold (exactly for a rational point; at 50
  digits, with a relative tolerance, for an irrational one);
* an affine subspace ``z = z0 + B t`` on which every ``p`` and ``q`` is affine in ``t``: the closure
  of ``C`` there is the polytope ``{t : p >= 0, q >= 0}`` (Ziegler 1995, *Lectures on Polytopes*,
  ch. 1: a bounded polyhedron is the convex hull of its vertices), given exactly by its vertices,
  each the solution of ``dim t`` linearly independent tight constraints, solved in Fractions and
  checked against all the others. The cell itself is non-empty iff every ``p`` is positive at
  some vertex (the vertices' centroid then satisfies every strict inequality);
* anything else (a curved branch, or conditions that are not affine on a flat branch) is
  *unresolved*: said, never guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import Any

import mpmath
import sympy as sp
from sympy import QQ

from alliance_games.solvers.kernels.exact_linear import row_echelon
from alliance_games.solvers.kernels.polynomial_system import DIGITS, solve_system

MAX_VERTEX_SYSTEMS = 50_000
"""Most linear systems tried when listing the vertices of one polytope."""
TOLERANCE = mpmath.mpf(10) ** -30
"""Slack for the sign conditions at irrational points (relative to the largest coefficient)."""

Vector = tuple[Fraction, ...]
SparsePoly = Mapping[tuple[int, ...], Fraction]
"""A polynomial as ``{exponent tuple: coefficient}``."""


def fraction(value: Any) -> Fraction:
    """A sympy rational (or a Python number) as a Fraction."""
    if isinstance(value, Fraction | int):
        return Fraction(value)
    return Fraction(int(value.p), int(value.q))


@dataclass(frozen=True)
class Affine:
    """The affine set ``z = origin + basis @ t`` (``basis``: one row per variable)."""

    origin: Vector
    basis: tuple[Vector, ...]

    @property
    def dimension(self) -> int:
        return len(self.basis[0]) if self.basis else 0

    def point(self, t: Sequence[Fraction]) -> Vector:
        return tuple(o + sum((b * x for b, x in zip(row, t, strict=True)), Fraction(0))
                     for o, row in zip(self.origin, self.basis, strict=True))


def affine_solutions(rows: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction], n: int
                     ) -> Affine | None:
    """All solutions of ``rows @ z = rhs`` (``n`` unknowns) as an :class:`Affine`, or None."""
    echelon = row_echelon(rows, rhs, n)
    if echelon is None:
        return None
    work, pivots = echelon
    free = [c for c in range(n) if c not in pivots]
    origin = [Fraction(0)] * n
    basis = [[Fraction(0)] * len(free) for _ in range(n)]
    for j, f in enumerate(free):
        basis[f][j] = Fraction(1)
    for i, pivot in enumerate(pivots):
        origin[pivot] = work[i][n]
        basis[pivot] = [-work[i][f] for f in free]
    return Affine(tuple(origin), tuple(tuple(b) for b in basis))


def polytope_vertices(rows: Sequence[Vector], offsets: Sequence[Fraction], dimension: int, *,
                      limit: int = MAX_VERTEX_SYSTEMS) -> list[Vector] | None:
    """Vertices of the bounded polytope ``{t : rows @ t + offsets >= 0}``; None past ``limit``."""
    if any(not any(r) and b < 0 for r, b in zip(rows, offsets, strict=True)):
        return []
    active = [k for k, r in enumerate(rows) if any(r)]
    if dimension == 0:
        return [()]
    if comb(len(active), dimension) > limit:
        return None
    found: dict[Vector, None] = {}
    for subset in itertools.combinations(active, dimension):
        solution = affine_solutions([rows[k] for k in subset], [-offsets[k] for k in subset],
                                    dimension)
        if solution is None or solution.dimension:
            continue
        t = solution.origin
        if all(sum((a * x for a, x in zip(r, t, strict=True)), b) >= 0
               for r, b in zip(rows, offsets, strict=True)):
            found[t] = None
    return sorted(found)


@dataclass(frozen=True)
class Polytope:
    """The closure of a non-empty flat piece of a cell: ``z = affine(t)`` with
    ``rows @ t + offsets >= 0``, and its vertices (in ``z``)."""

    affine: Affine
    rows: tuple[Vector, ...]
    offsets: Vector
    vertices: tuple[Vector, ...]

    @property
    def dimension(self) -> int:
        """Affine dimension of the vertex set."""
        return _rank([[a - b for a, b in zip(v, self.vertices[0], strict=True)]
                      for v in self.vertices[1:]])

    def contains(self, values: Mapping[int, Fraction], *, limit: int = MAX_VERTEX_SYSTEMS
                 ) -> bool | None:
        """Whether some point of the polytope has ``z[k] = values[k]`` (None: too large to tell)."""
        fixed = [(k, v) for k, v in values.items()]
        d = self.affine.dimension
        sub = affine_solutions([self.affine.basis[k] for k, _ in fixed],
                               [v - self.affine.origin[k] for k, v in fixed], d)
        if sub is None:
            return False
        rows, offsets = _compose(self.rows, self.offsets, sub)
        found = polytope_vertices(rows, offsets, sub.dimension, limit=limit)
        return None if found is None else bool(found)


@dataclass(frozen=True)
class Cell:
    """A solved cell: its flat pieces, its irrational isolated points, and what was left."""

    polytopes: tuple[Polytope, ...]
    irrational: tuple[tuple[Any, ...], ...]
    unresolved: tuple[str, ...]


def solve_cell(n: int, equalities: Sequence[SparsePoly], positive: Sequence[SparsePoly],
               nonnegative: Sequence[SparsePoly], *, limit: int = MAX_VERTEX_SYSTEMS) -> Cell:
    """Solve a cell in ``n`` variables (see the module docstring)."""
    equalities = [p for p in equalities if any(p.values())]
    polytopes: list[Polytope] = []
    irrational: list[tuple[Any, ...]] = []
    unresolved: list[str] = []
    flats: list[Affine] = []
    if all(degree(p) <= 1 for p in equalities):
        flat = _flat(equalities, n)
        flats += [flat] if flat is not None else []
    else:
        gens = sp.symbols(f"z0:{n}")
        solution = solve_system([_sympy(p, gens) for p in equalities], gens)
        for point in solution.points:
            if point.exact:
                flats.append(Affine(tuple(point.values), tuple(() for _ in range(n))))
            elif _signs_hold(point.values, positive, nonnegative):
                irrational.append(point.values)
        for basis in solution.continua:
            polys = [{m: fraction(c) for m, c in p.terms()} for p in basis.polys]
            if any(degree(p) > 1 for p in polys):
                unresolved.append(f"a curved solution set in {n} variables")
                continue
            flat = _flat(polys, n)
            flats += [flat] if flat is not None else []
    for flat in flats:
        piece = _piece(flat, positive, nonnegative, limit)
        if isinstance(piece, str):
            unresolved.append(piece)
        elif piece is not None:
            polytopes.append(piece)
    return Cell(tuple(polytopes), tuple(irrational), tuple(unresolved))


def degree(p: SparsePoly) -> int:
    return max((sum(m) for m, c in p.items() if c != 0), default=0)


def _flat(polys: Sequence[SparsePoly], n: int) -> Affine | None:
    rows, consts = zip(*(_linear(p, n) for p in polys), strict=True) if polys else ((), ())
    return affine_solutions(rows, [-c for c in consts], n)


def _sympy(p: SparsePoly, gens: tuple[sp.Symbol, ...]) -> sp.Poly:
    return sp.Poly.from_dict({m: QQ(c.numerator, c.denominator) for m, c in p.items()},
                             *gens, domain=QQ)


def _piece(flat: Affine, positive: Sequence[SparsePoly], nonnegative: Sequence[SparsePoly],
           limit: int) -> Polytope | str | None:
    """The polytope of a flat branch, None when the cell misses it, or why it is unresolved.
    Conditions that are not affine on the flat are dropped first: if what remains is empty, or a
    single point (where they are then checked exactly), the branch is resolved all the same."""
    strict: list[bool] = []
    rows: list[Vector] = []
    offsets: list[Fraction] = []
    curved: list[tuple[SparsePoly, bool]] = []
    for p, is_strict in [(p, True) for p in positive] + [(q, False) for q in nonnegative]:
        restricted = _restrict(p, flat)
        if restricted is None:
            curved.append((p, is_strict))
            continue
        rows.append(restricted[0])
        offsets.append(restricted[1])
        strict.append(is_strict)
    vertices = polytope_vertices(rows, offsets, flat.dimension, limit=limit)
    if vertices is None:
        return f"a {flat.dimension}-dimensional polytope with too many candidate vertices"
    for r, b, s in zip(rows, offsets, strict, strict=True):
        if s and not any(sum((a * x for a, x in zip(r, v, strict=True)), b) > 0
                         for v in vertices):
            return None  # the strict inequality fails on the whole closure: the cell is empty
    if not vertices:
        return None
    points = tuple(flat.point(v) for v in vertices)
    if curved and len(points) > 1:
        return f"conditions not affine on a {flat.dimension}-dimensional solution set"
    for p, is_strict in curved:
        value = sum((c * _power_product(points[0], m) for m, c in p.items()), Fraction(0))
        if value < 0 or (is_strict and value == 0):
            return None
    return Polytope(flat, tuple(rows), tuple(offsets), points)


def _power_product(point: Sequence[Fraction], exponents: Sequence[int]) -> Fraction:
    out = Fraction(1)
    for x, e in zip(point, exponents, strict=True):
        out *= x**e
    return out


def _linear(p: SparsePoly, n: int) -> tuple[list[Fraction], Fraction]:
    """Coefficient row and constant of a polynomial of degree at most one."""
    row, const = [Fraction(0)] * n, Fraction(0)
    for monom, coeff in p.items():
        k = next((j for j, e in enumerate(monom) if e), None)
        if k is None:
            const += coeff
        else:
            row[k] += coeff
    return row, const


def _restrict(p: SparsePoly, flat: Affine) -> tuple[Vector, Fraction] | None:
    """``p(origin + basis t)`` as ``(row, offset)`` when affine in ``t``, else None."""
    d = flat.dimension
    zero = (0,) * d
    image: dict[tuple[int, ...], Fraction] = {}
    for monom, coeff in p.items():
        term: dict[tuple[int, ...], Fraction] = {zero: coeff}
        for k, e in enumerate(monom):
            form = {zero: flat.origin[k]}
            for j, b in enumerate(flat.basis[k]):
                if b:
                    form[tuple(int(i == j) for i in range(d))] = b
            for _ in range(e):
                term = _multiply(term, form)
        for m, c in term.items():
            image[m] = image.get(m, Fraction(0)) + c
    if degree(image) > 1:
        return None
    row = [Fraction(0)] * d
    for m, c in image.items():
        position = next((i for i, e in enumerate(m) if e), None)
        if position is not None:
            row[position] += c
    return tuple(row), image.get(zero, Fraction(0))


def _multiply(a: dict[tuple[int, ...], Fraction], b: dict[tuple[int, ...], Fraction]
              ) -> dict[tuple[int, ...], Fraction]:
    out: dict[tuple[int, ...], Fraction] = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = tuple(x + y for x, y in zip(ma, mb, strict=True))
            out[m] = out.get(m, Fraction(0)) + ca * cb
    return out


def _compose(rows: Sequence[Vector], offsets: Sequence[Fraction], sub: Affine
             ) -> tuple[list[Vector], list[Fraction]]:
    """Constraints ``rows @ t + offsets >= 0`` rewritten for ``t = sub.origin + sub.basis @ s``."""
    out_rows, out_offsets = [], []
    for r, b in zip(rows, offsets, strict=True):
        out_rows.append(tuple(sum((a * sb[j] for a, sb in zip(r, sub.basis, strict=True)),
                                  Fraction(0)) for j in range(sub.dimension)))
        out_offsets.append(b + sum((a * o for a, o in zip(r, sub.origin, strict=True)),
                                   Fraction(0)))
    return out_rows, out_offsets


def _rank(rows: list[list[Fraction]]) -> int:
    if not rows:
        return 0
    n = len(rows[0])
    flat = affine_solutions(rows, [Fraction(0)] * len(rows), n)
    return n - (flat.dimension if flat is not None else 0)


def _signs_hold(values: Sequence[Any], positive: Sequence[SparsePoly],
                nonnegative: Sequence[SparsePoly]) -> bool:
    """Sign conditions at an irrational point, evaluated at 50 digits with a tolerance."""
    with mpmath.workdps(DIGITS):
        point = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v
                 for v in values]
        for polys, strict in ((positive, True), (nonnegative, False)):
            for p in polys:
                scale = max((abs(c) for c in p.values()), default=Fraction(1)) or Fraction(1)
                value = sum((mpmath.mpf(c.numerator) / c.denominator
                             * mpmath.fprod(x**e for x, e in zip(point, m, strict=True))
                             for m, c in p.items()), mpmath.mpf(0))
                slack = TOLERANCE * mpmath.mpf(scale.numerator) / scale.denominator
                if value < (slack if strict else -slack):
                    return False
    return True
