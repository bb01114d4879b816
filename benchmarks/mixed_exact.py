"""Workload 2: two players, every extreme equilibrium, integer payoffs in [-10, 10], exact.

Such games are degenerate (ties), where float vertex enumeration misses or invents equilibria.
Ours: ``enummixed_solve(game)`` on an exact game. Anchor: pygambit ``enummixed_solve(rational=True)``.
Check: identical sets, compared as sorted tuples of Fractions. QuantEcon's float
``vertex_enumeration`` is run once (untimed) to show how many it finds.
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import exact_set, gambit_profiles, integer_bimatrix, ours_profiles
from benchmarks.harness import Config, Row, at_least, judge, measure, measure_isolated, peak_memory_mb

NAME = "exact"
TITLE = "2 players, all extreme equilibria, integer payoffs [-10,10] (degenerate), exact"
TARGET = ">=10x faster than Gambit exact; identical set"


def sizes(cfg: Config) -> tuple[int, ...]:
    return (8,) if cfg.quick else (10, 12)


def run(cfg: Config) -> list[Row]:
    import quantecon.game_theory as qe

    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.solvers.normal_form.enummixed import enummixed_solve

    rows = []
    for n in sizes(cfg):
        a, b = integer_bimatrix(n)

        def build(a: Any = a, b: Any = b) -> NormalFormGame:
            return NormalFormGame.from_arrays(a, b)

        cfg.log(f"  {n}x{n}: ours (exact)")
        ours = measure(enummixed_solve, setup=build, repeats=cfg.repeats)
        peak = peak_memory_mb(enummixed_solve, setup=build)

        cfg.log(f"  {n}x{n}: Gambit enummixed (rational=True)")

        def gambit_prepare(a: Any = a, b: Any = b) -> Any:
            import pygambit as gbt

            game = gbt.Game.from_arrays(a, b)
            return lambda: gbt.nash.enummixed_solve(game, rational=True)

        gambit = measure_isolated(gambit_prepare,
                                  summarise=lambda r: gambit_profiles(r, exact=True),
                                  repeats=cfg.repeats, budget=cfg.slow_budget,
                                  timeout=cfg.timeout)

        qg = qe.NormalFormGame((qe.Player(a.astype(float)), qe.Player(b.T.astype(float))))
        qe.vertex_enumeration(qg)  # JIT
        qe_count = len(qe.vertex_enumeration(qg))

        mine = exact_set(ours_profiles(ours.result))
        row = Row(f"{TITLE}, {n}x{n}", ours, {"Gambit": gambit}, target=TARGET, peak_mb=peak)
        duplicates = None
        if gambit.result is not None:
            theirs = exact_set(gambit.result)
            distinct = set(theirs)
            duplicates = len(theirs) - len(distinct)
            same: bool | None = set(mine) == distinct and len(set(mine)) == len(mine)
            row.check = "identical set: yes" if same else (
                f"identical set: NO (ours {len(set(mine))}, Gambit {len(distinct)} distinct, "
                f"common {len(set(mine) & distinct)})")
            counts = f"ours {len(mine)}, Gambit {len(distinct)}" + (
                f" (Gambit lists {len(theirs)}: {duplicates} duplicate"
                f"{'s' if duplicates > 1 else ''})" if duplicates else "")
        else:
            same = None
            row.check = f"Gambit did not finish ({gambit.display()})"
            counts = f"ours {len(mine)}"
        degenerate = ours.result.diagnostics.get("degenerate")
        row.notes = (f"equilibria: {counts}; QuantEcon float vertex_enumeration finds {qe_count}; "
                     f"degenerate: {degenerate}; engine: {ours.result.diagnostics.get('engine')}")
        row.met = judge((">=10x faster than Gambit exact", at_least(row, "Gambit", 10.0)),
                        ("identical set", same))
        row.metrics = {"size": n, "equilibria_ours": len(mine),
                       "equilibria_gambit_listed": None if gambit.result is None
                       else len(gambit.result), "gambit_duplicates": duplicates,
                       "identical_set": same, "quantecon_float_count": qe_count,
                       "degenerate": degenerate}
        rows.append(row)
    return rows
