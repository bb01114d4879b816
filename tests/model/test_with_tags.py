"""``CompiledModel.with_tags``: the same model carrying fewer outcome tags, so that the subgame
solvers carry fewer outcome columns, with every payoff, measure and kept tag's probability as in
the whole model."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, risk_profile
from alliance_games.errors import GameError
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian

KEEP = ("abandonment:leader", "entrapment:leader", "hedge:ally")


def _signatures(tree: GameTree, keep: tuple[str, ...]) -> set[tuple[Any, ...]]:
    """Every distinct outcome of the subgame-perfect Bayesian equilibria, read on the players'
    payoffs, the measures and the tags in ``keep``."""
    result = subgame_perfect_bayesian(tree, distinct=True)
    assert result.exact and result.equilibria
    out = set()
    for eq in result.equilibria:
        found = risk_profile(tree, eq, DEFAULT_TOLERANCES)  # as the policy analysis reads it
        out.add((tuple(found.payoffs.values()), tuple(sorted(found.measures.items())),
                 tuple(found.tag_probabilities.get(t, Fraction(0)) for t in keep)))
    return out


@pytest.mark.parametrize("values", [{}, {"tie_cost": "0.1"}, {"hedge_gain": "0.9"}])
def test_fewer_tags_same_outcomes_on_what_is_kept(values: dict[str, str]) -> None:
    compiled = compile_model(load_model("branch_commitment"))
    lean = compiled.with_tags(KEEP)
    assert compiled.with_tags(set(KEEP)) is lean  # made once per set of tags
    full_tree, lean_tree = compiled.at(values), lean.at(values)
    assert isinstance(full_tree, GameTree) and isinstance(lean_tree, GameTree)
    assert set(lean_tree.tag_names) == set(KEEP) < set(full_tree.tag_names)
    assert (lean_tree.node_payoffs == full_tree.node_payoffs).all()
    assert list(lean_tree.edge_prob) == list(full_tree.edge_prob)
    assert all((lean_tree.measures[m] == full_tree.measures[m]).all() for m in full_tree.measures)
    assert _signatures(lean_tree, KEEP) == _signatures(full_tree, KEEP)


def test_a_signalling_continuation_of_the_flagship_keeps_its_outcomes() -> None:
    """The flagship's connected continuation (both allies accepted): signalling subgames, where
    the solver reads the movers' payoffs only and computes every other column afterwards."""
    compiled = compile_model(load_model("alliance_system"))
    skeleton = compiled.model.game.skeleton  # type: ignore[union-attr]
    node = 0
    for action in ("connect", "standard", "accept", "accept"):
        node = int(skeleton.children(node)[skeleton.actions(node).index(action)])
    keep = ("abandonment:leader", "entrapment:ally_asia", "alignment", "provocation:europe")
    values = {"cost_sharing": 0, "pooling": Fraction(1, 2)}
    lean_cut = compiled.with_tags(keep).subgame_at(values, node)
    full_cut = compiled.subgame_at(values, node)
    assert len(lean_cut.tag_names) == len(keep) < len(full_cut.tag_names)
    assert _signatures(lean_cut, keep) == _signatures(full_cut, keep)


def test_the_whole_model_keeps_its_tags_and_subgames() -> None:
    compiled = compile_model(load_model("branch_commitment"))
    before = compiled.at()
    assert isinstance(before, GameTree)
    lean = compiled.with_tags(KEEP)
    root = int(before.subgame_roots[1])
    lean_cut = lean.subgame_at({}, root)
    full_cut = compiled.subgame_at({}, root)
    assert set(lean_cut.tag_names) <= set(KEEP)
    assert full_cut.tag_names == before.subtree(root).tag_names
    after = compiled.at()
    assert isinstance(after, GameTree) and after.tag_names == before.tag_names
    assert np.array_equal(after.kind, before.kind)


def test_a_normal_form_has_no_tags_to_drop() -> None:
    with pytest.raises(GameError, match="extensive-form"):
        compile_model(load_model("chicken")).with_tags(())
