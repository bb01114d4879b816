"""Sweeps of models without policies: every equilibrium at every grid point, in numbers.

At each point of the grid the model is solved with a method of the registry (``auto``: every
subgame-perfect equilibrium of a tree, every extreme equilibrium of a two-player normal form,
every equilibrium of a small N-player one, pure equilibria beyond), exactly where the model's
numbers are rational at the point and in floating point otherwise. Each equilibrium is kept as
a :class:`~alliance_games.analysis.sweep.quantities.Summary` (outcome distribution, tag
probabilities, expected payoffs, action probabilities); a per-point quantity over the
equilibria is given as its minimum and maximum (:meth:`EquilibriumSweep.span`).

Points are solved one by one (a policy sweep's array passes need a policy choice at the root);
the work is estimated before anything is solved, as for policy sweeps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.refined import check_criteria, refined
from alliance_games.analysis.sweep.engine import MAX_WORK, check_axes, exact_value, grid_points
from alliance_games.analysis.sweep.quantities import Number, Quantity, Summary, Vocabulary, summarise
from alliance_games.errors import GameError, ParameterError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers import SolverResult, solve

EXACT_COST = 100  # work units per tree node or normal-form profile of one exact solve


@dataclass(frozen=True, eq=False)
class Solved:
    """A model solved at one parameter point."""

    game: NormalFormGame | GameTree
    result: SolverResult
    summaries: tuple[Summary, ...]
    complete: bool
    """The summaries are every equilibrium of the class solved for (after ``refine``: every
    survivor, :mod:`alliance_games.analysis.refined`)."""

    @property
    def method(self) -> str:
        return str(self.result.options.get("auto", self.result.method))


def solve_at(compiled: CompiledModel, values: Mapping[str, Any], method: str = "auto",
             refine: Sequence[str] = ()) -> Solved:
    """``compiled`` solved at ``values`` with ``method``: exactly, or in floats where a number of
    the model is irrational at the point; with ``refine`` only the equilibria passing every
    refinement are summarised (:mod:`alliance_games.analysis.refined`), and ``complete`` says
    whether they are all of them."""
    try:
        game = compiled.at(values, exact=True)
    except GameError:
        game = compiled.at(values, exact=False)  # raises again if floats do not help either
    result = solve(game, method)
    survivors = refined(result, refine)
    summaries = tuple(summarise(game, eq) for eq, kept in
                      zip(result.equilibria, survivors.keep, strict=True) if kept)
    return Solved(game, result, summaries, survivors.complete)


@dataclass(frozen=True)
class EquilibriumPoint:
    """One grid point: the swept values, how it was solved, and its equilibria."""

    values: dict[str, float]
    method: str
    exact: bool
    complete: bool
    equilibria: tuple[Summary, ...]

    def quantity(self, quantity: Quantity) -> list[Number]:
        """The quantity's value in each equilibrium (``count``: one value, the number of them)."""
        if not quantity.per_equilibrium:
            return [Fraction(len(self.equilibria))]
        return [s.value(quantity) for s in self.equilibria]

    def span(self, quantity: Quantity) -> tuple[Number, Number] | None:
        """Minimum and maximum of the quantity over the equilibria (``None``: there are none)."""
        found = self.quantity(quantity)
        return (min(found), max(found)) if found else None


@dataclass(frozen=True)
class EquilibriumSweep:
    """Every equilibrium at every point of a grid (see the module docstring)."""

    model: str
    axes: tuple[tuple[str, np.ndarray], ...]
    fixed: dict[str, Any]
    players: tuple[str, ...]
    tags: tuple[str, ...]
    watch: tuple[Quantity, ...]
    points: tuple[EquilibriumPoint, ...]
    latex: dict[str, str] = field(default_factory=dict)
    sample: dict[str, Any] | None = None  # a sampled design (axes = its columns): how it was drawn
    refine: tuple[str, ...] = ()
    """The refinements every listed equilibrium passes (``sweep --refine``)."""

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.axes)

    @property
    def count(self) -> int:
        return len(self.points)

    def shown(self) -> tuple[Quantity, ...]:
        """The quantities tables and plots show: the watched ones, else every expected payoff."""
        return self.watch or tuple(Quantity("payoff", p) for p in self.players)


class EquilibriumSweepPlan:
    """A sweep of a model without policies: its grid, checked, and the quantities to watch
    (``sample``: the axes are the columns of a list of points, as in
    :class:`~alliance_games.analysis.sweep.engine.SweepPlan`)."""

    def __init__(self, model: SymbolicModel, axes: Sequence[tuple[str, np.ndarray]],
                 fixed: Mapping[str, Any] | None, watch: Sequence[str] = (),
                 method: str = "auto", compiled: CompiledModel | None = None,
                 sample: Mapping[str, Any] | None = None, refine: Sequence[str] = ()) -> None:
        self.refine = check_criteria(refine, method)
        self.model = model
        self.axes = tuple((name, np.asarray(values, dtype=float)) for name, values in axes)
        self.fixed = dict(fixed or {})
        self.method = method
        self.sample = dict(sample) if sample is not None else None
        self.compiled = compiled or compile_model(model)
        self.count = check_axes(model, self.axes, listed=self.sample is not None)
        self.base = self.compiled.resolve(self.fixed)
        self.vocabulary = Vocabulary.of(self.compiled.at(self.base, exact=False))
        self.watch = tuple(self.vocabulary.parse(w) for w in watch)

    def work(self) -> tuple[int, int]:
        """Estimated work: (points x size x :data:`EXACT_COST`, size), the size being the tree's
        nodes or the normal form's profiles."""
        game = self.model.game
        size = game.skeleton.num_nodes if isinstance(game, SymbolicTree) else \
            int(np.prod(game.payoffs.shape[1:]))
        return self.count * size * EXACT_COST, size

    def check_work(self, limit: int = MAX_WORK) -> None:
        """Refuse a sweep whose estimated work is over ``limit`` (before any solving)."""
        work, size = self.work()
        if work > limit:
            what = "tree nodes" if self.model.is_tree else "profiles"
            raise ParameterError(
                f"the sweep would solve {self.count:,} points x {size:,} {what} exactly (about "
                f"{work:,} units of work), over the limit of {limit:,}: sweep fewer points, or "
                "raise the limit with --max-work")

    def solve(self, progress: Callable[[int], None] | None = None) -> EquilibriumSweep:
        """Solve every point, in grid order."""
        names = [n for n, _ in self.axes]
        points = []
        for row in grid_points(self.axes, 0, self.count, listed=self.sample is not None):
            exact = {n: exact_value(float(v)) for n, v in zip(names, row, strict=True)}
            solved = solve_at(self.compiled, {**self.base, **exact}, self.method, self.refine)
            points.append(EquilibriumPoint({n: float(v) for n, v in zip(names, row, strict=True)},
                                           solved.method, solved.result.exact,
                                           solved.complete, solved.summaries))
            if progress is not None:
                progress(1)
        latex = {p.name: p.latex for p in self.model.parameters if getattr(p, "latex", None)}
        return EquilibriumSweep(self.model.name, self.axes, dict(self.fixed), self.model.players,
                                self.vocabulary.tags, self.watch, tuple(points), latex,
                                self.sample, self.refine)
