"""The best-response value of a perfect-information tree by one vectorised backward pass equals
the general information-set walk (exact and float), on random trees with chance moves, ties and
mixed behaviour."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games import profiles
from alliance_games.games.tree import GameTree
from tests.random_games import random_tree


def _behaviour(tree: GameTree, rng: random.Random, *, pure: bool) -> list[np.ndarray]:
    out = []
    for infoset in tree.infosets:
        width = len(infoset.actions)
        if pure:
            weights = [0] * width
            weights[rng.randrange(width)] = 1
        else:
            weights = [rng.randint(0, 3) for _ in range(width)]
            if not sum(weights):
                weights[0] = 1
        total = sum(weights)
        out.append(np.array([Fraction(w, total) for w in weights], dtype=object))
    return out


def _general(tree: GameTree, behaviour: list[np.ndarray], player: int,
             monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(profiles, "_perfect_information_best_responses", lambda *a: None)
        return profiles.best_response_value(tree, behaviour, player)


@pytest.mark.parametrize("seed", range(40))
def test_fast_best_response_equals_the_general_walk(seed: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    tree = random_tree(rng, players=rng.randint(1, 3), max_depth=5, max_decisions=12, high=3)
    assert tree.is_perfect_information
    behaviour = _behaviour(tree, rng, pure=seed % 2 == 0)
    for player in range(tree.num_players):
        fast = profiles.best_response_value(tree, behaviour, player)
        general = _general(tree, behaviour, player, monkeypatch)
        assert isinstance(fast, Fraction) and fast == general
        floats = tree.to_float()
        float_behaviour = [b.astype(float) for b in behaviour]
        assert profiles.best_response_value(floats, float_behaviour, player) == \
            pytest.approx(float(general))


def test_regret_of_a_non_equilibrium_is_positive() -> None:
    """A player who could gain by deviating has exactly that gain as regret."""
    rng = random.Random(7)
    tree = random_tree(rng, players=2, max_depth=4, max_decisions=8, high=5)
    for seed in range(20):
        behaviour = _behaviour(tree, random.Random(seed), pure=True)
        regrets = profiles.behaviour_regrets(tree, behaviour)
        assert all(r >= 0 for r in regrets)
        if any(r > 0 for r in regrets):
            return
    pytest.fail("no pure profile with positive regret found")


@pytest.mark.parametrize("seed", range(20))
def test_reach_probabilities_equal_the_realization_in_fractions(seed: int) -> None:
    """The fast reach (reached part only, gmpy2 inside) gives the same Fractions, zeros included."""
    rng = random.Random(100 + seed)
    tree = random_tree(rng, players=2, max_depth=5, max_decisions=12,
                       perfect_information=seed % 3 != 0)
    weights = profiles.edge_weights(tree, _behaviour(tree, rng, pure=seed % 2 == 0))
    fast = profiles.reach_probabilities(tree, weights)
    slow = profiles.realization(tree, weights)
    assert list(fast) == list(slow)
    assert all(isinstance(v, Fraction) for v in fast)


@pytest.mark.parametrize("seed", range(30))
def test_integer_payoffs_and_a_pure_profile_take_the_int64_pass(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Integer payoffs, no chance, a pure profile: the best responses are computed in int64 and
    equal the general walk's Fractions; a half payoff sends the same tree down the rational
    path with the same answers."""
    rng = random.Random(1000 + seed)
    tree = random_tree(rng, players=rng.randint(1, 3), max_depth=5, max_decisions=12,
                       chance_share=0.0, low=-50, high=50)
    behaviour = _behaviour(tree, rng, pure=True)
    weights = profiles.edge_weights(tree, behaviour)
    assert tree.integer_payoffs is not None and profiles._pure_weights(weights) is not None
    fast = profiles._perfect_information_best_responses(tree, weights)
    assert fast is not None and all(isinstance(v, Fraction) for v in fast)
    assert fast == [_general(tree, behaviour, p, monkeypatch) for p in range(tree.num_players)]
    halves = tree._replace(node_payoffs=tree.node_payoffs * Fraction(1, 2))
    assert halves.integer_payoffs is None
    assert profiles._perfect_information_best_responses(halves, weights) == \
        [v / 2 for v in fast]


def test_payoffs_too_large_for_int64_sums_are_not_integer_payoffs() -> None:
    rng = random.Random(5)
    tree = random_tree(rng, players=2, max_depth=4, chance_share=0.0, low=1, high=3)
    huge = tree._replace(node_payoffs=tree.node_payoffs * 2 ** 61)
    assert tree.integer_payoffs is not None and huge.integer_payoffs is None
    assert profiles.nonzero(np.array([Fraction(0), 1, Fraction(1, 3), 0], dtype=object)).tolist() \
        == [False, True, True, False]
    zero, third = Fraction(0), Fraction(1, 3)
    shared = np.array([zero, third, zero] * 50, dtype=object)  # two objects: compared once each
    assert profiles.nonzero(shared).tolist() == [False, True, False] * 50


@pytest.mark.parametrize("seed", range(30))
def test_best_response_with_information_sets_in_the_fast_type(seed: int) -> None:
    """On trees with information sets, the walk in the fast exact type gives the Fraction
    walk's value for every player, and the float walk agrees."""
    rng = random.Random(500 + seed)
    tree = random_tree(rng, players=rng.randint(2, 3), max_depth=5, max_decisions=12, high=4,
                       perfect_information=False)
    behaviour = _behaviour(tree, rng, pure=seed % 2 == 0)
    weights = profiles.edge_weights(tree, behaviour)
    fast_weights = profiles.rational.fast_array(weights)
    for player in range(tree.num_players):
        fast = profiles._best_response(tree, weights, player, fast_weights, tree.fast_payoffs)
        plain = profiles._best_response(tree, weights, player, None, None)
        assert isinstance(fast, Fraction) and isinstance(plain, Fraction) and fast == plain
        assert profiles.best_response_value(tree, behaviour, player) == fast
        floats = tree.to_float()
        assert profiles.best_response_value(floats, [b.astype(float) for b in behaviour],
                                            player) == pytest.approx(float(fast))
    regrets = profiles.behaviour_regrets(tree, behaviour)
    assert all(r >= 0 for r in regrets)
