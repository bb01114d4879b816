"""Workload 1: two players, every extreme equilibrium, real payoffs, float arithmetic.

Ours: ``enummixed_solve(game, rational=False)`` on ``NormalFormGame.from_arrays(A, B, exact=False)``.
Anchors: QuantEcon ``vertex_enumeration`` (numba; JIT excluded), pygambit
``enummixed_solve(rational=False)``, nashpy ``Game(A, B).vertex_enumeration()`` (slow: 10x10 only
unless ``--slow-anchors``). Check: the same set of equilibria as Gambit (within 1e-6).
"""

from __future__ import annotations

import warnings
from typing import Any

from benchmarks.common import (
    distinct_float,
    gambit_profiles,
    ours_profiles,
    pair_profiles,
    real_bimatrix,
    same_float_set,
)
from benchmarks.harness import (
    Config,
    Row,
    at_least,
    fmt_seconds,
    judge,
    measure,
    measure_isolated,
    peak_memory_mb,
    skipped,
)

NAME = "mixed"
TITLE = "2 players, all extreme equilibria, real payoffs (float)"
TARGET = "within 2x of QuantEcon; >=50x faster than nashpy; same set as Gambit"


def sizes(cfg: Config) -> tuple[int, ...]:
    return (8,) if cfg.quick else (10, 12)


def run(cfg: Config) -> list[Row]:
    import quantecon.game_theory as qe

    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.solvers.normal_form.enummixed import enummixed_solve

    rows = []
    nashpy_seconds: float | None = None
    for n in sizes(cfg):
        a, b = real_bimatrix(n)

        def build(a: Any = a, b: Any = b) -> NormalFormGame:
            return NormalFormGame.from_arrays(a, b, exact=False)

        def solve(game: NormalFormGame) -> Any:
            return enummixed_solve(game, rational=False)

        cfg.log(f"  {n}x{n}: ours")
        ours = measure(solve, setup=build, repeats=cfg.repeats)
        peak = peak_memory_mb(solve, setup=build)

        cfg.log(f"  {n}x{n}: QuantEcon vertex_enumeration")
        qg = qe.NormalFormGame((qe.Player(a), qe.Player(b.T)))
        qe_t = measure(lambda qg=qg: qe.vertex_enumeration(qg), repeats=cfg.repeats, warmup=True)

        cfg.log(f"  {n}x{n}: Gambit enummixed (float)")

        def gambit_prepare(a: Any = a, b: Any = b) -> Any:
            import pygambit as gbt

            game = gbt.Game.from_arrays(a, b)
            return lambda: gbt.nash.enummixed_solve(game, rational=False)

        gambit = measure_isolated(gambit_prepare,
                                  summarise=lambda r: gambit_profiles(r, exact=False),
                                  repeats=cfg.repeats, budget=cfg.slow_budget,
                                  timeout=cfg.timeout)

        if n <= 10 or cfg.slow_anchors:
            cfg.log(f"  {n}x{n}: nashpy vertex_enumeration (slow)")

            def nashpy_prepare(a: Any = a, b: Any = b) -> Any:
                import nashpy

                warnings.simplefilter("ignore")
                game = nashpy.Game(a, b)
                return lambda: list(game.vertex_enumeration())

            nashpy_t = measure_isolated(nashpy_prepare, summarise=pair_profiles,
                                        repeats=1 if cfg.quick else 3, budget=cfg.slow_budget,
                                        timeout=cfg.timeout)
            if nashpy_t.status == "ok":
                nashpy_seconds = nashpy_t.median
        else:
            took = f"{fmt_seconds(nashpy_seconds)} s" if nashpy_seconds else "too long"
            nashpy_t = skipped(f"10x10 took {took}; run with --slow-anchors")

        row = Row(f"{TITLE}, {n}x{n}", ours,
                  {"QuantEcon": qe_t, "Gambit": gambit, "nashpy": nashpy_t},
                  target=TARGET, peak_mb=peak)
        mine = ours_profiles(ours.result)
        counts = {"ours": len(mine), "QuantEcon": len(qe_t.result)}
        duplicates = 0
        if gambit.result is not None:
            distinct = distinct_float(gambit.result)
            duplicates = len(gambit.result) - len(distinct)
            counts["Gambit"] = len(distinct)
        if nashpy_t.result is not None:
            counts["nashpy"] = len(nashpy_t.result)
        same = same_float_set(mine, distinct) if gambit.result is not None else None
        row.check = {True: "same set as Gambit: yes", False: "same set as Gambit: NO",
                     None: "Gambit did not finish"}[same]
        others = {"QuantEcon": pair_profiles(qe_t.result)}
        if nashpy_t.result is not None:
            others["nashpy"] = nashpy_t.result
        agree = [k for k, v in others.items() if same_float_set(mine, v)]
        row.notes = ("equilibria: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                     + (f" (Gambit lists {duplicates} more as duplicates)" if duplicates else "")
                     + ("; same set as ours: " + ", ".join(agree) if agree else ""))
        row.met = judge(("within 2x of QuantEcon", at_least(row, "QuantEcon", 0.5)),
                        (">=50x faster than nashpy", at_least(row, "nashpy", 50.0)),
                        ("same set as Gambit", same))
        row.metrics = {"size": n, "equilibria": counts, "gambit_duplicates": duplicates,
                       "same_set_as_gambit": same,
                       "same_set_as_ours": agree}
        rows.append(row)
    return rows
