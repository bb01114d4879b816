"""One call per user job: load a model, fix its parameters, build the game, solve it.

The CLI calls these and only chooses how to print the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from alliance_games.analysis.commitment import commitment_model, reads_as_commitment
from alliance_games.analysis.policies import PolicyComparison, compare_policies
from alliance_games.analysis.reliability import parse_tolerances
from alliance_games.analysis.solving import solve_instance as solve_instance  # re-exported
from alliance_games.errors import AllianceGamesError, ParameterError, SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.model_cache import load, source_key, store
from alliance_games.model.numeric_model import NotHandled, NumericModel
from alliance_games.model.scenarios import scenario_values
from alliance_games.model.symbolic import SymbolicModel

if TYPE_CHECKING:  # sympy comes with compiling a model, which a cached compare never does
    import sympy

    from alliance_games.model.compile import CompiledModel


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
    return model_instance(load_model(source), assignments, exact=exact, scenario=scenario)


def model_instance(model: SymbolicModel, assignments: Mapping[str, Any] | None = None, *,
                   exact: bool = True, scenario: str | None = None) -> Instance:
    """``model``'s game at the given parameter values (see :func:`instantiate`)."""
    from alliance_games.model.compile import compile_model

    compiled = compile_model(model)
    values = compiled.resolve(scenario_values(model.name, scenario, dict(assignments or {})))
    game = compiled.at(values, exact=exact)
    return Instance(model, compiled, values, game)


@dataclass(frozen=True, eq=False)
class ComparisonRun:
    """A model instance and its policy comparison."""

    instance: Instance | CachedInstance
    comparison: PolicyComparison


@dataclass(frozen=True, eq=False)
class CachedInstance:
    """A tree model at fixed parameter values, read from the compiled-model cache
    (:mod:`alliance_games.model.model_cache`): its ``model`` is a
    :class:`~alliance_games.model.numeric_model.NumericModel` (name, title, parameters,
    policies, defaults; no expressions) and ``game`` the same tree an :class:`Instance` holds."""

    model: NumericModel
    values: dict[str, Fraction]
    game: GameTree


def compare_model(source: str, assignments: Mapping[str, Any] | None = None, *,
                  scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
                  max_equilibria: int | None = None, select: bool = False,
                  cache: bool = False, workers: int = 1) -> ComparisonRun:
    """Load ``source``, apply a scenario and assignments, and compare its policies (a normal
    form's policies as a commitment, :mod:`alliance_games.analysis.commitment`); ``select``:
    see :func:`~alliance_games.analysis.policies.compare_policies`.

    ``cache``: read a YAML tree model from the compiled-model cache when it is there (no parsing,
    no sympy: the run's ``instance`` is then a :class:`CachedInstance`), and put it there after
    an ordinary load. ``workers``: processes that solve the policies' subgames at once (see
    :func:`~alliance_games.analysis.policies.compare_policies`). The comparison is the same
    either way."""
    def as_commitment(model: SymbolicModel) -> SymbolicModel:
        if not model.policies:
            raise SolverError(f"model {model.name!r} declares no policies, so there are none to "
                              "compare (solve it, or follow its equilibria with sweep --watch "
                              "QUANTITY)")
        return commitment_model(model)

    instance = _instance(source, assignments, scenario=scenario, cache=cache,
                         prepare=as_commitment)
    if not instance.model.policies:  # a cached tree without policies: the ordinary message
        as_commitment(load_model(source))
    comparison = compare_policies(instance.model, instance.game, parse_tolerances(tolerances),
                                  max_equilibria=max_equilibria, select=select, workers=workers)
    return ComparisonRun(instance, comparison)


def instantiate_cached(source: str, assignments: Mapping[str, Any] | None = None, *,
                       exact: bool = True) -> Instance | CachedInstance:
    """:func:`instantiate`, reading a YAML tree model from the compiled-model cache when it is
    there (exact runs only; the same game, and the ordinary load's messages for anything
    unusual) and putting it there after an ordinary load."""
    return _instance(source, assignments, exact=exact, cache=True)


def _instance(source: str, assignments: Mapping[str, Any] | None, *, exact: bool = True,
              scenario: str | None = None, cache: bool,
              prepare: Callable[[SymbolicModel], SymbolicModel] | None = None
              ) -> Instance | CachedInstance:
    """The model's game at the values: from the compiled-model cache when ``cache`` and it is
    there (exact runs), else loaded, ``prepare``d (e.g. a normal form read as its commitment
    tree) and built. Only the game the file itself describes is cached, never a prepared form,
    which other commands would take for the file's game."""
    key = source_key(source) if cache and exact else None
    found = _cached_instance(key, assignments, scenario) if key is not None else None
    if found is not None:
        return found
    loaded = load_model(source)
    model = prepare(loaded) if prepare is not None else loaded
    instance = model_instance(model, assignments, exact=exact, scenario=scenario)
    if key is not None and model is loaded:
        numeric = instance.compiled.numeric()
        if numeric is not None:
            store(key, numeric)
    return instance


def _cached_instance(key: str, assignments: Mapping[str, Any] | None,
                     scenario: str | None) -> CachedInstance | None:
    """The cached model under ``key`` at the given values, or ``None`` when it is not cached or
    the values are not the ordinary case (the ordinary load then says what is wrong)."""
    model = load(key)
    if model is None:
        return None
    try:
        values = scenario_values(model.name, scenario, dict(assignments or {}))
        return CachedInstance(model, model.resolve(values), model.at(values))
    except (NotHandled, AllianceGamesError):
        return None


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

    def policy_robustness(self) -> dict[str, Any]:
        """A sampled sweep's summary per policy: ``reliable`` (the claim "the policy keeps
        reliability") and ``chosen`` (the root player picks it) as
        :class:`~alliance_games.analysis.robustness.ClaimRobustness`, keyed by policy; empty
        for a grid."""
        from alliance_games.analysis.robustness import summarise_claims

        result = self.result
        if result.sample is None:
            return {}
        names = result.axis_names
        return {policy: {
            "reliable": summarise_claims(result.values, names, {policy: result.reliable[:, k]})[policy],
            "chosen": summarise_claims(result.values, names, {policy: result.choice == k})[policy]}
            for k, policy in enumerate(result.policies)}


@dataclass(frozen=True, eq=False)
class EquilibriumSweepRun:
    """A sweep of a model's equilibria (models without policies, or any model with ``watch``)."""

    result: Any  # alliance_games.analysis.sweep.equilibria.EquilibriumSweep
    fixed: dict[str, Any]


def sweeps_policies(model: SymbolicModel, watch: tuple[str, ...] = ()) -> bool:
    """Whether a sweep of ``model`` compares its policies (a tree with policies, nothing watched)
    rather than reporting its equilibria."""
    return bool(model.policies) and model.is_tree and not watch


def plan_sweep(source: str, params: tuple[str, ...], assignments: Mapping[str, Any] | None = None,
               *, scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
               chunk: int | None = None, watch: tuple[str, ...] = (), method: str = "auto",
               sample: int | None = None, spread: float | None = 0.25, ranges: bool = False,
               seed: int | None = None, refine: tuple[str, ...] = ()) -> Any:
    """The plan of a sweep over ``params``: a policy sweep's
    :class:`~alliance_games.analysis.sweep.engine.SweepPlan`, or an equilibrium sweep's
    :class:`~alliance_games.analysis.sweep.equilibria.EquilibriumSweepPlan` (see
    :func:`sweeps_policies`).

    ``sample``: instead of grids over ``params`` (give none), ``sample`` points drawn jointly
    over every continuous parameter not fixed by ``assignments`` or the scenario
    (:func:`~alliance_games.analysis.robustness.sample_design`, within ``spread`` of the
    defaults or over the declared ``ranges``, seeded with ``seed``).

    ``refine``: an equilibrium sweep keeps, at every point, only the perfect Bayesian
    equilibria that pass these refinements (:mod:`alliance_games.analysis.refined`; needs
    ``method="pbe"``).
    """
    from alliance_games.analysis.sweep.engine import SweepPlan, parse_axis
    from alliance_games.analysis.sweep.equilibria import EquilibriumSweepPlan

    model = load_model(source)
    values = scenario_values(model.name, scenario, dict(assignments or {}))
    axes, design = sampled_axes(model, values, sample, spread, ranges, seed) \
        if sample is not None or params == () else ([parse_axis(p) for p in params], None)
    if design is not None and params:
        raise ParameterError("--sample draws its own points: give it or --param, not both")
    if reads_as_commitment(model) and not watch:
        model = commitment_model(model)
    if not sweeps_policies(model, watch):
        return EquilibriumSweepPlan(model, axes, values, watch, method=method, sample=design,
                                    refine=refine)
    if refine:
        raise ParameterError("--refine keeps the perfect Bayesian equilibria that pass a "
                             "refinement: it goes with --watch and --method pbe")
    if method != "auto":
        raise ParameterError("--method chooses the solver of an equilibrium sweep; a policy sweep "
                             "solves every policy's subgame-perfect equilibria (add --watch to "
                             "sweep the equilibria instead)")
    return SweepPlan(model, axes, values, parse_tolerances(tolerances), chunk=chunk,
                     sample=design)


def sampled_axes(model: SymbolicModel, values: Mapping[str, Any], n: int | None,
                 spread: float | None, ranges: bool, seed: int | None
                 ) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    """A sampled design as the columns of a point list, and how it was drawn."""
    import numpy as np

    from alliance_games.analysis.robustness import sample_design

    if n is None:
        raise ParameterError("sweep needs --param NAME=START:STOP:STEPS (a grid) or --sample N "
                             "(a random design)")
    names, points = sample_design(model, n, spread=spread, ranges=ranges,
                                  seed=seed, fixed=values)
    columns = np.array([[float(v) for v in p] for p in points], dtype=float)
    design = {"n": n, "seed": seed, "spread": spread, "ranges": ranges}
    return [(name, columns[:, a]) for a, name in enumerate(names)], design


def sweep_model(source: str, params: tuple[str, ...], assignments: Mapping[str, Any] | None = None,
                *, scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
                progress: Any = None, journal: str | None = None, resume: bool = False,
                workers: int | None = None, scheduler: str | None = None,
                finished: Any = None, plan: Any = None, watch: tuple[str, ...] = ()
                ) -> SweepRun | EquilibriumSweepRun:
    """Sweep a model's parameters (see :mod:`alliance_games.analysis.sweep.engine` and
    :mod:`alliance_games.analysis.sweep.runner`); ``finished`` gets the run before the journal
    of a resumable sweep is deleted. Equilibrium sweeps run in this process, unjournaled."""
    from alliance_games.analysis.sweep.equilibria import EquilibriumSweepPlan
    from alliance_games.analysis.sweep.runner import run_sweep

    plan = plan or plan_sweep(source, params, assignments, scenario=scenario,
                              tolerances=tolerances, watch=watch)
    fixed = plan.base
    if isinstance(plan, EquilibriumSweepPlan):
        if resume or workers is not None and workers > 1 or scheduler:
            raise ParameterError("--resume, --workers and --scheduler work on sweeps of policies; "
                                 f"a sweep of the equilibria of {plan.model.name!r} runs here, "
                                 "point by point")
        run = EquilibriumSweepRun(plan.solve(progress), fixed)
        if finished is not None:
            finished(run)
        return run

    def done(result: Any) -> None:
        if finished is not None:
            finished(SweepRun(result, fixed))

    result = run_sweep(plan, journal=journal, resume=resume, workers=workers,
                       scheduler=scheduler, progress=progress, finished=done)
    return SweepRun(result, fixed)


@dataclass(frozen=True, eq=False)
class ThresholdRun:
    """A threshold search: the question (model, parameter, interval, and the policy, or the
    watched quantity with the value to cross) and its answer (``None``: no change)."""

    model: str
    parameter: str
    lo: str
    hi: str
    policy: str | None
    found: Any  # Threshold (policy), Change (watched quantity), or None
    watch: Any = None  # alliance_games.analysis.sweep.quantities.Quantity, when watched
    value: str | None = None


def threshold_model(source: str, parameter: str, lo: str, hi: str, *, policy: str | None = None,
                    watch: str | None = None, value: str | None = None,
                    assignments: Mapping[str, Any] | None = None) -> ThresholdRun:
    """Where ``policy``'s verdict changes, or the ``watch``ed quantity changes (or crosses
    ``value``), as ``parameter`` moves from ``lo`` to ``hi``: exactly where it can be found."""
    from alliance_games.analysis.sweep.threshold import check_policy, find_threshold
    from alliance_games.analysis.sweep.watch import find_change, watched
    from alliance_games.model.compile import compile_model

    model = load_model(source)
    compiled = compile_model(commitment_model(model) if policy is not None else model)
    values = dict(assignments or {})
    if (policy is None) == (watch is None):
        if policy is None and not model.policies:
            check_policy(compiled, "")  # says the model has no policies and what to watch
        offer = f"--policy ({', '.join(model.policies)}) or " if model.policies else ""
        raise ParameterError(f"threshold follows {offer}--watch QUANTITY: give one of them")
    if policy is not None:
        if value is not None:
            raise ParameterError("--value goes with --watch (a policy's verdict has no value)")
        found = find_threshold(compiled, parameter, lo, hi, policy, values=values)
        return ThresholdRun(model.name, parameter, lo, hi, policy, found)
    assert watch is not None
    quantity = watched(compiled, watch, values)
    change = find_change(compiled, parameter, lo, hi, quantity, value=value, values=values)
    return ThresholdRun(model.name, parameter, lo, hi, None, change, quantity, value)
