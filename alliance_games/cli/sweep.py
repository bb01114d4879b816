"""``alliance-games sweep`` and ``alliance-games threshold``: comparative statics."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option


@click.command("sweep")
@model_argument
@click.option("--param", "params", multiple=True, required=True, metavar="NAME=START:STOP:STEPS",
              help="A swept parameter (repeat for a 2-D grid); NAME=V1,V2,... lists points.")
@set_option
@click.option("--scenario", metavar="NAME", help="Apply a scenario preset first.")
@click.option("--tolerance", "tolerances", multiple=True, metavar="KIND=VALUE")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically).")
@format_option("table", "json", "csv")
def command(model: str, params: tuple[str, ...], assignments: tuple[str, ...],
            scenario: str | None, tolerances: tuple[str, ...], output: str | None,
            fmt: str) -> None:
    """Sweep MODEL's parameters: every policy's risks, cost and verdict at every grid point.

    Payoffs are evaluated for the whole grid at once and backward induction runs across the
    grid as array operations; points with near-ties are re-solved exactly.

    \b
    Examples:
      alliance-games sweep alliance_system --param pooling=0:1:41
      alliance-games sweep alliance_system --param pooling=0:1:21 --param two_front_prob=0:1:21 \\
          --format csv -o grid.csv
    """
    from alliance_games.analysis.runs import sweep_model
    from alliance_games.cli.output import emit
    from alliance_games.render import sweep as render

    run = sweep_model(model, params, parse_assignments(assignments), scenario=scenario,
                      tolerances=parse_assignments(tolerances, option="--tolerance"))
    if fmt == "json":
        emit(render.sweep_json(run), output)
    elif fmt == "csv":
        emit(render.sweep_csv(run), output)
    else:
        from rich.console import Console

        console = Console(record=output is not None)
        console.print(render.sweep_table(run))
        if output:
            emit(console.export_text(), output)


@click.command("threshold")
@model_argument
@click.option("--param", "parameter", required=True, metavar="NAME")
@click.option("--between", required=True, metavar="A:B", help="The interval to search.")
@click.option("--policy", required=True, metavar="POLICY", help="Whose verdict to follow.")
@set_option
@format_option("table", "json")
def threshold_command(model: str, parameter: str, between: str, policy: str,
                      assignments: tuple[str, ...], fmt: str) -> None:
    """Locate where POLICY's reliability verdict changes as --param moves between A and B.

    Exact bisection to 1e-4, then the exact boundary from the symbolic payoffs.

    \b
    Example:
      alliance-games threshold alliance_system --param pooling --between 0:1 --policy connect
    """
    from alliance_games.analysis.threshold import find_threshold
    from alliance_games.errors import ParameterError
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model
    from alliance_games.render.json import dumps

    lo, sep, hi = between.partition(":")
    if not sep:
        raise ParameterError(f"--between expects A:B, got {between!r}")
    compiled = compile_model(load_model(model))
    found = find_threshold(compiled, parameter, lo, hi, policy,
                           values=parse_assignments(assignments))
    if fmt == "json":
        click.echo(dumps({
            "model": compiled.model.name, "parameter": parameter, "policy": policy,
            "threshold": found.threshold if found else None,
            "exact": str(found.symbolic) if found and found.symbolic is not None else None,
            "below": {"value": float(found.below), "reliable": found.verdict_below}
            if found else None,
            "above": {"value": float(found.above), "reliable": found.verdict_above}
            if found else None}))
        return
    if found is None:
        click.echo(f"{policy}'s verdict does not change for {parameter} in [{lo}, {hi}]")
        return
    exact = f" = {found.symbolic}" if found.symbolic is not None else ""
    click.echo(f"{policy} {'keeps' if found.verdict_above else 'loses'} reliability from "
               f"{parameter} ~ {found.threshold:.6g}{exact} (bracket [{float(found.below):.6g}, "
               f"{float(found.above):.6g}])")
