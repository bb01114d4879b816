"""Float results are certified against the exact game of the file, not the float game (issue 17).

Float64 cannot tell ``10**16 + 1`` from ``10**16``: a float solve of such a game sees ties the
file does not have. Every float equilibrium is re-checked on the original rational payoffs;
profiles with positive exact regret are dropped and the user is told that floats cannot
separate the payoffs.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model.compile import compile_model
from alliance_games.model.exact_origin import exact_origin
from alliance_games.model.from_game import symbolic_from_game
from alliance_games.solvers import float_audit, solve
from alliance_games.solvers.exact_certificate import exact_regret, inseparable, rationalise
from tests.cli.entry import run

BIG = 10**16
NEAR_TIE_TREE = f"""EFG 2 R "Near tie" {{ "One" "Two" }}
""

p "" 1 1 "" {{ "A" "B" "C" }} 0
t "" 1 "a" {{ {BIG + 1}, 0 }}
t "" 2 "b" {{ {BIG}, 0 }}
t "" 3 "c" {{ {BIG}, 1 }}
"""
NEAR_TIE_BIMATRIX = f"""NFG 1 R "Near tie bimatrix" {{ "Row" "Col" }}
{{ {{ "A" "B" }} {{ "L" "R" }} }}
""

{BIG + 1} 1 {BIG} 0 {BIG + 1} 0 {BIG} 1
"""
CANNOT_SEPARATE = "floats cannot separate these payoffs"
FLAGS = (CANNOT_SEPARATE, "disagree", "could not be certified")


def _solve_json(path: Path, *args: str) -> dict:
    code, out, err = run("solve", str(path), "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def _chosen(equilibrium: dict) -> dict[str, str]:
    """Each player's pure choice (the label played with probability 1)."""
    return {player: next(label for label, p in dist.items() if float(p) == 1)
            for player, dist in equilibrium["profile"].items() if dist}


def test_the_1e16_tree_in_floats_gives_the_exact_answer_and_says_floats_cannot_separate(
        tmp_path: Path) -> None:
    path = tmp_path / "near_tie.efg"
    path.write_text(NEAR_TIE_TREE)
    exact = _solve_json(path)
    floats = _solve_json(path, "--float")
    assert exact["count"] == 1 and exact["exact"] is True
    assert floats["count"] == 1 and floats["exact"] is False  # was 3, each with regret 0
    assert _chosen(floats["equilibria"][0]) == _chosen(exact["equilibria"][0])
    warning = next(w for w in floats["warnings"] if CANNOT_SEPARATE in w)
    assert "2 float profile(s) are not equilibria of the exact game" in warning
    assert "drop --float" in warning
    facts = floats["diagnostics"]["exact_certificate"]
    assert facts["certified"] == 1 and facts["refuted"] == 2
    assert facts["inseparable"] == {"magnitude": str(BIG + 1), "gap": "1"}
    assert floats["diagnostics"]["exact_recheck"]["agrees"] is True
    code, table, _ = run("solve", str(path), "--float")
    assert code == 0 and "1 equilibrium" in table and "floats cannot separate" in table


def test_the_1e16_bimatrix_with_enummixed_in_floats_gives_the_exact_answer(
        tmp_path: Path) -> None:
    path = tmp_path / "near_tie.nfg"
    path.write_text(NEAR_TIE_BIMATRIX)
    exact = _solve_json(path, "--method", "enummixed")
    floats = _solve_json(path, "--method", "enummixed", "--float")
    assert exact["count"] == 1
    assert floats["count"] == 1 and floats["exact"] is False  # was 4 (or 2), "degenerate" only
    assert _chosen(floats["equilibria"][0]) == _chosen(exact["equilibria"][0]) == \
        {"Row": "A", "Col": "L"}
    assert any(CANNOT_SEPARATE in w and "3 float profile(s)" in w for w in floats["warnings"])
    assert floats["convex_sets"] == exact["convex_sets"] == [[0]]  # no set names a dropped vertex
    assert floats["diagnostics"]["exact_recheck"] == {"agrees": True, "float_count": 1,
                                                      "exact_count": 1}
    pure = _solve_json(path, "--method", "pure", "--float")
    assert pure["count"] == 1 and any(CANNOT_SEPARATE in w for w in pure["warnings"])


def test_methods_that_read_floats_as_decimals_are_certified_too(tmp_path: Path) -> None:
    path = tmp_path / "near_tie.efg"
    path.write_text(NEAR_TIE_TREE)
    for method in ("pbe", "spbe"):
        floats = _solve_json(path, "--method", method, "--float")
        assert floats["count"] == 1, method  # were 3 "exact" equilibria of the rounded game
        assert floats["exact"] is False  # a float run, as every method's
        # complete because the exact re-solve of the file's game agrees, as for spe
        assert floats["complete"] is floats["diagnostics"]["exact_recheck"]["agrees"] is True
        assert any(CANNOT_SEPARATE in w for w in floats["warnings"])


def test_separable_payoffs_beyond_2_53_are_not_flagged() -> None:
    exactly = NormalFormGame.from_arrays([[2**60, 0], [0, 2**60 + 2**8]], [[1, 0], [0, 1]])
    assert inseparable(exactly) is None  # 2**8 apart at 2**60: floats hold both exactly
    close = NormalFormGame.from_arrays([[2**53 + 1, 0], [0, 2**53]], [[1, 0], [0, 1]])
    assert inseparable(close) == (2**53 + 1, 1)


def test_cancelling_inner_payoffs_are_flagged_and_certified() -> None:
    builder = TreeBuilder(["one"], exact=True)
    root = builder.add_decision(-1, None, player=0, infoset="r", actions=["x", "y"],
                                payoffs=[BIG])
    builder.add_terminal(root, "x", payoffs=[-BIG + 1])  # plays sum to 1 and 0 exactly,
    builder.add_terminal(root, "y", payoffs=[-BIG])  # to 0 and 0 in floats
    exact = builder.build()
    assert inseparable(exact) == (BIG, 1)  # the plays differ by 1, their summands are 1e16
    result = solve(_float_game(exact), "spe")
    assert [eq.strategies[0].tolist() for eq in result.equilibria] == [[1.0, 0.0]]
    assert any(CANNOT_SEPARATE in w for w in result.warnings)


def _float_game(exact: NormalFormGame | GameTree) -> NormalFormGame | GameTree:
    """``exact`` rounded to floats the way --float does, remembering its exact origin."""
    compiled = compile_model(symbolic_from_game(exact, name="g", path="g"))
    game = compiled.at(compiled.resolve(), exact=False)
    assert not game.exact and exact_origin(game) is not None
    return game


def _exact_regret(game: NormalFormGame | GameTree, eq, *, spe: bool = False) -> Fraction | None:
    return exact_regret(game, rationalise(eq.strategies), subgame_perfect=spe)


OFFSETS = st.sampled_from([0, 2**52, 2**53, BIG, 3 * 10**17])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), st.integers(2, 3), OFFSETS, OFFSETS,
       st.lists(st.integers(-3, 3), min_size=18, max_size=18))
def test_random_bimatrices_with_large_offsets_are_certified_or_flagged(
        rows: int, cols: int, shift_a: int, shift_b: int, numbers: list[int]) -> None:
    a = np.array(numbers[:rows * cols]).reshape(rows, cols) + shift_a
    b = np.array(numbers[9:9 + rows * cols]).reshape(rows, cols) + shift_b
    exact = NormalFormGame.from_arrays(a.astype(object), b.astype(object))
    result = solve(_float_game(exact), "enummixed")
    truth = solve(exact, "enummixed")
    flagged = any(f in w for w in result.warnings for f in FLAGS)
    for eq in result.equilibria:
        regret = _exact_regret(exact, eq)
        if eq.is_pure():
            assert regret == 0  # a pure profile is read exactly: never one with positive regret
        elif regret != 0:
            assert flagged or float_audit._matched(eq, truth)
    if not flagged:
        assert float_audit._same_set(result, truth)
    assert not result.exact


def _tree(offset: int, leaves: list[int], branching: int) -> GameTree:
    builder = TreeBuilder(["first", "second"], exact=True)
    root = builder.add_decision(-1, None, player=0, infoset="root",
                                actions=[f"a{k}" for k in range(branching)])
    for k in range(branching):
        node = builder.add_decision(root, f"a{k}", player=1, infoset=f"after_a{k}",
                                    actions=["l", "r"])
        for j, action in enumerate(("l", "r")):
            u, v = leaves[4 * k + 2 * j], leaves[4 * k + 2 * j + 1]
            builder.add_terminal(node, action, payoffs=[offset + u, offset + v])
    return builder.build()


@settings(max_examples=40, deadline=None)
@given(OFFSETS, st.integers(2, 3), st.lists(st.integers(-2, 2), min_size=12, max_size=12))
def test_random_trees_with_large_offsets_report_only_exact_subgame_perfect_equilibria(
        offset: int, branching: int, leaves: list[int]) -> None:
    exact = _tree(offset, leaves, branching)
    result = solve(_float_game(exact), "spe")
    truth = solve(exact, "spe")
    for eq in result.equilibria:
        assert _exact_regret(exact, eq, spe=True) == 0
    if not any(f in w for w in result.warnings for f in FLAGS):
        assert float_audit._same_set(result, truth)
    if inseparable(exact) is None:
        assert len(result.equilibria) == len(truth.equilibria)


RUNS = [("battle_of_the_sexes", "--method", "enummixed"), ("entry_deterrence",),
        ("beer_quiche", "--method", "pbe"), ("three_player_coordination", "--method", "enumpoly"),
        ("chicken", "--method", "enummixed"), ("deterrence_uncertain_resolve",)]
ADDED = ("exact_certificate", "exact_recheck")


@pytest.mark.parametrize("args", RUNS, ids=lambda a: a[0])
def test_ordinary_float_runs_are_unchanged(args: tuple[str, ...],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Certification adds diagnostics only: the same table and the same JSON as without it."""
    now_table = run("solve", *args, "--float")
    now_json = json.loads(run("solve", *args, "--float", "--format", "json")[1])
    monkeypatch.setattr(float_audit, "exact_origin", lambda game: None)
    before_table = run("solve", *args, "--float")
    before_json = json.loads(run("solve", *args, "--float", "--format", "json")[1])
    assert now_table == before_table and now_table[0] == 0
    assert "exact_certificate" in now_json["diagnostics"]
    assert now_json["diagnostics"]["exact_certificate"]["refuted"] == 0
    for key in ADDED:
        now_json["diagnostics"].pop(key, None)
        if key == "exact_certificate":
            before_json["diagnostics"].pop(key, None)
    if "exact_recheck" in before_json["diagnostics"]:  # normal forms: re-checked before as well
        before_json["diagnostics"].pop("exact_recheck")
    assert now_json == before_json


def test_a_mixed_subgame_equilibrium_is_certified_in_every_subgame() -> None:
    builder = TreeBuilder(["one", "two"], exact=True)
    root = builder.add_decision(-1, None, player=0, infoset="enter", actions=["out", "in"])
    builder.add_terminal(root, "out", payoffs=[BIG, 0])
    match = builder.add_decision(root, "in", player=0, infoset="guess", actions=["h", "t"])
    for action, wins in (("h", (BIG + 3, BIG - 1)), ("t", (BIG - 1, BIG + 3))):
        node = builder.add_decision(match, action, player=1, infoset="call", actions=["h", "t"])
        builder.add_terminal(node, "h", payoffs=[wins[0], -wins[0]])
        builder.add_terminal(node, "t", payoffs=[wins[1], -wins[1]])
    exact = builder.build()
    result = solve(_float_game(exact), "spe")
    assert len(result.equilibria) == 1
    eq = result.equilibria[0]
    assert np.allclose(np.concatenate(eq.strategies), [0, 1, 0.5, 0.5, 0.5, 0.5])
    assert _exact_regret(exact, eq, spe=True) == 0  # the subgame's mixed play, checked exactly
    assert result.diagnostics["exact_certificate"]["certified"] == 1
    wrong = (eq.strategies[0], np.array([0.75, 0.25]), eq.strategies[2])
    assert exact_regret(exact, rationalise(wrong), subgame_perfect=True) > 0
