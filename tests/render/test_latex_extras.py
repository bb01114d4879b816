"""LaTeX beyond the basic exports: collapsed trees, symbolic tables of trees, propositions and
sweep tables; golden files and pdflatex compiles.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/test_latex_extras.py``.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from alliance_games.alliance.propositions import PropositionResult
from alliance_games.analysis.export import reduced_symbols, tree_export
from alliance_games.analysis.runs import SweepRun, instantiate
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.cli.export import command as export_command
from alliance_games.cli.propositions import command as propositions_command
from alliance_games.games.reduce import reduced_normal_form
from alliance_games.games.tree import GameTree
from alliance_games.model.symbolic import SymbolicTree
from alliance_games.render import export as latex
from alliance_games.render.dispatch import render
from alliance_games.render.formats import wrap_document
from alliance_games.render.propositions import PropositionChecks
from tests.latex_checks import check_golden, compile_latex


# ---- collapsed trees -----------------------------------------------------------------------
def _collapsed_flagship() -> str:
    t = tree_export(instantiate("alliance_system_reduced"), highlight=True, collapse_depth=3)
    assert t.tree.num_nodes == 36 and len(t.stubs) == 20 and t.original_nodes == 23466
    return latex.istgame_tree(t.tree, highlight_edges=t.highlight_edges, stubs=t.stubs,
                              standalone=True)


def test_collapsed_flagship_golden_andcompile_latex(tmp_path: Path) -> None:
    text = _collapsed_flagship()
    assert r"\istb[very thick, pos=0.65]{connect}" in text
    assert r"\istb[very thick]{refrain}" in text
    assert r"{\scriptsize 1500 nodes}" in text and r"\vdots" in text
    assert r"\frac{181}{500}" in text  # the equilibrium value of the path's stub
    check_golden("alliance_system_reduced_collapsed_istgame.tex", text)
    compile_latex(tmp_path, "flagship", text)


def test_collapse_keeps_values_and_the_path() -> None:
    instance = instantiate("branch_commitment")
    full = tree_export(instance, highlight=True)
    cut = tree_export(instance, highlight=True, collapse_depth=2)
    assert cut.tree.num_nodes == 7 and len(cut.stubs) == 4
    assert sum(cut.stubs.values()) + 7 == full.tree.num_nodes
    # the stub on the path carries the equilibrium payoff of the whole game
    path_leaf = [int(cut.tree.child_index[e]) for e in cut.highlight_edges
                 if cut.tree.kind[int(cut.tree.child_index[e])] == 0]
    assert len(path_leaf) == 1
    assert list(cut.tree.path_payoffs[path_leaf[0]]) == [Fraction(-1, 2), Fraction(-2, 5),
                                                         Fraction(1, 5)]
    assert len(full.highlight_edges) > len(cut.highlight_edges)


def test_big_tree_error_is_one_line_exit_2() -> None:
    run = subprocess.run([sys.executable, "-m", "alliance_games", "export", "alliance_system_reduced",
                          "--to", "latex-tree", "-o", "-"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "23466 nodes" in lines[0] and "--collapse-depth 4" in lines[0]
    assert "--max-nodes" in lines[0]


def test_cli_collapse_depth(tmp_path: Path) -> None:
    result = CliRunner().invoke(export_command, ["branch_commitment", "--to", "latex-tree",
                                                 "--collapse-depth", "3", "--highlight",
                                                 "--symbolic", "--standalone", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert r"\kappa" in result.output and "nodes}" in result.output
    compile_latex(tmp_path, "branch", result.output)


# ---- symbolic tables of trees --------------------------------------------------------------
def test_symbolic_table_of_a_tree() -> None:
    result = CliRunner().invoke(export_command, ["entry_deterrence", "--to", "latex-table",
                                                 "--symbolic", "--highlight", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert r"\boldsymbol{\underline{0}, \underline{\pi}}^{*}" in result.output


def test_symbolic_reduced_form_matches_the_numbers() -> None:
    instance = instantiate("deterrence_uncertain_resolve")
    tree = instance.game
    assert isinstance(tree, GameTree) and isinstance(instance.model.game, SymbolicTree)
    form = reduced_normal_form(tree)
    exprs = reduced_symbols(form, instance.model.game)
    values = {p.symbol: instance.values[p.name] for p in instance.model.parameters}
    for (i, profile), expr in exprs.items():
        number = sympy.nsimplify(expr).subs(values)
        assert Fraction(str(number)) == form.game.payoffs[(i, *profile)]


def test_symbolic_table_of_a_huge_tree_says_why_not() -> None:
    runner = CliRunner()
    result = runner.invoke(export_command, ["alliance_system_reduced", "--to", "latex-table",
                                            "--symbolic", "-o", "-"])
    assert result.exit_code != 0 and "too large for a table" in str(result.exception)


# ---- propositions --------------------------------------------------------------------------
RESULTS = [PropositionResult("P1", "One rival: strengthening keeps reliability (risk \u2264 25%).",
                             True, {"risk": 0.1}),
           PropositionResult("P2", "Two rivals & dual risk: no_traditional policy works.", False)]


def test_propositions_latex_golden_andcompile_latex(tmp_path: Path) -> None:
    text = str(render(PropositionChecks(tuple(RESULTS)), "latex", standalone=True))
    assert r"\toprule" in text and r"\caption{" in text and "1 of 2 pass" in text
    assert r"$\checkmark$ \textbf{PASS}" in text and r"$\times$ \textbf{FAIL}" in text
    assert r"$\leq$ 25\%" in text and r"\&" in text and r"no\_traditional" in text
    check_golden("propositions_table.tex", text)
    compile_latex(tmp_path, "propositions", text)


def test_propositions_cli_latex(monkeypatch: pytest.MonkeyPatch) -> None:
    import alliance_games.alliance.propositions as module

    monkeypatch.setattr(module, "check_all", lambda flagship=None: RESULTS[:1])
    result = CliRunner().invoke(propositions_command, ["--format", "latex", "--standalone"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(r"\documentclass") and "PASS" in result.output


# ---- sweeps --------------------------------------------------------------------------------
POLICIES = ("status_quo", "strengthen_all", "connect")


def _sweep(axes: list[tuple[str, np.ndarray]], reliable: np.ndarray, choice: np.ndarray
           ) -> SweepResult:
    values = np.array(list(itertools.product(*(v for _, v in axes))), dtype=float)
    count, policies = reliable.shape
    return SweepResult(
        model="alliance_system", axes=tuple(axes), fixed={"rival_count": 2, "pooling": 0.5},
        tolerances={"abandonment": 0.25, "entrapment": 0.25}, policies=POLICIES[:policies],
        players=("leader", "ally"), values=values, risks=np.zeros((count, policies, 2, 2)),
        cost=np.zeros((count, policies)), reliable=reliable,
        verdicts=np.where(reliable, "robust", "fails").astype(object), choice=choice,
        exact_fallback=np.zeros(count, dtype=bool),
        latex={"pooling": "s", "cost_share": r"\gamma"})


def _one_axis() -> SweepResult:
    reliable = np.array([[0, 0, 0], [0, 0, 0], [0, 1, 1], [0, 1, 1], [1, 1, 1]], dtype=bool)
    return _sweep([("pooling", np.array([0, 0.25, 0.5, 0.75, 1.0]))], reliable,
                  np.array([0, 0, 2, 2, -1]))


def _two_axes() -> SweepResult:
    grid = np.linspace(0, 1, 11)
    points = list(itertools.product(grid, grid))
    reliable = np.array([[False, a > 0.5, a + b > 0.8] for a, b in points], dtype=bool)
    return _sweep([("pooling", grid), ("cost_share", grid)], reliable,
                  np.where(reliable[:, 2], 2, 0))


def test_sweep_latex_one_axis_golden_andcompile_latex(tmp_path: Path) -> None:
    text = str(render(SweepRun(_one_axis(), {}), "latex", standalone=True))
    assert text.count(r"\\") == 6  # head and five points
    assert r"$0.5$ & $\times$ & $\checkmark$ & $\checkmark$ & connect \\" in text
    assert r"$1$ & $\checkmark$ & $\checkmark$ & $\checkmark$ & -- \\" in text
    check_golden("sweep_one_axis.tex", text)
    compile_latex(tmp_path, "sweep1", text)


def test_sweep_latex_two_axes_is_summarised_by_regime(tmp_path: Path) -> None:
    text = str(render(SweepRun(_two_axes(), {}), "latex"))
    body = [line for line in text.splitlines() if line.endswith(r"\\")]
    assert len(body) == 5  # head and four regimes, not 121 points
    assert sum(int(line.split(" & ")[2]) for line in body[1:]) == 121
    assert r"$0.6$--$1$ & $0$--$1$ & 49 & $\times$ & $\checkmark$ & $\checkmark$ & connect" in text
    check_golden("sweep_two_axes.tex", text)
    compile_latex(tmp_path, "sweep2", wrap_document(text, ["amssymb", "booktabs"]))
