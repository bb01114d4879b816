"""Vertices of a best-response polytope ``{z >= 0, M z <= 1}`` with their full label sets.

For a bimatrix game ``(A, B)`` with positive payoffs the best-response polytopes are
``P = {x >= 0, B^T x <= 1}`` and ``Q = {y >= 0, A y <= 1}`` (Mangasarian 1964; von Stengel 2007,
chapter 3 of Nisan et al., section 3.2). Both have the form ``{z in R^c : z >= 0, M z <= 1}`` with
``M`` of shape ``(r, c)``; here a vertex's *local* labels are ``k < c`` when ``z_k = 0`` and
``c + j`` when ``(M z)_j = 1``. The label set is always computed from the coordinates, never from
the facet or basis that produced the vertex, so degenerate vertices (more than ``c`` tight
constraints) carry every label they have. In the game's numbering (rows of ``A``, then columns)
``P`` keeps its local labels and ``Q``'s are rotated (:func:`label_weights`); label sets are
bitmasks, and :func:`complete_pairs` matches vertices whose sets cover every label.

Three ways to the vertices:

* :func:`float_vertices` -- polar duality: the vertices of the polytope, translated so that an
  interior point is the origin, are the facet normals of the convex hull of the scaled constraint
  rows; Qhull (Barber, Dobkin, Huhdanpaa 1996) computes that hull. Floats only; a candidate list.
* :func:`exact_vertex` -- certifies one float candidate: picks ``c`` linearly independent tight
  constraints (tightest first), solves them in integers and recomputes feasibility and labels.
* :func:`lex_vertices` -- exact enumeration without floats: breadth-first search over the
  lexicographically feasible bases (integer, fraction-free pivoting on the shared tableau of
  :mod:`alliance_games.solvers.kernels.tableau`, as in Avis's ``lrs``; Avis and Fukuda 1992).
  The perturbed polytope is simple, so its vertex graph is connected and every vertex of the
  original polytope is the limit of one of its vertices. :func:`lex_walk` is the same search one
  pivot at a time, so that a caller can stop it.

Which to use. Qhull's work grows steeply with the dimension ``c`` (every facet of the hull has
at least ``c`` points, and degenerate vertices are triangulated into many simplices): beyond
:data:`QHULL_MAX_DIM` it can run for minutes on a polytope with a few dozen facets, where
pivoting (whose work grows with the number of bases, not the dimension) takes seconds. Below,
Qhull is ten to a hundred times faster. :func:`vertex_bound` (McMullen's upper bound theorem)
bounds the output of either.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from fractions import Fraction
from math import comb, gcd, lcm

import numpy as np

from alliance_games.solvers.kernels.tableau import Tableau

ExactVertex = tuple[tuple[int, ...], int]
"""A vertex as integer numerators and one positive common denominator, reduced."""

QHULL_MAX_DIM = 16
"""Largest dimension in which vertices are listed by Qhull (beyond: :func:`lex_walk`)."""


def vertex_bound(facets: int, dim: int) -> int:
    """Most vertices a ``dim``-polytope with ``facets`` facets can have (McMullen 1970).

    ``C(f - ceil(d/2), floor(d/2)) + C(f - floor(d/2) - 1, ceil(d/2) - 1)``; it also bounds the
    simplices of a triangulated hull of ``facets`` points in dimension ``dim``, hence the rows of
    :func:`float_vertices` for ``{z >= 0, M z <= 1}`` (``facets = rows + dim``).
    """
    if facets <= dim:
        return 1
    low, high = dim // 2, dim - dim // 2
    return comb(facets - high, low) + comb(facets - low - 1, high - 1)


# ---- scaling ------------------------------------------------------------------------------------
def positive_integer_matrix(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer and float copies of a positive affine transform of ``values`` (Fractions).

    Returns ``(ints, floats, scale)`` with ``ints = scale * floats`` exactly,
    ``floats = 1 + (v - min) / range`` in ``[1, 2]`` (well conditioned for Qhull) and ``ints``
    an object array of Python ``int``. Positive affine transforms of one player's payoffs do not
    change the equilibria.
    """
    low, high = min(values.ravel()), max(values.ravel())
    if low == high:
        ones = np.ones(values.shape, dtype=np.int64)
        return ones.astype(object), ones.astype(float), 1
    den = lcm(*(Fraction(v).denominator for v in values.ravel()))
    scale = int((high - low) * den)
    ints = np.array([int((v - low) * den) + scale for v in values.ravel()], dtype=object)
    ints = ints.reshape(values.shape)
    floats = np.array([float(Fraction(int(v), scale)) for v in ints.ravel()]).reshape(values.shape)
    return ints, floats, scale


def positive_float_matrix(values: np.ndarray) -> np.ndarray:
    """``1 + (v - min) / range`` (all ones for a constant matrix)."""
    values = np.asarray(values, dtype=float)
    spread = float(values.max() - values.min())
    return 1.0 + (values - values.min()) / spread if spread > 0 else np.ones_like(values)


# ---- float candidates ---------------------------------------------------------------------------
def float_vertices(m: np.ndarray) -> np.ndarray:
    """Float vertices (rows) of ``{z >= 0, M z <= 1}`` for ``M >= 1``.

    A degenerate vertex appears once per simplex Qhull triangulates its facet into; callers
    deduplicate. Raises :class:`scipy.spatial.QhullError` when Qhull fails.
    """
    rows, c = m.shape
    if c == 1:
        return np.array([[0.0], [1.0 / m.max()]])
    t = 1.0 / (2.0 * m.sum(axis=1).max())  # z0 = t * 1 is interior: z0 > 0, M z0 <= 1/2
    room = 1.0 - m.sum(axis=1) * t
    points = np.vstack([-np.eye(c) / t, m / room[:, None]])
    from scipy.spatial import ConvexHull  # Qhull, loaded only when a game needs it

    eq = ConvexHull(points).equations
    return eq[:, :-1] / -eq[:, -1:] + t


def slacks(m: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Slack of every constraint at each row of ``z``: ``z`` itself, then ``1 - M z``."""
    return np.hstack([z, 1.0 - np.einsum("ij,kj->ik", z, m)])  # einsum: no BLAS threads


def nonzero_vertices(z: np.ndarray) -> np.ndarray:
    """Drop the origin (for ``M <= 2`` any other vertex has a tight row, so ``sum(z) >= 1/2``)."""
    return z[z.sum(axis=1) > 0.25]


def refine_vertices(matrix: np.ndarray, tight: np.ndarray,
                    which: np.ndarray) -> dict[int, np.ndarray]:
    """Vertices ``which`` re-solved in floats from their tight constraints ``tight[which]``.

    Square systems are solved in one batch, the others by least squares.

    Removes Qhull's drift; coordinates with a tight ``z_k >= 0`` become exactly 0.
    """
    rows, c = matrix.shape
    system = np.vstack([np.eye(c), matrix])
    rhs = np.concatenate([np.zeros(c), np.ones(rows)])
    out: dict[int, np.ndarray] = {}
    square = which[tight[which].sum(axis=1) == c]
    if len(square):
        picks = np.nonzero(tight[square])[1].reshape(len(square), c)
        try:
            solved = np.linalg.solve(system[picks], rhs[picks][..., None])[..., 0]
            out.update(zip(square.tolist(), solved, strict=True))
        except np.linalg.LinAlgError:
            pass
    for i in which:
        if int(i) not in out:
            out[int(i)] = np.linalg.lstsq(system[tight[i]], rhs[tight[i]], rcond=None)[0]
    for i, v in out.items():  # coordinates at a tight ``z_k >= 0`` are exactly 0
        v[tight[i][:c] | (v < 0)] = 0.0
    return out


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
    for k in range(c - 1, 0, -1):  # back-substitute: clear row k's pivot from earlier rows
        p, b = basis[k]
        for k2 in range(k):
            p2, b2 = basis[k2]
            if b2[p]:
                f, g = b[p], b2[p]
                row = [f * vi - g * bi for vi, bi in zip(b2, b, strict=True)]
                div = gcd(*row)
                basis[k2] = (p2, [vi // div for vi in row])
    den = lcm(*(b[p] for p, b in basis))  # positive; z_p = b[c] / b[p]
    num = [0] * c
    for p, b in basis:
        num[p] = b[c] * (den // b[p])
    div = gcd(den, *num)
    num, den = [a // div for a in num], den // div
    if min(num) < 0 or max(m.dot(np.array(num, dtype=object)), default=0) > den:
        return None
    return tuple(num), den


def exact_labels(m: np.ndarray, vertex: ExactVertex) -> int:
    """Local label bitmask of an exact vertex: bit ``k`` if ``z_k = 0``, ``c + j`` if tight."""
    num, den = vertex
    c = len(num)
    mask = sum(1 << k for k in range(c) if num[k] == 0)
    values = m.dot(np.array(num, dtype=object)) if m.shape[0] else []
    return mask | sum(1 << (c + j) for j, v in enumerate(values) if v == den)


# ---- labels as bitmasks and complementary pairs -------------------------------------------------
def label_weights(player: int, m: int, n: int) -> np.ndarray:
    """Bit of each local label (zeros, then tight rows) in the game's labels (rows, columns)."""
    bits = np.arange(m + n) if player == 0 else np.r_[m:m + n, 0:m]
    if m + n <= 62:
        return np.left_shift(np.int64(1), bits.astype(np.int64))
    return np.array([1 << int(b) for b in bits], dtype=object)


def pack_labels(tight: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Bitmask of every row of a boolean label matrix (a float product is exact below 2^53)."""
    if weights.dtype == object:
        return np.where(tight, weights, 0).sum(axis=1)
    if len(weights) <= 52:
        return (tight.astype(np.float64) @ weights.astype(np.float64)).astype(np.int64)
    return np.where(tight, weights, np.int64(0)).sum(axis=1)


def complete_pairs(mp: np.ndarray, cp: np.ndarray, dim_p: int, mq: np.ndarray, cq: np.ndarray,
                   dim_q: int, full: int) -> np.ndarray:
    """Index pairs ``(i, j)`` with ``mp[i] | mq[j] == full`` (``cp``, ``cq``: label counts).

    Two vertices with exactly as many labels as their dimension complete each other only if
    their masks are complements, found by binary search; over-labelled (degenerate) vertices are
    compared with every vertex of the other polytope.
    """
    simple_p, simple_q = np.flatnonzero(cp == dim_p), np.flatnonzero(cq == dim_q)
    order = simple_q[np.argsort(mq[simple_q], kind="stable")]
    target = full ^ mp[simple_p]
    pos = np.minimum(np.searchsorted(mq[order], target), max(len(order) - 1, 0))
    hit = mq[order][pos] == target if len(order) else np.zeros(len(target), dtype=bool)
    found = [np.column_stack([simple_p[hit], order[pos[hit]]])]
    multi_p, multi_q = np.flatnonzero(cp != dim_p), np.flatnonzero(cq != dim_q)
    for rows, cols in ((multi_p, np.arange(len(mq))), (simple_p, multi_q)):
        step = max(1, 2**22 // max(len(cols), 1))  # bound the temporary to ~4M masks
        for start in range(0, len(rows) if len(cols) else 0, step):
            chunk = rows[start:start + step]
            i, j = np.nonzero((mp[chunk][:, None] | mq[cols][None, :]) == full)
            found.append(np.column_stack([chunk[i], cols[j]]))
    return np.vstack(found).astype(np.intp)


# ---- exact enumeration -------------------------------------------------------------------------
def lex_vertices(m: np.ndarray) -> dict[ExactVertex, int]:
    """Every vertex of ``{z >= 0, M z <= 1}`` (``M`` positive integers) with its label mask."""
    return dict(step for step in lex_walk(m) if step is not None)


def lex_walk(m: np.ndarray) -> Iterator[tuple[ExactVertex, int] | None]:
    """The vertices of ``{z >= 0, M z <= 1}`` (``M`` positive integers) with their label masks,
    one lexicographically feasible basis at a time (a vertex may come once per basis).

    Standard form ``M z + w = 1`` on an exact
    :class:`~alliance_games.solvers.kernels.tableau.Tableau`; a basis is ``r`` basic variables
    (``z`` then ``w`` indices, which are also the local labels), and the ``w`` columns hold
    ``B^{-1}``, the keys of the lexicographic ratio test. Every pivot picks the lexicographically
    smallest ratio row, so only lex-feasible bases are visited and each has exactly one neighbour
    per non-basic variable. Breadth-first from the origin, so vertices with small supports come
    first. ``None`` is yielded after each edge is followed (a ratio test): a caller may stop
    between any two items, and none costs more than one ratio test or one pivot.
    """
    rows, c = m.shape
    system = np.hstack([m.astype(object), np.eye(rows, dtype=np.int64).astype(object),
                        np.ones((rows, 1), dtype=object)])
    slacks = list(range(c, c + rows))
    start = Tableau(system, slacks, exact=True)
    # an edge to a new basis waits as (tableau, row, column), pivoted only when its turn comes:
    # the queue then holds one tableau per explored basis, not one per discovered basis
    queue: deque[tuple[Tableau, int, int]] = deque([(start, -1, -1)])
    seen = {_bits(start.basis)}  # bases as bitmasks of their variables: small, fast to hash
    while queue:
        tableau, row, column = queue.popleft()
        if column >= 0:
            tableau = tableau.copy()
            tableau.pivot(row, column)
        yield _basis_vertex(tableau, c)
        basic = _bits(tableau.basis)
        for s in range(c + rows):
            if basic >> s & 1:
                continue
            candidates = tableau.positive_rows(s)
            if not candidates:
                raise ArithmeticError("unbounded edge: the constraint matrix must be positive")
            row = tableau.lex_min(candidates, [tableau.T[i, s] for i in candidates], slacks)[0]
            key = basic ^ (1 << tableau.basis[row]) | (1 << s)
            if key not in seen:
                seen.add(key)
                queue.append((tableau, row, s))
            yield None


def _bits(variables: list[int]) -> int:
    return sum(1 << v for v in variables)


def _basis_vertex(tableau: Tableau, c: int) -> tuple[ExactVertex, int]:
    """The basis's vertex and its label mask: non-basic variables and basic ones at zero."""
    z = [Fraction(0)] * c
    mask = (1 << (c + tableau.num_rows)) - 1
    for i, var in enumerate(tableau.basis):
        value = tableau.value(i)
        if value:
            mask &= ~(1 << var)
            if var < c:
                z[var] = value
    den = lcm(*(v.denominator for v in z))
    return (tuple(int(v * den) for v in z), den), mask
