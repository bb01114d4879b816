"""Exact linear algebra over the rationals, shared by the solvers that certify LP answers."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def row_echelon(rows: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction], n: int
                ) -> tuple[list[list[Fraction]], list[int]] | None:
    """The reduced row echelon form of ``[rows | rhs]`` (``n`` unknowns) in Fractions, with its
    pivot columns; None when the system is inconsistent (Gauss-Jordan elimination)."""
    work = [[Fraction(v) for v in r] + [Fraction(b)] for r, b in zip(rows, rhs, strict=True)]
    pivots: list[int] = []
    for c in range(n):
        r = len(pivots)
        if r == len(work):
            break
        p = next((i for i in range(r, len(work)) if work[i][c] != 0), None)
        if p is None:
            continue
        work[r], work[p] = work[p], work[r]
        lead = work[r][c]
        work[r] = [v / lead for v in work[r]]
        for i in range(len(work)):
            if i != r and work[i][c] != 0:
                f = work[i][c]
                work[i] = [a - f * b for a, b in zip(work[i], work[r], strict=True)]
        pivots.append(c)
    if any(work[i][n] != 0 for i in range(len(pivots), len(work))):
        return None
    return work, pivots


def exact_affine_solution(rows: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction],
                          guess: Sequence[float], *, unique: bool = False) -> list[Fraction] | None:
    """A rational solution of ``rows @ x = rhs`` close to ``guess``, or None if inconsistent.

    Free variables of the echelon form (:func:`row_echelon`) are fixed at the guess rounded to a
    rational (denominator at most 10**6) and the pivot variables solved from them. With
    ``unique`` a system with free variables also gives None.
    """
    n = len(guess)
    echelon = row_echelon(rows, rhs, n)
    if echelon is None or (unique and len(echelon[1]) < n):
        return None
    work, pivots = echelon
    x = [Fraction(float(g)).limit_denominator(10**6) for g in guess]
    free = [c for c in range(n) if c not in pivots]
    for i, c in enumerate(pivots):
        x[c] = work[i][n] - sum((work[i][f] * x[f] for f in free), Fraction(0))
    return x
