"""The report's regime plot: the default sweep, the PDF beside the .tex, and the figure compiling."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from alliance_games.alliance import report_defaults as defaults
from alliance_games.alliance.report_defaults import (
    DEFAULT_POINTS,
    default_axes,
    grid_values,
    report_sweep,
)
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.cli.report import command as report_command
from alliance_games.cli.report import regime_plot_path
from alliance_games.errors import AllianceGamesError
from alliance_games.model.catalog import load_model

PDFLATEX = shutil.which("pdflatex")


def _pdflatex(folder: Path, name: str) -> None:
    if PDFLATEX is None:
        pytest.skip("pdflatex not installed")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                         cwd=folder, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (folder / f"{name}.pdf").exists()


# ---- the default sweep -----------------------------------------------------------------------
def test_alliance_system_reduced_names_its_default_sweep() -> None:
    axes = default_axes(load_model("alliance_system_reduced"))
    assert [name for name, _ in axes] == ["pooling", "two_front_prob"]
    for _, values in axes:
        assert len(values) == DEFAULT_POINTS == 21
        assert values[0] == 0 and values[-1] == 1


def test_the_flagship_names_a_coarse_default_sweep() -> None:
    """Each point of ``alliance_system`` is an imperfect-information solve: 5 x 5, not 21 x 21."""
    axes = default_axes(load_model("alliance_system"))
    assert [name for name, _ in axes] == ["pooling", "capacity_link"]
    assert list(axes[0][1]) == [0, 0.5, 1, 1.5, 2] and list(axes[1][1]) == [0, 0.25, 0.5, 0.75, 1]


def test_other_models_sweep_their_first_two_ranged_parameters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    axes = default_axes(load_model("branch_commitment"), points=5)
    assert [name for name, _ in axes] == ["commit_loose", "commit_firm"]
    assert np.allclose(axes[0][1], [0, 0.25, 0.5, 0.75, 1])
    # without its named sweep, alliance_system_reduced skips rival_count (a list of values, no range)
    monkeypatch.setattr(defaults, "DEFAULT_SWEEPS", {})
    assert [n for n, _ in default_axes(load_model("alliance_system_reduced"))] == [
        "pooling", "cost_sharing"]


def test_grid_values_are_the_floats_nearest_the_exact_grid() -> None:
    values = grid_values((0, 1), 21)
    assert [repr(float(v)) for v in values[18:]] == ["0.9", "0.95", "1.0"]  # not 0.9500000000000001
    assert list(grid_values((-2, 2), 5)) == [-2, -1, 0, 1, 2]
    assert list(grid_values((0.5, 1), 1)) == [0.5]


def test_no_sweep_without_policies() -> None:
    assert report_sweep("entry_deterrence") is None


def test_report_sweep_keeps_the_set_values_and_tolerances() -> None:
    result = report_sweep("branch_commitment", {"tie_cost": "1/2"},
                          tolerances={"abandonment": "0.3"}, points=3)
    assert result is not None
    assert result.axis_names == ("commit_loose", "commit_firm") and result.shape == (3, 3)
    assert result.count == 9 and result.reliable.shape == (9, 2)
    assert result.tolerances["abandonment"] == Fraction(3, 10)
    assert result.latex["commit_loose"] == "k_0"
    baseline = report_sweep("branch_commitment", points=3)
    assert baseline is not None and not np.array_equal(baseline.risks, result.risks)


def test_regime_plot_path() -> None:
    assert regime_plot_path("out/report.tex") == Path("out/report-regimes.pdf")
    assert regime_plot_path("my report#1.tex").name == "my-report-1-regimes.pdf"


# ---- the command -----------------------------------------------------------------------------
def test_report_writes_the_regime_plot_and_compiles(tmp_path: Path) -> None:
    out = tmp_path / "report.tex"
    result = CliRunner().invoke(report_command, ["branch_commitment", "-o", str(out)])
    assert result.exit_code == 0, result.output
    plot = tmp_path / "report-regimes.pdf"
    assert plot.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report-regimes.pdf", "report.tex"]
    text = out.read_text()
    assert r"\section*{Regimes}" in text
    assert r"\includegraphics[width=\linewidth]{report-regimes.pdf}" in text
    assert r"\caption{Regimes over $k_0$ (commit\_loose) and $k_1$ (commit\_firm)." in text
    assert r"21 $\times$ 21 points" in text
    _pdflatex(tmp_path, "report")


def test_report_without_regimes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    out = tmp_path / "report.tex"
    skipped = runner.invoke(report_command, ["branch_commitment", "--no-regimes", "-o", str(out)])
    assert skipped.exit_code == 0, skipped.output
    assert [p.name for p in tmp_path.iterdir()] == ["report.tex"]
    assert "No regime plot" in out.read_text() and r"\includegraphics" not in out.read_text()
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    printed = runner.invoke(report_command, ["branch_commitment", "-o", "-"])
    assert printed.exit_code == 0 and "No regime plot" in printed.output
    assert list(folder.iterdir()) == []  # standard output: no plot file anywhere


def test_models_without_policies_have_no_regimes_section(tmp_path: Path) -> None:
    out = tmp_path / "report.tex"
    result = CliRunner().invoke(report_command, ["entry_deterrence", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert r"\section*{Regimes}" not in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["report.tex"]


def test_missing_folder_fails_before_sweeping(tmp_path: Path) -> None:
    result = CliRunner().invoke(report_command, ["branch_commitment", "-o",
                                                 str(tmp_path / "nowhere" / "report.tex")])
    assert isinstance(result.exception, AllianceGamesError)
    assert "does not exist" in str(result.exception)


def test_one_parameter_sweep_gets_a_risk_plot(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(defaults, "DEFAULT_SWEEPS", {"branch_commitment": ("tie_cost",)})
    out = tmp_path / "one.tex"
    result = CliRunner().invoke(report_command, ["branch_commitment", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert r"\includegraphics[width=\linewidth]{one-regimes.pdf}" in text
    assert r"\caption{Risks against $t$ (tie\_cost), one panel per policy." in text
    _pdflatex(tmp_path, "one")


def test_summary_counts_regimes_and_picks() -> None:
    from alliance_games.render.report import _regime_summary

    reliable = np.array([[True, False], [True, True], [False, False], [True, False]])
    result = SweepResult("toy", (("x", np.array([0.0, 1.0])), ("y", np.array([0.0, 1.0]))), {},
                         {"abandonment": Fraction(35, 100), "entrapment": Fraction(3, 10)},
                         ("loose", "firm"), ("leader",), np.zeros((4, 2)),
                         np.zeros((4, 2, 1, 2)), np.zeros((4, 2)), reliable,
                         np.array([["robust"] * 2] * 4, dtype=object),
                         np.array([0, 1, -1, 0]), np.zeros(4, dtype=bool), {"x": r"\alpha"})
    text = " ".join(_regime_summary(result))
    assert r"$\alpha$ (x) and y (2 $\times$ 2 points" in text
    # by share, ties in legend order
    assert r"loose only (50\,\%); none (25\,\%); firm, loose (25\,\%)" in text
    assert r"The leader picks loose (50\,\%); firm (25\,\%)." in text


def test_alliance_system_reduced_report_compiles_with_its_regime_map(tmp_path: Path) -> None:
    out = tmp_path / "flagship.tex"
    result = CliRunner().invoke(report_command, ["alliance_system_reduced", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert r"\includegraphics[width=\linewidth]{flagship-regimes.pdf}" in text
    assert r"Regimes over $s$ (pooling) and $q$ (two\_front\_prob)" in text
    assert "connect only" in text
    assert "more moves)" in text  # the big tree's equilibrium profile is abridged
    assert max(len(line) for line in text.splitlines()) < 5000
    _pdflatex(tmp_path, "flagship")


def test_report_param_chooses_the_regime_map_axes() -> None:
    """Issue 16: ``report --param A --param B`` picks the axes; a bad name is refused clearly."""
    from alliance_games.errors import ParameterError
    from alliance_games.model.catalog import load_model

    model = load_model("alliance_system_reduced")
    axes = defaults.default_axes(model, 5, ("restraint", "binding"))
    assert [name for name, _ in axes] == ["restraint", "binding"]
    assert list(axes[0][1]) == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ParameterError, match="--param rival_count: not a parameter"):
        defaults.default_axes(model, 5, ("rival_count",))
