"""``alliance-games models``: list the bundled models."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option


@click.command("models")
@format_option("table", "json")
def command(fmt: str) -> None:
    """List the bundled models with their titles.

    \b
    Examples:
      alliance-games models
      alliance-games models --format json
    """
    from alliance_games.model.catalog import bundled_models, load_model

    entries = [(e, load_model(str(e.path))) for e in bundled_models()]
    if fmt == "json":
        from alliance_games.render.json import dumps

        click.echo(dumps([{"name": e.name, "group": e.group, "title": m.title,
                           "kind": "tree" if m.is_tree else "normal_form",
                           "players": list(m.players)} for e, m in entries]))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Bundled models", title_justify="left")
    for column in ("name", "group", "kind", "players", "title"):
        table.add_column(column)
    for e, m in entries:
        table.add_row(e.name, e.group, "tree" if m.is_tree else "normal form",
                      str(len(m.players)), m.title)
    Console().print(table)
