"""``alliance-games report``: a complete LaTeX document about one model.

For a model with policies, the report also runs the model's default sweep
(:mod:`alliance_games.alliance.report_defaults`) and writes its regime plot as a PDF beside the
``.tex`` file (``report.tex`` -> ``report-regimes.pdf``), which the document includes.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from alliance_games.cli.options import model_argument, parse_assignments, set_option
from alliance_games.cli.output import force_option


def regime_plot_path(output: str) -> Path:
    """Where the regime plot of a report written to ``output`` goes: beside it, named after it.

    Characters LaTeX would choke on in ``\\includegraphics`` become ``-``.
    """
    target = Path(output)
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", target.stem) or "report"
    return target.with_name(f"{stem}-regimes.pdf")


@click.command("report")
@model_argument
@set_option
@click.option("--max-nodes", type=click.IntRange(1), default=200, show_default=True,
              help="Draw trees up to this many nodes; larger ones are described in words.")
@click.option("--regimes/--no-regimes", default=True, show_default=True,
              help="For models with policies: run the default sweep and include its regime plot "
                   "(written as FILE-regimes.pdf beside the report; needs -o FILE).")
@click.option("--param", "params", multiple=True, metavar="NAME",
              help="The regime map's axes: one or two parameters with a range (repeat; default: "
                   "the model's default sweep).")
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Write to FILE (atomically); '-' for standard output.")
@force_option
def command(model: str, assignments: tuple[str, ...], max_nodes: int, regimes: bool,
            params: tuple[str, ...], output: str, force: bool) -> None:
    """Write a LaTeX report on MODEL: parameters, game, equilibria, policy comparison, regimes.

    \b
    Examples:
      alliance-games report entry_deterrence -o report.tex
      alliance-games report branch_commitment --set commit_cost=1/2 -o report.tex
      alliance-games report alliance_system_reduced -o report.tex    # + report-regimes.pdf
      alliance-games report alliance_system_reduced --param restraint --param binding -o report.tex
    """
    from alliance_games.analysis.export import report_data
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target, replaces_file

    check_target(output, force=force)
    to_file = replaces_file(output)  # a plot goes beside a file, not beside a device
    values = parse_assignments(assignments)
    data = report_data(model, values, max_nodes=max_nodes)
    result = plot = None
    if regimes and to_file and data.comparison is not None:
        from alliance_games.alliance.report_defaults import report_sweep
        from alliance_games.render.plots import sweep_plot

        result = report_sweep(model, values, params=params)
        if result is not None:
            path = regime_plot_path(output)
            sweep_plot(result, str(path), force=force)
            click.echo(f"wrote {path}", err=True)
            plot = path.name
    emit(render(data, "latex", max_nodes=max_nodes, regimes=result, regime_plot=plot), output,
         force=force)
