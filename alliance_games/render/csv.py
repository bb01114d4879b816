"""Tidy CSV: one row per equilibrium x player x strategy (or information-set action)."""

from __future__ import annotations

import csv
import io

from alliance_games.analysis.equilibrium import EquilibriumRecord
from alliance_games.render.numbers import json_number


def solve_csv(records: list[EquilibriumRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["equilibrium", "player", "strategy", "probability", "payoff", "max_regret"])
    for n, record in enumerate(records, start=1):
        for player, dist in record.profile.items():
            for label, prob in dist.items():
                writer.writerow([n, player, label, json_number(prob),
                                 json_number(record.payoffs[player]),
                                 json_number(record.max_regret)])
    return out.getvalue()
