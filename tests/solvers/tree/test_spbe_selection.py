"""``subgame_perfect_bayesian(prefer=...)``: the focal-point selection the flagship's
propositions use, on a hand-derived signalling game with two pooling equilibria.

Chance draws the sender's type, t1 with probability 2/3 or t2. The sender, knowing it, signals A
or B; the receiver sees the signal only and plays x (payoff 1 against t1, 0 against t2) or y
(the reverse), so it plays x iff its belief in t1 is above 1/2. Either type of sender gets 3 from
x after A, 2 from x after B, 0 from y. Two pooling perfect Bayesian equilibria: both types send A
(the receiver plays x at the prior 2/3, and y after B, believing t2 off the path), sender payoff
3; or both send B (y after A), sender payoff 2. Separating is no equilibrium (the type the
receiver answers with y would mimic the other). The sender prefers pooling on A.
"""

from __future__ import annotations

from fractions import Fraction

from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian

F = Fraction


def signalling_game() -> GameTree:
    builder = TreeBuilder(("sender", "receiver"))
    root = builder.add_chance(-1, None)
    for t, p in (("t1", F(2, 3)), ("t2", F(1, 3))):
        move = builder.add_decision(root, t, player=0, infoset=f"sender_{t}",
                                    actions=("A", "B"), prob=p)
        for signal, value in (("A", 3), ("B", 2)):
            r = builder.add_decision(move, signal, player=1, infoset=f"receiver_{signal}",
                                     actions=("x", "y"))
            builder.add_terminal(r, "x", payoffs=[value, 1 if t == "t1" else 0])
            builder.add_terminal(r, "y", payoffs=[0, 0 if t == "t1" else 1])
    return builder.build()


def _sender_payoffs(result: object) -> list[Fraction]:
    return sorted(eq.payoffs[0] for eq in result.equilibria)  # type: ignore[attr-defined]


def test_without_selection_both_pooling_equilibria_are_listed() -> None:
    result = subgame_perfect_bayesian(signalling_game())
    assert {F(2), F(3)} <= set(_sender_payoffs(result))


def test_selection_keeps_the_equilibria_best_for_the_preferred_player() -> None:
    result = subgame_perfect_bayesian(signalling_game(), prefer=0)
    assert _sender_payoffs(result) and set(_sender_payoffs(result)) == {F(3)}
    assert not result.complete  # a selection is not the whole class, and says so
    assert any("selection" in w for w in result.warnings)


def test_selection_for_the_other_player_can_differ() -> None:
    """The receiver gets 2/3 in both pooling equilibria: nothing is dropped for it."""
    both = subgame_perfect_bayesian(signalling_game())
    for_receiver = subgame_perfect_bayesian(signalling_game(), prefer=1)
    best = max(eq.payoffs[1] for eq in both.equilibria)
    assert all(eq.payoffs[1] == best for eq in for_receiver.equilibria)
    assert len(for_receiver.equilibria) >= 1
