"""Renderings of the proposition checks (``propositions``): terminal table, JSON, booktabs LaTeX.

The subject is a :class:`PropositionChecks`, the results of
:func:`alliance_games.alliance.propositions.check_all`, and, after ``--robustness N``, how robust
each is over a random design of parameter points
(:class:`~alliance_games.alliance.proposition_robustness.PropositionRobustness`): every format
then adds it (a column of the table and of the LaTeX table; a ``robustness`` record per
proposition and the ``robustness_design`` in JSON). Option of ``latex``: ``standalone`` (a
compilable document); the table needs ``booktabs`` and ``amssymb`` (for ``\\checkmark``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text

from alliance_games.alliance.proposition_robustness import TOP_BREAKING, PropositionRobustness
from alliance_games.alliance.propositions import PropositionResult
from alliance_games.render.formats import csv_text, dumps, escape, wrap_document
from alliance_games.render.numbers import exact_decimal


@dataclass(frozen=True)
class PropositionChecks:
    """The checked propositions, in order, and how robust they are (when measured)."""

    results: tuple[PropositionResult, ...]
    robustness: PropositionRobustness | None = None
    assignments: dict[str, str] = field(default_factory=dict)
    """The parameters moved from the defaults (``--set``), as given; empty at the defaults."""

    def where(self) -> str:
        """`` at a=1, b=0.4`` when parameters were moved, else empty."""
        return ("" if not self.assignments else
                " at " + ", ".join(f"{k}={v}" for k, v in self.assignments.items()))


def _share(share: float) -> str:
    return f"{100 * share:.1f} %"


def _robustness_text(robustness: PropositionRobustness, claim_id: str) -> str:
    """One proposition's robustness in a few lines: its share, what breaks it."""
    entry = robustness.entry(claim_id)
    if entry is None:
        return "-"
    if entry["share"] is None:
        return f"n/a (held: {entry['held']})"
    lines = [f"holds at {_share(entry['share'])} of {entry['n']:,} points"]
    breaking = entry["breaking"][:TOP_BREAKING]
    if breaking:
        lines.append("fails when " + ", ".join(f"{b['parameter']} {b['direction']}"
                                               for b in breaking))
    given = entry.get("given")
    if given is not None:
        where = "n/a" if given["share"] is None else _share(given["share"])
        lines.append(f"{where} of the {given['n']:,} where {given['claim']} holds")
    for name, interval in entry.get("intervals", {}).items():
        below, above = interval["fails_below"], interval["fails_above"]
        if below is not None or above is not None:
            lines.append(f"{name}: holds on [{interval['low']}, {interval['high']}]")
    return "\n".join(lines)


def _design_caption(robustness: PropositionRobustness) -> str:
    design = robustness.design
    where = "over the declared ranges" if design["ranges"] else \
        f"within +/- {100 * design['spread']:g} % of the defaults"
    caption = (f"{design['n']:,} points drawn jointly over {len(design['parameters'])} "
               f"parameters {where} (seed {design['seed']})")
    if design.get("errors"):
        caption += (f"; {design['errors']:,} could not be solved and count as failures of every "
                    "proposition (robustness_design.error_points in --format json)")
    return caption


def _figures_text(figures: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in figures.items())


def propositions_table(checks: PropositionChecks) -> Table:
    results = checks.results
    passed = sum(r.passed for r in results)
    robustness = checks.robustness
    table = Table(title=f"The article's propositions{checks.where()}: "
                        f"{passed}/{len(results)} PASS",
                  title_justify="left", show_lines=True,
                  caption=None if robustness is None else
                  "robustness: " + _design_caption(robustness), caption_justify="left")
    table.add_column("id")
    table.add_column("result")
    table.add_column("statement", ratio=2)
    table.add_column("figures", ratio=3)
    if robustness is not None:
        table.add_column("robustness", ratio=2)
    for r in results:
        verdict = Text("PASS", style="bold green") if r.passed else Text("FAIL", style="bold red")
        row: list[str | Text] = [r.id, verdict, Text(r.statement), Text(_figures_text(r.figures))]
        if robustness is not None:
            row.append(_robustness_text(robustness, r.id))
        table.add_row(*row)
    return table


def propositions_json(checks: PropositionChecks) -> str:
    robustness = checks.robustness
    entries = []
    for r in checks.results:
        entry: dict[str, Any] = {"id": r.id, "statement": r.statement, "passed": r.passed,
                                 "figures": r.figures}
        if robustness is not None:
            entry["robustness"] = robustness.entry(r.id)
        entries.append(entry)
    document: dict[str, Any] = {"propositions": entries}
    if checks.assignments:
        document["set"] = dict(checks.assignments)
    if robustness is not None:
        document["robustness_design"] = robustness.design
    return dumps(document)


def robustness_points_csv(robustness: PropositionRobustness) -> str:
    """Every point of a robustness design, one row each: ``point`` (its index in the design),
    the sampled parameters' values (exact: terminating decimals, else fractions), every
    proposition's verdict there (1 holds, 0 fails; empty where the point could not be solved)
    and ``error`` (the solver's message at such a point)."""
    claims = list(robustness.claims)
    errors = {e["index"]: e["message"] for e in robustness.design.get("error_points", ())}
    rows = []
    for i, (point, outcome) in enumerate(zip(robustness.points, robustness.outcomes,
                                             strict=True)):
        verdicts = ([""] * len(claims) if outcome is None
                    else [int(bool(outcome.get(c, False))) for c in claims])
        rows.append([i, *map(exact_decimal, point), *verdicts, errors.get(i, "")])
    return csv_text(["point", *robustness.names, *claims, "error"], rows)


_UNICODE = {"\u2264": r"$\leq$", "\u2265": r"$\geq$", "\u2192": r"$\to$", "\u2013": "--",
            "\u2014": "---", "\u2212": "$-$", "\u00d7": r"$\times$", "\u2248": r"$\approx$",
            "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''"}


def _tex(text: str) -> str:
    """Escaped text with the few non-ASCII symbols of the statements spelled in LaTeX."""
    escaped = escape(text)
    return "".join(_UNICODE.get(c, c) for c in escaped)


def propositions_latex(checks: PropositionChecks, *, standalone: bool = False) -> str:
    """A booktabs table of the propositions: id, verdict (PASS with a check mark, FAIL with a
    cross, both bold) and statement, and with robustness the share of points where each holds
    (the design in the caption); ``standalone`` wraps it in a compilable document."""
    results = checks.results
    passed = sum(r.passed for r in results)
    robustness = checks.robustness
    caption = (f"The article's propositions as checked by alliance-games{checks.where()}: "
               f"{passed} of {len(results)} pass")
    columns, header = r"llp{0.7\linewidth}", r"Id & Result & Statement \\"
    premise = None if robustness is None else robustness.design.get("given")
    if robustness is not None:
        caption += f"; robustness: share of {_design_caption(robustness)} where each holds"
        columns, header = r"llp{0.6\linewidth}r", r"Id & Result & Statement & Holds \\"
    if premise is not None:
        caption += f" (and where {premise} holds)"
        columns = r"llp{0.5\linewidth}rr"
        header = rf"Id & Result & Statement & Holds & Given {premise} \\"
    lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{_tex(caption)}}}",
             r"\label{tab:propositions}", rf"\begin{{tabular}}{{{columns}}}", r"\toprule",
             header, r"\midrule"]
    for r in results:
        verdict = r"$\checkmark$ \textbf{PASS}" if r.passed else r"$\times$ \textbf{FAIL}"
        cells = [_tex(r.id), verdict, _tex(r.statement)]
        if robustness is not None:
            entry = robustness.entry(r.id)
            cells.append("n/a" if entry is None or entry["share"] is None
                         else _tex(_share(entry["share"])))
        if premise is not None:
            given = None if entry is None else entry.get("given")
            cells.append("--" if given is None or given["share"] is None
                         else _tex(_share(given["share"])))
        lines.append(" & ".join(cells) + " \\\\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    body = "\n".join(lines) + "\n"
    return wrap_document(body, ["amssymb", "booktabs"]) if standalone else body
