"""Sweep plots: risk curves and regime maps, their formats, legends and atomic writes.

Results are built directly as :class:`SweepResult` arrays (so the regimes are known), plus one
end-to-end run through the real sweep engine.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.errors import AllianceGamesError, ParameterError
from alliance_games.render.plots import plot_format, regime_label, regimes, sweep_figure, sweep_plot

POLICIES = ("status_quo", "strengthen_all", "connect")
PLAYERS = ("leader", "ally", "rival")
TOLERANCES = {"abandonment": Fraction(35, 100), "entrapment": Fraction(3, 10)}
LATEX = {"pooling": "s", "two_front_prob": "q"}


def _result(axes: list[tuple[str, np.ndarray]], reliable: np.ndarray, choice: np.ndarray,
            latex: dict[str, str] | None = None) -> SweepResult:
    mesh = np.meshgrid(*[v for _, v in axes], indexing="ij")
    values = np.stack([m.ravel() for m in mesh], axis=1)
    count = len(values)
    risks = np.zeros((count, len(POLICIES), len(PLAYERS), 2))
    risks[:, :, 0, 0] = np.where(reliable, 0.2, 0.6)  # the leader's abandonment risk
    risks[:, :, 1, 1] = np.where(reliable, 0.1, 0.4)  # the ally's entrapment risk
    return SweepResult("toy", tuple(axes), {}, dict(TOLERANCES), POLICIES, PLAYERS, values, risks,
                       np.full((count, len(POLICIES)), np.nan), reliable,
                       np.where(reliable, "robust", "fails").astype(object),
                       choice.astype(np.int64), np.zeros(count, dtype=bool),
                       LATEX if latex is None else latex)


def one_axis(points: int = 11) -> SweepResult:
    """connect keeps reliability above s = 0.5, strengthen_all below 0.3; the leader connects
    from 0.6."""
    s = np.linspace(0, 1, points)
    reliable = np.stack([np.zeros(points, bool), s < 0.3, s > 0.5], axis=1)
    return _result([("pooling", s)], reliable, np.where(s > 0.55, 2, 0))


def two_axes() -> SweepResult:
    """A 5 x 4 grid with four regimes: none, connect only, strengthen_all only, both."""
    s, q = np.linspace(0, 1, 5), np.linspace(0, 1, 4)
    ss, qq = (m.ravel() for m in np.meshgrid(s, q, indexing="ij"))
    reliable = np.stack([np.zeros(ss.size, bool), qq < 0.5, ss > 0.4], axis=1)
    return _result([("pooling", s), ("two_front_prob", q)], reliable,
                   np.where(ss > 0.6, 2, np.where(qq < 0.5, 1, -1)))


def _legend_texts(result: SweepResult) -> list[list[str]]:
    from matplotlib.legend import Legend

    figure = sweep_figure(result)
    legends = [*figure.legends, *(a for ax in figure.axes for a in ax.get_children()
                                  if isinstance(a, Legend))]
    return [[t.get_text() for t in legend.get_texts()] for legend in legends]


# ---- files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [one_axis, two_axes])
def test_png_pdf_svg_are_written_and_valid(tmp_path: Path, make: object) -> None:
    result = make()  # type: ignore[operator]
    for suffix in ("png", "pdf", "svg"):
        sweep_plot(result, str(tmp_path / f"plot.{suffix}"))
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "plot.pdf").read_bytes()[:5] == b"%PDF-"
    svg = (tmp_path / "plot.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "$s$ (pooling)" in svg  # the x axis: the LaTeX symbol and the name
    if len(result.axes) == 2:
        assert "$q$ (two_front_prob)" in svg
    # atomic writes leave no temporary files behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.pdf", "plot.png", "plot.svg"]


def test_png_resolution_and_upper_case_suffix(tmp_path: Path) -> None:
    target = tmp_path / "MAP.PNG"
    sweep_plot(two_axes(), str(target))
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # pHYs chunk: pixels per metre for 200 dpi is 7874
    at = data.index(b"pHYs")
    assert int.from_bytes(data[at + 4:at + 8], "big") == 7874


def test_overwrites_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "map.pdf"
    target.write_text("old")
    sweep_plot(two_axes(), str(target))
    assert target.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == ["map.pdf"]


@pytest.mark.parametrize("name", ["plot.jpg", "plot", "plot.pdf.txt", "plot.eps"])
def test_bad_suffix_raises_parameter_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(ParameterError) as info:
        sweep_plot(two_axes(), str(tmp_path / name))
    message = str(info.value)
    assert "\n" not in message and ".pdf" in message and ".svg" in message and ".png" in message
    assert list(tmp_path.iterdir()) == []
    assert plot_format("x.Svg") == "svg"


def test_missing_folder_and_failed_render_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(AllianceGamesError, match="does not exist"):
        sweep_plot(two_axes(), str(tmp_path / "nowhere" / "map.pdf"))
    three = _result([("pooling", np.array([0.0, 1.0])), ("two_front_prob", np.array([0.0])),
                     ("binding", np.array([0.5]))], np.zeros((2, 3), bool), np.zeros(2))
    with pytest.raises(ParameterError, match="3 parameters"):
        sweep_plot(three, str(tmp_path / "map.pdf"))
    assert list(tmp_path.iterdir()) == []


def test_matplotlib_is_imported_lazily() -> None:
    code = ("import sys, alliance_games.render.plots\n"
            "print(any(m == 'matplotlib' or m.startswith('matplotlib.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- content ---------------------------------------------------------------------------------
def test_regime_sets_and_labels() -> None:
    assert regime_label([]) == "none"
    assert regime_label(["connect"]) == "connect only"
    assert regime_label(["strengthen_all", "connect"]) == "connect, strengthen_all"
    result = two_axes()
    codes, labels = regimes(result)
    assert labels == ("none", "connect only", "strengthen_all only", "connect, strengthen_all")
    # point (s = 1, q = 0) is the last of the first row of q: both policies keep reliability
    assert labels[codes[4 * 4]] == "connect, strengthen_all"
    assert labels[codes[3]] == "none"  # s = 0, q = 1


def test_regime_map_legend_lists_the_sets_and_the_picks() -> None:
    texts = _legend_texts(two_axes())
    assert ["none", "connect only", "strengthen_all only", "connect, strengthen_all"] in texts
    picks = next(t for t in texts if "connect" in t and "none" in t and "regime boundary" in t)
    assert picks[:3] == ["strengthen_all", "connect", "none"]


def test_regime_map_draws_boundaries_between_cells() -> None:
    from matplotlib.collections import LineCollection

    figure = sweep_figure(two_axes())
    ax = figure.axes[0]
    assert ax.get_xlabel() == "$s$ (pooling)" and ax.get_ylabel() == "$q$ (two_front_prob)"
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = [np.asarray(seg) for c in lines for seg in c.get_segments()]
    assert segments
    xe = [-0.125, 0.125, 0.375, 0.625, 0.875, 1.125]
    ye = [-1 / 6, 1 / 6, 0.5, 5 / 6, 7 / 6]
    for seg in segments:  # every boundary runs along cell edges
        assert any(np.allclose(seg[:, 0], x) for x in xe) or any(np.allclose(seg[:, 1], y)
                                                                for y in ye)


def test_risk_plot_panels_legend_and_labels() -> None:
    result = one_axis()
    figure = sweep_figure(result)
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert [t for t in titles if t] == list(POLICIES)
    texts = [t for legend in _legend_texts(result) for t in legend]
    assert {"leader", "ally", "abandonment risk", "entrapment risk", "keeps reliability",
            "the leader's pick", "abandonment tolerance (0.35)",
            "entrapment tolerance (0.3)"} <= set(texts)
    assert "rival" not in texts  # no risk anywhere: not drawn, and said so
    assert figure.get_supxlabel() == "$s$ (pooling)"
    connect = figure.axes[2]
    shaded = [p for p in connect.patches if p.get_facecolor()[:3] != (0.0, 0.0, 0.0)]
    assert shaded  # the reliable range of connect is shaded


def test_labels_without_latex_or_with_unsupported_latex(tmp_path: Path) -> None:
    plain = two_axes()
    bare = _result(list(plain.axes), plain.reliable, plain.choice, latex={})
    assert sweep_figure(bare).axes[0].get_xlabel() == "pooling"
    odd = _result(list(plain.axes), plain.reliable, plain.choice,
                  latex={"pooling": r"\notacommand{", "two_front_prob": "q"})
    figure = sweep_figure(odd)
    assert figure.axes[0].get_xlabel() == "pooling"
    sweep_plot(odd, str(tmp_path / "odd.png"))


def test_small_and_unsorted_grids(tmp_path: Path) -> None:
    single = _result([("pooling", np.array([0.4]))], np.array([[False, True, True]]),
                     np.array([1]))
    sweep_plot(single, str(tmp_path / "single.png"))
    listed = _result([("pooling", np.array([0.9, 0.1, 0.5]))],
                     np.array([[True, False, True], [False, False, False], [True, True, True]]),
                     np.array([2, -1, 0]))
    sweep_plot(listed, str(tmp_path / "listed.svg"))
    row = _result([("pooling", np.linspace(0, 1, 3)), ("two_front_prob", np.array([0.5]))],
                  np.array([[True, False, False]] * 3), np.array([0, 0, -1]))
    sweep_plot(row, str(tmp_path / "row.pdf"))
    assert len(list(tmp_path.iterdir())) == 3


# ---- end to end ------------------------------------------------------------------------------
def test_real_sweep_regime_map(tmp_path: Path) -> None:
    from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
    from alliance_games.analysis.sweep.engine import sweep
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    compiled = compile_model(load_model("branch_commitment"))
    axes = [("commit_loose", np.linspace(0, 1, 6)), ("tie_cost", np.linspace(0, 2, 5))]
    result = sweep(compiled, axes, {}, tolerances=DEFAULT_TOLERANCES)
    target = tmp_path / "regimes.svg"
    sweep_plot(result, str(target))
    svg = target.read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "$k_0$ (commit_loose)" in svg and "$t$ (tie_cost)" in svg
    codes, labels = regimes(result)
    for label in labels:
        assert label in svg
