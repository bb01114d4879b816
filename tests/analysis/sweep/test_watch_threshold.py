"""``threshold`` on any model: watched quantities and policies, located exactly.

Hand derivations:

* a 2x2 stag hunt with stag payoff ``s``: in the mixed equilibrium each player hunts the stag with
  probability ``1/s``, which crosses ``1/3`` at ``s = 3`` and ``2/7`` at ``s = 7/2``; the
  number of equilibria drops from 3 to 1 where ``s`` falls to 1 (below it Hare dominates);
* the Prisoner's Dilemma with temptation ``T`` (R = 3, P = 1, S = 0): three equilibria for
  ``T < 3`` (a coordination game), only mutual defection above;
* ``deterrence_uncertain_resolve`` with prior ``p``: war has probability ``p/2`` below ``2/3``
  (crossing ``1/10`` at ``p = 1/5``), the irresolute rival challenges with probability
  ``p / (2 (1 - p))`` (crossing ``1/4`` at ``p = 1/3``), and the leader stops defending at
  ``p = 2/3`` (pooling);
* an entry game where fighting costs the incumbent ``c``: it fights iff ``2 - c > 1``, and the
  entrant stays out iff the incumbent would fight: the outcome Out ends at ``c = 1``;
* ``branch_commitment`` under firm: the leader's entrapment risk is ``3 p / 4`` (it defends at
  three of four war costs after a provocation that turns into a crisis with probability ``p``),
  which crosses the tolerance 0.30 at ``p = 2/5`` (a tolerance crossing, not an indifference).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from alliance_games.analysis.commitment import commitment_model
from alliance_games.analysis.runs import compare_model, threshold_model
from alliance_games.analysis.sweep.fit import crossings, expression, fit_rational
from alliance_games.analysis.sweep.threshold import find_threshold
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from tests.cli.entry import run as invoke

ENTRY = """
title: Entry with a costly fight
players: [entrant, incumbent]
parameters:
  - {name: c, default: 1/2, range: [0, 2]}
tree:
  player: entrant
  actions:
    In:
      player: incumbent
      actions:
        Fight: {payoffs: [-1, 2 - c], tags: [war]}
        Accommodate: [1, 1]
    Out: [0, 3]
"""

SNYDER_POLICIES = """
title: Firm or loose support, as a commitment
players: [leader, ally]
policies: [Firm, Loose]
parameters:
  - {name: gain, default: 3/10, range: [-1, 1]}
normal_form:
  strategies:
    leader: [Firm, Loose]
    ally: [Firm, Loose]
  matrix:
    - [[-3/5, 0], [1/10, gain]]
    - [[0, -1/5], [-9/10, -1]]
  tags:
    - {profile: [Firm, Firm], tags: ["entrapment:leader"]}
    - {profile: [Firm, Loose], tags: ["abandonment:leader"]}
    - {profile: [Loose, Firm], tags: ["abandonment:ally"]}
    - {profile: [Loose, Loose], tags: ["abandonment:ally"]}
"""



def exact(source: str, parameter: str, between: str, watch: str, value: str | None = None
          ) -> sympy.Expr | None:
    lo, hi = between.split(":")
    found = threshold_model(source, parameter, lo, hi, watch=watch, value=value).found
    assert found is not None
    assert found.below <= found.threshold <= found.above
    return found.exact


@pytest.mark.parametrize(("value", "point"), [("1/3", 3), ("2/7", Fraction(7, 2)),
                                              ("1/4", 4)])
def test_stag_hunt_mixing_probability_crosses_exactly(value: str, point: Fraction) -> None:
    assert exact("stag_hunt", "stag", "1.5:10", "action:player1:Stag", value) == point


def test_the_number_of_equilibria_changes_exactly_where_a_strategy_stops_being_dominated(
) -> None:
    assert exact("prisoners_dilemma", "T", "0:10", "count") == 3
    found = threshold_model("prisoners_dilemma", "T", "0", "10", watch="count").found
    assert (found.values_below, found.values_above) == ((3,), (1,))


def test_uncertain_resolve_war_mixing_and_pooling_points() -> None:
    source = "deterrence_uncertain_resolve"
    assert exact(source, "p_resolute", "0:0.6", "tag:war", "1/10") == Fraction(1, 5)
    assert exact(source, "p_resolute", "0.1:0.6", "action:rival@Irresolute:Challenge",
                 "1/4") == Fraction(1, 3)
    assert exact(source, "p_resolute", "0.1:0.9", "action:leader_challenged:Defend") == \
        Fraction(2, 3)


def test_an_indifference_point_in_a_tree(tmp_path: Path) -> None:
    model = tmp_path / "entry.yaml"
    model.write_text(ENTRY)
    assert exact(str(model), "c", "0:2", "outcome:Out") == 1
    assert exact(str(model), "c", "0:2", "action:incumbent@In:Fight") == 1
    code, out, err = invoke("threshold", str(model), "--param", "c", "--between", "0:2",
                            "--watch", "outcome:Out", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["exact"] == "1" and doc["watch"] == "outcome:Out" and doc["value"] is None
    # bisection's first midpoint is the tie itself, where both SPE exist
    assert doc["below"]["quantity"] == ["1"] and doc["above"]["quantity"] == ["0", "1"]
    assert doc["above"]["value"] == 1.0


def test_a_tolerance_crossing_is_exact() -> None:
    compiled = compile_model(load_model("branch_commitment"))
    found = find_threshold(compiled, "provocation_crisis_prob", 0, Fraction(1, 2), "firm")
    assert found is not None and found.symbolic == Fraction(2, 5)
    assert (found.verdict_below, found.verdict_above) == (True, False)
    code, out, _ = invoke("threshold", "branch_commitment", "--param", "provocation_crisis_prob",
                          "--between", "0:0.5", "--policy", "firm", "--format", "json")
    assert code == 0 and json.loads(out)["exact"] == "2/5"


def test_only_declared_policies_are_followed() -> None:
    code, _, err = invoke("threshold", "deterrence_uncertain_resolve", "--param", "p_resolute",
                          "--between", "0:1", "--policy", "Resolute")
    assert code == 2 and err.startswith("error: model 'deterrence_uncertain_resolve' declares no "
                                        "policies") and "--watch" in err
    code, _, err = invoke("threshold", "entry_deterrence", "--param", "profit", "--between",
                          "0:5", "--policy", "In")
    assert code == 2 and "declares no policies" in err
    code, _, err = invoke("threshold", "branch_commitment", "--param", "war_cost", "--between",
                          "0:5", "--policy", "Firm")
    assert (code, err) == (2, "error: unknown policy 'Firm' (declared policies of "
                              "'branch_commitment': loose, firm)\n")
    code, _, err = invoke("threshold", "branch_commitment", "--param", "war_cost", "--between",
                          "0:5")
    assert code == 2 and "--policy (loose, firm) or --watch" in err


def test_a_normal_form_with_policies_is_read_as_a_commitment(tmp_path: Path) -> None:
    path = tmp_path / "snyder.yaml"
    path.write_text(SNYDER_POLICIES)
    tree = commitment_model(load_model(str(path)))
    assert tree.is_tree and tree.policies == ("Firm", "Loose")
    # after Firm the ally keeps its distance iff gain > 0 (the leader is abandoned); after Loose
    # it stands firm (-1/5 > -1, the ally abandoned): both policies fail at gain = 3/10
    comparison = compare_model(str(path)).comparison
    assert [p.verdict for p in comparison.policies] == ["fails", "fails"]
    # the leader commits to Firm (1/10 against 0 after Loose); with gain < 0 the ally stands by
    # a firm leader (entrapment 1 > 0.30, still failing) and the leader prefers Loose (0 > -3/5)
    assert comparison.chosen == ("Firm",)
    assert compare_model(str(path), {"gain": "-1/2"}).comparison.chosen == ("Loose",)
    code, out, err = invoke("sweep", str(path), "--param", "gain=-1,-0.5,0.5,1", "--format",
                            "json")
    assert code == 0, err
    assert [pt["leader_choice"] for pt in json.loads(out)["points"]] == \
        ["Loose", "Loose", "Firm", "Firm"]
    found = threshold_model(str(path), "gain", "-1", "1", policy="Firm").found
    assert found is None  # Firm fails throughout: entrapped below 0, abandoned above
    # --watch follows the simultaneous game (no commitment): (Firm, Loose) is one of its
    # equilibria exactly when Loose is the ally's best reply to Firm, gain >= 0 (Firm is always
    # the leader's best reply to Loose: 1/10 > -9/10)
    found = threshold_model(str(path), "gain", "-1", "1", watch="outcome:Firm,Loose").found
    assert found is not None and found.exact == 0


def test_rational_fit_and_crossings() -> None:
    xs = [Fraction(2, 5) + Fraction(k, 1000) for k in range(8)]
    fitted = fit_rational(xs, [x / (2 * (1 - x)) for x in xs])
    assert fitted is not None
    assert sympy.simplify(expression(*fitted) - sympy.Symbol("x") / (2 - 2 * sympy.Symbol("x"))) \
        == 0
    assert crossings(*fitted, Fraction(1, 4), Fraction(0), Fraction(1, 2)) == [Fraction(1, 3)]
    square = fit_rational(xs, [x * x - 2 for x in xs])
    assert square is not None
    assert crossings(*square, Fraction(0), Fraction(0), Fraction(2)) == [sympy.sqrt(2)]
    assert fit_rational(xs[:4], [Fraction(1) / (x - 1) ** 3 for x in xs[:4]]) is None
