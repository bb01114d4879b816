"""A complete LaTeX article about one model: parameters, game, equilibria, policy comparison."""

from __future__ import annotations

from typing import Any

from alliance_games.analysis.export import ReportData
from alliance_games.render.latex import booktabs_table, escape, istgame_tree, tex_number
from alliance_games.render.policy_table import comparison_latex

MAX_ROWS = 20
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


def _strategy(dist: dict[str, Any]) -> str:
    played = [(label, p) for label, p in dist.items() if p != 0]
    if len(played) == 1:
        return escape(played[0][0])
    return " + ".join(f"${tex_number(p)}$ {escape(label)}" for label, p in played)


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


def report_latex(data: ReportData, *, max_nodes: int = 200) -> str:
    """The report as a complete ``article`` document.

    Parameters
    ----------
    data:
        What :func:`alliance_games.analysis.export.report_data` computed.
    max_nodes:
        Trees with more nodes are described in words instead of drawn.

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
                  comparison_latex(model.title or model.name, data.comparison)]
    lines += [r"\section*{Regimes}",
              "The regime plot from a default parameter sweep will appear here.", "",
              r"\end{document}"]
    return "\n".join(lines) + "\n"
