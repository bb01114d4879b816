"""``alliance-games compare``: every policy's risks, cost and reliability verdict."""

from __future__ import annotations

import click

from alliance_games.cli.options import (
    format_option,
    model_argument,
    parse_assignments,
    set_option,
    wide_option,
)
from alliance_games.cli.output import output_option
from alliance_games.render.dispatch import formats


@click.command("compare")
@model_argument
@set_option
@click.option("--scenario", metavar="NAME", help="Apply a scenario preset (see models/scenarios).")
@click.option("--tolerance", "tolerances", multiple=True, metavar="KIND=VALUE",
              help="Risk tolerance, e.g. abandonment=0.35 or entrapment=0.30 (repeatable).")
@click.option("--max-equilibria", type=click.IntRange(1), default=None,
              help="Stop enumerating after this many equilibria per subgame.")
@click.option("--select", is_flag=True,
              help="Models with information sets: keep, in every subgame with information sets, "
                   "only the equilibria best for the player choosing the policy (the selection "
                   "the article's propositions use); the listing is then not complete.")
@click.option("--workers", type=click.IntRange(1), default=None, metavar="W",
              help="Processes that solve the policies' subgames at once (default: the cores "
                   "available to this process; 1: all in this process). Same result.")
@click.option("--standalone", is_flag=True, help="With --format latex: a compilable document.")
@output_option
@wide_option
@format_option(*formats("ComparisonRun"))
def command(model: str, assignments: tuple[str, ...], scenario: str | None,
            tolerances: tuple[str, ...], max_equilibria: int | None, select: bool,
            workers: int | None, standalone: bool, output: str | None, wide: bool, fmt: str,
            force: bool) -> None:
    """Compare the leader's policies in MODEL: risks of every player, cost, verdict.

    Each policy's continuation game is solved for all its subgame-perfect equilibria; a policy
    keeps reliability when every player's abandonment and entrapment risk is within tolerance
    in every equilibrium (robust), in some (fragile) or in none (fails).

    \b
    Examples:
      alliance-games compare alliance_system
      alliance-games compare alliance_system --set rival_count=1
      alliance-games compare alliance_system --select
      alliance-games compare alliance_system --workers 1
      alliance-games compare alliance_system --scenario japan --format json
      alliance-games compare alliance_system --tolerance abandonment=0.3 --format latex -o t.tex
    """
    from alliance_games.analysis.forked import available_cores
    from alliance_games.analysis.runs import compare_model
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.labels import natural_width
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)

    run = compare_model(model, parse_assignments(assignments), scenario=scenario,
                        tolerances=parse_assignments(tolerances, option="--tolerance"),
                        max_equilibria=max_equilibria, select=select, cache=True,
                        workers=workers or available_cores())
    shown = render(run, fmt, scenario=scenario, standalone=standalone)
    width = None if _tty() else 120
    if wide and not isinstance(shown, str):
        width = natural_width(shown)
    emit(shown, output, width=width, tee=True, force=force)


def _tty() -> bool:
    import sys

    return sys.stdout.isatty()
