"""LaTeX exports: golden files, the ``export`` and ``report`` commands, and pdflatex compiles.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/test_latex_export.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_games.analysis.export import TableExport, table_export, tree_export
from alliance_games.analysis.runs import instantiate
from alliance_games.cli.export import command as export_command
from alliance_games.cli.report import command as report_command
from alliance_games.errors import GameError
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import bundled_models
from alliance_games.render import export as latex
from alliance_games.render.formats import escape
from alliance_games.render.numbers import tex_number
from tests.latex_checks import PDFLATEX, check_golden, compile_latex


def _table(model: str, **kw: bool) -> TableExport:
    return table_export(instantiate(model), highlight=True, **kw)


def test_prisoners_dilemma_sgamecheck_golden() -> None:
    t = _table("prisoners_dilemma")
    text = latex.sgame_table(t.game, equilibria=t.equilibria)
    assert t.equilibria == [(1, 1)]
    assert r"\boldsymbol{\underline{1}, \underline{1}}" in text
    check_golden("prisoners_dilemma_sgame.tex", text)


def test_prisoners_dilemma_symbolic() -> None:
    t = _table("prisoners_dilemma", symbolic=True)
    text = latex.sgame_table(t.game, equilibria=t.equilibria, symbolic=t.symbolic)
    assert r"$\underline{T}, S$" in text and r"\boldsymbol{\underline{P}, \underline{P}}" in text


def test_battle_of_the_sexes_booktabscheck_golden() -> None:
    t = _table("battle_of_the_sexes")
    text = latex.booktabs_table(t.game, equilibria=t.equilibria)
    assert r"\toprule" in text and text.count(r"\boldsymbol") == 2
    check_golden("battle_of_the_sexes_booktabs.tex", text)


def test_three_player_tablecheck_golden() -> None:
    t = _table("three_player_coordination")
    text = latex.sgame_table(t.game, equilibria=t.equilibria)
    assert text.count(r"\begin{game}") == 2
    check_golden("three_player_coordination_sgame.tex", text)


def test_entry_deterrence_treecheck_golden() -> None:
    t = tree_export(instantiate("entry_deterrence"), highlight=True)
    text = latex.istgame_tree(t.tree, highlight_edges=t.highlight_edges)
    assert r"\istb[very thick]{In}" in text and r"\istb[very thick]{Accommodate}" in text
    check_golden("entry_deterrence_istgame.tex", text)


def test_deterrence_uncertain_resolve_treecheck_golden() -> None:
    t = tree_export(instantiate("deterrence_uncertain_resolve"))
    text = latex.istgame_tree(t.tree)
    assert "[chance node]" in text and r"\xtInfoset(" in text and r"\frac{1}{3}" in text
    check_golden("deterrence_uncertain_resolve_istgame.tex", text)


def test_escape_and_numbers() -> None:
    from fractions import Fraction

    assert escape("a_b & 50%") == r"a\_b \& 50\%"
    assert tex_number(Fraction(-1, 3)) == r"-\frac{1}{3}"
    assert tex_number(Fraction(4)) == "4"


def test_big_tree_refused() -> None:
    tree = instantiate("branch_commitment").game
    with pytest.raises(GameError, match="--max-nodes"):
        latex.istgame_tree(tree, max_nodes=10)


@pytest.mark.parametrize(("model", "target", "needle"), [
    ("prisoners_dilemma", "latex-table", r"\begin{game}{2}{2}"),
    ("entry_deterrence", "latex-table", r"\begin{game}{2}{2}"),
    ("entry_deterrence", "latex-tree", r"\begin{istgame}"),
    ("entry_deterrence", "efg", "EFG 2 R"),
    ("prisoners_dilemma", "nfg", "NFG 1 R"),
    ("chicken", "json", '"model": "chicken"'),
])
def test_cli_export(tmp_path: Path, model: str, target: str, needle: str) -> None:
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(export_command, [model, "--to", target, "--highlight",
                                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert needle in out.read_text()


def test_cli_export_stdout_and_errors() -> None:
    runner = CliRunner()
    ok = runner.invoke(export_command, ["snyder_alliance_dilemma", "--to", "latex-table",
                                        "--symbolic", "--booktabs", "-o", "-"])
    assert ok.exit_code == 0 and r"\toprule" in ok.output and "E_L" in ok.output
    bad = runner.invoke(export_command, ["alliance_system_reduced", "--to", "latex-tree", "-o", "-"])
    assert isinstance(bad.exception, GameError) and "--max-nodes" in str(bad.exception)
    plain = runner.invoke(export_command, ["chicken", "--to", "json"])
    assert plain.exit_code == 0 and '"players"' in plain.output  # no -o: standard output


# ---- compiling ---------------------------------------------------------------------------
def _exports() -> list[tuple[str, str]]:
    cases = []
    for entry in bundled_models():
        game = instantiate(entry.name).game
        if isinstance(game, GameTree):
            if game.num_nodes <= 200:
                cases.append((entry.name, "latex-tree"))
        else:
            cases += [(entry.name, "latex-table"), (entry.name, "booktabs")]
    return cases


@pytest.mark.parametrize(("model", "kind"), _exports())
def test_every_bundled_export_compiles(tmp_path: Path, model: str, kind: str) -> None:
    if PDFLATEX is None:
        pytest.skip("pdflatex not installed")
    args = [model, "--to", "latex-table" if kind == "booktabs" else kind, "--highlight",
            "--standalone", "-o", "-"]
    if kind == "booktabs":
        args.append("--booktabs")
    result = CliRunner().invoke(export_command, args)
    assert result.exit_code == 0, result.output
    compile_latex(tmp_path, model, result.output)


def test_symbolic_table_compiles(tmp_path: Path) -> None:
    result = CliRunner().invoke(export_command, ["snyder_alliance_dilemma", "--to",
                                                 "latex-table", "--symbolic", "--highlight",
                                                 "--standalone", "-o", "-"])
    compile_latex(tmp_path, "snyder", result.output)


def test_compare_table_compiles(tmp_path: Path) -> None:
    from alliance_games.analysis.runs import compare_model
    from alliance_games.render.dispatch import render

    run = compare_model("alliance_system")
    compile_latex(tmp_path, "compare", str(render(run, "latex", standalone=True)))


@pytest.mark.parametrize("model", ["entry_deterrence", "branch_commitment"])
def test_report_compiles(tmp_path: Path, model: str) -> None:
    out = tmp_path / "report.tex"
    result = CliRunner().invoke(report_command, [model, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert r"\section*{Equilibria}" in text and r"\begin{istgame}" in text
    if model == "branch_commitment":
        assert r"\section*{Policy comparison}" in text
    compile_latex(tmp_path, "report", text)
