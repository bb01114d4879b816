"""``alliance-games sweep`` and ``alliance-games threshold``: comparative statics."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option
from alliance_games.render.dispatch import formats

if TYPE_CHECKING:
    from alliance_games.analysis.runs import SweepRun


@click.command("sweep")
@model_argument
@click.option("--param", "params", multiple=True, required=True, metavar="NAME=START:STOP:STEPS",
              help="A swept parameter (repeat for a 2-D grid); NAME=V1,V2,... lists points.")
@set_option
@click.option("--scenario", metavar="NAME", help="Apply a scenario preset first.")
@click.option("--tolerance", "tolerances", multiple=True, metavar="KIND=VALUE",
              help="Risk tolerance, e.g. abandonment=0.3 (defaults: abandonment 0.35, "
                   "entrapment 0.30).")
@click.option("-o", "--output", metavar="FILE",
              help="Write to FILE (atomically); finished chunks are journaled in FILE.partial "
                   "until the sweep completes.")
@format_option(*formats("SweepRun"))
@click.option("--standalone", is_flag=True, help="With --format latex: a compilable document.")
@click.option("--plot", metavar="FILE", help="Also draw the sweep: risks against one parameter, "
              "or a regime map over two (.png, .pdf or .svg).")
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
            resume: bool) -> None:
    """Sweep MODEL's parameters: every policy's risks, cost and verdict at every grid point.

    Payoffs are evaluated for the whole grid at once and backward induction runs across the
    grid as array operations on the tree with its identical subtrees merged; points with
    near-ties are re-solved exactly. Boundaries between neighbouring points where a verdict
    changes are listed (use `threshold` to locate one precisely).

    \b
    Examples:
      alliance-games sweep alliance_system --param pooling=0:1:41 --plot pooling.png
      alliance-games sweep alliance_system --param pooling=0:1:200 \\
          --param two_front_prob=0:1:200 --format csv -o grid.csv --plot regimes.pdf
      alliance-games sweep alliance_system --param pooling=0:1:1000 --param restraint=0:1:1000 \\
          --format json -o big.json --workers 2      # interrupted? add --resume
    """
    import sys

    from alliance_games.analysis.runs import plan_sweep, sweep_model
    from alliance_games.analysis.sweep.engine import MAX_WORK
    from alliance_games.analysis.sweep.runner import journal_path
    from alliance_games.cli.output import emit
    from alliance_games.cli.progress import progress_bar
    from alliance_games.render.dispatch import render

    plan = plan_sweep(model, params, parse_assignments(assignments), scenario=scenario,
                      tolerances=parse_assignments(tolerances, option="--tolerance"),
                      chunk=chunk_size)
    plan.check_work(max_work or MAX_WORK)
    if plot:
        from alliance_games.render.plots import plot_format

        plot_format(plot)

    def write(run: SweepRun) -> None:
        if plot:
            from alliance_games.render.plots import sweep_plot

            sweep_plot(run.result, plot)
            click.echo(f"wrote {plot}", err=True)
        emit(render(run, fmt, standalone=standalone), output, width=120 if output else None)

    journal = str(journal_path(output)) if output and output != "-" else None
    try:
        with progress_bar(plan.count, "sweeping") as advance:
            sweep_model(model, params, plan=plan, progress=advance, journal=journal,
                        resume=resume, workers=workers, scheduler=scheduler, finished=write)
    except KeyboardInterrupt:
        where = (f"; finished chunks are saved in {journal}: rerun the same command with "
                 "--resume to continue") if journal else ""
        click.echo(f"interrupted{where}", err=True)
        sys.exit(130)


@click.command("threshold")
@model_argument
@click.option("--param", "parameter", required=True, metavar="NAME")
@click.option("--between", required=True, metavar="A:B", help="The interval to search.")
@click.option("--policy", required=True, metavar="POLICY", help="Whose verdict to follow.")
@set_option
@format_option(*formats("ThresholdRun"))
def threshold_command(model: str, parameter: str, between: str, policy: str,
                      assignments: tuple[str, ...], fmt: str) -> None:
    """Locate where POLICY's reliability verdict changes as --param moves between A and B.

    Exact bisection to 1e-4, then the exact boundary from the symbolic payoffs.

    \b
    Example:
      alliance-games threshold alliance_system --param pooling --between 0:1 --policy connect
    """
    from alliance_games.analysis.sweep.threshold import find_threshold
    from alliance_games.cli.output import emit
    from alliance_games.errors import ParameterError
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model
    from alliance_games.render.dispatch import render
    from alliance_games.render.threshold import ThresholdRun

    lo, sep, hi = between.partition(":")
    if not sep:
        raise ParameterError(f"--between expects A:B, got {between!r}")
    compiled = compile_model(load_model(model))
    found = find_threshold(compiled, parameter, lo, hi, policy,
                           values=parse_assignments(assignments))
    emit(render(ThresholdRun(compiled.model.name, parameter, lo, hi, policy, found), fmt))
