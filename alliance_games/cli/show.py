"""``alliance-games show``: a model's players, parameters and payoff table or tree, marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from alliance_games.cli.options import format_option, model_argument, parse_assignments, set_option
from alliance_games.cli.output import output_option
from alliance_games.render.dispatch import formats

if TYPE_CHECKING:
    from alliance_games.analysis.views import TableView, TreeView
    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.games.tree import GameTree


@click.command("show")
@model_argument
@set_option
@click.option("--depth", type=click.IntRange(0), default=None, metavar="N",
              help="Trees: collapse everything below depth N (the root is at depth 0). "
                   "Trees over 200 nodes are collapsed automatically.")
@click.option("--path-only", is_flag=True,
              help="Trees: expand only the equilibrium path; its siblings stay collapsed.")
@output_option
@format_option(*formats("Instance"))
def command(model: str, assignments: tuple[str, ...], depth: int | None, path_only: bool,
            output: str | None, force: bool, fmt: str) -> None:
    """Show MODEL at its default (or --set) parameter values, equilibria marked.

    Tables mark the pure Nash equilibria and list the mixed ones; trees mark the
    subgame-perfect equilibrium path and the equilibrium choice at every decision node.

    \b
    Examples:
      alliance-games show prisoners_dilemma
      alliance-games show entry_deterrence --set profit=5 --format json
      alliance-games show alliance_system_reduced --depth 3
      alliance-games show alliance_system_reduced --path-only
      alliance-games show entry_deterrence --format json -o tree.json
    """
    from alliance_games.analysis.runs import instantiate
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import Deferred, render
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)
    instance = instantiate(model, parse_assignments(assignments), exact=True)
    emit(render(instance, fmt, view=Deferred(lambda: _marked(instance.game, depth, path_only))),
         output, force=force)


def _marked(game: NormalFormGame | GameTree, depth: int | None, path_only: bool
            ) -> TableView | TreeView:
    """What the table shows: the payoff table or the tree, with the equilibria marked."""
    from alliance_games.analysis.views import table_view, tree_view
    from alliance_games.games.normal_form import NormalFormGame

    if isinstance(game, NormalFormGame):
        return table_view(game)
    return tree_view(game, depth=depth, path_only=path_only)
