"""The public entry points: the top-level names, the method table behind ``solve`` and
``--method``, and the tolerance rule."""

from __future__ import annotations

from fractions import Fraction

import click
import numpy as np
import pytest

import alliance_games as ag
from alliance_games.cli.solve import command
from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.methods import BY_NAME, METHODS, REDUCED, TABLE
from alliance_games.solvers.tolerance import DEFAULT_TOL, slack


def test_top_level_names_resolve_and_solve_a_model() -> None:
    for name in ag.__all__:
        assert getattr(ag, name) is not None
    tree = ag.compile_model(ag.load_model("entry_deterrence")).at({"profit": "3"})
    assert isinstance(tree, ag.GameTree)
    result = ag.solve(tree, "spe")
    assert len(result.equilibria) == 1 and result.exact


def test_the_method_table_is_the_one_list_of_methods() -> None:
    assert METHODS == ("auto", "pure", "spe", "enummixed", "mixed", "lcp", "lp", "enumpoly",
                       "logit", "pbe", "spbe")
    assert list(BY_NAME) == list(METHODS)
    for row in TABLE:  # every "module:function" path names a function
        for tree, path in ((False, row.normal_form), (True, row.tree)):
            if path not in (None, REDUCED):
                assert callable(row.solver(tree=tree)), row.name
    assert BY_NAME["mixed"].normal_form == BY_NAME["enummixed"].normal_form
    option = next(p for p in command.params if p.name == "method")
    assert isinstance(option.type, click.Choice) and option.default == "auto"
    assert tuple(option.type.choices) == METHODS
    assert all(f"\n{name} " in f"\n{option.help}" for name in METHODS if name != "auto")
    assert "auto: spe for trees" in str(option.help)


def test_the_registry_checks_shapes_and_players_from_the_table() -> None:
    three = NormalFormGame.from_arrays(*np.ones((3, 2, 2, 2), dtype=int))
    with pytest.raises(SolverError, match=r"^--method lcp solves two-player games; this game has "
                       r"3 players \(use pure, enumpoly or logit\)$"):
        ag.solve(three, "lcp")
    with pytest.raises(SolverError, match=r"^--method pbe needs a game tree; this model is a "
                       r"normal form \(use pure, enummixed or enumpoly\)$"):
        ag.solve(three, "pbe")
    with pytest.raises(SolverError, match=r"^unknown method 'nash' \(methods: auto, pure, spe, "):
        ag.solve(three, "nash")
    assert ag.solve(three, "auto").options["auto"] == "enumpoly"


def test_one_tolerance_rule() -> None:
    game = NormalFormGame.from_arrays([[Fraction(1), Fraction(5)]], [[Fraction(0), Fraction(2)]])
    assert slack(game) == 0 and isinstance(slack(game), int)  # exact stays exact
    assert slack(game.to_float()) == DEFAULT_TOL * 5
    assert slack(game, 1e-6, exact=False) == 1e-6 * 5


def test_the_methods_reference_states_every_rows_promise() -> None:
    """docs/reference/methods.md has a section per method with its completeness statement."""
    from alliance_games.solvers.methods import TABLE
    from tests.paths import ROOT

    page = (ROOT / "docs" / "reference" / "methods.md").read_text()
    for row in TABLE:
        section = page.split(f"## `{row.name}`\n", 1)
        assert len(section) == 2, f"no section for {row.name}"
        assert f"**Complete means:** {row.complete}." in section[1].split("\n## ", 1)[0]


def test_refinement_names_agree_with_the_refinements_module() -> None:
    """The CLI's --refine choices (light, in the method table) are the refinements implemented."""
    from alliance_games.solvers.methods import REFINEMENTS as NAMES
    from alliance_games.solvers.tree.refinements import REFINEMENTS

    assert tuple(REFINEMENTS) == NAMES
