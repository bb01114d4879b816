"""Workload 3: N players, every pure equilibrium.

Games: 5 players x 6 strategies, 4 x 10, 3 x 20; continuous random payoffs (float game) and, as a
second row, integer payoffs in [-10, 10] (exact game, ties likely). Ours:
``alliance_games.solvers.normal_form.pure.enumerate_pure``. Anchors: pygambit ``enumpure_solve`` and QuantEcon
``pure_nash_brute``. Check: all three return the same set of pure profiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.common import gambit_profiles, pure_index, rng_for
from benchmarks.harness import (
    Config,
    Row,
    judge,
    measure,
    measure_isolated,
    peak_memory_mb,
)

NAME = "pure"
TARGET = ">=20x faster than the faster of Gambit and QuantEcon"
SHAPES = ((5, 6), (4, 10), (3, 20))
QUICK_SHAPES = ((5, 6), (3, 20))


def payoffs(players: int, strategies: int, *, integer: bool) -> np.ndarray:
    rng = rng_for(3, players, strategies, int(integer))
    shape = (players,) + (strategies,) * players
    return rng.integers(-10, 11, shape) if integer else rng.uniform(0.0, 1.0, shape)


def run(cfg: Config) -> list[Row]:
    import quantecon.game_theory as qe

    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.solvers.normal_form.pure import enumerate_pure

    rows = []
    for players, m in QUICK_SHAPES if cfg.quick else SHAPES:
        for integer in (False, True):
            p = payoffs(players, m, integer=integer)
            kind = "integer payoffs, exact" if integer else "real payoffs, float"
            label = f"{players} players x {m} strategies"
            cfg.log(f"  {label}, {kind}")

            def build(p: Any = p, integer: bool = integer) -> NormalFormGame:
                return NormalFormGame.from_arrays(*p, exact=integer)

            ours = measure(enumerate_pure, setup=build, repeats=cfg.repeats)
            peak = peak_memory_mb(enumerate_pure, setup=build)
            mine = sorted(pure_index(tuple(eq.strategies)) for eq in ours.result.equilibria)

            qg = qe.NormalFormGame(np.moveaxis(p, 0, -1))
            qe_t = measure(lambda qg=qg: qe.pure_nash_brute(qg), repeats=cfg.repeats,
                           warmup=True)
            qe_set = sorted(tuple(int(k) for k in s) for s in qe_t.result)

            def gambit_prepare(p: Any = p) -> Any:
                import pygambit as gbt

                game = gbt.Game.from_arrays(*p)
                return lambda: gbt.nash.enumpure_solve(game)

            gambit = measure_isolated(
                gambit_prepare,
                summarise=lambda r: sorted(pure_index(q) for q in gambit_profiles(r, exact=True)),
                repeats=cfg.repeats, budget=cfg.slow_budget, timeout=cfg.timeout)

            row = Row(f"N players, all pure equilibria: {label}, {kind}", ours,
                      {"QuantEcon": qe_t, "Gambit": gambit}, target=TARGET, peak_mb=peak)
            same_gambit = None if gambit.result is None else mine == sorted(set(gambit.result))
            same_qe = mine == qe_set
            verdict = {True: "yes", False: "NO", None: "n/a"}
            row.check = (f"same set as Gambit: {verdict[same_gambit]}"
                         f"; as QuantEcon: {verdict[same_qe]}")
            counts = [f"ours {len(mine)}", f"QuantEcon {len(qe_set)}"]
            if gambit.result is not None:
                counts.append(f"Gambit {len(gambit.result)}")
            row.notes = (f"{int(np.prod(p.shape[1:])):,} profiles; pure equilibria: "
                         + ", ".join(counts))
            best, lower, _ = row.best_ratio()
            speed = None if best is None else (True if best >= 20 else (None if lower else False))
            row.met = judge((">=20x faster than the faster anchor", speed),
                            ("same set as Gambit", same_gambit))
            row.metrics = {"players": players, "strategies": m, "integer": integer,
                           "pure_equilibria": len(mine), "same_set_as_gambit": same_gambit,
                           "same_set_as_quantecon": same_qe}
            rows.append(row)
    return rows
