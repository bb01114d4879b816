"""A complete LaTeX article about one model (``report``): parameters, game, equilibria, policy
comparison and the regime plot of a default sweep (drawn by :mod:`alliance_games.render.plots`,
included as a PDF figure).

The subject is a :class:`~alliance_games.analysis.export.ReportData`; its one format is ``latex``,
with the options ``max_nodes``, ``regimes`` and ``regime_plot`` of :func:`report_latex`."""

from __future__ import annotations

from typing import Any

import numpy as np

from alliance_games.analysis.export import ReportData
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.render.comparison import booktabs_comparison
from alliance_games.render.export import booktabs_table, istgame_tree
from alliance_games.render.formats import escape
from alliance_games.render.numbers import tex_number
from alliance_games.render.plots import regimes as regime_sets

MAX_ROWS = 20
MAX_MOVES = 6  # per player in the equilibria table (big trees have thousands)
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath}
\usepackage{booktabs}
\usepackage{sgame}
\usepackage{istgame}
\usepackage{graphicx}
"""


def _parameters(data: ReportData) -> list[str]:
    params = data.instance.model.parameters
    if not params:
        return ["The model has no parameters.", ""]
    lines = [r"\begin{table}[htbp]", r"\centering", r"\caption{Parameters}",
             r"\begin{tabular}{llrp{0.5\linewidth}}", r"\toprule",
             r"Name & Symbol & Value & Description \\", r"\midrule"]
    for p in params:
        symbol = f"${p.latex}$" if p.latex else ""
        lines.append(f"{escape(p.name)} & {symbol} & ${tex_number(data.instance.values[p.name])}$"
                     f" & {escape(p.description)} \\\\")
    return [*lines, r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]


def _game(data: ReportData, max_nodes: int) -> list[str]:
    if data.table is not None:
        return [booktabs_table(data.table.game, equilibria=data.table.equilibria,
                               caption="Payoffs")]
    if data.tree is not None:
        picture = istgame_tree(data.tree.tree, highlight_edges=data.tree.highlight_edges,
                               max_nodes=max_nodes)
        return [r"\begin{figure}[htbp]", r"\centering", r"\resizebox{\linewidth}{!}{%",
                picture.rstrip() + "}", r"\caption{The game tree; thick branches: the play "
                r"path of a subgame-perfect equilibrium.}", r"\end{figure}", ""]
    return [f"The game tree has {data.tree_nodes} nodes, more than the {max_nodes} that fit a "
            "drawing; it is not drawn here (export parts of it with "
            r"\texttt{alliance-games export --to latex-tree --max-nodes N}).", ""]


def _move(label: str) -> str:
    """An action's label, breakable after each ``/`` of its path."""
    return escape(label).replace("/", r"/\allowbreak{}")


def _strategy(dist: dict[str, Any]) -> str:
    """A player's strategy: the actions played, each information set's mixture on its own.

    Tree profiles label actions ``player@infoset:action``; a pure move shows as its label, a
    mixed one as ``p label + ...``. Large trees show the first :data:`MAX_MOVES` moves only.
    """
    moves: dict[str, list[tuple[str, Any]]] = {}
    for label, p in dist.items():
        if p != 0:
            moves.setdefault(label.rpartition(":")[0] if "@" in label else "", []).append(
                (label, p))
    parts = [_move(played[0][0]) if len(played) == 1 else
             " + ".join(f"${tex_number(p)}$ {_move(label)}" for label, p in played)
             for played in moves.values()]
    text = ", ".join(parts[:MAX_MOVES])
    if len(parts) > MAX_MOVES:
        text += rf", \ldots{{}} ({len(parts) - MAX_MOVES} more moves)"
    return text


def _equilibria(data: ReportData) -> list[str]:
    records = data.records
    n = len(records)
    intro = (f"Method \\texttt{{{escape(data.method)}}} found {n} equilibri"
             f"{'um' if n == 1 else 'a'}" + ("" if data.complete else " (not proven complete)")
             + ".")
    if not records:
        return [intro, ""]
    players = list(records[0].payoffs)
    lines = [intro, "", r"\begin{table}[htbp]", r"\centering", r"\caption{Equilibria}",
             r"\small", rf"\begin{{tabular}}{{rp{{0.62\linewidth}}{'r' * len(players)}}}",
             r"\toprule",
             "\\# & Profile & " + " & ".join(escape(p) for p in players) + r" \\", r"\midrule"]
    for k, record in enumerate(records[:MAX_ROWS], start=1):
        profile = "; ".join(f"{escape(pl)}: {_strategy(dist)}"
                            for pl, dist in record.profile.items())
        pays = " & ".join(f"${tex_number(record.payoffs[p])}$" for p in players)
        lines.append(f"{k} & {profile} & {pays} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if n > MAX_ROWS:
        lines.append(rf"\par\smallskip{{\footnotesize The first {MAX_ROWS} of {n} shown.}}")
    return [*lines, r"\end{table}", ""]


def _symbol(result: SweepResult, name: str) -> str:
    """``$s$ (pooling)`` for a swept parameter (just the name when it has no symbol)."""
    symbol = result.latex.get(name, "")
    return f"${symbol}$ ({escape(name)})" if symbol else escape(name)


def _share(count: int, total: int) -> str:
    """A share of the grid as a LaTeX percentage."""
    return rf"{round(100 * count / total)}\,\%"


def _regime_summary(result: SweepResult) -> list[str]:
    """The sweep in words: each regime's and each pick's share of the grid."""
    total = result.count
    if total == 0:
        return ["The sweep has no points.", ""]
    codes, labels = regime_sets(result)
    counts = np.bincount(codes, minlength=len(labels))
    order = sorted(range(len(labels)), key=lambda k: -counts[k])
    grid = r" $\times$ ".join(str(n) for n in result.shape)
    over = " and ".join(_symbol(result, name) for name in result.axis_names)
    tolerance = ", ".join(f"{kind} ${tex_number(float(value))}$"
                          for kind, value in result.tolerances.items())
    regimes = "; ".join(f"{escape(labels[k])} ({_share(int(counts[k]), total)})" for k in order)
    picks = np.bincount(result.choice[result.choice >= 0], minlength=len(result.policies))
    chosen = "; ".join(f"{escape(result.policies[k])} ({_share(int(picks[k]), total)})"
                       for k in np.argsort(-picks, kind="stable") if picks[k])
    lines = [f"A sweep over {over} ({grid} points, the other parameters at the values above, "
             f"tolerances {tolerance}). The policies that keep reliability, with their share of "
             f"the grid: {regimes}."]
    if chosen:
        lines.append(f"The leader picks {chosen}.")
    return [" ".join(lines), ""]


def _regimes(result: SweepResult | None, plot: str | None) -> list[str]:
    """The Regimes section's body: the summary and the figure."""
    if result is None:
        return [r"No regime plot in this report: it is drawn from a default sweep over parameters "
                r"with ranges when the report is written to a file (\texttt{-o FILE}).", ""]
    lines = _regime_summary(result)
    if plot is None:
        return lines
    over = " and ".join(_symbol(result, name) for name in result.axis_names)
    if len(result.axes) == 2:
        caption = (f"Regimes over {over}. Colours: the policies that keep every abandonment and "
                   "entrapment risk within tolerance; hatching: the policy the leader picks; "
                   "solid lines: regime boundaries; dashed lines: where the leader's pick "
                   "changes.")
    else:
        caption = (f"Risks against {over}, one panel per policy. Shaded: the policy keeps "
                   "reliability; black strip: the leader picks it; dashed lines: the "
                   "tolerances.")
    return [*lines, r"\begin{figure}[htbp]", r"\centering",
            rf"\includegraphics[width=\linewidth]{{{plot}}}", rf"\caption{{{caption}}}",
            r"\end{figure}", ""]


def report_latex(data: ReportData, *, max_nodes: int = 200, regimes: SweepResult | None = None,
                 regime_plot: str | None = None) -> str:
    """The report as a complete ``article`` document.

    Parameters
    ----------
    data:
        What :func:`alliance_games.analysis.export.report_data` computed.
    max_nodes:
        Trees with more nodes are described in words instead of drawn.
    regimes:
        The default sweep (:func:`alliance_games.alliance.report_defaults.report_sweep`), for
        models with policies; summarised in words.
    regime_plot:
        The file name of its plot (:func:`alliance_games.render.plots.sweep_plot`), relative to
        the document, included as a figure.

    Returns
    -------
    str
        LaTeX source needing amsmath, booktabs, sgame, istgame and graphicx.
    """
    model = data.instance.model
    lines = [PREAMBLE, rf"\title{{{escape(model.title or model.name)}}}",
             r"\author{alliance-games}", r"\date{}", r"\begin{document}", r"\maketitle", "",
             r"\section*{Model}", escape(model.description) or "No description.", ""]
    if model.source:
        lines += [rf"\paragraph{{Source.}} {escape(model.source)}", ""]
    lines += [r"\section*{Parameters}", *_parameters(data), r"\section*{The game}",
              *_game(data, max_nodes), r"\section*{Equilibria}", *_equilibria(data)]
    if data.comparison is not None:
        lines += [r"\section*{Policy comparison}",
                  booktabs_comparison(model.title or model.name, data.comparison),
                  r"\section*{Regimes}", *_regimes(regimes, regime_plot)]
    lines += [r"\end{document}"]
    return "\n".join(lines) + "\n"
