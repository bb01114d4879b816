"""The pass over breadth-first frontiers agrees with plain recursion.

On random perfect-information trees (terminals at every depth: mixed frontiers, reduced by
segments) and complete trees (uniform frontiers, reduced as blocks), float and exact, with ties
and without: the frontiers list every node once with its children in one block; the pass gives
the recursion's choices, ties and values; its one-pass certificate gives each player's regret
as a recursion per player does (and as the general behaviour-profile regret does), for the
equilibrium and for arbitrary profiles.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.games.profiles import behaviour_regrets
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree, TreeBuilder
from alliance_games.solvers.tree.backward_induction import (
    induct,
    perfect_information_regret,
    perfect_information_regrets,
    untied_induction,
)
from alliance_games.solvers.tree.frontier_induction import frontier_payoffs, induct_frontiers
from tests.random_games import random_tree

F = Fraction


def complete_tree(rng: random.Random, widths: list[int], chance_every: int = 3,
                  players: int = 3) -> GameTree:
    """Every node at depth ``d`` has ``widths[d]`` children; every ``chance_every``-th level is
    chance; random integer payoffs at the terminals (many ties) and probabilities."""
    builder = TreeBuilder([f"P{i + 1}" for i in range(players)])
    count = [0]

    def node(parent: int, action: str | None, prob: Fraction | None, depth: int) -> None:
        if depth == len(widths):
            builder.add_terminal(parent, action, prob=prob,
                                 payoffs=[rng.randint(-4, 4) for _ in range(players)])
            return
        labels = [f"a{k}" for k in range(widths[depth])]
        if depth % chance_every == chance_every - 1:
            me = builder.add_chance(parent, action, prob=prob)
            weights = [rng.randint(1, 4) for _ in labels]
            for label, w in zip(labels, weights, strict=True):
                node(me, label, F(w, sum(weights)), depth + 1)
            return
        me = builder.add_decision(parent, action, prob=prob, player=rng.randrange(players),
                                  infoset=f"I{count[0]}", actions=labels)
        count[0] += 1
        for label in labels:
            node(me, label, None, depth + 1)

    node(-1, None, None, 0)
    return builder.build()


def jittered(tree: GameTree, rng: np.random.Generator) -> GameTree:
    """The float tree with continuous random payoffs where it had any (no ties)."""
    pay = np.where(tree.has_payoff[:, None], rng.uniform(-1, 1, tree.node_payoffs.shape), 0.0)
    return tree.to_float()._replace(node_payoffs=pay)


def trees(seed: int) -> list[GameTree]:
    """Exact trees with ties, their float copies, and float copies without ties."""
    rng = random.Random(seed)
    exact = [random_tree(rng, players=rng.randint(1, 3), max_depth=5, max_decisions=14),
             complete_tree(rng, [rng.randint(2, 3) for _ in range(rng.randint(1, 5))])]
    noise = np.random.default_rng(seed)
    return [*exact, *(t.to_float() for t in exact), *(jittered(t, noise) for t in exact)]


def reference(tree: GameTree, margin: Any, follow: dict[int, int] | None = None
              ) -> tuple[list[Any], dict[int, int], dict[int, bool]]:
    """Recursive backward induction: the root value, the chosen edge and the tie flag of every
    decision node (the first child within ``margin`` of the best; ``follow``: given edges)."""
    owner = [s.player for s in tree.infosets]
    choice: dict[int, int] = {}
    ties: dict[int, bool] = {}

    def solve(node: int) -> list[Any]:
        own = list(tree.node_payoffs[node])
        kind = tree.kind[node]
        if kind == TERMINAL:
            return own
        edges = list(tree.edges(node))
        below = [solve(int(tree.child_index[e])) for e in edges]
        if kind == CHANCE:
            acc = [tree.edge_prob[edges[0]] * v for v in below[0]]
            for e, value in zip(edges[1:], below[1:], strict=True):
                acc = [a + tree.edge_prob[e] * v for a, v in zip(acc, value, strict=True)]
            return [o + a for o, a in zip(own, acc, strict=True)]
        mover = owner[int(tree.node_infoset[node])]
        scores = [v[mover] for v in below]
        best = max(scores)
        good = [s == best if margin == 0 else s >= best - margin for s in scores]
        ties[node] = sum(good) > 1
        pick = good.index(True) if follow is None else follow[node] - edges[0]
        choice[node] = edges[pick]
        return [o + v for o, v in zip(own, below[pick], strict=True)]

    return solve(0), choice, ties


def regret_by_player(tree: GameTree, choice: dict[int, int], player: int) -> Any:
    """``player``'s best-response value minus its value under ``choice``, by recursion."""
    owner = [s.player for s in tree.infosets]

    def solve(node: int, respond: bool) -> Any:
        own = tree.node_payoffs[node, player]
        if tree.kind[node] == TERMINAL:
            return own
        edges = list(tree.edges(node))
        kids = [int(tree.child_index[e]) for e in edges]
        if tree.kind[node] == CHANCE:
            return own + sum((tree.edge_prob[e] * solve(k, respond)
                              for e, k in zip(edges, kids, strict=True)), 0 * own)
        if respond and owner[int(tree.node_infoset[node])] == player:
            return own + max(solve(k, respond) for k in kids)
        return own + solve(int(tree.child_index[choice[node]]), respond)

    return solve(0, True) - solve(0, False)


def random_choice(tree: GameTree, rng: random.Random) -> np.ndarray:
    choice = np.full(tree.num_nodes, -1, dtype=np.int64)
    for node in np.flatnonzero(tree.kind == DECISION).tolist():
        choice[node] = rng.choice(list(tree.edges(node)))
    return choice


@pytest.mark.parametrize("seed", range(12))
def test_frontiers_list_every_node_once_with_children_in_blocks(seed: int) -> None:
    for tree in trees(seed)[:2]:
        fronts = tree.frontiers
        listed = np.concatenate([f.nodes for f in fronts])
        assert sorted(listed.tolist()) == list(range(tree.num_nodes))
        for front, below in zip(fronts, fronts[1:], strict=False):
            kids = [c for v in front.nodes.tolist() for c in tree.children(v).tolist()]
            assert below.nodes.tolist() == kids
            assert tree.child_index[front.edges].tolist() == kids
            assert front.counts.tolist() == [len(tree.children(v)) for v in front.nodes]
            kinds = set(tree.kind[front.nodes].tolist())
            if front.kind >= 0:
                assert kinds == {front.kind} and set(front.counts.tolist()) == {front.width}
        assert fronts[-1].counts.sum() == 0


@pytest.mark.parametrize("seed", range(20))
def test_the_pass_makes_the_recursions_choices_ties_and_values(seed: int) -> None:
    for tree in trees(seed):
        margin = 0 if tree.exact else 1e-9 * tree.payoff_range()
        root, choice, ties = reference(tree, margin)
        found = induct_frontiers(tree, margin=margin)
        nodes = found.decision_nodes()
        assert dict(zip(nodes.tolist(), found.choice()[nodes].tolist(), strict=True)) == choice
        assert dict(zip(nodes.tolist(), found.ties()[nodes].tolist(), strict=True)) == ties
        assert found.root.tolist() == root
        values = found.all_values()
        assert values[0].tolist() == root
        if not tree.exact:
            assert frontier_payoffs(tree)[1] == tree.payoff_range()
            fast = induct(tree)
            assert fast.choice.tolist() == found.choice().tolist()
            assert np.array_equal(fast.values, values)


@pytest.mark.parametrize("seed", range(20))
def test_one_pass_regrets_are_each_players_regret(seed: int) -> None:
    rng = random.Random(seed)
    for tree in trees(seed):
        for choice in (induct(tree).choice, random_choice(tree, rng)):
            picked = {n: int(choice[n]) for n in np.flatnonzero(choice >= 0).tolist()}
            regrets = perfect_information_regrets(tree, choice)
            expected = [regret_by_player(tree, picked, i) for i in range(tree.num_players)]
            general = behaviour_regrets(tree, pure_profile(tree, choice))
            if tree.exact:
                assert list(regrets) == expected == list(general)
                assert all(isinstance(r, Fraction) for r in regrets)
            else:
                assert np.allclose(regrets, np.array(expected, dtype=float), atol=1e-12)
                assert np.allclose(regrets, np.asarray(general, dtype=float), atol=1e-12)
            worst = perfect_information_regret(tree, untied_induction(tree) or induct(tree))
            assert worst >= 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_certificate_of_the_fast_path_is_the_per_player_regret(seed: int) -> None:
    """The certificate computed inside the pass (R carried only where it differs from V)
    equals the one-pass regret along the chosen profile, and the recursions'."""
    for tree in trees(seed)[4:]:  # float trees without ties
        fast = untied_induction(tree, certify=True)
        assert fast is not None and fast.found is not None
        inside = fast.found.regrets
        along = perfect_information_regrets(tree, fast.choice)
        assert inside.tolist() == along.tolist()
        picked = {n: int(fast.choice[n]) for n in np.flatnonzero(fast.choice >= 0).tolist()}
        assert np.allclose(inside, [regret_by_player(tree, picked, i)
                                    for i in range(tree.num_players)], atol=1e-12)


def pure_profile(tree: GameTree, choice: np.ndarray) -> tuple[np.ndarray, ...]:
    """One array per information set, 1 on its node's chosen edge (the eager profile)."""
    one, zero = (F(1), F(0)) if tree.exact else (1.0, 0.0)
    out = []
    for infoset in tree.infosets:
        node = infoset.nodes[0]
        dist = np.full(len(infoset.actions), zero, dtype=object if tree.exact else float)
        dist[int(choice[node] - tree.child_ptr[node])] = one
        out.append(dist)
    return tuple(out)
