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
perturbed problem is nondegenerate, so the path never cycles. The tableau, its exact and float
arithmetic and the ratio test are :mod:`alliance_games.solvers.kernels.tableau`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from alliance_games.errors import SolverError
from alliance_games.solvers.kernels.tableau import Tableau

MAX_PIVOTS = 1_000_000
"""Safety bound on the pivots of one Lemke path."""


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
        rows = tab.positive_rows(entering, constrained)  # free variables never leave their rows
        if not rows:
            raise SolverError("Lemke's algorithm ended in a secondary ray "
                              f"(column {entering} after {count} pivots)")
        z_row = tab.row_of(z0)
        best = tab.lex_min(rows, [column[i] for i in rows], ())
        if z_row is not None and z_row in best:
            row = z_row  # z0 can leave now: prefer it and stop
        else:
            row = tab.lex_min(best, [column[i] for i in best], lex_columns)[0]
