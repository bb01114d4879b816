"""Renderings of a sweep: table (with the boundaries it brackets), JSON and tidy CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.render.json import dumps
from alliance_games.render.numbers import decimal_text

MAX_NOTES = 20
MAX_ROWS = 200  # larger sweeps are summarised by regime in the table


LARGE = 2_000  # sweeps with more points are written as compact JSON (one line)


def sweep_json(run: Any) -> str:
    result = run.result
    names = result.axis_names
    players = result.players
    values = result.values.tolist()
    risks = result.risks.tolist()
    cost = result.leader_cost.tolist()
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
    if result.count > LARGE:
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return dumps(document)


def sweep_csv(run: Any) -> str:
    result = run.result
    names = [n for n, _ in result.axes]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*names, "policy", "player", "abandonment", "entrapment", "leader_cost",
                     "reliable", "leader_choice"])
    for pt in result.points:
        for p in pt.policies:
            for player, risks in p.risks.items():
                writer.writerow([*(pt.values[n] for n in names), p.policy, player,
                                 risks["abandonment"], risks["entrapment"], p.leader_cost,
                                 p.reliable, pt.leader_choice])
    return out.getvalue()


def boundaries(run: Any) -> list[dict[str, Any]]:
    return run.result.boundaries()  # type: ignore[no-any-return]


def sweep_table(run: Any) -> RenderableType:
    result = run.result
    if result.count > MAX_ROWS:
        return Group(regime_table(result), *_notes(run))
    names = result.axis_names
    table = Table(title=f"{result.model}: reliability by policy (yes = every risk within "
                        "tolerance)", title_justify="left")
    for n in names:
        table.add_column(n, justify="right")
    for p in result.policies:
        table.add_column(p, justify="center")
    table.add_column("leader's choice")
    for pt in result.points:
        cells = [Text("yes", style="green") if p.reliable else Text("no", style="red")
                 for p in pt.policies]
        table.add_row(*(decimal_text(pt.values[n]) for n in names), *cells, pt.leader_choice)
    return Group(table, *_notes(run))


def regime_table(result: Any) -> Table:
    """Large grids: one row per regime (which policies keep reliability, the leader's pick)."""
    table = Table(title=f"{result.model}: {result.count:,} points in {len(result.regimes())} "
                        "regimes (policies keeping reliability; the leader's choice)",
                  title_justify="left")
    table.add_column("policies keeping reliability")
    table.add_column("leader's choice")
    table.add_column("points", justify="right")
    for name in result.axis_names:
        table.add_column(f"{name} range", justify="right")
    for regime in result.regimes():
        spans = [f"{decimal_text(lo)} .. {decimal_text(hi)}"
                 for lo, hi in regime["ranges"].values()]
        table.add_row(", ".join(regime["reliable"]) or "none", regime["leader_choice"] or "-",
                      f"{regime['points']:,}", *spans)
    return table


def _notes(run: Any) -> list[Text]:
    found = boundaries(run)
    notes = [Text(f"{b['policy']} {'keeps' if b['reliable_above'] else 'loses'} reliability "
                  f"between {b['parameter']} = {decimal_text(b['between'][0])} and "
                  f"{decimal_text(b['between'][1])}"
                  + "".join(f", {n} = {decimal_text(v)}" for n, v in b.get("at", {}).items()))
             for b in found[:MAX_NOTES]]
    if len(found) > MAX_NOTES:
        notes.append(Text(f"... and {len(found) - MAX_NOTES} more boundaries (see --format json)"))
    return notes
