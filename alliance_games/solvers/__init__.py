"""Equilibrium solvers: one algorithm per module, each returning a :class:`SolverResult`."""

from alliance_games.solvers.registry import METHODS, solve
from alliance_games.solvers.result import Equilibrium, SolverResult

__all__ = ["METHODS", "Equilibrium", "SolverResult", "solve"]
