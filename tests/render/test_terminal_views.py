"""``show`` in the terminal: equilibrium cells and paths marked, large trees collapsed."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from alliance_games.analysis.runs import instantiate
from alliance_games.analysis.views import table_view, tree_equilibrium, tree_view
from alliance_games.cli import cli
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree

PATH, CHOICE = "\u25c6", "\u25c7"


def show(*args: str) -> str:
    result = CliRunner().invoke(cli, ["show", *args], terminal_width=120,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def line_with(out: str, needle: str) -> str:
    lines = [line for line in out.splitlines() if needle in line]
    assert lines, f"no line with {needle!r}"
    return lines[0]


def test_entry_deterrence_marks_the_spe_path_not_the_threat() -> None:
    out = show("entry_deterrence")
    assert f"{PATH} In" in line_with(out, "In \u2192")
    assert f"{PATH} Accommodate" in line_with(out, "Accommodate \u2192")
    assert PATH not in line_with(out, "Fight \u2192")
    assert PATH not in line_with(out, "Out \u2192")
    assert "payoffs (1, 1)" in out and "(0, 2)" in out


def test_off_path_choices_are_marked_with_the_hollow_diamond() -> None:
    out = show("branch_commitment")
    assert f"{PATH} loose" in line_with(out, "loose \u2192")
    assert f"{CHOICE} " in out  # decisions after 'firm' carry their equilibrium choice
    assert PATH not in line_with(out, "firm \u2192")


def test_information_sets_and_mixed_behaviour_are_shown() -> None:
    out = show("deterrence_uncertain_resolve")
    assert "info set leader_challenged: 2 nodes" in out
    assert "[p=1/2]" in out and "[1/3]" in out


def test_prisoners_dilemma_marks_the_one_equilibrium_cell() -> None:
    out = show("prisoners_dilemma")
    assert out.count(PATH) == 2  # the cell and the legend
    assert f"{PATH} 1, 1" in line_with(out, "Defect  ")
    assert "No mixed equilibria" in out


def test_battle_of_the_sexes_lists_the_mixed_equilibrium() -> None:
    out = show("battle_of_the_sexes")
    assert f"{PATH} 2, 1" in out and f"{PATH} 1, 2" in out
    assert "Bach 2/3, Stravinsky 1/3" in out and "payoffs (2/3, 2/3)" in out


def test_snyder_marks_both_pure_equilibria() -> None:
    out = show("snyder_alliance_dilemma")
    assert f"{PATH} 0, 3/10" in out and f"{PATH} 0, -1/5" in out
    view = table_view(instantiate("snyder_alliance_dilemma").game)  # type: ignore[arg-type]
    assert view.pure == {(0, 1), (1, 0)}


def test_three_players_mark_rows() -> None:
    out = show("three_player_coordination")
    marked = [line for line in out.splitlines() if line.startswith(f"\u2502 {PATH}")]
    assert len(marked) == len(table_view(_normal("three_player_coordination")).pure) >= 1


def _normal(model: str) -> NormalFormGame:
    game = instantiate(model).game
    assert isinstance(game, NormalFormGame)
    return game


def _tree(model: str) -> GameTree:
    game = instantiate(model).game
    assert isinstance(game, GameTree)
    return game


def test_flagship_is_collapsed_automatically_and_quickly() -> None:
    start = time.perf_counter()
    out = show("alliance_system_reduced")
    assert time.perf_counter() - start < 60
    assert "the tree has 23466 nodes; showing depth \u2264 4" in out
    assert "\u2026 374 nodes" in out and "--path-only" in out
    assert len(out.splitlines()) < 400
    assert f"{PATH} connect" in line_with(out, "connect \u2192")
    assert f"{PATH} refrain \u2192 (-181/500, 0, 0, 0, 0)" in out  # the path is drawn in full


def test_flagship_depth_and_path_only() -> None:
    shallow = show("alliance_system_reduced", "--depth", "1")
    assert "showing depth \u2264 1: 6 of 23466 nodes" in shallow
    assert shallow.count("\u2026 4692 nodes") == 5
    path = show("alliance_system_reduced", "--path-only")
    assert "showing the equilibrium path: 14 of 23466 nodes" in path
    assert "status_quo" in path and "\u2026 4692 nodes" in path


def test_show_json_is_unchanged_by_the_view_options() -> None:
    plain = show("entry_deterrence", "--format", "json")
    assert json.loads(plain)["model"] == "entry_deterrence"
    assert show("entry_deterrence", "--format", "json", "--depth", "1") == plain


def test_views_in_the_library() -> None:
    eq = tree_equilibrium(_tree("entry_deterrence"))
    assert eq is not None and eq.path_edges == {0, 3} and list(eq.payoffs) == [1, 1]
    view = tree_view(_tree("alliance_system_reduced"), path_only=True)
    assert view.shown == 14 and not view.auto
    small = tree_view(_tree("entry_deterrence"), depth=1)
    assert small.shown == 3 and small.hidden_below(1) == 2


@pytest.mark.parametrize("model", ["chicken", "stag_hunt", "matching_pennies"])
def test_every_classic_table_shows(model: str) -> None:
    out = show(model)
    assert "best response" in out


def test_compare_reports_the_root_players_cost_measure_whatever_its_name(tmp_path) -> None:
    """The policy cost is the measure ``<root player>_cost`` (here ``us_cost``); the JSON key stays
    ``leader_cost`` (a contract), and the table says risks are the worst over equilibria."""
    import json

    from tests.cli.entry import run

    model = tmp_path / "us.yaml"
    model.write_text(
        "title: t\nsource: test\nplayers: [us, them]\npolicies: [cheap, dear]\n"
        "tree:\n  player: us\n  actions:\n"
        "    cheap: {player: them, measures: {us_cost: 1}, actions: {a: [1, 0], b: [0, 1]}}\n"
        "    dear: {player: them, measures: {us_cost: 3}, actions: {a: [2, 1], b: [0, 0]}}\n")
    code, out, err = run("compare", str(model), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert {p["policy"]: p["leader_cost"] for p in doc["policies"]} == {"cheap": "1", "dear": "3"}
    assert doc["risk_aggregate"].startswith("worst over")
    code, out, _ = run("compare", str(model))
    assert code == 0 and "worst over each policy's" in out.replace("\n", " ")


def test_models_table_never_cuts_a_model_name_at_80_columns() -> None:
    """Issue 16: ``models`` cut the names one has to type (``snyder_alliance_dil…``)."""
    import io

    from rich.console import Console

    from alliance_games.model.catalog import bundled_models, load_model
    from alliance_games.render.catalog import ModelCatalog, catalog_table

    entries = tuple((e, load_model(e.name)) for e in bundled_models())
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(catalog_table(ModelCatalog(entries)))
    text = console.export_text()
    for entry, _ in entries:
        assert f" {entry.name} " in text, entry.name
