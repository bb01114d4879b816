"""One call per user job: load a model, fix its parameters, build the game, solve it.

The CLI calls these and only chooses how to print the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from alliance_games.analysis.equilibrium import EquilibriumRecord, describe
from alliance_games.analysis.policies import PolicyComparison, compare_policies
from alliance_games.analysis.reliability import parse_tolerances
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.scenarios import scenario_values
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
                exact: bool = True, scenario: str | None = None) -> Instance:
    """Load ``source`` and build its game at the given parameter values (defaults elsewhere).

    A ``scenario`` preset's values come first; ``assignments`` override them.
    """
    model = load_model(source)
    compiled = compile_model(model)
    values = compiled.resolve(scenario_values(model.name, scenario, dict(assignments or {})))
    game = compiled.at(values, exact=exact)
    return Instance(model, compiled, values, game)


def solve_instance(instance: Instance, method: str = "auto", *, max_equilibria: int | None = None,
                   timeout: float | None = None) -> tuple[SolverResult, list[EquilibriumRecord]]:
    """Solve an instance and describe its equilibria (within ``timeout`` seconds, if given)."""
    result = solve(instance.game, method, max_equilibria=max_equilibria, timeout=timeout)
    return result, describe(result)


@dataclass(frozen=True, eq=False)
class ComparisonRun:
    """A model instance and its policy comparison."""

    instance: Instance
    comparison: PolicyComparison


def compare_model(source: str, assignments: Mapping[str, Any] | None = None, *,
                  scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
                  max_equilibria: int | None = None) -> ComparisonRun:
    """Load ``source``, apply a scenario and assignments, and compare its policies."""
    instance = instantiate(source, assignments, scenario=scenario)
    comparison = compare_policies(instance.model, instance.game, parse_tolerances(tolerances),
                                  max_equilibria=max_equilibria)
    return ComparisonRun(instance, comparison)


@dataclass(frozen=True, eq=False)
class DominanceRun:
    instance: Instance
    result: Any  # alliance_games.solvers.normal_form.dominance.DominanceResult


def dominance_instance(source: str, assignments: Mapping[str, Any] | None = None, *,
                       exact: bool = True, weak: bool = False, mixed: bool = True) -> DominanceRun:
    """Iterated dominance on a model's normal form (trees: their reduced normal form)."""
    from alliance_games.games.reduce import reduced_normal_form
    from alliance_games.solvers.normal_form.dominance import iterated_dominance

    instance = instantiate(source, assignments, exact=exact)
    game = instance.game
    normal_form = game if isinstance(game, NormalFormGame) else reduced_normal_form(game).game
    return DominanceRun(instance, iterated_dominance(normal_form, weak=weak, mixed=mixed))


@dataclass(frozen=True, eq=False)
class SweepRun:
    result: Any  # alliance_games.analysis.sweep.result.SweepResult
    fixed: dict[str, Any]


def plan_sweep(source: str, params: tuple[str, ...], assignments: Mapping[str, Any] | None = None,
               *, scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
               chunk: int | None = None) -> Any:
    """The :class:`~alliance_games.analysis.sweep.engine.SweepPlan` of a sweep over ``params``."""
    from alliance_games.analysis.sweep.engine import SweepPlan, parse_axis

    model = load_model(source)
    values = scenario_values(model.name, scenario, dict(assignments or {}))
    axes = [parse_axis(p) for p in params]
    return SweepPlan(model, axes, values, parse_tolerances(tolerances), chunk=chunk)


def sweep_model(source: str, params: tuple[str, ...], assignments: Mapping[str, Any] | None = None,
                *, scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
                progress: Any = None, journal: str | None = None, resume: bool = False,
                workers: int | None = None, scheduler: str | None = None,
                finished: Any = None, plan: Any = None) -> SweepRun:
    """Sweep a model's parameters (see :mod:`alliance_games.analysis.sweep.engine` and
    :mod:`alliance_games.analysis.sweep.runner`); ``finished`` gets the run before the journal
    of a resumable sweep is deleted."""
    from alliance_games.analysis.sweep.runner import run_sweep

    plan = plan or plan_sweep(source, params, assignments, scenario=scenario,
                              tolerances=tolerances)
    fixed = plan.base

    def done(result: Any) -> None:
        if finished is not None:
            finished(SweepRun(result, fixed))

    result = run_sweep(plan, journal=journal, resume=resume, workers=workers,
                       scheduler=scheduler, progress=progress, finished=done)
    return SweepRun(result, fixed)
