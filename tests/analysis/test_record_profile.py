"""Issue 15: a tree equilibrium's labelled profile is made when first read, and is then the
profile describe always gave; the on-path profile is its restriction to the reached sets."""

from __future__ import annotations

import pickle
import random

import pytest

from alliance_games.analysis import equilibrium
from alliance_games.analysis.equilibrium import describe
from alliance_games.solvers import solve
from tests.random_games import random_tree


@pytest.mark.parametrize(("seed", "method", "exact"), [
    (0, "spe", True), (1, "spe", False), (2, "enummixed", True), (3, "spe", True),
    (4, "enummixed", False),
])
def test_a_tree_profile_is_labelled_on_first_read_as_before(seed: int, method: str,
                                                             exact: bool) -> None:
    small = method == "enummixed"  # the reduced normal form grows fast
    tree = random_tree(random.Random(seed), max_decisions=3 if small else 10,
                       max_depth=3 if small else 4)
    result = solve(tree if exact else tree.to_float(), method)
    assert result.equilibria
    for record, eq in zip(describe(result), result.equilibria, strict=True):
        assert isinstance(record.__dict__["_profile"], equilibrium._Pending)
        again = pickle.loads(pickle.dumps(record))  # pickled as the labelled profile
        eager = equilibrium._tree_profile(result.game, eq)
        assert record.profile == eager and again.profile == eager
        assert record.__dict__["_profile"] is record.profile  # made once, then kept
        assert record == again
        on_path = record.on_path
        assert on_path is not None
        for player, shown in on_path.profile.items():
            assert shown == {k: v for k, v in eager[player].items() if k in shown}
            assert [type(v) for v in shown.values()] == [type(eager[player][k]) for k in shown]
        assert sum(map(len, on_path.profile.values())) == sum(
            len(tree.infosets[k].actions) for k in on_path.sets)
