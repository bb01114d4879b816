"""``CompiledModel.subgame_at`` fills in only a subgame's numbers and gives the same tree as
instantiating the whole game and cutting it (the propositions' continuations rely on it)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from alliance_games.errors import GameError
from alliance_games.games.tree import TERMINAL, GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model


def _same(a: GameTree, b: GameTree) -> None:
    for name in a.__dataclass_fields__:
        x: Any = getattr(a, name)
        y: Any = getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.shape == y.shape and (x == y).all(), name
        elif isinstance(x, dict):
            assert x.keys() == y.keys(), name
            assert all((x[k] == y[k]).all() for k in x), name
        else:
            assert x == y, name


@pytest.mark.parametrize("model", ["deterrence_uncertain_resolve", "beer_quiche",
                                   "entry_deterrence", "audience_cost"])
def test_every_subgame_matches_the_cut_of_the_whole_game(model: str) -> None:
    compiled = compile_model(load_model(model))
    parameters = [p for p in compiled.model.parameters if p.range is not None]
    values = {p.name: (Fraction(str(p.range[0])) + Fraction(str(p.range[1]))) / 3
              for p in parameters[:2]}
    whole = compiled.at(values)
    assert isinstance(whole, GameTree)
    for root in whole.subgame_roots:  # every proper subgame
        _same(whole.subtree(root), compiled.subgame_at(values, root))


def test_the_flagship_continuation_matches_and_moves_with_the_parameters() -> None:
    compiled = compile_model(load_model("alliance_system"))
    values = {"pooling": Fraction(3, 17), "ties_asia": Fraction(-1, 2)}
    whole = compiled.at(values)
    assert isinstance(whole, GameTree)
    connect = int(whole.children(0)[whole.actions(0).index("connect")])
    for root in (0, connect, int(whole.children(connect)[0]), 5):
        _same(whole.subtree(root), compiled.subgame_at(values, root))
    # a second point fills the same structure with its own numbers
    other = compiled.subgame_at({"pooling": Fraction(1, 2)}, connect)
    moved = compiled.at({"pooling": Fraction(1, 2)})
    assert isinstance(moved, GameTree)
    _same(moved.subtree(connect), other)
    assert not (other.node_payoffs == compiled.subgame_at(values, connect).node_payoffs).all()


def test_a_normal_form_has_no_subgames() -> None:
    with pytest.raises(GameError, match="extensive-form"):
        compile_model(load_model("prisoners_dilemma")).subgame_at({}, 0)


def test_a_node_inside_an_information_set_is_refused() -> None:
    compiled = compile_model(load_model("beer_quiche"))
    whole = compiled.at()
    assert isinstance(whole, GameTree)
    crossing = next(n for n in range(whole.num_nodes)
                    if whole.kind[n] != TERMINAL and n not in set(whole.subgame_roots))
    with pytest.raises(GameError, match="does not root a proper subgame"):
        compiled.subgame_at({}, crossing)
