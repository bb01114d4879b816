"""A policy whose subgame a solver refuses: the error names the policy (a user of
``compare`` learns which policy and which subgame could not be solved)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from alliance_games.analysis.policies import compare_by_subgames
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.errors import SolverError
from alliance_games.games.tree import TreeBuilder
from alliance_games.solvers.tree import perfect_bayesian_subgames


def test_a_refused_policy_subgame_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    builder = TreeBuilder(["leader", "ally"])
    root = builder.add_decision(-1, None, player=0, infoset="policy", actions=["calm", "bold"])
    for policy in ("calm", "bold"):
        move = builder.add_decision(root, policy, player=1, infoset=f"ally {policy}",
                                    actions=["stay", "go"])
        builder.add_terminal(move, "stay", payoffs=[1, 1])
        builder.add_terminal(move, "go", payoffs=[0, 2])
    tree = builder.build()

    def refuse(subgame: Any, **_: Any) -> Any:
        raise SolverError("too large (in the subgame at root, 3 nodes)")

    monkeypatch.setattr(perfect_bayesian_subgames, "subgame_perfect_bayesian", refuse)
    model = SimpleNamespace(policies=("calm", "bold"))
    with pytest.raises(SolverError, match=r"^policy calm: too large \(in the subgame at root"):
        compare_by_subgames(model, tree, DEFAULT_TOLERANCES)  # type: ignore[arg-type]
