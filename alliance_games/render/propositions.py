"""Renderings of the proposition checks: terminal table, JSON and booktabs LaTeX."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table
from rich.text import Text

from alliance_games.analysis.propositions import PropositionResult
from alliance_games.render.json import dumps


def _figures_text(figures: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in figures.items())


def propositions_table(results: list[PropositionResult]) -> Table:
    passed = sum(r.passed for r in results)
    table = Table(title=f"The article's propositions: {passed}/{len(results)} PASS",
                  title_justify="left", show_lines=True)
    table.add_column("id")
    table.add_column("result")
    table.add_column("statement", ratio=2)
    table.add_column("figures", ratio=3)
    for r in results:
        verdict = Text("PASS", style="bold green") if r.passed else Text("FAIL", style="bold red")
        table.add_row(r.id, verdict, r.statement, _figures_text(r.figures))
    return table


def propositions_json(results: list[PropositionResult]) -> str:
    return dumps({"propositions": [
        {"id": r.id, "statement": r.statement, "passed": r.passed, "figures": r.figures}
        for r in results]})


def propositions_latex(results: list[PropositionResult], *, standalone: bool = False) -> str:
    def tex(text: str) -> str:
        return (text.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("&", r"\&")
                .replace("%", r"\%").replace("#", r"\#"))

    lines = [r"\begin{table}[htbp]", r"\centering",
             r"\caption{The article's propositions as checked by alliance-games}",
             r"\begin{tabular}{llp{0.6\linewidth}}", r"\toprule",
             r"Id & Result & Statement \\", r"\midrule"]
    for r in results:
        lines.append(f"{r.id} & {'PASS' if r.passed else 'FAIL'} & {tex(r.statement)} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    body = "\n".join(lines) + "\n"
    if standalone:
        body = ("\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n" + body
                + "\\end{document}\n")
    return body
