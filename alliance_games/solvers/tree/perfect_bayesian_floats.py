"""A perfect Bayesian solve of a float tree, reported as the float result it is.

The ``pbe`` and ``spbe`` solvers compute exactly: a float tree (``--float``) is first read as exact
decimals (:meth:`~alliance_games.games.tree.GameTree.to_exact`, each float through its shortest
decimal repr) and solved in rationals. Those rationals belong to the decimal reading, not to the
model: ``1 - 9/10`` evaluated in float64 is ``0.09999999999999998``, read back as
``4999999999999999/50000000000000000``, not ``1/10``. So the answer is reported like every other
method's float answer (the contract of :mod:`alliance_games.solvers.float_audit`: a float result is
never called exact): on the float tree given, every number a float, ``exact=False``. Whether it
holds in the exact game of the file is for the float audit to certify (``exact_certificate``).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium, SolverResult

READ_AS_DECIMALS = "float payoffs were read as exact decimals"
"""The warning of a float tree solved by its exact decimal reading."""


def as_float_result(result: SolverResult, rounded: GameTree) -> SolverResult:
    """``result``, found on the exact decimal reading of the float tree ``rounded``, on
    ``rounded`` with every number (probabilities, payoffs, regrets, beliefs) a float and
    ``exact=False`` (module docstring); a :data:`READ_AS_DECIMALS` warning is added."""
    equilibria = tuple(
        Equilibrium(tuple(np.array([float(p) for p in s], dtype=float) for s in eq.strategies),
                    np.array([float(v) for v in eq.payoffs], dtype=float),
                    float(eq.max_regret), False)
        for eq in result.equilibria)
    warnings = tuple(dict.fromkeys((READ_AS_DECIMALS, *result.warnings)))
    return replace(result, game=rounded, equilibria=equilibria, exact=False, warnings=warnings,
                   diagnostics=_floats(result.diagnostics))


def _floats(value: Any) -> Any:
    """``value`` with every Fraction inside dicts, lists and tuples turned into a float."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_floats(v) for v in value)
    return value
