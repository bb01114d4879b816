"""The article's smaller models: what each must show at its defaults, with closed-form checks.

Models in ``models/article/`` (the flagship ``alliance_system`` has its own tests) and the ally
presets in ``models/scenarios/``.
"""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
import yaml

from alliance_games.analysis.policies import PolicyComparison, compare_policies
from alliance_games.analysis.reliability import parse_tolerances
from alliance_games.analysis.runs import instantiate, solve_instance
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import parse_value
from tests.paths import ROOT

SCENARIOS = ROOT / "models" / "scenarios"


def _support(record: Any) -> dict[str, list[str]]:
    return {p: [s for s, v in d.items() if v != 0] for p, d in record.profile.items()}


# ---- 1. snyder_alliance_dilemma ----------------------------------------------------------------
SNYDER_POINTS = [
    {},  # defaults: entrapment 0.6, abandonment 0.9, autonomy 0.3, loyalty 0.2, loss 1
    {"entrapment_cost": "1", "abandonment_cost": "1/2", "autonomy_gain": "0.4",
     "loyalty_cost": "0.1", "abandonment_loss": "2"},
    {"entrapment_cost": "0.25", "abandonment_cost": "2", "autonomy_gain": "1",
     "loyalty_cost": "0.5", "abandonment_loss": "0.75"},
]


@pytest.mark.parametrize("values", SNYDER_POINTS)
def test_snyder_mixed_equilibrium_closed_forms(values: dict[str, str]) -> None:
    instance = instantiate("snyder_alliance_dilemma", values)
    v = {k: F(str(x)) for k, x in instance.values.items()}
    result, records = solve_instance(instance, "mixed")
    assert result.exact and result.complete
    supports = sorted(tuple(tuple(s) for s in _support(r).values()) for r in records)
    # chicken over who stays loyal: the two asymmetric pure equilibria and one mixed
    assert supports == sorted([(("Firm",), ("Loose",)), (("Loose",), ("Firm",)),
                               (("Firm", "Loose"), ("Firm", "Loose"))])
    mixed = next(r for r in records if len(_support(r)["leader"]) == 2)
    ally_firm = v["abandonment_cost"] / (v["abandonment_cost"] + v["entrapment_cost"])
    leader_loose = v["autonomy_gain"] / (
        v["abandonment_loss"] - v["loyalty_cost"] + v["autonomy_gain"])
    assert mixed.profile["ally"]["Firm"] == ally_firm
    assert mixed.profile["leader"]["Loose"] == leader_loose
    assert mixed.outcome_distribution["abandonment:ally"] == leader_loose
    assert mixed.outcome_distribution["entrapment:leader"] == (1 - leader_loose) * ally_firm
    assert mixed.payoffs["leader"] == -v["entrapment_cost"] * ally_firm
    assert mixed.max_regret == 0
    if not values:
        assert (ally_firm, leader_loose) == (F(3, 5), F(3, 11))


# ---- 2. branch_commitment ----------------------------------------------------------------------
def _branch(values: dict[str, str] | None = None) -> tuple[PolicyComparison, list[Any]]:
    instance = instantiate("branch_commitment", values or {})
    _, records = solve_instance(instance, "auto")
    comparison = compare_policies(instance.model, instance.game, parse_tolerances(None))
    return comparison, records


def test_branch_commitment_firmness_trades_abandonment_for_moral_hazard() -> None:
    comparison, records = _branch()
    assert len(records) == 1  # unique SPE at the defaults
    loose, firm = comparison.policy("loose"), comparison.policy("firm")
    assert len(loose.profiles) == len(firm.profiles) == 1
    # abandonment of the ally falls, the leader's entrapment rises
    assert loose.risks["ally"]["abandonment"] == F(1, 2)
    assert firm.risks["ally"]["abandonment"] == F(3, 40)
    assert loose.risks["leader"]["entrapment"] == 0
    assert firm.risks["leader"]["entrapment"] == F(9, 40)
    # moral hazard: the ally provokes only under firm; deterrence: the rival challenges only
    # under loose (on the path and at the information sets)
    tags_loose, tags_firm = loose.profiles[0].tag_probabilities, firm.profiles[0].tag_probabilities
    assert (tags_loose["provocation"], tags_firm["provocation"]) == (0, 1)
    assert (tags_loose["challenge"], tags_firm["challenge"]) == (1, 0)
    ally, rival = records[0].profile["ally"], records[0].profile["rival"]
    assert ally["ally@loose/refrain:provoke"] == 0 and ally["ally@firm/refrain:provoke"] == 1
    assert rival["rival@loose:challenge"] == 1 and rival["rival@firm:challenge"] == 0
    # firmness costs the leader in peacetime, and it prefers loose at these costs
    assert (loose.measure("leader_cost"), firm.measure("leader_cost")) == (F(3, 10), 1)
    assert comparison.chosen == ("loose",)
    assert records[0].payoffs["leader"] == F(-1, 2)


def test_branch_commitment_partner_restraint_curbs_provocation() -> None:
    comparison, _ = _branch({"partner_restraint": "0.1"})
    firm = comparison.policy("firm")
    assert firm.profiles[0].tag_probabilities["provocation"] == 0
    assert firm.risks["leader"]["entrapment"] == 0
    assert firm.profiles[0].tag_probabilities["challenge"] == 0  # still deterred


# ---- 3. rival_alignment ------------------------------------------------------------------------
ALIGN = {"rival_asia": ["align"], "rival_europe": ["align"]}
APART = {"rival_asia": ["independent"], "rival_europe": ["independent"]}
POLICY_COMMITMENTS = {
    "status_quo": ("0.3", "0.3", "0"),
    "strengthen_all": ("1", "1", "0"),
    "strengthen_asia": ("1", "0.3", "0"),
    "connect": ("0.3", "0.3", "1"),
}


def _alignment_pure(values: dict[str, str]) -> tuple[list[dict[str, list[str]]], F, F]:
    instance = instantiate("rival_alignment", values)
    v = {k: F(str(x)) for k, x in instance.values.items()}
    threat = (v["threat_base"] + v["threat_commit"] * (v["commit_asia"] + v["commit_europe"])
              + v["threat_connect"] * v["connection"])
    star = max(v["align_cost_asia"], v["align_cost_europe"]) / v["relief"]
    _, records = solve_instance(instance, "pure")
    return [_support(r) for r in records], threat, star


@pytest.mark.parametrize("policy", list(POLICY_COMMITMENTS))
def test_rival_alignment_only_connection_aligns_the_rivals(policy: str) -> None:
    asia, europe, connection = POLICY_COMMITMENTS[policy]
    found, threat, star = _alignment_pure(
        {"commit_asia": asia, "commit_europe": europe, "connection": connection})
    assert star == F(3, 4)
    assert APART in found
    assert (ALIGN in found) == (policy == "connect")
    assert threat == {"status_quo": F(42, 100), "strengthen_all": F(7, 10),
                      "strengthen_asia": F(56, 100), "connect": F(82, 100)}[policy]


@pytest.mark.parametrize("values", [
    {"threat_base": "0.45"},                                     # threat 0.57 < 0.75
    {"threat_base": "0.63"},                                     # threat 0.75 = 0.75: weak NE
    {"relief": "2"},                                             # 0.42 >= 0.75 / 2
    {"relief": "2", "align_cost_asia": "0.9"},                   # 0.42 < 0.9 / 2
    {"relief": "0.5", "connection": "1"},                        # 0.82 < 0.75 / 0.5
    {"align_cost_europe": "1.2", "connection": "1"},             # 0.82 < 1.2
    {"commit_asia": "1", "commit_europe": "1", "connection": "1", "exposure": "1"},  # 1.1
])
def test_rival_alignment_threshold(values: dict[str, str]) -> None:
    found, threat, star = _alignment_pure(values)
    assert APART in found
    assert (ALIGN in found) == (threat >= star)


def test_rival_alignment_mixed_equilibrium_under_connect() -> None:
    _, records = solve_instance(instantiate("rival_alignment", {"connection": "1"}), "mixed")
    assert len(records) == 3
    mixed = next(r for r in records if len(_support(r)["rival_asia"]) == 2)
    assert mixed.profile["rival_asia"]["align"] == F(5, 8)
    assert mixed.profile["rival_europe"]["align"] == F(20, 27)


# ---- 4. burden_sharing -------------------------------------------------------------------------
LEVELS = {"c0": F(0), "c1": F(1, 4), "c2": F(1, 2), "c3": F(3, 4)}


def _burden(connection: str) -> tuple[F, F, F, F]:
    instance = instantiate("burden_sharing", {"connection": connection})
    v = {k: F(str(x)) for k, x in instance.values.items()}
    result, records = solve_instance(instance, "pure")
    assert result.complete and len(records) == 1  # unique pure equilibrium
    (xl,), (xa,), (xe,) = (
        [LEVELS[s] for s in support] for support in _support(records[0]).values())
    spill = v["connection"] * v["spillover"]
    total = (xl + xa + spill * xe) + (xl + xe + spill * xa)
    return xl, xa, xe, total


def test_burden_sharing_reverse_free_riding() -> None:
    hub, connected = _burden("0"), _burden("1")
    assert hub == (F(3, 4), F(1, 4), F(1, 4), F(2))
    assert connected == (F(1, 2), F(1, 2), F(1, 2), F(5, 2))
    (xl0, xa0, _, s0), (xl1, xa1, _, s1) = hub, connected
    assert xl1 < xl0 or (xl1 == xl0 and xa1 > xa0)
    assert xa1 > xa0 and s1 > s0


# ---- 5. alliance_bargaining --------------------------------------------------------------------
GRID = [F(k, 20) for k in range(21)]
DEPTHS = ["0", "0.25", "0.5", "0.75", "1"]


def _leader_share(values: dict[str, str]) -> F:
    instance = instantiate("alliance_bargaining", values)
    result, records = solve_instance(instance, "auto")
    assert result.complete and len(records) == 1  # unique SPE: no indifference anywhere
    v = {k: F(str(x)) for k, x in instance.values.items()}
    # closed form: the leader accepts a counter-offer y iff 1 - y > leader_outside; the ally asks
    # for the largest such y and accepts a first offer x iff x beats that continuation
    counter = max(y for y in GRID if 1 - y > v["leader_outside"])
    ally_outside = v["own_security"] + v["partner_support"] * v["depth"]
    continuation = v["discount"] * counter + (1 - v["discount"]) * ally_outside
    offer = min(x for x in GRID if x > continuation)
    share = records[0].payoffs["leader"]
    assert isinstance(share, F) and share == 1 - offer
    chosen = _support(records[0])["leader"]
    assert f"leader@root:o{int(offer * 100)}" in chosen
    return share


def test_alliance_bargaining_leader_share_erodes_with_depth() -> None:
    shares = [_leader_share({"depth": d}) for d in DEPTHS]
    assert shares == [F(3, 10), F(3, 10), F(1, 4), F(1, 4), F(1, 4)]
    assert all(a >= b for a, b in zip(shares, shares[1:], strict=False))
    assert shares[-1] < shares[0]


def test_alliance_bargaining_lower_discount_steeper_erosion() -> None:
    shares = [_leader_share({"depth": d, "discount": "0.5"}) for d in DEPTHS]
    assert shares == [F(11, 20), F(1, 2), F(9, 20), F(9, 20), F(2, 5)]


# ---- 6. scenario presets -----------------------------------------------------------------------
PRESETS = ["japan", "south_korea", "australia", "philippines", "thailand", "poland_baltics",
           "germany_france"]


@pytest.fixture(scope="module")
def flagship_parameters() -> dict[str, Any]:
    return {p.name: p for p in load_model("alliance_system").parameters}


def test_every_ally_has_a_preset() -> None:
    assert set(PRESETS) <= {p.stem for p in SCENARIOS.glob("*.yaml")}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_preset_parses_and_names_flagship_parameters(
        path: Path, flagship_parameters: dict[str, Any]) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["name"] == path.stem
    assert raw["title"] and raw["description"] and raw["source"]
    if raw["model"] != "alliance_system":
        return
    assert raw["region"] in ("asia", "europe")
    params = raw["parameters"]
    assert params and isinstance(params, dict)
    unknown = set(params) - set(flagship_parameters)
    assert not unknown, f"{path.name} names parameters alliance_system lacks: {sorted(unknown)}"
    for name, value in params.items():
        assert flagship_parameters[name].check(parse_value(value)) is None, (name, value)
    other = "europe" if raw["region"] == "asia" else "asia"
    assert not {f"ties_{other}", f"incident_{other}"} & set(params)  # its own region's ally
