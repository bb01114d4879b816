"""Pictures in a notebook (:mod:`alliance_games.render.notebook`, :mod:`.render.tree_figure`): a
sweep's ``_repr_png_`` is the plot of ``sweep --plot``, a small game tree's ``_repr_svg_`` its
drawing, both shown above the HTML table; ``None`` when there is nothing to draw."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

import alliance_games as ag
from alliance_games.errors import GameError
from alliance_games.render import notebook
from alliance_games.render.plots import figure_bytes, quantity_figure, sweep_figure, sweep_plot
from alliance_games.render.tree_figure import MAX_NODES, tree_figure, tree_svg

PNG = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(svg).iter(f"{SVG}text")]


def _dashed(svg: str) -> int:
    return sum("stroke-dasharray" in (e.get("style") or "") for e in ET.fromstring(svg).iter(f"{SVG}path"))


def _check_png(picture: notebook.Png | None) -> bytes:
    """The PNG bytes, after checking the signature and that the display size is half the drawn
    size (drawn at 200 dpi, shown at 100)."""
    assert picture is not None
    data, shown = picture
    assert data[:8] == PNG
    width, height = struct.unpack(">II", data[16:24])
    assert shown == {"width": round(width / 2), "height": round(height / 2)}
    return data


# ---- trees ---------------------------------------------------------------------------------
def test_entry_deterrence_is_drawn_with_one_text_per_label() -> None:
    model = ag.load("entry_deterrence")
    svg = model._repr_svg_()
    assert svg is not None
    # 5 nodes (2 decision nodes, 3 terminal), 4 branches, the payoffs' caption
    assert Counter(_texts(svg)) == Counter([
        "entrant", "incumbent", "(0, 2)", "(-1, -1)", "(1, 1)",
        "In", "Out", "Fight", "Accommodate", "payoffs: (entrant, incumbent)"])
    assert _dashed(svg) == 0  # perfect information: no information set to join
    page = model._repr_html_()
    assert page.startswith('<div><img src="data:image/svg+xml;base64,')
    assert "Entry deterrence" in page  # the overview stays, below the tree


def test_beer_quiche_shows_chance_probabilities_and_information_sets() -> None:
    tree = ag.load("beer_quiche").run.game
    svg = ag.load("beer_quiche")._repr_svg_()
    assert svg is not None
    texts = Counter(_texts(svg))
    assert sum(texts.values()) == tree.num_nodes + len(tree.edge_label) + 1
    assert texts["chance"] == 1 and texts["sender"] == 2 and texts["receiver"] == 4
    assert texts["strong (9/10)"] == 1 and texts["weak (1/10)"] == 1  # chance branches
    assert texts["duel"] == 4 and texts["(3, 1)"] == 1
    # two information sets of the receiver, two nodes each: one dashed line each
    assert _dashed(svg) == 2


def test_labels_are_drawn_verbatim() -> None:
    game = ag.load("entry_deterrence").run.game
    odd = replace(game, edge_label=("$x$ & <y>", *game.edge_label[1:]),
                  players=("a $b$", game.players[1]))
    assert {"$x$ & <y>", "a $b$", "payoffs: (a $b$, incumbent)"} <= set(_texts(tree_svg(odd)))


def test_a_tree_above_the_limit_or_a_normal_form_has_no_picture() -> None:
    large = ag.load("branch_commitment")
    assert large.run.game.num_nodes > MAX_NODES
    assert large._repr_svg_() is None
    assert "<img" not in large._repr_html_() and "[branch_commitment]" in large._repr_html_()
    with pytest.raises(GameError, match=f"more than the {MAX_NODES}"):
        tree_figure(large.run.game)
    matrix = ag.load("battle_of_the_sexes")
    assert matrix._repr_svg_() is None and "<img" not in matrix._repr_html_()


# ---- plots ---------------------------------------------------------------------------------
def test_a_one_parameter_sweep_is_its_risk_plot(tmp_path: Path) -> None:
    sweep = ag.sweep("alliance_system_reduced", pooling=(0, 1, 5))
    data = _check_png(sweep._repr_png_())
    # the very bytes `sweep --plot FILE.png` writes: one drawing code, two destinations
    sweep_plot(sweep.run.result, str(tmp_path / "plot.png"))
    assert (tmp_path / "plot.png").read_bytes() == data
    page = sweep._repr_html_()
    assert page.startswith('<div><img src="data:image/png;base64,')
    assert "pooling" in page and "connect" in page  # the table below it


def test_a_two_parameter_sweep_is_its_regime_map() -> None:
    sweep = ag.sweep("alliance_system_reduced", pooling=(0, 1, 3), two_front_prob=(0, 1, 3))
    data = _check_png(sweep._repr_png_())
    assert data == figure_bytes(sweep_figure(sweep.run.result), "png")


def test_an_equilibrium_sweep_over_one_parameter_is_its_quantity_plot() -> None:
    sweep = ag.sweep("snyder_alliance_dilemma", entrapment_cost=(0.1, 2, 3))
    data = _check_png(sweep._repr_png_())
    assert data == figure_bytes(quantity_figure(sweep.run.result), "png")


@pytest.mark.parametrize("axes", [
    {"entrapment_cost": (0.1, 2, 2), "abandonment_cost": (0.1, 2, 2)},  # equilibria over two
    {"pooling": (0, 1, 2), "two_front_prob": (0, 1, 2), "rival_count": [1, 2]},  # three axes
    {"sample": 4, "seed": 1},  # a sampled design is no grid
])
def test_a_sweep_with_nothing_to_plot_is_a_table_only(axes: dict[str, object]) -> None:
    model = "snyder_alliance_dilemma" if "entrapment_cost" in axes else "alliance_system_reduced"
    sweep = ag.sweep(model, **axes)  # type: ignore[arg-type]
    assert sweep._repr_png_() is None
    page = sweep._repr_html_()
    assert "<img" not in page and page.startswith("<pre")


def test_without_matplotlib_there_are_no_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    sweep = ag.sweep("alliance_system_reduced", pooling=(0, 1, 2))
    model = ag.load("entry_deterrence")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert sweep._repr_png_() is None and model._repr_svg_() is None
    assert sweep._repr_html_().startswith("<pre")


def test_other_results_have_no_plot() -> None:
    assert notebook.plot_png(ag.solve("battle_of_the_sexes").run) is None
    assert notebook.with_figure("<pre>t</pre>", None) == "<pre>t</pre>"
