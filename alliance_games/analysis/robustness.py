"""Robustness of claims over a model's parameter space: a random design and what breaks a claim.

A *claim* is anything that holds or fails at a parameter point (``evaluate(point)`` returns
``{claim_id: bool}``). Three steps:

1. :func:`sample_design` draws ``n`` points jointly over every numeric parameter of a model: a
   scrambled Sobol sequence (:class:`scipy.stats.qmc.Sobol`, seeded, the first ``n`` points of
   its first ``2^m >= n``), mapped onto each parameter's interval (the default ``d`` times
   ``1 -/+ spread``, or the whole declared range);
2. :func:`robustness` evaluates every point (optionally in a process pool) and summarises, per
   claim, the share of points where it holds and the parameters most associated with its
   failures (point-biserial correlation between the parameter and failure);
3. :func:`one_parameter_intervals` moves one parameter at a time from its default outward on a
   small grid and reports, per claim, the interval around the default where the claim holds
   (extra evaluations, so a separate step the caller chooses).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.collection import now_and_then, paused_collections
from alliance_games.analysis.journal import Journal
from alliance_games.errors import ParameterError, SolverError
from alliance_games.model.symbolic import Parameter, SymbolicModel

MAX_SAMPLE = 1_000_000
DIGITS = 6  # significant digits of a sampled value (short exact fractions keep exact solvers fast)
MIN_CORRELATION = 0.1  # weaker associations with failure are not listed as breaking
MAX_P_VALUE = 0.01  # nor are those this likely under no association at all

Point = tuple[Fraction, ...]
Evaluate = Callable[[dict[str, Fraction]], Mapping[str, bool]]


def fraction(value: Any) -> Fraction:
    """``value`` (int, Fraction, sympy Rational, decimal text) as an exact Fraction."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def parameter_interval(parameter: Parameter, spread: float | None, ranges: bool
                       ) -> tuple[Fraction, Fraction]:
    """The interval a continuous parameter is sampled over.

    ``ranges``: its declared range. Otherwise ``d (1 - spread) .. d (1 + spread)`` around its
    default ``d`` (ordered when ``d < 0``); a zero default moves by ``spread`` times the width of
    its range (``spread`` itself when it has none). Either is clipped to the declared range; a
    parameter without a range, asked for ``ranges``, is sampled within ``spread`` of its default.
    """
    default = fraction(parameter.default)
    bounds = (fraction(parameter.range[0]), fraction(parameter.range[1])) if parameter.range \
        else None
    if ranges and bounds is not None:
        return bounds
    if spread is None:
        raise ParameterError(f"parameter {parameter.name!r} has no range to sample: give a "
                             "spread around its default")
    s = Fraction(str(spread))
    width = abs(default) if default != 0 else (bounds[1] - bounds[0] if bounds else Fraction(1))
    lo, hi = default - s * width, default + s * width
    if bounds is not None:
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    return lo, hi


def sampled_parameters(model: SymbolicModel, fixed: Mapping[str, Any] = {}  # noqa: B006
                       ) -> list[Parameter]:
    """The parameters a design varies: every parameter without a list of ``values`` (discrete
    parameters stay at their default) and not in ``fixed``, in declaration order."""
    known = {p.name for p in model.parameters}
    unknown = sorted(set(fixed) - known)
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r} (valid parameters: "
                             f"{', '.join(sorted(known)) or 'none'})")
    return [p for p in model.parameters if p.values is None and p.name not in fixed]


def sample_design(model: SymbolicModel, n: int, *, spread: float | None = 0.25,
                  ranges: bool = False, seed: int | None = None,
                  fixed: Mapping[str, Any] = {}  # noqa: B006
                  ) -> tuple[tuple[str, ...], tuple[Point, ...]]:
    """``n`` points drawn jointly over ``model``'s continuous parameters: ``(names, points)``.

    The design is a scrambled Sobol sequence seeded with ``seed`` (the same seed gives the same
    points; ``None`` draws a fresh one): the first ``n`` points of its first ``2^m >= n``, so
    that every prefix is itself well spread. Coordinate ``u`` in [0, 1) becomes
    ``lo + u (hi - lo)`` on the parameter's interval (:func:`parameter_interval`: within
    ``spread`` of the default, or the declared range with ``ranges=True``), rounded to
    :data:`DIGITS` significant digits (so exact solvers work on short fractions) and kept in
    the interval. ``names`` are the varied parameters in declaration order
    (:func:`sampled_parameters`: discrete parameters, with ``values``, and those in ``fixed``
    are held at their default or fixed value and are not listed); each point holds one exact
    :class:`~fractions.Fraction` per name.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLE:
        raise ParameterError(f"the number of sampled points must lie between 1 and "
                             f"{MAX_SAMPLE:,}, got {n}")
    if spread is not None and (not math.isfinite(spread) or spread < 0):
        raise ParameterError(f"the spread must be a number >= 0 (0.25: defaults +/- 25 %), "
                             f"got {spread}")
    if not ranges and spread is None:
        raise ParameterError("give a spread around the defaults, or sample the declared ranges")
    varied = sampled_parameters(model, fixed)
    if not varied:
        raise ParameterError(f"model {model.name!r} has no continuous parameter to sample "
                             "(discrete and fixed parameters are held)")
    from scipy.stats import qmc

    generator = np.random.default_rng(seed)
    try:
        sobol = qmc.Sobol(len(varied), scramble=True, rng=generator)
    except TypeError:  # scipy < 1.15 calls it seed
        sobol = qmc.Sobol(len(varied), scramble=True, seed=generator)
    unit = sobol.random_base2(max(0, math.ceil(math.log2(n))))[:n]
    intervals = [parameter_interval(p, spread, ranges) for p in varied]
    points = []
    for row in unit:
        point = []
        for u, (lo, hi) in zip(row, intervals, strict=True):
            value = Fraction(f"{float(lo) + float(u) * float(hi - lo):.{DIGITS}g}")
            point.append(min(max(value, lo), hi))
        points.append(tuple(point))
    return tuple(p.name for p in varied), tuple(points)


# ---- evaluating a design ----------------------------------------------------------------------
@dataclass(frozen=True)
class Breaking:
    """A parameter associated with a claim's failures.

    ``correlation``: the point-biserial correlation between the parameter and failure (positive:
    failures sit at higher values, ``direction`` "too high"); ``shift``: the mean position of the
    failing points minus that of the holding points, positions normalised to [0, 1] over the
    sampled values.
    """

    parameter: str
    direction: str
    correlation: float
    shift: float

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "direction": self.direction,
                "correlation": round(self.correlation, 4), "shift": round(self.shift, 4)}


@dataclass(frozen=True)
class Interval:
    """Where a claim holds as one parameter moves from its default, the others at theirs.

    ``low`` .. ``high``: the furthest grid values reached from the default, in each direction,
    before the first failure; ``fails_below`` / ``fails_above``: that first failing value
    (``None``: it held up to the end of the searched interval). A claim that fails at the
    default itself has ``low = high = None`` and fails below and above at the default.
    """

    default: Fraction
    low: Fraction | None
    high: Fraction | None
    fails_below: Fraction | None
    fails_above: Fraction | None

    def to_dict(self) -> dict[str, Any]:
        def number(x: Fraction | None) -> float | None:
            return None if x is None else float(x)

        return {"default": float(self.default), "low": number(self.low), "high": number(self.high),
                "fails_below": number(self.fails_below), "fails_above": number(self.fails_above)}


@dataclass(frozen=True)
class ClaimRobustness:
    """One claim over a design: ``holds`` of ``n`` points (``errors`` of them could not be
    evaluated and count as failures), the breaking parameters, strongest first, and the
    one-parameter intervals when computed."""

    claim: str
    n: int
    holds: int
    errors: int
    breaking: tuple[Breaking, ...]
    intervals: Mapping[str, Interval] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.holds / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "share": round(self.share, 4), "errors": self.errors,
                "breaking": [b.to_dict() for b in self.breaking],
                "intervals": {k: v.to_dict() for k, v in self.intervals.items()}}


@dataclass(frozen=True)
class RobustnessResult:
    """Every claim over a design: ``outcomes[i]`` is point ``i``'s ``{claim: holds}`` (``None``
    when it raised; the message is in ``errors``, by point index)."""

    names: tuple[str, ...]
    points: tuple[Point, ...]
    outcomes: tuple[Mapping[str, bool] | None, ...]
    errors: Mapping[int, str]
    claims: Mapping[str, ClaimRobustness]

    def to_dict(self) -> dict[str, Any]:
        return {claim: c.to_dict() for claim, c in self.claims.items()}

    def with_intervals(self, intervals: Mapping[str, Mapping[str, Interval]]) -> RobustnessResult:
        """This result with each claim's one-parameter intervals (claim -> parameter -> interval,
        e.g. gathered from :func:`one_parameter_intervals`)."""
        claims = {k: replace(c, intervals=dict(intervals.get(k, c.intervals)))
                  for k, c in self.claims.items()}
        return replace(self, claims=claims)


def evaluate_point(evaluate: Evaluate, values: dict[str, Fraction]
                   ) -> tuple[Mapping[str, bool] | None, str | None]:
    """``evaluate(values)`` as ``(outcome, None)``, or ``(None, message)`` when a solver gave up."""
    try:
        return {str(k): bool(v) for k, v in evaluate(values).items()}, None
    except SolverError as exc:
        return None, str(exc) or type(exc).__name__
    finally:
        now_and_then()


def _assignments(points: Sequence[Point], names: Sequence[str], defaults: Mapping[str, Any]
                 ) -> Iterable[dict[str, Fraction]]:
    base = {k: fraction(v) for k, v in defaults.items()}
    for point in points:
        yield {**base, **dict(zip(names, point, strict=True))}


Found = tuple[Mapping[str, bool] | None, str | None]


def _evaluate_all(points: Sequence[Point], names: Sequence[str], evaluate: Evaluate,
                  defaults: Mapping[str, Any], workers: int,
                  progress: Callable[[int], None] | None, journal: Journal | None = None
                  ) -> list[Found]:
    """Every point's outcome, in point order; in a pool of ``workers`` processes when > 1
    (``evaluate`` must then be picklable, e.g. a top-level function or a ``functools.partial``
    of one). Ctrl-C cancels the pending points and shuts the pool down before re-raising.

    With a ``journal`` (records ``{"i", "outcome", "error"}``) the points it holds are not
    evaluated again and every newly evaluated point is recorded as soon as it is known."""
    found: dict[int, Found] = {}
    if journal is not None:
        for line in journal.records:
            found[int(line["i"])] = (line["outcome"], line["error"])
        if progress is not None and found:
            progress(len(found))

    def record(i: int, outcome: Found) -> None:
        found[i] = outcome
        if journal is not None:
            journal.append({"i": i, "outcome": outcome[0], "error": outcome[1]})
        if progress is not None:
            progress(1)

    todo = [(i, values) for i, values in enumerate(_assignments(points, names, defaults))
            if i not in found]
    if workers <= 1:
        for i, values in todo:
            record(i, evaluate_point(evaluate, values))
        return [found[i] for i in range(len(points))]
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures: dict[Future[Any], int] = {pool.submit(evaluate_point, evaluate, values): i
                                           for i, values in todo}
        for future in as_completed(futures):
            record(futures[future], future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [found[i] for i in range(len(points))]


def breaking_parameters(columns: np.ndarray, names: Sequence[str], failed: np.ndarray
                        ) -> tuple[Breaking, ...]:
    """The parameters clearly associated with failure, strongest first.

    For each column ``x`` (normalised to [0, 1] over its sampled values) the point-biserial
    correlation ``r`` between ``x`` and the failure indicator; listed when ``|r| >=``
    :data:`MIN_CORRELATION` and its t statistic ``r sqrt(n - 2) / sqrt(1 - r^2)`` has a
    two-sided p-value below :data:`MAX_P_VALUE`. Constant columns, and claims that always or
    never fail, have none.
    """
    from scipy.stats import t as student

    n = len(failed)
    fails = int(failed.sum())
    if n < 3 or fails in (0, n):
        return ()
    found = []
    for a, name in enumerate(names):
        x = columns[:, a]
        width = x.max() - x.min()
        if width <= 0:
            continue
        position = (x - x.min()) / width
        r = float(np.corrcoef(position, failed.astype(float))[0, 1])
        if not math.isfinite(r) or abs(r) < MIN_CORRELATION:
            continue
        stat = abs(r) * math.sqrt(n - 2) / math.sqrt(max(1 - r * r, 1e-300))
        if 2 * float(student.sf(stat, n - 2)) >= MAX_P_VALUE:
            continue
        shift = float(position[failed].mean() - position[~failed].mean())
        found.append(Breaking(name, "too high" if r > 0 else "too low", r, shift))
    return tuple(sorted(found, key=lambda b: -abs(b.correlation)))


def robustness(points: Sequence[Point], names: Sequence[str], evaluate: Evaluate, *,
               defaults: Mapping[str, Any], workers: int = 1,
               progress: Callable[[int], None] | None = None,
               journal: Journal | None = None) -> RobustnessResult:
    """Evaluate every claim at every point and summarise it per claim.

    ``evaluate`` gets ``{**defaults, **point}`` (every parameter as an exact Fraction) and
    returns ``{claim_id: holds}``; a point where it raises
    :class:`~alliance_games.errors.SolverError` is a failure of every claim, counted in
    ``errors``. Per claim: ``n`` points, the share where it holds, and the breaking parameters
    (:func:`breaking_parameters`). ``progress`` is called with 1 per evaluated point. With a
    ``journal`` the run can be interrupted and resumed (:func:`_evaluate_all`).
    """
    names = tuple(names)
    points = tuple(tuple(fraction(v) for v in p) for p in points)
    with paused_collections():  # the points' garbage is acyclic: collected now and then
        found = _evaluate_all(points, names, evaluate, defaults, workers, progress, journal)
    outcomes = tuple(o for o, _ in found)
    errors = {i: message for i, (_, message) in enumerate(found) if message is not None}
    claims: list[str] = []
    for outcome in outcomes:
        claims.extend(k for k in outcome or () if k not in claims)
    columns = np.array([[float(v) for v in p] for p in points], dtype=float).reshape(
        len(points), len(names))
    holds = {claim: np.array([o is not None and bool(o.get(claim, False)) for o in outcomes],
                             dtype=bool) for claim in claims}
    return RobustnessResult(names, points, outcomes, errors,
                            summarise_claims(columns, names, holds, len(errors)))


def summarise_claims(columns: np.ndarray, names: Sequence[str], holds: Mapping[str, np.ndarray],
                     errors: int = 0) -> dict[str, ClaimRobustness]:
    """Per claim, from ``holds[claim]`` (one bool per point; ``columns``: the points' values,
    one column per name): its share and breaking parameters; ``errors`` points could not be
    evaluated (and hold nothing)."""
    return {claim: ClaimRobustness(claim, len(held), int(held.sum()), errors,
                                   breaking_parameters(columns, names, ~held))
            for claim, held in holds.items()}


def one_parameter_intervals(evaluate_one: Callable[[Fraction], Mapping[str, bool]], name: str,
                            lo: Any, hi: Any, default: Any, *, steps: int = 8
                            ) -> dict[str, Interval]:
    """Per claim, the interval around ``default`` where it holds as ``name`` alone moves.

    ``evaluate_one(value)`` returns ``{claim: holds}`` with ``name`` at ``value`` (everything
    else at its default). The default is evaluated first, then ``steps`` evenly spaced values
    from the default outward to ``lo``, and ``steps`` to ``hi``; each direction stops once every
    claim has failed in it. A :class:`~alliance_games.errors.SolverError` is a failure of every
    claim. ``name`` only labels errors. Claims are those found at any evaluated value.
    """
    if steps < 1:
        raise ParameterError(f"{name}: the interval search needs at least one step, got {steps}")
    d, low, high = fraction(default), fraction(lo), fraction(hi)

    def outcome(value: Fraction) -> Mapping[str, bool] | None:
        return evaluate_point(lambda values: evaluate_one(values[name]), {name: value})[0]

    at_default = outcome(d) or {}
    claims = list(at_default)
    last: dict[str, dict[int, Fraction | None]] = {c: {-1: None, 1: None} for c in claims}
    first_fail: dict[str, dict[int, Fraction | None]] = {c: {-1: None, 1: None} for c in claims}
    for c in claims:
        if at_default[c]:
            last[c] = {-1: d, 1: d}
    for sign, end in ((-1, low), (1, high)):
        alive = {c for c in claims if at_default[c]}
        for k in range(1, steps + 1):
            if not alive or end == d:
                break
            value = d + (end - d) * Fraction(k, steps)
            found = outcome(value)
            for c in list(alive):
                if found is not None and found.get(c, False):
                    last[c][sign] = value
                else:
                    first_fail[c][sign] = value
                    alive.discard(c)
    return {c: Interval(d, last[c][-1], last[c][1],
                        first_fail[c][-1] if at_default[c] else d,
                        first_fail[c][1] if at_default[c] else d)
            for c in claims}


def design_intervals(model: SymbolicModel, evaluate: Evaluate, defaults: Mapping[str, Any], *,
                     spread: float | None = 0.25, ranges: bool = False, steps: int = 8,
                     fixed: Mapping[str, Any] = {}  # noqa: B006
                     ) -> dict[str, dict[str, Interval]]:
    """:func:`one_parameter_intervals` for every varied parameter of a design over the same
    interval it was sampled on: claim -> parameter -> interval. (``2 steps + 1`` evaluations per
    parameter at most, in this process.)"""
    base = {k: fraction(v) for k, v in defaults.items()}
    found: dict[str, dict[str, Interval]] = {}
    for parameter in sampled_parameters(model, fixed):
        lo, hi = parameter_interval(parameter, spread, ranges)
        name = parameter.name

        def one(value: Fraction, name: str = name) -> Mapping[str, bool]:
            return evaluate({**base, name: value})

        default = base.get(name, fraction(parameter.default))
        for claim, interval in one_parameter_intervals(one, name, lo, hi, default,
                                                       steps=steps).items():
            found.setdefault(claim, {})[name] = interval
    return found
