"""Reusable subtrees (``subtrees`` / ``use`` / ``with``) in tree models."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from alliance_games.errors import ModelError
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from tests.paths import DATA

FIXTURE = DATA / "valid" / "templates.yaml"

BASE = """title: t
players: [leader, ally]
parameters:
  - {name: cost, default: 1}
"""


def test_subtrees_expand_with_substituted_expressions_and_names() -> None:
    tree = compile_model(load_model(str(FIXTURE))).at()
    assert [s.name for s in tree.infosets] == [
        "leader@root", "leader@engage/crisis", "leader@stay_out/crisis"]
    defend = [n for n in range(tree.num_nodes) if tree.node_tags[n] == ("war",)]
    # scale = first_scale = 2 under engage; scale = cost + 1 = 3/2 under stay_out (cost = 1/2)
    assert [tree.node_payoffs[n, 0] for n in defend] == [Fraction(-1), Fraction(-3, 4)]
    assert ("abandonment:ally_asia",) in tree.node_tags
    assert ("abandonment:ally_europe",) in tree.node_tags
    engage_child = int(tree.children(0)[0])
    assert list(tree.node_payoffs[engage_child]) == [1, 0, 0]  # the use node's own payoffs
    assert ("quiet",) in tree.node_tags


def test_parameters_still_move_the_expanded_payoffs() -> None:
    tree = compile_model(load_model(str(FIXTURE))).at({"cost": "1"})
    defend = [n for n in range(tree.num_nodes) if tree.node_tags[n] == ("war",)]
    assert [tree.node_payoffs[n, 0] for n in defend] == [Fraction(-2), Fraction(-2)]


@pytest.mark.parametrize(
    ("body", "line", "phrase"),
    [
        ("subtrees:\n  a: {tree: {use: a}}\ntree: {use: a}\n", 6, "uses itself"),
        ("subtrees:\n  a: {arguments: [x], tree: {use: a, with: {x: x + 1}}}\n"
         "tree: {use: a, with: {x: 1}}\n", 6, "nest more than"),
        ("tree: {use: nothing}\n", 5, "unknown subtree 'nothing'"),
        ("subtrees:\n  a: {arguments: [x], tree: [x, 0]}\ntree: {use: a}\n", 7,
         "missing argument 'x'"),
        ("subtrees:\n  a: {arguments: [x], tree: [x, 0]}\ntree: {use: a, with: {x: 1, y: 2}}\n",
         7, "unknown argument 'y'"),
        ("subtrees:\n  a: {arguments: [cost], tree: [1, 0]}\ntree: {use: a}\n", 6,
         "name of a parameter"),
        ("subtrees:\n  a: {arguments: [x], tree: {player: '${y}', actions: {A: [0, 0]}}}\n"
         "tree: {use: a, with: {x: leader}}\n", 6, "unknown placeholder ${y}"),
        ("subtrees:\n  a: {arguments: [x], tree: [x, 0]}\ntree: {use: a, with: {x: leader}}\n",
         6, "not an expression here"),
    ],
)
def test_subtree_errors_are_located(tmp_path: Path, body: str, line: int, phrase: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(BASE + body)
    with pytest.raises(ModelError) as info:
        load_model(str(path))
    assert phrase in str(info.value)
    assert f"{path}:{line}:" in str(info.value)


def test_repeated_payoffs_compile_to_distinct_expressions_once() -> None:
    compiled = compile_model(load_model(str(FIXTURE)))
    assert compiled._distinct_count < compiled.size


def test_exact_evaluation_keeps_rational_constants_inside_expressions(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(BASE + "tree:\n  player: leader\n  actions:\n    A: [cost / 5 + 2/3, 0]\n"
                    "    B: [0.2 * cost, 1]\n")
    tree = compile_model(load_model(str(path))).at({"cost": "1/7"})
    assert tree.node_payoffs[1, 0] == Fraction(1, 35) + Fraction(2, 3)
    assert tree.node_payoffs[2, 0] == Fraction(1, 35)
