"""The near-tie count of float trees (``float_audit._near_ties``, computed over all decision nodes
at once) agrees with its definition read node by node, on random trees with planted exact ties,
near ties and clear gaps."""

from __future__ import annotations

import random

import numpy as np
import pytest

from alliance_games.games.tree import DECISION, GameTree, TreeBuilder
from alliance_games.solvers.float_audit import _near_ties
from alliance_games.solvers.tolerance import DEFAULT_TOL
from alliance_games.solvers.tree.backward_induction import induct, node_movers


def _by_node(tree: GameTree) -> int:
    """The definition: at each decision node, sort the mover's values of the children; count the
    nodes whose two best differ by at most the slack but are not equal."""
    values, movers = induct(tree).values, node_movers(tree)
    slack = DEFAULT_TOL * max(float(tree.payoff_range()), 1e-300)
    count = 0
    for node in np.flatnonzero(tree.kind == DECISION):
        scores = sorted((float(values[c, movers[node]]) for c in tree.children(int(node))),
                        reverse=True)
        if len(scores) > 1 and scores[0] != scores[1] and scores[0] - scores[1] <= slack:
            count += 1
    return count


def _random_tree(rng: random.Random) -> GameTree:
    players = ["a", "b"]
    builder = TreeBuilder(players, exact=False)
    base = [0.0, 1.0, 2.0]
    count = 0
    todo: list[tuple[int, str | None, float | None, int]] = [(-1, None, None, 0)]
    while todo:
        parent, action, prob, depth = todo.pop()
        if depth > 0 and (depth >= 4 or rng.random() < 0.3):
            payoffs = [rng.choice(base) + rng.choice([0.0, 0.0, 1e-13, -1e-13, 0.25])
                       for _ in players]
            builder.add_terminal(parent, action, payoffs=payoffs, prob=prob)
            continue
        actions = [f"x{k}" for k in range(rng.randint(1, 3))]
        if rng.random() < 0.25:
            node = builder.add_chance(parent, action, label=f"c{count}", prob=prob)
            below: float | None = 1 / len(actions)
        else:
            node = builder.add_decision(parent, action, player=rng.randrange(2),
                                        infoset=f"I{count}", actions=actions, prob=prob)
            below = None
        count += 1
        todo.extend((node, a, below, depth + 1) for a in actions)
    return builder.build()


@pytest.mark.parametrize("seed", range(60))
def test_near_ties_counted_at_once_match_the_node_by_node_definition(seed: int) -> None:
    tree = _random_tree(random.Random(seed))
    assert _near_ties(tree) == _by_node(tree)


def test_the_random_trees_have_near_ties_to_count() -> None:
    assert sum(_by_node(_random_tree(random.Random(s))) > 0 for s in range(60)) >= 10
