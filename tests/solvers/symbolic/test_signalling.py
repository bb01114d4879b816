"""``solve --symbolic`` on two-type sender-receiver games: closed forms against hand derivations
and against the exact ``pbe`` solver at sampled parameter points."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from alliance_games.analysis.runs import instantiate
from alliance_games.analysis.symbolic import SymbolicRun, solve_symbolic
from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.solvers import solve
from alliance_games.solvers.symbolic.conditions import feasible, holds
from alliance_games.solvers.symbolic.result import Region
from tests.cli.entry import run as cli

PBE = Path(__file__).resolve().parents[2] / "data" / "pbe"
Profile = tuple[tuple[str, tuple[Fraction, ...]], ...]


def _holding(run: SymbolicRun, name: str, value: Fraction) -> list[Region]:
    """Regions holding at ``name = value`` for some admissible off-path belief."""
    (x,) = run.solution.symbols
    point = {x: sympy.Rational(value)}
    out = []
    for region in run.solution.regions:
        fixed = [c for c in region.conditions if c.expr.free_symbols <= {x}]
        beliefs = [c for c in region.conditions if not c.expr.free_symbols <= {x}]
        if not holds(fixed, point):
            continue
        if beliefs:
            bounds = {s: (sympy.Integer(0), sympy.Integer(1))
                      for c in beliefs for s in c.expr.free_symbols if s != x}
            moved = [type(c)(c.expr.xreplace(point), c.strict, c.reason) for c in beliefs]
            if feasible(moved, bounds)[0] is not True:
                continue
        out.append(region)
    return out


def _symbolic_profiles(regions: list[Region], x: sympy.Symbol, value: Fraction) -> set[Profile]:
    out = set()
    for region in regions:
        eq = region.equilibria[0]
        out.add(tuple(sorted(
            (k, tuple(Fraction(str((sympy.Integer(0) + v).xreplace({x: sympy.Rational(value)})))
                      for v in mix.values())) for k, mix in eq.strategies.items())))
    return out


def _numeric_profiles(source: str, name: str, value: Fraction) -> tuple[set[Profile], set[Profile]]:
    """Every PBE of the exact solver, and those whose responses to unsent messages are pure."""
    tree = instantiate(source, {name: value}).game
    assert isinstance(tree, GameTree)
    result = solve(tree, "pbe")
    assert result.complete
    every, pure_off = set(), set()
    for eq in result.equilibria:
        profile = tuple(sorted((s.name, tuple(Fraction(p) for p in eq.strategies[k]))
                               for k, s in enumerate(tree.infosets)))
        every.add(profile)
        sent = _sent_sets(tree, eq.strategies)
        if all(max(eq.strategies[k]) == 1 for k, s in enumerate(tree.infosets)
               if s.name not in sent and len(s.nodes) > 1):
            pure_off.add(profile)
    return every, pure_off


def _sent_sets(tree: GameTree, strategies: tuple) -> set[str]:  # type: ignore[type-arg]
    sent = set()
    for t, node in enumerate(tree.children(0)):
        k = int(tree.node_infoset[int(node)])
        for m, child in enumerate(tree.children(int(node))):
            j = int(tree.node_infoset[int(child)])
            if j >= 0 and tree.edge_prob[t] > 0 and strategies[k][m] > 0:
                sent.add(tree.infosets[j].name)
    return sent


CASES = [
    (str(PBE / "bluffing_crisis.yaml"), "p_strong"),
    (str(PBE / "beer_quiche.yaml"), "p_strong"),
    (str(PBE / "job_market.yaml"), "p_high"),
    ("deterrence_uncertain_resolve", "p_resolute"),
]


@pytest.mark.parametrize(("source", "name"), CASES, ids=[Path(c[0]).stem for c in CASES])
def test_formulas_evaluate_to_the_exact_solvers_equilibria(source: str, name: str) -> None:
    run = solve_symbolic(source)
    assert run.solution.method == "signalling support enumeration"
    (x,) = run.solution.symbols
    for value in (Fraction(1, 7), Fraction(1, 3), Fraction(3, 5), Fraction(9, 10)):
        symbolic = _symbolic_profiles(_holding(run, name, value), x, value)
        every, pure_off = _numeric_profiles(source, name, value)
        assert symbolic <= every, f"{name}={value}"
        assert pure_off <= symbolic, f"{name}={value}"


def test_bluffing_crisis_by_hand() -> None:
    """The weak type bluffs with b: the defender, resisting (r) or conceding after a threat, is
    indifferent iff p (-3 + 1) + (1 - p) b (1 + 1) = 0, so b = p/(1-p) (belief 1/2); the weak
    type is indifferent iff -3 r + (1 - r) = 0, so r = 1/4; b < 1 iff p < 1/2. For p >= 1/2
    both types threaten and the defender concedes (pooling)."""
    run = solve_symbolic(str(PBE / "bluffing_crisis.yaml"))
    (p,) = run.solution.symbols
    kinds = {r.equilibria[0].kind: r for r in run.solution.regions}
    assert set(kinds) == {"pooling", "semi-separating"}
    semi = kinds["semi-separating"]
    eq = semi.equilibria[0]
    assert sympy.simplify(eq.strategies["weak_challenger"]["threaten"] - p / (1 - p)) == 0
    assert eq.strategies["after_threat"]["resist"] == sympy.Rational(1, 4)
    assert eq.beliefs["after_threat"] == {"strong": sympy.Rational(1, 2),
                                          "weak": sympy.Rational(1, 2)}
    assert [c.plain() for c in semi.conditions][:2] == ["p_strong > 0", "p_strong < 1/2"]
    assert [c.plain() for c in kinds["pooling"].conditions][:2] == ["p_strong >= 1/2",
                                                                    "p_strong < 1"]
    assert len(_holding(run, "p_strong", Fraction(1, 4))) == 1  # unique PBE below 1/2


def test_beer_quiche_two_poolings_with_their_off_path_beliefs() -> None:
    run = solve_symbolic(str(PBE / "beer_quiche.yaml"))
    at = _holding(run, "p_strong", Fraction(9, 10))
    assert sorted(r.equilibria[0].kind for r in at) == ["pooling", "pooling"]
    for region in at:
        eq = region.equilibria[0]
        off = "after_quiche" if eq.strategies["strong_sender"]["beer"] == 1 else "after_beer"
        mu = eq.beliefs[off]["strong"]
        assert isinstance(mu, sympy.Symbol)
        (cond,) = [c for c in region.conditions if mu in c.expr.free_symbols]
        assert cond.plain() == f"{mu} <= 1/2"  # duel after the unsent breakfast iff mu <= 1/2
        assert eq.strategies[off]["duel"] == 1


def test_games_outside_the_class_are_refused_clearly() -> None:
    with pytest.raises(SolverError, match="sender moves again"):
        solve_symbolic(str(PBE / "audience_cost.yaml"))
    code, out, err = cli("solve", str(PBE / "audience_cost.yaml"), "--symbolic")
    assert code == 2 and "two-type sender-receiver games only" in err and "Traceback" not in err
    code, out, _ = cli("solve", str(PBE / "bluffing_crisis.yaml"), "--symbolic", "--format",
                       "json")
    assert code == 0 and '"beliefs"' in out and '"semi-separating"' in out
