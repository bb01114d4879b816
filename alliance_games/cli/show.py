"""``alliance-games show``: a model's players, parameters and payoff table or tree."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option


@click.command("show")
@model_argument
@set_option
@format_option("table", "json")
def command(model: str, assignments: tuple[str, ...], fmt: str) -> None:
    """Show MODEL at its default (or --set) parameter values.

    \b
    Examples:
      alliance-games show prisoners_dilemma
      alliance-games show entry_deterrence --set profit=5 --format json
    """
    from alliance_games.analysis.runs import instantiate

    instance = instantiate(model, parse_assignments(assignments), exact=True)
    if fmt == "json":
        from alliance_games.render.json import show_json

        click.echo(show_json(instance.model, instance.values, instance.game))
        return
    from rich.console import Console

    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.render.terminal import game_tree, model_overview, payoff_table

    console = Console()
    console.print(model_overview(instance.model, instance.values))
    game = instance.game
    console.print(payoff_table(game) if isinstance(game, NormalFormGame) else game_tree(game))
