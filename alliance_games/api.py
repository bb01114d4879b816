"""The Python API for notebooks and scripts: one function per CLI command, one result object each.

::

    import alliance_games as ag
    ag.solve("battle_of_the_sexes").equilibria   # [{player: {strategy: probability}}, ...]
    ag.compare("alliance_system").to_frame()     # a row per policy
    ag.sweep("alliance_system", pooling=(0, 1, 41)).to_frame()   # a row per point and policy

Every function calls the library the CLI calls (:mod:`alliance_games.analysis.runs`), and every
result renders through the CLI's renderers: ``to_json()`` is the document of ``--format json``,
``_repr_html_`` the ``table`` rendering, ``to_frame()`` a pandas DataFrame of the JSON document
(:mod:`alliance_games.render.notebook`; pandas is the optional extra ``[frames]``). Pictures: a
sweep has ``_repr_png_`` (the plot of ``sweep --plot``) and a loaded game tree ``_repr_svg_``;
both are also shown above the HTML table, since notebooks prefer HTML to images. Parameter
values are keyword arguments (``ag.solve("entry_deterrence", profit=3)``) or a ``params``
mapping; values are exact (``"1/3"``, ``0.25``, ``2``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any

from alliance_games.analysis.equilibrium import EquilibriumRecord
from alliance_games.analysis.runs import (
    ComparisonRun,
    EquilibriumSweepRun,
    Instance,
    SweepRun,
    ThresholdRun,
    compare_model,
    instantiate,
    model_instance,
    plan_sweep,
    solve_instance,
    sweep_model,
    threshold_model,
)
from alliance_games.errors import ParameterError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.render import notebook
from alliance_games.render.dispatch import render
from alliance_games.solvers import SolverResult

Number = Fraction | float


class Result:
    """A result of the library (``run``) with its notebook views; ``_options`` are the render
    options the CLI passes with it (the model instance, the equilibria described, ...)."""

    def __init__(self, run: Any, **options: Any) -> None:
        self.run = run
        self._options = options

    def to_json(self) -> str:
        """The document ``--format json`` of the matching command prints."""
        return str(render(self.run, "json", **self._options))

    def to_frame(self, *, exact: bool = False) -> Any:
        """A ``pandas.DataFrame`` of the JSON document (exact numbers as Fractions with
        ``exact``); needs ``pip install alliance-games[frames]``."""
        return notebook.frame(self.run, exact=exact, **self._options)

    def _repr_html_(self) -> str:
        return notebook.html(self.run, **self._options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {type(self.run).__name__}>"


class Model(Result):
    """A loaded model at its default parameter values (``run``: its
    :class:`~alliance_games.analysis.runs.Instance`)."""

    run: Instance

    def __init__(self, instance: Instance, source: str) -> None:
        super().__init__(instance)
        self.source = source

    @property
    def name(self) -> str:
        return self.run.model.name

    @property
    def parameters(self) -> dict[str, Fraction]:
        """Every parameter's default value."""
        return {k: Fraction(str(v)) for k, v in self.run.values.items()}

    def game(self, **values: Any) -> NormalFormGame | GameTree:
        """The model's game with ``values`` set (others at their defaults)."""
        return model_instance(self.run.model, values).game

    @cached_property
    def _tree_svg(self) -> str | None:
        return notebook.tree_svg(self.run)

    def _repr_svg_(self) -> str | None:
        """The game tree at the default values drawn top-down (players, chance probabilities,
        actions, payoffs, information sets dashed); ``None`` for a game in normal form or a
        tree of more than 60 nodes (:data:`~alliance_games.render.tree_figure.MAX_NODES`),
        which the HTML overview alone shows."""
        return self._tree_svg

    def _repr_html_(self) -> str:
        """The overview (title, players, parameters), below the tree when it is drawn."""
        return notebook.with_figure(notebook.overview_html(self.run), self._tree_svg)


class Solution(Result):
    """A solve: its equilibria labelled. Other attributes (``exact``, ``complete``, ``method``,
    ``options``, ``game``, ``warnings``) are the :class:`SolverResult`'s (``result``)."""

    def __init__(self, result: SolverResult, records: list[EquilibriumRecord],
                 instance: Instance) -> None:
        super().__init__(result, records=records, instance=instance)
        self.result = result
        self.records = records

    @property
    def equilibria(self) -> list[dict[str, dict[str, Number]]]:
        """Every equilibrium as player -> {strategy or ``infoset:action``: probability}."""
        return [r.profile for r in self.records]

    @property
    def outcomes(self) -> list[dict[str, Number]]:
        """Every equilibrium's outcome distribution: outcome label -> probability."""
        return [r.outcome_distribution for r in self.records]

    @property
    def payoffs(self) -> list[dict[str, Number]]:
        """Every equilibrium's expected payoffs: player -> payoff."""
        return [r.payoffs for r in self.records]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("result", "records", "run"):
            raise AttributeError(name)
        return getattr(self.result, name)


class Comparison(Result):
    """Every policy's verdict and worst risks (``run``: a
    :class:`~alliance_games.analysis.runs.ComparisonRun`)."""

    run: ComparisonRun

    @property
    def policies(self) -> list[str]:
        return [p.policy for p in self.run.comparison.policies]

    @property
    def verdicts(self) -> dict[str, str]:
        """Policy -> ``robust``, ``fragile`` or ``fails``."""
        return {p.policy: p.verdict for p in self.run.comparison.policies}

    @property
    def risks(self) -> dict[str, dict[str, dict[str, Number]]]:
        """Policy -> player -> risk kind -> its worst probability over the equilibria."""
        return {p.policy: p.risks for p in self.run.comparison.policies}

    @property
    def outcomes(self) -> dict[str, list[dict[str, Number]]]:
        """Policy -> every equilibrium's tag probabilities (tag -> probability)."""
        return {p.policy: [prof.tag_probabilities for prof in p.profiles]
                for p in self.run.comparison.policies}

    @property
    def chosen(self) -> tuple[str, ...]:
        """The policies the root player picks in the whole game's equilibria."""
        return self.run.comparison.chosen


class Sweep(Result):
    """A sweep (``run``: a :class:`~alliance_games.analysis.runs.SweepRun` over policies or an
    :class:`~alliance_games.analysis.runs.EquilibriumSweepRun`); ``result`` holds the arrays."""

    run: SweepRun | EquilibriumSweepRun

    @property
    def result(self) -> Any:
        return self.run.result

    @property
    def axes(self) -> dict[str, list[float]]:
        return {name: [float(x) for x in axis] for name, axis in self.run.result.axes}

    @cached_property
    def _png(self) -> notebook.Png | None:
        return notebook.plot_png(self.run)

    def _repr_png_(self) -> notebook.Png | None:
        """The plot ``sweep --plot`` draws, as PNG bytes with its display size: risk curves
        over one parameter, a regime map over two, an equilibrium sweep's quantities over one;
        ``None`` (the HTML table alone) for a sampled sweep or other axes."""
        return self._png

    def _repr_html_(self) -> str:
        """The table, below the plot when there is one."""
        return notebook.with_figure(super()._repr_html_(), self._png)


class Threshold(Result):
    """A threshold search (``run``: a :class:`~alliance_games.analysis.runs.ThresholdRun`)."""

    run: ThresholdRun

    @property
    def found(self) -> Any:
        """The change found (``None``: none in the interval)."""
        return self.run.found


class Propositions(Result):
    """The article's propositions checked (``run``: the render layer's ``PropositionChecks``)."""

    @property
    def results(self) -> tuple[Any, ...]:
        return tuple(self.run.results)

    @property
    def passed(self) -> dict[str, bool]:
        """Proposition id -> whether it holds."""
        return {r.id: r.passed for r in self.run.results}


ModelLike = str | Model


def _source(model: ModelLike) -> str:
    return model.source if isinstance(model, Model) else model


def _values(params: Mapping[str, Any] | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword values and a ``params`` mapping as one assignment; a name in both is an error."""
    given = dict(params or {})
    for name, value in values.items():
        if name in given:
            raise ParameterError(f"parameter {name} is given twice (in params and as a keyword); "
                                 "give it once")
        given[name] = value
    return {k: v if isinstance(v, str) else str(v) for k, v in given.items()}


def load(source: str) -> Model:
    """A model from a bundled name, a path (.yaml, .nfg, .efg) or ``-`` (stdin)."""
    return Model(instantiate(source), source)


def solve(model: ModelLike | NormalFormGame | GameTree, method: str = "auto", *,
          params: Mapping[str, Any] | None = None, exact: bool = True,
          max_equilibria: int | None = None, timeout: float | None = None,
          refine: Sequence[str] = (), **values: Any) -> Solution:
    """Equilibria of a model (by name, path or :func:`load`) at given parameter values, or of a
    game, by ``method`` (as ``solve --method``): every equilibrium labelled, with its payoffs
    and outcome distribution."""
    if isinstance(model, NormalFormGame | GameTree):
        if values or params:
            raise ParameterError("a game has no parameters to set; set them on its model")
        instance = _game_instance(model)
    else:
        assignments = _values(params, values)
        instance = model_instance(model.run.model, assignments, exact=exact) \
            if isinstance(model, Model) else instantiate(model, assignments, exact=exact)
    result, records = solve_instance(instance, method, max_equilibria=max_equilibria,
                                     timeout=timeout, refine=refine)
    return Solution(result, records, instance)


def _game_instance(game: NormalFormGame | GameTree) -> Instance:
    """A game as the instance of a parameter-free model (named ``game``), to be rendered as a
    model's solve is."""
    from alliance_games.model.compile import compile_model
    from alliance_games.model.from_game import symbolic_from_game

    model = symbolic_from_game(game, name="game", path="<game>", format="python")
    return Instance(model, compile_model(model), {}, game)


def compare(model: ModelLike, *, params: Mapping[str, Any] | None = None,
            scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
            max_equilibria: int | None = None, select: bool = False,
            **values: Any) -> Comparison:
    """Every policy's risks, cost and reliability verdict (as ``compare``; ``select`` as
    ``compare --select``)."""
    run = compare_model(_source(model), _values(params, values), scenario=scenario,
                        tolerances=tolerances, max_equilibria=max_equilibria, select=select)
    return Comparison(run, scenario=scenario)


def _axis(name: str, value: Any) -> str | None:
    """``(start, stop, steps)`` or a list of values as a ``--param`` axis; else ``None``."""
    if isinstance(value, tuple):
        if len(value) != 3:
            raise ParameterError(f"axis {name} expects (start, stop, steps), got {value!r}")
        return f"{name}={value[0]}:{value[1]}:{value[2]}"
    if isinstance(value, list):
        return f"{name}={','.join(map(str, value))}"
    return None


def sweep(model: ModelLike, *, params: Mapping[str, Any] | None = None,
          scenario: str | None = None, tolerances: Mapping[str, Any] | None = None,
          watch: Sequence[str] = (), method: str = "auto", sample: int | None = None,
          spread: float = 0.25, ranges: bool = False, seed: int | None = None,
          max_work: int | None = None, **axes: Any) -> Sweep:
    """A sweep (as ``sweep``): ``NAME=(start, stop, steps)`` or ``NAME=[v1, v2, ...]`` is an
    axis, any other ``NAME=value`` a fixed parameter; ``sample`` draws points instead."""
    from alliance_games.analysis.sweep.engine import MAX_WORK

    grid = {name: _axis(name, value) for name, value in axes.items()}
    fixed = _values(params, {k: v for k, v in axes.items() if grid[k] is None})
    source = _source(model)
    plan = plan_sweep(source, tuple(a for a in grid.values() if a is not None), fixed,
                      scenario=scenario, tolerances=tolerances, watch=tuple(watch),
                      method=method, sample=sample, spread=spread, ranges=ranges, seed=seed)
    plan.check_work(max_work or MAX_WORK)
    return Sweep(sweep_model(source, (), plan=plan))


def threshold(model: ModelLike, parameter: str, between: tuple[Any, Any], *,
              policy: str | None = None, watch: str | None = None, value: Any = None,
              params: Mapping[str, Any] | None = None, **values: Any) -> Threshold:
    """Where ``policy``'s verdict changes, or the ``watch``ed quantity changes (or crosses
    ``value``), as ``parameter`` moves over ``between`` (as ``threshold``)."""
    lo, hi = between
    run = threshold_model(_source(model), parameter, str(lo), str(hi), policy=policy,
                          watch=watch, value=None if value is None else str(value),
                          assignments=_values(params, values))
    return Threshold(run)


def propositions() -> Propositions:
    """The article's propositions checked on the bundled models (as ``propositions``)."""
    from alliance_games.alliance.propositions import check_all
    from alliance_games.render.propositions import PropositionChecks

    return Propositions(PropositionChecks(tuple(check_all())))
