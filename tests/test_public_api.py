"""The names exported at the package top level resolve and work together."""

from __future__ import annotations

import alliance_games as ag


def test_top_level_names_resolve_and_solve_a_model() -> None:
    for name in ag.__all__:
        assert getattr(ag, name) is not None
    tree = ag.compile_model(ag.load_model("entry_deterrence")).at({"profit": "3"})
    assert isinstance(tree, ag.GameTree)
    result = ag.solve(tree, "spe")
    assert len(result.equilibria) == 1 and result.exact
