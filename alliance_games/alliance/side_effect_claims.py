"""Propositions P7-P9: the rivals' alignment, the allies' bargaining power, the ally typology.

* P7 solves ``rival_alignment`` at each policy's commitments; aligned rivals raise the flagship's
  two-front probability to ``ALIGNED_TWO_FRONT`` (design D5), and the pooling threshold s* is
  found again by bisection.
* P8 solves ``alliance_bargaining`` over the depth of connection.
* P9 applies every scenario preset to the flagship. An ally's *fear balance* weighs its risks by
  what they cost it: ``L·abandonment / (L·abandonment + d·entrapment)`` with ``L`` its loss when
  abandoned and ``d`` its cost of being drawn in; >= 0.8 is abandonment-fearing, <= 0.45
  entrapment-fearing, dual in between (the thresholds of design D6).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from alliance_games.alliance.claims import (
    Flagship,
    PropositionResult,
    policy_commitments,
    pooling_threshold,
)
from alliance_games.analysis.reliability import RISK_KINDS
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.scenarios import load_scenario
from alliance_games.solvers import solve

ALIGNED_TWO_FRONT = Fraction(4, 5)
"""Two-front probability once the rivals align (design D5: 0.5 -> 0.8)."""
ARTICLE_TYPOLOGY = {
    "japan": "abandonment", "poland_baltics": "abandonment",
    "thailand": "entrapment", "germany_france": "entrapment",
    "south_korea": "dual", "australia": "dual", "philippines": "dual",
}
"""How the article characterises each ally's fears (section on the allies' dual risk)."""


def p7(flagship: Flagship) -> PropositionResult:
    model = load_model("rival_alignment")
    compiled = compile_model(model)
    threats: dict[str, float] = {}
    aligned: dict[str, bool] = {}
    levels = (flagship.default(n) for n in ("commit_low", "commit_high", "commit_connect"))
    for policy, (k_a, k_e, conn) in policy_commitments(*levels).items():
        values = {"commit_asia": k_a, "commit_europe": k_e, "connection": conn}
        game = compiled.at(values)
        assert isinstance(game, NormalFormGame)
        result = solve(game, "pure")
        index = [game.strategies[i].index("align") for i in range(2)]
        aligned[policy] = any(
            all(eq.strategies[i][index[i]] == 1 for i in range(2)) for eq in result.equilibria)
        v = compiled.resolve(values)
        threats[policy] = round(float(v["threat_base"] + v["threat_commit"] * (k_a + k_e)
                                      + v["threat_connect"] * conn), 4)
    before = pooling_threshold(flagship)
    after = pooling_threshold(flagship, two_front_prob=ALIGNED_TWO_FRONT)
    only_connect = [p for p, a in aligned.items() if a] == ["connect"]
    highest = max(threats, key=lambda p: threats[p]) == "connect"
    rises = before is not None and after is not None and after[0] > before[1]
    return PropositionResult(
        "P7", "Connection raises the rivals' shared threat; past a threshold they align, which "
        "raises the pooling threshold s*.", only_connect and highest and rises,
        {"threat_by_policy": threats, "rivals_align_under": [p for p, a in aligned.items() if a],
         "s_star_bracket_independent": before, "s_star_bracket_aligned": after,
         "aligned_two_front_prob": float(ALIGNED_TWO_FRONT)})


def p8(flagship: Flagship) -> PropositionResult:
    compiled = compile_model(load_model("alliance_bargaining"))
    depths = [Fraction(k, 4) for k in range(5)]
    shares: dict[str, list[float]] = {}
    for depth in depths:
        result = solve(compiled.at({"depth": depth}), "spe")
        shares[str(float(depth))] = sorted(round(float(eq.payoffs[0]), 4)
                                           for eq in result.equilibria)
    best = [max(v) for v in shares.values()]
    worst = [min(v) for v in shares.values()]
    falls = all(b <= a for a, b in zip(worst, best[1:], strict=False)) and best[-1] < worst[0]
    return PropositionResult(
        "P8", "Connection raises the allies' bargaining power: the leader's share of the alliance "
        "surplus falls as connection deepens.", falls,
        {"leader_share_by_depth": shares})


def fear_class(balance: float) -> str:
    if balance >= 0.8:
        return "abandonment"
    return "entrapment" if balance <= 0.45 else "dual"


def p9(flagship: Flagship) -> PropositionResult:
    figures: dict[str, Any] = {}
    passed = True
    for name, expected in ARTICLE_TYPOLOGY.items():
        preset = load_scenario(name)
        ally = f"ally_{preset.region}"
        comparison = flagship.compare(**preset.parameters)
        values = {**{p.name: p.default for p in flagship.model.parameters},
                  **{k: Fraction(str(v)) for k, v in preset.parameters.items()}}
        sq = comparison.policy("status_quo").risks[ally]
        fear_ab = float(values["ally_loss_alone"]) * float(sq["abandonment"])
        fear_en = float(values["entanglement_cost"]) * float(sq["entrapment"])
        balance = fear_ab / (fear_ab + fear_en) if fear_ab + fear_en > 0 else 0.5
        combined = {p.policy: round(float(sum(p.risks[ally][k] for k in RISK_KINDS)), 4)
                    for p in comparison.policies}
        lowest = combined["connect"] <= min(combined.values())
        found = fear_class(balance)
        passed = passed and found == expected and lowest
        figures[name] = {"ally": ally, "fear_balance": round(balance, 3), "class": found,
                         "article": expected, "combined_risk": combined}
    return PropositionResult(
        "P9", "Ally typology: at the status quo the scenario presets classify as the article does "
        "(abandonment-fearing, entrapment-fearing, dual), and connection gives every ally its "
        "lowest combined risk.", passed, figures)


def checks(flagship: Flagship) -> list[PropositionResult]:
    return [p7(flagship), p8(flagship), p9(flagship)]
