"""The exact number type of the hot loops and the profile functions that use it.

Values are checked against direct Fraction formulas (``reach @ values``, sums over terminals),
types included: exact inputs give Fractions, float and symbolic inputs keep their generic path.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
import sympy

from alliance_games.games import rational
from alliance_games.games.profiles import (
    behaviour_payoffs,
    edge_weights,
    exact_realization,
    expectation,
    reached_terminals,
    realization,
    tag_probabilities,
)
from alliance_games.games.tree import GameTree, TreeBuilder

F = Fraction


def tagged_tree(seed: int) -> GameTree:
    """Chance, then two players moving twice, with tags on some terminals."""
    rng = random.Random(seed)
    builder = TreeBuilder(("A", "B"))
    root = builder.add_chance(-1, None)
    for c, prob in (("x", F(1, 3)), ("y", F(2, 3))):
        a = builder.add_decision(root, c, player=0, infoset=f"A{c}", actions=("l", "r"), prob=prob,
                                 payoffs=[F(1, 2), 0] if c == "y" else None)
        for act in ("l", "r"):
            b = builder.add_decision(a, act, player=1, infoset="B", actions=("u", "d"))
            for move in ("u", "d"):
                tags = [t for t in ("war", "deal") if rng.random() < 0.5]
                builder.add_terminal(b, move, tags=tags,
                                     payoffs=[F(rng.randint(-5, 5), rng.randint(1, 4)),
                                              rng.randint(-3, 3)])
    return builder.build()


def mixed_profile(tree: GameTree, rng: random.Random, pure: bool) -> list[np.ndarray]:
    behaviour = []
    for infoset in tree.infosets:
        if pure:
            dist = [F(0)] * len(infoset.actions)
            dist[rng.randrange(len(dist))] = F(1)
        else:
            first = F(rng.randint(0, 4), 4)
            dist = [first, 1 - first]
        behaviour.append(np.array(dist, dtype=object))
    return behaviour


def generic_tags(tree: GameTree, reach: np.ndarray) -> dict[str, object]:
    terminals = reached_terminals(tree, reach)
    return {tag: sum((reach[t] for t in terminals if tree.path_tags[t] & (1 << k)), 0)
            for k, tag in enumerate(tree.tag_names)}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("pure", (True, False))
def test_profile_functions_match_the_fraction_formulas(seed: int, pure: bool) -> None:
    tree = tagged_tree(seed)
    behaviour = mixed_profile(tree, random.Random(seed), pure)
    weights = edge_weights(tree, behaviour)
    reach = realization(tree, weights)
    assert all(type(r) is Fraction for r in reach)
    fast = exact_realization(tree, weights)
    assert fast is not None and list(fast) == list(reach)
    payoffs = behaviour_payoffs(tree, behaviour)
    expected = reach @ tree.node_payoffs
    assert list(payoffs) == list(expected) and all(type(v) is Fraction for v in payoffs)
    for given in (reach, fast):
        tags = tag_probabilities(tree, given)
        assert tags == generic_tags(tree, reach)
        assert [type(v) for v in tags.values()] == [type(v) for v in generic_tags(tree, reach).values()]
    column = tree.node_payoffs[:, 1]
    assert expectation(fast, column) == reach @ column
    assert type(expectation(fast, column)) is Fraction


def test_a_tag_never_reached_is_the_integer_zero() -> None:
    tree = tagged_tree(0)
    behaviour = mixed_profile(tree, random.Random(0), pure=True)
    reach = realization(tree, edge_weights(tree, behaviour))
    blocked = reach.copy()
    blocked[:] = [F(0)] * len(blocked)
    assert all(v == 0 and type(v) is int for v in tag_probabilities(tree, blocked).values())


def test_float_and_symbolic_inputs_keep_their_generic_path() -> None:
    tree = tagged_tree(3)
    behaviour = mixed_profile(tree, random.Random(3), pure=False)
    floats = tree.to_float()
    payoffs = behaviour_payoffs(floats, [b.astype(float) for b in behaviour])
    assert payoffs.dtype == float
    reach = realization(tree, edge_weights(tree, behaviour))
    values = tree.node_payoffs[:, 0].astype(float)
    assert isinstance(expectation(reach, values), float)  # Fraction reach, float values
    weights = edge_weights(tree, behaviour)
    weights[0] = sympy.Symbol("p")
    assert exact_realization(tree, weights) is None
    symbolic = realization(tree, weights)
    assert any(isinstance(v, sympy.Expr) for v in symbolic)


def test_conversions() -> None:
    q = rational.exact_type()
    assert rational.fast_values([F(1, 2), 3]) == [q(F(1, 2)), q(3)]
    assert rational.fast_values([F(1, 2), 0.5]) is None
    assert rational.fast_values([sympy.Rational(1, 2)]) is None
    assert rational.exact_values([0.5, F(1, 3)]) == [F(1, 2), F(1, 3)]
    converted = rational.fraction_array(np.array([q(F(1, 3)), q(F(1, 3)), 2], dtype=object))
    assert [type(v) for v in converted] == [Fraction, Fraction, int]
    assert rational.combination([F(1, 2), F(1, 4)], [[2, 4], [4, 8]]) == [2, 4]


def test_the_fallback_is_plain_fractions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rational, "USE_GMPY", False)
    assert rational.exact_type() is Fraction
    values = rational.fast_values([F(1, 2), 1])
    assert values is not None and all(type(v) is Fraction for v in values)
