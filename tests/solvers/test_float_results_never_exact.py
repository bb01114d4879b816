"""A float answer is never passed off as exact (issue 17).

``--float`` evaluates the model in float64; a method that computes in rationals on the float
game's decimal reading (``pbe``, ``spbe``, ``enumpoly``) still answers in floats: its rationals
belong to the decimal reading (``1 - 9/10`` is ``0.09999999999999998``), not to the file. Every
method reports ``exact: false`` and "floating point"; what the float audit certified against the
exact game of the file is in ``diagnostics.exact_certificate``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.methods import TABLE
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from tests.cli.entry import run
from tests.paths import DATA

SIGNALLING = str(DATA / "refinements" / "beer_quiche.yaml")
MODEL_FOR = {"lp": "matching_pennies"}
"""The bundled model each method is run on (default beer_quiche, a two-player tree)."""


def _json(*args: str) -> dict:
    code, out, err = run("solve", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("method", [m.name for m in TABLE])
def test_every_method_reports_a_float_run_as_floating_point(method: str) -> None:
    model = MODEL_FOR.get(method, "beer_quiche")
    doc = _json(model, "--method", method, "--float")
    assert doc["exact"] is False
    assert doc["count"] >= 1
    for eq in doc["equilibria"]:  # floats are JSON numbers, exact values strings
        assert all(isinstance(v, float) for v in eq["payoffs"].values()), eq["payoffs"]
    code, table, _ = run("solve", model, "--method", method, "--float")
    assert code == 0
    assert "floating point" in table and ", exact," not in table


@pytest.mark.parametrize("method", ["pbe", "spbe"])
def test_perfect_bayesian_float_runs_are_certified_floats(method: str) -> None:
    exact = _json("beer_quiche", "--method", method)
    floats = _json("beer_quiche", "--method", method, "--float")
    assert exact["exact"] is True and floats["exact"] is False
    assert "float payoffs were read as exact decimals" in floats["warnings"]
    # no rational of the decimal reading leaks out (it was 72499999999999999/25000000000000000)
    assert floats["equilibria"][0]["payoffs"] == {"sender": 2.9, "receiver": 0.9}
    facts = floats["diagnostics"]["exact_certificate"]
    assert facts["certified"] == floats["count"] == exact["count"] and facts["refuted"] == 0
    assert floats["diagnostics"]["exact_recheck"]["agrees"] is True and floats["complete"]


def test_pbe_beliefs_of_a_float_run_are_floats() -> None:
    doc = _json("beer_quiche", "--method", "pbe", "--float")
    beliefs = doc["equilibria"][0]["beliefs"]["after_beer"]
    assert beliefs == {"strong/beer": 0.9, "weak/beer": pytest.approx(0.1)}
    regions = doc["equilibria"][0]["off_path_beliefs"]["after_quiche"]
    assert regions == {"strong/quiche": [0.0, 0.5], "weak/quiche": [0.5, 1.0]}


def _beer_quiche(exact: bool) -> GameTree:
    compiled = compile_model(load_model("beer_quiche"))
    tree = compiled.at(compiled.resolve({}), exact=exact)
    assert isinstance(tree, GameTree)
    return tree


@pytest.mark.parametrize("solver", [perfect_bayesian, subgame_perfect_bayesian])
def test_the_solvers_answer_a_float_tree_in_floats_on_that_tree(
        solver: Callable[[GameTree], SolverResult]) -> None:
    rounded = _beer_quiche(exact=False)
    floats, exact = solver(rounded), solver(_beer_quiche(exact=True))
    assert floats.game is rounded and not floats.exact
    assert len(floats.equilibria) == len(exact.equilibria)
    for f, e in zip(floats.equilibria, exact.equilibria, strict=True):
        assert not f.exact and isinstance(f.max_regret, float)
        for fs, es in zip(f.strategies, e.strategies, strict=True):
            assert fs.dtype == float
            assert np.allclose(fs, np.asarray(es, dtype=float), atol=1e-12)
        assert np.allclose(f.payoffs.astype(float), e.payoffs.astype(float), atol=1e-12)
    details = floats.diagnostics.get("pbe", [])
    assert not any(isinstance(p, Fraction) for d in details for b in d["beliefs"].values()
                   for p in b.values())


def test_refinements_of_a_float_run_are_judged_as_in_the_exact_run() -> None:
    # the semi-separating equilibrium at p_strong = 1/4 mixes with 1/3, not a binary float
    args = (SIGNALLING, "--set", "p_strong=1/4", "--method", "pbe", "--refine", "intuitive",
            "--refine", "d1")
    exact, floats = _json(*args), _json(*args, "--float")
    assert floats["exact"] is False
    assert not [w for w in floats["warnings"] if "not applied" in w]
    assert [e["refinements"] for e in floats["equilibria"]] == \
        [e["refinements"] for e in exact["equilibria"]]
