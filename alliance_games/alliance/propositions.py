"""The article's propositions P1-P6, P10 and P11, checked on the flagship (see
docs/explanation/the-model.md, "The propositions").

Every check solves the flagship with the generic solver (``spbe``) under the selection of
:mod:`.claims` and returns PASS/FAIL with the figures behind it. Reliability is strict (within
tolerances and no ally hedging). ``check_all`` runs them in order, P7-P9 from
:mod:`.side_effect_claims`. Each check can fail: ``tests/alliance/test_propositions_fail.py``
moves a parameter to where the article says the claim should break and sees it break.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alliance_games.alliance import side_effect_claims as side_effects
from alliance_games.alliance.claims import (
    ALLIES,
    CONNECTED,
    LEADER,
    LINKS_OFF,
    TRADITIONAL,
    Flagship,
    PropositionResult,
    Selected,
    pooling_threshold,
)
from alliance_games.analysis.collection import fewer_collections
from alliance_games.analysis.reliability import has_dual_risk

PATHWAYS = ("pooling", "cost_sharing", "restraint")


def _verdicts(policies: dict[str, Selected]) -> dict[str, bool]:
    return {name: p.reliable for name, p in policies.items()}


def p1(flagship: Flagship) -> PropositionResult:
    one = flagship.read(rival_count=1)
    kept = one.reliable()
    return PropositionResult(
        "P1", "One rival: some traditional policy (strengthening the threatened branch) keeps "
        "reliability.", bool(kept),
        {"reliable": _verdicts(one.policies), "traditional_policies_kept": kept,
         "strengthen_asia": one.policy("strengthen_asia").summary()})


def dual_risk_players(p: Selected) -> list[str]:
    return [pl for pl in (LEADER, *ALLIES) if has_dual_risk(p.risks[pl])]


def p2(flagship: Flagship) -> PropositionResult:
    reading = flagship.read()
    sq = reading.policy("status_quo")
    dual = dual_risk_players(sq)
    kept = reading.reliable()
    passed = LEADER in dual and any(a in dual for a in ALLIES) and not kept
    return PropositionResult(
        "P2", "Two rivals, dual risk: under the status quo the leader and at least one ally face "
        "abandonment and entrapment risk at once; no traditional policy keeps reliability.",
        passed, {"dual_risk_under_status_quo": dual, "status_quo": sq.summary(),
                 "reliable": _verdicts(reading.policies)})


def insecurity(p: Selected) -> float:
    """The allies' insecurity under one policy: the probability that an ally is abandoned or
    hedges (leaves before it can be abandoned; Snyder 1984: hedging is how the fear of abandonment
    shows), averaged over the allies."""
    return round(sum(p.risk(a, "abandonment") + p.tag(f"hedge:{a}") for a in ALLIES) / len(ALLIES),
                 4)


def p3(flagship: Flagship) -> PropositionResult:
    reading = flagship.read()
    sq, sa = reading.policy("status_quo"), reading.policy("strengthen_all")
    figures = {
        "ally_insecurity": [insecurity(sq), insecurity(sa)],
        "ally_abandonment": [sq.max_ally("abandonment"), sa.max_ally("abandonment")],
        "leader_entrapment": [sq.risk(LEADER, "entrapment"), sa.risk(LEADER, "entrapment")],
        "ally_entrapment": [sq.max_ally("entrapment"), sa.max_ally("entrapment")],
        "leader_cost": [float(sq.cost or 0), float(sa.cost or 0)],
    }
    passed = (figures["ally_insecurity"][1] < figures["ally_insecurity"][0]
              and all(figures[k][1] > figures[k][0]
                      for k in ("leader_entrapment", "ally_entrapment", "leader_cost")))
    return PropositionResult(
        "P3", "Strengthen_all lowers the allies' abandonment risk (their insecurity: abandoned or "
        "hedging, averaged over the allies) but raises the leader's and the allies' entrapment risk "
        "and the leader's cost, relative to the status quo (figures: [status_quo, "
        "strengthen_all]).", passed, figures)


def p4(flagship: Flagship) -> PropositionResult:
    reading = flagship.read()
    sq, sel = reading.policy("status_quo"), reading.policy("strengthen_asia")
    figures = {
        "asia_provocation": [sq.tag("provocation:asia"), sel.tag("provocation:asia")],
        "leader_entrapment": [sq.risk(LEADER, "entrapment"), sel.risk(LEADER, "entrapment")],
        "europe_ally_abandonment": [sq.risk("ally_europe", "abandonment"),
                                    sel.risk("ally_europe", "abandonment")],
    }
    passed = all(v[1] > v[0] for v in figures.values())
    return PropositionResult(
        "P4", "Selective strengthening emboldens the strengthened ally (its provocation and the "
        "leader's entrapment rise strictly) and raises the neglected branch's abandonment risk "
        "(figures: [status_quo, strengthen_asia]).", passed, figures)


def p5(flagship: Flagship) -> PropositionResult:
    reading = flagship.read()
    connect, strong = reading.policy("connect"), reading.policy("strengthen_all")
    default = float(flagship.default("pooling"))
    figures: dict[str, Any] = {
        "connect": connect.summary(), "strengthen_all_cost": float(strong.cost or 0),
        "pooling_threshold_bracket": None, "pooling_default": default,
    }
    # the article's "low cost" is the security cost; the allies' long-run bargaining gain (the
    # model's `bargaining` measure, paid on accepting) is connection's separate, later price (P8)
    security = float(connect.cost or 0) - float(connect.measure("bargaining"))
    figures["connect_security_cost"] = round(security, 4)
    passed = connect.reliable and security < float(strong.cost or 0)
    if passed or not flagship.verdict_only:  # s* only where it can decide the verdict
        bracket = figures["pooling_threshold_bracket"] = pooling_threshold(flagship)
        passed = passed and bracket is not None and bracket[1] <= default
    return PropositionResult(
        "P5", "Connect keeps reliability with two rivals, at a lower security cost to the leader "
        "than strengthen_all (its expected cost without the long-run bargaining cost of P8), "
        "once pooling clears a threshold s* (bisection on the connect subgame; 0 when "
        "connection is reliable without pooling) that the default pooling clears.", passed,
        figures)


PATHWAY_EFFECTS = {
    "pooling": "the abandonment frontier or the leader's expected cost rises",
    "cost_sharing": "the leader's expected cost or the abandonment frontier rises",
    "restraint": "the allies' provocation or the entrapment frontier rises",
}
"""What switching each pathway off must worsen (the article, section 2.2: competitive advantage,
lower security costs, stronger restraint), each on its own dimension."""


def _worse(pathway: str, base: Selected, off: Selected) -> bool:
    cost_up = (off.cost or 0) > (base.cost or 0)
    if pathway in ("pooling", "cost_sharing"):  # the two resource pathways
        return off.frontier["abandonment"] > base.frontier["abandonment"] or cost_up
    provocation = max(off.tag(f"provocation:{r}") - base.tag(f"provocation:{r}")
                      for r in ("asia", "europe"))
    return provocation > 0 or off.frontier["entrapment"] > base.frontier["entrapment"]


def p6(flagship: Flagship) -> PropositionResult:
    base = flagship.continuation(CONNECTED)
    figures: dict[str, Any] = {"connect": flagship.policy("connect").summary(),
                               "connected": base.summary()}
    passed = base.reliable
    for pathway in PATHWAYS:
        if not passed and flagship.verdict_only:
            break
        off = flagship.continuation(CONNECTED, **{pathway: 0})
        worse = _worse(pathway, base, off)
        figures[f"{pathway}_off"] = {**off.summary(), "worse": worse,
                                     "provocation": [off.tag("provocation:asia"),
                                                     off.tag("provocation:europe")]}
        passed = passed and worse
    return PropositionResult(
        "P6", "Each pathway works on its own dimension: switching off pooling raises connection's "
        "abandonment frontier or the leader's expected cost (competitive advantage), so does cost "
        "sharing (security cost), restraint the allies' provocation or the "
        "entrapment frontier (restraint); 'reliable' says whether connection still passes.",
        passed, figures)


def p10(flagship: Flagship) -> PropositionResult:
    settings = {"one rival": {"rival_count": 1}, "two rivals": {},
                "one rival, two domains": {"rival_count": 1, "domains": 2}}
    figures: dict[str, Any] = {}
    passed = True
    for label, values in settings.items():
        reading = flagship.read(**values)
        kept = reading.reliable()
        figures[label] = {"chosen": list(reading.chosen), "traditional_kept": kept,
                          "connect_reliable": reading.policy("connect").reliable}
        if label == "one rival":
            passed = passed and bool(kept) and set(reading.chosen) <= set(TRADITIONAL)
        else:
            passed = (passed and reading.chosen == ("connect",) and not kept
                      and reading.policy("connect").reliable)
        if not passed and flagship.verdict_only:
            break
    return PropositionResult(
        "P10", "The number of rivals drives the choice: with one rival in one domain the leader "
        "chooses a traditional policy and one keeps reliability; with two rivals, and with one "
        "rival in two domains, it chooses connect and only connect keeps reliability.",
        passed, figures)


def p11(flagship: Flagship) -> PropositionResult:
    kept = None
    for name in TRADITIONAL:  # the first that keeps reliability is enough
        if flagship.policy(name, **LINKS_OFF).reliable:
            kept = name
            break
    return PropositionResult(
        "P11", "Interdependence drives the dilemma: with two rivals but both links between the "
        "branches switched off (capacity_link = reputation_link = 0), some traditional policy "
        "keeps reliability again.", kept is not None,
        {"traditional_kept": kept,
         **({"frontier": {k: float(v) for k, v in flagship.policy(kept, **LINKS_OFF)
                          .frontier.items()}} if kept else {})})


CHECKS: tuple[Callable[[Flagship], PropositionResult], ...] = (p1, p2, p3, p4, p5, p6)
LATE_CHECKS: tuple[Callable[[Flagship], PropositionResult], ...] = (p10, p11)


def check_all(flagship: Flagship | None = None) -> list[PropositionResult]:
    """Run every proposition check, in the order P1-P11 (with fewer garbage collections:
    :mod:`~alliance_games.analysis.collection`)."""
    flagship = flagship or Flagship()
    with fewer_collections():
        results = [check(flagship) for check in CHECKS]
        results.extend(side_effects.checks(flagship))
        results.extend(check(flagship) for check in LATE_CHECKS)
    return results

