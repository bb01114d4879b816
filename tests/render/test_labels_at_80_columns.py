"""Issue 16: at 80 columns no label of an equilibria table is cut; every one can be read back.

Every bundled model's ``solve`` table (the flagship's full tree only through ``compare``: its
solve takes minutes) is laid out by the real renderers 80 columns wide. The test reads the
printed text back, as a user would: the cells of each player (a column per player, or a row per
player), the legend of short names under the table, and rebuilds each shown label into the full
label of the JSON, with no knowledge of how the renderer shortened it beyond the documented rule
(``P@`` dropped in P's own place, ``Ik`` spelled out in the legend).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from alliance_games.analysis.runs import compare_model, instantiate, solve_instance
from alliance_games.model.catalog import bundled_models
from alliance_games.render.dispatch import render
from alliance_games.render.labels import INDENT, pieces, strategy_labels, wrap
from tests.cli.entry import run

WIDTH = 80
SLOW = {"alliance_system"}  # its solve takes minutes: its compare is checked instead
PROBABILITY = re.compile(r":(-?[0-9]+(?:/[0-9]+)?|-?[0-9]*\.[0-9]+(?:e-?[0-9]+)?)$")


def printed(renderable: object, width: int = WIDTH) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def solve_text(model: str, *, all_sets: bool = True
               ) -> tuple[str, dict[str, dict[str, object]], list[str]]:
    """The table at 80 columns, each player's labels played with positive probability (of every
    equilibrium, in order) and the players. ``all_sets``: every information set (``--all-sets``);
    else a large tree's table shows the sets on the path (``record.on_path``), and so does
    ``played``."""
    instance = instantiate(model)
    result, records = solve_instance(instance, "auto")
    text = printed(render(result, "table", instance=instance, records=records, all_sets=all_sets))
    shown = [r.on_path.profile if r.on_path and r.on_path.condensed and not all_sets else r.profile
             for r in records]
    played = [{p: {label for label, prob in profile[p].items() if prob != 0}
               for p in result.game.players} for profile in shown]
    return text, played, list(result.game.players)  # type: ignore[return-value]


# ---- reading the printed table back --------------------------------------------------------
def _cells(line: str, bar: str) -> list[str]:
    return [cell[1:] if cell.startswith(" ") else cell for cell in line.split(bar)[1:-1]]


def read_table(text: str) -> tuple[dict[tuple[int, str], list[str]], dict[str, str]]:
    """(equilibrium, player) -> the printed lines of that player's strategy; the legend."""
    lines = text.splitlines()
    header_rows = [_cells(line, "\u2503") for line in lines if line.startswith("\u2503")]
    names = [" ".join(row[k].strip() for row in header_rows if row[k].strip())
             for k in range(len(header_rows[0]))]
    cells: dict[tuple[int, str], list[str]] = {}
    long_form = "player" in names and "strategy" in names
    eq, player = 0, ""
    for line in lines:
        if line.startswith(("\u251c", "\u2514")) and not long_form:
            eq = 0
        if not line.startswith("\u2502"):
            continue
        row = dict(zip(names, _cells(line, "\u2502"), strict=True))
        if row["#"].strip():
            eq = int(row["#"])
        if long_form:
            player = row["player"].strip() or player
            cells.setdefault((eq, player), []).append(row["strategy"].rstrip())
        else:
            for name, cell in row.items():
                if name not in ("#", "payoffs", "max regret", "beliefs", "refinements"):
                    cells.setdefault((eq, name), []).append(cell.rstrip())
    return cells, read_legend(lines)


def read_legend(lines: list[str]) -> dict[str, str]:
    legend: dict[str, str] = {}
    if "information sets:" not in lines:
        return legend
    last = ""
    for line in lines[lines.index("information sets:") + 1:]:
        if not line.strip():
            continue
        if line.startswith(" "):
            legend[last] += line.strip()
            continue
        short, _, full = line.partition(" ")
        if not re.fullmatch(r"I[0-9]+", short):
            break
        assert short not in legend, f"short name {short} given twice"
        legend[short], last = full.strip(), short
    return legend


def logical_lines(printed_lines: list[str]) -> list[str]:
    """A cell's labels: a line indented by INDENT continues the label above it."""
    out: list[str] = []
    for line in printed_lines:
        if not line.strip():
            continue
        if line.startswith(" " * INDENT) and out:
            out[-1] += line.strip()
        else:
            out.append(line.strip())
    return [re.sub(r"\s", "", label) for label in out]


def recovered(shown: list[str], player: str, legend: dict[str, str], known: set[str]) -> set[str]:
    """The full labels that ``shown`` (one player's printed labels) stand for."""
    labels = set()
    for label in shown:
        if label not in known:
            label = PROBABILITY.sub("", label)
        infoset, sep, action = label.rpartition(":")
        if sep and infoset in legend:
            label = f"{legend[infoset]}:{action}"
        if label not in known and f"{player}@{label}" in known:
            label = f"{player}@{label}"
        labels.add(label)
    return labels


# ---- the tests -----------------------------------------------------------------------------
MODELS = [e.name for e in bundled_models() if e.name not in SLOW]


@pytest.mark.parametrize("all_sets", [True, False], ids=["all-sets", "on-path"])
@pytest.mark.parametrize("model", MODELS)
def test_every_label_of_every_solve_table_reads_back_at_80_columns(model: str, all_sets: bool
                                                                    ) -> None:
    text, played, players = solve_text(model, all_sets=all_sets)
    assert "\u2026" not in text, "a cell was cut with an ellipsis"
    assert max(map(len, text.splitlines())) <= WIDTH
    cells, legend = read_table(text)
    for n, profile in enumerate(played, start=1):
        for player in players:
            full = profile[player]
            assert isinstance(full, set)
            shown = logical_lines(cells[n, player])
            assert len(shown) == len(full), f"equilibrium {n}, {player}: {shown}"
            assert recovered(shown, player, legend, full) == full, f"equilibrium {n}, {player}"


def test_the_flagship_wraps_then_abbreviates_then_turns_a_row_per_player() -> None:
    """Five players with paths of 80 characters: a row per player and numbered information sets,
    each in the legend with its full name; the same short name in every row it appears in."""
    text, _, _ = solve_text("alliance_system_reduced")
    cells, legend = read_table(text)
    assert {"player", "strategy"} <= set(text.splitlines()[next(
        k for k, line in enumerate(text.splitlines()) if line.startswith("\u2503"))].split())
    assert len(legend) > 100 and len(set(legend.values())) == len(legend)
    assert "root:connect" in logical_lines(cells[1, "leader"])


def test_short_forms_are_unique_and_prefixes_drop_only_when_unambiguous(tmp_path: Path) -> None:
    """An information set named like a short name, and one that would read like another once its
    owner's prefix is dropped, still show as distinct labels."""
    model = tmp_path / "clash.yaml"
    model.write_text(
        "title: t\nplayers: [p, q]\ntree:\n  player: p\n  infoset: I2\n  actions:\n"
        "    a:\n      player: q\n      actions:\n"
        "        x: {player: p, infoset: q, actions: {u: [1, 0], v: [0, 1]}}\n"
        "        y: {player: p, actions: {u: [0, 0], v: [1, 1]}}\n"
        "    b: [0, 0]\n")
    game = instantiate(str(model)).game
    for how in ({}, {"abbreviate": True}, {"verbatim": True}):
        labels = strategy_labels(game, **how)
        for player, shown in labels.shown.items():
            assert len(set(shown.values())) == len(shown), (how, player, shown)
        assert len(set(labels.legend)) == len(labels.legend)
    short = strategy_labels(game, abbreviate=True)
    assert short.shown["p"]["I2:a"] == "I1:a" and short.legend["I1"] == "I2"
    assert short.shown["q"]["q@a:x"] == "a:x"  # q's own prefix dropped
    assert short.shown["p"]["p@a/y:u"] == "a/y:u"


def test_cells_wrap_only_between_pieces_and_never_split_a_fraction() -> None:
    label = "loose/refrain/provoke/crisis/prohibitive:abandon: 1/2"
    rows = wrap(label, 14)
    assert all(len(row) <= 14 for row in rows)
    assert all(row.startswith(" " * INDENT) for row in rows[1:])
    assert re.sub(r"\s", "", "".join(rows)) == label.replace(" ", "")
    assert "1/2" in rows[-1] and pieces("x: 1/2")[-1] == "1/2"


def test_compare_tables_never_cut_a_policy_or_player_at_80_columns() -> None:
    for model in ("alliance_system", "alliance_system_reduced", "branch_commitment"):
        run_ = compare_model(model, {})
        text = printed(render(run_, "table"))
        assert "\u2026" not in text and max(map(len, text.splitlines())) <= WIDTH
        for policy in run_.comparison.policies:
            assert re.search(rf"\b{policy.policy}\b", text), (model, policy.policy)


def test_wide_prints_every_label_verbatim_on_one_line() -> None:
    code, out, err = run("solve", "deterrence_uncertain_resolve", "--wide")
    assert code == 0, err
    for label in ("leader_challenged:Defend: 1/2", "rival@Resolute:Challenge",
                  "rival@Irresolute:Challenge: 1/4", "rival@Irresolute:Stay: 3/4"):
        assert label in out
    assert "information sets:" not in out and "\u2026" not in out
    code, out, err = run("solve", "branch_commitment", "--wide")
    assert code == 0, err
    assert "ally@loose/refrain/provoke/crisis/prohibitive/abandon:hedge" in out
    code, out, err = run("compare", "branch_commitment", "--wide")
    assert code == 0 and "loose" in out


def test_json_is_unchanged_by_wide() -> None:
    plain = run("solve", "branch_commitment", "--format", "json")
    assert run("solve", "branch_commitment", "--format", "json", "--wide") == plain
