"""Renderings of the proposition checks (``propositions``): terminal table, JSON, booktabs LaTeX.

The subject is a :class:`PropositionChecks`, the results of
:func:`alliance_games.alliance.propositions.check_all`. Option of ``latex``: ``standalone`` (a
compilable document); the table needs ``booktabs`` and ``amssymb`` (for ``\\checkmark``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from alliance_games.alliance.propositions import PropositionResult
from alliance_games.render.formats import dumps, escape, wrap_document


@dataclass(frozen=True)
class PropositionChecks:
    """The checked propositions, in order."""

    results: tuple[PropositionResult, ...]


def _figures_text(figures: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in figures.items())


def propositions_table(checks: PropositionChecks) -> Table:
    results = checks.results
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


def propositions_json(checks: PropositionChecks) -> str:
    return dumps({"propositions": [
        {"id": r.id, "statement": r.statement, "passed": r.passed, "figures": r.figures}
        for r in checks.results]})


_UNICODE = {"\u2264": r"$\leq$", "\u2265": r"$\geq$", "\u2192": r"$\to$", "\u2013": "--",
            "\u2014": "---", "\u2212": "$-$", "\u00d7": r"$\times$", "\u2248": r"$\approx$",
            "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''"}


def _tex(text: str) -> str:
    """Escaped text with the few non-ASCII symbols of the statements spelled in LaTeX."""
    escaped = escape(text)
    return "".join(_UNICODE.get(c, c) for c in escaped)


def propositions_latex(checks: PropositionChecks, *, standalone: bool = False) -> str:
    """A booktabs table of the propositions: id, verdict (PASS with a check mark, FAIL with a
    cross, both bold) and statement; ``standalone`` wraps it in a compilable document."""
    results = checks.results
    passed = sum(r.passed for r in results)
    lines = [r"\begin{table}[htbp]", r"\centering",
             rf"\caption{{The article's propositions as checked by alliance-games: {passed} of "
             rf"{len(results)} pass}}", r"\label{tab:propositions}",
             r"\begin{tabular}{llp{0.7\linewidth}}", r"\toprule",
             r"Id & Result & Statement \\", r"\midrule"]
    for r in results:
        verdict = r"$\checkmark$ \textbf{PASS}" if r.passed else r"$\times$ \textbf{FAIL}"
        lines.append(f"{_tex(r.id)} & {verdict} & {_tex(r.statement)} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    body = "\n".join(lines) + "\n"
    return wrap_document(body, ["amssymb", "booktabs"]) if standalone else body
