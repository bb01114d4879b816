"""Perfect Bayesian equilibria of signalling games and the sequential-rationality check."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.tree.signalling import (
    check_sequential_rationality,
    perfect_bayesian_signalling,
)

Payoff = Callable[[str, str, str], Sequence[int | Fraction]]
HALF = Fraction(1, 2)


def signalling_game(types: Sequence[str], prior: Sequence[Fraction], messages: Sequence[str],
                    responses: Sequence[str], pay: Payoff, *, exact: bool = True) -> GameTree:
    builder = TreeBuilder(["Sender", "Receiver"], exact=exact)
    root = builder.add_chance(-1, None)
    for t, p in zip(types, prior, strict=True):
        node = builder.add_decision(root, t, prob=p, player=0, infoset=f"type {t}",
                                    actions=messages)
        for m in messages:
            reply = builder.add_decision(node, m, player=1, infoset=f"after {m}",
                                         actions=responses)
            for a in responses:
                builder.add_terminal(reply, a, payoffs=list(pay(t, m, a)))
    return builder.build()


def beer_quiche(*, exact: bool = True) -> GameTree:
    """Cho & Kreps (1987): 2 for avoiding the duel, 1 for the preferred breakfast; the receiver
    gets 1 for duelling the weak type or leaving the strong one alone."""
    def pay(t: str, m: str, a: str) -> list[int]:
        preferred = "beer" if t == "strong" else "quiche"
        sender = (2 if a == "not" else 0) + (1 if m == preferred else 0)
        receiver = int((a == "duel") == (t == "weak"))
        return [sender, receiver]

    return signalling_game(["strong", "weak"], [Fraction(9, 10), Fraction(1, 10)],
                           ["beer", "quiche"], ["duel", "not"], pay, exact=exact)


def job_market() -> GameTree:
    """Spence (1973) in pure terms: wage 4 (high) or 2 (low); education costs the high type 1
    and the low type 3; the employer earns 1 for matching the wage to the type. Prior high 1/3."""
    def pay(t: str, m: str, a: str) -> list[int]:
        wage = 4 if a == "high wage" else 2
        cost = (1 if t == "high" else 3) if m == "educate" else 0
        return [wage - cost, int((a == "high wage") == (t == "high"))]

    return signalling_game(["high", "low"], [Fraction(1, 3), Fraction(2, 3)],
                           ["educate", "skip"], ["high wage", "low wage"], pay)


def _summary(tree: GameTree) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    result = perfect_bayesian_signalling(tree)
    assert len(result.diagnostics["pbe"]) == len(result.equilibria)
    return [(d["kind"], d["messages"], d["responses"]) for d in result.diagnostics["pbe"]]


def test_beer_quiche_has_two_pooling_equilibria_and_no_separating_one() -> None:
    tree = beer_quiche()
    result = perfect_bayesian_signalling(tree)
    assert result.method == "pbe" and result.exact and result.complete
    assert _summary(tree) == [
        ("pooling", {"strong": "beer", "weak": "beer"},
         {"after beer": "not", "after quiche": "duel"}),
        ("pooling", {"strong": "quiche", "weak": "quiche"},
         {"after beer": "duel", "after quiche": "not"}),
    ]
    beer, quiche = result.diagnostics["pbe"]
    prior = {"strong": Fraction(9, 10), "weak": Fraction(1, 10)}
    assert beer["beliefs"] == {"after beer": prior}
    assert quiche["beliefs"] == {"after quiche": prior}
    # off path: duelling needs mu(weak) >= 1/2 after the unsent message
    assert beer["off_path_beliefs"] == {"after quiche": {"strong": [0, HALF], "weak": [HALF, 1]}}
    assert quiche["off_path_beliefs"] == {"after beer": {"strong": [0, HALF], "weak": [HALF, 1]}}
    for eq in result.equilibria:
        assert eq.exact and eq.max_regret == 0 and eq.is_pure()
        assert all(isinstance(x, Fraction) for dist in eq.strategies for x in dist)
    assert [list(eq.payoffs) for eq in result.equilibria] == [
        [Fraction(29, 10), Fraction(9, 10)], [Fraction(21, 10), Fraction(9, 10)]]
    assert "separating" not in {d["kind"] for d in result.diagnostics["pbe"]}


def test_float_tree_is_read_exactly() -> None:
    result = perfect_bayesian_signalling(beer_quiche(exact=False))
    assert len(result.equilibria) == 2 and result.warnings


def test_job_market_has_a_separating_and_a_pooling_equilibrium() -> None:
    tree = job_market()
    assert _summary(tree) == [
        ("separating", {"high": "educate", "low": "skip"},
         {"after educate": "high wage", "after skip": "low wage"}),
        ("pooling", {"high": "skip", "low": "skip"},
         {"after educate": "low wage", "after skip": "low wage"}),
    ]
    separating, pooling = perfect_bayesian_signalling(tree).diagnostics["pbe"]
    assert separating["off_path_beliefs"] == {}
    assert separating["beliefs"] == {"after educate": {"high": 1, "low": 0},
                                     "after skip": {"high": 0, "low": 1}}
    # pooling on no education survives iff the employer believes mu(high | educate) <= 1/2
    assert pooling["off_path_beliefs"] == {"after educate": {"high": [0, HALF],
                                                             "low": [HALF, 1]}}


def _assessment(tree: GameTree, choice: dict[str, str]) -> list[np.ndarray]:
    out = []
    for infoset in tree.infosets:
        dist = np.array([Fraction(0)] * len(infoset.actions), dtype=object)
        dist[infoset.actions.index(choice[infoset.name])] = Fraction(1)
        out.append(dist)
    return out


def _index(tree: GameTree, name: str) -> int:
    return next(k for k, s in enumerate(tree.infosets) if s.name == name)


def test_sequential_rationality_accepts_a_pbe_and_flags_wrong_assessments() -> None:
    tree = beer_quiche()
    quiche_pool = {"type strong": "quiche", "type weak": "quiche", "after beer": "duel",
                   "after quiche": "not"}
    behaviour = _assessment(tree, quiche_pool)
    after_beer, after_quiche = _index(tree, "after beer"), _index(tree, "after quiche")
    weakish = np.array([Fraction(1, 4), Fraction(3, 4)], dtype=object)  # (strong, weak)
    assert check_sequential_rationality(tree, behaviour, {after_beer: weakish}) == []
    # duelling after beer is not optimal when the receiver thinks beer means strong
    strongish = np.array([Fraction(4, 5), Fraction(1, 5)], dtype=object)
    problems = check_sequential_rationality(tree, behaviour, {after_beer: strongish})
    assert len(problems) == 1 and "'after beer'" in problems[0]
    # beliefs on path must follow Bayes' rule
    wrong = {after_beer: weakish, after_quiche: np.array([HALF, HALF], dtype=object)}
    problems = check_sequential_rationality(tree, behaviour, wrong)
    assert any("Bayes" in p and "'after quiche'" in p for p in problems)
    # an off-path set without beliefs cannot be judged
    assert any("no beliefs" in p for p in check_sequential_rationality(tree, behaviour, {}))
    # a sender who should deviate: the weak type sends beer although beer is met with a duel
    deviating = _assessment(tree, {**quiche_pool, "type weak": "beer"})
    assert any("'type weak'" in p for p in check_sequential_rationality(tree, deviating, {}))


def test_shapes_other_than_signalling_games_are_refused() -> None:
    builder = TreeBuilder(["A", "B"])
    root = builder.add_decision(-1, None, player=0, infoset="A", actions=["l", "r"])
    builder.add_terminal(root, "l", payoffs=[0, 0])
    builder.add_terminal(root, "r", payoffs=[1, 1])
    with pytest.raises(SolverError, match="root must be a chance move"):
        perfect_bayesian_signalling(builder.build())
    # the receiver sees the type: one information set per (type, message)
    builder = TreeBuilder(["S", "R"])
    root = builder.add_chance(-1, None)
    for t in ("a", "b"):
        node = builder.add_decision(root, t, prob=HALF, player=0, infoset=f"S{t}", actions=["m"])
        reply = builder.add_decision(node, "m", player=1, infoset=f"R{t}", actions=["x"])
        builder.add_terminal(reply, "x", payoffs=[0, 0])
    with pytest.raises(SolverError, match="one node per type"):
        perfect_bayesian_signalling(builder.build())


def _brute_force(tree: GameTree, types: list[str], messages: list[str],
                 responses: list[str]) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pure PBE found by trying, for every unsent message, beliefs on a grid of the simplex."""
    grid = [np.array([Fraction(i, 6), Fraction(j, 6), Fraction(6 - i - j, 6)], dtype=object)
            for i in range(7) for j in range(7 - i)]
    found = set()
    for f in itertools.product(messages, repeat=len(types)):
        for r in itertools.product(responses, repeat=len(messages)):
            choice = {f"type {t}": m for t, m in zip(types, f, strict=True)}
            choice.update({f"after {m}": a for m, a in zip(messages, r, strict=True)})
            behaviour = _assessment(tree, choice)
            unsent = [_index(tree, f"after {m}") for m in messages if m not in f]
            for beliefs in itertools.product(grid, repeat=len(unsent)):
                if not check_sequential_rationality(tree, behaviour,
                                                    dict(zip(unsent, beliefs, strict=True))):
                    found.add((f, r))
                    break
    return found


def test_three_type_games_against_a_belief_grid() -> None:
    rng = random.Random(3)
    types, messages, responses = ["t1", "t2", "t3"], ["m1", "m2"], ["a1", "a2", "a3"]
    kinds = set()
    for _ in range(12):
        table = {(t, m, a): [rng.randint(0, 3), rng.randint(0, 3)]
                 for t in types for m in messages for a in responses}
        tree = signalling_game(types, [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)],
                               messages, responses, lambda t, m, a, tab=table: tab[t, m, a])
        result = perfect_bayesian_signalling(tree)
        reported = set()
        for eq, info in zip(result.equilibria, result.diagnostics["pbe"], strict=True):
            assert eq.max_regret == 0
            f = tuple(info["messages"][t] for t in types)
            r = tuple(info["responses"][f"after {m}"] for m in messages)
            reported.add((f, r))
            kinds.add(info["kind"])
            assert info["kind"] == {1: "pooling", 3: "separating"}.get(len(set(f)), "hybrid")
            # every vertex of every reported off-path region supports the response
            regions = info["off_path_beliefs"]
            for name, region in regions.items():
                for vertex in region["vertices"]:
                    mu = np.array([vertex[t] for t in types], dtype=object)
                    assert check_sequential_rationality(tree, eq.strategies,
                                                        {_index(tree, name): mu}) == []
                    assert all(region[t][0] <= vertex[t] <= region[t][1] for t in types)
        # the grid happens to hit every belief region of these games, so the sets coincide
        assert _brute_force(tree, types, messages, responses) == reported
    assert "hybrid" in kinds and "pooling" in kinds


def test_sequential_rationality_on_a_perfect_information_tree() -> None:
    """Entry deterrence: (Out, Fight) is a Nash equilibrium whose threat is not credible."""
    builder = TreeBuilder(["Entrant", "Incumbent"])
    root = builder.add_decision(-1, None, player=0, infoset="entrant", actions=["In", "Out"])
    reply = builder.add_decision(root, "In", player=1, infoset="incumbent",
                                 actions=["Fight", "Accommodate"])
    builder.add_terminal(reply, "Fight", payoffs=[-1, -1])
    builder.add_terminal(reply, "Accommodate", payoffs=[1, 1])
    builder.add_terminal(root, "Out", payoffs=[0, 2])
    tree = builder.build()
    credible = _assessment(tree, {"entrant": "In", "incumbent": "Accommodate"})
    assert check_sequential_rationality(tree, credible, {}) == []
    threat = _assessment(tree, {"entrant": "Out", "incumbent": "Fight"})
    (problem,) = check_sequential_rationality(tree, threat, {})
    assert "'incumbent'" in problem and "'Accommodate'" in problem
    mixed = [np.array([0.5, 0.5]), np.array([0.0, 1.0])]  # float behaviour: tolerance applies
    (problem,) = check_sequential_rationality(tree, mixed, {})
    assert "'entrant'" in problem
