"""The notebook API (:mod:`alliance_games.api`) and its views (:mod:`alliance_games.render.notebook`):
every function against the CLI command it mirrors, ``to_frame``, ``to_json``, ``_repr_html_``,
and the tutorial ``docs/tutorial/python-api.md`` executed cell by cell."""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from typing import Any

import pytest

import alliance_games as ag
from alliance_games.errors import ParameterError
from tests.cli.entry import run
from tests.paths import ROOT
from tests.test_architecture import PACKAGE, _imports, _modules

TUTORIAL = ROOT / "docs" / "tutorial" / "python-api.md"


def cli_json(*args: str) -> Any:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def comparison() -> ag.Comparison:
    return ag.compare("alliance_system_reduced")


def test_the_tutorial_runs_cell_by_cell() -> None:
    cells = re.findall(r"^```python\n(.*?)^```", TUTORIAL.read_text(), re.S | re.M)
    assert len(cells) >= 8
    namespace: dict[str, Any] = {}
    for number, cell in enumerate(cells, 1):
        code = compile(cell, f"{TUTORIAL.name}, cell {number}", "exec")
        exec(code, namespace)  # noqa: S102 - the documentation's own examples
    assert namespace["grid"].shape[0] == 41 * 5


def test_solve_labels_equilibria_and_writes_the_clis_json() -> None:
    bos = ag.solve("battle_of_the_sexes")
    assert isinstance(bos, ag.Solution) and bos.method == "enummixed" and bos.complete
    assert bos.equilibria[1] == {"player1": {"Bach": Fraction(2, 3), "Stravinsky": Fraction(1, 3)},
                                 "player2": {"Bach": Fraction(1, 3), "Stravinsky": Fraction(2, 3)}}
    assert bos.outcomes[0] == {"Stravinsky,Stravinsky": 1}
    assert bos.payoffs[2] == {"player1": 2, "player2": 1}
    assert json.loads(bos.to_json()) == cli_json("solve", "battle_of_the_sexes")
    frame = bos.to_frame()
    assert list(frame["equilibrium"]) == [1, 2, 3]
    assert list(frame.columns[:5]) == ["equilibrium", "player1:Bach", "player1:Stravinsky",
                                       "player2:Bach", "player2:Stravinsky"]
    assert frame["player2:Stravinsky"].tolist() == [1.0, 2 / 3, 0.0]
    # an outcome an equilibrium never reaches has probability 0, not a missing cell
    assert frame["outcome_distribution:Bach,Bach"].tolist() == [0.0, 2 / 9, 1.0]
    exact = bos.to_frame(exact=True)
    assert exact.loc[1, "player1:Bach"] == Fraction(2, 3)


def test_solve_takes_parameters_methods_and_loaded_models() -> None:
    assert ag.solve("entry_deterrence", profit=3).equilibria == \
        ag.solve("entry_deterrence", params={"profit": "3"}).equilibria
    low = ag.solve(ag.load("entry_deterrence"), "spe", profit="1/2")
    assert json.loads(low.to_json()) == cli_json("solve", "entry_deterrence", "--method", "spe",
                                                 "--set", "profit=1/2")
    with pytest.raises(ParameterError, match="profit is given twice"):
        ag.solve("entry_deterrence", params={"profit": 1}, profit=2)
    with pytest.raises(ParameterError, match="abc"):
        ag.solve("entry_deterrence", profit="abc")


def test_solve_a_game_directly_keeps_the_solver_results_attributes() -> None:
    tree = ag.compile_model(ag.load_model("entry_deterrence")).at({"profit": "3"})
    result = ag.solve(tree, "spe")
    assert result.exact and len(result.equilibria) == 1 and result.game is tree
    assert ag.solve(tree).options["auto"] == "spe"  # the SolverResult's options
    assert result.equilibria[0]["incumbent"]["incumbent@In:Accommodate"] == 1
    assert json.loads(result.to_json())["equilibria"][0]["profile"] == \
        cli_json("solve", "entry_deterrence", "--set", "profit=3")["equilibria"][0]["profile"]
    assert "Accommodate" in result._repr_html_()
    with pytest.raises(ParameterError, match="no parameters"):
        ag.solve(tree, profit=2)
    with pytest.raises(AttributeError):
        _ = result.no_such_attribute


def test_compare_has_a_row_per_policy(comparison: ag.Comparison) -> None:
    frame = comparison.to_frame()
    assert list(frame["policy"]) == comparison.policies == [
        "status_quo", "strengthen_all", "strengthen_asia", "strengthen_europe", "connect"]
    assert frame.set_index("policy")["verdict"].to_dict() == comparison.verdicts
    assert frame["chosen"].tolist() == [False, False, False, False, True]
    assert frame.loc[0, "risks:leader:abandonment"] == 0.75
    assert comparison.risks["status_quo"]["leader"]["abandonment"] == Fraction(3, 4)
    assert set(comparison.outcomes) == set(comparison.policies)
    assert json.loads(comparison.to_json()) == cli_json("compare", "alliance_system_reduced")


def test_compare_passes_scenarios_tolerances_and_values() -> None:
    strict = ag.compare("branch_commitment", tolerances={"entrapment": "0.2"})
    assert json.loads(strict.to_json()) == cli_json("compare", "branch_commitment",
                                                    "--tolerance", "entrapment=0.2")
    assert strict.verdicts != ag.compare("branch_commitment").verdicts


def test_sweep_axes_and_fixed_values() -> None:
    sweep = ag.sweep("alliance_system_reduced", pooling=(0, 1, 41), rival_count=1)
    assert sweep.axes == {"pooling": [k / 40 for k in range(41)]}
    frame = sweep.to_frame()
    assert len(frame) == 41 * 5 and frame["pooling"].nunique() == 41
    assert set(frame.groupby("pooling")["policy"].count()) == {5}
    assert json.loads(sweep.to_json()) == cli_json(
        "sweep", "alliance_system_reduced", "--param", "pooling=0:1:41", "--set", "rival_count=1")
    listed = ag.sweep("alliance_system_reduced", pooling=[0, 0.5])
    assert listed.axes == {"pooling": [0.0, 0.5]}
    with pytest.raises(ParameterError, match=r"axis pooling expects \(start, stop, steps\)"):
        ag.sweep("alliance_system_reduced", pooling=(0, 1))


def test_an_equilibrium_sweep_has_a_row_per_point_and_equilibrium() -> None:
    sweep = ag.sweep("snyder_alliance_dilemma", entrapment_cost=(0.1, 2, 2))
    frame = sweep.to_frame()
    document = json.loads(sweep.to_json())
    assert len(frame) == sum(p["equilibria_count"] for p in document["points"]) == 6
    assert frame["equilibrium"].tolist() == [1, 2, 3, 1, 2, 3]
    assert {"actions:ally:Firm", "payoffs:leader", "outcomes:Loose,Firm"} <= set(frame.columns)
    assert "entrapment_cost" in sweep._repr_html_()


def test_threshold_and_its_views() -> None:
    where = ag.threshold("alliance_system_reduced", "pooling", (0, 1), policy="connect")
    assert where.found.symbolic == Fraction(25, 104)
    assert json.loads(where.to_json()) == cli_json(
        "threshold", "alliance_system_reduced", "--param", "pooling", "--between", "0:1",
        "--policy", "connect")
    frame = where.to_frame()
    assert len(frame) == 1 and frame.loc[0, "exact"] == 25 / 104
    assert where.to_frame(exact=True).loc[0, "exact"] == Fraction(25, 104)
    assert "25/104" in where._repr_html_()


def test_propositions_wraps_the_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from alliance_games.alliance import propositions
    from alliance_games.alliance.claims import PropositionResult

    checks = [PropositionResult("P1", "one <rival>", True, {"x": "1/2"}),
              PropositionResult("P2", "two", False)]
    monkeypatch.setattr(propositions, "check_all", lambda: checks)
    found = ag.propositions()
    assert found.passed == {"P1": True, "P2": False}
    assert [entry["id"] for entry in json.loads(found.to_json())["propositions"]] == ["P1", "P2"]
    frame = found.to_frame()
    assert frame["passed"].tolist() == [True, False] and frame.loc[0, "figures:x"] == 0.5
    assert "one &lt;rival&gt;" in found._repr_html_()


def test_load_shows_the_model() -> None:
    model = ag.load("entry_deterrence")
    assert model.name == "entry_deterrence" and model.parameters == {"profit": 2}
    assert isinstance(model.game(profit=5), ag.GameTree)
    assert json.loads(model.to_json()) == cli_json("show", "entry_deterrence")
    assert model.to_frame()["name"].tolist() == ["profit"]
    assert "Entry deterrence" in model._repr_html_()


def test_html_is_the_table_rendering(comparison: ag.Comparison) -> None:
    page = comparison._repr_html_()
    assert page.startswith("<pre") and page.rstrip().endswith("</pre>")
    assert "<html" not in page and "style=" in page
    assert all(policy in page for policy in comparison.policies)
    assert "robust" in page


def test_frames_without_pandas_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install alliance-games\[frames\]"):
        ag.solve("battle_of_the_sexes").to_frame()


def test_the_old_top_level_names_still_work() -> None:
    for name in ("load_model", "compile_model", "NormalFormGame", "GameTree", "compare_model",
                 "check_all", "load", "solve", "compare", "sweep", "threshold", "propositions"):
        assert name in ag.__all__ and getattr(ag, name) is not None
    with pytest.raises(AttributeError):
        _ = ag.no_such_name


def test_the_api_is_a_top_layer_that_only_the_package_imports() -> None:
    importers = [module for module, path in _modules().items()
                 if "alliance_games.api" in {name for _, name in _imports(path)}]
    assert importers == []  # alliance_games/__init__.py reaches it through its lazy table
    used = {name.split(".")[1] for _, name in _imports(PACKAGE / "api.py") if "." in name}
    assert "cli" not in used and used <= {"analysis", "render", "games", "errors", "solvers",
                                           "model", "alliance"}
