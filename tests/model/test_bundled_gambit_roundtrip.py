"""Every bundled model exported to .nfg/.efg reads back as the same game, here and in pygambit."""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.reduce import count_plans, reduced_normal_form
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import bundled_models, load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.gambit_format import read_gambit, write_efg, write_nfg

pygambit = pytest.importorskip("pygambit")
MODELS = [e.name for e in bundled_models()]


def _small_reduced_form(tree: GameTree) -> bool:
    size = 1
    for player in range(tree.num_players):
        size *= count_plans(tree, player)
    return size <= 20_000


def _game(name: str) -> NormalFormGame | GameTree:
    return compile_model(load_model(name)).at()


def _same_normal_form(a: NormalFormGame, b: NormalFormGame) -> None:
    assert a.players == b.players and a.strategies == b.strategies
    assert np.array_equal(a.payoffs, b.payoffs)


def _same_tree(a: GameTree, b: GameTree) -> None:
    assert a.players == b.players
    assert np.array_equal(a.kind, b.kind) and np.array_equal(a.parent, b.parent)
    assert a.edge_label == b.edge_label
    assert np.array_equal(a.path_payoffs[a.terminals], b.path_payoffs[b.terminals])
    assert list(a.edge_prob) == list(b.edge_prob)
    assert [(s.player, s.actions, s.nodes) for s in a.infosets] == \
        [(s.player, s.actions, s.nodes) for s in b.infosets]


@pytest.mark.parametrize("name", MODELS)
def test_bundled_model_round_trips_through_our_reader(name: str) -> None:
    game = _game(name)
    if isinstance(game, NormalFormGame):
        _same_normal_form(game, read_gambit(write_nfg(game), f"{name}.nfg"))
    else:
        _same_tree(game, read_gambit(write_efg(game), f"{name}.efg"))
        if not _small_reduced_form(game):
            return
        reduced = reduced_normal_form(game).game
        _same_normal_form(reduced, read_gambit(write_nfg(reduced), f"{name}.nfg"))


def _gambit_terminal_payoffs(g: object) -> list[tuple[Fraction, ...]]:
    """Payoffs summed along the path to every terminal node, read from pygambit's tree."""
    players = list(g.players)
    rows = []
    for node in g.nodes:
        if not node.is_terminal:
            continue
        total = [Fraction(0)] * len(players)
        current = node
        while current is not None:
            try:
                payoffs = [Fraction(str(current.outcome[p])) for p in players]
            except (KeyError, TypeError):  # pygambit raises for a node without an outcome
                payoffs = [Fraction(0)] * len(players)
            total = [a + b for a, b in zip(total, payoffs, strict=True)]
            current = current.parent
        rows.append(tuple(total))
    return rows


def _gambit_payoff(g: object, profile: tuple[int, ...], player: int) -> Fraction:
    players = list(g.players)
    strategies = [list(p.strategies)[k] for p, k in zip(players, profile, strict=True)]
    return Fraction(str(g[strategies][players[player]]))


@pytest.mark.parametrize("name", MODELS)
def test_bundled_model_reads_the_same_in_pygambit(name: str) -> None:
    game = _game(name)
    if isinstance(game, GameTree):
        g = pygambit.read_efg(io.StringIO(write_efg(game)))
        assert [p.label for p in g.players] == list(game.players)
        assert len(g.nodes) == game.num_nodes
        if game.num_nodes <= 5_000:
            assert sorted(_gambit_terminal_payoffs(g)) == sorted(
                tuple(game.path_payoffs[t]) for t in game.terminals)
        if not _small_reduced_form(game):  # too large for a reduced strategic form
            return
        # pygambit's reduced strategic form has the same payoffs as ours, up to strategy order
        ours = reduced_normal_form(game).game
        theirs = sorted(tuple(_gambit_payoff(g, prof, i) for i in range(len(game.players)))
                        for prof in np.ndindex(*[len(p.strategies) for p in g.players]))
        mine = sorted(tuple(ours.payoffs[(i, *prof)] for i in range(len(game.players)))
                      for prof in np.ndindex(*ours.shape))
        assert theirs == mine
        return
    g = pygambit.read_nfg(io.StringIO(write_nfg(game)))
    assert [p.label for p in g.players] == list(game.players)
    assert [[s.label for s in p.strategies] for p in g.players] == \
        [list(s) for s in game.strategies]
    for prof in np.ndindex(*game.shape):
        for i in range(game.num_players):
            assert _gambit_payoff(g, prof, i) == game.payoffs[(i, *prof)]
