"""Vertices of a best-response polytope ``{z >= 0, M z <= 1}`` with their full label sets.

For a bimatrix game ``(A, B)`` with positive payoffs the best-response polytopes are
``P = {x >= 0, B^T x <= 1}`` and ``Q = {y >= 0, A y <= 1}`` (Mangasarian 1964; von Stengel 2007,
chapter 3 of Nisan et al., section 3.2). Both have the form ``{z in R^c : z >= 0, M z <= 1}`` with
``M`` of shape ``(r, c)``; here a vertex's *local* labels are ``k < c`` when ``z_k = 0`` and
``c + j`` when ``(M z)_j = 1``. The label set is always computed from the coordinates, never from
the facet or basis that produced the vertex, so degenerate vertices (more than ``c`` tight
constraints) carry every label they have.

Three ways in:

* :func:`float_vertices` -- polar duality: the vertices of the polytope, translated so that an
  interior point is the origin, are the facet normals of the convex hull of the scaled constraint
  rows; Qhull (Barber, Dobkin, Huhdanpaa 1996) computes that hull. Floats only; a candidate list.
* :func:`exact_vertex` -- certifies one float candidate: picks ``c`` linearly independent tight
  constraints (tightest first), solves them in integers and recomputes feasibility and labels.
* :func:`lex_vertices` -- exact enumeration without floats: breadth-first search over the
  lexicographically feasible bases (integer, fraction-free pivoting as in Avis's ``lrs``; Avis and
  Fukuda 1992). The perturbed polytope is simple, so its vertex graph is connected and every vertex
  of the original polytope is the limit of one of its vertices.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from math import gcd, lcm

import numpy as np
from scipy.spatial import ConvexHull, QhullError

ExactVertex = tuple[tuple[int, ...], int]
"""A vertex as integer numerators and one positive common denominator, reduced."""


# ---- scaling ------------------------------------------------------------------------------------
def positive_integer_matrix(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer and float copies of a positive affine transform of ``values`` (Fractions).

    Returns ``(ints, floats)`` with ``ints = D * floats`` exactly, ``floats = 1 + (v - min) / range``
    in ``[1, 2]`` (well conditioned for Qhull) and ``ints`` an object array of Python ``int``.
    Positive affine transforms of one player's payoffs do not change the equilibria.
    """
    low, high = min(values.ravel()), max(values.ravel())
    if low == high:
        ones = np.ones(values.shape, dtype=np.int64)
        return ones.astype(object), ones.astype(float)
    den = lcm(*(Fraction(v).denominator for v in values.ravel()))
    scale = int((high - low) * den)
    ints = np.array([int((v - low) * den) + scale for v in values.ravel()], dtype=object)
    ints = ints.reshape(values.shape)
    return ints, ints.astype(float) / scale


def positive_float_matrix(values: np.ndarray) -> np.ndarray:
    """``1 + (v - min) / range`` (all ones for a constant matrix)."""
    values = np.asarray(values, dtype=float)
    spread = float(values.max() - values.min())
    return 1.0 + (values - values.min()) / spread if spread > 0 else np.ones_like(values)


# ---- float candidates ---------------------------------------------------------------------------
def float_vertices(m: np.ndarray) -> np.ndarray:
    """Float vertices (rows) of ``{z >= 0, M z <= 1}`` for ``M >= 1``, deduplicated loosely.

    Raises :class:`scipy.spatial.QhullError` when Qhull fails.
    """
    rows, c = m.shape
    if c == 1:
        return np.array([[0.0], [1.0 / m.max()]])
    t = 1.0 / (2.0 * m.sum(axis=1).max())  # z0 = t * 1 is interior: z0 > 0, M z0 <= 1/2
    room = 1.0 - m.sum(axis=1) * t
    points = np.vstack([-np.eye(c) / t, m / room[:, None]])
    eq = ConvexHull(points).equations
    z = eq[:, :-1] / -eq[:, -1:] + t
    return np.unique(np.round(z, 12), axis=0)


def slacks(m: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Slack of every constraint at each row of ``z``: ``z`` itself, then ``1 - M z``."""
    return np.hstack([z, 1.0 - z @ m.T])


# ---- exact certification ------------------------------------------------------------------------
def exact_vertex(m: np.ndarray, slack: np.ndarray) -> ExactVertex | None:
    """The exact vertex whose tight constraints are the ``c`` tightest independent ones.

    ``m`` is the integer constraint matrix (object array), ``slack`` the float slacks of a
    candidate. Constraints are added in order of increasing slack, skipping dependent ones, until
    ``c`` are independent; the point they define is returned if it lies in the polytope
    (checked exactly), else ``None``.
    """
    rows, c = m.shape
    basis: list[tuple[int, list[int]]] = []  # (pivot column, integer row [coeffs..., rhs])
    for k in np.argsort(slack, kind="stable"):
        k = int(k)
        if k < c:
            v = [0] * (c + 1)
            v[k] = 1
        else:
            v = [*(int(a) for a in m[k - c]), 1]
        for p, b in basis:
            if v[p]:
                f, g = b[p], v[p]
                v = [f * vi - g * bi for vi, bi in zip(v, b, strict=True)]
        pivot = next((j for j in range(c) if v[j]), None)
        if pivot is None:
            continue
        div = gcd(*v)
        basis.append((pivot, [vi // div for vi in v]))
        if len(basis) == c:
            break
    if len(basis) < c:
        return None
    z: list[Fraction] = [Fraction(0)] * c
    for p, b in reversed(basis):
        rest = sum((b[j] * z[j] for j in range(c) if j != p and b[j]), Fraction(0))
        z[p] = (b[c] - rest) / b[p]
    den = lcm(*(q.denominator for q in z))
    num = tuple(int(q * den) for q in z)
    if min(num) < 0 or max(m.dot(np.array(num, dtype=object)), default=0) > den:
        return None
    return num, den


def exact_labels(m: np.ndarray, vertex: ExactVertex) -> int:
    """Local label bitmask of an exact vertex: bit ``k`` if ``z_k = 0``, ``c + j`` if tight."""
    num, den = vertex
    c = len(num)
    mask = sum(1 << k for k in range(c) if num[k] == 0)
    values = m.dot(np.array(num, dtype=object)) if m.shape[0] else []
    return mask | sum(1 << (c + j) for j, v in enumerate(values) if v == den)


def as_fractions(vertex: ExactVertex) -> tuple[Fraction, ...]:
    """The vertex's coordinates as Fractions."""
    num, den = vertex
    return tuple(Fraction(a, den) for a in num)


# ---- exact enumeration ----------------------------------------------------------------------------
def lex_vertices(m: np.ndarray) -> dict[ExactVertex, int]:
    """Every vertex of ``{z >= 0, M z <= 1}`` (``M`` positive integers) with its label mask.

    Standard form ``M z + w = 1``; a basis is ``r`` basic variables (``z`` then ``w`` indices,
    which are also the local labels). The integer tableau is ``d * B^{-1} [1 | M | I]`` with
    ``d = det B > 0``; the ``w`` block holds ``d * B^{-1}``, the lexicographic perturbation.
    Every pivot picks the lexicographically smallest ratio row, so only lex-feasible bases are
    visited and each has exactly one neighbour per non-basic variable.
    """
    rows, c = m.shape
    table = np.hstack([np.ones((rows, 1), dtype=object), m.astype(object),
                       np.eye(rows, dtype=np.int64).astype(object)])
    lex_columns = [0, *range(1 + c, 1 + c + rows)]
    start = tuple(range(c, c + rows))
    queue: deque[tuple[np.ndarray, tuple[int, ...], int]] = deque([(table, start, 1)])
    seen = {frozenset(start)}
    found: dict[ExactVertex, int] = {}
    while queue:
        table, basis, det = queue.popleft()
        vertex, mask = _basis_vertex(table, basis, det, c)
        found[vertex] = mask
        basic = set(basis)
        for s in range(c + rows):
            if s in basic:
                continue
            row = _lex_min_ratio(table, s + 1, lex_columns)
            nxt = (*basis[:row], s, *basis[row + 1:])
            key = frozenset(nxt)
            if key in seen:
                continue
            seen.add(key)
            pivot = table[row, s + 1]
            new = (table * pivot - np.outer(table[:, s + 1], table[row])) // det
            new[row] = table[row]
            queue.append((new, nxt, pivot))
    return found


def _lex_min_ratio(table: np.ndarray, col: int, lex_columns: list[int]) -> int:
    column = table[:, col]
    best = -1
    for i in np.flatnonzero(column > 0):
        if best < 0:
            best = int(i)
            continue
        a, b = column[i], column[best]
        for k in lex_columns:
            lhs, rhs = table[i, k] * b, table[best, k] * a
            if lhs != rhs:
                if lhs < rhs:
                    best = int(i)
                break
    if best < 0:
        raise ArithmeticError("unbounded edge: the constraint matrix must be positive")
    return best


def _basis_vertex(table: np.ndarray, basis: tuple[int, ...], det: int, c: int
                  ) -> tuple[ExactVertex, int]:
    num = [0] * c
    mask = (1 << (c + table.shape[0])) - 1
    for i, var in enumerate(basis):
        value = int(table[i, 0])
        if value:
            mask &= ~(1 << var)
            if var < c:
                num[var] = value
    div = gcd(det, *num)
    return (tuple(a // div for a in num), det // div), mask
