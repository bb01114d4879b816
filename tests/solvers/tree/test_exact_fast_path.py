"""The fast exact number type (gmpy2's ``mpq``) changes no result of the exact solvers.

Every computation is run twice, with the fast type and with the pure-``Fraction`` fallback
(``rational.USE_GMPY`` switched off), and the results are compared value by value *and* type by
type: ``spbe`` with ``distinct`` (subgame decomposition, belief thresholds, expected payoffs), the
belief-threshold solver alone (its posteriors included) and the risk profiles of every
equilibrium, on a game with a policy choice, two one-signal two-type subgames, outcome tags and a
measure, and on random one-signal games.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, risk_profile
from alliance_games.games import rational
from alliance_games.games.profiles import edge_weights
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.belief_threshold import belief_threshold
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_perfect import (
    continuation_values,
    exact_continuation_values,
)
from tests.solvers.tree.test_belief_threshold import _random_game

F = Fraction


def crisis_game(seed: int) -> GameTree:
    """A policy maker ``L`` picks ``a`` or ``b``; each leads to a crisis with two sender types
    (chance, then ``S`` signals ``hold`` or ``fold``), a receiver ``R`` who sees the signal and
    then, after ``press``, a chance incident and the sender's last move. Tags mark wars and
    abandonment; the ``L_cost`` measure is paid under ``b``."""
    rng = random.Random(seed)
    builder = TreeBuilder(("L", "S", "R"))

    def pay() -> list[Fraction]:
        return [F(rng.randint(-6, 6), rng.choice((1, 2, 4))) for _ in range(3)]

    root = builder.add_decision(-1, None, player=0, infoset="L", actions=("a", "b"))
    for policy in ("a", "b"):
        types = builder.add_chance(root, policy, payoffs=pay() if policy == "b" else None)
        prior = F(rng.randint(1, 9), 10)
        for t, prob in (("strong", prior), ("weak", 1 - prior)):
            sender = builder.add_decision(types, t, player=1, infoset=f"S_{policy}_{t}",
                                          actions=("hold", "fold"), prob=prob)
            for signal in ("hold", "fold"):
                r = builder.add_decision(sender, signal, player=2, infoset=f"R_{policy}_{signal}",
                                         actions=("press", "yield"))
                incident = builder.add_chance(r, "press")
                spark = F(rng.randint(1, 3), 4)
                for outcome, p in (("spark", spark), ("calm", 1 - spark)):
                    last = builder.add_decision(incident, outcome, player=1, prob=p,
                                                infoset=f"S_{policy}_{t}_{signal}_{outcome}",
                                                actions=("fight", "quit"))
                    builder.add_terminal(last, "fight", payoffs=pay(), tags=("war",))
                    builder.add_terminal(last, "quit", payoffs=pay(), tags=("abandonment:R",))
                builder.add_terminal(r, "yield", payoffs=pay(),
                                     tags=("abandonment:L",) if signal == "fold" else ())
    tree = builder.build()
    cost = np.zeros(tree.num_nodes, dtype=object)
    cost[:] = [F(0)] * tree.num_nodes
    cost[tree.children(0)[1]] = F(3, 10)
    return tree._replace(measures={"L_cost": cost})


def signature(value: Any) -> Any:
    """Every number with its type, recursively (so ``1`` and ``Fraction(1)`` differ); a
    behaviour profile (a tuple, or a sequence read on demand) as the list of its arrays."""
    if isinstance(value, dict):
        return {k: signature(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | Sequence) and not isinstance(value, str):
        return [signature(v) for v in value]
    return type(value).__name__, value


def result_signature(result: SolverResult) -> Any:
    return (signature([eq.strategies for eq in result.equilibria]),
            signature([eq.payoffs for eq in result.equilibria]),
            signature([eq.max_regret for eq in result.equilibria]),
            result.complete, result.warnings, signature(result.diagnostics))


def both_ways(monkeypatch: pytest.MonkeyPatch, compute: Any) -> tuple[Any, Any]:
    """``compute()`` with the fast type (when gmpy2 is installed) and with Fractions only."""
    fast = compute()
    monkeypatch.setattr(rational, "USE_GMPY", False)
    assert rational.exact_type() is Fraction
    slow = compute()
    monkeypatch.undo()
    return fast, slow


@pytest.mark.parametrize("seed", range(4))
def test_spbe_and_risk_profiles_identical_with_fractions_only(
        monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    tree = crisis_game(seed)

    def compute() -> Any:
        result = subgame_perfect_bayesian(tree, distinct=True)
        assert result.equilibria
        profiles = [risk_profile(tree, eq, DEFAULT_TOLERANCES) for eq in result.equilibria]
        return result_signature(result), [
            signature([p.risks, p.payoffs, p.measures, p.tag_probabilities]) for p in profiles]

    fast, slow = both_ways(monkeypatch, compute)
    assert fast == slow
    # the risk profiles are exact and carry the tags and the measure
    assert all(kind == "Fraction" for kind, _ in fast[1][0][3].values())
    assert set(fast[1][0][2]) == {"L_cost"}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("second_stage", (False, True))
def test_belief_threshold_identical_with_fractions_only(
        monkeypatch: pytest.MonkeyPatch, seed: int, second_stage: bool) -> None:
    tree = _random_game(random.Random(seed), second_stage=second_stage)
    fast, slow = both_ways(monkeypatch, lambda: result_signature(belief_threshold(tree)))
    assert fast == slow


def test_gmpy2_is_the_fast_type() -> None:
    gmpy2 = pytest.importorskip("gmpy2")
    assert rational.exact_type() is gmpy2.mpq
    value = rational.exact_type()(F(3, 7)) * 2
    assert rational.is_fast(value)
    back = rational.to_fraction(value)
    assert type(back) is Fraction and back == F(6, 7)


def test_fast_continuation_values_equal_the_generic_ones() -> None:
    tree = crisis_game(7)
    behaviour = [np.array([F(1, 3)] + [F(2, 3)], dtype=object) for _ in tree.infosets]
    weights = edge_weights(tree, behaviour)
    for player in range(tree.num_players):
        fast = exact_continuation_values(tree, weights, player)
        assert fast is not None
        assert list(fast) == list(continuation_values(tree, weights, player))
    assert exact_continuation_values(tree.to_float(), weights.astype(float), 0) is None
