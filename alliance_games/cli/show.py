"""``alliance-games show``: a model's players, parameters and payoff table or tree, marked."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option


@click.command("show")
@model_argument
@set_option
@click.option("--depth", type=click.IntRange(0), default=None, metavar="N",
              help="Trees: collapse everything below depth N (the root is at depth 0). "
                   "Trees over 200 nodes are collapsed automatically.")
@click.option("--path-only", is_flag=True,
              help="Trees: expand only the equilibrium path; its siblings stay collapsed.")
@format_option("table", "json")
def command(model: str, assignments: tuple[str, ...], depth: int | None, path_only: bool,
            fmt: str) -> None:
    """Show MODEL at its default (or --set) parameter values, equilibria marked.

    Tables mark the pure Nash equilibria and list the mixed ones; trees mark the
    subgame-perfect equilibrium path and the equilibrium choice at every decision node.

    \b
    Examples:
      alliance-games show prisoners_dilemma
      alliance-games show entry_deterrence --set profit=5 --format json
      alliance-games show alliance_system --depth 3
      alliance-games show alliance_system --path-only
    """
    from alliance_games.analysis.runs import instantiate

    instance = instantiate(model, parse_assignments(assignments), exact=True)
    if fmt == "json":
        from alliance_games.render.json import show_json

        click.echo(show_json(instance.model, instance.values, instance.game))
        return
    from rich.console import Console

    from alliance_games.analysis.views import table_view, tree_view
    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.render.terminal import model_overview, payoff_table, tree_diagram

    console = Console()
    console.print(model_overview(instance.model, instance.values))
    game = instance.game
    if isinstance(game, NormalFormGame):
        console.print(payoff_table(table_view(game)))
    else:
        console.print(tree_diagram(tree_view(game, depth=depth, path_only=path_only)))
