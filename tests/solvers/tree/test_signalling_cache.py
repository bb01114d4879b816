"""Belief-threshold results kept by the content of the game solved
(:data:`~alliance_games.solvers.tree.perfect_bayesian_subgames.SIGNALLING`, keyed by
:func:`~alliance_games.solvers.tree.subgame_keys.game_key`): a game met again, or one with the
same structure, action labels, probabilities and payoffs under other outcome tags and other
information-set names, takes the kept result, which equals a fresh solve; a game whose payoffs,
probabilities or labels differ has another key and gets its own result."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import pytest

from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree import perfect_bayesian_subgames as spbe
from alliance_games.solvers.tree.belief_threshold import belief_threshold
from alliance_games.solvers.tree.subgame_cache import ResultCache
from alliance_games.solvers.tree.subgame_keys import game_key

F = Fraction
THIRD = F(1, 3)


def signalling(fight: int = 2, *, prior: Fraction = THIRD, name: str = "", tag: str = "",
               action: str = "Fight", watcher: int = 0) -> GameTree:
    """A sender of two strengths (``prior`` strong) chooses Out or In; the responder, seeing
    only the signal, fights (its value ``fight - strength``) or accommodates. ``name`` prefixes
    the information sets, ``tag`` marks the fights, ``action`` names the responder's first
    action, ``watcher`` is the payoff of a third player who never moves."""
    builder = TreeBuilder(("sender", "responder", "watcher"))
    root = builder.add_chance(-1, None)
    for t, strength, prob in (("strong", 3, prior), ("weak", 1, 1 - prior)):
        move = builder.add_decision(root, t, player=0, infoset=f"{name}sender_{t}",
                                    actions=("Out", "In"), prob=prob)
        builder.add_terminal(move, "Out", payoffs=[0, 2, watcher])
        after = builder.add_decision(move, "In", player=1, infoset=f"{name}responder",
                                     actions=(action, "Accommodate"))
        builder.add_terminal(after, action, payoffs=[-1, fight - strength, 1],
                             tags=(tag,) if tag else ())
        builder.add_terminal(after, "Accommodate", payoffs=[strength, 0, -watcher])
    return builder.build()


def _listing(result: object) -> list[tuple[object, ...]]:
    return [(tuple(tuple(d) for d in eq.strategies), tuple(eq.payoffs), eq.max_regret)
            for eq in result.equilibria]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    spbe.SIGNALLING.clear()
    yield
    spbe.SIGNALLING.clear()


def test_keys_leave_out_names_and_tags_but_not_payoffs_probabilities_or_labels() -> None:
    key = game_key(signalling())
    assert key is not None
    assert game_key(signalling(name="other_", tag="war")) == key
    assert game_key(signalling(fight=3)) != key
    assert game_key(signalling(prior=F(1, 4))) != key
    assert game_key(signalling(action="Resist")) != key
    assert game_key(signalling(watcher=1)) != key  # every column counts; the caller drops some
    assert game_key(signalling().to_float()) is None


@pytest.mark.parametrize("fight", [2, 4, 5])
def test_a_kept_result_equals_a_fresh_solve(fight: int) -> None:
    first = signalling(fight)
    fresh = belief_threshold(first)
    solved = spbe._pbe(first)[0]
    assert _listing(solved) == _listing(fresh)
    hits = spbe.SIGNALLING.hits
    renamed = signalling(fight, name="copy_", tag="war")
    kept = spbe._pbe(renamed)[0]
    assert spbe.SIGNALLING.hits == hits + 1
    assert kept.game is renamed
    assert _listing(kept) == _listing(belief_threshold(renamed))
    assert (kept.complete, kept.warnings) == (fresh.complete, fresh.warnings)


def test_different_payoffs_are_solved_afresh() -> None:
    spbe._pbe(signalling(2))
    hits = spbe.SIGNALLING.hits
    other = spbe._pbe(signalling(5))[0]
    assert spbe.SIGNALLING.hits == hits
    assert _listing(other) == _listing(belief_threshold(signalling(5)))
    assert _listing(other) != _listing(belief_threshold(signalling(2)))


def test_subgame_pbe_recomputes_the_payoffs_of_players_who_do_not_move() -> None:
    """The watcher's column is dropped before solving (it never moves), so two games differing
    only there share one solve, and each gets its own expected payoffs."""
    for watcher in (0, 3):
        tree = signalling(watcher=watcher)
        result = spbe.subgame_pbe(tree)
        spbe.SIGNALLING.clear()
        assert _listing(result) == _listing(spbe.subgame_pbe(tree))
    spbe.subgame_pbe(signalling(watcher=0))
    hits = spbe.SIGNALLING.hits
    shifted = spbe.subgame_pbe(signalling(watcher=3))
    assert spbe.SIGNALLING.hits == hits + 1
    spbe.SIGNALLING.clear()
    assert _listing(shifted) == _listing(spbe.subgame_pbe(signalling(watcher=3)))


def test_the_result_cache_keeps_at_most_its_size() -> None:
    cache = ResultCache(size=3)
    for k in range(5):
        cache.put(k, str(k))
    assert len(cache.entries) == 3
    assert cache.get(0) is None and cache.get(4) == "4"
    cache.get(2)
    cache.put(5, "5")  # the least recently used (3) goes
    assert cache.get(3) is None and cache.get(2) == "2"


def test_a_kept_reach_gives_each_game_its_own_payoffs() -> None:
    """The nodes a kept equilibrium reaches are found once; a game met again with other
    payoffs for the players who do not move (and other outcome columns) sums its own payoffs
    over them: the same payoffs as summing over the whole tree afresh."""
    from alliance_games.games.profiles import behaviour_payoffs

    spbe.SIGNALLING.clear()
    first = spbe.subgame_pbe(signalling(watcher=0))
    key = next(iter(spbe.SIGNALLING.entries))
    assert spbe.SIGNALLING.entries[key].reach is not None
    for watcher in (1, -2, 5):
        tree = signalling(watcher=watcher)
        found = spbe.subgame_pbe(tree)
        assert len(spbe.SIGNALLING.entries) == 1  # the same movers' game
        for eq in found.equilibria:
            assert list(eq.payoffs) == list(behaviour_payoffs(tree, list(eq.strategies)))
        assert [list(eq.payoffs) for eq in found.equilibria] != \
            [list(eq.payoffs) for eq in first.equilibria]
