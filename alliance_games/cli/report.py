"""``alliance-games report``: a complete LaTeX document about one model."""

from __future__ import annotations

import click

from alliance_games.cli.options import model_argument, parse_assignments, set_option


@click.command("report")
@model_argument
@set_option
@click.option("--max-nodes", type=click.IntRange(1), default=200, show_default=True,
              help="Draw trees up to this many nodes; larger ones are described in words.")
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Write to FILE (atomically); '-' for standard output.")
def command(model: str, assignments: tuple[str, ...], max_nodes: int, output: str) -> None:
    """Write a LaTeX report on MODEL: parameters, game, equilibria, policy comparison.

    \b
    Examples:
      alliance-games report entry_deterrence -o report.tex
      alliance-games report branch_commitment --set commit_cost=1/2 -o report.tex
    """
    from alliance_games.analysis.export import report_data
    from alliance_games.cli.output import emit
    from alliance_games.render.report import report_latex

    data = report_data(model, parse_assignments(assignments), max_nodes=max_nodes)
    emit(report_latex(data, max_nodes=max_nodes), output)
