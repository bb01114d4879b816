"""``solve --symbolic``: symbolic regions agree with the numeric solvers and thresholds."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from alliance_games.analysis.sweep.threshold import find_threshold
from alliance_games.analysis.symbolic import SymbolicRun, solve_symbolic
from alliance_games.cli import cli
from alliance_games.errors import ParameterError, SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers import solve
from alliance_games.solvers.symbolic.conditions import holds
from alliance_games.solvers.symbolic.result import Region
from tests.paths import DATA


def _point(region: Region, run: SymbolicRun) -> dict[sympy.Symbol, sympy.Rational]:
    assert region.witness is not None
    symbols = {str(s): s for s in run.solution.symbols}
    return {symbols[k]: sympy.Rational(v) for k, v in region.witness.items()}


# ---- the flagship: one free parameter over a 23k-node tree ------------------------------------
@pytest.fixture(scope="module")
def flagship() -> SymbolicRun:
    return solve_symbolic("alliance_system_reduced", free=["pooling"], derivative="pooling")


def test_flagship_breakpoint_is_the_numerical_threshold(flagship: SymbolicRun) -> None:
    regions = flagship.solution.regions
    points = [r for r in regions if r.interval is not None and r.interval.is_point]
    assert sympy.Rational(25, 104) in [r.interval.lo for r in points if r.interval]
    below = next(r for r in regions if r.interval and r.interval.hi == sympy.Rational(25, 104)
                 and not r.interval.is_point)
    above = next(r for r in regions if r.interval and r.interval.lo == sympy.Rational(25, 104)
                 and not r.interval.is_point)
    i_below, i_above = regions.index(below), regions.index(above)
    assert flagship.verdicts[i_below][0]["connect"] == "unreliable"
    assert flagship.verdicts[i_above][0]["connect"] == "reliable"
    assert below.equilibria[0].policy_tags["connect"] != above.equilibria[0].policy_tags[
        "connect"]
    compiled = compile_model(load_model("alliance_system_reduced"))
    found = find_threshold(compiled, "pooling", 0, 1, "connect")
    assert found is not None and found.symbolic == Fraction(25, 104)
    assert found.below < Fraction(25, 104) <= found.above


def test_flagship_regions_cover_the_range_and_match_exact_solves(flagship: SymbolicRun) -> None:
    regions = flagship.solution.regions
    intervals = [r.interval for r in regions]
    assert all(i is not None for i in intervals)
    assert intervals[0].lo == 0 and intervals[0].lo_closed  # type: ignore[union-attr]
    assert intervals[-1].hi == 1 and intervals[-1].hi_closed  # type: ignore[union-attr]
    for a, b in zip(intervals, intervals[1:], strict=False):
        assert a.hi == b.lo and a.hi_closed != b.lo_closed  # type: ignore[union-attr]
    compiled = compile_model(load_model("alliance_system_reduced"))
    for region in regions:
        if region.tie or region.witness is None:
            continue
        value = region.witness["pooling"]
        tree = compiled.at({"pooling": value})
        assert isinstance(tree, GameTree)
        result = solve(tree, "spe")
        assert len(result.equilibria) == 1
        eq = result.equilibria[0]
        root = np.asarray(eq.strategies[int(tree.node_infoset[0])], dtype=float)
        chosen = tree.actions(0)[int(np.argmax(root))]
        assert chosen == region.equilibria[0].policy
        payoff = region.equilibria[0].payoffs["leader"].xreplace(
            {flagship.solution.symbols[0]: sympy.Rational(value)})
        assert Fraction(str(payoff)) == eq.payoffs[0]


def test_flagship_derivative_of_the_leaders_payoff(flagship: SymbolicRun) -> None:
    """Signs checked by finite differences of exact numeric solves inside each region."""
    compiled = compile_model(load_model("alliance_system_reduced"))
    checked = 0
    for region, signs in zip(flagship.solution.regions, flagship.derivatives, strict=True):
        if region.tie or not signs:
            continue
        interval = region.interval
        assert interval is not None
        a, b = Fraction(str(interval.lo)), Fraction(str(interval.hi))
        x0, x1 = a + (b - a) / 3, a + 2 * (b - a) / 3
        values = [solve(compiled.at({"pooling": x}), "spe").equilibria[0].payoffs[0]
                  for x in (x0, x1)]
        diff = values[1] - values[0]
        expected = "+" if diff > 0 else ("-" if diff < 0 else "0")
        assert signs[0]["payoff:leader"].sign == expected
        checked += 1
    assert checked >= 3


# ---- normal forms: closed forms and the existence boundary -------------------------------------
def test_closed_forms_of_classic_mixed_equilibria() -> None:
    stag = solve_symbolic("stag_hunt", derivative="stag")
    mixed = [r for r in stag.solution.regions if r.equilibria[0].kind == "mixed"]
    assert len(mixed) == 1 and len(stag.solution.regions) == 3
    s = stag.solution.symbols[0]
    assert sympy.simplify(mixed[0].equilibria[0].strategies["player1"]["Stag"] - 1 / s) == 0
    signs = stag.derivatives[stag.solution.regions.index(mixed[0])][0]
    assert signs["player1:Stag"].sign == "-" and signs["player1:Hare"].sign == "+"
    pennies = solve_symbolic("matching_pennies").solution.regions
    assert [r.equilibria[0].strategies["player1"]["Heads"] for r in pennies] == [
        sympy.Rational(1, 2)]
    sexes = solve_symbolic("battle_of_the_sexes").solution.regions
    mixes = [r.equilibria[0].strategies for r in sexes if r.equilibria[0].kind == "mixed"]
    assert mixes[0]["player1"]["Bach"] == sympy.Rational(2, 3)
    assert mixes[0]["player2"]["Bach"] == sympy.Rational(1, 3)


def _has_mixed(compiled, t: Fraction) -> bool:  # type: ignore[no-untyped-def]
    result = solve(compiled.at({"T": t}), "enummixed")
    return any(all(0 < p < 1 for p in eq.strategies[0]) for eq in result.equilibria)


def test_mixed_existence_boundary_equals_numerical_bisection() -> None:
    """Prisoner's dilemma with T free: the mixed equilibrium exists exactly for T < R = 3."""
    run = solve_symbolic("prisoners_dilemma", free=["T"], derivative="T")
    mixed = [r for r in run.solution.regions if r.equilibria[0].kind == "mixed"]
    assert len(mixed) == 1
    interval = mixed[0].interval
    assert interval is not None and interval.hi == 3 and not interval.hi_closed
    compiled = compile_model(load_model("prisoners_dilemma"))
    lo, hi = Fraction(0), Fraction(10)
    assert _has_mixed(compiled, lo) and not _has_mixed(compiled, hi)
    while hi - lo > Fraction(1, 10**6):
        mid = (lo + hi) / 2
        if _has_mixed(compiled, mid):
            lo = mid
        else:
            hi = mid
    assert lo < Fraction(str(interval.hi)) <= hi
    # closed form: the opponent cooperates with probability 1/(4 - T)
    t = run.solution.symbols[0]
    q = mixed[0].equilibria[0].strategies["player2"]["Cooperate"]
    assert sympy.simplify(q - 1 / (4 - t)) == 0
    # and the symbolic mix equals the numeric one at a point inside the region
    numeric = [eq for eq in solve(compiled.at({"T": 2}), "enummixed").equilibria
               if 0 < eq.strategies[1][0] < 1]
    assert numeric[0].strategies[1][0] == Fraction(str(q.xreplace({t: 2})))


# ---- a small tree with several free parameters ------------------------------------------------
@pytest.fixture(scope="module")
def commitment() -> SymbolicRun:
    return solve_symbolic("branch_commitment", free=["war_cost", "tie_cost"],
                          derivative="war_cost")


def _numeric_choices(compiled, values) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    tree = compiled.at(values)
    out = []
    for eq in solve(tree, "spe").equilibria:
        out.append({s.name: s.actions[int(np.argmax(np.asarray(eq.strategies[k], dtype=float)))]
                    for k, s in enumerate(tree.infosets)})
    return out


def test_multi_parameter_regions_agree_with_the_numeric_solver(commitment: SymbolicRun) -> None:
    compiled = compile_model(load_model("branch_commitment"))
    regions = commitment.solution.regions
    assert len(regions) > 3 and all(r.feasibility == "verified" for r in regions)
    symbols = {str(s): s for s in commitment.solution.symbols}
    for region in regions:  # every region's witness point
        point = _point(region, commitment)
        assert holds(region.conditions, point)
        values = {name: Fraction(str(point[s])) for name, s in symbols.items()}
        assert region.equilibria[0].choices in _numeric_choices(compiled, values)
    rng = random.Random(7)
    hits = 0
    for _ in range(25):  # random points: exactly one region holds, with the numeric SPE
        values = {"war_cost": Fraction(rng.randint(0, 5000), 1000),
                  "tie_cost": Fraction(rng.randint(0, 2000), 1000)}
        point = {symbols[k]: sympy.Rational(v) for k, v in values.items()}
        inside = [r for r in regions if holds(r.conditions, point)]
        if not inside:
            continue  # on a boundary (measure zero)
        assert len(inside) == 1
        numeric = _numeric_choices(compiled, values)
        assert len(numeric) == 1 and numeric[0] == inside[0].equilibria[0].choices
        hits += 1
    assert hits >= 20


def test_multi_parameter_derivative_signs_by_finite_differences(commitment: SymbolicRun) -> None:
    compiled = compile_model(load_model("branch_commitment"))
    symbols = {str(s): s for s in commitment.solution.symbols}
    checked = 0
    for region, signs in zip(commitment.solution.regions, commitment.derivatives, strict=True):
        base = _point(region, commitment)
        for step in (sympy.Rational(1, 1000), sympy.Rational(-1, 1000)):
            moved = {**base, symbols["war_cost"]: base[symbols["war_cost"]] + step}
            if 0 <= moved[symbols["war_cost"]] <= 5 and holds(region.conditions, moved):
                break
        else:
            continue
        pays = []
        for point in (base, moved):
            values = {k: Fraction(str(point[s])) for k, s in symbols.items()}
            pays.append(solve(compiled.at(values), "spe").equilibria[0].payoffs[0])
        diff = (pays[1] - pays[0]) * (1 if step > 0 else -1)
        expected = "+" if diff > 0 else ("-" if diff < 0 else "0")
        assert signs[0]["payoff:leader"].sign == expected
        checked += 1
    assert checked >= 3


def test_symbolic_backward_induction_prunes_and_refuses_large_trees() -> None:
    run = solve_symbolic("entry_deterrence")
    assert len(run.solution.regions) == 1
    assert run.solution.regions[0].equilibria[0].choices == {"entrant@root": "In",
                                                             "incumbent@In": "Accommodate"}
    with pytest.raises(ParameterError, match="--free"):
        solve_symbolic("alliance_system_reduced")
    with pytest.raises(SolverError, match="at most"):
        solve_symbolic("alliance_system_reduced", free=["pooling", "binding"])
    with pytest.raises(SolverError, match="sender-receiver games only"):
        solve_symbolic(str(DATA / "pbe" / "chain_store.yaml"))


# ---- the command line --------------------------------------------------------------------------
def test_cli_json_contract() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["solve", "stag_hunt", "--symbolic", "--derivative", "stag",
                              "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert set(doc) >= {"model", "free", "fixed", "regions", "method"}
    assert doc["free"] == ["stag"] and doc["fixed"] == {}
    mixed = [r for r in doc["regions"] if r["equilibria"][0]["kind"] == "mixed"][0]
    assert mixed["equilibria"][0]["strategies"]["player1"]["Stag"] == "1/stag"
    assert mixed["derivatives"][0]["player1:Stag"]["sign"] == "-"
    out = runner.invoke(cli, ["solve", "branch_commitment", "--symbolic", "--free", "tie_cost",
                              "--format", "json"], catch_exceptions=False)
    doc = json.loads(out.stdout)
    assert doc["method"] == "interval walk" and doc["fixed"]["war_cost"] == "1"
    assert all({"plain", "latex"} <= set(c) for r in doc["regions"] for c in r["conditions"])


def test_cli_table_and_unchanged_default_contract() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["solve", "prisoners_dilemma", "--symbolic", "--free", "T"],
                        terminal_width=120, catch_exceptions=False)
    assert out.exit_code == 0 and "T in [-20, 3)" in out.stdout
    plain = runner.invoke(cli, ["solve", "entry_deterrence", "--format", "json"])
    assert "regions" not in json.loads(plain.stdout)


@pytest.mark.parametrize(("args", "phrase"), [
    (("--free", "nope"), "unknown parameter 'nope'"),
    (("--free", "profit", "--derivative", "cost"), "not a free parameter"),
    (("--format", "csv"), "not available with --symbolic"),
])
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], phrase: str) -> None:
    result = subprocess.run([sys.executable, "-m", "alliance_games", "solve", "entry_deterrence",
                             "--symbolic", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert phrase in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
