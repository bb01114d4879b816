"""Results in a notebook: an HTML table (``_repr_html_``), pictures and a pandas DataFrame.

All are derived from renderings the CLI already has, so that a notebook and the terminal never
disagree:

* :func:`html` lays out the ``table`` rendering (a rich renderable or text) and exports it as an
  HTML fragment with inline styles;
* :func:`frame` flattens the ``json`` document into rows, one per natural unit of the result
  (:data:`ROWS`): an equilibrium of a solve, a policy of a comparison, a point and policy of a
  policy sweep, a point and equilibrium of an equilibrium sweep, a proposition. Nested labels
  become ``:``-joined column names (``player1:Bach``, ``payoff:player1``,
  ``risks:ally:abandonment``); exact numbers (``"2/3"``) become floats, or Fractions with
  ``exact=True``.
* :func:`plot_png` draws a sweep as ``sweep --plot`` does (risk curves over one parameter, a
  regime map over two, an equilibrium sweep's quantities over one) and :func:`tree_svg` a game
  tree (:mod:`alliance_games.render.tree_figure`); each is ``None`` when there is nothing to draw
  or matplotlib cannot be imported. :func:`with_figure` puts a picture above an HTML table:
  notebook front ends (JupyterLab, the classic notebook, VS Code) show ``text/html`` in
  preference to ``image/png`` and ``image/svg+xml`` when an output has both, so a picture meant
  to be seen must be part of the HTML as well.

pandas is an optional extra (``pip install alliance-games[frames]``), imported only by
:func:`frame`.
"""

from __future__ import annotations

import base64
import html as html_escape
import io
import json
import struct
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from rich.console import RenderableType

from alliance_games.analysis.runs import EquilibriumSweepRun, Instance, SweepRun
from alliance_games.games.tree import GameTree
from alliance_games.render.dispatch import render, result_type
from alliance_games.render.instance import model_overview

Row = dict[str, Any]

_PRE = ('<pre style="white-space: pre; overflow-x: auto; line-height: normal; '
        'font-family: Menlo, \'DejaVu Sans Mono\', consolas, \'Courier New\', monospace">'
        '{code}</pre>')


def html(result: object, *, width: int = 120, **options: Any) -> str:
    """``result``'s ``table`` rendering as an HTML fragment, laid out ``width`` columns wide."""
    return layout(render(result, "table", **options), width=width)


def overview_html(instance: Instance, *, width: int = 120) -> str:
    """A model's overview (title, players, parameters at their values) as an HTML fragment."""
    return layout(model_overview(instance.model, instance.values), width=width)


SCREEN_DPI = 100
"""Pixels per inch a notebook shows a plot at; it is drawn at ``PNG_DPI`` (twice as sharp, for
high-density screens) and given that display size."""

Png = tuple[bytes, dict[str, int]]


def plot_png(run: object) -> Png | None:
    """A sweep's plot as PNG bytes with its display size (``{"width", "height"}`` in pixels at
    :data:`SCREEN_DPI`, the metadata IPython takes beside a ``_repr_png_``), drawn by the
    renderers of ``sweep --plot``; ``None`` for anything else, a sampled sweep, a sweep of
    policies over more than two parameters or of equilibria over more than one, or without
    matplotlib."""
    if not isinstance(run, SweepRun | EquilibriumSweepRun) or run.result.sample is not None \
            or not _has_matplotlib():
        return None
    result = run.result
    from alliance_games.render.plots import PNG_DPI, figure_bytes, quantity_figure, sweep_figure

    if isinstance(run, SweepRun) and len(result.axes) in (1, 2):
        figure = sweep_figure(result)
    elif isinstance(run, EquilibriumSweepRun) and len(result.axes) == 1:
        figure = quantity_figure(result)
    else:
        return None
    data = figure_bytes(figure, "png", dpi=PNG_DPI)
    width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR chunk
    return data, {"width": round(width * SCREEN_DPI / PNG_DPI),
                  "height": round(height * SCREEN_DPI / PNG_DPI)}


def tree_svg(instance: Instance) -> str | None:
    """A model's game tree (at the instance's values) drawn as SVG; ``None`` for a game in
    normal form, a tree of more than :data:`~alliance_games.render.tree_figure.MAX_NODES`
    nodes (too many labels to read: the HTML overview stays), or without matplotlib."""
    from alliance_games.render.tree_figure import MAX_NODES

    game = instance.game
    if not isinstance(game, GameTree) or game.num_nodes > MAX_NODES or not _has_matplotlib():
        return None
    from alliance_games.render.tree_figure import tree_svg as draw

    return draw(game)


def with_figure(table: str, picture: Png | str | None) -> str:
    """An HTML fragment: ``picture`` (PNG bytes with their display size, or an SVG document) as
    an inline image, then ``table``; ``table`` alone without a picture."""
    if picture is None:
        return table
    if isinstance(picture, str):
        source = "data:image/svg+xml;base64," + base64.b64encode(picture.encode()).decode()
        size = ""
    else:
        data, shown = picture
        source = "data:image/png;base64," + base64.b64encode(data).decode()
        size = f' width="{shown["width"]}" height="{shown["height"]}"'
    return f'<div><img src="{source}"{size} style="max-width: 100%; height: auto"></div>\n{table}'


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401 - a core dependency, yet a notebook may lack it
    except ImportError:
        return False
    return True


def layout(rendered: str | RenderableType, *, width: int = 120) -> str:
    """A rendering (text or a rich renderable) as an HTML fragment with inline styles."""
    if isinstance(rendered, str):
        return _PRE.format(code=html_escape.escape(rendered))
    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True)
    console.print(rendered)
    return console.export_html(inline_styles=True, code_format=_PRE)


def frame(result: object, *, exact: bool = False, **options: Any) -> Any:
    """``result`` as a ``pandas.DataFrame``: its ``json`` document, one row per :data:`ROWS`
    unit; exact numbers as floats, or as Fractions with ``exact``."""
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError("DataFrames need pandas, an optional extra: "
                          "pip install alliance-games[frames]") from error
    document = json.loads(str(render(result, "json", **options)))
    rows = [{k: _number(v, exact) for k, v in row.items()} for row in ROWS[result_type(result)](document)]
    return pd.DataFrame(rows)


def _number(value: Any, exact: bool) -> Any:
    """An exact number written as text (``"2/3"``) as a Fraction (``exact``) or a float."""
    if not isinstance(value, str):
        return value
    try:
        number = Fraction(value)
    except (ValueError, ZeroDivisionError):
        return value
    return number if exact else float(number)


def flatten(document: dict[str, Any], prefix: str = "") -> Row:
    """Nested mappings as one row of ``:``-joined keys; lists of scalars as one ``, ``-joined
    text; lists of mappings are left out (they are rows of their own)."""
    row: Row = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}:"))
        elif isinstance(value, list):
            if not any(isinstance(v, dict | list) for v in value):
                row[name] = ", ".join(map(str, value))
        else:
            row[name] = value
    return row


def _with_zeros(rows: list[Row], prefixes: tuple[str, ...]) -> list[Row]:
    """Every row with every column, in first-seen order; a probability absent from a row (an
    outcome an equilibrium never reaches) as ``0``."""
    order = dict.fromkeys(c for row in rows for c in row)
    return [{c: row.get(c, "0" if c.startswith(prefixes) else None) for c in order} for row in rows]


def solve_rows(document: dict[str, Any]) -> list[Row]:
    """One row per equilibrium: ``PLAYER:LABEL`` probabilities, ``payoffs:PLAYER``,
    ``max_regret`` and ``outcome_distribution:OUTCOME``."""
    rows = [{"equilibrium": n, **flatten(eq["profile"]),
             **flatten({k: v for k, v in eq.items() if k != "profile"})}
            for n, eq in enumerate(document["equilibria"], start=1)]
    return _with_zeros(rows, ("outcome_distribution:",))


def comparison_rows(document: dict[str, Any]) -> list[Row]:
    """One row per policy: verdict, cost, the worst risks (``risks:PLAYER:KIND``) and whether
    the root player chooses it."""
    chosen = set(document["leader_choices"])
    return [{**flatten(policy), "chosen": policy["policy"] in chosen}
            for policy in document["policies"]]


def sweep_rows(document: dict[str, Any]) -> list[Row]:
    """One row per point and policy: the point's parameter values, then the policy's row."""
    return [{**point["values"], **flatten(policy), "leader_choice": point["leader_choice"]}
            for point in document["points"] for policy in point["policies"]]


def equilibrium_sweep_rows(document: dict[str, Any]) -> list[Row]:
    """One row per point and equilibrium: values, ``outcomes:``, ``tags:``, ``payoffs:`` and
    ``actions:PLAYER:ACTION``."""
    rows = [{**point["values"], "equilibrium": n, **flatten(eq)}
            for point in document["points"]
            for n, eq in enumerate(point["equilibria"], start=1)]
    return _with_zeros(rows, ("outcomes:",))


def threshold_rows(document: dict[str, Any]) -> list[Row]:
    """One row: the question and the threshold found (empty cells when nothing changes)."""
    return [flatten(document)]


def proposition_rows(document: dict[str, Any]) -> list[Row]:
    """One row per proposition: id, statement, verdict and its figures."""
    return [flatten(entry) for entry in document["propositions"]]


def instance_rows(document: dict[str, Any]) -> list[Row]:
    """One row per parameter of a model: name, default, range, value, description."""
    return [flatten(parameter) for parameter in document["parameters"]]


ROWS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "SolverResult": solve_rows,
    "ComparisonRun": comparison_rows,
    "SweepRun": sweep_rows,
    "EquilibriumSweepRun": equilibrium_sweep_rows,
    "ThresholdRun": threshold_rows,
    "PropositionChecks": proposition_rows,
    "Instance": instance_rows,
}
"""Result type name -> its rows, from its JSON document."""

