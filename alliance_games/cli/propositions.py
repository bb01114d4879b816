"""``alliance-games propositions``: the article's propositions P1-P11, each PASS or FAIL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from alliance_games.cli.options import format_option, parse_assignments, set_option
from alliance_games.cli.output import output_option
from alliance_games.render.dispatch import formats

if TYPE_CHECKING:
    from alliance_games.alliance.claims import Flagship, PropositionResult
    from alliance_games.alliance.proposition_robustness import PropositionRobustness


@click.command("propositions")
@set_option
@click.option("--standalone", is_flag=True, help="With --format latex: a compilable document.")
@output_option
@format_option(*formats("PropositionChecks"))
@click.option("--robustness", type=int, default=None, metavar="N",
              help="Also evaluate every proposition at N points drawn jointly over all numeric "
                   "parameters (a scrambled Sobol design) and report the share where it holds "
                   "and the parameters that break it.")
@click.option("--spread", type=float, default=None, metavar="S",
              help="With --robustness: within +/- S of each default, relative (default 0.25), "
                   "clipped to the declared range.")
@click.option("--ranges", is_flag=True,
              help="With --robustness: over the declared ranges instead of around the defaults.")
@click.option("--seed", type=int, default=None, metavar="S",
              help="With --robustness: the design's seed (the same seed, the same points).")
@click.option("--intervals", is_flag=True,
              help="With --robustness: also move one parameter at a time from its default over "
                   "the same interval and report where each proposition keeps holding (a full "
                   "run at up to 17 values per parameter: hours on the flagship).")
@click.option("--given", "premise", default=None, metavar="PN",
              help="With --robustness: also report every other proposition's share over the "
                   "points where proposition PN holds (e.g. --given P2: where the dilemma "
                   "exists), beside its share over all points.")
@click.option("--workers", type=click.IntRange(1), default=None, metavar="W",
              help="With --robustness: evaluate the points in W processes (default: the cores "
                   "available to this process; 1: all in this process). Same verdicts.")
@click.option("--points", "points", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="With --robustness: also write every point of the design to FILE as CSV: "
                   "the sampled parameters' values and each proposition's verdict there (1 "
                   "holds, 0 fails, empty where the point could not be solved, with the error).")
@click.option("--resume", is_flag=True,
              help="With --robustness and -o FILE: continue an interrupted run from its journal "
                   "FILE.partial (every finished point is recorded there; it is deleted once "
                   "FILE is written).")
def command(assignments: tuple[str, ...], standalone: bool, output: str | None, fmt: str,
            robustness: int | None, spread: float | None, ranges: bool, seed: int | None,
            intervals: bool, premise: str | None, workers: int | None, points: str | None,
            resume: bool, force: bool) -> None:
    """Check the article's propositions P1-P11 on the flagship alliance_system.

    Every check solves the flagship with the generic solver (spbe, the leader-preferred
    equilibrium of each subgame with information sets) and prints the figures behind its
    verdict. The exit code is 0 when all pass and 1 otherwise. A run takes about five seconds.

    With --robustness N every proposition is also evaluated at N parameter points drawn jointly
    (the full check with the flagship's parameters moved to the point), each point a full run
    of about a second, the points shared between the available cores (--workers 1: one
    process); each proposition gets the share of points where it holds and the
    parameters most associated with its failures. Verdicts (PASS/FAIL, the exit code) stay those
    at the defaults.

    With --set NAME=VALUE the checks run with the flagship's parameters moved there instead of
    the defaults (a check that sets a parameter itself, such as P10's rival_count or a P9
    preset's values, still does so), and a robustness design holds the set parameters at their
    values rather than sampling them, as sweep --sample does.

    \b
    Examples:
      alliance-games propositions
      alliance-games propositions --format json
      alliance-games propositions --robustness 20 --seed 1
      alliance-games propositions --robustness 20 --ranges --seed 7 --workers 1
      alliance-games propositions --robustness 1000 --seed 1 \\
          --format json -o rob.json            # Ctrl-C, then the same with --resume
      alliance-games propositions --robustness 64 --seed 1 --points points.csv
      alliance-games propositions --robustness 128 --seed 1 --given P2 --workers 2
      alliance-games propositions --set ties_swing=0.4 --robustness 128 --seed 1 --workers 2
    """
    from alliance_games.alliance.propositions import check_all
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target, replaces_file
    from alliance_games.render.propositions import PropositionChecks

    check_target(output, force=force)
    if points is not None:
        if output is not None and Path(points).resolve() == Path(output).resolve():
            raise click.UsageError("--points FILE and -o FILE name the same file: give the "
                                   "points their own file")
        check_target(points, force=force)

    from alliance_games.alliance.claims import Flagship

    moved = parse_assignments(assignments)
    flagship = Flagship(base=moved) if moved else None  # checked here: a bad name exits 2 at once
    found: PropositionRobustness | None = None
    journal: str | None = None
    if robustness is None:
        given = [name for name, value in (("--spread", spread is not None), ("--ranges", ranges),
                                          ("--seed", seed is not None),
                                          ("--intervals", intervals),
                                          ("--given", premise is not None),
                                          ("--workers", workers is not None),
                                          ("--points", points is not None),
                                          ("--resume", resume)) if value]
        if given:
            raise click.UsageError(f"{', '.join(given)} only go with --robustness N (how many "
                                   "points to evaluate the propositions at)")
        results = check_all(flagship)
    else:
        if resume and output is None:
            raise click.UsageError("--resume continues the journal kept beside -o FILE: give the "
                                   "-o FILE of the interrupted run")
        journal = f"{output}.partial" if output is not None and replaces_file(output) else None
        results, found = _with_robustness(flagship, robustness, spread, ranges, seed,
                                          intervals, premise, workers, journal, resume)
    emit(render(PropositionChecks(tuple(results), found, moved), fmt, standalone=standalone),
         output, tee=True, force=force)
    if found is not None and points is not None:
        from alliance_games.render.propositions import robustness_points_csv

        emit(robustness_points_csv(found), points, force=force)
    if found is not None and journal is not None:
        Path(journal).unlink(missing_ok=True)  # the result is safely written
    if not all(r.passed for r in results):
        raise SystemExit(1)


def _with_robustness(flagship: Flagship | None, n: int, spread: float | None, ranges: bool,
                     seed: int | None, intervals: bool, premise: str | None,
                     workers: int | None, journal: str | None, resume: bool
                     ) -> tuple[list[PropositionResult], PropositionRobustness]:
    """The checks at the flagship's base point and the propositions' robustness over ``n``
    points."""
    from alliance_games.alliance.claims import Flagship
    from alliance_games.alliance.proposition_robustness import (
        progress_steps,
        proposition_robustness,
    )
    from alliance_games.alliance.propositions import check_all
    from alliance_games.analysis.forked import available_cores
    from alliance_games.cli.progress import progress_bar

    if spread is not None and ranges:
        raise click.UsageError("--spread samples around the defaults, --ranges over the declared "
                               "ranges: give one of them")
    flagship = flagship or Flagship()
    with progress_bar(progress_steps(n), "propositions at points") as advance:
        found = proposition_robustness(n, spread=0.25 if spread is None else spread,
                                       ranges=ranges, seed=seed,
                                       workers=workers or min(n, available_cores()),
                                       intervals=intervals, flagship=flagship, progress=advance,
                                       journal=journal, resume=resume, given=premise)
    return check_all(flagship), found
