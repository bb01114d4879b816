"""``alliance-games sweep`` and ``alliance-games threshold``: comparative statics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option
from alliance_games.cli.output import force_option, output_option
from alliance_games.render.dispatch import formats
from alliance_games.solvers.methods import METHODS, SWEEP_REFINEMENTS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alliance_games.analysis.runs import EquilibriumSweepRun, SweepRun
    from alliance_games.analysis.sweep.engine import SweepPlan
    from alliance_games.analysis.sweep.result import SweepResult


@click.command("sweep")
@model_argument
@click.option("--param", "params", multiple=True, metavar="NAME=START:STOP:STEPS",
              help="A swept parameter (repeat for a 2-D grid); NAME=V1,V2,... lists points.")
@click.option("--sample", type=int, default=None, metavar="N",
              help="Instead of --param grids: N points drawn jointly over every continuous "
                   "parameter (a scrambled Sobol design; discrete and --set parameters held).")
@click.option("--spread", type=float, default=None, metavar="S",
              help="With --sample: within +/- S of each default, relative (default 0.25), "
                   "clipped to the declared range.")
@click.option("--ranges", is_flag=True, help="With --sample: over the declared ranges instead.")
@click.option("--seed", type=int, default=None, metavar="S",
              help="With --sample: the design's seed (the same seed, the same points).")
@set_option
@click.option("--scenario", metavar="NAME", help="Apply a scenario preset first.")
@click.option("--tolerance", "tolerances", multiple=True, metavar="KIND=VALUE",
              help="Risk tolerance, e.g. abandonment=0.3 (defaults: abandonment 0.35, "
                   "entrapment 0.30).")
@click.option("-o", "--output", metavar="FILE",
              help="Write to FILE (atomically); finished chunks are journaled in FILE.partial "
                   "until the sweep completes.")
@force_option
@format_option(*formats("SweepRun"))
@click.option("--standalone", is_flag=True, help="With --format latex: a compilable document.")
@click.option("--plot", metavar="FILE", help="Also draw the sweep: risks against one parameter, "
              "or a regime map over two (.png, .pdf or .svg); equilibrium sweeps: the watched "
              "quantities (default: the expected payoffs) against one parameter.")
@click.option("--watch", "watch", multiple=True, metavar="QUANTITY",
              help="Sweep the equilibria and report QUANTITY (repeatable): outcome:LABEL, "
                   "tag:NAME, action:PLAYER:ACTION, action:INFOSET:ACTION, payoff:PLAYER or "
                   "count. Models without policies always sweep their equilibria.")
@click.option("--method", default="auto", show_default=True, type=click.Choice(METHODS),
              help="Equilibrium sweeps: the solution method at every point (e.g. pbe for "
                   "perfect Bayesian equilibria).")
@click.option("--refine", "refine", multiple=True, type=click.Choice(SWEEP_REFINEMENTS),
              help="Equilibrium sweeps with --method pbe: keep only the equilibria that pass "
                   "this refinement (repeatable): sequential (some consistent beliefs support "
                   "it), intuitive (Cho-Kreps) or d1 (Banks-Sobel); the count and the watched "
                   "ranges are then over the survivors.")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Run chunks on a local dask cluster of N worker processes.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run chunks on an existing dask cluster (workers need alliance-games).")
@click.option("--chunk-size", type=click.IntRange(1), default=None, metavar="N",
              help="Points solved together (default: what fits about 64 MB of working memory).")
@click.option("--max-work", type=click.IntRange(1), default=None, metavar="N",
              help="Refuse sweeps estimated at more than N node evaluations (points x merged "
                   "tree nodes; default 4e9, about ten minutes).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted sweep from FILE.partial (same command, with -o FILE).")
def command(model: str, params: tuple[str, ...], assignments: tuple[str, ...],
            scenario: str | None, tolerances: tuple[str, ...], output: str | None,
            fmt: str, standalone: bool, plot: str | None, workers: int | None,
            scheduler: str | None, chunk_size: int | None, max_work: int | None,
            resume: bool, watch: tuple[str, ...], method: str, sample: int | None,
            spread: float | None, ranges: bool, seed: int | None, refine: tuple[str, ...],
            force: bool) -> None:
    """Sweep MODEL's parameters: every policy's risks, cost and verdict at every grid point.

    With --sample N the points are a random design instead of a grid: N points drawn jointly
    over every continuous parameter, within --spread of the defaults (or over the declared
    --ranges); every output format lists them with the sampled values as columns.

    Payoffs are evaluated for the whole grid at once and backward induction runs across the
    grid as array operations on the tree with its identical subtrees merged; points with
    near-ties are re-solved exactly. Boundaries between neighbouring points where a verdict
    changes are listed (use `threshold` to locate one precisely).

    Memory: --format csv writes each chunk's rows as soon as the chunk is solved (to -o FILE,
    atomically, or to standard output), so it holds one chunk at a time whatever the grid size
    (10^6 points: about 140 MB). The table, JSON and LaTeX formats, --plot and sweeps of
    equilibria hold the whole grid in memory: use --format csv for big grids.

    Models without policies (and any model with --watch): every equilibrium at every point,
    solved exactly with the default method (spe for trees, enummixed for two players,
    enumpoly or pure beyond), with its outcome distribution, tag probabilities, expected
    payoffs and action probabilities.

    \b
    Examples:
      alliance-games sweep alliance_system_reduced --param pooling=0:1:41 --plot pooling.png
      alliance-games sweep alliance_system_reduced --param pooling=0:1:200 \\
          --param two_front_prob=0:1:200 --format csv -o grid.csv --plot regimes.pdf
      alliance-games sweep alliance_system_reduced --param pooling=0:1:1000 \\
          --param restraint=0:1:1000 --format json -o big.json --workers 2   # interrupted? add --resume
      alliance-games sweep snyder_alliance_dilemma --param entrapment_cost=0.1:2:20 \\
          --watch action:ally:Firm --plot firm.png
      alliance-games sweep beer_quiche --param p_strong=0.5:0.9:5 --method pbe \
          --refine intuitive --watch action:weak_sender:quiche
      alliance-games sweep branch_commitment --sample 200 --seed 1 --format csv -o sample.csv
    """
    import sys

    from alliance_games.analysis.runs import plan_sweep, sweep_model
    from alliance_games.analysis.sweep.engine import MAX_WORK, SweepPlan
    from alliance_games.analysis.sweep.runner import journal_path
    from alliance_games.cli.output import emit
    from alliance_games.cli.progress import progress_bar
    from alliance_games.errors import ParameterError
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target, replaces_file

    if sample is None and (spread is not None or ranges or seed is not None):
        raise ParameterError("--spread, --ranges and --seed shape a random design: add --sample N")
    if spread is not None and ranges:
        raise ParameterError("--spread samples around the defaults, --ranges over the declared "
                             "ranges: give one of them")
    if sample is not None and seed is None and resume:
        raise ParameterError("--resume continues the same points: give the --seed the sampled "
                             "sweep was started with")
    if sample is not None and plot:
        raise ParameterError("--plot draws grids; plot a sampled sweep from its --format csv")
    plan = plan_sweep(model, params, parse_assignments(assignments), scenario=scenario,
                      tolerances=parse_assignments(tolerances, option="--tolerance"),
                      chunk=chunk_size, watch=watch, method=method, sample=sample,
                      spread=0.25 if spread is None else spread, ranges=ranges, seed=seed,
                      refine=refine)
    plan.check_work(max_work or MAX_WORK)
    check_target(output, force=force)
    if plot:
        from alliance_games.analysis.sweep.equilibria import EquilibriumSweepPlan
        from alliance_games.render.plots import plot_format

        plot_format(plot)
        check_target(plot, force=force)
        if isinstance(plan, EquilibriumSweepPlan) and len(plan.axes) != 1:
            raise ParameterError("--plot draws a sweep of equilibria against one parameter; "
                                 f"this sweep has {len(plan.axes)}")

    def write(run: SweepRun | EquilibriumSweepRun) -> None:
        if plot:
            from alliance_games.analysis.runs import EquilibriumSweepRun
            from alliance_games.render.plots import quantity_plot, sweep_plot

            if isinstance(run, EquilibriumSweepRun):
                quantity_plot(run.result, plot, force=force)
            else:
                sweep_plot(run.result, plot, force=force)
            click.echo(f"wrote {plot}", err=True)
        emit(render(run, fmt, standalone=standalone), output, width=120 if output else None,
             force=force)

    journal = str(journal_path(output)) if output and replaces_file(output) else None
    try:
        with progress_bar(plan.count, "sweeping") as advance:
            if fmt == "csv" and not plot and isinstance(plan, SweepPlan):
                _stream_csv(plan, output, force=force, progress=advance, journal=journal,
                            resume=resume, workers=workers, scheduler=scheduler)
            else:
                sweep_model(model, params, plan=plan, progress=advance, journal=journal,
                            resume=resume, workers=workers, scheduler=scheduler, finished=write)
    except KeyboardInterrupt:
        where = (f"; finished chunks are saved in {journal}: rerun the same command with "
                 "--resume to continue") if journal else ""
        click.echo(f"interrupted{where}", err=True)
        sys.exit(130)


def _stream_csv(plan: SweepPlan, output: str | None, *, force: bool, **run: Any) -> None:
    """``sweep --format csv``: each chunk's rows written as soon as it is solved (one chunk in
    memory, whatever the grid), to ``output`` (atomically) or standard output."""
    from alliance_games.analysis.sweep.runner import stream_sweep
    from alliance_games.render.output_target import is_stdout, shown_path, write_output
    from alliance_games.render.sweep import sweep_csv_parts

    def write(parts: Iterator[SweepResult]) -> None:
        text = sweep_csv_parts([name for name, _ in plan.axes], parts)
        write_output(output or "-", (piece.encode("utf-8") for piece in text), force=force)

    stream_sweep(plan, write, **run)
    if not is_stdout(output):
        assert output is not None
        click.echo(f"wrote {shown_path(output)}", err=True)


@click.command("threshold")
@model_argument
@click.option("--param", "parameter", required=True, metavar="NAME")
@click.option("--between", required=True, metavar="A:B", help="The interval to search.")
@click.option("--policy", metavar="POLICY", help="Whose verdict to follow (a declared policy).")
@click.option("--watch", metavar="QUANTITY",
              help="Follow an equilibrium quantity instead: outcome:LABEL, tag:NAME, "
                   "action:PLAYER:ACTION, action:INFOSET:ACTION, payoff:PLAYER or count.")
@click.option("--value", metavar="V", help="With --watch: where the quantity crosses V "
              "(default: where it changes).")
@set_option
@output_option
@format_option(*formats("ThresholdRun"))
def threshold_command(model: str, parameter: str, between: str, policy: str | None,
                      watch: str | None, value: str | None, assignments: tuple[str, ...],
                      output: str | None, force: bool, fmt: str) -> None:
    """Locate where POLICY's reliability verdict changes as --param moves between A and B, or
    where a watched equilibrium quantity changes or crosses a value.

    Exact bisection (to 1e-4; with --watch, to 1/16384 of the interval), then the exact point:
    from the symbolic payoffs at an indifference point, else from the equilibria's
    probabilities, payoff gaps, risks and watched quantity fitted exactly as rational functions
    of the parameter, confirmed by exact solves on both sides.

    \b
    Examples:
      alliance-games threshold alliance_system_reduced --param pooling --between 0:1 \\
          --policy connect
      alliance-games threshold deterrence_uncertain_resolve --param p_resolute --between 0:0.6 \\
          --watch tag:war --value 1/10
      alliance-games threshold prisoners_dilemma --param T --between 0:10 --watch count
      alliance-games threshold prisoners_dilemma --param T --between 0:10 --watch count \\
          --format json -o t.json
    """
    from alliance_games.analysis.runs import threshold_model
    from alliance_games.cli.output import emit
    from alliance_games.errors import ParameterError
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)

    lo, sep, hi = between.partition(":")
    if not sep:
        raise ParameterError(f"--between expects A:B, got {between!r}")
    run = threshold_model(model, parameter, lo, hi, policy=policy, watch=watch, value=value,
                          assignments=parse_assignments(assignments))
    emit(render(run, fmt), output, force=force)
