"""The flat profile of the fast SPE path reads as the per-information-set arrays it replaces.

On random perfect-information trees (float and exact, untied), the equilibrium's
:class:`~alliance_games.games.pure_behaviour.PureBehaviour` gives, set by set, the same arrays
(dtype, values, number types) as the eager profile the path used to build, also sliced, from the
end, after pickling, as edge weights, as an identity key and as a pure profile.
"""

from __future__ import annotations

import pickle
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games.profiles import edge_weights
from alliance_games.games.pure_behaviour import PureBehaviour
from alliance_games.solvers.tree.backward_induction import untied_induction
from alliance_games.solvers.tree.subgame_perfect import subgame_perfect
from tests.solvers.tree.test_frontier_induction import pure_profile, trees


@pytest.mark.parametrize("seed", range(12))
def test_the_flat_profile_reads_as_the_eager_one(seed: int) -> None:
    for tree in trees(seed)[::2] + trees(seed)[4:]:
        fast = untied_induction(tree)
        if fast is None:
            continue
        eq = subgame_perfect(tree).equilibria[0]
        lazy = eq.strategies
        assert isinstance(lazy, PureBehaviour)
        eager = pure_profile(tree, fast.choice)
        assert len(lazy) == len(eager)
        for mine, theirs in zip(lazy, eager, strict=True):
            assert mine.dtype == theirs.dtype and mine.tolist() == theirs.tolist()
            assert [type(x) for x in mine] == [type(x) for x in theirs]
        assert lazy[-1] is lazy[len(lazy) - 1]  # made once, then the same array
        assert [a.tolist() for a in lazy[1:3]] == [a.tolist() for a in eager[1:3]]
        again = pickle.loads(pickle.dumps(lazy))
        assert [a.tolist() for a in again] == [a.tolist() for a in eager]
        assert edge_weights(tree, lazy).tolist() == edge_weights(tree, eager).tolist()
        assert eq.is_pure() and eq.key() == type(eq)(eager, eq.payoffs, 0, eq.exact).key()
        assert eq.max_regret == 0 and type(eq.max_regret) is (Fraction if tree.exact else float)
        with pytest.raises(IndexError):
            lazy[len(lazy)]


def test_a_flat_profile_needs_one_action_per_set() -> None:
    with pytest.raises(ValueError):
        PureBehaviour(np.array([2]), np.array([2]), exact=False)


@pytest.mark.parametrize("seed", range(12))
def test_a_pure_profile_is_described_as_its_eager_arrays_are(seed: int) -> None:
    """``describe`` labels a flat profile at once; the labels, their order, the values and
    their number types are those of the same profile held as one array per set."""
    from dataclasses import replace

    from alliance_games.analysis.equilibrium import describe_one

    for tree in trees(seed)[::2] + trees(seed)[4:]:
        fast = untied_induction(tree)
        if fast is None:
            continue
        eq = subgame_perfect(tree).equilibria[0]
        assert isinstance(eq.strategies, PureBehaviour)
        eager = replace(eq, strategies=tuple(pure_profile(tree, fast.choice)))
        mine, theirs = describe_one(tree, eq).profile, describe_one(tree, eager).profile
        assert list(mine) == list(theirs)
        for player in theirs:
            assert list(mine[player].items()) == list(theirs[player].items())
            assert [type(v) for v in mine[player].values()] == \
                [type(v) for v in theirs[player].values()]
