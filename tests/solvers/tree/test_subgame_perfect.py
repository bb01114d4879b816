"""Subgame-perfect equilibria: known trees and an independent brute-force check."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
from alliance_games.games.tree import TERMINAL, GameTree, TreeBuilder
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers import solve
from tests.random_games import random_tree


def _pure_choices(tree: GameTree, strategies: tuple[np.ndarray, ...]) -> tuple[int, ...]:
    return tuple(int(np.argmax(np.asarray(s, dtype=float))) for s in strategies)


def _one_hot(tree: GameTree, choices: tuple[int, ...]) -> list[np.ndarray]:
    out = []
    for infoset, a in zip(tree.infosets, choices, strict=True):
        dist = np.array([Fraction(0)] * len(infoset.actions), dtype=object)
        dist[a] = Fraction(1)
        out.append(dist)
    return out


def _subtree(tree: GameTree, root: int) -> tuple[GameTree, list[int]]:
    """The subgame at ``root`` as its own tree, and the original infoset index of each of its sets."""
    builder = TreeBuilder(tree.players)
    new: dict[int, int] = {}
    for node in range(root, int(tree.subtree_end[root])):
        parent = new.get(int(tree.parent[node]), -1) if node != root else -1
        edge = int(tree.in_edge[node])
        action = tree.edge_label[edge] if node != root else None
        prob = tree.edge_prob[edge] if node != root else None
        pays = list(tree.node_payoffs[node])
        if tree.kind[node] == TERMINAL:
            new[node] = builder.add_terminal(parent, action, payoffs=pays, prob=prob)
        elif tree.node_infoset[node] >= 0:
            s = tree.infoset_of(node)
            new[node] = builder.add_decision(parent, action, player=s.player, infoset=s.name,
                                             actions=s.actions, payoffs=pays, prob=prob)
        else:
            new[node] = builder.add_chance(parent, action, payoffs=pays, prob=prob)
    sub = builder.build()
    index = {s.name: k for k, s in enumerate(tree.infosets)}
    return sub, [index[s.name] for s in sub.infosets]


def brute_force_pure_spe(tree: GameTree) -> set[tuple[int, ...]]:
    """Every pure behaviour profile that is a Nash equilibrium in every subgame."""
    subgames = [_subtree(tree, r) for r in tree.subgame_roots]
    found = set()
    for choices in itertools.product(*(range(len(s.actions)) for s in tree.infosets)):
        ok = True
        for sub, mapping in subgames:
            behaviour = _one_hot(sub, tuple(choices[k] for k in mapping))
            if any(r != 0 for r in behaviour_regrets(sub, behaviour)):
                ok = False
                break
        if ok:
            found.add(tuple(choices))
    return found


def test_entry_deterrence_has_exactly_one_spe_and_pure_finds_the_threat() -> None:
    tree = compile_model(load_model("entry_deterrence")).at()
    spe = solve(tree, "spe")
    assert [_pure_choices(tree, e.strategies) for e in spe.equilibria] == [(0, 1)]  # In, Accommodate
    assert spe.complete and spe.exact
    pure = solve(tree, "pure")
    assert {_pure_choices(tree, e.strategies) for e in pure.equilibria} == {(0, 1), (1, 0)}


def test_imperfect_information_subgame_is_solved_exactly() -> None:
    """Gambit's uncertain-resolve deterrence example (anchors.md 2.2): a unique mixed SPE."""
    b = TreeBuilder(["Leader", "Rival"])
    root = b.add_chance(-1, None)
    x = b.add_decision(root, "Resolute", prob=Fraction(1, 3), player=1, infoset="R:res",
                       actions=["Challenge", "Stay"])
    y = b.add_decision(x, "Challenge", player=0, infoset="L", actions=["Defend", "Abandon"])
    b.add_terminal(y, "Defend", payoffs=[-2, 1])
    b.add_terminal(y, "Abandon", payoffs=[-1, 2])
    b.add_terminal(x, "Stay", payoffs=[1, 0])
    z = b.add_decision(root, "Irresolute", prob=Fraction(2, 3), player=1, infoset="R:irr",
                       actions=["Challenge", "Stay"])
    w = b.add_decision(z, "Challenge", player=0, infoset="L", actions=["Defend", "Abandon"])
    b.add_terminal(w, "Defend", payoffs=[1, -2])
    b.add_terminal(w, "Abandon", payoffs=[-1, 2])
    b.add_terminal(z, "Stay", payoffs=[1, 0])
    tree = b.build()
    result = solve(tree, "spe")
    assert len(result.equilibria) == 1
    eq = result.equilibria[0]
    assert eq.exact and eq.max_regret == 0
    assert [list(s) for s in eq.strategies] == [
        [1, 0], [Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 4), Fraction(3, 4)]]


def test_ties_give_every_pure_spe() -> None:
    b = TreeBuilder(["A", "B"])
    r = b.add_decision(-1, None, player=0, infoset="a", actions=["L", "R"])
    x = b.add_decision(r, "L", player=1, infoset="b", actions=["l", "r"])
    b.add_terminal(x, "l", payoffs=[1, 1])
    b.add_terminal(x, "r", payoffs=[2, 1])
    b.add_terminal(r, "R", payoffs=[1, 0])
    tree = b.build()
    found = {_pure_choices(tree, e.strategies) for e in solve(tree, "spe").equilibria}
    assert found == {(0, 0), (1, 0), (0, 1)}


def test_spe_sets_agree_with_brute_force_on_random_trees_with_chance_and_ties() -> None:
    rng = random.Random(11)
    tried = with_ties = 0
    while tried < 120:
        tree = random_tree(rng, players=rng.randint(1, 3), max_decisions=7)
        profiles = np.prod([len(s.actions) for s in tree.infosets])
        if not tree.infosets or profiles > 300:
            continue
        tried += 1
        result = solve(tree, "spe")
        ours = [_pure_choices(tree, e.strategies) for e in result.equilibria]
        assert len(ours) == len(set(ours)), "an equilibrium is reported twice"
        expected = brute_force_pure_spe(tree)
        assert set(ours) == expected
        with_ties += len(expected) > 1
        for eq in result.equilibria:
            assert eq.max_regret == 0
            assert all(r == 0 for r in behaviour_regrets(tree, list(eq.strategies)))
            assert list(eq.payoffs) == list(behaviour_payoffs(tree, list(eq.strategies)))
    assert with_ties >= 20  # the check exercised ties, not only unique equilibria


def test_float_trees_give_the_same_pure_spe() -> None:
    rng = random.Random(5)
    for _ in range(40):
        tree = random_tree(rng, players=2, max_decisions=6)
        exact = {_pure_choices(tree, e.strategies) for e in solve(tree, "spe").equilibria}
        floats = {_pure_choices(tree, e.strategies)
                  for e in solve(tree.to_float(), "spe").equilibria}
        assert exact == floats


def test_imperfect_information_random_trees_report_subgame_perfect_profiles() -> None:
    rng = random.Random(3)
    for _ in range(40):
        tree = random_tree(rng, players=2, max_decisions=5, perfect_information=False)
        result = solve(tree, "spe")
        assert result.equilibria, "every finite game has a subgame-perfect equilibrium"
        for eq in result.equilibria:
            assert float(eq.max_regret) <= 1e-9
            for root in tree.subgame_roots:
                sub, mapping = _subtree(tree, root)
                game = sub if eq.exact else sub.to_float()
                behaviour = [np.asarray(eq.strategies[k], dtype=object if eq.exact else float)
                             for k in mapping]
                assert float(max(behaviour_regrets(game, behaviour))) <= 1e-7
            for dist in eq.strategies:
                assert abs(float(sum(dist)) - 1) < 1e-9


def _tie_chain(n: int) -> str:
    """``n`` decision nodes in a chain, each choosing ``stop`` (payoffs 0) or ``go`` to the next;
    every payoff is 0, so every node is indifferent: exactly ``2**n`` subgame-perfect equilibria."""
    text, indent = "title: chain\nsource: test\nplayers: [a, b]\ntree:\n", "  "
    for k in range(n):
        text += (f"{indent}player: {'ab'[k % 2]}\n{indent}actions:\n{indent}  stop: [0, 0]\n"
                 f"{indent}  go:\n")
        indent += "    "
    return text + f"{indent}payoffs: [0, 0]\n"


@pytest.mark.parametrize(("cap", "count", "complete"),
                         [(1000, 1000, False), (1023, 1023, False), (1024, 1024, True),
                          (2000, 1024, True)])
def test_a_capped_enumeration_is_never_complete(tmp_path: Path, cap: int, count: int,
                                                complete: bool) -> None:
    """The 1024-SPE chain (issue 17): the default cap of 1000 says the list is cut."""
    path = tmp_path / "chain.yaml"
    path.write_text(_tie_chain(10))
    from alliance_games.solvers.tree.subgame_perfect import subgame_perfect

    result = subgame_perfect(compile_model(load_model(str(path))).at({}), max_equilibria=cap)
    assert len(result.equilibria) == count and result.complete is complete
    assert bool(result.warnings) is not complete
