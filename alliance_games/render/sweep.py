"""Renderings of a parameter sweep (``sweep``): terminal table, JSON, tidy CSV, booktabs LaTeX.

The subject is a :class:`~alliance_games.analysis.runs.SweepRun` (the
:class:`~alliance_games.analysis.sweep.result.SweepResult` and the fixed parameter values).

* ``table``: one row per point with the boundaries it brackets; sweeps of more than
  :data:`TABLE_MAX_ROWS` points are summarised by regime.
* ``json``: every point's policies with their risks, cost and verdict, and the boundaries;
  sweeps of more than :data:`LARGE` points are written compactly on one line.
* ``csv``: tidy, one row per point x policy x player; :func:`sweep_csv_parts` gives it a chunk
  of points at a time (``sweep --format csv`` streams it, holding one chunk).
* ``latex`` (option ``standalone``: a compilable document): small grids get one row per point
  (the swept values, a mark per policy, the leader's choice); grids of two or more axes with more
  than :data:`LATEX_MAX_ROWS` points are summarised by regime: one row per distinct combination
  of reliable policies and leader's choice, with the range of every swept parameter over it and
  its number of points. The table needs ``booktabs`` and ``amssymb``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.reliability import RISK_KINDS
from alliance_games.analysis.runs import SweepRun
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.render.formats import csv_text, dumps, escape, wrap_document
from alliance_games.render.numbers import decimal_text, tex_number

MAX_NOTES = 20  # boundaries listed under the table
TABLE_MAX_ROWS = 200  # larger sweeps are summarised by regime in the table
LARGE = 2_000  # sweeps with more points are written as compact JSON (one line)
CSV_BLOCK = 4096  # points turned into CSV rows at a time
SAMPLE_MAX_COLUMNS = 6  # sampled designs over more parameters are summarised in the table


def sweep_json(run: SweepRun) -> str:
    result = run.result
    names = result.axis_names
    players = result.players
    values = result.values.tolist()
    risks = result.risks.tolist()
    cost = result.cost.tolist()
    reliable = result.reliable.tolist()
    verdicts = result.verdicts.tolist()
    choice = result.choice.tolist()
    fallback = result.exact_fallback.tolist()
    points = []
    for i in range(result.count):
        policies = [{"policy": policy, "reliable": reliable[i][k], "verdict": verdicts[i][k],
                     "leader_cost": None if cost[i][k] != cost[i][k] else cost[i][k],
                     "risks": {player: {"abandonment": risks[i][k][j][0],
                                        "entrapment": risks[i][k][j][1]}
                               for j, player in enumerate(players)}}
                    for k, policy in enumerate(result.policies)]
        points.append({"values": dict(zip(names, values[i], strict=True)),
                       "leader_choice": result.policies[choice[i]] if choice[i] >= 0 else "",
                       "exact_fallback": fallback[i], "policies": policies})
    document = {
        "model": result.model,
        "parameters": {k: float(v) for k, v in run.fixed.items()},
        "axes": {name: [float(x) for x in axis] for name, axis in result.axes},
        "tolerances": {k: float(v) for k, v in result.tolerances.items()},
        "boundaries": boundaries(run),
        "points": points,
    }
    if result.sample is not None:
        document["sample"] = result.sample
        document["robustness"] = {policy: {k: v.to_dict() for k, v in claims.items()}
                                  for policy, claims in run.policy_robustness().items()}
    if result.count > LARGE:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return dumps(document)


def sweep_csv(run: SweepRun) -> str:
    return "".join(sweep_csv_parts(run.result.axis_names, [run.result]))


def sweep_csv_parts(names: Sequence[str], parts: Iterable[SweepResult]) -> Iterator[str]:
    """The CSV of a sweep over the axes ``names`` as text pieces: the header, then the rows of
    each part (a result over some of the grid's points, in grid order) as it comes, so that a
    sweep streamed a chunk at a time is written without holding the grid; the pieces join to
    :func:`sweep_csv`'s text byte for byte."""
    yield csv_text([*names, "policy", "player", "abandonment", "entrapment", "leader_cost",
                    "reliable", "leader_choice"], [])
    for part in parts:
        if _plain_names(part):
            yield from _csv_blocks(part, list(names))
            continue
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(_csv_rows(part, list(names)))
        yield out.getvalue()


def _plain_names(result: SweepResult) -> bool:
    """Whether no policy or player name needs CSV quoting (a comma, quote or line break)."""
    return not any(c in name for name in (*result.policies, *result.players) for c in ',"\r\n')


def _csv_blocks(result: SweepResult, names: list[str]) -> Iterator[str]:
    """The rows of :func:`_csv_rows` as the ``csv`` module writes them (``str`` of each field,
    an empty field for no cost, no quoting: :func:`_plain_names`), a block of points at a
    time: each point's axis values and each policy's cost, reliability and choice are written
    once for the rows that repeat them."""
    columns = [result.axis_names.index(n) for n in names]
    abandonment, entrapment = RISK_KINDS.index("abandonment"), RISK_KINDS.index("entrapment")
    policies, players = list(result.policies), list(result.players)
    for lo in range(0, result.count, CSV_BLOCK):
        hi = min(lo + CSV_BLOCK, result.count)
        values = result.values[lo:hi][:, columns].tolist()
        kept = result.risks[lo:hi][..., [abandonment, entrapment]].tolist()
        cost, reliable = result.cost[lo:hi].tolist(), result.reliable[lo:hi].tolist()
        lines: list[str] = []
        append = lines.append
        for i in range(hi - lo):
            head = "".join(f"{v}," for v in values[i])
            chosen = result.chosen(lo + i)
            for k, policy in enumerate(policies):
                spent = "" if cost[i][k] != cost[i][k] else str(cost[i][k])  # NaN: no cost
                tail = f"{spent},{reliable[i][k]},{chosen}"
                for player, (ab, en) in zip(players, kept[i][k], strict=True):
                    append(f"{head}{policy},{player},{ab},{en},{tail}")
        yield "\n".join(lines) + "\n" if lines else ""


def _csv_rows(result: SweepResult, names: list[str]) -> Iterator[list[Any]]:
    """The CSV rows read from the result's arrays a block of points at a time: no per-point
    records (``result.points``, about 17 KB a point with their dicts), so the rows cost only
    the text they become."""
    columns = [result.axis_names.index(n) for n in names]
    abandonment, entrapment = RISK_KINDS.index("abandonment"), RISK_KINDS.index("entrapment")
    for lo in range(0, result.count, CSV_BLOCK):
        hi = min(lo + CSV_BLOCK, result.count)
        values = result.values[lo:hi][:, columns].tolist()
        risks, cost = result.risks[lo:hi].tolist(), result.cost[lo:hi].tolist()
        reliable = result.reliable[lo:hi].tolist()
        for i in range(hi - lo):
            chosen = result.chosen(lo + i)
            for k, policy in enumerate(result.policies):
                spent = None if cost[i][k] != cost[i][k] else cost[i][k]  # NaN: no cost
                for j, player in enumerate(result.players):
                    yield [*values[i], policy, player, risks[i][k][j][abandonment],
                           risks[i][k][j][entrapment], spent, reliable[i][k], chosen]


def boundaries(run: SweepRun) -> list[dict[str, Any]]:
    return run.result.boundaries()  # type: ignore[no-any-return]


def sweep_table(run: SweepRun) -> RenderableType:
    result = run.result
    if result.sample is not None:
        return sample_table(run)
    if result.count > TABLE_MAX_ROWS:
        return Group(regime_table(result), *_notes(run))
    names = result.axis_names
    table = Table(title=f"{result.model}: reliability by policy (yes = every risk within "
                        f"tolerance){sample_note(result.sample)}", title_justify="left")
    for n in names:
        table.add_column(n, justify="right")
    for p in result.policies:
        table.add_column(p, justify="center")
    table.add_column("leader's choice")
    for pt in result.points:
        cells = [Text("yes", style="green") if p.reliable else Text("no", style="red")
                 for p in pt.policies]
        table.add_row(*(decimal_text(pt.values[n]) for n in names), *cells, pt.chosen)
    return Group(table, *_notes(run))


def sample_note(sample: dict[str, Any] | None) -> str:
    """How a sampled design was drawn, for a title ("" for a grid)."""
    if sample is None:
        return ""
    where = "over the declared ranges" if sample.get("ranges") else \
        f"within +/- {sample.get('spread')} of the defaults"
    seed = f", seed {sample['seed']}" if sample.get("seed") is not None else ""
    return f"; {sample.get('n')} points sampled {where}{seed}"


def _breaking(claim: Any) -> str:
    return ", ".join(f"{b.parameter} {b.direction} (r = {b.correlation:.2f})"
                     for b in claim.breaking[:3]) or "-"


def sample_table(run: SweepRun) -> RenderableType:
    """A sampled design: per policy, the share of points where it keeps reliability and where
    it is chosen, with the parameters most associated with losing it; then the points
    themselves when they fit (few parameters, few points; else see --format csv)."""
    result = run.result
    table = Table(title=f"{result.model}: {sample_note(result.sample).lstrip('; ')}",
                  title_justify="left")
    for head in ("policy", "keeps reliability", "losing it goes with", "chosen"):
        table.add_column(head, justify="right" if head in ("keeps reliability", "chosen")
                         else "left")
    for policy, claims in run.policy_robustness().items():
        reliable, chosen = claims["reliable"], claims["chosen"]
        table.add_row(policy, f"{reliable.holds}/{reliable.n} ({reliable.share:.0%})",
                      _breaking(reliable), f"{chosen.holds}/{chosen.n} ({chosen.share:.0%})")
    parts: list[RenderableType] = [table]
    if len(result.axes) <= SAMPLE_MAX_COLUMNS and result.count <= TABLE_MAX_ROWS:
        points = Table(title="the sampled points", title_justify="left")
        for n in result.axis_names:
            points.add_column(n, justify="right")
        for p in result.policies:
            points.add_column(p, justify="center")
        points.add_column("leader's choice")
        for pt in result.points:
            points.add_row(*(decimal_text(pt.values[n]) for n in result.axis_names),
                           *(Text("yes", style="green") if p.reliable else Text("no", style="red")
                             for p in pt.policies), pt.chosen)
        parts.append(points)
    else:
        parts.append(Text(f"({result.count:,} points over {len(result.axes)} parameters: "
                          "see --format csv or json for each point)"))
    return Group(*parts)


def regime_table(result: SweepResult) -> Table:
    """Large grids: one row per regime (which policies keep reliability, the leader's pick)."""
    table = Table(title=f"{result.model}: {result.count:,} points in {len(result.regimes())} "
                        "regimes (policies keeping reliability; the leader's choice)"
                        f"{sample_note(result.sample)}", title_justify="left")
    table.add_column("policies keeping reliability")
    table.add_column("leader's choice")
    table.add_column("points", justify="right")
    for name in result.axis_names:
        table.add_column(f"{name} range", justify="right")
    for regime in result.regimes():
        spans = [f"{decimal_text(lo)} .. {decimal_text(hi)}"
                 for lo, hi in regime["ranges"].values()]
        table.add_row(", ".join(regime["reliable"]) or "none", regime["chosen"] or "-",
                      f"{regime['points']:,}", *spans)
    return table


def _notes(run: SweepRun) -> list[Text]:
    found = boundaries(run)
    notes = [Text(f"{b['policy']} {'keeps' if b['reliable_above'] else 'loses'} reliability "
                  f"between {b['parameter']} = {decimal_text(b['between'][0])} and "
                  f"{decimal_text(b['between'][1])}"
                  + "".join(f", {n} = {decimal_text(v)}" for n, v in b.get("at", {}).items()))
             for b in found[:MAX_NOTES]]
    if len(found) > MAX_NOTES:
        notes.append(Text(f"... and {len(found) - MAX_NOTES} more boundaries (see --format json)"))
    return notes


# ---- latex -------------------------------------------------------------------------------------
LATEX_MAX_ROWS = 40
"""Multi-axis sweeps with more points are summarised by regime."""
YES, NO = r"$\checkmark$", r"$\times$"


def sweep_latex(run: SweepRun, *, standalone: bool = False) -> str:
    """The sweep as a ``table`` float with caption (``standalone``: a compilable document)."""
    result = run.result
    if len(result.axes) > 1 and result.count > LATEX_MAX_ROWS:
        body = _regime_table(result)
    else:
        body = _point_table(result)
    return wrap_document(body, ["amssymb", "booktabs"]) if standalone else body


def _symbol(result: SweepResult, name: str) -> str:
    """A swept parameter's column head: its LaTeX symbol in math mode, else its name."""
    symbol = result.latex.get(name)
    return f"${symbol}$" if symbol else escape(name)


def _value(value: Any) -> str:
    number = float(value)
    text = f"{number:.4g}"
    return f"${tex_number(int(number))}$" if number == int(number) else f"${text}$"


def _caption(result: SweepResult, what: str) -> list[str]:
    fixed = ", ".join(f"{_symbol(result, k)} $= {_value(v).strip('$')}$"
                      for k, v in result.fixed.items() if k not in result.axis_names)
    tolerances = ", ".join(f"{escape(k)} $\\leq {_value(v).strip('$')}$"
                           for k, v in result.tolerances.items())
    text = (f"Reliability of each policy in \\texttt{{{escape(result.model)}}} {what}: "
            f"{YES} every risk within its tolerance, {NO} not")
    if tolerances:
        text += f" ({tolerances})"
    text += "."
    if fixed:
        text += f" Other parameters: {fixed}."
    return [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{text}}}",
            rf"\label{{tab:sweep-{result.model.replace('_', '-')}}}"]


def _head(result: SweepResult, extra: list[str]) -> str:
    cells = [_symbol(result, n) for n in result.axis_names] + extra
    cells += [escape(p) for p in result.policies] + ["Leader's choice"]
    return " & ".join(cells) + r" \\"


def _point_table(result: SweepResult) -> str:
    axes = len(result.axes)
    what = "over " + ", ".join(_symbol(result, n) for n in result.axis_names)
    lines = _caption(result, what)
    lines += [rf"\begin{{tabular}}{{{'r' * axes}{'c' * len(result.policies)}l}}", r"\toprule",
              _head(result, []), r"\midrule"]
    for i in range(result.count):
        cells = [_value(result.values[i, a]) for a in range(axes)]
        cells += [YES if bool(result.reliable[i, k]) else NO for k in range(len(result.policies))]
        cells.append(escape(result.chosen(i)) or "--")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _regime_table(result: SweepResult) -> str:
    """One row per regime (reliable policies and leader's choice): ranges and point counts."""
    keys = [(tuple(bool(x) for x in result.reliable[i]), int(result.choice[i]))
            for i in range(result.count)]
    regimes: dict[tuple[tuple[bool, ...], int], list[int]] = {}
    for i, key in enumerate(keys):
        regimes.setdefault(key, []).append(i)
    grid = r" $\times$ ".join(str(n) for n in result.shape)
    over = (f"over {result.count} sampled points of " if result.sample is not None else
            f"over a {grid} grid of ")
    what = (over + ", ".join(_symbol(result, n) for n in result.axis_names)
            + f", summarised by regime ({result.count} points; each range spans the regime's "
            "points, which need not fill it)")
    lines = _caption(result, what)
    axes = len(result.axes)
    lines += [rf"\begin{{tabular}}{{{'c' * axes}r{'c' * len(result.policies)}l}}", r"\toprule",
              _head(result, ["Points"]), r"\midrule"]
    for (reliable, choice), members in sorted(regimes.items(), key=lambda kv: kv[1][0]):
        values = result.values[np.array(members)]
        cells = [_range(values[:, a]) for a in range(axes)]
        cells.append(str(len(members)))
        cells += [YES if r else NO for r in reliable]
        cells.append(escape(result.policies[choice]) if choice >= 0 else "--")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _range(column: np.ndarray) -> str:
    low, high = float(column.min()), float(column.max())
    if low == high:
        return _value(low)
    return f"{_value(low)}--{_value(high)}"
