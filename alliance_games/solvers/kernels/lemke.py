"""Lemke's complementary pivoting algorithm on a tableau, with exact integer or float arithmetic.

A linear complementarity problem is given as a system of equations ``T v = rhs`` over named
columns ``v`` (a :class:`Tableau`) together with a *complement* map pairing every sign-constrained
variable with its complementary slack, a set of *free* variables (unrestricted in sign, never
leaving the basis once in it) and an artificial variable ``z0`` whose column is the covering
vector. Starting from a complementary basis that is feasible except in rows that ``z0`` covers,
:func:`lemke` lets ``z0`` enter, then repeatedly brings in the complement of the variable that just
left, until ``z0`` leaves (a solution) or a column has no bounding row (a secondary ray)
(Lemke 1965; Cottle, Pang & Stone 1992, *The Linear Complementarity Problem*, section 4.4).

Degeneracy is resolved lexicographically (Dantzig, Orden & Wolfe 1955; Eaves 1971): the right-hand
side is perturbed to ``rhs + (eps, eps^2, ...)`` in the coordinates of the starting basis, i.e. ties
in the minimum-ratio test are broken by the ratios of the starting basis' columns, row by row. The
perturbed problem is nondegenerate, so the path never cycles.

Arithmetic: exact tableaux hold Python integers and pivot with Bareiss' fraction-free rule
(``T_ij <- (T_ij T_rc - T_ic T_rj) / det``, the division being exact; Bareiss 1968; von Stengel
2007, in Nisan et al., *Algorithmic Game Theory*, section 3.5.2); the represented system is
``T / det`` with ``det > 0``. Float tableaux use plain Gauss-Jordan steps and a tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from math import gcd
from typing import Any

import numpy as np

from alliance_games.errors import SolverError

DEFAULT_TOL = 1e-9
"""Float pivoting tolerance (the caller scales its data to magnitude about 1)."""

MAX_PIVOTS = 1_000_000
"""Safety bound on the pivots of one Lemke path."""


class Tableau:
    """A system ``T[:, :-1] v = T[:, -1]`` with one basic column per row.

    Exact tableaux store every row as integers over a positive row denominator ``den[i]`` (the
    row divided by ``den[i]`` is the represented row; its basic column holds ``den[i]``), reduced
    by the gcd after every change. A pivot then touches only the rows with a nonzero entry in the
    pivot column, which keeps the sparse sequence-form tableaux cheap.

    Parameters
    ----------
    matrix:
        Rows of coefficients followed by the right-hand side; integers when ``exact``. The columns
        listed in ``basis`` must form an identity matrix.
    basis:
        The basic column of every row.
    exact:
        Integer pivoting when true, float Gauss-Jordan pivoting otherwise.
    tol:
        Float mode only: magnitudes below ``tol`` count as zero.
    """

    def __init__(self, matrix: np.ndarray, basis: Sequence[int], *, exact: bool,
                 tol: float = DEFAULT_TOL) -> None:
        self.exact = exact
        self.tol = tol
        rows, cols = matrix.shape
        if exact:
            self.T = np.empty((rows, cols), dtype=object)
            self.T[:] = [[int(v) for v in row] for row in matrix]
        else:
            self.T = np.array(matrix, dtype=float)
        self.den = [1] * rows
        self.basis = list(basis)
        self.pivots = 0

    @property
    def num_rows(self) -> int:
        return self.T.shape[0]

    def row_of(self, column: int) -> int | None:
        """The row in which ``column`` is basic, or None."""
        try:
            return self.basis.index(column)
        except ValueError:
            return None

    def value(self, row: int) -> Any:
        """Value of the basic variable of ``row`` (a Fraction in exact mode)."""
        if self.exact:
            return Fraction(self.T[row, -1], self.den[row])
        return float(self.T[row, -1])

    def is_zero(self, entry: Any) -> bool:
        return entry == 0 if self.exact else abs(entry) <= self.tol

    def pivot(self, row: int, column: int) -> None:
        """Make ``column`` basic in ``row``."""
        T = self.T
        piv = T[row, column]
        if self.is_zero(piv):
            raise SolverError(f"internal error: zero pivot in row {row}, column {column}")
        if self.exact:
            touched = [int(i) for i in np.flatnonzero(T[:, column] != 0) if i != row]
            if touched:
                update = T[touched] * piv - np.outer(T[touched, column], T[row])
                for j, i in enumerate(touched):
                    self._store(i, update[j], self.den[i] * piv)
            self._store(row, T[row], piv)
        else:
            pivot_row = T[row] / piv
            nonzero = np.flatnonzero(T[:, column] != 0)
            T[nonzero] -= np.outer(T[nonzero, column], pivot_row)
            T[row] = pivot_row
            small = np.abs(T[nonzero]) <= self.tol * 1e-3
            T[nonzero] = np.where(small, 0.0, T[nonzero])
        self.basis[row] = column
        self.pivots += 1

    def _store(self, i: int, numerators: np.ndarray, den: int) -> None:
        """Set row ``i`` to ``numerators / den``, reduced to lowest terms with ``den > 0``."""
        g = gcd(*numerators.tolist(), den)
        if den < 0:
            g = -g
        self.T[i] = numerators // g if g != 1 else numerators
        self.den[i] = den // g

    def keep_columns(self, count: int) -> None:
        """Drop every column from ``count`` on except the right-hand side (all must be nonbasic)."""
        if any(b >= count for b in self.basis):
            raise SolverError("internal error: dropping a basic column")
        self.T = np.concatenate([self.T[:, :count], self.T[:, -1:]], axis=1)

    def drive_into_basis(self, columns: Sequence[int]) -> None:
        """Pivot every column of ``columns`` into the basis, replacing variables not listed.

        The listed columns must be linearly independent; then every step finds a row whose basic
        variable is not listed and whose entry in the entering column is nonzero.
        """
        wanted = set(columns)
        for column in columns:
            if column in self.basis:
                continue
            rows = [i for i in range(self.num_rows)
                    if self.basis[i] not in wanted and not self.is_zero(self.T[i, column])]
            if not rows:
                raise SolverError("internal error: starting basis is singular")
            if self.exact:
                row = min(rows, key=lambda i: abs(self.T[i, column]))
            else:
                row = max(rows, key=lambda i: abs(self.T[i, column]))
            self.pivot(row, column)

    def lex_min(self, rows: list[int], divisors: list[Any], keys: Sequence[int]) -> list[int]:
        """Rows minimising ``T[i, keys] / divisors`` lexicographically (right-hand side first)."""
        for key in (-1, *keys):
            if len(rows) <= 1:
                break
            if self.exact:
                ratios = [Fraction(self.T[i, key], d) for i, d in zip(rows, divisors, strict=True)]
                best = min(ratios)
                keep = [k for k, r in enumerate(ratios) if r == best]
            else:
                ratios = [float(self.T[i, key]) / d for i, d in zip(rows, divisors, strict=True)]
                best = min(ratios)
                keep = [k for k, r in enumerate(ratios) if r <= best + self.tol]
            rows = [rows[k] for k in keep]
            divisors = [divisors[k] for k in keep]
        return rows


def lemke(tableau: Tableau, *, z0: int, complement: Mapping[int, int], free: set[int],
          lex_columns: Sequence[int], max_pivots: int = MAX_PIVOTS) -> int:
    """Run Lemke's algorithm from the tableau's current (almost feasible) complementary basis.

    Parameters
    ----------
    tableau:
        The system; its basis is complementary and every sign-constrained basic variable is
        nonnegative, except in rows where the ``z0`` column is negative (``z0`` covers them).
    z0:
        Column of the artificial variable (nonbasic on entry).
    complement:
        For every sign-constrained variable, its complementary variable (both directions).
    free:
        Columns of free variables: basic on entry, excluded from the ratio test.
    lex_columns:
        Columns of the starting basis, in the order of the lexicographic perturbation.
    max_pivots:
        Safety bound on the number of pivots.

    Returns
    -------
    int
        The number of pivots made; on return ``z0`` is nonbasic and the basis solves the LCP.

    Raises
    ------
    SolverError
        When the path ends in a secondary ray or exceeds ``max_pivots``.
    """
    tab = tableau
    constrained = [i for i in range(tab.num_rows) if tab.basis[i] not in free]
    negative = [i for i in constrained if tab.T[i, -1] < 0 and not tab.is_zero(tab.T[i, -1])]
    if not negative:
        return 0
    column = tab.T[:, z0]
    rows = [i for i in constrained if column[i] < 0 and not tab.is_zero(column[i])]
    if any(i not in rows for i in negative):
        raise SolverError("internal error: the covering vector misses an infeasible row")
    # z0 must reach max_i rhs_i / t_i over rows with t_i < 0: the lexicographic minimum of
    # rhs_i / |t_i| leaves.
    row = tab.lex_min(rows, [-column[i] for i in rows], lex_columns)[0]
    entering, count = z0, 0
    while True:
        leaving = tab.basis[row]
        tab.pivot(row, entering)
        count += 1
        if leaving == z0:
            return count
        if count >= max_pivots:
            raise SolverError(f"Lemke's algorithm exceeded {max_pivots} pivots")
        entering = complement[leaving]
        column = tab.T[:, entering]
        rows = [i for i in range(tab.num_rows)
                if tab.basis[i] not in free and column[i] > 0 and not tab.is_zero(column[i])]
        if not rows:
            raise SolverError("Lemke's algorithm ended in a secondary ray "
                              f"(column {entering} after {count} pivots)")
        z_row = tab.row_of(z0)
        best = tab.lex_min(rows, [column[i] for i in rows], ())
        if z_row is not None and z_row in best:
            row = z_row  # z0 can leave now: prefer it and stop
        else:
            row = tab.lex_min(best, [column[i] for i in best], lex_columns)[0]
