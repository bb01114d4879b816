"""The outcomes a distinct solve computes on the way (``Equilibrium.outcomes``).

With ``distinct=True`` the decomposition carries one value column per outcome tag, 1 where the tag
first occurs on a play (``GameTree.first_tags``), and one per measure; the root's value then holds
every tag's probability and every measure's expectation, and :func:`risk_profile` reads them
instead of a pass of realization probabilities. Checked against that pass on random trees whose
tags repeat along plays (so an expected count would overstate a probability), with and without
information sets, and on the flagship's policies.
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, risk_profile
from alliance_games.games.profiles import behaviour_payoffs
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_perfect import subgame_perfect
from tests.random_games import random_tree

TAGS = ("abandonment:P1", "entrapment:P1", "entrapment:P2", "war")


def _tagged(tree: GameTree, rng: random.Random) -> GameTree:
    """``tree`` with random tags (often repeated along a play) and a random measure."""
    tags = tuple(tuple(t for t in TAGS if rng.random() < 0.3) for _ in range(tree.num_nodes))
    cost = np.array([Fraction(rng.randint(0, 3), rng.randint(1, 3))
                     for _ in range(tree.num_nodes)], dtype=object)
    return tree._replace(node_tags=tags, measures={"cost": cost})


def _same(tree: GameTree, eq) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``eq`` carried outcomes (then read the same as by the realization pass)."""
    assert list(eq.payoffs) == list(behaviour_payoffs(tree, list(eq.strategies)))
    if eq.outcomes is None:  # e.g. the untied perfect-information fast path
        return False
    fast = risk_profile(tree, eq, DEFAULT_TOLERANCES)
    slow = risk_profile(tree, replace(eq, outcomes=None), DEFAULT_TOLERANCES)
    assert fast.tag_probabilities == slow.tag_probabilities
    assert fast.risks == slow.risks
    assert fast.payoffs == slow.payoffs
    assert fast.measures == slow.measures
    return True


@pytest.mark.parametrize("seed", range(40))
def test_outcomes_match_the_realization_pass_on_random_trees(seed: int) -> None:
    rng = random.Random(seed)
    tree = _tagged(random_tree(rng, players=2, max_depth=5, max_decisions=12,
                               perfect_information=seed % 2 == 0), rng)
    carried = [_same(tree, eq) for solve in (subgame_perfect, subgame_perfect_bayesian)
               for eq in solve(tree, distinct=True).equilibria]
    SEEN.append(any(carried))


SEEN: list[bool] = []


def test_most_random_trees_exercise_the_outcomes() -> None:
    """Runs after the forty above (file order): most of them went through the outcome columns
    (the others: untied perfect-information trees, solved by the fast path)."""
    assert len(SEEN) == 40 and sum(SEEN) >= 20, SEEN


def test_first_tags_are_the_first_occurrences_on_each_play() -> None:
    builder = TreeBuilder(("P1",))
    root = builder.add_decision(-1, None, player=0, infoset="r", actions=("L", "R"),
                                tags=["war"])
    left = builder.add_chance(root, "L", tags=["war", "crisis"])
    builder.add_terminal(left, "h", payoffs=[1], prob=Fraction(1, 2), tags=["crisis"])
    builder.add_terminal(left, "t", payoffs=[0], prob=Fraction(1, 2), tags=["hedge", "hedge"])
    builder.add_terminal(root, "R", payoffs=[0])
    tree = builder.build()
    assert tree.first_tags == (("war",), ("crisis",), (), ("hedge",), ())


def test_a_repeated_tag_counts_once() -> None:
    """Crisis at the root and again below: its probability is 1, its expected count 3/2 (P1's
    tie below keeps the solve off the untied fast path)."""
    builder = TreeBuilder(("P1",))
    root = builder.add_chance(-1, None, tags=["crisis"])
    again = builder.add_decision(root, "again", player=0, infoset="i", actions=("x", "y"),
                                 prob=Fraction(1, 2), tags=["crisis"])
    builder.add_terminal(again, "x", payoffs=[0])
    builder.add_terminal(again, "y", payoffs=[0])
    builder.add_terminal(root, "calm", payoffs=[1], prob=Fraction(1, 2))
    tree = builder.build()
    (eq,) = subgame_perfect(tree, distinct=True).equilibria  # one distinct outcome of the tie
    assert eq.outcomes == {"crisis": Fraction(1)}
    assert risk_profile(tree, eq, DEFAULT_TOLERANCES).tag_probabilities == {"crisis": 1}


def test_outcome_columns_of_a_living_tree_are_never_refilled() -> None:
    """The outcome-column array of a structure is refilled in place only once the tree made
    from it last is gone: trees that live side by side keep their own numbers."""
    from alliance_games.solvers.tree.subgame_perfect import _with_outcome_columns

    rng = random.Random(7)
    tree = _tagged(random_tree(rng, players=2, max_depth=4, max_decisions=8), rng)
    other = tree._replace(node_payoffs=tree.node_payoffs + Fraction(1, 3))

    def expected(source: GameTree) -> list[list[Fraction]]:
        return [list(row) for row in _with_outcome_columns(source).node_payoffs]

    first_rows, other_rows = expected(tree), expected(other)
    assert first_rows != other_rows
    first = _with_outcome_columns(tree)
    second = _with_outcome_columns(other)  # while ``first`` lives
    assert first.node_payoffs is not second.node_payoffs
    assert [list(row) for row in first.node_payoffs] == first_rows
    assert [list(row) for row in second.node_payoffs] == other_rows
    del first, second
    again = _with_outcome_columns(tree)  # the array refilled: the same numbers as a fresh one
    assert [list(row) for row in again.node_payoffs] == first_rows


@pytest.mark.parametrize("policy", ["status_quo", "strengthen_asia", "connect"])
def test_the_flagships_policies_read_the_same_either_way(policy: str) -> None:
    """The flagship's risk tags repeat along plays (the leader entrapped in both regions)."""
    from alliance_games.alliance.claims import Flagship

    flagship = Flagship()
    tree = flagship.compiled.at()
    assert isinstance(tree, GameTree)
    subgame = tree.subtree(int(tree.children(0)[tree.actions(0).index(policy)]))
    assert any(set(subgame.node_tags[n]) - set(subgame.first_tags[n])
               for n in range(subgame.num_nodes))
    result = subgame_perfect_bayesian(subgame, distinct=True,
                                      prefer=subgame.players.index("leader"))
    assert all(_same(subgame, eq) for eq in result.equilibria)


def _with_silent_player(seed: int) -> tuple[GameTree, GameTree]:
    """A random imperfect-information tree, and a copy with one more player who never moves
    (a decomposition's outcome column), sharing its structural arrays."""
    rng = random.Random(seed)
    tree = random_tree(rng, players=2, max_depth=3, max_decisions=3, perfect_information=False)
    extra = np.array([[Fraction(rng.randint(-2, 2))] for _ in range(tree.num_nodes)],
                     dtype=object)
    return tree, tree._replace(players=(*tree.players, "#0"),
                               node_payoffs=np.concatenate([tree.node_payoffs, extra], axis=1))


@pytest.mark.parametrize("seed", range(25))
def test_subgames_are_solved_on_the_movers_payoffs_alone(seed: int) -> None:
    """A player who never moves (a decomposition's outcome column) changes no equilibrium:
    solving without its column gives the same profiles, and its payoffs are still reported."""
    from alliance_games.solvers.tree import perfect_bayesian_subgames as pbs

    _, wide = _with_silent_player(seed)
    small = pbs.movers_only(wide)
    assert small is not None and small.num_players <= 2
    direct, _ = pbs._pbe(wide)
    reduced = pbs.subgame_pbe(wide)
    assert reduced.game is wide
    assert [eq.key() for eq in reduced.equilibria] == [eq.key() for eq in direct.equilibria]
    for a, b in zip(reduced.equilibria, direct.equilibria, strict=True):
        assert list(a.payoffs) == list(b.payoffs)


@pytest.mark.parametrize("seed", range(6))
def test_a_copy_with_columns_added_gets_its_own_shape(seed: int) -> None:
    """The movers-only shape is found by the identity of the tree's structural arrays, which a
    copy with outcome columns shares: its extra players (who never move) still give it its own
    shape, so it is solved on the movers' columns, as a fresh solve does."""
    from alliance_games.solvers.tree import perfect_bayesian_subgames as pbs

    tree, wide = _with_silent_player(seed)
    assert wide.kind is tree.kind and wide.infosets is tree.infosets
    narrow = pbs._shape(tree)
    shape = pbs._shape(wide)
    assert shape.players == 3 and shape.renumbered is not None
    assert len(shape.movers) < 3 and narrow.players == 2
    pbs.SIGNALLING.clear()
    first = pbs.subgame_pbe(wide)
    pbs._SHAPES.clear()
    pbs.SIGNALLING.clear()
    again = pbs.subgame_pbe(wide)
    assert [list(eq.payoffs) for eq in first.equilibria] == \
        [list(eq.payoffs) for eq in again.equilibria]
