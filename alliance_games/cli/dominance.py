"""``alliance-games dominance``: iterated elimination of dominated strategies."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option
from alliance_games.cli.output import output_option
from alliance_games.render.dispatch import formats


@click.command("dominance")
@model_argument
@set_option
@click.option("--weak", is_flag=True, help="Also eliminate weakly dominated strategies "
              "(the result can depend on the order; all are removed at once each round).")
@click.option("--pure-only", is_flag=True, help="Only dominance by pure strategies.")
@click.option("--exact/--float", "exact", default=True, show_default=True)
@output_option
@format_option(*formats("DominanceRun"))
def command(model: str, assignments: tuple[str, ...], weak: bool, pure_only: bool, exact: bool,
            output: str | None, force: bool, fmt: str) -> None:
    """Eliminate dominated strategies in MODEL until none is left (trees: reduced normal form).

    Strict dominance by pure and mixed strategies (an LP whose answer is certified exactly);
    --weak adds weak dominance.

    \b
    Examples:
      alliance-games dominance prisoners_dilemma
      alliance-games dominance entry_deterrence --weak --format json
      alliance-games dominance prisoners_dilemma --format latex -o reduction.tex
    """
    from alliance_games.analysis.runs import dominance_instance
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)
    run = dominance_instance(model, parse_assignments(assignments), exact=exact, weak=weak,
                             mixed=not pure_only)
    emit(render(run, fmt), output, force=force)
