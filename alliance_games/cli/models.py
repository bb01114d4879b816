"""``alliance-games models``: list the bundled models."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option
from alliance_games.render.dispatch import formats


@click.command("models")
@format_option(*formats("ModelCatalog"))
def command(fmt: str) -> None:
    """List the bundled models with their titles.

    \b
    Examples:
      alliance-games models
      alliance-games models --format json
    """
    from alliance_games.cli.output import emit
    from alliance_games.model.catalog import bundled_models, load_model
    from alliance_games.render.catalog import ModelCatalog
    from alliance_games.render.dispatch import render

    catalog = ModelCatalog(tuple((e, load_model(str(e.path))) for e in bundled_models()))
    emit(render(catalog, fmt))
