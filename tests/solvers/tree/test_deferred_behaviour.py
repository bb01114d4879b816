"""Behaviour profiles made when first read (:class:`DeferredBehaviour`), and solution values
converted once per solve.

A distinct exact solve hands out its equilibria with deferred profiles: read, each is the profile
the solve would have built at once (every set's distribution, the same arrays on every read),
also when the root's solutions came from the subgame cache (their sets renamed only then); its
payoffs are those of the profile. Unread, nothing is made; pickled, it is the plain tuple.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games import rational
from alliance_games.games.profiles import behaviour_payoffs
from alliance_games.games.pure_behaviour import DeferredBehaviour
from alliance_games.solvers.tree import subgame_perfect as decomposition
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_cache import CACHE
from tests.random_games import random_tree
from tests.solvers.tree.test_subgame_cache import copies


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    CACHE.clear()
    yield
    CACHE.clear()


def test_made_once_on_first_read_and_pickled_as_a_tuple() -> None:
    calls = []

    def make() -> list[np.ndarray]:
        calls.append(1)
        return [np.array([1, 0]), np.array([0, 0, 1])]

    profile = DeferredBehaviour(make, 2)
    assert len(profile) == 2 and not calls
    first = profile[0]
    assert profile[0] is first and list(profile)[1] is profile[1] and len(calls) == 1
    assert profile[-1:] == (profile[1],)
    copy = pickle.loads(pickle.dumps(profile))
    assert type(copy) is tuple and [list(d) for d in copy] == [[1, 0], [0, 0, 1]]
    assert repr(profile) == repr(profile.profile())
    with pytest.raises(ValueError, match="2 information sets"):
        DeferredBehaviour(lambda: [np.array([1])], 2).profile()


@pytest.mark.parametrize("seed", range(10))
def test_a_distinct_solve_reads_as_the_eager_profile(seed: int) -> None:
    rng = random.Random(seed)
    tree = random_tree(rng, players=2, max_depth=5, max_decisions=12, perfect_information=False)
    for solve in (decomposition.subgame_perfect, subgame_perfect_bayesian):
        for attempt in range(2):  # the second takes the root's solutions from the cache
            result = solve(tree, distinct=True)
            for eq in result.equilibria:
                if isinstance(eq.strategies, DeferredBehaviour):
                    assert len(eq.strategies) == len(tree.infosets)
                assert list(eq.payoffs) == list(behaviour_payoffs(tree, list(eq.strategies)))
                assert eq.strategies[0] is eq.strategies[0]
            if attempt == 0:
                CACHE.clear()


def test_a_cached_root_is_renamed_when_read() -> None:
    """Copies A and B of one signalling game: B's solutions are A's renamed, and the deferred
    profiles of a solve of B alone (from the cache) equal those of a cold solve."""
    tree = copies(2)
    subgame_perfect_bayesian(tree, distinct=True)
    b = int(tree.children(0)[1])
    subgame = tree.subtree(b)
    hits = CACHE.hits
    warm = subgame_perfect_bayesian(subgame, distinct=True)
    assert CACHE.hits == hits + 1
    CACHE.clear()
    cold = subgame_perfect_bayesian(subgame, distinct=True)
    assert [[tuple(d) for d in eq.strategies] for eq in warm.equilibria] == \
        [[tuple(d) for d in eq.strategies] for eq in cold.equilibria]
    assert all(isinstance(eq.strategies, DeferredBehaviour) for eq in warm.equilibria)


def test_solution_values_are_converted_once_per_value_object() -> None:
    tree = copies(2)
    solver = decomposition._Decomposition(tree, None, 10)
    value = (rational.exact_type()(1, 3), 2, Fraction(3, 4))
    first = solver._fractions(value)
    assert first == (Fraction(1, 3), 2, Fraction(3, 4)) and type(first[0]) is Fraction
    assert solver._fractions(value) is first
    assert solver._fractions(tuple(list(value))) == first  # another object: converted afresh
