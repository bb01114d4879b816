"""Workload 6, continued: the other commands of issue 15 as a user meets them, fresh processes.

Each command is timed as :mod:`benchmarks.cli_start` times its commands (a launcher process,
wall time with start-up, reading and output, the median of several runs, the child's peak RSS)
against an anchor timed in the same run:

* ``propositions``: target <= 10 s wall (no anchor).
* ``sweep alliance_system_reduced`` over a 100x100 grid to CSV: target >= 5,000 points/s;
  baseline: the same grid swept in-process by the engine (model compiled once, untimed).
* ``solve big.efg --float``: an 88,573-node perfect-information tree with chance (branching 3,
  depth 10, every third level chance; :func:`benchmarks.spe_trees.complete_tree_arrays`, payoffs
  rounded to 6 decimals and probabilities to 3 so the file stays under the reader's 5 MB limit),
  written with ``write_efg``; target: within 5x a bare in-memory recursive Python backward
  induction on the same tree; pygambit's ``read_efg`` of the file is timed too, with a limit.
* ``solve np.nfg --method pure``: 5 players x 8 strategies, integer payoffs in [-10, 10]
  (:func:`benchmarks.pure_nash.payoffs`); target >= 20x pygambit's ``read_nfg`` +
  ``enumpure_solve`` in-process.
* ``solve deg.nfg --method enummixed`` (exact, the default): 11x11 degenerate game
  (:func:`benchmarks.common.integer_bimatrix`); target >= 40x pygambit's exact
  ``enummixed_solve`` in-process (reading untimed); the same set of equilibria.

The games are generated deterministically into a temporary folder, and each command runs there
with the file name the issue uses. Checks use one more, untimed run with ``--format json``.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.cli_start import Runs, executable, runs_note, time_process, user_folders
from benchmarks.common import exact_set, gambit_profiles, integer_bimatrix, pure_index, rng_for
from benchmarks.flagship_sweep import MODEL, Flagship
from benchmarks.harness import (
    Config,
    Row,
    Timing,
    at_least,
    judge,
    measure,
    measure_isolated,
)
from benchmarks.pure_nash import payoffs
from benchmarks.spe_trees import complete_tree_arrays, recursive_backward_induction

NAME = "cli-jobs"
PROPOSITIONS_S = 10.0
SWEEP_GRID = 100
SWEEP_RATE = 5_000.0
TREE_BRANCHING, TREE_DEPTH = 3, 10
TREE_FACTOR = 5.0
PURE_SHAPE = (5, 8)
PURE_FACTOR = 20.0
DEGENERATE_SIZE = 11
ENUMMIXED_FACTOR = 40.0
EFG_READ_LIMIT = 60.0
"""Seconds pygambit may spend reading big.efg (it did not finish in 16 minutes in issue 15)."""
VERDICT = {True: "yes", False: "NO", None: "n/a"}


def repeats(cfg: Config) -> dict[str, Any]:
    return ({"repeats": 2, "least": 1, "budget": 15.0} if cfg.quick
            else {"repeats": 5, "least": 3, "budget": 60.0})


def json_output(argv: list[str], cwd: str) -> Any:
    """The parsed ``--format json`` output of one untimed run (``None`` if it failed)."""
    done = subprocess.run([*argv, "--format", "json"], capture_output=True, text=True, cwd=cwd)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def timed_solve(cfg: Config, argv: list[str], folder: str, what: str) -> tuple[Runs, Any]:
    """The timed runs of ``argv`` in ``folder``, and its JSON answer from one more run."""
    cfg.log(f"  alliance-games {' '.join(argv[1:])} ({what})")
    return time_process(argv, cwd=folder, **repeats(cfg)), json_output(argv, folder)


def cli_row(label: str, runs: Runs, anchors: dict[str, Timing], target: str) -> Row:
    return Row(f"CLI command: alliance-games {label}", runs.timing, anchors, target=target,
               peak_mb=runs.peak_mb,
               metrics={"argv": label, "exit_codes": runs.codes, "cpu_s": runs.cpu})


def exit_note(runs: Runs) -> str:
    return "exit 0" if runs.ok else f"FAILED (exit codes {runs.codes})"


def settle_against_gambit(row: Row, runs: Runs, factor: float, what: str,
                          same: bool | None) -> None:
    """The row's check (exit status, ``what`` as Gambit) and verdict (>= ``factor`` x Gambit)."""
    ratio, _ = row.ratio_to("Gambit")
    row.check = f"{exit_note(runs)}; {what} as Gambit: {VERDICT[same]}"
    row.met = judge((f">= {factor:g}x Gambit: {ratio or 0:.1f}x", at_least(row, "Gambit", factor)),
                    ("same set", same))


def times_slower(row: Row, anchor: str) -> float | None:
    """``ours / anchor`` (how many times the anchor's time we take)."""
    ratio, _ = row.ratio_to(anchor)
    return None if ratio is None else 1 / ratio


# ---- propositions --------------------------------------------------------------------------------
def propositions_row(cfg: Config, exe: str) -> Row:
    cfg.log("  alliance-games propositions")
    runs = time_process([exe, "propositions"], **repeats(cfg))
    median = runs.timing.median or float("inf")
    row = cli_row("propositions", runs, {}, f"<= {PROPOSITIONS_S:g} s wall")
    codes = set(runs.codes)
    row.check = ("exit 0 (every proposition passes)" if codes == {0} else
                 f"exit codes {sorted(codes)} (1: some proposition fails)")
    row.met = judge((f"<= {PROPOSITIONS_S:g} s: {median:.1f} s", median <= PROPOSITIONS_S))
    row.notes = f"{runs_note(runs)}; no anchor (the target is absolute)"
    return row


# ---- sweep ---------------------------------------------------------------------------------------
def sweep_row(cfg: Config, exe: str, folder: str) -> Row:
    from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
    from alliance_games.analysis.sweep.engine import sweep

    n = SWEEP_GRID
    points = n * n
    args = ["sweep", MODEL, "--param", f"pooling=0:1:{n}", "--param", f"two_front_prob=0:1:{n}",
            "--format", "csv", "-o", "grid.csv"]
    label = " ".join(args)
    cfg.log(f"  alliance-games {label}")
    runs = time_process([exe, *args], cwd=folder, **repeats(cfg))
    cfg.log(f"  the same {n}x{n} grid swept in-process (the baseline)")
    compiled = Flagship().compiled
    axes = [("pooling", np.linspace(0.0, 1.0, n)), ("two_front_prob", np.linspace(0.0, 1.0, n))]
    inproc = measure(lambda: sweep(compiled, axes, tolerances=DEFAULT_TOLERANCES), repeats=3)
    row = cli_row(label, runs, {"baseline": inproc},
                  f">= {SWEEP_RATE:,.0f} points/s from the CLI ({points:,} points in "
                  f"<= {points / SWEEP_RATE:g} s)")
    rate = points / runs.timing.median if runs.timing.median else None
    base_rate = points / inproc.median if inproc.median else None
    same = runs.ok and _same_choices(Path(folder) / "grid.csv", inproc.result)
    row.check = (f"{exit_note(runs)}; CSV has the {points:,} points and the in-process sweep's leader "
                 f"choice at each: {VERDICT[same]}")
    row.met = judge((f">= {SWEEP_RATE:,.0f} points/s: {rate or 0:,.0f}",
                     None if rate is None else rate >= SWEEP_RATE), ("same choices", same))
    row.notes = (f"{runs_note(runs)}; CLI {rate or 0:,.0f} points/s, in-process engine "
                 f"{base_rate or 0:,.0f} points/s (baseline); the flagship alliance_system "
                 "(imperfect information since issue 13, solved point by point by spbe, several "
                 f"seconds a point) would take hours for {points:,} points, so a sweep of it is not "
                 f"meaningful: the issue's flagship sweep is measured on {MODEL}")
    row.metrics.update({"points_per_second": rate, "in_process_points_per_second": base_rate,
                        "same_choices": same})
    return row


def _same_choices(path: Path, result: Any) -> bool:
    """Whether the CSV lists the grid's points in order with the in-process leader choice."""
    if not path.exists():
        return False
    choices: dict[tuple[str, str], str] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        col = header.index("leader_choice") if "leader_choice" in header else len(header) - 1
        for rec in reader:
            choices.setdefault((rec[0], rec[1]), rec[col])
    return list(choices.values()) == [result.chosen(i) for i in range(result.count)]


# ---- solve big.efg --float -----------------------------------------------------------------------
def big_tree() -> Any:
    """The 88,573-node tree, with numbers short enough for a file under 5 MB."""
    from alliance_games.games.tree import CHANCE, GameTree

    args = complete_tree_arrays([TREE_BRANCHING] * TREE_DEPTH,
                                rng_for(6, TREE_BRANCHING, TREE_DEPTH))
    args["node_payoffs"] = np.round(args["node_payoffs"], 6)
    chance = np.flatnonzero(args["kind"] == CHANCE)
    slots = args["child_ptr"][chance][:, None] + np.arange(TREE_BRANCHING)
    probs = np.round(args["edge_prob"][slots], 3)
    probs[:, -1] = np.round(1.0 - probs[:, :-1].sum(axis=1), 3)
    args["edge_prob"][slots] = probs
    return lambda: GameTree(**args)


def efg_row(cfg: Config, exe: str, folder: str) -> Row:
    from alliance_games.model.gambit_format import write_efg

    build = big_tree()
    tree = build()
    path = Path(folder) / "big.efg"
    path.write_text(write_efg(tree), encoding="utf-8")
    args = ["solve", "big.efg", "--float"]
    runs, answer = timed_solve(cfg, [exe, *args], folder, f"{tree.num_nodes:,} nodes, "
                               f"{path.stat().st_size / 1e6:.1f} MB")
    cfg.log("  recursive Python backward induction in memory (the baseline)")
    base = measure(recursive_backward_induction, setup=build, repeats=5)
    limit = min(EFG_READ_LIMIT / (6 if cfg.quick else 1), cfg.timeout or float("inf"))
    cfg.log(f"  pygambit read_efg (limit {limit:.0f} s)")

    def gambit_prepare(path: str = str(path)) -> Any:
        import pygambit as gbt

        return lambda: gbt.read_efg(path)

    gambit = measure_isolated(gambit_prepare, repeats=1, budget=cfg.slow_budget, timeout=limit)
    row = cli_row(" ".join(args), runs, {"baseline": base, "Gambit": gambit},
                  f"within {TREE_FACTOR:g}x recursive Python backward induction in memory "
                  "(parse and start-up included)")
    slower = times_slower(row, "baseline")
    same = _same_spe(tree, answer, base.result)
    row.check = f"{exit_note(runs)}; the baseline's choice at every node and its root value: {VERDICT[same]}"
    row.met = judge((f"within {TREE_FACTOR:g}x the baseline: {slower or 0:.0f}x",
                     None if slower is None else slower <= TREE_FACTOR), ("same SPE", same))
    row.notes = (f"{runs_note(runs)}; {tree.num_nodes:,} nodes ({len(tree.infosets):,} decision), "
                 f"{path.stat().st_size / 1e6:.1f} MB; Gambit = pygambit read_efg only (it has "
                 "no SPE solver), limit "
                 f"{limit:.0f} s; baseline excludes reading the file")
    row.metrics.update({"nodes": tree.num_nodes, "times_baseline": slower, "same_spe": same,
                        "file_mb": path.stat().st_size / 1e6})
    return row


def _same_spe(tree: Any, answer: Any, baseline: tuple[list[float], dict[int, int]]) -> bool:
    """Whether the CLI's one equilibrium takes the baseline's action at every information set and
    has the baseline's root value."""
    if answer is None or len(answer["equilibria"]) != 1:
        return False
    eq = answer["equilibria"][0]
    root, choice = baseline
    for infoset in tree.infosets:
        node = infoset.nodes[0]
        action = infoset.actions[choice[node] - int(tree.child_ptr[node])]
        behaviour = eq["profile"][tree.players[infoset.player]]
        if float(behaviour[f"{infoset.name}:{action}"]) != 1.0:
            return False
    payoffs = [float(eq["payoffs"][p]) for p in tree.players]
    return bool(np.allclose(payoffs, root, rtol=1e-9, atol=1e-9))


# ---- solve np.nfg --method pure ------------------------------------------------------------------
def pure_row(cfg: Config, exe: str, folder: str) -> Row:
    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.model.gambit_format import write_nfg

    players, m = PURE_SHAPE
    path = Path(folder) / "np.nfg"
    path.write_text(write_nfg(NormalFormGame.from_arrays(*payoffs(players, m, integer=True),
                                                         exact=True)), encoding="utf-8")
    args = ["solve", "np.nfg", "--method", "pure"]
    runs, answer = timed_solve(cfg, [exe, *args], folder, f"{players} players x {m} strategies")
    cfg.log("  pygambit read_nfg + enumpure_solve")

    def gambit_prepare(path: str = str(path)) -> Any:
        import pygambit as gbt

        return lambda: gbt.nash.enumpure_solve(gbt.read_nfg(path))

    gambit = measure_isolated(
        gambit_prepare,
        summarise=lambda r: sorted(set(pure_index(q) for q in gambit_profiles(r, exact=True))),
        repeats=cfg.repeats, budget=cfg.slow_budget, timeout=cfg.timeout)
    row = cli_row(" ".join(args), runs, {"Gambit": gambit},
                  f">= {PURE_FACTOR:g}x faster than pygambit read + enumpure_solve in-process")
    mine = None if answer is None else sorted(
        tuple(int(np.argmax([float(Fraction(v)) for v in s.values()]))
              for s in eq["profile"].values()) for eq in answer["equilibria"])
    same = None if gambit.result is None or mine is None else mine == gambit.result
    settle_against_gambit(row, runs, PURE_FACTOR, "same pure equilibria", same)
    row.notes = (f"{runs_note(runs)}; {m ** players:,} profiles, {players * m ** players:,} integer "
                 f"payoffs in [-10, 10], {path.stat().st_size / 1e3:.0f} kB; pure equilibria: "
                 f"ours {'-' if mine is None else len(mine)}, Gambit "
                 f"{'-' if gambit.result is None else len(gambit.result)}")
    row.metrics.update({"same_set": same, "pure_equilibria": None if mine is None else len(mine)})
    return row


# ---- solve deg.nfg --method enummixed ------------------------------------------------------------
def enummixed_row(cfg: Config, exe: str, folder: str) -> Row:
    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.model.gambit_format import write_nfg

    n = DEGENERATE_SIZE
    path = Path(folder) / "deg.nfg"
    path.write_text(write_nfg(NormalFormGame.from_arrays(*integer_bimatrix(n))), encoding="utf-8")
    args = ["solve", "deg.nfg", "--method", "enummixed"]
    runs, answer = timed_solve(cfg, [exe, *args], folder, f"{n}x{n}, exact")
    cfg.log("  pygambit enummixed_solve(rational=True), the file read untimed")

    def gambit_prepare(path: str = str(path)) -> Any:
        import pygambit as gbt

        game = gbt.read_nfg(path)
        return lambda: gbt.nash.enummixed_solve(game, rational=True)

    gambit = measure_isolated(gambit_prepare, summarise=lambda r: gambit_profiles(r, exact=True),
                              repeats=cfg.repeats, budget=cfg.slow_budget, timeout=cfg.timeout)
    row = cli_row(" ".join(args), runs, {"Gambit": gambit},
                  f">= {ENUMMIXED_FACTOR:g}x faster than pygambit's exact enummixed_solve "
                  "in-process; the same set")
    mine = None if answer is None else set(exact_set(
        [tuple(tuple(Fraction(v) for v in s.values()) for s in eq["profile"].values())
         for eq in answer["equilibria"]]))
    theirs = None if gambit.result is None else set(exact_set(gambit.result))
    same = None if mine is None or theirs is None else mine == theirs
    settle_against_gambit(row, runs, ENUMMIXED_FACTOR, "the same set of equilibria", same)
    row.notes = (f"{runs_note(runs)}; integer payoffs in [-10, 10]; equilibria: ours "
                 f"{'-' if mine is None else len(mine)}, Gambit "
                 f"{'-' if theirs is None else len(theirs)} distinct")
    row.metrics.update({"same_set": same, "equilibria": None if mine is None else len(mine)})
    return row


def run(cfg: Config) -> list[Row]:
    exe = executable()
    with user_folders(), tempfile.TemporaryDirectory(prefix="alliance-bench-") as folder:
        return [propositions_row(cfg, exe), sweep_row(cfg, exe, folder),
                efg_row(cfg, exe, folder), pure_row(cfg, exe, folder),
                enummixed_row(cfg, exe, folder)]
