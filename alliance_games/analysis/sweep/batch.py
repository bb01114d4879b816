"""A model's policies solved at one fixed list of points, under variants of its parameters.

Claims that hold or fail at a parameter point often read several solutions of the model at that
point: the point itself, the point with a parameter switched off, the point on a grid of one
parameter, or the value of one parameter where a policy's verdict changes. :class:`PointBatch`
computes each of these for *all* the points at once, as one listed sweep
(:class:`~alliance_games.analysis.sweep.engine.SweepPlan` over the points' columns: array
backward induction, exact re-solves at near-ties), and caches it by its overrides. Row ``i`` of
every result is point ``i`` (a stacked grid: row ``g P + i`` is grid value ``g`` at point ``i``).

With ``workers > 1`` the chunks of every sweep run in one pool of processes kept for the batch's
life (each worker compiles the model once); useful when points must be solved one by one (trees
that cannot be merged), not for merged trees, which solve thousands of points per second.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from types import TracebackType
from typing import Any

import numpy as np

from alliance_games.analysis.sweep.engine import SweepPlan
from alliance_games.analysis.sweep.result import SweepChunk, SweepResult
from alliance_games.errors import ParameterError
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.solvers.tree.merged_tree import MergedTree

Override = float | np.ndarray
"""A parameter's value at every point (a number) or one value per point (an array)."""

_WORKER: dict[str, Any] = {}  # in a pool's worker: the model it compiled, its merged tree


def _start_worker(model: SymbolicModel) -> None:
    _WORKER["compiled"] = compile_model(model)
    _WORKER["merged"] = None


def _solve_rows(axes: list[tuple[str, np.ndarray]], tolerances: dict[str, Any],
                tags: tuple[str, ...], start: int) -> SweepChunk:
    """In a worker: the rows of a listed sweep whose columns are ``axes`` (starting at row
    ``start`` of the whole list)."""
    compiled = _WORKER["compiled"]
    plan = SweepPlan(compiled.model, axes, {}, tolerances, compiled=compiled,
                     sample={"n": len(axes[0][1])}, tags=tags, merged=_WORKER["merged"])
    _WORKER["merged"] = plan.merged
    chunk = plan.solve(0, plan.count)
    return replace(chunk, start=start, stop=start + plan.count)


class PointBatch:
    """``compiled``'s policies at the points whose parameter values are ``columns`` (name ->
    one value per point; parameters not listed keep their defaults), under variants.

    ``tags``: outcome tags whose probabilities every sweep reports besides the risks
    (:attr:`~alliance_games.analysis.sweep.result.SweepResult.tag_probabilities`).
    """

    def __init__(self, compiled: CompiledModel, columns: Mapping[str, np.ndarray], *,
                 tolerances: Mapping[str, Any], tags: Sequence[str] = (),
                 workers: int = 1) -> None:
        self.compiled = compiled
        self.model = compiled.model
        self.columns = {name: np.asarray(v, dtype=float) for name, v in columns.items()}
        lengths = {len(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise ParameterError("the columns of a list of points differ in length")
        self.count = lengths.pop() if lengths else 1
        self.tolerances = dict(tolerances)
        self.tags = tuple(tags)
        self.defaults = {name: float(v) for name, v in compiled.resolve({}).items()}
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._cache: dict[tuple[Any, ...], SweepResult] = {}
        self._merged: MergedTree | None = None  # built by the first sweep, shared by the others

    def select(self, rows: np.ndarray) -> PointBatch:
        """The batch of the points ``rows`` only (its own cache; the same merged tree and pool:
        close the batch it was selected from, not this one)."""
        chosen = {name: v[rows] for name, v in self.columns.items()}
        if not chosen:
            first = self.model.parameters[0].name
            chosen[first] = self.value(first)[rows]
        part = PointBatch(self.compiled, chosen, tolerances=self.tolerances, tags=self.tags,
                          workers=self.workers)
        part._merged, part._pool = self._merged, self._start_pool() if self.workers > 1 else None
        return part

    # ---- values -------------------------------------------------------------------------------
    def value(self, name: str, **overrides: Override) -> np.ndarray:
        """``(P,)``: parameter ``name`` at every point under ``overrides``."""
        if name in overrides:
            return np.broadcast_to(np.asarray(overrides[name], dtype=float), (self.count,)).copy()
        if name in self.columns:
            return self.columns[name].copy()
        if name not in self.defaults:
            raise ParameterError(f"unknown parameter {name!r} of model {self.model.name!r}")
        return np.full(self.count, self.defaults[name])

    def _columns(self, overrides: Mapping[str, Override]) -> dict[str, np.ndarray]:
        columns = dict(self.columns)
        for name in overrides:
            columns[name] = self.value(name, **overrides)
        if not columns:  # a single point at the defaults: list one parameter explicitly
            first = self.model.parameters[0].name
            columns[first] = self.value(first)
        return columns

    # ---- solutions ----------------------------------------------------------------------------
    def solve(self, **overrides: Override) -> SweepResult:
        """Every policy at every point, with ``overrides`` replacing the points' values."""
        key = ("solve", *_key(overrides))
        if key not in self._cache:
            self._cache[key] = self._run(self._columns(overrides))
        return self._cache[key]

    def stacked(self, name: str, values: Sequence[float], **overrides: Override) -> SweepResult:
        """Every point at every value of ``name`` (the other parameters at the point's, or
        ``overrides``): ``len(values) * P`` rows, row ``g P + i`` for value ``g`` at point
        ``i`` (``reliable.reshape(G, P, K)`` reads it by value)."""
        key = ("stacked", name, tuple(float(v) for v in values), *_key(overrides))
        if key not in self._cache:
            columns = self._columns(overrides)
            stacked = {n: np.tile(v, len(values)) for n, v in columns.items()}
            stacked[name] = np.repeat(np.asarray(values, dtype=float), self.count)
            self._cache[key] = self._run(stacked)
        return self._cache[key]

    def threshold(self, policy: str, name: str, lo: float, hi: float, *, tol: float = 1e-4,
                  **overrides: Override) -> tuple[np.ndarray, np.ndarray]:
        """Per point, a bracket ``[a, b]`` with ``b - a <= tol`` of the value of ``name`` in
        ``[lo, hi]`` at which ``policy``'s reliability changes, found by bisection at every
        point at once (``nan`` where it is the same at ``lo`` and at ``hi``).

        As any bisection it finds *a* change, the only one when reliability is monotone in
        ``name``. Each step solves only the points still bracketing (``ceil(log2((hi - lo) /
        tol))`` steps).
        """
        k = self.model.policies.index(policy)
        at_lo = self.solve(**{**overrides, name: lo}).reliable[:, k]
        at_hi = self.solve(**{**overrides, name: hi}).reliable[:, k]
        rows = np.flatnonzero(at_lo != at_hi)
        low, high = np.full(self.count, np.nan), np.full(self.count, np.nan)
        a, b = np.full(rows.size, float(lo)), np.full(rows.size, float(hi))
        columns = {n: v[rows] for n, v in self._columns(overrides).items()}
        while rows.size and b[0] - a[0] > tol:  # every bracket has the same width
            mid = (a + b) / 2
            same = self._run({**columns, name: mid}).reliable[:, k] == at_lo[rows]
            a, b = np.where(same, mid, a), np.where(same, b, mid)
        low[rows], high[rows] = a, b
        return low, high

    def _run(self, columns: Mapping[str, np.ndarray]) -> SweepResult:
        """One listed sweep over ``columns`` (each one value per row)."""
        axes = list(columns.items())
        count = len(axes[0][1])
        plan = SweepPlan(self.model, axes, {}, self.tolerances, compiled=self.compiled,
                         sample={"n": count}, tags=self.tags, merged=self._merged)
        self._merged = plan.merged
        if self.workers <= 1 or not count:
            return plan.result(plan.solve(start, stop) for start, stop in plan.ranges())
        size = max(1, min(plan.chunk_size(), math.ceil(count / (4 * self.workers))))
        pool = self._start_pool()
        futures: list[Future[SweepChunk]] = [
            pool.submit(_solve_rows, [(n, v[start:stop]) for n, v in axes], self.tolerances,
                        self.tags, start) for start, stop in plan.ranges(size)]
        return plan.result(f.result() for f in futures)

    # ---- the pool -----------------------------------------------------------------------------
    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, initializer=_start_worker,
                                             initargs=(self.model,))
        return self._pool

    def close(self) -> None:
        """Shut the pool down (pending work is cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> PointBatch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _key(overrides: Mapping[str, Override]) -> tuple[Any, ...]:
    """A hashable key for ``overrides`` (arrays by a digest of their bytes)."""
    def one(v: Override) -> Any:
        if isinstance(v, np.ndarray):
            return hashlib.sha256(np.ascontiguousarray(v, dtype=float).tobytes()).hexdigest()
        return float(v)

    return tuple(sorted((name, one(v)) for name, v in overrides.items()))
