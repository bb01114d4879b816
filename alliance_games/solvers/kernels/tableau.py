"""The pivoting tableau shared by the complementary-pivoting solvers, exact or float.

A :class:`Tableau` holds a system ``T[:, :-1] v = T[:, -1]`` with one basic column per row; a
pivot makes a nonbasic column basic in a chosen row (Gauss-Jordan). Lemke's algorithm on the
sequence form (:mod:`alliance_games.solvers.kernels.lemke`), the Lemke-Howson paths
(:mod:`alliance_games.solvers.normal_form.lemke_howson`) and the exact vertex enumeration of
best-response polytopes (:func:`alliance_games.solvers.kernels.polytope.lex_vertices`) all pivot
here.

Arithmetic. Exact tableaux hold Python integers: every row is stored as integers over a positive
row denominator ``den[i]`` (its basic column holds ``den[i]``), reduced by the gcd after every
change. This is fraction-free like Bareiss' rule (Bareiss 1968; von Stengel 2007, in Nisan et al.,
*Algorithmic Game Theory*, section 3.5.2), with one denominator per row instead of one for the
whole tableau, so a pivot touches only the rows with a nonzero entry in the pivot column, which
keeps sparse tableaux cheap. Float tableaux use plain Gauss-Jordan steps; magnitudes at most
``tol`` count as zero (:mod:`alliance_games.solvers.tolerance`).

Ratio test. When a column enters, the leaving row is chosen among the rows with a positive entry
``a_i`` in it by the lexicographic minimum-ratio rule (Dantzig, Orden & Wolfe 1955): least
``rhs_i / a_i``, ties broken by ``T[i, k] / a_i`` over key columns ``k`` in order
(:meth:`Tableau.lex_min`). With the columns of the starting basis as keys this is the simplex
method on the right-hand side perturbed to ``rhs + (eps, eps^2, ...)``; with ``sign=-1`` the key
ratios are maximised instead (``rhs - (eps, eps^2, ...)``). The perturbed problem is
nondegenerate, so pivoting paths never cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import gcd
from typing import Any

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.solvers.tolerance import DEFAULT_TOL


class Tableau:
    """A system ``T[:, :-1] v = T[:, -1]`` with one basic column per row.

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
        Float mode only: magnitudes at most ``tol`` count as zero (the caller scales its data to
        magnitude about 1).
    snap:
        Float mode only: after each pivot, set the entries of the updated rows within
        ``tol * 1e-3`` of zero to zero (keeps sparse tableaux sparse).
    """

    def __init__(self, matrix: np.ndarray, basis: Sequence[int], *, exact: bool,
                 tol: float = DEFAULT_TOL, snap: bool = True) -> None:
        self.exact = exact
        self.tol = tol
        self.snap = snap
        rows, cols = matrix.shape
        if exact:
            self.T = np.empty((rows, cols), dtype=object)
            self.T[:] = [[int(v) for v in row] for row in matrix]
        else:
            self.T = np.array(matrix, dtype=float)
        self.den = [1] * rows
        self.basis = list(basis)
        self.pivots = 0

    def copy(self) -> Tableau:
        """An independent copy (the entries are immutable numbers, so a shallow array copy)."""
        new = object.__new__(Tableau)
        new.__dict__.update(self.__dict__)
        new.T, new.den, new.basis = self.T.copy(), list(self.den), list(self.basis)
        return new

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

    def positive_rows(self, column: int, rows: Sequence[int] | None = None) -> list[int]:
        """The rows (all, or those in ``rows``) whose entry in ``column`` is positive, not zero."""
        entries = self.T[:, column]
        candidates = range(self.num_rows) if rows is None else rows
        return [i for i in candidates if entries[i] > 0 and not self.is_zero(entries[i])]

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
            if self.snap:
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

    def lex_min(self, rows: list[int], divisors: list[Any], keys: Sequence[int], *,
                sign: int = 1) -> list[int]:
        """Rows minimising ``(T[i, -1], sign * T[i, k] for k in keys) / divisors[i]``
        lexicographically, in their given order.

        ``divisors`` must be positive (the entering column's entries, or their negatives). Exact
        ratios are compared by cross-multiplication; float ones within ``tol``.
        """
        for step, key in enumerate((-1, *keys)):
            if len(rows) <= 1:
                break
            factor = 1 if step == 0 else sign
            nums = [factor * self.T[i, key] for i in rows]
            keep = self._least(nums, divisors)
            rows = [rows[k] for k in keep]
            divisors = [divisors[k] for k in keep]
        return rows

    def _least(self, nums: list[Any], divisors: list[Any]) -> list[int]:
        """Positions ``k`` of the least ``nums[k] / divisors[k]`` (all divisors positive)."""
        if not self.exact:
            ratios = [float(q) / d for q, d in zip(nums, divisors, strict=True)]
            best = min(ratios)
            return [k for k, r in enumerate(ratios) if r <= best + self.tol]
        keep, bn, bd = [0], nums[0], divisors[0]
        for k in range(1, len(nums)):
            lhs, rhs = nums[k] * bd, bn * divisors[k]  # nums[k] / divisors[k] against bn / bd
            if lhs < rhs:
                keep, bn, bd = [k], nums[k], divisors[k]
            elif lhs == rhs:
                keep.append(k)
        return keep
