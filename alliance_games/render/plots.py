"""Publication plots of a parameter sweep: risk curves over one parameter, regime maps over two.

:func:`sweep_plot` writes a :class:`~alliance_games.analysis.sweep.result.SweepResult` as a figure
whose format follows the file's suffix (``.pdf`` and ``.svg`` vector, ``.png`` at 200 dpi):

* one swept parameter: small multiples, one panel per policy, with every player's abandonment and
  entrapment risk against the parameter, the tolerances as dashed lines, the ranges where the
  policy keeps reliability shaded and a black strip along the top where the leader picks it;
* two swept parameters: a regime map, each grid cell coloured by the set of policies that keep
  reliability there, hatched by the policy the leader picks, with the boundaries between regimes
  (solid) and between the leader's choices (dashed) drawn along the cells' edges.

:func:`quantity_plot` draws an equilibrium sweep
(:class:`~alliance_games.analysis.sweep.equilibria.EquilibriumSweep`) over one parameter: one
panel per watched quantity, every equilibrium's value as a dot, the maximum and minimum over the
equilibria as lines.

Axes carry the parameters' LaTeX symbols (``result.latex``) and names. matplotlib is imported
inside the functions, so importing this module stays cheap; figures are built with the
object-oriented API (no pyplot, no display, no global backend switch). Nothing here solves a game:
the reliable sets are read from ``result.reliable``, the leader's pick from ``result.choice``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from alliance_games.analysis.reliability import RISK_KINDS
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.errors import ParameterError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from alliance_games.analysis.sweep.equilibria import EquilibriumSweep

FORMATS = {".pdf": "pdf", ".svg": "svg", ".png": "png"}
"""The suffixes :func:`sweep_plot` understands and the format each one selects."""

PNG_DPI = 200
METADATA: dict[str, dict[str, Any]] = {  # no creation dates: the same sweep, the same bytes
    "pdf": {"Creator": "alliance-games", "CreationDate": None},
    "svg": {"Creator": "alliance-games", "Date": None},
    "png": {"Software": "alliance-games"},
}

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                "#F0E442")
# Paul Tol's "light" scheme, pale enough for hatching and lines to show on top.
REGION_COLOURS = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33",
                  "#AAAA00")
NONE_COLOUR = "#DDDDDD"
RELIABLE_SHADE = "#CFE8CF"
HATCHES = ("//", "\\\\", "..", "xx", "||", "--", "++", "oo")
KIND_STYLES = {"abandonment": "-", "entrapment": (0, (1.2, 1.2))}
TOLERANCE_STYLES = {"abandonment": (0, (6, 2.5)), "entrapment": (0, (2.5, 2))}

STYLE: dict[str, Any] = {
    "font.family": "serif",
    "font.serif": ["STIXGeneral", "DejaVu Serif"],
    "mathtext.fontset": "stix",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.linewidth": 0.7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.frameon": False,
    "hatch.linewidth": 0.5,
    "pdf.fonttype": 42,
    "svg.fonttype": "none",
    "svg.hashsalt": "alliance-games",
}
"""Publication defaults applied while a figure is built and saved (and restored afterwards)."""


def plot_format(path: str) -> str:
    """The output format ``path``'s suffix selects (``pdf``, ``svg`` or ``png``).

    Raises
    ------
    ParameterError
        When the suffix is none of ``.pdf``, ``.svg``, ``.png``.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        allowed = ", ".join(FORMATS)
        shown = f"suffix {suffix!r}" if suffix else "no suffix"
        raise ParameterError(f"{path}: cannot plot to a file with {shown}; use one of {allowed}")
    return FORMATS[suffix]


def sweep_plot(result: SweepResult, path: str, *, force: bool = False) -> None:
    """Draw ``result`` (risk curves for one swept parameter, a regime map for two) into ``path``.

    The format follows the suffix (see :data:`FORMATS`); the figure is drawn in memory, then
    written by :func:`~alliance_games.render.output_target.write_output` (a regular file
    atomically, keeping its mode; a device or FIFO written through; a read-only file only with
    ``force``), so no half-written plot is ever left.

    Raises
    ------
    ParameterError
        For an unknown suffix, or a sweep over no or more than two parameters.
    OutputError
        When the target folder does not exist, the file is read-only (without ``force``) or
        writing fails.
    """
    fmt = plot_format(path)
    from matplotlib import rc_context

    with rc_context(cast(Any, STYLE)):
        figure = sweep_figure(result)
        _save(figure, path, fmt, force)


def sweep_figure(result: SweepResult) -> Figure:
    """The figure :func:`sweep_plot` saves (for callers that want to adjust or embed it)."""
    from matplotlib import rc_context

    with rc_context(cast(Any, STYLE)):
        if len(result.axes) == 1:
            return _risk_figure(result)
        if len(result.axes) == 2:
            return _regime_figure(result)
    raise ParameterError(f"a sweep over {len(result.axes)} parameters cannot be plotted; plots "
                         "show one swept parameter (risk curves) or two (a regime map)")


def quantity_plot(result: EquilibriumSweep, path: str, *, force: bool = False) -> None:
    """Draw the shown quantities of an equilibrium sweep over one parameter into ``path``
    (written atomically, format by suffix as for :func:`sweep_plot`)."""
    fmt = plot_format(path)
    from matplotlib import rc_context

    with rc_context(cast(Any, STYLE)):
        _save(quantity_figure(result), path, fmt, force)


def quantity_figure(result: EquilibriumSweep) -> Figure:
    """One panel per shown quantity (the watched ones, else every expected payoff) against the
    swept parameter: every equilibrium's value as a dot, the maximum and minimum over the
    equilibria as lines (``count``: the number of equilibria as a step line)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if len(result.axes) != 1:
        raise ParameterError(f"a sweep of equilibria over {len(result.axes)} parameters cannot "
                             "be plotted; its plots show quantities against one parameter")
    name = result.axes[0][0]
    shown = result.shown()
    x = np.array([p.values[name] for p in result.points], dtype=float)
    order = np.argsort(x, kind="stable")
    ncols = min(len(shown), 2)
    nrows = math.ceil(len(shown) / ncols)
    with rc_context(cast(Any, STYLE)):
        figure = Figure(figsize=(7.0 if ncols > 1 else 4.6, 0.9 + 1.9 * nrows),
                        layout="constrained")
        panels = list(figure.subplots(nrows, ncols, sharex=True, squeeze=False).ravel())
        for ax, quantity in zip(panels, shown, strict=False):
            values = [[float(v) for v in result.points[i].quantity(quantity)] for i in order]
            ax.set_title(quantity.spec, loc="left")
            if not quantity.per_equilibrium:
                ax.step(x[order], [v[0] for v in values], where="mid", color=LINE_COLOURS[0])
                continue
            dots = [(x[i], v) for i, vs in zip(order, values, strict=True) for v in vs]
            if dots:
                ax.plot(*zip(*dots, strict=True), ls="none", marker="o", ms=2.5,
                        color=LINE_COLOURS[1], zorder=3)
            has = [k for k, vs in enumerate(values) if vs]
            for pick, style in ((max, "-"), (min, (0, (3, 2)))):
                ax.plot(x[order][has], [pick(values[k]) for k in has], ls=style, lw=1.0,
                        color=LINE_COLOURS[0], zorder=2)
        for ax in panels[len(shown):]:
            ax.axis("off")
        handles = [Line2D([], [], ls="none", marker="o", ms=2.5, color=LINE_COLOURS[1],
                          label="an equilibrium"),
                   Line2D([], [], color=LINE_COLOURS[0], lw=1.0, label="maximum over equilibria"),
                   Line2D([], [], color=LINE_COLOURS[0], lw=1.0, ls=(0, (3, 2)),
                          label="minimum over equilibria")]
        figure.legend(handles=handles, loc="outside upper center", ncols=3)
        figure.supxlabel(axis_label(result, name), fontsize=9)
    return figure


# ---- labels and regimes ----------------------------------------------------------------------
def axis_label(result: SweepResult | EquilibriumSweep, name: str) -> str:
    """``"$s$ (pooling)"``: the parameter's LaTeX symbol (when mathtext can set it) and name."""
    symbol = result.latex.get(name, "").strip()
    if not symbol or not _mathtext_ok(symbol):
        return name
    return f"${symbol}$ ({name})"


def _mathtext_ok(symbol: str) -> bool:
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${symbol}$")
    except ValueError:
        return False
    return True


def regime_label(policies: Sequence[str]) -> str:
    """A reliable set's legend text: ``"none"``, ``"connect only"``, ``"connect, strengthen_all"``."""
    names = sorted(policies)
    if not names:
        return "none"
    if len(names) == 1:
        return f"{names[0]} only"
    return ", ".join(names)


def regimes(result: SweepResult) -> tuple[np.ndarray, tuple[str, ...]]:
    """Every point's regime (the set of policies that keep reliability there) and their labels.

    Returns ``(codes, labels)``: ``codes[i]`` indexes ``labels`` for point ``i``. Labels are
    ordered by the size of the set, then alphabetically, so ``"none"`` comes first.
    """
    reliable = np.asarray(result.reliable, dtype=bool).reshape(result.count, len(result.policies))
    keys = [tuple(result.policies[k] for k in np.flatnonzero(row)) for row in reliable]
    distinct = sorted(set(keys), key=lambda key: (len(key), regime_label(key)))
    index = {key: i for i, key in enumerate(distinct)}
    codes = np.array([index[key] for key in keys], dtype=np.int64)
    return codes, tuple(regime_label(key) for key in distinct)


def _tolerance_text(result: SweepResult) -> str:
    parts = [f"{kind} risk \u2264 {float(result.tolerances[kind]):g}"
             for kind in RISK_KINDS if kind in result.tolerances]
    return ",\n".join(parts)


def _cell_edges(values: np.ndarray) -> np.ndarray:
    """Edges of the cells around sorted grid values: midpoints, and half a step beyond the ends."""
    if len(values) == 1:
        half = 0.05 * abs(float(values[0])) or 0.5
        return np.array([values[0] - half, values[0] + half], dtype=float)
    mid = (values[1:] + values[:-1]) / 2
    return np.concatenate([[values[0] - (mid[0] - values[0])], mid,
                           [values[-1] + (values[-1] - mid[-1])]])


def _runs(mask: np.ndarray, edges: np.ndarray) -> Iterator[tuple[float, float]]:
    """The intervals (in edge coordinates) covered by runs of ``True`` in ``mask``."""
    start = None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            yield float(edges[start]), float(edges[i])
            start = None
    if start is not None:
        yield float(edges[start]), float(edges[len(mask)])


# ---- one parameter: risk curves --------------------------------------------------------------
def _risk_figure(result: SweepResult) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    name = result.axes[0][0]
    order = np.argsort(result.values[:, 0], kind="stable")
    x = result.values[order, 0]
    risks = result.risks[order]
    reliable = np.asarray(result.reliable, dtype=bool)[order]
    choice = result.choice[order]
    edges = _cell_edges(x)
    policies, players = result.policies, result.players
    shown = [j for j in range(len(players)) if np.any(risks[:, :, j, :] > 0)]
    markers = len(x) <= 12

    count = len(policies)
    ncols = min(count, 3)
    nrows = math.ceil(count / ncols)
    figure = Figure(figsize=(7.0, 0.9 + 1.9 * nrows), layout="constrained")
    grid = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    panels = list(grid.ravel())
    tolerances = [(kind, float(result.tolerances[kind])) for kind in RISK_KINDS
                  if kind in result.tolerances]
    for k, policy in enumerate(policies):
        ax = panels[k]
        ax.set_title(policy, loc="left")
        for lo, hi in _runs(reliable[:, k], edges):
            ax.axvspan(lo, hi, color=RELIABLE_SHADE, lw=0, zorder=0)
        for lo, hi in _runs(choice == k, edges):
            ax.axvspan(lo, hi, ymin=0.95, ymax=1.0, color="black", lw=0, zorder=1)
        for kind, value in tolerances:
            ax.axhline(value, color="0.35", ls=TOLERANCE_STYLES[kind], lw=0.8, zorder=2)
        for rank, j in enumerate(shown):  # earlier players wider: coinciding lines stay visible
            width = 1.2 + 0.6 * (len(shown) - 1 - rank)
            for r, kind in enumerate(RISK_KINDS):
                ax.plot(x, risks[:, k, j, r], color=LINE_COLOURS[j % len(LINE_COLOURS)],
                        ls=KIND_STYLES[kind], lw=width, marker="o" if markers else None,
                        ms=2.5, zorder=3, clip_on=False)
        ax.set_ylim(-0.02, 1.1)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xlim(float(edges[0]) if len(x) == 1 else float(x[0]),
                    float(edges[-1]) if len(x) == 1 else float(x[-1]))
        ax.tick_params(labelbottom=k + ncols >= count)  # no panel below: label the x axis
    handles: list[Any] = [Line2D([], [], color=LINE_COLOURS[j % len(LINE_COLOURS)], lw=1.4,
                                 label=players[j]) for j in shown]
    handles += [Line2D([], [], color="black", ls=KIND_STYLES[kind], lw=1.4, label=f"{kind} risk")
                for kind in RISK_KINDS]
    handles += [Line2D([], [], color="0.35", ls=TOLERANCE_STYLES[kind], lw=0.8,
                       label=f"{kind} tolerance ({value:g})") for kind, value in tolerances]
    handles += [Patch(facecolor=RELIABLE_SHADE, label="keeps reliability"),
                Patch(facecolor="black", label="the leader's pick")]
    hidden = [p for j, p in enumerate(players) if j not in shown]
    note = f"not drawn (no risk): {', '.join(hidden)}" if hidden else None
    spare = panels[count:]
    for ax in spare:
        ax.axis("off")
    if spare:  # the empty panel holds the legend
        spare[0].legend(handles=handles, loc="center", title=note and note.replace(": ", ":\n"),
                        ncols=1 if len(spare) == 1 else 2)
    else:
        figure.legend(handles=handles, loc="outside upper center", ncols=min(len(handles), 5),
                      title=note)
    figure.supxlabel(axis_label(result, name), fontsize=9)
    figure.supylabel("risk (probability)", fontsize=9)
    return figure


# ---- two parameters: regime map --------------------------------------------------------------
def _regime_figure(result: SweepResult) -> Figure:
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    (xname, xv), (yname, yv) = result.axes
    xv, yv = np.asarray(xv, dtype=float), np.asarray(yv, dtype=float)
    ix, iy = np.argsort(xv, kind="stable"), np.argsort(yv, kind="stable")
    xe, ye = _cell_edges(xv[ix]), _cell_edges(yv[iy])
    codes, labels = regimes(result)
    # points run with the last axis fastest: reshape to (x, y), transpose to rows of y
    cells = codes.reshape(len(xv), len(yv))[np.ix_(ix, iy)].T
    picks = np.asarray(result.choice).reshape(len(xv), len(yv))[np.ix_(ix, iy)].T

    pale = iter([*REGION_COLOURS, *_extra_colours(len(labels))])
    colours = [NONE_COLOUR if label == "none" else next(pale) for label in labels]

    figure = Figure(figsize=(6.6, 4.0), layout="constrained")
    ax = figure.add_subplot()
    ax.pcolormesh(xe, ye, cells, cmap=ListedColormap(colours),
                  norm=BoundaryNorm(np.arange(len(labels) + 1) - 0.5, len(labels)),
                  shading="flat", edgecolors="face", linewidth=0.3, zorder=0)
    chosen = [int(c) for c in np.unique(picks) if c >= 0]
    for c in chosen:
        rows, cols = np.nonzero(picks == c)
        boxes = [[(xe[j], ye[i]), (xe[j + 1], ye[i]), (xe[j + 1], ye[i + 1]), (xe[j], ye[i + 1])]
                 for i, j in zip(rows, cols, strict=True)]
        ax.add_collection(PolyCollection(boxes, facecolors="none", edgecolors="0.25",
                                         linewidths=0, hatch=HATCHES[c % len(HATCHES)],
                                         zorder=1))
    ax.add_collection(LineCollection(_boundaries(picks, xe, ye), colors="black", linewidths=0.9,
                                     linestyles=(0, (3, 2)), zorder=2))
    ax.add_collection(LineCollection(_boundaries(cells, xe, ye), colors="black",
                                     linewidths=1.3, zorder=3))
    ax.set_xlim(float(xe[0]), float(xe[-1]))
    ax.set_ylim(float(ye[0]), float(ye[-1]))
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.set_xlabel(axis_label(result, xname))
    ax.set_ylabel(axis_label(result, yname))

    tolerance = _tolerance_text(result)
    title = "keeps reliability" + (f"\n({tolerance})" if tolerance else "")
    regime_handles = [Patch(facecolor=colour, edgecolor="0.5", lw=0.5, label=label)
                      for colour, label in zip(colours, labels, strict=True)]
    pick_handles: list[Any] = [Patch(facecolor="white", edgecolor="0.25", lw=0.5,
                                     hatch=HATCHES[c % len(HATCHES)], label=result.policies[c])
                               for c in chosen]
    if np.any(picks < 0):
        pick_handles.append(Patch(facecolor="white", edgecolor="0.25", lw=0.5, label="none"))
    pick_handles += [Line2D([], [], color="black", lw=1.3, label="regime boundary"),
                     Line2D([], [], color="black", lw=0.9, ls=(0, (3, 2)),
                            label="the leader's pick changes")]
    # two legends stacked to the right of the map, left-aligned with each other
    regimes_legend = ax.legend(handles=regime_handles, title=title, loc="upper left",
                               bbox_to_anchor=(1.03, 1.0), borderaxespad=0, alignment="left")
    ax.add_artist(regimes_legend)
    regimes_legend.set_clip_on(False)  # add_artist clips to the axes: keep it in the layout
    ax.legend(handles=pick_handles, title="the leader picks", loc="lower left",
              bbox_to_anchor=(1.03, 0.0), borderaxespad=0, alignment="left")
    return figure


def _extra_colours(count: int) -> list[str]:
    """Further pale colours when a map has more regimes than :data:`REGION_COLOURS` holds."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    pastel = colormaps["Pastel1"]
    return [to_hex(pastel(i % pastel.N)) for i in range(count)]


def _boundaries(cells: np.ndarray, xe: np.ndarray, ye: np.ndarray
                ) -> list[list[tuple[float, float]]]:
    """Segments along the cell edges that separate different values of ``cells`` (rows = y)."""
    segments: list[list[tuple[float, float]]] = []
    rows, cols = np.nonzero(cells[:, 1:] != cells[:, :-1])  # between columns j and j + 1
    segments += [[(xe[j + 1], ye[i]), (xe[j + 1], ye[i + 1])]
                 for i, j in zip(rows, cols, strict=True)]
    rows, cols = np.nonzero(cells[1:, :] != cells[:-1, :])  # between rows i and i + 1
    segments += [[(xe[j], ye[i + 1]), (xe[j + 1], ye[i + 1])]
                 for i, j in zip(rows, cols, strict=True)]
    return segments


# ---- writing -------------------------------------------------------------------------------
def figure_bytes(figure: Figure, fmt: str, *, dpi: float = PNG_DPI) -> bytes:
    """``figure`` drawn in memory as ``fmt`` (``pdf``, ``svg`` or ``png`` at ``dpi``): the bytes
    a plot file holds, cropped to its content, with no creation date (the same figure, the same
    bytes). What the CLI writes to ``--plot FILE``; a notebook shows them as they are."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context(cast(Any, STYLE)):
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt], bbox_inches="tight",
                       pad_inches=0.03)
    return buffer.getvalue()


def _save(figure: Figure, path: str, fmt: str, force: bool) -> None:
    """Draw ``figure`` in memory and write it to ``path`` (see :mod:`.output_target`)."""
    from alliance_games.render.output_target import check_target, write_output

    check_target(path, force=force)
    write_output(path, figure_bytes(figure, fmt), force=force)
