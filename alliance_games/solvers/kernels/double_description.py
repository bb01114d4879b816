"""Exact vertices of ``{z >= 0, M z <= 1}`` by the double description method.

Motzkin, Raiffa, Thompson and Thrall (1953); Fukuda and Prodon (1996), "Double description
method revisited". ``M`` is an ``r x c`` matrix of positive integers. Start from the simplex
``{z >= 0, M_0 z <= 1}`` (vertices ``0`` and ``e_k / M_0k``) and add rows ``1 .. r-1`` one at a
time. Adding row ``j`` splits the vertices by the sign of their slack ``s = 1 - M_j z``: those
with ``s >= 0`` stay (``s = 0`` adds ``j`` to their tight set) and those with ``s < 0`` go. Each
edge ``(u, v)`` with ``s_u > 0 > s_v`` gives the new vertex ``w = s_u v - s_v u`` in homogeneous
integer coordinates ``(num, den)`` (reduced by their gcd); the constraints tight at ``w`` are
those tight at both ``u`` and ``v``, plus ``j``.

Adjacency is decided exactly from the tight sets: ``u`` and ``v`` are adjacent iff no other
vertex's tight set contains ``Z = T(u) & T(v)`` (the smallest face holding both is then a face
with two vertices, an edge). When ``u`` or ``v`` has exactly ``c`` tight constraints (which are
then independent) this is ``|Z| = c - 1``; only pairs of degenerate vertices need the search.
Slack signs are read from float coordinates and recomputed in integers whenever a float slack is
small, so every vertex and every tight set is exact, in degenerate polytopes too.

Tight sets are ``int64`` bitmasks in the local labels of
:mod:`alliance_games.solvers.kernels.polytope` (bit ``k < c`` for ``z_k = 0``, ``c + j`` for
``(M z)_j = 1``), so ``c + r <= 62``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ExactVertex = tuple[tuple[int, ...], int]
"""A vertex as integer numerators and one positive common denominator, reduced."""

MAX_LABELS = 62
"""Most constraints (``c + r``) whose tight sets fit an ``int64`` mask."""
MAX_ENTRY = 2**512
"""Largest constraint coefficient: the float copies that choose slack signs hold it, and the
coordinates (about its reciprocal at least) stay normal floats."""
MACHINE = 2**62
"""Integers below this bound are held in ``int64`` (sums of two products included)."""
NEAR = 1e-9
"""Relative float slack below which the sign is recomputed exactly."""
BLOCK = 1 << 22
"""Largest temporary of pairwise masks (entries) built at once."""

_BYTE_BITS = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)
_NO_EDGES = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64))


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Number of set bits of each non-negative ``int64``."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(masks)
    octets = np.ascontiguousarray(masks, dtype=np.int64).view(np.uint8)  # pragma: no cover
    return _BYTE_BITS[octets.reshape(*masks.shape, 8)].sum(axis=-1)  # pragma: no cover


def fits(m: np.ndarray) -> bool:
    """Whether :func:`dd_vertices` takes ``M``: a non-empty positive integer matrix of at most
    :data:`MAX_LABELS` rows and columns together, entries at most :data:`MAX_ENTRY`."""
    rows, c = m.shape
    return 0 < rows and 0 < c and rows + c <= MAX_LABELS and max(m.flat) <= MAX_ENTRY


def dd_vertices(m: np.ndarray, stop: Callable[[], bool] = lambda: False
                ) -> dict[ExactVertex, int] | None:
    """Every vertex of ``{z >= 0, M z <= 1}`` (``M`` positive integers) with its local label
    mask, as :func:`~alliance_games.solvers.kernels.polytope.lex_vertices` gives them.

    ``stop`` is polled between rows and blocks of work; ``None`` when it returned true.

    Raises
    ------
    ValueError
        If ``M`` has more than :data:`MAX_LABELS` rows and columns together, or an entry above
        :data:`MAX_ENTRY` (callers check :func:`fits` first).
    """
    rows, c = m.shape
    if not fits(m):
        raise ValueError(f"at most {MAX_LABELS} constraints with entries up to 2^512; got "
                         f"{rows + c} constraints")
    ints = [[int(a) for a in row] for row in m]
    floats = np.array(ints, dtype=float)
    # the simplex {z >= 0, M_0 z <= 1}: the origin, then e_k / M_0k
    homog = np.zeros((c + 1, c + 1), dtype=np.int64 if max(ints[0]) < MACHINE else object)
    homog[0, c] = 1
    for k in range(c):
        homog[k + 1, k] = 1
        homog[k + 1, c] = ints[0][k]
    zeros = (1 << c) - 1
    tight = np.array([zeros] + [(zeros ^ (1 << k)) | (1 << c) for k in range(c)], dtype=np.int64)
    coords = np.zeros((c + 1, c))
    coords[1:] = np.diag(1.0 / floats[0])
    for j in range(1, rows):
        if stop():
            return None
        sign = _slack_signs(coords, homog, floats[j], np.array(ints[j], dtype=object))
        keep = np.flatnonzero(sign >= 0)
        bit = np.int64(1) << np.int64(c + j)
        if len(keep) < len(sign):
            found = _edges(tight, np.flatnonzero(sign > 0), np.flatnonzero(sign < 0), c, stop)
            if found is None:
                return None
            u, v, common = found
            new = _cut(homog, u, v, ints[j])
            homog = np.vstack([homog[keep], new])  # object from the first large entry on
            coords = np.vstack([coords[keep], _floats(new)])
            tight = np.concatenate([tight[keep], common | bit])
            sign = np.concatenate([sign[keep], np.zeros(len(new), dtype=sign.dtype)])
        tight[sign == 0] |= bit
    return {(tuple(h[:c]), h[c]): mask
            for h, mask in zip(homog.tolist(), tight.tolist(), strict=True)}


def _floats(homog: np.ndarray) -> np.ndarray:
    """Float coordinates ``num / den`` of homogeneous integer rows (within a few units in the
    last place; exactly rounded quotients when the integers exceed the float range)."""
    try:
        values = homog.astype(float)
    except OverflowError:
        return (homog[:, :-1] / homog[:, -1:]).astype(float)
    return values[:, :-1] / values[:, -1:]


def _slack_signs(coords: np.ndarray, homog: np.ndarray, floats: np.ndarray,
                 row: np.ndarray) -> np.ndarray:
    """Sign of ``1 - row . z`` at every vertex: from floats, exact where they are near 0."""
    load = np.einsum("ij,j->i", coords, floats)  # einsum: no BLAS threads
    slack = 1.0 - load
    sign = np.sign(slack).astype(np.int64)
    near = np.flatnonzero(np.abs(slack) <= NEAR * (1.0 + load))
    if len(near):
        exact = homog[near, -1] - homog[near, :-1].dot(row)
        sign[near] = [(s > 0) - (s < 0) for s in exact]
    return sign


def _edges(tight: np.ndarray, pos: np.ndarray, neg: np.ndarray, c: int,
           stop: Callable[[], bool]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The edges ``(u, v)`` of the current polytope with ``u`` in ``pos`` and ``v`` in ``neg``,
    and their common tight sets: between simple vertices by matching the ``c`` sets of ``c - 1``
    constraints each lies on, the others by comparing tight sets pairwise."""
    degenerate = _popcount(tight) > c
    simple_p, simple_n = pos[~degenerate[pos]], neg[~degenerate[neg]]
    parts = [_simple_edges(tight, simple_p, simple_n, c)]
    for us, vs in ((pos[degenerate[pos]], neg), (simple_p, neg[degenerate[neg]])):
        step = max(1, BLOCK // max(len(vs), 1))
        for start in range(0, len(us) if len(vs) else 0, step):
            if stop():
                return None
            parts.append(_pairwise_edges(tight, us[start:start + step], vs, c, degenerate))
    return tuple(np.concatenate(part) for part in zip(*parts, strict=True))  # type: ignore[return-value]


def _simple_edges(tight: np.ndarray, pos: np.ndarray, neg: np.ndarray,
                  c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges between simple vertices (exactly ``c`` tight constraints): ``u`` and ``v`` are
    adjacent iff they share ``c - 1`` tight constraints, so their sets minus one constraint meet."""
    if not len(pos) or not len(neg):
        return _NO_EDGES
    keys_p, owner_p = _sub_keys(tight[pos], c)
    keys_n, owner_n = _sub_keys(tight[neg], c)
    order = np.argsort(keys_p, kind="stable")
    where = np.minimum(np.searchsorted(keys_p[order], keys_n), len(order) - 1)
    hit = keys_p[order][where] == keys_n
    return pos[owner_p[order[where[hit]]]], neg[owner_n[hit]], keys_n[hit]


def _sub_keys(masks: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Each mask (``c`` bits set) with one of its bits cleared, and the mask it came from."""
    bits = (masks[:, None] >> np.arange(MAX_LABELS, dtype=np.int64)) & 1
    owner, bit = np.nonzero(bits)
    return masks[owner] ^ (np.int64(1) << bit.astype(np.int64)), owner


def _pairwise_edges(tight: np.ndarray, us: np.ndarray, vs: np.ndarray, c: int,
                    degenerate: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges among the pairs ``us x vs``: ``|Z| = c - 1`` when one end is simple, else no third
    vertex's tight set contains ``Z``."""
    common = tight[us][:, None] & tight[vs][None, :]
    count = _popcount(common)
    i, k = np.nonzero(count >= c - 1)
    u, v, z = us[i], vs[k], common[i, k]
    both = degenerate[u] & degenerate[v]
    edge = (count[i, k] == c - 1) & ~both
    where = np.flatnonzero(both)
    if len(where):
        edge[where] = _only_two(tight, z[where])
    return u[edge], v[edge], z[edge]


def _only_two(tight: np.ndarray, common: np.ndarray) -> np.ndarray:
    """Whether exactly two vertices have tight sets containing each of ``common``."""
    unique, back = np.unique(common, return_inverse=True)
    covers = np.empty(len(unique), dtype=np.int64)
    step = max(1, BLOCK // max(len(tight), 1))
    for start in range(0, len(unique), step):
        z = unique[start:start + step, None]
        covers[start:start + step] = ((tight[None, :] & z) == z).sum(axis=1)
    return covers[back.ravel()] == 2


def _cut(homog: np.ndarray, u: np.ndarray, v: np.ndarray, row: list[int]) -> np.ndarray:
    """The points where the edges ``(u, v)`` meet ``row . z = 1``, reduced homogeneous rows.

    In ``int64`` for the edges whose products stay below :data:`MACHINE` (bounded in floats
    with room to spare), in Python integers (``object``) for the others; ``object`` is returned
    only when some reduced entry needs it."""
    if not len(u):
        return np.empty((0, homog.shape[1]), dtype=homog.dtype)
    ends, back = np.unique(np.concatenate([u, v]), return_inverse=True)
    at_u, at_v = back.ravel()[:len(u)], back.ravel()[len(u):]
    points = homog[ends]
    small = np.zeros(len(u), dtype=bool)
    if homog.dtype != object and max(row) < MACHINE:
        largest = np.abs(points).max(axis=1)
        if int(largest.max()) * (sum(row) + 1) < MACHINE:  # the slacks fit
            slack = points[:, -1] - points[:, :-1] @ np.array(row, dtype=np.int64)
            size, top = np.abs(slack).astype(float), largest.astype(float)
            small = size[at_u] * top[at_v] + size[at_v] * top[at_u] < MACHINE / 4
            new = _combine(slack, points, at_u[small], at_v[small])
    if small.all():
        return new
    points = points.astype(object)
    slack = points[:, -1] - points[:, :-1].dot(np.array(row, dtype=object))
    large = _combine(slack, points, at_u[~small], at_v[~small])
    if np.abs(large).max() < MACHINE and homog.dtype != object:
        large = large.astype(np.int64)  # only the products were large
    out = np.empty((len(u), homog.shape[1]), dtype=large.dtype)
    out[~small] = large
    if small.any():
        out[small] = new
    return out


def _combine(slack: np.ndarray, points: np.ndarray, at_u: np.ndarray,
             at_v: np.ndarray) -> np.ndarray:
    """``s_u v - s_v u`` for the point pairs ``(at_u, at_v)``, divided by each row's gcd."""
    new = slack[at_u, None] * points[at_v] - slack[at_v, None] * points[at_u]
    return new // np.gcd.reduce(new, axis=1)[:, None]
