"""Belief thresholds: PBE of one-signal two-type games, against hand derivations and ``pbe``.

* Beer-quiche (Cho and Kreps 1987, prior 1/10 weak): exactly the two pooling outcomes.
* The bundled two-type crisis ``deterrence_uncertain_resolve`` (rival types, leader's set after
  Challenge): the unique semi-separating PBE, irresolute bluff 1/4, defend 1/2, belief 2/3.
* Random sender-receiver games (the receiver moves once after the signal, so weak PBE and the
  class's PBE coincide): the set of equilibrium outcome distributions equals ``pbe``'s wherever
  ``pbe`` finds finitely many equilibria.
* Random games with a second receiver and a last sender move after the signal: every profile
  found is one of ``pbe``'s weak PBE outcomes (the class holds beliefs at the posterior, so it
  finds a subset).
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from alliance_games.games.profiles import edge_weights, realization
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree.belief_threshold import belief_threshold, matches
from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian
from tests.solvers.tree.test_perfect_bayesian import load

F = Fraction


def outcomes(tree: GameTree, result: object) -> set[tuple[Fraction, ...]]:
    """The distribution over terminal nodes of every equilibrium."""
    found = set()
    terminals = tree.terminals
    for eq in result.equilibria:  # type: ignore[attr-defined]
        reach = realization(tree, edge_weights(tree, list(eq.strategies)))
        found.add(tuple(F(reach[t]) for t in terminals))
    return found


def test_beer_quiche_gives_the_two_pooling_outcomes() -> None:
    tree = load("beer_quiche")
    assert matches(tree) is not None
    result = belief_threshold(tree)
    assert result.complete
    sent = set()
    for eq, detail in zip(result.equilibria, result.diagnostics["belief_threshold"], strict=True):
        names = {s.name: tuple(eq.strategies[k]) for k, s in enumerate(tree.infosets)}
        sent.add(tuple(sorted(detail["posteriors"])) and tuple(detail["off_path"]))
        assert len(detail["off_path"]) == 1  # pooling: one signal unsent
        assert names
    assert len(outcomes(tree, result)) == 2
    assert outcomes(tree, result) == outcomes(tree, perfect_bayesian(tree))


def test_two_type_crisis_semi_separating_is_exact() -> None:
    tree = load("deterrence_uncertain_resolve")
    assert matches(tree) is not None
    result = belief_threshold(tree)
    assert result.complete and len(result.equilibria) == 1
    eq = result.equilibria[0]
    names = {s.name: tuple(eq.strategies[k]) for k, s in enumerate(tree.infosets)}
    assert names["leader_challenged"] == (F(1, 2), F(1, 2))
    irresolute = next(v for k, v in names.items() if "Irresolute" in k)
    assert irresolute == (F(1, 4), F(3, 4))
    assert result.diagnostics["belief_threshold"][0]["posteriors"]["Challenge"] == "2/3"


def _random_game(rng: random.Random, second_stage: bool) -> GameTree:
    """Two types, two signals; receiver R (2-3 actions); optionally a second receiver Q and a
    last sender move."""
    builder = TreeBuilder(("S", "R", "Q"))
    root = builder.add_chance(-1, None)
    prior = F(rng.randint(1, 9), 10)
    width = rng.choice((2, 3))

    def pay() -> list[int]:
        return [rng.randint(-3, 3) for _ in range(3)]

    for t, prob in (("t0", prior), ("t1", 1 - prior)):
        sender = builder.add_decision(root, t, player=0, infoset=f"S_{t}", actions=("a", "b"),
                                      prob=prob)
        for s in ("a", "b"):
            r = builder.add_decision(sender, s, player=1, infoset=f"R_{s}",
                                     actions=tuple(f"r{i}" for i in range(width)))
            for i in range(width):
                if not second_stage or i > 0:
                    builder.add_terminal(r, f"r{i}", payoffs=pay())
                    continue
                q = builder.add_decision(r, f"r{i}", player=2, infoset=f"Q_{s}",
                                         actions=("x", "y"))
                builder.add_terminal(q, "x", payoffs=pay())
                last = builder.add_decision(q, "y", player=0, infoset=f"S_{t}_{s}_last",
                                            actions=("u", "v"))
                builder.add_terminal(last, "u", payoffs=pay())
                builder.add_terminal(last, "v", payoffs=pay())
    return builder.build()


@pytest.mark.parametrize("seed", range(24))
def test_sender_receiver_games_agree_with_pbe(seed: int) -> None:
    tree = _random_game(random.Random(seed), second_stage=False)
    ours = belief_threshold(tree)
    theirs = perfect_bayesian(tree)
    if not theirs.complete or theirs.convex_sets or not ours.complete:
        assert outcomes(tree, ours) <= outcomes(tree, theirs) or theirs.convex_sets
        return
    assert outcomes(tree, ours) == outcomes(tree, theirs)


# seeds whose weak-PBE oracle runs in a few seconds (the slowest take up to a minute)
@pytest.mark.parametrize("seed", (0, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14, 18))
def test_longer_continuations_find_weak_pbe(seed: int) -> None:
    tree = _random_game(random.Random(1000 + seed), second_stage=True)
    assert matches(tree) is not None
    ours = belief_threshold(tree)
    assert ours.equilibria or not ours.complete
    theirs = perfect_bayesian(tree)
    if theirs.complete and not theirs.convex_sets:
        assert outcomes(tree, ours) <= outcomes(tree, theirs)


def test_solving_leaves_no_reference_cycles() -> None:
    """The pieces of a continuation are found without a recursive closure (whose cycle kept the
    continuation and its solutions alive until a collection): a solve with the collector off
    leaves nothing for it to find, so robustness runs can pause it
    (:mod:`alliance_games.analysis.collection`)."""
    import gc

    from alliance_games.solvers.tree import belief_threshold as module

    trees = [_random_game(random.Random(seed), second_stage=True) for seed in range(3)]
    module._PIECES.clear()  # solved afresh, not read from the cache
    gc.collect()
    gc.disable()
    try:
        results = [belief_threshold(tree) for tree in trees]
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert all(r.equilibria or not r.complete for r in results)
