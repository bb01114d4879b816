"""Renderings of iterated dominance (``dominance``): terminal table and JSON.

The subject is a :class:`~alliance_games.analysis.runs.DominanceRun` (the model instance and the
rounds of elimination).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.runs import DominanceRun
from alliance_games.render.formats import dumps
from alliance_games.render.numbers import json_number, text_number


def _dominator(dominator: Any) -> Any:
    if isinstance(dominator, dict):
        return {label: json_number(p) for label, p in dominator.items()}
    return dominator


def dominance_json(run: DominanceRun) -> str:
    result = run.result
    players = result.game.players
    return dumps({
        "model": run.instance.model.name,
        "parameters": {k: json_number(v) for k, v in run.instance.values.items()},
        "weak": result.weak, "mixed": result.mixed, "exact": result.exact,
        "rounds": [[{"player": e.player, "strategy": e.strategy,
                     "dominator": _dominator(e.dominator), "strict": e.strict} for e in r]
                   for r in result.rounds],
        "surviving": {p: list(s) for p, s in zip(players, result.surviving, strict=True)},
        "notes": list(result.notes),
    })


def dominance_table(run: DominanceRun) -> RenderableType:
    result = run.result
    kind = "weakly or strictly" if result.weak else "strictly"
    table = Table(title=f"Iterated elimination of {kind} dominated strategies",
                  title_justify="left")
    for column in ("round", "player", "eliminated", "dominated by"):
        table.add_column(column)
    for n, round_ in enumerate(result.rounds, start=1):
        for e in round_:
            if isinstance(e.dominator, dict):
                by = ", ".join(f"{label}: {text_number(p)}" for label, p in e.dominator.items())
            else:
                by = str(e.dominator)
            table.add_row(str(n), e.player, e.strategy, by + ("" if e.strict else " (weakly)"))
    surviving = "; ".join(f"{p}: {', '.join(s)}"
                          for p, s in zip(result.game.players, result.surviving, strict=True))
    parts: list[RenderableType] = [table, Text(f"Surviving: {surviving}")]
    parts += [Text(f"note: {n}", style="yellow") for n in result.notes]
    return Group(*parts)
