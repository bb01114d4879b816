"""The article's propositions on the flagship built from mechanisms (issue 13).

Every check passes at the defaults, and every check can fail: each test below moves parameters
to where the article (or the model's mechanism) says the claim should break, and sees it break.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest

from alliance_games.alliance import propositions as props
from alliance_games.alliance import side_effect_claims as side
from alliance_games.alliance.claims import (
    ALLIES,
    CONNECTED,
    LEADER,
    VERDICT_TAGS,
    Flagship,
    PropositionResult,
)
from alliance_games.errors import ParameterError


@pytest.fixture(scope="module")
def flagship() -> Flagship:
    return Flagship()


@pytest.fixture(scope="module")
def results(flagship: Flagship) -> dict[str, PropositionResult]:
    return {r.id: r for r in props.check_all(flagship)}


IDS = [f"P{k}" for k in range(1, 12)]


def test_every_proposition_is_checked_in_order(results: dict[str, PropositionResult]) -> None:
    assert list(results) == IDS


@pytest.mark.parametrize("pid", IDS)
def test_proposition_passes_at_the_defaults(results: dict[str, PropositionResult],
                                            pid: str) -> None:
    result = results[pid]
    assert result.passed, (pid, result.figures)
    assert result.figures


def test_the_leader_connects_with_two_rivals_and_not_with_one(flagship: Flagship) -> None:
    assert flagship.read().chosen == ("connect",)
    one = flagship.read(rival_count=1)
    assert one.chosen and "connect" not in one.chosen


def test_connection_is_not_free_for_the_allies(flagship: Flagship) -> None:
    """Under connect the allies carry risks (they join the partner's wars) and pay for it."""
    reading = flagship.read()
    connect, status_quo = reading.policy("connect"), reading.policy("status_quo")
    assert connect.tags.get("connected") == 1
    assert all(connect.risks[a]["entrapment"] > 0 for a in ALLIES)
    assert any(connect.risks[a]["entrapment"] > status_quo.risks[a]["entrapment"] for a in ALLIES)
    profile = next(p for p in reading.comparison.policy("connect").profiles)
    assert profile.measures["leader_cost"] > 0


def test_generous_terms_buy_the_consent_of_secure_allies(flagship: Flagship) -> None:
    """Allies that are secure without connection (a small loss when left alone, a leader that
    fights even when irresolute) decline it on standard terms; the leader, who needs it, concedes
    the allies' bargaining gain again (generous terms) and the connection takes and keeps
    reliability. Without anything to concede (``concession`` 0) the allies decline and connect
    fails."""
    secure = {"ally_loss_alone_asia": "0.7", "ally_loss_alone_europe": "0.7",
              "war_cost_irresolute": "1.8"}
    bought = flagship.policy("connect", **secure)
    assert bought.tags.get("connected") == 1 and bought.tags.get("conceded") == 1
    assert bought.reliable
    refused = flagship.policy("connect", concession=0, **secure)
    assert refused.tags.get("connected", 0) == 0 and not refused.reliable
    assert flagship.policy("connect").tags.get("conceded", 0) == 0  # standard terms suffice


def test_the_bargaining_measure_is_the_transfer_paid_on_acceptance(flagship: Flagship) -> None:
    """The model's ``bargaining`` measure is what the leader pays the allies once they accept:
    b on standard terms, b(1 + concession) on generous ones, times the probability of each; it
    is part of ``leader_cost``, and P5's security cost is ``leader_cost`` without it."""
    b, g = flagship.default("bargaining_cost"), flagship.default("concession")
    for secure in ({}, {"ally_loss_alone_asia": "0.7", "ally_loss_alone_europe": "0.7",
                        "war_cost_irresolute": "1.8"}):
        connect = flagship.policy("connect", **secure)
        paid = b * (connect.tags.get("connected", 0) + g * connect.tags.get("conceded", 0))
        assert paid > 0 and connect.measure("bargaining") == paid
    assert flagship.policy("connect", bargaining_cost=0).measure("bargaining") == 0
    assert flagship.policy("status_quo").measure("bargaining") == 0
    p5 = props.p5(flagship)
    connect = flagship.policy("connect")
    assert p5.figures["connect_security_cost"] == round(
        float(connect.cost) - float(connect.measure("bargaining")), 4)


def test_a_partner_without_a_rival_of_its_own_stays_out(flagship: Flagship) -> None:
    """Failing the network costs a connected ally the partners' support against its own rival.
    With one rival the European ally has none, so it abstains from Asia's crises at no cost: the
    leader is left without its partner there (its abandonment under connection is positive),
    while with two rivals both partners join and the leader is never abandoned."""
    assert flagship.continuation(CONNECTED).risks[LEADER]["abandonment"] == 0
    alone = flagship.continuation(CONNECTED, rival_count=1)
    assert alone.risks[LEADER]["abandonment"] > 0
    assert alone.tags.get("entrapment:ally_europe", 0) < flagship.continuation(
        CONNECTED).tags.get("entrapment:ally_europe", 0)


def test_the_asian_ally_hedges_by_degrees(flagship: Flagship) -> None:
    """At the status quo the Asian ally hedges in the warm draw only: its ties -0.77 + 0.2 = -0.57
    beat the about -0.6 it expects from staying at the prior, -0.97 do not, so it hedges with
    probability 1/2. Without the swing hedging is a pure choice (never, at the defaults); with
    warmer ties (-0.3 +/- 0.2) it hedges in both draws."""
    assert flagship.policy("status_quo").tags["hedge:ally_asia"] == Fraction(1, 2)
    assert flagship.policy("status_quo", ties_swing=0).tags["hedge:ally_asia"] == 0
    assert flagship.policy("status_quo", ties_asia="-0.3").tags["hedge:ally_asia"] == 1


def test_an_unconnected_asian_ally_backs_the_leaders_war_in_europe_when_exposed(
        flagship: Flagship) -> None:
    """Without connection, once the leader fights in Europe the Asian ally backs it or stands
    aside. Barely committed (the status quo: being drawn in costs it 0.4 * 0.25 * 0.4 = 0.04 in
    expectation, backing 0.1) it stands aside, which is the leader's abandonment on top of the
    allies' hedging (0.5 + 0.275); strengthened (0.16) it backs, which is its entrapment. Backing
    that costs more than the exposure (``join_cost`` 0.2) is not given, and free backing is."""
    sq, strong = flagship.policy("status_quo"), flagship.policy("strengthen_asia")
    assert sq.tag("war:europe") > 0 and sq.tag("support:ally_asia") == 0
    hedging = sq.tags["hedge:ally_asia"] + sq.tags["hedge:ally_europe"]
    assert sq.risks[LEADER]["abandonment"] > hedging
    free = flagship.policy("status_quo", join_cost=0)
    assert free.tag("support:ally_asia") > 0 and free.risks[LEADER]["abandonment"] == hedging
    assert strong.tag("support:ally_asia") > 0
    assert strong.risk("ally_asia", "entrapment") >= strong.tag("support:ally_asia")
    assert flagship.policy("strengthen_asia", join_cost="0.2").tag("support:ally_asia") == 0


def test_the_networks_binding_needs_partners_with_a_rival(flagship: Flagship) -> None:
    """The leader's network audience cost (``binding``) weighs only where the partners face a
    rival of their own: with two rivals it moves the value of connecting, with one rival it does
    not, and the one-rival leader does not connect even free of the bargaining price."""
    two = {flagship.policy("connect", binding=b).leader_value for b in (0, 2)}
    assert len(two) == 2
    one = {flagship.policy("connect", rival_count=1, binding=b).leader_value for b in (0, 2)}
    assert len(one) == 1
    assert "connect" not in flagship.read(rival_count=1, bargaining_cost=0).chosen


def test_a_base_point_moves_every_reading_but_a_checks_own(flagship: Flagship) -> None:
    """``Flagship(base=...)`` (``propositions --set``): readings are at the base unless a check
    moves the parameter itself; the base's names and values are checked like ``--set``'s."""
    moved = flagship.at({"ties_swing": "0"})
    assert moved.policy("status_quo").tags["hedge:ally_asia"] == 0
    assert moved.policy("status_quo", ties_swing="1/5").tags["hedge:ally_asia"] == Fraction(1, 2)
    for bad in ({"ties_swng": 0}, {"ties_swing": "0.3"}, {"pooling": -1}):
        with pytest.raises(ParameterError):
            Flagship(base=bad, shared=None)


def test_capacity_goes_to_asia_first(flagship: Flagship) -> None:
    """The priority front: strengthening every branch makes the leader credible in Asia (the Asian
    ally's abandonment falls well below the status quo's, within tolerance) but not in Europe,
    which gets what Asia leaves (above tolerance); with the capacity link off both strengthened
    branches are defended."""
    reading = flagship.read()
    sq, both = reading.policy("status_quo"), reading.policy("strengthen_all")
    asia = both.risks["ally_asia"]["abandonment"]
    assert asia < sq.risks["ally_asia"]["abandonment"] / 5
    assert asia <= both.tolerances["abandonment"] < both.risks["ally_europe"]["abandonment"]
    off = flagship.read(capacity_link=0).policy("strengthen_all")
    assert all(off.risks[a]["abandonment"] == 0 for a in ALLIES)


def test_links_off_restore_a_traditional_policy(flagship: Flagship) -> None:
    reading = flagship.read(capacity_link=0, reputation_link=0)
    assert reading.reliable()


@pytest.mark.parametrize("war_cost,pressing,deterred", [("0.75", "0.57", "0.58"),
                                                        ("1", "0.49", "0.51")])
def test_a_lone_rival_challenges_an_uncommitted_ally_below_its_resolve_threshold(
        flagship: Flagship, war_cost: str, pressing: str, deterred: str) -> None:
    """Hand-derived: a rival kept apart (``align_cost`` at its top) facing a token commitment
    gains ``g_R`` if the leader (irresolute, probability 1 - pi) abandons and loses ``c_R`` if it
    (resolute) defends, so it challenges iff pi < g_R / (g_R + c_R): 4/7 at the default war cost
    0.75 (past the design's largest prior, 0.5625, why the default is 0.75), one half at 1."""
    apart = {"align_cost": flagship.upper("align_cost"), "rival_war_cost": war_cost}
    below = flagship.policy("status_quo", prior_resolve=pressing, **apart)
    assert below.tags["challenge:asia"] == Fraction(pressing)  # the resolute leader's wars
    above = flagship.policy("status_quo", prior_resolve=deterred, **apart)
    assert above.tags.get("challenge:asia", 0) == 0


def test_restraint_holds_a_connection_where_the_branches_compete_for_capacity(
        flagship: Flagship) -> None:
    """Without restraint the European partner provokes and stays out of Asia's crises, which take
    the leader's capacity first, and the irresolute leader leaves the Asian ally: the connection
    in place fails. Without the capacity link the same connection holds."""
    off = flagship.continuation(CONNECTED, restraint=0)
    assert not off.reliable
    assert off.tag("provocation:europe") == 1 and off.risk(LEADER, "abandonment") == 1
    assert off.risk("ally_asia", "abandonment") > off.tolerances["abandonment"]
    assert flagship.continuation(CONNECTED, restraint=0, capacity_link=0).reliable


# ---- every check can fail -------------------------------------------------------------------
# (check, parameters moved, why the article expects the claim to break there)
BREAKS: dict[str, tuple[Callable[[Flagship], PropositionResult], dict[str, Any], str]] = {
    "P1": (props.p1, {"tie_cost": 0.2},
           "commitments that barely tie the leader's hands cannot make strengthening credible"),
    "P2": (props.p2, {"capacity_link": 0, "reputation_link": 0},
           "without interdependence there is no alliance-system dilemma"),
    "P3": (props.p3, {"tie_cost": 0},
           "strengthening that raises no cost of reneging does not lower abandonment"),
    "P4": (props.p4, {"gain_asia": 0}, "an ally with no aims of its own is not emboldened"),
    "P5": (props.p5, {"pooling": 0, "cost_sharing": 0},
           "a connection that pools no strength and shares no cost does not work"),
    "P6": (props.p6, {"gain_asia": 0, "gain_europe": 0},
           "allies with no aims of their own do not provoke: restraint has nothing to restrain"),
    "P7": (side.p7, {"align_cost": 2}, "rivals for whom aligning never pays stay apart"),
    "P8": (side.p8, {"pooling": 0, "cost_sharing": 0},
           "a connection that pools no strength and shares no cost is not chosen even free of "
           "the bargaining price"),
    "P9": (side.p9, {"prior_resolve": 0.25},
           "a leader that allies and rivals think likely irresolute leaves the dual allies "
           "fearing abandonment above all"),
    "P10": (props.p10, {"capacity_link": 0, "reputation_link": 0},
            "two rivals without interdependence leave strengthening enough"),
    "P11": (props.p11, {"provocation_crisis_prob": 0.3},
            "allies provocative enough entrap a leader who strengthens both independent branches"),
}


@pytest.mark.parametrize("pid", sorted(BREAKS, key=lambda p: int(p[1:])))
def test_each_check_can_fail(flagship: Flagship, pid: str) -> None:
    check, moved, why = BREAKS[pid]
    result = check(flagship.at(moved))
    assert not result.passed, f"{pid} should break at {moved} ({why}): {result.figures}"


def test_p9_class_moves_with_the_presets_economic_ties(flagship: Flagship) -> None:
    """South Korea fears both risks; given ties to China that make hedging pay, it hedges at the
    status quo and fears only entrapment, and P9 would fail."""
    assert side.preset_class(flagship, "south_korea")["class"] == "dual"
    moved = side.preset_class(flagship, "south_korea", ties_asia="0.5")
    assert moved["hedges_at_status_quo"]
    assert moved["class"] == "entrapment"


def test_p9_class_moves_with_the_presets_exposure(flagship: Flagship) -> None:
    """At the defaults South Korea's entrapment when its branch is strengthened is its backing of
    the leader's European wars, which it gives because standing aside would leave it exposed to
    them; not exposed (``exposure_asia`` 0) it stands aside and fears abandonment only. Japan,
    exposed and drawn in at a high cost, backs them and turns dual. Each preset moves its own
    ally only: the European ally's exposure is not South Korea's."""
    exposed = side.preset_class(flagship, "south_korea", exposure_asia="0")
    assert exposed["entrapment_strengthened"] == 0 and exposed["class"] == "abandonment"
    japan = side.preset_class(flagship, "japan", exposure_asia="1", entanglement_cost_asia="2")
    assert japan["class"] == "dual"
    assert side.preset_class(flagship, "south_korea", exposure_europe="0")["class"] == "dual"


def test_p7_alignment_raises_the_pooling_threshold_only_when_aligned_rivals_pool(
        flagship: Flagship) -> None:
    """Where pooling must carry connection (cost sharing off), aligned rivals raise s* from
    about 0.17 to about 0.64; rivals whose alignment pools no strength leave it where it is."""
    at_defaults = side.alignment_raises_threshold(flagship)
    assert at_defaults["raised"]
    assert at_defaults["rivals_aligned"][0] > at_defaults["rivals_apart"][1]
    unpooled = side.alignment_raises_threshold(flagship.at({"rival_pooling": 0}))
    assert not unpooled["raised"]
    assert unpooled["rivals_aligned"] == unpooled["rivals_apart"]
    assert not side.p7(flagship.at({"rival_pooling": 0})).passed


@pytest.mark.parametrize("moved", [{}, {"rival_pooling": 0}, {"rival_pooling": "0.5"},
                                   {"pooling": "0.2", "cost_sharing": "0.9"}])
def test_p7_robustness_reading_of_the_threshold_gives_the_precise_verdict(
        flagship: Flagship, moved: dict[str, Any]) -> None:
    """Robustness runs (``precise=False``) stop the bisection of "alignment raises s*" at the
    first pooling level where the connection holds with the rivals apart and fails with them
    aligned; the precise reading bisects the apart threshold to the end. Same rule, same verdict;
    the early stop saves solves where the two thresholds are far apart."""
    precise = side.alignment_raises_threshold(flagship.at(moved))
    coarse_flagship = flagship.at(moved, precise=False)
    solved: list[tuple[str, ...]] = []
    original = coarse_flagship.continuation

    def spy(path: tuple[str, ...], **values: Any) -> Any:
        solved.append(tuple(sorted(values)))
        return original(path, **values)

    coarse_flagship.continuation = spy  # type: ignore[method-assign]
    coarse = side.alignment_raises_threshold(coarse_flagship)
    assert coarse["raised"] == precise["raised"]
    if precise["rivals_apart"] is not None and coarse["rivals_apart"] is not None:
        low, high = coarse["rivals_apart"]  # a bracket of the same switch, maybe coarser
        assert low <= precise["rivals_apart"][0] and precise["rivals_apart"][1] <= high
    if not moved:  # at the defaults s*_apart ~ 0.17, s*_aligned ~ 0.64: stops at s = 0.5
        # apart at 0 and 2, then at 1 and 0.5 both ways: 6 solves where the precise reading
        # takes 9 (apart at 0, 2 and six bisection steps, aligned at the end)
        assert coarse["rivals_apart"] == (0.0, 0.5) and len(solved) == 6


def test_p7_reads_a_connection_in_place_not_the_allies_consent(flagship: Flagship) -> None:
    """P7 measures what alignment does to a connection in place (both allies accepted), where
    the aligned rivals' pressure shows; the allies' consent, which alignment can also move, is
    reported beside it. At prior 0.5 the allies accept whether the rivals align or not (on
    standard terms: their share of the bargaining gain outweighs what connection costs them)."""
    result = side.p7(flagship.at({"prior_resolve": "0.5"}))
    figures = result.figures
    assert figures["connection_accepted"] == {"rivals_aligned": 1.0, "rivals_apart": 1.0}
    assert figures["alignment_once_connected"] == 1.0
    values = figures["connected_leader_value"]
    assert values["rivals_apart"] > values["rivals_aligned"]
    assert result.passed


def test_p8_holds_where_the_bargaining_price_already_bites(flagship: Flagship) -> None:
    """At a bargaining cost of 1.4 (past b* = 1.30) the leader keeps the status quo; without the
    allies' bargaining gain it would connect, so b* lies below 1.4 and the claim holds."""
    result = side.p8(flagship.at({"bargaining_cost": "1.4"}))
    assert result.figures["chosen_at_default"] == ["status_quo"]
    low, high = result.figures["b_star_bracket"]
    assert 1.25 < low < high <= 1.4
    assert result.passed


@pytest.mark.parametrize("pid", sorted(BREAKS, key=lambda p: int(p[1:])))
def test_a_verdict_only_reading_gives_the_same_verdicts(flagship: Flagship, pid: str) -> None:
    """Robustness runs read verdicts only (``verdict_only``: a check stops at its first failing
    condition and skips figures that decide nothing); the verdicts are those of the full check,
    where the claim holds and where it breaks."""
    check, moved, _ = BREAKS[pid]
    fast = flagship.at({}, verdict_only=True)
    assert check(fast).passed == check(flagship).passed
    assert check(fast.at(moved)).passed == check(flagship.at(moved)).passed


@pytest.mark.parametrize("values", [{}, {"rival_count": 1}, {"prior_resolve": "0.3"}])
def test_a_verdict_only_reading_solves_with_the_verdict_tags_and_reads_the_same(
        flagship: Flagship, values: dict[str, Any]) -> None:
    """A verdict-only flagship solves the model carrying the outcome tags the verdicts read only
    (fewer outcome columns in every subgame); every figure a verdict reads is the full
    reading's: each policy's risks, hedging, leader's value, cost, measures and kept tags, and
    the leader's choice."""
    fast = flagship.at({}, verdict_only=True)
    lean, full = fast.read(**values), flagship.read(**values)
    assert set(lean.comparison.policies[0].profiles[0].tag_probabilities) <= set(VERDICT_TAGS)
    assert lean.chosen == full.chosen
    for name, policy in full.policies.items():
        other = lean.policy(name)
        assert (other.risks, other.hedging, other.leader_value, other.cost, other.measures) == \
            (policy.risks, policy.hedging, policy.leader_value, policy.cost, policy.measures)
        assert {t: other.tag(t) for t in VERDICT_TAGS} == {t: policy.tag(t) for t in VERDICT_TAGS}


def test_a_verdict_only_p9_stops_at_the_first_preset_out_of_class(flagship: Flagship) -> None:
    """A less resolute leader (prior 0.25) pushes the dual presets into fearing abandonment; the
    verdict-only reading fails with the full one, after fewer presets."""
    moved = {"prior_resolve": "0.25"}
    full = side.p9(flagship.at(moved))
    fast = side.p9(flagship.at(moved, verdict_only=True))
    assert not full.passed and not fast.passed
    assert len(fast.figures) < len(full.figures)


def test_the_verdict_only_order_of_p9_covers_every_preset_once() -> None:
    assert sorted(side.VERDICT_ORDER) == sorted(side.ARTICLE_TYPOLOGY)
