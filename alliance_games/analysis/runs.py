"""One call per user job: load a model, fix its parameters, build the game, solve it.

The CLI calls these and only chooses how to print the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from alliance_games.analysis.equilibrium import EquilibriumRecord, describe
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.solvers import SolverResult, solve


@dataclass(frozen=True, eq=False)
class Instance:
    """A model at fixed parameter values."""

    model: SymbolicModel
    compiled: CompiledModel
    values: dict[str, sympy.Rational]
    game: NormalFormGame | GameTree


def instantiate(source: str, assignments: Mapping[str, Any] | None = None, *,
                exact: bool = True) -> Instance:
    """Load ``source`` and build its game at the given parameter values (defaults elsewhere)."""
    model = load_model(source)
    compiled = compile_model(model)
    values = compiled.resolve(assignments)
    game = compiled.at(values, exact=exact)
    return Instance(model, compiled, values, game)


def solve_instance(instance: Instance, method: str = "auto", *,
                   max_equilibria: int | None = None) -> tuple[SolverResult, list[EquilibriumRecord]]:
    """Solve an instance and describe its equilibria."""
    result = solve(instance.game, method, max_equilibria=max_equilibria)
    return result, describe(result)
