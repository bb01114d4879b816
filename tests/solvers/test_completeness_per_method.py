"""Completeness is a promise: one test per row of the method table.

For every method, games whose equilibrium class (the row's ``complete`` text) is known by hand
are solved on the command line. ``complete: true`` must come with every member of the class
listed (and nothing else); methods that are never complete must say ``complete: false``. The
class is stated in the JSON (``enumerates``), in the table's line under the equilibria and in
``solve --help``. The cases are looked up by method name, so a new row without a case fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model.gambit_format import write_efg, write_nfg
from alliance_games.solvers.methods import BY_NAME, METHODS
from tests.cli.entry import run

PBE_DATA = Path(__file__).resolve().parents[1] / "data" / "pbe"
F = Fraction
HALF = F(1, 2)
Profile = dict[str, Fraction]  # "strategy label" (normal form) or "infoset:action" -> probability
Case = Callable[[Path], None]


# ---- games known by hand -----------------------------------------------------------------------
def battle_of_the_sexes() -> NormalFormGame:
    """Row gets 2 at (B, B) and 1 at (S, S), column the reverse, 0 off the diagonal. Equilibria:
    (B, B), (S, S) and the mixed one where each makes the other indifferent: row plays B with
    p = 2/3 (column: p * 1 = (1 - p) * 2), column plays B with q = 1/3 (row: 2q = 1 - q)."""
    return NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]], players=["row", "col"],
                                      strategies=[["B", "S"], ["b", "s"]])


BOS = [{"B": 1, "b": 1}, {"S": 1, "s": 1},
       {"B": F(2, 3), "S": F(1, 3), "b": F(1, 3), "s": F(2, 3)}]


def dominant_row_continuum() -> NormalFormGame:
    """Top gives the row player 1 and bottom 0 whatever the column, so top is strictly dominant;
    against top the column player gets 1 from either column. The equilibria are (top, any
    mixture): one segment whose extreme points are (top, left) and (top, right)."""
    return NormalFormGame.from_arrays([[1, 1], [0, 0]], [[1, 1], [0, 0]], players=["row", "col"],
                                      strategies=[["top", "bottom"], ["left", "right"]])


def coordination_3x3() -> NormalFormGame:
    """Both get i + 1 when both play i, 0 otherwise: exactly the three diagonal profiles are pure
    equilibria (off the diagonal, switching to the other's strategy gains j + 1 > 0)."""
    diagonal = [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    return NormalFormGame.from_arrays(diagonal, diagonal, players=["row", "col"],
                                      strategies=[["r1", "r2", "r3"], ["c1", "c2", "c3"]])


def matching_pennies() -> NormalFormGame:
    """Zero-sum; the unique equilibrium has both players mixing 1/2-1/2."""
    return NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]],
                                      players=["row", "col"],
                                      strategies=[["heads", "tails"], ["Heads", "Tails"]])


def bos_with_a_bystander() -> NormalFormGame:
    """Three players: row and col play the battle of the sexes whatever the third does; the third
    gets 1 from x and 0 from y whatever the others do (x strictly dominant). The equilibria are
    the three of the battle of the sexes, each with x."""
    row, col = battle_of_the_sexes().payoffs
    u1 = [[[row[i, j]] * 2 for j in range(2)] for i in range(2)]
    u2 = [[[col[i, j]] * 2 for j in range(2)] for i in range(2)]
    u3 = [[[1, 0] for _ in range(2)] for _ in range(2)]
    return NormalFormGame.from_arrays(u1, u2, u3, players=["row", "col", "bystander"],
                                      strategies=[["B", "S"], ["b", "s"], ["x", "y"]])


def cyclic_pennies() -> NormalFormGame:
    """Jordan's (1993) cyclic matching pennies: 1 matches 2, 2 matches 3, 3 mismatches 1 (payoff
    1 when satisfied, else 0). No pure equilibrium (the three wishes contradict each other). If
    player 1 played a pure strategy, 3, then 2, then 1 would answer in a cycle that contradicts
    it; so 1 mixes, so 2 plays 1/2, so 3 plays 1/2, so 1 plays 1/2: the unique equilibrium."""
    def pays(i: int, j: int, k: int) -> list[int]:
        return [int(i == j), int(j == k), int(k != i)]

    arrays = [[[[pays(i, j, k)[p] for k in range(2)] for j in range(2)] for i in range(2)]
              for p in range(3)]
    return NormalFormGame.from_arrays(*arrays, players=["one", "two", "three"],
                                      strategies=[["H1", "T1"], ["H2", "T2"], ["H3", "T3"]])


def tie_tree() -> GameTree:
    """The first player takes R (3/2 for it) or L, after which the second is indifferent between
    a (1 for the first) and b (2 for the first). Subgame-perfect with pure choices: (R, a), since
    1 < 3/2, and (L, b), since 2 > 3/2."""
    builder = TreeBuilder(["first", "second"])
    root = builder.add_decision(-1, None, player=0, infoset="first", actions=["L", "R"])
    left = builder.add_decision(root, "L", player=1, infoset="second", actions=["a", "b"])
    builder.add_terminal(left, "a", payoffs=[1, 0])
    builder.add_terminal(left, "b", payoffs=[2, 0])
    builder.add_terminal(root, "R", payoffs=[F(3, 2), 0])
    return builder.build()


TIE_SPE = [{"first:R": 1, "second:a": 1}, {"first:L": 1, "second:b": 1}]


def entry_into_bos() -> GameTree:
    """Row stays out (3/2, 0) or enters a battle of the sexes (a proper subgame: the column player
    does not see row's move inside it). Each of its three equilibria fixes the value of entering:
    (B, b) gives row 2 > 3/2, so row enters; (S, s) gives 1 and the mixed one 2/3, so row stays
    out. Three subgame-perfect equilibria; each is also a perfect Bayesian equilibrium in every
    subgame (both information sets of the subgame are reached in it)."""
    builder = TreeBuilder(["row", "col"])
    root = builder.add_decision(-1, None, player=0, infoset="entry", actions=["In", "Out"])
    move = builder.add_decision(root, "In", player=0, infoset="row", actions=["B", "S"])
    for r, pays in (("B", ([2, 1], [0, 0])), ("S", ([0, 0], [1, 2]))):
        node = builder.add_decision(move, r, player=1, infoset="col", actions=["b", "s"])
        builder.add_terminal(node, "b", payoffs=pays[0])
        builder.add_terminal(node, "s", payoffs=pays[1])
    builder.add_terminal(root, "Out", payoffs=[F(3, 2), 0])
    return builder.build()


ENTRY_SPE = [{"entry:In": 1, "row:B": 1, "col:b": 1},
             {"entry:Out": 1, "row:S": 1, "col:s": 1},
             {"entry:Out": 1, "row:B": F(2, 3), "row:S": F(1, 3), "col:b": F(1, 3),
              "col:s": F(2, 3)}]

BEER_QUICHE_PBE = [  # tests/solvers/tree/test_perfect_bayesian.py derives these by hand
    {"strong_sender:beer": 1, "weak_sender:beer": 1, "after_beer:not": 1, "after_quiche:duel": 1},
    {"strong_sender:beer": 1, "weak_sender:beer": 1, "after_beer:not": 1,
     "after_quiche:duel": HALF, "after_quiche:not": HALF},
    {"strong_sender:quiche": 1, "weak_sender:quiche": 1, "after_beer:duel": 1,
     "after_quiche:not": 1},
    {"strong_sender:quiche": 1, "weak_sender:quiche": 1, "after_beer:duel": HALF,
     "after_beer:not": HALF, "after_quiche:not": 1},
]


# ---- running and reading -----------------------------------------------------------------------
def write(tmp: Path, name: str, game: NormalFormGame | GameTree) -> str:
    path = tmp / name
    path.write_text(write_nfg(game) if isinstance(game, NormalFormGame) else write_efg(game))
    return str(path)


def solve_json(source: str, *options: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run("solve", source, *options, "--format", "json")
    assert code == 0, err
    doc: dict = json.loads(out)  # type: ignore[type-arg]
    assert doc["enumerates"] == BY_NAME[doc["method"]].complete
    return doc


def listed(doc: dict) -> list[Profile]:  # type: ignore[type-arg]
    """Every equilibrium as its nonzero probabilities; each must have zero regret (exact)."""
    found = []
    for eq in doc["equilibria"]:
        if doc["exact"]:
            assert eq["max_regret"] == "0"
        found.append({label: Fraction(p) for dist in eq["profile"].values()
                      for label, p in dist.items() if Fraction(p) != 0})
    return found


def same(found: list[Profile], expected: list[dict[str, object]]) -> bool:
    """The same equilibria, each listed once, in any order."""
    keys = [frozenset(p.items()) for p in found]
    want = [frozenset((k, Fraction(v)) for k, v in e.items()) for e in expected]  # type: ignore[arg-type]
    return len(keys) == len(set(keys)) and set(keys) == set(want)


def assert_complete(doc: dict, expected: list[dict[str, object]]) -> None:  # type: ignore[type-arg]
    """``complete`` is true and the class is exactly the equilibria listed."""
    assert doc["complete"] is True
    assert same(listed(doc), expected), listed(doc)


# ---- one case per method -------------------------------------------------------------------------
def case_pure(tmp: Path) -> None:
    doc = solve_json(write(tmp, "coordination.nfg", coordination_3x3()), "--method", "pure")
    assert_complete(doc, [{"r1": 1, "c1": 1}, {"r2": 1, "c2": 1}, {"r3": 1, "c3": 1}])
    doc = solve_json(write(tmp, "bos.nfg", battle_of_the_sexes()), "--method", "pure")
    assert_complete(doc, BOS[:2])  # the class is the pure equilibria: the mixed one is not in it


def case_enummixed(tmp: Path, method: str = "enummixed") -> None:
    doc = solve_json(write(tmp, "continuum.nfg", dominant_row_continuum()), "--method", method)
    assert_complete(doc, [{"top": 1, "left": 1}, {"top": 1, "right": 1}])
    assert doc["convex_sets"] == [[0, 1]]  # the segment between them
    assert_complete(solve_json(write(tmp, "bos.nfg", battle_of_the_sexes()), "--method", method),
                    BOS)


def case_spe(tmp: Path) -> None:
    source = write(tmp, "tie.efg", tie_tree())
    assert_complete(solve_json(source, "--method", "spe"), TIE_SPE)
    capped = solve_json(source, "--method", "spe", "--max-equilibria", "1")
    assert capped["complete"] is False and len(capped["equilibria"]) == 1  # one member missing
    assert_complete(solve_json(write(tmp, "entry.efg", entry_into_bos()), "--method", "spe"),
                    ENTRY_SPE)


def case_auto(tmp: Path) -> None:
    """``auto`` promises the class of the method it picks, and says which one it picked."""
    doc = solve_json(write(tmp, "bos.nfg", battle_of_the_sexes()))
    assert doc["method"] == "enummixed"
    assert_complete(doc, BOS)
    doc = solve_json(write(tmp, "entry.efg", entry_into_bos()))
    assert doc["method"] == "spe"
    assert_complete(doc, ENTRY_SPE)
    doc = solve_json(write(tmp, "bystander.nfg", bos_with_a_bystander()))
    assert doc["method"] == "enumpoly"
    assert_complete(doc, [{**e, "x": 1} for e in BOS])


def case_lcp(tmp: Path) -> None:
    doc = solve_json(write(tmp, "bos.nfg", battle_of_the_sexes()), "--method", "lcp")
    assert doc["complete"] is False
    found = listed(doc)  # some of the three equilibria, each once
    assert found and same(found, found) and all(any(same([p], [e]) for e in BOS) for p in found)
    doc = solve_json(write(tmp, "entry.efg", entry_into_bos()), "--method", "lcp")
    assert doc["complete"] is False and len(doc["equilibria"]) == 1


def case_lp(tmp: Path) -> None:
    doc = solve_json(write(tmp, "pennies.nfg", matching_pennies()), "--method", "lp")
    assert doc["complete"] is False  # one equilibrium by design, even where it is the only one
    assert same(listed(doc), [{"heads": HALF, "tails": HALF, "Heads": HALF, "Tails": HALF}])


def case_enumpoly(tmp: Path) -> None:
    doc = solve_json(write(tmp, "bystander.nfg", bos_with_a_bystander()), "--method", "enumpoly")
    assert_complete(doc, [{**e, "x": 1} for e in BOS])
    doc = solve_json(write(tmp, "cyclic.nfg", cyclic_pennies()), "--method", "enumpoly")
    assert_complete(doc, [{"H1": HALF, "T1": HALF, "H2": HALF, "T2": HALF, "H3": HALF,
                           "T3": HALF}])


def case_logit(tmp: Path) -> None:
    doc = solve_json(write(tmp, "pennies.nfg", matching_pennies()), "--method", "logit")
    assert doc["complete"] is False and doc["exact"] is False and len(doc["equilibria"]) == 1
    (found,) = listed(doc)
    assert all(abs(found[label] - HALF) < F(1, 1000) for label in
               ("heads", "tails", "Heads", "Tails"))


def case_pbe(tmp: Path) -> None:
    doc = solve_json(str(PBE_DATA / "beer_quiche.yaml"), "--method", "pbe")
    assert_complete(doc, BEER_QUICHE_PBE)  # two pooling components, by their extreme points
    assert doc["convex_sets"] == [[0, 1], [2, 3]]


def case_spbe(tmp: Path) -> None:
    assert_complete(solve_json(write(tmp, "entry.efg", entry_into_bos()), "--method", "spbe"),
                    ENTRY_SPE)


CASES: dict[str, Case] = {
    "auto": case_auto, "pure": case_pure, "spe": case_spe, "enummixed": case_enummixed,
    "mixed": lambda tmp: case_enummixed(tmp, "mixed"), "lcp": case_lcp, "lp": case_lp,
    "enumpoly": case_enumpoly, "logit": case_logit, "pbe": case_pbe, "spbe": case_spbe,
}
NEVER = "never complete: "
NEVER_COMPLETE = {"lcp", "lp", "logit"}  # their cases check complete is false


@pytest.mark.parametrize("method", METHODS)
def test_complete_only_when_the_whole_class_is_listed(method: str, tmp_path: Path) -> None:
    assert method in CASES, f"no completeness case for method {method!r}: add one to CASES"
    CASES[method](tmp_path)
    assert BY_NAME[method].complete.startswith(NEVER) == (method in NEVER_COMPLETE)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("method", [m for m in METHODS if m != "auto"])
def test_the_table_states_the_class_and_whether_it_is_complete(method: str,
                                                                tmp_path: Path) -> None:
    source = {"pbe": str(PBE_DATA / "beer_quiche.yaml"), "spbe": write(tmp_path, "e.efg",
                                                                        entry_into_bos()),
              "spe": write(tmp_path, "e.efg", entry_into_bos()),
              "lp": write(tmp_path, "p.nfg", matching_pennies()),
              "logit": write(tmp_path, "p.nfg", matching_pennies())}.get(
        method, write(tmp_path, "bos.nfg", battle_of_the_sexes()))
    code, out, err = run("solve", source, "--method", method)
    assert code == 0, err
    text, promise = _flat(out), _flat(BY_NAME[method].complete)
    if promise.startswith(NEVER):
        assert f"not complete, by design: {method} finds {promise.removeprefix(NEVER)}" in text
    else:
        assert f"complete: {promise}" in text and "not complete" not in text


def test_the_table_says_why_a_result_is_not_complete(tmp_path: Path) -> None:
    code, out, _ = run("solve", write(tmp_path, "tie.efg", tie_tree()), "--max-equilibria", "1")
    assert code == 0
    text = _flat(out)
    assert (f"not complete (see the warning below): searched for "
            f"{_flat(BY_NAME['spe'].complete)}") in text
    assert "warning: more than 1 equilibrium combinations in a subgame" in text


@pytest.mark.parametrize("method", METHODS)
def test_help_states_the_class(method: str) -> None:
    code, out, _ = run("solve", "--help")
    assert code == 0
    assert _flat(BY_NAME[method].complete) in _flat(out), method
