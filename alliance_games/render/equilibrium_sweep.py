"""Renderings of an equilibrium sweep (``sweep`` of a model without policies, or with ``--watch``).

The subject is a :class:`~alliance_games.analysis.runs.EquilibriumSweepRun` (the
:class:`~alliance_games.analysis.sweep.equilibria.EquilibriumSweep` and the fixed parameter
values).

* ``table``: without watched quantities, one row per point and equilibrium with its outcomes,
  tags met and expected payoffs; with them, one row per point with the number of equilibria and
  each quantity's value, or its minimum .. maximum over the equilibria. A one-parameter sweep's
  consecutive points with the same row are merged into a range.
* ``json``: every point's equilibria with every number (exact values as ``"1/3"`` strings, as in
  ``solve``), and the watched quantities' minimum and maximum per point.
* ``csv``: tidy, one row per point x equilibrium x quantity, plus a ``count`` row per point.
* ``latex`` (option ``standalone``): a booktabs table of the number of equilibria and the shown
  quantities (the watched ones, else the expected payoffs) per point.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.runs import EquilibriumSweepRun
from alliance_games.analysis.sweep.equilibria import EquilibriumPoint, EquilibriumSweep
from alliance_games.analysis.sweep.quantities import Quantity, Summary
from alliance_games.render.formats import csv_text, dumps, escape, wrap_document
from alliance_games.render.numbers import decimal_text, json_number, tex_number

TABLE_MAX_ROWS = 200
CELL_ITEMS = 4  # outcomes or tags listed in one table cell


def short(value: Any) -> str:
    """A number for a table cell: small fractions exactly, others to four significant digits."""
    if isinstance(value, Fraction) and value.denominator <= 1000:
        return str(value)
    number = float(value)
    return "0" if number == 0 else f"{number:.4g}"


def _span(point: EquilibriumPoint, quantity: Quantity) -> str:
    found = point.span(quantity)
    if found is None:
        return "-"
    lo, hi = found
    return short(lo) if lo == hi else f"{short(lo)} .. {short(hi)}"


def _items(values: dict[str, Any]) -> str:
    shown = [f"{k} {short(v)}" for k, v in values.items() if v != 0]
    if len(shown) > CELL_ITEMS:
        shown = [*shown[:CELL_ITEMS], f"... ({len(shown)} in all)"]
    return ", ".join(shown) or "-"


def _title(result: EquilibriumSweep) -> str:
    methods = sorted({p.method for p in result.points})
    exact = "exact" if all(p.exact for p in result.points) else "floats where inexact"
    what = ("the watched quantities: one value, or min .. max over the equilibria"
            if result.watch else "every equilibrium")
    kept = f"; only {' and '.join(result.refine)} ones" if result.refine else ""
    return f"{result.model}: {what} ({', '.join(methods) or 'no points'}, {exact}{kept})"


def _block(result: EquilibriumSweep, point: EquilibriumPoint) -> list[list[str]]:
    """A point's rows: one (watched quantities), or one per equilibrium."""
    count = str(len(point.equilibria)) + ("" if point.complete else "+")
    if result.watch:
        return [[count, *(_span(point, q) for q in result.watch)]]
    if not point.equilibria:
        return [["0", "", "-", "-", "-"]]
    return [[count if k == 1 else "", str(k), _items(eq.outcomes), _items(eq.tags),
             _items(eq.payoffs)] for k, eq in enumerate(point.equilibria, start=1)]


def _merged(result: EquilibriumSweep) -> list[tuple[str, list[list[str]]]]:
    """Each point's swept values (text) and rows; a one-parameter grid's runs of points with
    the same rows are merged into one range (a sample's points are in no order: never)."""
    names = result.axis_names
    groups: list[tuple[list[dict[str, float]], list[list[str]]]] = []
    for point in result.points:
        block = _block(result, point)
        if len(names) == 1 and result.sample is None and groups and groups[-1][1] == block:
            groups[-1][0].append(point.values)
        else:
            groups.append(([point.values], block))
    out = []
    for group, block in groups:
        first, last = group[0], group[-1]
        text = ", ".join(decimal_text(first[n]) if first[n] == last[n] else
                         f"{decimal_text(first[n])} .. {decimal_text(last[n])}" for n in names)
        out.append((text, block))
    return out


def equilibrium_sweep_table(run: EquilibriumSweepRun) -> RenderableType:
    result = run.result
    table = Table(title=_title(result), title_justify="left")
    table.add_column(", ".join(result.axis_names), justify="right")
    table.add_column("eq.", justify="right")
    if result.watch:
        for q in result.watch:
            table.add_column(q.spec, justify="right")
    else:
        for head in ("#", "outcomes", "tags", "payoffs"):
            table.add_column(head)
    shown = 0
    groups = _merged(result)
    for text, block in groups:
        if shown >= TABLE_MAX_ROWS:
            break
        for k, cells in enumerate(block):
            table.add_row(text if k == 0 else "", *cells, end_section=k == len(block) - 1
                          and len(block) > 1)
            shown += 1
    notes = []
    if shown < sum(len(b) for _, b in groups):
        notes.append(Text(f"... and more rows (the first {shown} are shown; see --format json "
                          "or csv)"))
    if any(not p.complete for p in result.points):
        notes.append(Text("+ the method's enumeration was not complete at that point"))
    return Group(table, *notes)


def _summary_json(eq: Summary, watch: tuple[Quantity, ...]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "outcomes": {k: json_number(v) for k, v in eq.outcomes.items()},
        "tags": {k: json_number(v) for k, v in eq.tags.items()},
        "payoffs": {k: json_number(v) for k, v in eq.payoffs.items()},
        "actions": {p: {a: json_number(v) for a, v in acts.items()}
                    for p, acts in eq.actions.items()}}
    if watch:
        document["watch"] = {q.spec: json_number(eq.value(q)) for q in watch if q.per_equilibrium}
    return document


def equilibrium_sweep_json(run: EquilibriumSweepRun) -> str:
    result = run.result
    points = []
    for point in result.points:
        entry: dict[str, Any] = {
            "values": point.values, "method": point.method, "exact": point.exact,
            "complete": point.complete, "equilibria_count": len(point.equilibria),
            "equilibria": [_summary_json(eq, result.watch) for eq in point.equilibria]}
        if result.watch:
            entry["watch"] = {q.spec: None if point.span(q) is None else
                              {"min": json_number(point.span(q)[0]),  # type: ignore[index]
                               "max": json_number(point.span(q)[1])}  # type: ignore[index]
                              for q in result.watch}
        points.append(entry)
    document: dict[str, Any] = {
        "model": result.model,
        "parameters": {k: float(v) for k, v in run.fixed.items()},
        "axes": {name: [float(x) for x in axis] for name, axis in result.axes},
        "players": list(result.players), "tags": list(result.tags),
        "watch": [q.spec for q in result.watch],
        **({"refine": list(result.refine)} if result.refine else {}),
        "points": points}
    if result.sample is not None:
        document["sample"] = result.sample
    return dumps(document)


def _quantities(eq: Summary) -> Iterator[tuple[str, Any]]:
    yield from ((f"outcome:{k}", v) for k, v in eq.outcomes.items())
    yield from ((f"tag:{k}", v) for k, v in eq.tags.items())
    yield from ((f"payoff:{k}", v) for k, v in eq.payoffs.items())
    yield from ((f"action:{p}:{a}", v) for p, acts in eq.actions.items() for a, v in acts.items())


def equilibrium_sweep_csv(run: EquilibriumSweepRun) -> str:
    result = run.result
    names = list(result.axis_names)
    extra = [q for q in result.watch if q.kind == "action" and q.subject not in result.players]

    def rows() -> Iterator[list[Any]]:
        for point in result.points:
            where = [point.values[n] for n in names]
            yield [*where, "", "count", len(point.equilibria)]
            for k, eq in enumerate(point.equilibria, start=1):
                for name, value in _quantities(eq):
                    yield [*where, k, name, json_number(value)]
                for q in extra:
                    yield [*where, k, q.spec, json_number(eq.value(q))]

    return csv_text([*names, "equilibrium", "quantity", "value"], rows())


def equilibrium_sweep_latex(run: EquilibriumSweepRun, *, standalone: bool = False) -> str:
    """The number of equilibria and the shown quantities per point, as a booktabs table."""
    result = run.result
    shown = result.shown()

    def head(name: str) -> str:
        symbol = result.latex.get(name)
        return f"${symbol}$" if symbol else escape(name)

    def cell(point: EquilibriumPoint, q: Quantity) -> str:
        found = point.span(q)
        if found is None:
            return "--"
        lo, hi = (_tex(v) for v in found)
        return f"${lo}$" if lo == hi else f"${lo}$--${hi}$"

    what = ", ".join(escape(q.spec) for q in shown)
    lines = [r"\begin{table}[htbp]", r"\centering",
             rf"\caption{{Equilibria of \texttt{{{escape(result.model)}}} over "
             + ", ".join(head(n) for n in result.axis_names)
             + rf": their number and {what} (one value, or its range over the equilibria"
             + (f"; only {' and '.join(result.refine)} equilibria" if result.refine else "")
             + r").}",
             rf"\begin{{tabular}}{{{'r' * (len(result.axes) + 1 + len(shown))}}}", r"\toprule",
             " & ".join([*(head(n) for n in result.axis_names), "Eq.",
                         *(escape(q.spec) for q in shown)]) + r" \\", r"\midrule"]
    for point in result.points:
        cells = [f"${_tex(Fraction(repr(v)).limit_denominator(10**6))}$"
                 for v in point.values.values()]
        cells += [str(len(point.equilibria)), *(cell(point, q) for q in shown)]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    body = "\n".join(lines) + "\n"
    return wrap_document(body, ["booktabs"]) if standalone else body


def _tex(value: Any) -> str:
    if isinstance(value, Fraction) and value.denominator <= 1000:
        return str(tex_number(value))
    return f"{float(value):.4g}"
