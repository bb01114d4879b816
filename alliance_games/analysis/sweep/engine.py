"""Comparative statics over parameter grids: every policy's risks, cost and verdict at every point.

A sweep is cut into chunks of points; each chunk costs a handful of array passes instead of one
solve per point:

1. the compiled model's distinct expressions are evaluated for all the chunk's points at once;
2. backward induction and the equilibrium path's risks run across the points as array operations
   on the tree with its identical subtrees merged
   (:mod:`~alliance_games.solvers.tree.merged_tree`, :mod:`~alliance_games.solvers.tree.grid_induction`);
3. points with a near-tie (several equilibria possible) are re-solved exactly, one by one, with
   every subgame-perfect equilibrium (:func:`~alliance_games.analysis.policies.compare_policies`);
   so are all points of trees with imperfect information, whose subgames may need a mixed solver.

Chunks are independent, so they can run anywhere (:mod:`~alliance_games.analysis.sweep.runner`
runs them in this process or on a dask cluster and journals them for ``--resume``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.journal import model_digest
from alliance_games.analysis.policies import compare_policies, cost_measure
from alliance_games.analysis.reliability import RISK_KINDS, risk_tags
from alliance_games.analysis.sweep.result import SweepChunk, SweepResult, join_chunks
from alliance_games.errors import ParameterError, SolverError
from alliance_games.model.compile import CompiledModel, compile_model, parse_value
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.tree.grid_induction import solve_grid
from alliance_games.solvers.tree.merged_tree import MergedTree, merge_tree
from alliance_games.solvers.tree.spe_outcomes import spe_outcomes

MAX_POINTS = 1_000_000
MAX_WORK = 4_000_000_000  # grid points x (merged) tree nodes; about 10 minutes on one core
CHUNK_BYTES = 64 * 2**20  # working memory per chunk


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """``"pooling=0:1:41"`` -> ("pooling", 41 evenly spaced values); ``"x=0.1,0.5"`` -> a list."""
    name, sep, rng = spec.partition("=")
    if not sep or not name.strip():
        raise ParameterError(f"--param expects NAME=START:STOP:STEPS or NAME=V1,V2,..., got {spec!r}")
    name = name.strip()
    if ":" in rng:
        parts = rng.split(":")
        if len(parts) != 3:
            raise ParameterError(f"--param {name}: expected START:STOP:STEPS, got {rng!r}")
        start, stop = (Fraction(str(parse_value(p))) for p in parts[:2])
        try:
            steps = int(parts[2])
        except ValueError:
            raise ParameterError(f"--param {name}: STEPS must be a whole number, got "
                                 f"{parts[2]!r}") from None
        if steps < 1 or steps > MAX_POINTS:
            raise ParameterError(f"--param {name}: STEPS must lie between 1 and {MAX_POINTS}")
        # the float nearest each exact grid value (0.95, not linspace's 0.9500000000000001), so
        # that a point re-solved exactly is the short decimal the user expects
        step = (stop - start) / (steps - 1) if steps > 1 else Fraction(0)
        return name, np.array([float(start + k * step) for k in range(steps)])
    values = [float(parse_value(v)) for v in rng.split(",") if v.strip()]
    if not values:
        raise ParameterError(f"--param {name}: no values given")
    return name, np.array(values)


def check_axes(model: SymbolicModel, axes: Sequence[tuple[str, np.ndarray]], *,
               listed: bool = False) -> int:
    """The number of grid points ``axes`` span, after checking that each names a parameter of
    ``model`` once, within its range (or among its values), and that the grid is not too big.

    ``listed``: the axes are the columns of an explicit list of points (point ``i`` takes
    value ``i`` of every column, as in a sampled design), all of one length, which is the count.
    """
    names = [n for n, _ in axes]
    if not model.parameters:
        raise ParameterError(f"model {model.name!r} has no parameters to sweep")
    if len(set(names)) != len(names):
        raise ParameterError(f"a parameter is swept twice: {', '.join(names)}")
    for name, values in axes:
        parameter = model.parameter(name)
        if parameter is None:
            valid = ", ".join(p.name for p in model.parameters) or "none"
            raise ParameterError(f"unknown parameter {name!r} (valid parameters: {valid})")
        for v in np.unique(values) if parameter.values is not None else (values.min(),
                                                                          values.max()):
            problem = parameter.check(Fraction(repr(float(v))))
            if problem:
                raise ParameterError(problem)
    if listed and len({len(v) for _, v in axes}) > 1:
        raise ParameterError("the columns of a list of points differ in length")
    count = len(axes[0][1]) if listed and axes else int(np.prod([len(v) for _, v in axes]))
    if count > MAX_POINTS:
        raise ParameterError(f"the grid has {count:,} points, over the limit of "
                             f"{MAX_POINTS:,}; use fewer STEPS")
    return count


def grid_points(axes: Sequence[tuple[str, np.ndarray]], start: int, stop: int, *,
                listed: bool = False) -> np.ndarray:
    """Points ``start:stop`` of the grid ``axes`` span, ``(points, axes)``, the last axis
    fastest; ``listed``: rows ``start:stop`` of the point list whose columns are ``axes``."""
    if listed:
        return np.stack([v[start:stop] for _, v in axes], axis=1)
    index = np.arange(start, stop)
    coords = np.unravel_index(index, tuple(len(v) for _, v in axes))
    return np.stack([v[c] for (_, v), c in zip(axes, coords, strict=True)], axis=1)


class SweepPlan:
    """A sweep's grid and settings; :meth:`solve` computes any range of its points.

    ``sample``: the axes are the columns of an explicit list of points (a random design;
    ``sample`` holds how it was drawn, e.g. ``{"n": 20, "seed": 1, "spread": 0.25}``), and
    chunks are slices of that list. ``tags``: outcome tags whose probability under each policy
    is reported besides the risks (the column ``tag_probabilities``, worst over the
    equilibria, as the risks). ``merged``: the merged tree of another plan of the same model and
    tags, to save building it again. Pickles without its compiled model (workers rebuild it
    once, on first use).
    """

    def __init__(self, model: SymbolicModel, axes: Sequence[tuple[str, np.ndarray]],
                 fixed: Mapping[str, Any] | None, tolerances: Mapping[str, Any], *,
                 tol: float = 1e-9, compiled: CompiledModel | None = None,
                 chunk: int | None = None, sample: Mapping[str, Any] | None = None,
                 tags: Sequence[str] = (), merged: MergedTree | None = None) -> None:
        if not isinstance(model.game, SymbolicTree) or not model.policies:
            raise SolverError(f"model {model.name!r} has no policies on a game tree; sweep "
                              "compares the policies of such a model")
        self.model = model
        self.axes = tuple((name, np.asarray(values, dtype=float)) for name, values in axes)
        self.fixed = dict(fixed or {})
        self.tolerances = dict(tolerances)
        self.tol = tol
        self.chunk = chunk
        self.sample = dict(sample) if sample is not None else None
        self.tags = tuple(tags)
        self._compiled = compiled
        self._merged: MergedTree | None | bool = merged if merged is not None else False
        self.cost = cost_measure(model.game.skeleton, model.game.measure_exprs)
        self.count = check_axes(model, self.axes, listed=self.sample is not None)
        self.base = self.compiled.resolve(self.fixed)

    def work(self) -> tuple[int, int]:
        """Estimated work: (points x nodes solved per point, nodes per point).

        Mergeable trees cost their merged size per point; others are solved point by point
        exactly, which costs about a hundred times more per node.
        """
        merged = self.merged
        if merged is not None:
            return self.count * merged.size, merged.size
        nodes = self.model.game.skeleton.num_nodes  # type: ignore[union-attr]
        return self.count * nodes * 100, nodes

    def check_work(self, limit: int = MAX_WORK) -> None:
        """Refuse a sweep whose estimated work is over ``limit`` (before any solving)."""
        work, nodes = self.work()
        if work > limit:
            raise ParameterError(
                f"the sweep would solve {self.count:,} points x {nodes:,} tree nodes (about "
                f"{work:,} node evaluations), over the limit of {limit:,}: sweep fewer points, "
                "or raise the limit with --max-work")

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_compiled"], state["_merged"] = None, False
        return state

    @property
    def compiled(self) -> CompiledModel:
        if self._compiled is None:
            self._compiled = compile_model(self.model)
        return self._compiled

    @property
    def merged(self) -> MergedTree | None:
        if self._merged is False:
            self._merged = merge_tree(self.compiled, self.model.policies, cost=self.cost,
                                      tags=(*risk_tags(self.players), *self.tags))
        return self._merged  # type: ignore[return-value]

    @property
    def policies(self) -> tuple[str, ...]:
        return self.model.policies

    @property
    def players(self) -> tuple[str, ...]:
        return self.model.players

    def fingerprint(self) -> str:
        """A digest of everything that determines the results (for resuming safely)."""
        game = self.model.game
        assert isinstance(game, SymbolicTree)
        digest = hashlib.sha256()
        settings = {
            "model": self.model.name, "players": self.players, "policies": self.policies,
            "parameters": [p.name for p in self.model.parameters],
            "base": {k: str(v) for k, v in self.base.items()},
            "tolerances": {k: str(v) for k, v in self.tolerances.items()},
            "axes": {n: [repr(float(x)) for x in v] for n, v in self.axes}, "tol": self.tol,
        }
        if self.sample is not None:
            settings["listed"] = True
        if self.tags:
            settings["tags"] = self.tags
        digest.update(json.dumps(settings, sort_keys=True).encode())
        digest.update(model_digest(self.model))  # the file's bytes, not 10^5 printed expressions
        digest.update(game.skeleton.child_ptr.tobytes())
        return digest.hexdigest()[:32]

    def grid(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Points ``start:stop``'s swept values, ``(points, axes)``, the last axis fastest (a
        sample: in the list's order)."""
        return grid_points(self.axes, start, self.count if stop is None else stop,
                           listed=self.sample is not None)

    def chunk_size(self) -> int:
        """Points per chunk: as given, or what fits :data:`CHUNK_BYTES` of working memory."""
        if self.chunk:
            return self.chunk
        merged = self.merged
        unique = merged.size if merged is not None else 1
        channels = 1 + 3 * len(self.players) + len(self.tags)  # payoffs, cost, risk and other tags
        per_point = unique * channels * 8 * 4  # values and a few temporaries
        return int(np.clip(CHUNK_BYTES // max(per_point, 1), 16, 4096))

    def ranges(self, chunk: int | None = None) -> list[tuple[int, int]]:
        size = chunk or self.chunk_size()
        return [(s, min(s + size, self.count)) for s in range(0, self.count, size)]

    def solve(self, start: int, stop: int) -> SweepChunk:
        """Risks, cost, verdict, the root player's choice and the probabilities of the extra
        tags for points ``start:stop``."""
        grid = self.grid(start, stop)
        size = stop - start
        k, n, x = len(self.policies), len(self.players), len(self.tags)
        names = [name for name, _ in self.axes]
        args = [grid[:, names.index(p.name)] if p.name in names else float(self.base[p.name])
                for p in self.model.parameters]
        risks = np.zeros((size, k, n, len(RISK_KINDS)))
        tagged = np.zeros((size, k, x))
        cost = np.full((size, k), np.nan)
        choice = np.full(size, -1, dtype=np.int64)
        exact = np.ones(size, dtype=bool)
        merged = self.merged
        if merged is not None:
            numbers = self.compiled.float_distinct(args, size)
            found = solve_grid(merged, numbers, self.tol)
            risks[:] = found.tags[:, :, : n * len(RISK_KINDS)].reshape(size, k, n, len(RISK_KINDS))
            tagged[:] = found.tags[:, :, n * len(RISK_KINDS) :]
            cost[:] = found.cost
            choice[:] = found.choice
            exact = found.near_tie.copy()
        limits = np.array([float(self.tolerances[kind]) for kind in RISK_KINDS])
        reliable = np.all(risks <= limits + 1e-12, axis=(2, 3))
        verdicts = np.where(reliable, "robust", "fails").astype(object)
        for i in np.flatnonzero(exact):
            self._exact_point(grid[i], names, risks[i], cost[i], reliable[i], verdicts[i],
                              choice, int(i), tagged[i])
        return SweepChunk(start, stop, risks, cost, reliable, verdicts, choice, exact, tagged)

    def _exact_point(self, point: np.ndarray, names: list[str], risks: np.ndarray,
                     cost: np.ndarray, reliable: np.ndarray, verdicts: np.ndarray,
                     choice: np.ndarray, i: int, tagged: np.ndarray) -> None:
        """Solve one point exactly (every subgame-perfect outcome) into the given rows.

        Verdicts as in :mod:`~alliance_games.analysis.policies`: *robust* when every outcome
        keeps reliability, *fragile* when some do, *fails* when none does; risks and cost are the
        worst over the outcomes. When a policy has too many distinct outcomes to hold
        (:func:`~alliance_games.solvers.tree.spe_outcomes.spe_outcomes`), the verdict is
        *incomplete* unless the outcomes found already show it is fragile.
        """
        values = {**self.base, **{n: exact_value(float(v)) for n, v in zip(names, point,
                                                                      strict=True)}}
        merged = self.merged
        if merged is None:
            self._exact_by_profiles(values, risks, cost, reliable, verdicts, choice, i, tagged)
            return
        found = spe_outcomes(merged, self.compiled.distinct_values(values, exact=True))
        n = len(self.players)
        limits = np.array([float(self.tolerances[kind]) for kind in RISK_KINDS])
        for k, outcomes in enumerate(found.policies):
            table = np.zeros((len(outcomes), len(merged.tags)))
            rows = np.array([[float(x) for x in o] for o in outcomes])
            table[:, found.tags] = rows[:, n + 1 :]
            per = table[:, : n * len(RISK_KINDS)].reshape(len(outcomes), n, len(RISK_KINDS))
            tagged[k] = table[:, n * len(RISK_KINDS) :].max(axis=0)
            kept = np.all(per <= limits + 1e-12, axis=(1, 2))
            risks[k] = per.max(axis=0)
            cost[k] = rows[:, n].max() if merged.cost_ids is not None else np.nan
            # a subset of the outcomes proves "fragile" when it has both kinds, nothing else
            complete = found.complete[k]
            reliable[k] = bool(kept.all()) and complete
            verdicts[k] = ("fragile" if kept.any() and not kept.all() else
                           "incomplete" if not complete else
                           "robust" if kept.all() else "fails")
        choice[i] = found.chosen[0] if found.chosen else -1

    def _exact_by_profiles(self, values: dict[str, Any], risks: np.ndarray, cost: np.ndarray,
                           reliable: np.ndarray, verdicts: np.ndarray, choice: np.ndarray,
                           i: int, tagged: np.ndarray) -> None:
        """Trees that cannot be merged: every equilibrium of every policy's subgame."""
        comparison = compare_policies(self.model, self.compiled.at(values), self.tolerances)
        for k, p in enumerate(comparison.policies):
            for t, tag in enumerate(self.tags):
                tagged[k, t] = max((float(q.tag_probabilities.get(tag, 0)) for q in p.profiles),
                                   default=0.0)
            for j, player in enumerate(self.players):
                for r, kind in enumerate(RISK_KINDS):
                    risks[k, j, r] = float(p.risks[player][kind])
            measured = p.measure(self.cost) if self.cost is not None else None
            cost[k] = np.nan if measured is None else float(measured)
            reliable[k] = p.reliable
            verdicts[k] = p.verdict
        picks = comparison.chosen
        choice[i] = self.policies.index(picks[0]) if picks else -1

    def result(self, chunks: Iterable[SweepChunk]) -> SweepResult:
        """The whole grid's result from chunks tiling it (in any order)."""
        return self.part(join_chunks(list(chunks), self.count, len(self.policies),
                                     len(self.players), len(self.tags)))

    def part(self, chunk: SweepChunk) -> SweepResult:
        """The result over ``chunk``'s points only (row ``i`` is point ``chunk.start + i``);
        the axes, settings and shape are the whole grid's."""
        latex = {p.name: p.latex for p in self.model.parameters if getattr(p, "latex", None)}
        return SweepResult.from_chunk(chunk, self.model.name, self.axes, dict(self.fixed),
                                      dict(self.tolerances), self.policies, self.players,
                                      self.grid(chunk.start, chunk.stop), latex,
                                      sample=self.sample, tags=self.tags)


def exact_value(value: float) -> Fraction:
    """The simplest fraction that rounds to ``value`` (1/3 for 0.3333333333333333)."""
    simple = Fraction(repr(value)).limit_denominator(10**9)
    return simple if float(simple) == value else Fraction(repr(value))


def sweep(compiled: CompiledModel, axes: Sequence[tuple[str, np.ndarray]],
          fixed: Mapping[str, Any] | None = None, *, tolerances: Mapping[str, Any],
          chunk: int | None = None, tol: float = 1e-9,
          progress: Callable[[int], None] | None = None) -> SweepResult:
    """Risks, cost and verdict of every policy at every point of the grid spanned by ``axes``.

    Runs in this process; see :func:`alliance_games.analysis.sweep.runner.run_sweep` for
    journaled (resumable) and distributed runs.
    """
    plan = SweepPlan(compiled.model, axes, fixed, tolerances, tol=tol, compiled=compiled,
                     chunk=chunk)
    chunks = []
    for start, stop in plan.ranges():
        chunks.append(plan.solve(start, stop))
        if progress is not None:
            progress(stop - start)
    return plan.result(chunks)
