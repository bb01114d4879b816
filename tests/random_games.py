"""Deterministic random games for differential and property tests."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree, TreeBuilder


def random_normal_form(rng: random.Random, *, max_players: int = 4, max_strategies: int = 4,
                       low: int = -3, high: int = 3) -> NormalFormGame:
    """Small integer payoffs, so ties (and many pure equilibria) are common."""
    n = rng.randint(1, max_players)
    shape = tuple(rng.randint(1, max_strategies) for _ in range(n))
    size = int(np.prod(shape))
    arrays = [np.array([rng.randint(low, high) for _ in range(size)]).reshape(shape)
              for _ in range(n)]
    return NormalFormGame.from_arrays(*arrays, players=[f"P{i + 1}" for i in range(n)],
                                      strategies=[[f"s{k + 1}" for k in range(m)] for m in shape])


def random_tree(rng: random.Random, *, players: int = 2, max_depth: int = 4,
                max_decisions: int = 10, chance_share: float = 0.25, low: int = 0,
                high: int = 2, perfect_information: bool = True) -> GameTree:
    """A random tree with chance nodes, small payoff ranges (ties) and optional infosets.

    With ``perfect_information=False`` some decision nodes that are siblings under a common
    parent are merged into one information set of a player who did not move at the parent.
    """
    builder = TreeBuilder([f"P{i + 1}" for i in range(players)])
    count = {"decisions": 0, "infosets": 0}

    def node(parent: int, action: str | None, prob: Fraction | None, depth: int) -> None:
        budget_left = count["decisions"] < max_decisions
        if depth >= max_depth or not budget_left or (depth > 0 and rng.random() < 0.25):
            pays = [rng.randint(low, high) for _ in range(players)]
            builder.add_terminal(parent, action, payoffs=pays, prob=prob)
            return
        width = rng.randint(2, 3)
        labels = [f"a{k}" for k in range(width)]
        if rng.random() < chance_share:
            me = builder.add_chance(parent, action, prob=prob)
            weights = [rng.randint(1, 3) for _ in range(width)]
            total = sum(weights)
            for label, w in zip(labels, weights, strict=True):
                node(me, label, Fraction(w, total), depth + 1)
            return
        count["decisions"] += 1
        player = rng.randrange(players)
        if not perfect_information and rng.random() < 0.5 and depth < max_depth - 1:
            # a player moves, then another player moves without seeing it
            me = builder.add_decision(parent, action, prob=prob, player=player,
                                      infoset=f"I{count['infosets']}", actions=labels)
            count["infosets"] += 1
            other = (player + 1) % players
            shared = f"I{count['infosets']}"
            count["infosets"] += 1
            for label in labels:
                child = builder.add_decision(me, label, player=other, infoset=shared,
                                             actions=["b0", "b1"])
                for b in ("b0", "b1"):
                    node(child, b, None, depth + 2)
            return
        me = builder.add_decision(parent, action, prob=prob, player=player,
                                  infoset=f"I{count['infosets']}", actions=labels)
        count["infosets"] += 1
        for label in labels:
            node(me, label, None, depth + 1)

    node(-1, None, None, 0)
    return builder.build()
