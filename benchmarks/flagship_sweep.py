"""Workload 5: the perfect-information flagship ``alliance_system_reduced`` (the flagship before
issue 13 rebuilt it as an imperfect-information game) over a 200 x 200 grid of (pooling,
two_front_prob).

The per-point baseline is the project's own single-point solve, ``compare_policies`` on the
compiled model at ``pooling=x, two_front_prob=y``, on a fixed random sample of grid points (the
model is compiled once, untimed; a warm-up point at the defaults is excluded); its median times
40,000 is the loop the sweep must beat.

The sweep row reports "pending: sweep not implemented" while no sweep module exists. When
``alliance_games.analysis.sweep.engine`` (or one of ``SWEEP_MODULES``) exists, its
``sweep(compiled, axes, tolerances=...)`` is timed: first on a pilot grid that contains every
sampled point (and is checked against the per-point solves there), then on the full grid when the
pilot predicts that takes at most ``FULL_GRID_LIMIT`` seconds, else the full-grid time is
extrapolated from the pilot and the row says so.
"""

from __future__ import annotations

import importlib.util
import time
from fractions import Fraction
from typing import Any

import numpy as np

from benchmarks.common import rng_for
from benchmarks.harness import Config, Row, Timing, judge, measure, peak_memory_mb

NAME = "sweep"
GRID = 200
TARGET = (">=100x faster than the per-point loop; >=10^4 points/s on 2 cores; "
          "peak memory < 2 GB")
FULL_GRID_LIMIT = 90.0
"""Largest predicted time (s) for which the full grid is swept; beyond, the pilot is reported."""
FULL_GRID_LIMIT_QUICK = 10.0
SWEEP_MODULES = ("alliance_games.analysis.sweep.engine", "alliance_games.analysis.sweeps",
                 "alliance_games.sweep", "alliance_games.analysis.grid")
MODEL = "alliance_system_reduced"
"""The swept model: perfect information, so the sweep's vectorised fast path applies."""


class Flagship:
    """``MODEL`` compiled once; :meth:`compare` assesses its policies at one parameter point."""

    def __init__(self) -> None:
        from alliance_games.model.catalog import load_model
        from alliance_games.model.compile import compile_model

        self.model = load_model(MODEL)
        self.compiled = compile_model(self.model)

    def compare(self, **values: Any) -> Any:
        from alliance_games.analysis.policies import compare_policies
        from alliance_games.analysis.reliability import DEFAULT_TOLERANCES

        return compare_policies(self.model, self.compiled.at(values), DEFAULT_TOLERANCES)


def grid_value(k: int) -> Fraction:
    """Grid coordinate ``k`` of ``GRID`` equally spaced points on [0, 1] (exact)."""
    return Fraction(k, GRID - 1)


def sample_points(count: int) -> list[tuple[Fraction, Fraction]]:
    rng = rng_for(5, GRID)
    flat = rng.choice(GRID * GRID, size=count + 1, replace=False)
    return [(grid_value(int(f) // GRID), grid_value(int(f) % GRID)) for f in flat]


def find_sweep() -> str | None:
    for name in SWEEP_MODULES:
        try:
            if importlib.util.find_spec(name) is not None:
                return name
        except ModuleNotFoundError:
            continue
    return None


def run(cfg: Config) -> list[Row]:
    count = 2 if cfg.quick else 20
    points = sample_points(count)
    timed, extra = points[:count], points[count]

    cfg.log("  compiling the flagship model (untimed)")
    start = time.perf_counter()
    flagship = Flagship()
    compile_s = time.perf_counter() - start
    flagship.compare()  # warm-up at the defaults, excluded
    cfg.log(f"  per-point solve on {count} grid points")
    times = []
    verdicts: dict[str, int] = {}
    comparisons = []
    for x, y in timed:
        start = time.perf_counter()
        comparison = flagship.compare(pooling=x, two_front_prob=y)
        times.append(time.perf_counter() - start)
        comparisons.append(comparison)
        for p in comparison.policies:
            if p.reliable:
                verdicts[p.policy] = verdicts.get(p.policy, 0) + 1
    per_point = Timing(times=times)
    peak = None if cfg.quick else peak_memory_mb(
        lambda: flagship.compare(pooling=extra[0], two_front_prob=extra[1]))
    median = per_point.median or float("nan")
    rate = 1.0 / median
    full_grid_s = GRID * GRID * median

    baseline_row = Row(
        f"flagship {MODEL}, per-point solve (baseline), {count} of {GRID}x{GRID} points",
        per_point, target="baseline for the sweep (the sweep needs >=10^4 points/s)",
        met="-", peak_mb=peak,
        check="-",
        notes=(f"{rate:.3g} points/s; the full {GRID}x{GRID} grid would take "
               f"{full_grid_s / 3600:.1f} h; model compile (once, untimed) {compile_s:.2f} s; "
               f"points where a policy keeps reliability: "
               + (", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())) or "none")),
        metrics={"points": count, "points_per_second": rate, "median_s_per_point": median,
                 "full_grid_estimate_s": full_grid_s, "compile_s": compile_s,
                 "reliable_counts": verdicts})

    module = find_sweep()
    loop = Timing(times=[full_grid_s], note="extrapolated")
    if module is None:
        sweep_row = Row(f"flagship {MODEL} swept over {GRID}x{GRID} points",
                        Timing(status="pending", note="sweep not implemented"),
                        {"baseline": loop}, target=TARGET,
                        met="no (pending: sweep not implemented)",
                        notes=(f"baseline = {GRID * GRID:,} points x the per-point median "
                               f"(extrapolated); the targets need >= {100 * rate:.3g} points/s "
                               "(100x) and >= 10^4 points/s"),
                        metrics={"sweep_module": None})
    else:
        try:
            sweep_row = _sweep_row(cfg, module, flagship, timed, comparisons, loop, rate)
        except Exception as exc:  # the sweep is young: report, do not crash the run
            sweep_row = Row(f"flagship {MODEL} swept over {GRID}x{GRID} points",
                            Timing(status="error", note=f"{type(exc).__name__}: {exc}"[:200]),
                            {"baseline": loop}, target=TARGET, met="no (sweep failed)",
                            notes=f"{module} exists but the adapter in "
                                  "benchmarks/flagship_sweep.py could not run it",
                            metrics={"sweep_module": module})
    return [sweep_row, baseline_row]


def _sweep_row(cfg: Config, module: str, flagship: Any, sample: list[tuple[Fraction, Fraction]],
               comparisons: list[Any], loop: Timing, rate: float) -> Row:
    """Time ``<module>.sweep(compiled, axes, tolerances=...)``.

    A pilot grid, the product of the sampled points' coordinates (so it contains every sampled
    point), is timed first and checked against the per-point solves. The full 200x200 grid is
    then timed when the pilot predicts it takes at most ``FULL_GRID_LIMIT`` seconds; otherwise
    the row reports the pilot's speed and the full grid's time extrapolated from it.
    """
    import importlib

    from alliance_games.analysis.reliability import DEFAULT_TOLERANCES

    sweep = importlib.import_module(module).sweep
    compiled = flagship.compiled
    xs = sorted({x for x, _ in sample})
    ys = sorted({y for _, y in sample})
    pilot_axes = [("pooling", np.array([float(v) for v in xs])),
                  ("two_front_prob", np.array([float(v) for v in ys]))]
    tiny = [(name, values[:2]) for name, values in pilot_axes]
    sweep(compiled, tiny, tolerances=DEFAULT_TOLERANCES)  # warm-up

    def run_sweep(axes: Any) -> Any:
        return sweep(compiled, axes, tolerances=DEFAULT_TOLERANCES)

    pilot_points = len(xs) * len(ys)
    cfg.log(f"  sweep: pilot grid {len(xs)}x{len(ys)} ({pilot_points} points)")
    pilot = measure(lambda: run_sweep(pilot_axes), repeats=1, warmup=False)
    pilot_s = pilot.median or float("nan")
    agree, compared = _agreement(pilot.result, xs, ys, sample, comparisons)
    estimate = pilot_s * GRID * GRID / pilot_points
    full_axes = [("pooling", np.linspace(0.0, 1.0, GRID)),
                 ("two_front_prob", np.linspace(0.0, 1.0, GRID))]
    limit = FULL_GRID_LIMIT_QUICK if cfg.quick else FULL_GRID_LIMIT
    if estimate <= limit:
        cfg.log(f"  sweep: full {GRID}x{GRID} grid (estimated {estimate:.1f} s)")
        ours = measure(lambda: run_sweep(full_axes), repeats=3, budget=limit, warmup=False)
        points = GRID * GRID
        peak_note = "peak MB: full grid"
        peak = peak_memory_mb(lambda: run_sweep(full_axes)) if (ours.median or 0) <= 30 else None
        if peak is None:
            peak = peak_memory_mb(lambda: run_sweep(pilot_axes))
            peak_note = f"peak MB: the {pilot_points}-point pilot"
        measured = f"full grid, {len(ours.times)} run(s)"
    else:
        ours = Timing(times=[estimate], note=f"extrapolated from {pilot_points} points")
        points = pilot_points
        peak = peak_memory_mb(lambda: run_sweep(pilot_axes))
        peak_note = f"peak MB: the {pilot_points}-point pilot"
        measured = (f"full grid not run: the {pilot_points}-point pilot took {pilot_s:.2f} s, "
                    f"so {GRID}x{GRID} would take ~{estimate:.0f} s")
    speed = GRID * GRID / ours.median if ours.median else None
    row = Row(f"flagship {MODEL} swept over {GRID}x{GRID} points", ours,
              {"baseline": loop}, target=TARGET, peak_mb=peak)
    ratio, _ = row.ratio_to("baseline")
    row.check = (f"same verdicts and leader choice as the per-point solve at {compared} "
                 f"points: {'yes' if agree else 'NO'}")
    row.notes = (f"{module}.sweep: {speed:,.0f} points/s ({measured}); {peak_note}; "
                 f"baseline = {GRID * GRID:,} x the per-point median (extrapolated)")
    row.met = judge((">=100x faster than the per-point loop",
                     None if ratio is None else ratio >= 100),
                    (">=10^4 points/s", None if speed is None else speed >= 1e4),
                    ("peak < 2 GB", None if peak is None else peak < 2048),
                    ("same verdicts as the per-point solve", agree))
    row.metrics = {"sweep_module": module, "points_per_second": speed,
                   "points_timed": points, "pilot_seconds": pilot_s,
                   "full_grid_estimate_s": estimate, "agrees_with_per_point": agree,
                   "points_compared": compared}
    return row


def _agreement(result: Any, xs: list[Fraction], ys: list[Fraction],
               sample: list[tuple[Fraction, Fraction]], comparisons: list[Any]) -> tuple[bool, int]:
    """Whether the sweep's verdict per policy and the leader's choice match ``compare``."""
    points = result.points
    agree = True
    for (x, y), comparison in zip(sample, comparisons, strict=True):
        point = points[xs.index(x) * len(ys) + ys.index(y)]
        theirs = {p.policy: p.verdict for p in point.policies}
        mine = {p.policy: p.verdict for p in comparison.policies}
        if theirs != mine or point.chosen not in comparison.chosen:
            agree = False
    return agree, len(sample)
