"""Sweeps of models without policies: every equilibrium at every point, against hand derivations.

* ``entry_deterrence``: whatever the monopoly profit, the incumbent accommodates (1 > -1) and the
  entrant enters (1 > 0): one equilibrium, outcome In/Accommodate, payoffs (1, 1), no war, and
  the incumbent never fights.
* ``stag_hunt``: three equilibria at every stag payoff ``s > 1``: (Stag, Stag), (Hare, Hare) and
  the mixed one where each hunts the stag with probability ``1/s`` (indifference
  ``s q = 1``).
* ``deterrence_uncertain_resolve``: for a prior ``p < 2/3`` the unique equilibrium has the leader
  defend with probability 1/2 when challenged, so war (a resolute rival challenged and defended
  against) has probability ``p/2``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner

from alliance_games.analysis.runs import EquilibriumSweepRun, sweep_model
from alliance_games.analysis.sweep.equilibria import EquilibriumSweep
from alliance_games.analysis.sweep.quantities import Quantity
from alliance_games.cli import cli
from tests.cli.entry import run as invoke


def sweep(source: str, *params: str, watch: tuple[str, ...] = ()) -> EquilibriumSweep:
    run = sweep_model(source, params, watch=watch)
    assert isinstance(run, EquilibriumSweepRun)
    return run.result  # type: ignore[no-any-return]


def test_entry_deterrence_has_one_equilibrium_whatever_the_profit() -> None:
    result = sweep("entry_deterrence", "profit=0:10:5", watch=("action:incumbent:Fight",))
    assert [p.values["profit"] for p in result.points] == [0, 2.5, 5, 7.5, 10]
    for point in result.points:
        assert point.exact and point.complete and point.method == "spe"
        [eq] = point.equilibria
        assert eq.outcomes == {"In/Accommodate": 1}
        assert eq.payoffs == {"entrant": 1, "incumbent": 1}
        assert eq.tags == {"war": 0}
        assert eq.actions["incumbent"] == {"Fight": 0, "Accommodate": 1}
        assert eq.behaviour["incumbent@In"] == {"Fight": 0, "Accommodate": 1}
        assert point.span(Quantity("action", "incumbent", "Fight")) == (0, 0)


def test_stag_hunt_mixes_with_probability_one_over_the_stag_payoff() -> None:
    result = sweep("stag_hunt", "stag=2,3,4,5")
    stag = Quantity("action", "player1", "Stag")
    for point in result.points:
        s = Fraction(point.values["stag"])
        assert point.method == "enummixed" and len(point.equilibria) == 3
        assert sorted(point.quantity(stag)) == [0, 1 / s, 1]
        mixed = next(eq for eq in point.equilibria if eq.actions["player1"]["Stag"] == 1 / s)
        assert mixed.outcomes["Stag,Stag"] == 1 / s**2
        assert mixed.payoffs == {"player1": 1, "player2": 1}  # the hare's sure payoff


def test_war_has_probability_half_the_prior_under_uncertain_resolve() -> None:
    result = sweep("deterrence_uncertain_resolve", "p_resolute=0.1:0.6:6")
    for point in result.points:
        p = Fraction(point.values["p_resolute"]).limit_denominator(100)
        [eq] = point.equilibria
        assert eq.tags["war"] == p / 2
        assert eq.behaviour["leader_challenged"]["Defend"] == Fraction(1, 2)
        assert eq.behaviour["rival@Irresolute"]["Challenge"] == p / (2 * (1 - p))


def test_sweep_json_csv_and_latex_of_a_model_without_policies() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["sweep", "stag_hunt", "--param", "stag=2,4", "--watch",
                                 "action:player1:Stag", "--watch", "count", "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"model", "parameters", "axes", "players", "tags", "watch", "points"}
    assert doc["watch"] == ["action:player1:Stag", "count"]
    point = doc["points"][1]
    assert point["values"] == {"stag": 4.0} and point["equilibria_count"] == 3
    assert point["method"] == "enummixed" and point["exact"] is True
    assert point["watch"]["action:player1:Stag"] == {"min": "0", "max": "1"}
    assert point["watch"]["count"] == {"min": "3", "max": "3"}
    assert sorted(eq["watch"]["action:player1:Stag"] for eq in point["equilibria"]) == \
        ["0", "1", "1/4"]
    assert set(point["equilibria"][0]) == {"outcomes", "tags", "payoffs", "actions", "watch"}
    csv = runner.invoke(cli, ["sweep", "stag_hunt", "--param", "stag=4", "--format", "csv"]).stdout
    lines = csv.splitlines()
    assert lines[0] == "stag,equilibrium,quantity,value"
    assert lines[1] == "4.0,,count,3"
    assert "4.0,3,action:player1:Stag,1/4" in lines or "4.0,2,action:player1:Stag,1/4" in lines
    latex = runner.invoke(cli, ["sweep", "stag_hunt", "--param", "stag=2,4", "--format",
                                "latex"]).stdout
    assert r"\toprule" in latex and "payoff:player1" in latex


def test_the_table_merges_points_with_the_same_equilibria() -> None:
    code, out, err = invoke("sweep", "entry_deterrence", "--param", "profit=0:10:5")
    assert code == 0, err
    assert "0 .. 10.000" in out and "In/Accommodate 1" in out


def test_plot_of_a_watched_quantity(tmp_path: Path) -> None:
    target = tmp_path / "stag.png"
    code, _, err = invoke("sweep", "stag_hunt", "--param", "stag=2:6:5", "--watch",
                          "action:player1:Stag", "--plot", str(target))
    assert code == 0, err
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = invoke("sweep", "snyder_alliance_dilemma", "--param", "entrapment_cost=1:2:2",
                          "--param", "abandonment_cost=1:2:2", "--plot", str(tmp_path / "x.png"))
    assert code == 2 and err.startswith("error: --plot draws a sweep of equilibria against one")


def test_models_without_parameters_or_with_bad_quantities_are_refused_in_one_line() -> None:
    code, _, err = invoke("sweep", "battle_of_the_sexes", "--param", "a=0:1:3")
    assert (code, err) == (2, "error: model 'battle_of_the_sexes' has no parameters to sweep\n")
    code, _, err = invoke("sweep", "stag_hunt", "--param", "stag=2:3:2", "--watch", "tag:war")
    assert code == 2 and err.startswith("error: --watch 'tag:war': this model has no outcome tags")
    code, _, err = invoke("sweep", "entry_deterrence", "--param", "profit=0:1:2", "--watch",
                          "action:incumbent:Flee")
    assert code == 2 and "actions of incumbent: Fight, Accommodate" in err
    code, _, err = invoke("sweep", "entry_deterrence", "--param", "profit=0:1:2", "--workers", "2")
    assert code == 2 and "--workers" in err


def test_watching_a_model_with_policies_sweeps_its_equilibria() -> None:
    result = sweep("branch_commitment", "provocation_crisis_prob=0,0.3", watch=("tag:war",))
    assert [p.method for p in result.points] == ["spe", "spe"]
    # the leader picks loose; the rival challenges and the leader defends at the two lowest
    # of four war costs: war with probability 1/2, whatever the provocations would do
    assert [p.span(Quantity("tag", "war")) for p in result.points] == \
        [(Fraction(1, 2), Fraction(1, 2))] * 2
