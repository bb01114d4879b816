"""Renderings of the bundled models' list (``models``): terminal table and JSON.

The subject is a :class:`ModelCatalog`: each catalog entry with its loaded model.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table

from alliance_games.model.catalog import CatalogEntry
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.render.formats import dumps


@dataclass(frozen=True)
class ModelCatalog:
    """The bundled models, in catalog order."""

    entries: tuple[tuple[CatalogEntry, SymbolicModel], ...]


def catalog_table(catalog: ModelCatalog) -> Table:
    table = Table(title="Bundled models", title_justify="left")
    table.add_column("name", no_wrap=True, min_width=max(len(e.name) for e, _ in catalog.entries)
                     if catalog.entries else None)  # the name one types: never cut
    for column in ("group", "kind", "players"):
        table.add_column(column, no_wrap=True)
    table.add_column("title", ratio=1, overflow="fold")  # wrapped, a long word folded: never cut
    for e, m in catalog.entries:
        table.add_row(e.name, e.group, "tree" if m.is_tree else "normal form",
                      str(len(m.players)), m.title)
    return table


def catalog_json(catalog: ModelCatalog) -> str:
    return dumps([{"name": e.name, "group": e.group, "title": m.title,
                   "kind": "tree" if m.is_tree else "normal_form",
                   "players": list(m.players)} for e, m in catalog.entries])
