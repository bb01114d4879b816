"""The intuitive criterion and criterion D1 on signalling games, against hand derivations.

Notation: ``u*(t)`` is type ``t``'s equilibrium payoff; a message is off path when no type sends
it; ``J(m)`` the types for which ``m`` is equilibrium-dominated; ``D(t, m)`` / ``D0(t, m)`` the
receiver's mixed best responses making ``t`` strictly / exactly as well off as in equilibrium.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.result import Equilibrium
from alliance_games.solvers.tree.refinements import (
    REFINEMENTS,
    D1Test,
    IntuitiveTest,
    RefinementVerdict,
    d1_criterion,
    intuitive_criterion,
)
from alliance_games.solvers.tree.signalling import perfect_bayesian_signalling
from tests.paths import DATA as TEST_DATA
from tests.solvers.tree.test_signalling import beer_quiche, job_market, signalling_game

DATA = TEST_DATA / "refinements"
F = Fraction


def _model(name: str, **values: str) -> GameTree:
    return _tree(str(DATA / f"{name}.yaml"), values)


def _tree(source: str, values: dict[str, str] | None = None) -> GameTree:
    game = compile_model(load_model(source)).at(values or {})
    assert isinstance(game, GameTree)
    return game


def _pbe(tree: GameTree) -> list[tuple[dict[str, str], dict[str, str], Equilibrium]]:
    result = perfect_bayesian_signalling(tree)
    return [(d["messages"], d["responses"], eq)
            for d, eq in zip(result.diagnostics["pbe"], result.equilibria, strict=True)]


Choice = dict[str, dict[str, Fraction | int]]


def _profile(tree: GameTree, choice: Choice) -> list[np.ndarray]:
    """A behaviour profile from ``{information set: {action: probability}}`` (others 0)."""
    return [np.array([F(choice[s.name].get(a, 0)) for a in s.actions], dtype=object)
            for s in tree.infosets]


def _vertices(pieces: Any) -> set[tuple[tuple[str, Fraction], ...]]:
    return {tuple(v.items()) for piece in pieces for v in piece.vertices}


# ---- beer-quiche ------------------------------------------------------------------------------
# Cho & Kreps (1987): prior strong 9/10. The sender gets 2 without a duel plus 1 for its preferred
# breakfast (beer when strong, quiche when weak); the receiver gets 1 for duelling the weak type or
# leaving the strong one alone, so after any message it duels iff mu(weak) >= 1/2.
#
# Beer pooling: u*(strong) = 3, u*(weak) = 2; quiche is off path, met with a duel.
#   Quiche earns strong at most 0 + 2 = 2 < 3 (dominated) and weak at most 1 + 2 = 3 >= 2.
#   J = {strong}; the best response to beliefs on {weak} is to duel: strong 0 <= 3, weak 1 <= 2.
#   No deviation: the equilibrium survives.
#   D1: with alpha = P(not), quiche gives strong 2 alpha < 3 always (D = D0 = {}) and weak
#   1 + 2 alpha, so D(weak) = {alpha > 1/2}, D0(weak) = {alpha = 1/2}. MBR(T, quiche) is every
#   mixture (both responses tie at mu(weak) = 1/2). D u D0(strong) = {} is inside D(weak): strong
#   is pruned; beliefs on {weak} give "duel", which deters both types: survives.
# Quiche pooling: u*(strong) = 2, u*(weak) = 3; beer is off path, met with a duel.
#   Beer earns weak at most 2 < 3 (dominated), strong at most 3 > 2. J = {weak}; beliefs on
#   {strong} make "not" the only best response, giving strong 3 > 2: strong deviates, it fails.
#   D1: beer gives strong 1 + 2 alpha: D(strong) = {alpha > 1/2}, D0(strong) = {alpha = 1/2};
#   weak gets 2 alpha <= 2 < 3: D = D0 = {}, so weak is pruned; beliefs on {strong} give "not":
#   strong gains 3 > 2, it fails.
def test_beer_quiche_only_the_beer_pooling_survives() -> None:
    tree = _model("beer_quiche")
    (beer_msgs, _, beer), (quiche_msgs, _, quiche) = _pbe(tree)
    assert set(beer_msgs.values()) == {"beer"} and set(quiche_msgs.values()) == {"quiche"}

    verdict = intuitive_criterion(tree, beer)
    assert verdict.survives and verdict.criterion == "intuitive"
    assert verdict.payoffs == {"strong": 3, "weak": 2} and verdict.off_path == ("quiche",)
    (test,) = verdict.tests
    assert isinstance(test, IntuitiveTest)
    assert test.best == {"strong": 2, "weak": 3} and test.dominated == ("strong",)
    assert test.kept == ("weak",) and test.responses == ("duel",)
    assert test.worst == {"strong": 0, "weak": 1} and test.deviators == () and test.supported
    assert "equilibrium-dominated for 'strong'" in verdict.reason

    verdict = intuitive_criterion(tree, quiche)
    assert not verdict.survives and verdict.off_path == ("beer",)
    (test,) = verdict.failures
    assert test.dominated == ("weak",) and test.responses == ("not",)
    assert test.deviators == ("strong",) and test.worst["strong"] == 3
    assert not test.supported  # its own "duel" needs mu(weak) >= 1/2, ruled out
    assert verdict.reason.startswith("type 'strong' gains by sending 'beer'")
    assert "3 > its equilibrium payoff 2" in verdict.reason

    d1 = d1_criterion(tree, beer)
    assert d1.survives and d1.criterion == "d1"
    (d1_test,) = d1.tests
    assert isinstance(d1_test, D1Test)
    assert d1_test.pruned == {"strong": "weak"} and d1_test.kept == ("weak",)
    assert d1_test.witness == {"duel": 1}
    assert d1_test.weak["strong"] == () and d1_test.strict == {"strong": False, "weak": True}
    assert _vertices(d1_test.weak["weak"]) == {(("duel", F(1, 2)), ("not", F(1, 2))),
                                               (("duel", F(0)), ("not", F(1)))}
    assert _vertices(d1_test.ties["weak"]) == {(("duel", F(1, 2)), ("not", F(1, 2)))}

    d1 = d1_criterion(tree, quiche)
    assert not d1.survives
    (d1_test,) = d1.tests
    (cell,) = d1_test.cells  # every mixture of duel and not is a best response at mu = (1/2, 1/2)
    assert cell.responses == ("duel", "not")
    assert cell.beliefs == ({"strong": F(1, 2), "weak": F(1, 2)},)
    assert _vertices(d1_test.weak["strong"]) == {(("duel", F(1, 2)), ("not", F(1, 2))),
                                                 (("duel", F(0)), ("not", F(1)))}
    assert _vertices(d1_test.ties["strong"]) == {(("duel", F(1, 2)), ("not", F(1, 2)))}
    assert d1_test.weak["weak"] == d1_test.ties["weak"] == ()
    assert d1_test.pruned == {"weak": "strong"} and d1_test.kept == ("strong",)
    assert d1_test.witness is None and d1_test.deviators == ("strong",)
    assert d1.reason.startswith("type 'strong' gains by sending 'beer'")


def test_float_trees_and_profiles_are_read_exactly() -> None:
    exact, floating = beer_quiche(), beer_quiche(exact=False)
    for (_, _, eq), survives in zip(_pbe(exact), [True, False], strict=True):
        as_floats = [np.asarray(dist, dtype=float) for dist in eq.strategies]
        for criterion in REFINEMENTS.values():
            verdict = criterion(floating, as_floats)
            assert verdict.survives is survives
            assert all(isinstance(x, Fraction) for x in verdict.payoffs.values())


# Mixed profiles. Beer pooling with the off-path quiche met by duel 1/2 is a PBE at the belief
# mu(weak) = 1/2 (the receiver is indifferent) since weak's quiche earns 1 + 2 * 1/2 = 2 <= 2. Its
# verdicts are those of the pure beer pooling (they depend on the outcome), but its response rests
# on weight 1/2 on strong, which both criteria rule out: it is flagged as not supported. With duel 1/4 after
# quiche weak would earn 1 + 3/2 > 2: not an equilibrium, refused. At prior strong 1/4 the
# equilibrium is hybrid: strong drinks beer, weak drinks beer with probability 1/3 (so that
# mu(weak | beer) = 1/2) and the receiver duels with probability 1/2 after beer and for sure
# after quiche: both messages are sent, so there is nothing to test.
def test_mixed_and_hybrid_profiles() -> None:
    tree = _model("beer_quiche")
    pooling: Choice = {"sender@strong": {"beer": 1}, "sender@weak": {"beer": 1}, "after_beer": {"not": 1}}
    mixed = _profile(tree, {**pooling, "after_quiche": {"duel": F(1, 2), "not": F(1, 2)}})
    for criterion in (intuitive_criterion, d1_criterion):
        verdict = criterion(tree, mixed)
        assert verdict.survives and not verdict.tests[0].supported
    quiche_pool: Choice = {"sender@strong": {"quiche": 1}, "sender@weak": {"quiche": 1},
                           "after_quiche": {"not": 1},
                           "after_beer": {"duel": F(3, 4), "not": F(1, 4)}}
    assert not intuitive_criterion(tree, _profile(tree, quiche_pool)).survives
    assert not d1_criterion(tree, _profile(tree, quiche_pool)).survives
    wrong = _profile(tree, {**pooling, "after_quiche": {"duel": F(1, 4), "not": F(3, 4)}})
    with pytest.raises(SolverError, match="not a perfect Bayesian equilibrium: type 'weak'"):
        intuitive_criterion(tree, wrong)

    tree = _model("beer_quiche", p_strong="1/4")
    hybrid = _profile(tree, {"sender@strong": {"beer": 1},
                             "sender@weak": {"beer": F(1, 3), "quiche": F(2, 3)},
                             "after_beer": {"duel": F(1, 2), "not": F(1, 2)},
                             "after_quiche": {"duel": 1}})
    for criterion in (intuitive_criterion, d1_criterion):
        verdict = criterion(tree, hybrid)
        assert verdict.survives and verdict.off_path == () and verdict.tests == ()
        assert verdict.payoffs == {"strong": 2, "weak": 1}
        assert "no off-path message" in verdict.reason
    # the same hybrid with the receiver duelling for sure after beer is no equilibrium
    hybrid[[s.name for s in tree.infosets].index("after_beer")] = np.array([F(1), F(0)])
    with pytest.raises(SolverError, match="not a perfect Bayesian equilibrium"):
        d1_criterion(tree, hybrid)


# ---- Spence ---------------------------------------------------------------------------------
# Two-message job market (tests/test_signalling.py): wage 4 or 2, education costs high 1 and
# low 3. Pooling on "skip" pays 2 to both. "educate" earns low at most 4 - 3 = 1 < 2 (dominated)
# and high up to 3; beliefs on {high} give the high wage: high gets 3 > 2, so the pooling fails
# both criteria (D1: low's D u D0 is empty, low is pruned). The separating one has no
# off-path message.
def test_two_message_job_market() -> None:
    tree = job_market()
    (sep_msgs, _, separating), (pool_msgs, _, pooling) = _pbe(tree)
    assert sep_msgs == {"high": "educate", "low": "skip"} and set(pool_msgs.values()) == {"skip"}
    for criterion in (intuitive_criterion, d1_criterion):
        assert criterion(tree, separating).survives
        verdict = criterion(tree, pooling)
        assert not verdict.survives and verdict.failures[0].deviators == ("high",)


# Four education levels e = 0..3 (tests/data/refinements/job_market.yaml): prior high 1/2, cost
# per year 3/10 (high) and 1/3 (low); wages 1, 3/2, 2, paid when mu(high) <= 1/4, in
# [1/4, 3/4], >= 3/4. With the wage w a mixture, only its mean E[w] matters to the worker.
# Separating: high e3 (2 - 9/10 = 11/10 >= 1), low e0 (1 = 2 - 1 from mimicking: indifferent).
#   IC: at e1 high gets at most 17/10, low 5/3; at e2 7/5 and 4/3: nobody is dominated, and the
#   wage 1 (a best response) gives nobody a gain: passes.
#   D1 at e1: high gains iff E[w] > 7/5, low iff E[w] > 4/3: D u D0(high) = {E[w] >= 7/5} lies in
#   D(low), so high is pruned; beliefs on {low} pay 1, deterring both. At e2: high iff
#   E[w] > 17/10, low iff E[w] > 5/3: high pruned again. Survives.
# Pooling on e0 (wage 3/2, u* = 3/2 for both): IC at e1: high up to 17/10, low up to 5/3, nobody
#   dominated, wage 1 deters: passes; e2 and e3 are dominated for both (7/5, 4/3; 11/10, 1).
#   D1 at e1: high gains iff E[w] > 9/5, low iff E[w] > 11/6 > 9/5: low is pruned; beliefs on
#   {high} pay 2 and high gets 17/10 > 3/2: fails.
# Pooling on e1 (u*(high) = 6/5, u*(low) = 7/6): D1 at e2: high iff E[w] > 9/5, low iff
#   E[w] > 11/6: low pruned, wage 2 gives high 7/5 > 6/5: fails; IC passes (e0 and e2 are not
#   dominated for anyone and the wage 1 deters, e3 is dominated for both).
# So the intuitive criterion keeps every PBE, D1 only the separating outcome.
def test_job_market_d1_keeps_only_the_separating_outcome() -> None:
    tree = _model("job_market")
    outcomes: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
    for messages, responses, eq in _pbe(tree):
        key = (messages["high"], messages["low"])
        outcomes.setdefault(key, []).append(
            (intuitive_criterion(tree, eq).survives, d1_criterion(tree, eq).survives))
        if key == ("e0", "e0") and responses["after_e1"] == "low":
            verdict = d1_criterion(tree, eq)
            (test,) = verdict.failures
            assert test.message == "e1" and test.pruned == {"low": "high"}
            # the wage 2 would tempt low as well (2 - 1/3 = 5/3 > 3/2)
            assert test.kept == ("high",) and test.deviators == ("high", "low")
            assert verdict.reason.startswith("type 'high' gains by sending 'e1'")
            assert verdict.payoffs == {"high": F(3, 2), "low": F(3, 2)}
            ic = intuitive_criterion(tree, eq).tests
            assert [t.dominated for t in ic] == [(), ("high", "low"), ("high", "low")]
    assert sorted(outcomes) == [("e0", "e0"), ("e1", "e1"), ("e3", "e0")]
    assert all(ic for runs in outcomes.values() for ic, _ in runs)
    assert [d1 for _, d1 in outcomes["e0", "e0"] + outcomes["e1", "e1"]] == [False] * 24
    assert outcomes["e3", "e0"] == [(True, True), (True, True)]

    separating = [eq for m, r, eq in _pbe(tree) if m["high"] == "e3" and r["after_e2"] == "mid"]
    verdict = d1_criterion(tree, separating[0])
    assert verdict.payoffs == {"high": F(11, 10), "low": 1}
    e1, e2 = verdict.tests
    assert e1.pruned == {"high": "low"} and e2.pruned == {"high": "low"}
    assert e1.witness == e2.witness == {"low": 1}
    # the outcome survives, but the wage 3/2 after e2 rests on a belief D1 rules out
    assert e1.supported and not e2.supported
    assert [cell.responses for cell in e2.cells] == [("low", "mid"), ("mid", "high")]


# ---- refusals ---------------------------------------------------------------------------------
# The bundled deterrence game: the rival's "Stay" ends the play, so there is no receiver move
# after that message; entry deterrence starts with a player's move, not a chance move over types.
def test_games_of_other_shapes_are_refused_with_the_reason() -> None:
    deterrence = _tree("deterrence_uncertain_resolve")
    profile = [np.array([F(1), F(0)], dtype=object)] * len(deterrence.infosets)
    for criterion in REFINEMENTS.values():
        with pytest.raises(SolverError, match="sender-receiver signalling games only.*"
                                              "message 'Stay' must be followed by a receiver"):
            criterion(deterrence, profile)
    entry = _tree("entry_deterrence")
    with pytest.raises(SolverError, match=r"D1 criterion .* root must be a chance move"):
        d1_criterion(entry, [])
    tree = _model("beer_quiche")
    with pytest.raises(SolverError, match="4 information sets"):
        intuitive_criterion(tree, [])


# ---- invariance -------------------------------------------------------------------------------
# Both criteria compare u_S(t, m, a) with u*(t) (a shift of the sender's payoffs moves both by the
# same constant) and the receiver's best responses depend on payoff differences between its
# responses (a shift of its payoffs cancels). A positive rescaling of a player preserves every
# comparison too. So no verdict, type set or response set changes; only the reported payoffs move.
def _signature(verdict: RefinementVerdict) -> tuple[Any, ...]:
    fields = ("message", "dominated", "kept", "responses", "deviators", "supported", "pruned",
              "witness", "strict")
    return (verdict.survives, verdict.off_path,
            tuple(tuple(getattr(t, f, None) for f in fields) for t in verdict.tests))


def _transformed(tree: GameTree, player: int, shift: Fraction, scale: Fraction) -> GameTree:
    payoffs = tree.node_payoffs.copy()
    payoffs[tree.terminals, player] = payoffs[tree.terminals, player] * scale + shift
    return dataclasses.replace(tree, node_payoffs=payoffs)


@pytest.mark.parametrize(("player", "shift", "scale"), [
    (0, F(-7), F(1)), (0, F(100, 3), F(1)), (1, F(5), F(1)), (1, F(-1, 9), F(1)),
    (0, F(2), F(3, 2)), (1, F(-4), F(7)),
])
def test_verdicts_ignore_payoff_shifts(player: int, shift: Fraction, scale: Fraction) -> None:
    for tree in (_model("beer_quiche"), _model("job_market"), job_market()):
        moved = _transformed(tree, player, shift, scale)
        for (_, _, eq), (_, _, eq_moved) in zip(_pbe(tree), _pbe(moved), strict=True):
            for criterion in REFINEMENTS.values():
                before, after = criterion(tree, eq), criterion(moved, eq_moved)
                assert _signature(before) == _signature(after)
                if player == 0:
                    assert {t: x * scale + shift for t, x in before.payoffs.items()} == after.payoffs


# ---- random games, certificates ----------------------------------------------------------------
# On random games with two or three types, every reported claim is checked independently:
# * dominated types earn less than u* under every best response at sampled beliefs, the others
#   reach u* under some response the report calls a best response (checked at its cell's belief);
# * the intuitive test's responses are best responses to some belief on the kept types (at a cell
#   vertex) and every best response at a sampled belief on the kept types is among them;
# * a D1 witness is a best response to a belief on the kept types giving no type more than u*;
# * a pruned type t (by s): at sampled beliefs and mixtures of best responses, t >= u* implies
#   s > u*;
# * D1 is stronger than the intuitive criterion: it never keeps an equilibrium the latter drops.
def _best_responses(tree: GameTree, message: str, belief: dict[str, Fraction]) -> list[str]:
    k = [s.name for s in tree.infosets].index(f"after {message}")
    infoset = tree.infosets[k]
    names = [tree.infosets[int(tree.node_infoset[tree.parent[n]])].name[5:] for n in infoset.nodes]
    scores = [sum(belief[t] * tree.path_payoffs[int(tree.children(n)[a])][1]
                  for t, n in zip(names, infoset.nodes, strict=True))
              for a in range(len(infoset.actions))]
    return [a for a, x in zip(infoset.actions, scores, strict=True) if x == max(scores)]


def _sampled_beliefs(rng: random.Random, types: list[str], support: tuple[str, ...]
                     ) -> list[dict[str, Fraction]]:
    out = []
    for _ in range(25):
        weights = [rng.randint(0, 6) if t in support else 0 for t in types]
        if sum(weights):
            out.append({t: F(w, sum(weights)) for t, w in zip(types, weights, strict=True)})
    return out + [{t: F(int(t == s)) for t in types} for s in support]


def _lookup(table: dict[tuple[str, str, str], list[int]]) -> Callable[[str, str, str], list[int]]:
    return lambda t, m, a: table[t, m, a]


def test_random_games_certificates() -> None:
    rng = random.Random(14)
    checked = failures = 0
    for trial in range(36):
        types = ["t1", "t2", "t3"][: 2 + trial % 2]
        messages, responses = ["m1", "m2", "m3"][: 2 + trial % 3 // 2], ["a1", "a2", "a3"]
        table = {(t, m, a): [rng.randint(0, 3), rng.randint(0, 3)]
                 for t in types for m in messages for a in responses}
        prior = [F(1, len(types))] * len(types)
        tree = signalling_game(types, prior, messages, responses, _lookup(table))
        for _, _, eq in _pbe(tree):
            ic, d1 = intuitive_criterion(tree, eq), d1_criterion(tree, eq)
            assert ic.survives or not d1.survives
            failures += not d1.survives
            pay = {(t, m, a): F(table[t, m, a][0]) for t, m, a in table}
            for ic_test in ic.tests:
                _check_intuitive(tree, rng, types, pay, ic.payoffs, ic_test)
            for d1_test in d1.tests:
                _check_d1(tree, rng, types, pay, d1.payoffs, d1_test)
            checked += 1
    assert checked > 50 and failures > 0


def _check_intuitive(tree: GameTree, rng: random.Random, types: list[str],
                     pay: dict[Any, Fraction], star: dict[str, Fraction], test: IntuitiveTest) -> None:
    m = test.message
    for mu in _sampled_beliefs(rng, types, tuple(types)):
        for a in _best_responses(tree, m, mu):
            assert all(pay[t, m, a] <= test.best[t] for t in types)
            assert all(pay[t, m, a] < star[t] for t in test.dominated)
    for mu in _sampled_beliefs(rng, types, test.kept) if test.kept else []:
        assert set(_best_responses(tree, m, mu)) <= set(test.responses)
    for t in test.deviators:
        assert all(pay[t, m, a] > star[t] for a in test.responses)


def _check_d1(tree: GameTree, rng: random.Random, types: list[str], pay: dict[Any, Fraction],
              star: dict[str, Fraction], test: D1Test) -> None:
    m = test.message
    for cell in test.cells + test.kept_cells:
        for mu in cell.beliefs:
            assert set(cell.responses) <= set(_best_responses(tree, m, mu))
    if test.witness is not None:
        cell = next(c for c in test.kept_cells if set(test.witness) == set(c.responses))
        assert all(mu[t] == 0 for mu in cell.beliefs for t in types if t not in test.kept)
        assert all(sum(x * pay[t, m, a] for a, x in test.witness.items()) <= star[t]
                   for t in types)
    for mu in _sampled_beliefs(rng, types, tuple(types)):
        best = _best_responses(tree, m, mu)
        for weights in itertools.product(range(3), repeat=len(best)):
            if not sum(weights):
                continue
            value = {t: sum(F(w, sum(weights)) * pay[t, m, a] for a, w in zip(best, weights, strict=True))
                     for t in types}
            for t, s in test.pruned.items():
                assert value[t] < star[t] or value[s] > star[s]
            if test.witness is None and all(mu[t] == 0 for t in types if t not in test.kept):
                assert any(value[t] > star[t] for t in types)
