"""The article's propositions P1-P9, checked on the bundled models (see docs/explanation/the-model.md).

Each check solves the models with the generic solvers and returns PASS/FAIL with the figures
behind it. ``check_all`` runs them in order (P7-P9 from :mod:`.side_effect_claims`); the test suite
runs the same checks. What the checks share lives in :mod:`.claims`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from alliance_games.alliance import side_effect_claims as side_effects
from alliance_games.alliance.claims import Flagship, PropositionResult, pooling_threshold
from alliance_games.analysis.policies import PolicyAssessment
from alliance_games.analysis.reliability import has_dual_risk
from alliance_games.analysis.sweep.boundary import symbolic_boundary

TRADITIONAL = ("status_quo", "strengthen_all", "strengthen_asia", "strengthen_europe")
ALLIES = ("ally_asia", "ally_europe")


def _r(value: Any) -> float:
    return round(float(value), 4)


def _risks(p: PolicyAssessment) -> dict[str, dict[str, float]]:
    return {pl: {k: _r(v) for k, v in r.items()} for pl, r in p.risks.items()
            if pl == "leader" or pl in ALLIES}


def _cost(p: PolicyAssessment) -> float:
    cost = p.measure("leader_cost")
    return _r(cost) if cost is not None else float("nan")


def p1(flagship: Flagship) -> PropositionResult:
    comparison = flagship.compare(rival_count=1)
    kept = [p.policy for p in comparison.policies if p.policy in TRADITIONAL and p.reliable]
    return PropositionResult(
        "P1", "One rival: some traditional policy (strengthening the threatened branch) keeps "
        "reliability.", bool(kept),
        {"verdicts": {p.policy: p.verdict for p in comparison.policies},
         "traditional_policies_kept": kept,
         "strengthen_asia_risks": _risks(comparison.policy("strengthen_asia"))})


def dual_risk_players(p: PolicyAssessment) -> list[str]:
    return [pl for pl, r in p.risks.items() if has_dual_risk(r)]


def p2(flagship: Flagship) -> PropositionResult:
    comparison = flagship.compare()
    sq = comparison.policy("status_quo")
    dual = dual_risk_players(sq)
    kept = [p.policy for p in comparison.policies if p.policy in TRADITIONAL and p.reliable]
    passed = "leader" in dual and any(a in dual for a in ALLIES) and not kept
    return PropositionResult(
        "P2", "Two rivals, dual risk: under the status quo the leader and at least one ally face "
        "abandonment and entrapment risk at once; no traditional policy keeps reliability.",
        passed, {"dual_risk_under_status_quo": dual, "status_quo_risks": _risks(sq),
                 "verdicts": {p.policy: p.verdict for p in comparison.policies}})


def _max_ally(p: PolicyAssessment, kind: str) -> float:
    return max(_r(p.risks[a][kind]) for a in ALLIES)


def _leader_entrapment(p: PolicyAssessment) -> float:
    return _r(p.risks["leader"]["entrapment"])


def p3(flagship: Flagship) -> PropositionResult:
    comparison = flagship.compare()
    sq, sa = comparison.policy("status_quo"), comparison.policy("strengthen_all")
    figures = {
        "ally_abandonment": [_max_ally(sq, "abandonment"), _max_ally(sa, "abandonment")],
        "leader_entrapment": [_leader_entrapment(p) for p in (sq, sa)],
        "ally_entrapment": [_max_ally(sq, "entrapment"), _max_ally(sa, "entrapment")],
        "leader_cost": [_cost(sq), _cost(sa)],
    }
    passed = (figures["ally_abandonment"][1] < figures["ally_abandonment"][0]
              and all(figures[k][1] > figures[k][0]
                      for k in ("leader_entrapment", "ally_entrapment", "leader_cost")))
    return PropositionResult(
        "P3", "Strengthen_all lowers abandonment but raises leader and ally entrapment and the "
        "leader's cost, relative to the status quo (figures: [status_quo, strengthen_all]).",
        passed, figures)


def _tag(p: PolicyAssessment, tag: str) -> float:
    return max(_r(prof.tag_probabilities.get(tag, 0)) for prof in p.profiles)


def p4(flagship: Flagship) -> PropositionResult:
    comparison = flagship.compare()
    sq, sel = comparison.policy("status_quo"), comparison.policy("strengthen_asia")
    figures = {
        "asia_provocation": [_tag(sq, "provocation:asia"), _tag(sel, "provocation:asia")],
        "leader_entrapment": [_leader_entrapment(p) for p in (sq, sel)],
        "europe_ally_abandonment": [_r(sq.risks["ally_europe"]["abandonment"]),
                                    _r(sel.risks["ally_europe"]["abandonment"])],
    }
    passed = (figures["asia_provocation"][1] >= figures["asia_provocation"][0]
              and figures["leader_entrapment"][1] > figures["leader_entrapment"][0]
              and figures["europe_ally_abandonment"][1] > figures["europe_ally_abandonment"][0])
    return PropositionResult(
        "P4", "Selective strengthening emboldens the strengthened ally (provocation and the "
        "leader's entrapment rise) and raises the neglected branch's abandonment risk (figures: "
        "[status_quo, strengthen_asia]).", passed, figures)


def p5(flagship: Flagship) -> PropositionResult:
    comparison = flagship.compare()
    connect, strong = comparison.policy("connect"), comparison.policy("strengthen_all")
    bracket = pooling_threshold(flagship)
    figures: dict[str, Any] = {
        "connect_verdict": connect.verdict, "connect_cost": _cost(connect),
        "strengthen_all_cost": _cost(strong), "pooling_threshold_bracket": bracket,
        "pooling_default": float(flagship.default("pooling")),
    }
    boundary = None
    if bracket is not None:
        boundary = symbolic_boundary(flagship.model, flagship.compiled, "pooling",
                                     Fraction(bracket[0]), Fraction(bracket[1]),
                                     policy="connect")
        figures["pooling_threshold_symbolic"] = str(boundary) if boundary is not None else None
    passed = (connect.reliable and _cost(connect) < _cost(strong) and bracket is not None
              and bracket[1] <= figures["pooling_default"] and boundary is not None
              and bracket[0] <= float(boundary) <= bracket[1])
    return PropositionResult(
        "P5", "Connect keeps reliability with two rivals, at lower leader cost than "
        "strengthen_all, once pooling clears a threshold s* found alike by bisection and by the "
        "symbolic solver.", passed, figures)


PATHWAYS = ("restraint", "cost_sharing", "pooling")


def p6(flagship: Flagship) -> PropositionResult:
    grid = [Fraction(k, 20) for k in range(21)]
    figures: dict[str, Any] = {}
    for pathway in PATHWAYS:
        found = None
        for s in grid:
            if pathway == "pooling":
                with_it = flagship.policy_reliable("connect", pooling=s)
                without = flagship.policy_reliable("connect", pooling=0)
            else:
                with_it = flagship.policy_reliable("connect", pooling=s)
                without = flagship.policy_reliable("connect", pooling=s, **{pathway: 0})
            if with_it and not without:
                found = float(s)
                break
        figures[f"{pathway}_off_breaks_connect_at_pooling"] = found
    passed = all(v is not None for v in figures.values())
    return PropositionResult(
        "P6", "Each pathway matters: switching off restraint, cost sharing or pooling makes "
        "connection fail at a point where it succeeded (first such pooling level on a 0.05 grid).",
        passed, figures)


CHECKS: tuple[Callable[[Flagship], PropositionResult], ...] = (p1, p2, p3, p4, p5, p6)


def check_all(flagship: Flagship | None = None) -> list[PropositionResult]:
    """Run every proposition check."""
    flagship = flagship or Flagship()
    results = [check(flagship) for check in CHECKS]
    results.extend(side_effects.checks(flagship))
    return results
