"""Method ``spbe``: a weak perfect Bayesian equilibrium in every proper subgame, by decomposition.

Hand-derived games:

* **Entry with an incredible threat at an information set.** Chance draws the entrant's type
  (strong or weak, 1/2 each); the entrant, knowing it, stays Out (2, 0) or goes In; after In the
  incumbent, not knowing the type, Fights (-1, -1) or Accommodates (3, 1). Fighting is worse for
  the incumbent whatever it believes, so the only PBE is (In, In; Accommodate). The Nash
  equilibria of the (only) subgame also include (Out, Out; Fight with probability >= 3/4),
  which ``spe`` reports and ``spbe`` must not.
* **A signalling game below a first move.** Player ``first`` chooses Skip (payoff 1 to itself)
  or Play, after which the entry game above is played with ``first`` receiving the incumbent's
  payoff. Play is worth 1 (accommodation), so ``first`` is indifferent: both Skip and Play are
  subgame-perfect PBE choices, each with (In, In; Accommodate) in the subgame.
* **Perfect information**: ``spbe`` coincides with ``spe``.
"""

from __future__ import annotations

from fractions import Fraction

from alliance_games.games.profiles import behaviour_regrets
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.methods import BY_NAME, enumerates
from alliance_games.solvers.registry import solve

F = Fraction


def _entry(builder: TreeBuilder, parent: int, action: str | None, players: dict[str, int],
           extra: int | None = None) -> None:
    """The entry game below ``parent``; ``extra`` (a player index) also gets the incumbent's
    payoff."""
    n = len(builder.players)

    def pay(entrant: int, incumbent: int) -> list[int]:
        vector = [0] * n
        vector[players["entrant"]] = entrant
        vector[players["incumbent"]] = incumbent
        if extra is not None:
            vector[extra] = incumbent
        return vector

    root = builder.add_chance(parent, action, prob=None if parent < 0 else None)
    for t in ("strong", "weak"):
        move = builder.add_decision(root, t, player=players["entrant"], infoset=f"entrant_{t}",
                                    actions=("Out", "In"), prob=F(1, 2))
        builder.add_terminal(move, "Out", payoffs=pay(2, 0))
        after = builder.add_decision(move, "In", player=players["incumbent"],
                                     infoset="incumbent", actions=("Fight", "Accommodate"))
        builder.add_terminal(after, "Fight", payoffs=pay(-1, -1))
        builder.add_terminal(after, "Accommodate", payoffs=pay(3, 1))


def entry_game() -> GameTree:
    builder = TreeBuilder(("entrant", "incumbent"))
    _entry(builder, -1, None, {"entrant": 0, "incumbent": 1})
    return builder.build()


def staged_game() -> GameTree:
    builder = TreeBuilder(("first", "entrant", "incumbent"))
    root = builder.add_decision(-1, None, player=0, infoset="first", actions=("Skip", "Play"))
    builder.add_terminal(root, "Skip", payoffs=[1, 0, 0])
    _entry(builder, root, "Play", {"entrant": 1, "incumbent": 2}, extra=0)
    return builder.build()


def named(tree: GameTree, eq: object) -> dict[str, tuple[Fraction, ...]]:
    strategies = eq.strategies  # type: ignore[attr-defined]
    return {s.name: tuple(strategies[k]) for k, s in enumerate(tree.infosets)}


def test_spbe_drops_the_incredible_threat_that_nash_subgames_keep() -> None:
    tree = entry_game()
    spbe = solve(tree, "spbe")
    assert spbe.complete and spbe.exact
    assert [named(tree, eq) for eq in spbe.equilibria] == [
        {"entrant_strong": (0, 1), "entrant_weak": (0, 1), "incumbent": (0, 1)}]
    spe = solve(tree, "spe")
    fights = [named(tree, eq)["incumbent"][0] for eq in spe.equilibria]
    assert any(f > 0 for f in fights)  # the Nash-only threat the PBE condition rules out


def test_spbe_combines_subgames_and_keeps_both_choices_at_a_tie() -> None:
    tree = staged_game()
    result = solve(tree, "spbe")
    assert result.complete
    found = [named(tree, eq) for eq in result.equilibria]
    assert {f["first"] for f in found} == {(1, 0), (0, 1)}
    for f in found:
        assert f["incumbent"] == (0, 1) and f["entrant_strong"] == (0, 1)
    for eq in result.equilibria:
        assert all(r == 0 for r in behaviour_regrets(tree, list(eq.strategies)))


def test_spbe_equals_spe_on_perfect_information() -> None:
    builder = TreeBuilder(("a", "b"))
    root = builder.add_decision(-1, None, player=0, infoset="a", actions=("L", "R"))
    builder.add_terminal(root, "L", payoffs=[1, 1])
    b = builder.add_decision(root, "R", player=1, infoset="b", actions=("l", "r"))
    builder.add_terminal(b, "l", payoffs=[2, 0])
    builder.add_terminal(b, "r", payoffs=[0, 2])
    tree = builder.build()
    spbe, spe = solve(tree, "spbe"), solve(tree, "spe")
    assert [named(tree, e) for e in spbe.equilibria] == [named(tree, e) for e in spe.equilibria]
    assert spbe.method == "spbe"


def test_spbe_states_its_class() -> None:
    assert BY_NAME["spbe"].max_equilibria
    assert "every proper subgame" in enumerates("spbe")
