"""Weak perfect Bayesian equilibria (method ``pbe``), their beliefs, components and the
sequential (Kreps-Wilson) refinement, each against a hand derivation.

Every result goes through :func:`check`, an independent checker: exact zero regret of every
listed profile (``games.profiles.behaviour_regrets``), Bayes' rule on the path and sequential
rationality at every information set at every vertex of the reported belief regions: no better
action (``signalling.check_sequential_rationality``) and no better continuation plan of the mover
(:func:`continuation_gain`, brute force over its pure plans), both computing their own values.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.profiles import behaviour_regrets
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers import deadline
from alliance_games.solvers.kernels.affine_cells import solve_cell
from alliance_games.solvers.registry import solve
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree import perfect_bayesian as pbe_module
from alliance_games.solvers.tree.assessments import TreeTerms, is_consistent
from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian
from alliance_games.solvers.tree.signalling import (
    check_sequential_rationality,
    perfect_bayesian_signalling,
)
from alliance_games.solvers.tree.subgame_perfect import subgame_perfect
from tests.paths import DATA as TEST_DATA
from tests.solvers.tree.test_signalling import signalling_game

DATA = TEST_DATA / "pbe"
F = Fraction
HALF = F(1, 2)


def load(name: str, **params: Any) -> GameTree:
    source = DATA / f"{name}.yaml" if (DATA / f"{name}.yaml").exists() else name
    tree = compile_model(load_model(source)).at({k: F(v) for k, v in params.items()})
    assert isinstance(tree, GameTree)
    return tree


def profile(tree: GameTree, eq: Any) -> dict[str, tuple[Fraction, ...]]:
    return {s.name: tuple(eq.strategies[k]) for k, s in enumerate(tree.infosets)}


def profiles(tree: GameTree, result: SolverResult) -> list[dict[str, tuple[Fraction, ...]]]:
    return [profile(tree, eq) for eq in result.equilibria]


def _region_vertices(region: dict[str, Any], names: Sequence[str]) -> list[list[Fraction]]:
    if "vertices" in region:
        return [[v[n] for n in names] for v in region["vertices"]]
    if len(names) == 1:
        return [[F(1)]]
    (lo0, hi0), (lo1, hi1) = region[names[0]], region[names[1]]
    return [[lo0, hi1], [hi0, lo1]]


def _value(tree: GameTree, behaviour: Sequence[Any], player: int, node: int,
           plan: dict[int, int]) -> Fraction:
    """``player``'s expected payoff from ``node``, playing ``plan`` where it has one."""
    total = F(tree.node_payoffs[node, player])
    k = int(tree.node_infoset[node])
    children = [int(c) for c in tree.children(node)]
    if k >= 0 and k in plan:
        return total + _value(tree, behaviour, player, children[plan[k]], plan)
    weights = tree.edge_prob[list(tree.edges(node))] if k < 0 else behaviour[k]
    return total + sum((F(w) * _value(tree, behaviour, player, c, plan)
                        for w, c in zip(weights, children, strict=True) if w), F(0))


def continuation_gain(tree: GameTree, behaviour: Sequence[Any], k: int,
                      mu: Sequence[Fraction]) -> Fraction:
    """The most the mover at set ``k`` gains, given beliefs ``mu`` there, by changing its whole
    continuation (every pure plan on its sets from ``k`` on, by brute force)."""
    infoset = tree.infosets[k]
    own = sorted({int(tree.node_infoset[n]) for h in infoset.nodes
                  for n in range(h, int(tree.subtree_end[h]))
                  if tree.node_infoset[n] >= 0
                  and tree.infosets[int(tree.node_infoset[n])].player == infoset.player})
    current = sum((m * _value(tree, behaviour, infoset.player, h, {})
                   for m, h in zip(mu, infoset.nodes, strict=True)), F(0))
    best = max(sum((m * _value(tree, behaviour, infoset.player, h, dict(zip(own, plan, strict=True)))
                    for m, h in zip(mu, infoset.nodes, strict=True)), F(0))
               for plan in itertools.product(*(range(len(tree.infosets[j].actions)) for j in own)))
    return best - current


def check(tree: GameTree, result: SolverResult) -> None:
    """The independent checker (module docstring)."""
    assert len(result.diagnostics["pbe"]) == len(result.equilibria)
    for eq, detail in zip(result.equilibria, result.diagnostics["pbe"], strict=True):
        behaviour = list(eq.strategies)
        assert eq.exact and all(isinstance(x, Fraction) for d in behaviour for x in d)
        assert all(r == 0 for r in behaviour_regrets(tree, behaviour)) and eq.max_regret == 0
        assert set(detail["beliefs"]) | set(detail["off_path_beliefs"]) == \
            {s.name for s in tree.infosets}
        beliefs: dict[int, np.ndarray] = {}
        options: dict[int, list[list[Fraction]]] = {}
        for k, infoset in enumerate(tree.infosets):
            names = [tree.node_name(h) for h in infoset.nodes]
            if infoset.name in detail["beliefs"]:
                mu = detail["beliefs"][infoset.name]
                beliefs[k] = np.array([mu[n] for n in names], dtype=object)
            else:
                options[k] = _region_vertices(detail["off_path_beliefs"][infoset.name], names)
                assert options[k], f"empty belief region at {infoset.name}"
        base = {**beliefs, **{k: np.array(v[0], dtype=object) for k, v in options.items()}}
        for k, vertices in options.items():
            for vertex in vertices:
                trial = {**base, k: np.array(vertex, dtype=object)}
                assert check_sequential_rationality(tree, behaviour, trial) == []
                assert continuation_gain(tree, behaviour, k, vertex) == 0
        for k, mu in beliefs.items():
            assert continuation_gain(tree, behaviour, k, list(mu)) == 0


def run(tree: GameTree) -> SolverResult:
    result = perfect_bayesian(tree)
    check(tree, result)
    return result


def sequential_flags(result: SolverResult) -> list[bool | None]:
    return [d["refinements"]["sequential"] for d in result.diagnostics["pbe"]]


# ---- signalling games ------------------------------------------------------------------------
def test_beer_quiche_has_exactly_the_two_pooling_families() -> None:
    """Cho & Kreps (1987), prior strong 9/10. Receiver: duel iff mu(weak) >= 1/2.
    Beer pooling: after beer mu(weak) = 1/10, no duel; the weak type (2 from beer) must not gain
    from quiche, 1 + 2 (1 - d) <= 2, i.e. duel probability d >= 1/2 after quiche; d = 1 needs
    mu(weak | quiche) >= 1/2, d in [1/2, 1) needs mu = 1/2: one component, the segment
    d in [1/2, 1]. Quiche pooling is symmetric (the strong type needs d' >= 1/2 after beer).
    Separating and hybrid profiles fail (a type is then not indifferent or deviates)."""
    tree = load("beer_quiche")
    result = run(tree)
    assert result.complete and result.exact
    assert profiles(tree, result) == [
        {"strong_sender": (1, 0), "after_beer": (0, 1), "after_quiche": (1, 0),
         "weak_sender": (1, 0)},
        {"strong_sender": (1, 0), "after_beer": (0, 1), "after_quiche": (HALF, HALF),
         "weak_sender": (1, 0)},
        {"strong_sender": (0, 1), "after_beer": (1, 0), "after_quiche": (0, 1),
         "weak_sender": (0, 1)},
        {"strong_sender": (0, 1), "after_beer": (HALF, HALF), "after_quiche": (0, 1),
         "weak_sender": (0, 1)},
    ]
    components = result.diagnostics["components"]
    assert [c["equilibria"] for c in components] == [[0, 1], [2, 3]]
    assert result.convex_sets == ((0, 1), (2, 3))
    details = result.diagnostics["pbe"]
    assert details[0]["beliefs"]["after_beer"] == {"strong/beer": F(9, 10), "weak/beer": F(1, 10)}
    assert details[0]["off_path_beliefs"] == {
        "after_quiche": {"strong/quiche": [0, HALF], "weak/quiche": [HALF, 1]}}
    assert details[1]["off_path_beliefs"] == {
        "after_quiche": {"strong/quiche": [HALF, HALF], "weak/quiche": [HALF, HALF]}}
    assert details[2]["off_path_beliefs"] == {
        "after_beer": {"strong/beer": [0, HALF], "weak/beer": [HALF, 1]}}
    assert sequential_flags(result) == [True] * 4  # any off-path belief is consistent here
    assert [list(eq.payoffs) for eq in result.equilibria[::2]] == [[F(29, 10), F(9, 10)],
                                                                   [F(21, 10), F(9, 10)]]


def test_job_market_has_a_separating_and_a_pooling_equilibrium() -> None:
    """Spence-style, prior high 1/3; wage 4 or 2, education costs 1 (high) or 3 (low); the
    employer pays high iff mu(high) >= 1/2. Separating (high educates, low skips, wages high
    after education, low after skipping): high 3 >= 2, low 2 >= 4 - 3: an isolated PBE.
    Pooling on skipping: mu = 1/3 after skip, low wage; the high type must not gain from
    education, 1 + 2 r <= 2 with r the off-path high-wage probability: r in [0, 1/2], r = 0 with
    mu(high | educate) <= 1/2, r > 0 with mu = 1/2. Pooling on education fails (high type gets 1 <
    2), and no type can be indifferent in a hybrid."""
    tree = load("job_market")
    result = run(tree)
    assert result.complete
    assert profiles(tree, result) == [
        {"high_worker": (1, 0), "after_educate": (1, 0), "after_skip": (0, 1),
         "low_worker": (0, 1)},
        {"high_worker": (0, 1), "after_educate": (0, 1), "after_skip": (0, 1),
         "low_worker": (0, 1)},
        {"high_worker": (0, 1), "after_educate": (HALF, HALF), "after_skip": (0, 1),
         "low_worker": (0, 1)},
    ]
    separating, pooling, pooling_edge = result.diagnostics["pbe"]
    assert separating["beliefs"]["after_educate"] == {"high/educate": 1, "low/educate": 0}
    assert separating["off_path_beliefs"] == {}
    assert pooling["off_path_beliefs"]["after_educate"] == {"high/educate": [0, HALF],
                                                            "low/educate": [HALF, 1]}
    assert pooling_edge["off_path_beliefs"]["after_educate"]["high/educate"] == [HALF, HALF]
    assert [c["equilibria"] for c in result.diagnostics["components"]] == [[0], [1, 2]]
    assert result.diagnostics["components"][0]["isolated"]


def test_bluffing_crisis_has_a_unique_semi_separating_equilibrium() -> None:
    """Strong (prior 1/4) threatens always: it gets 1 or 1/2 > 0. If the weak type never bluffed,
    a threat would be conceded (it comes from the strong type), so the weak type would bluff;
    if it always bluffed, mu(strong) = 1/4 and the defender resists, so the weak type gets -3 < 0.
    Hence it mixes: the defender is indifferent, -3 mu + (1 - mu) = -1, at mu = 1/2, i.e.
    (1/4) / (1/4 + (3/4) q) = 1/2, q = 1/3; the weak type is indifferent, -3 r + (1 - r) = 0,
    at r = 1/4."""
    tree = load("bluffing_crisis")
    result = run(tree)
    assert result.complete and len(result.equilibria) == 1
    assert profiles(tree, result) == [{"strong_challenger": (1, 0), "after_threat": (F(1, 4), F(3, 4)),
                                       "weak_challenger": (F(1, 3), F(2, 3))}]
    detail = result.diagnostics["pbe"][0]
    assert detail["beliefs"]["after_threat"] == {"strong/threaten": HALF, "weak/threaten": HALF}
    assert detail["off_path_beliefs"] == {} and detail["refinements"] == {"sequential": True}
    # q* = p / (1 - p) for any prior p < 1/2
    other = run(load("bluffing_crisis", p_strong="1/5"))
    assert profile(load("bluffing_crisis", p_strong="1/5"), other.equilibria[0])[
        "weak_challenger"] == (F(1, 4), F(3, 4))


def test_pure_members_match_the_signalling_solver_on_random_games() -> None:
    """Pure weak PBE are exactly the pure profiles listed (each is its cell's only point)."""
    rng = random.Random(7)
    for _ in range(12):
        table = {(t, m, a): [rng.randint(-2, 3), rng.randint(-2, 3)]
                 for t in "xy" for m in "ab" for a in "uv"}
        prior = F(rng.randint(1, 4), 5)
        tree = signalling_game(["x", "y"], [prior, 1 - prior], ["a", "b"], ["u", "v"],
                               lambda t, m, a, table=table: table[t, m, a])
        result = run(tree)
        pure = {eq.key() for eq in result.equilibria if eq.is_pure()}
        assert pure == {eq.key() for eq in perfect_bayesian_signalling(tree).equilibria}
        assert result.complete


# ---- senders moving again, several rounds ----------------------------------------------------
def test_deterrence_model_matches_spe_and_nash() -> None:
    """The bundled model (the rival moves, the leader responds without seeing the type). At
    p = 1/3 the unique equilibrium is semi-separating (described in the model); at p = 3/4 both
    types challenge and the leader abandons; at p = 2/3 the leader is indifferent after a pooled
    challenge and defends with any probability r in [0, 1/2] (the irresolute rival needs
    2 - 4 r >= 0): an on-path segment."""
    tree = load("deterrence_uncertain_resolve")
    result = run(tree)
    assert profiles(tree, result) == [{"rival@Resolute": (1, 0), "leader_challenged": (HALF, HALF),
                                       "rival@Irresolute": (F(1, 4), F(3, 4))}]
    assert result.diagnostics["pbe"][0]["beliefs"]["leader_challenged"] == {
        "Resolute/Challenge": F(2, 3), "Irresolute/Challenge": F(1, 3)}
    for p in ("1/3", "3/4", "2/3"):
        tree = load("deterrence_uncertain_resolve", p_resolute=p)
        result = run(tree)
        assert result.complete
        keys = {eq.key() for eq in result.equilibria}
        for method in ("spe", "enummixed"):
            assert keys == {eq.key() for eq in solve(tree, method).equilibria}, (p, method)
    assert result.convex_sets == ((0, 1),)
    assert {profile(tree, eq)["leader_challenged"] for eq in result.equilibria} == {
        (0, 1), (HALF, HALF)}


def test_audience_cost_crisis() -> None:
    """Fearon-style, p(resolved) = 1/4, audience cost 1: the resolved type fights (-1/2 > -1),
    the unresolved one backs down (-1 > -2), at every node. The defender resists iff
    mu(resolved) <= 1/2 (-3 mu + (1 - mu) >= -1).
    (a) Semi-separating: the resolved type threatens (1 - 3r/2 > 0 at r = 1/2); the unresolved
    type is indifferent, (1 - r) - r = 0, at r = 1/2, and bluffs with q making mu = 1/2:
    (1/4) / (1/4 + 3q/4) = 1/2, q = 1/3.
    (b) Both quiet, the defender's set off the path: the resolved type stays quiet iff
    1 - 3r/2 <= 0 (r >= 2/3), the unresolved one iff 1 - 2r <= 0: r in [2/3, 1], r = 1 with
    mu(resolved) <= 1/2, r < 1 with mu = 1/2. Pooling on threats fails (mu = 1/4 < 1/2: resisted).
    The same extreme points as the subgame-perfect solver's."""
    tree = load("audience_cost")
    result = run(tree)
    assert result.complete
    semi = {"resolved_threat": (1, 0), "defender": (HALF, HALF),
            "resolved_after_resistance": (1, 0), "unresolved_threat": (F(1, 3), F(2, 3)),
            "unresolved_after_resistance": (0, 1)}
    found = profiles(tree, result)
    assert found[0] == semi
    assert result.diagnostics["pbe"][0]["beliefs"]["defender"] == {
        "resolved/threaten": HALF, "unresolved/threaten": HALF}
    assert [p["defender"] for p in found[1:]] == [(1, 0), (F(2, 3), F(1, 3))]
    assert all(p["resolved_threat"] == (0, 1) == p["unresolved_threat"] for p in found[1:])
    assert result.diagnostics["pbe"][1]["off_path_beliefs"]["defender"] == {
        "resolved/threaten": [0, HALF], "unresolved/threaten": [HALF, 1]}
    assert [c["equilibria"] for c in result.diagnostics["components"]] == [[0], [1, 2]]
    assert {eq.key() for eq in result.equilibria} == {eq.key() for eq in solve(tree, "spe").equilibria}
    assert sequential_flags(result) == [True, True, True]


def test_two_period_chain_store_lists_the_sequential_equilibrium() -> None:
    """Kreps-Wilson reputation with two entrants (p(tough) = 1/4, a = 2, b = 1/3). The second
    entrant enters iff mu(tough) <= 1/3. In the sequential equilibrium the weak incumbent fights
    a first entry with probability beta making mu(tough | fight) = 1/3: (1/4)/(1/4 + 3 beta/4) = 1/3,
    beta = 2/3; the second entrant then stays out with probability 1/2 making the weak type
    indifferent (-1 + 2 x = 0); after accommodation mu(tough) = 0 and it enters. The first entrant
    faces a fight with probability 1/4 + 3/4 * 2/3 = 3/4 and stays out (1/3 - 3/4 < 0).
    Weak PBE allow any belief after an entry, so the weak type's fighting probability ranges
    over [1/9, 1] (the first entrant needs 1/3 - (1/4 + 3 beta/4) <= 0); those extreme points
    are not sequential."""
    tree = load("chain_store")
    result = run(tree)
    assert result.complete and result.diagnostics["sequential_complete"]
    sequential = [profile(tree, eq) for eq, flag in
                  zip(result.equilibria, sequential_flags(result), strict=True) if flag]
    assert len(sequential) == 1
    (seq,) = sequential
    assert seq["entrant1"] == (1, 0) and seq["entrant2_after_out"] == (0, 1)
    assert seq["incumbent@weak/enter"] == (F(2, 3), F(1, 3))
    assert seq["entrant2_after_fight"] == (HALF, HALF)
    assert seq["entrant2_after_accommodation"] == (0, 1)
    detail = result.diagnostics["pbe"][sequential_flags(result).index(True)]
    assert detail["extreme"] is False
    assert detail["off_path_beliefs"]["entrant2_after_fight"] == {
        "tough/enter/fight": [F(1, 3), F(1, 3)], "weak/enter/fight": [F(2, 3), F(2, 3)]}
    weak_fight = {profile(tree, eq)["incumbent@weak/enter"][0] for eq in result.equilibria}
    assert weak_fight == {F(1, 9), F(1), F(2, 3)}
    assert len(result.diagnostics["components"]) == 1


# ---- consistency -----------------------------------------------------------------------------
def test_a_weak_pbe_that_is_not_sequential() -> None:
    """After an entry chance picks the market 1/2-1/2 unseen by the incumbent: consistency
    forces mu(left) = 1/2, where y (expected 1) beats x (1/2). Weak PBE: entry met by y (entrant
    3 > 2); or staying out with P(y) = q <= 2/3 (3q <= 2), q = 0 with mu(left) >= 2/3 and
    q in (0, 2/3] with mu(left) = 2/3 -- not sequential. Subgame perfection also rules them out;
    Nash (enummixed) keeps them."""
    tree = load("consistency")
    result = run(tree)
    assert profiles(tree, result) == [
        {"entrant@root": (1, 0), "incumbent_after_entry": (1, 0)},
        {"entrant@root": (1, 0), "incumbent_after_entry": (F(1, 3), F(2, 3))},
        {"entrant@root": (0, 1), "incumbent_after_entry": (0, 1)},
    ]
    assert sequential_flags(result) == [False, False, True]
    assert {eq.key() for eq in result.equilibria} == {eq.key() for eq in solve(tree, "enummixed").equilibria}
    assert [eq.key() for eq in solve(tree, "spe").equilibria] == [result.equilibria[2].key()]
    terms = TreeTerms(tree)
    stay_out = terms.flat(result.equilibria[0].strategies)
    k = 1  # the incumbent's set
    left, right = tree.infosets[k].nodes
    assert is_consistent(terms, stay_out, {k: {left: HALF, right: HALF}})
    assert not is_consistent(terms, stay_out, {k: {left: F(2, 3), right: F(1, 3)}})


def test_consistency_links_beliefs_across_sets() -> None:
    """The same deviations reach three sets: beliefs must share their ratio. Both entrant types
    (1/2 each) stay out; after an entry the incumbent (not seeing the type) plays x or z with
    probability 1/2 each, and a judge sees that move, not the type. With perturbations
    c_1 eps^k, c_2 eps^k of the two entries, every one of the three sets has belief
    (c_1, c_2)/(c_1 + c_2): any common ratio is consistent, different ratios are not."""
    builder = TreeBuilder(["entrant", "incumbent", "judge"])
    root = builder.add_chance(-1, None)
    for t in ("t1", "t2"):
        node = builder.add_decision(root, t, prob=HALF, player=0, infoset=f"entrant {t}",
                                    actions=["out", "in"])
        builder.add_terminal(node, "out", payoffs=[1, 0, 0])
        move = builder.add_decision(node, "in", player=1, infoset="incumbent", actions=["x", "z"])
        for a in ("x", "z"):
            judge = builder.add_decision(move, a, player=2, infoset=f"judge after {a}",
                                         actions=["u", "v"])
            builder.add_terminal(judge, "u", payoffs=[0, 0, 1 if t == "t1" else 0])
            builder.add_terminal(judge, "v", payoffs=[0, 0, 0 if t == "t1" else 1])
    tree = builder.build()
    behaviour = [np.array(d, dtype=object) for d in
                 ([1, 0], [HALF, HALF], [1, 0], [1, 0], [1, 0])]
    assert [s.name for s in tree.infosets] == ["entrant t1", "incumbent", "judge after x",
                                             "judge after z", "entrant t2"]
    terms = TreeTerms(tree)
    vals = terms.flat(behaviour)
    def beliefs(*ratios: tuple[Fraction, Fraction]) -> dict[int, dict[int, Fraction]]:
        return {k: dict(zip(tree.infosets[k].nodes, mu, strict=True))
                for k, mu in zip((1, 2, 3), ratios, strict=True)}

    quarter = (F(1, 4), F(3, 4))
    assert is_consistent(terms, vals, beliefs(quarter, quarter, quarter))
    assert not is_consistent(terms, vals, beliefs(quarter, quarter, quarter[::-1]))
    assert not is_consistent(terms, vals, beliefs((HALF, HALF), quarter, quarter))
    assert is_consistent(terms, vals, beliefs((F(1), F(0)), (F(1), F(0)), (F(1), F(0))))
    assert not is_consistent(terms, vals, beliefs((F(1), F(0)), (F(0), F(1)), (F(1), F(0))))


# ---- wrong beliefs are never used ------------------------------------------------------------
def test_a_profile_supported_only_by_a_wrong_belief_is_not_returned() -> None:
    """Guessing b is optimal only if b is believed more likely than its prior 1/4: given the
    belief b = 1 it passes the sequential-rationality test except for Bayes' rule, and its
    regret is 3/4 - 1/4 = 1/2. The solver must return guess_a only."""
    tree = load("wrong_belief")
    wrong = [np.array([F(0), F(1)], dtype=object)]
    problems = check_sequential_rationality(tree, wrong, {0: np.array([F(0), F(1)], dtype=object)})
    assert len(problems) == 1 and "Bayes" in problems[0]
    assert max(behaviour_regrets(tree, wrong)) == HALF
    result = run(tree)
    assert profiles(tree, result) == [{"guess": (1, 0)}]


def test_a_later_set_with_a_free_belief_cannot_excuse_an_earlier_choice() -> None:
    """The first player stays out (2) or enters; the second then plays L (it gets 1, R gets 0:
    L is strictly optimal) unseen by the first, who picks x or y: x pays 3 after L, 0 after R; y
    pays 0 and 1. Staying out with y, backed by the free belief mu(R) >= 3/4 at the first
    player's unreached second set, passes every one-shot test (2 >= 0 at the root, y optimal
    given mu) but is no Nash equilibrium: entering then playing x earns 3. Sequential rationality
    at the root compares whole continuations, so the only weak PBE is (enter, L, x)."""
    builder = TreeBuilder(["first", "second"])
    root = builder.add_decision(-1, None, player=0, infoset="first", actions=["out", "enter"])
    builder.add_terminal(root, "out", payoffs=[2, 0])
    second = builder.add_decision(root, "enter", player=1, infoset="second", actions=["L", "R"])
    for move, pays in (("L", {"x": [3, 1], "y": [0, 1]}), ("R", {"x": [0, 0], "y": [1, 0]})):
        later = builder.add_decision(second, move, player=0, infoset="first again",
                                     actions=["x", "y"])
        for a in ("x", "y"):
            builder.add_terminal(later, a, payoffs=pays[a])
    tree = builder.build()
    result = run(tree)
    assert result.complete and result.warnings == ()
    assert profiles(tree, result) == [{"first": (0, 1), "second": (1, 0), "first again": (1, 0)}]


# ---- against other solvers -------------------------------------------------------------------
def test_perfect_information_pbe_are_the_subgame_perfect_equilibria() -> None:
    """With singleton sets only, weak PBE = sequential rationality everywhere = SPE."""
    tree = load("entry_deterrence")
    assert {e.key() for e in run(tree).equilibria} == {e.key() for e in solve(tree, "spe").equilibria}


def _in_some_cell(result: SolverResult, point: tuple[Fraction, ...]) -> bool:
    """Whether ``point`` is a convex combination of the listed equilibria of one cell."""
    flat = [tuple(x for d in eq.strategies for x in d) for eq in result.equilibria]
    cells = [cell for c in result.diagnostics["components"] for cell in c["cells"]]
    for cell in cells:
        n = len(cell)
        unit = [tuple(int(i == j) for i in range(n)) for j in range(n)]
        eqs = [{**{u: F(1) for u in unit}, (0,) * n: F(-1)}]
        for d, x in enumerate(point):
            row: dict[tuple[int, ...], Fraction] = {(0,) * n: -x}
            for u, j in zip(unit, cell, strict=True):
                row[u] = row.get(u, F(0)) + flat[j][d]
            eqs.append(row)
        if solve_cell(n, eqs, [], [{u: F(1)} for u in unit]).polytopes:
            return True
    return False


def test_two_informed_players_without_unreached_sets_give_the_nash_equilibria() -> None:
    """Both players have private types (independent, 1/4 per pair) and move without seeing the
    other: every set is reached in every profile, so weak PBE = Nash equilibria. Every Nash
    equilibrium from enummixed (through the reduced normal form) lies in a listed cell (the
    first game has a segment of equilibria, found by enummixed at an inner point), and every
    listed profile is Nash (the checker)."""
    rng = random.Random(3)
    segments = 0
    for _ in range(3):
        builder = TreeBuilder(["row", "column"])
        root = builder.add_chance(-1, None)
        for t1, t2 in itertools.product("ab", "cd"):
            node = builder.add_decision(root, t1 + t2, prob=F(1, 4), player=0,
                                        infoset=f"row {t1}", actions=["U", "D"])
            for r in ("U", "D"):
                col = builder.add_decision(node, r, player=1, infoset=f"column {t2}",
                                           actions=["L", "R"])
                for c in ("L", "R"):
                    builder.add_terminal(col, c, payoffs=[rng.randint(-3, 3), rng.randint(-3, 3)])
        tree = builder.build()
        result = run(tree)
        assert result.complete
        for eq in solve(tree, "enummixed").equilibria:
            assert _in_some_cell(result, tuple(x for d in eq.strategies for x in d))
        segments += len(result.convex_sets)
    assert segments == 1


# ---- limits ----------------------------------------------------------------------------------
def test_refusals_and_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    builder = TreeBuilder(["forgetful", "other"])  # forgets its first move after the other's
    root = builder.add_decision(-1, None, player=0, infoset="first", actions=["l", "r"])
    for a in ("l", "r"):
        middle = builder.add_decision(root, a, player=1, infoset=f"other {a}", actions=["m"])
        last = builder.add_decision(middle, "m", player=0, infoset="later", actions=["x", "y"])
        for b, pays in (("x", [1, 0]), ("y", [0, 1])):
            builder.add_terminal(last, b, payoffs=pays)
    with pytest.raises(SolverError, match="perfect recall"):
        perfect_bayesian(builder.build())
    with pytest.raises(SolverError, match=r"would solve more than 2 support profiles .*max_cells=2"):
        perfect_bayesian(load("beer_quiche"), max_cells=2)
    monkeypatch.setattr(pbe_module, "expired", lambda: True)
    stopped = perfect_bayesian(load("beer_quiche"))
    assert not stopped.complete and any("time limit" in w for w in stopped.warnings)
    assert deadline.expired() is False


def test_float_trees_are_read_exactly_and_answered_in_floats() -> None:
    floats = load("bluffing_crisis").to_float()
    result = perfect_bayesian(floats)
    assert not result.exact and result.warnings == ("float payoffs were read as exact decimals",)
    assert result.game is floats and len(result.equilibria) == 1
    exact = perfect_bayesian(load("bluffing_crisis")).equilibria[0]
    assert all(np.allclose(f, np.asarray(e, dtype=float), atol=1e-12)
               for f, e in zip(result.equilibria[0].strategies, exact.strategies, strict=True))


@pytest.mark.parametrize("seed", range(25))
def test_pruning_only_the_changed_conditions_keeps_the_same_support_profiles(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk over the reached sets' supports re-checks, at each step, only the set just given
    a support and the sets whose conditions hold its variables; checking every assigned set again
    (as before) gives the same profiles, in the same order."""
    from tests.random_games import random_tree

    rng = random.Random(500 + seed)
    tree = random_tree(rng, players=rng.randint(2, 3), max_depth=4, max_decisions=8,
                       perfect_information=False)
    incremental = list(pbe_module._reached_profiles(pbe_module._Search(tree, 10**6)))
    with monkeypatch.context() as patch:
        every = frozenset(range(len(tree.infosets)))
        patch.setattr(TreeTerms, "depends_on", lambda self, k: every)
        full = list(pbe_module._reached_profiles(pbe_module._Search(tree, 10**6)))
    assert incremental == full


def test_a_refusal_inside_a_subgame_names_the_subgame() -> None:
    """When the solver of the subgames with information sets refuses one, the error says which:
    its action path from the root and its size (a user of ``compare`` learns where to look)."""
    builder = TreeBuilder(["a", "b"])
    root = builder.add_decision(-1, None, player=0, infoset="enter", actions=["out", "in"])
    builder.add_terminal(root, "out", payoffs=[0, 0])
    draw = builder.add_chance(root, "in")
    for side in ("h", "t"):
        guess = builder.add_decision(draw, side, player=1, infoset="guess", actions=["x", "y"],
                                     prob=Fraction(1, 2))
        for b, pays in (("x", [1, 1]), ("y", [-1, 0])):
            builder.add_terminal(guess, b, payoffs=pays)
    tree = builder.build()
    small = partial(perfect_bayesian, max_cells=0)
    with pytest.raises(SolverError, match=r"max_cells=0.*\(in the subgame at in, 7 nodes\)"):
        subgame_perfect(tree, tree_solver=small, method="spbe")
