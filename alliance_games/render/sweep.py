"""Renderings of a sweep: table (with the boundaries it brackets), JSON and tidy CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.render.json import dumps
from alliance_games.render.numbers import decimal_text


def _policy_json(p: Any) -> dict[str, Any]:
    return {"policy": p.policy, "reliable": p.reliable, "verdict": p.verdict,
            "leader_cost": p.leader_cost, "risks": p.risks}


def sweep_json(run: Any) -> str:
    result = run.result
    return dumps({
        "model": result.model,
        "parameters": {k: float(v) for k, v in run.fixed.items()},
        "axes": {name: [float(x) for x in values] for name, values in result.axes},
        "tolerances": {k: float(v) for k, v in result.tolerances.items()},
        "boundaries": boundaries(run),
        "points": [{"values": pt.values, "leader_choice": pt.leader_choice,
                    "exact_fallback": pt.exact_fallback,
                    "policies": [_policy_json(p) for p in pt.policies]}
                   for pt in result.points],
    })


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
    """For 1-D sweeps: every pair of neighbouring points where a policy's verdict changes."""
    result = run.result
    if len(result.axes) != 1:
        return []
    name = result.axes[0][0]
    found = []
    for a, b in zip(result.points, result.points[1:], strict=False):
        for pa, pb in zip(a.policies, b.policies, strict=True):
            if pa.reliable != pb.reliable:
                found.append({"policy": pa.policy, "parameter": name,
                              "between": [a.values[name], b.values[name]],
                              "reliable_above": pb.reliable})
    return found


def sweep_table(run: Any) -> RenderableType:
    result = run.result
    names = [n for n, _ in result.axes]
    policies = [p.policy for p in result.points[0].policies] if result.points else []
    table = Table(title=f"{result.model}: reliability by policy (yes = every risk within "
                        "tolerance)", title_justify="left")
    for n in names:
        table.add_column(n, justify="right")
    for p in policies:
        table.add_column(p, justify="center")
    table.add_column("leader's choice")
    for pt in result.points:
        cells = [Text("yes", style="green") if p.reliable else Text("no", style="red")
                 for p in pt.policies]
        table.add_row(*(decimal_text(pt.values[n]) for n in names), *cells, pt.leader_choice)
    notes = [Text(f"{b['policy']} {'keeps' if b['reliable_above'] else 'loses'} reliability "
                  f"between {b['parameter']} = {decimal_text(b['between'][0])} and "
                  f"{decimal_text(b['between'][1])}") for b in boundaries(run)]
    return Group(table, *notes)
