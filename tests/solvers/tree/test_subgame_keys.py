"""Content keys of subtrees, and the decomposition's re-use of a subgame solved before.

A root move of player ``first`` leads to three copies of a signalling game (a type drawn by
chance, the informed player's signal, an uninformed responder) with a tie in the responder's
payoffs, so each copy has several equilibria: copies ``A`` and ``B`` are the same game under other
information-set names, copy ``C`` differs in one payoff. The keys must say that, and ``spe`` and
``spbe`` must list exactly the equilibria they list when every subgame is solved afresh.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.tree import subgame_perfect as decomposition
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_cache import CACHE
from alliance_games.solvers.tree.subgame_keys import (
    KeyTables,
    Structures,
    _value_ids,
    subtree_key,
    subtree_rows,
)

F = Fraction


def _copy(builder: TreeBuilder, parent: int, name: str, fight: int) -> int:
    root = builder.add_chance(parent, name)
    for t in ("strong", "weak"):
        move = builder.add_decision(root, t, player=1, infoset=f"{name}_sender_{t}",
                                    actions=("Out", "In"), prob=F(1, 2))
        builder.add_terminal(move, "Out", payoffs=[0, 2, 0])
        after = builder.add_decision(move, "In", player=2, infoset=f"{name}_responder",
                                     actions=("Fight", "Accommodate", "Share"))
        builder.add_terminal(after, "Fight", payoffs=[0, -1, fight])
        builder.add_terminal(after, "Accommodate", payoffs=[1, 3, 1])
        builder.add_terminal(after, "Share", payoffs=[2, 1, 1])  # ties with Accommodate
    return root


def three_copies(fight_c: int = 0) -> tuple[GameTree, list[int]]:
    builder = TreeBuilder(("first", "sender", "responder"))
    top = builder.add_decision(-1, None, player=0, infoset="first", actions=("A", "B", "C"))
    roots = [_copy(builder, top, name, fight_c if name == "C" else -1) for name in "ABC"]
    return builder.build(), roots


def _listing(result: object) -> list[tuple[object, ...]]:
    return [(tuple(tuple(d) for d in eq.strategies), tuple(eq.payoffs), eq.max_regret)
            for eq in result.equilibria]  # type: ignore[attr-defined]


def test_equal_games_have_equal_keys_and_a_changed_payoff_changes_the_key() -> None:
    tree, (a, b, c) = three_copies()
    rows = subtree_rows(tree)
    assert rows is not None
    assert subtree_key(tree, rows, a) == subtree_key(tree, rows, b)
    assert subtree_key(tree, rows, a) != subtree_key(tree, rows, c)
    assert subtree_key(tree, rows, a) != subtree_key(tree, rows, 0)


def test_keys_see_probabilities_and_labels() -> None:
    tree, (a, b, _) = three_copies()
    probs = tree.edge_prob.copy()
    probs[tree.child_ptr[b]] = F(1, 3)
    probs[tree.child_ptr[b] + 1] = F(2, 3)
    moved = tree._replace(edge_prob=probs)
    rows = subtree_rows(moved)
    assert rows is not None and subtree_key(moved, rows, a) != subtree_key(moved, rows, b)
    labels = list(tree.edge_label)
    labels[int(tree.child_ptr[b])] = "tough"
    renamed = tree._replace(edge_label=tuple(labels))
    rows = subtree_rows(renamed)
    assert rows is not None and subtree_key(renamed, rows, a) != subtree_key(renamed, rows, b)


def test_float_trees_get_no_keys() -> None:
    tree, _ = three_copies()
    assert subtree_rows(tree.to_float()) is None


@pytest.mark.parametrize("fight_c", [0, -1])
@pytest.mark.parametrize("distinct", [False, True])
def test_reused_subgames_give_the_equilibria_of_solving_each_afresh(
        monkeypatch: pytest.MonkeyPatch, fight_c: int, distinct: bool) -> None:
    tree, _ = three_copies(fight_c)
    CACHE.clear()  # solves of other tests must not stand for this one's subgames
    copied = decomposition._Decomposition._copied
    reused: list[int] = []

    def spy(found: list) -> list:  # type: ignore[type-arg]
        reused.append(len(found))
        return copied(found)

    monkeypatch.setattr(decomposition._Decomposition, "_copied", staticmethod(spy))
    spe = decomposition.subgame_perfect(tree, distinct=distinct)
    # the normal-form solver's warnings name supports: no copy stands for another
    assert not reused
    spbe = subgame_perfect_bayesian(tree, distinct=distinct)
    assert len(spe.equilibria) > 1 and len(spbe.equilibria) > 1
    assert len(reused) == (2 if fight_c == -1 else 1)  # copy A takes B's (and C's) solutions
    monkeypatch.setattr(decomposition, "subtree_rows", lambda _tree: None)
    assert _listing(decomposition.subgame_perfect(tree, distinct=distinct)) == _listing(spe)
    assert _listing(subgame_perfect_bayesian(tree, distinct=distinct)) == _listing(spbe)


def _pattern(rows: object) -> list[list[bool]]:
    """Which nodes have equal rows (what the ids mean, whatever their values)."""
    ids = list(rows)  # type: ignore[call-overload]
    return [[a == b for b in ids] for a in ids]


def _with_payoffs(tree: GameTree, changes: dict[tuple[int, int], Fraction]) -> GameTree:
    """``tree`` with the payoff entries ``changes`` set, every other entry the same object."""
    payoffs = tree.node_payoffs.copy()
    for (node, player), value in changes.items():
        payoffs[node, player] = value
    return tree._replace(node_payoffs=payoffs)


@pytest.mark.parametrize("changes", [
    {},  # the same numbers: the last rows as they were
    {(3, 2): F(5)},  # one entry: only its node's row recomputed
    {(3, 2): F(-1, 1)},  # another object with the same value: the same rows
    "all"])  # every entry another object: the full pass
def test_rows_from_the_last_tree_mean_what_fresh_rows_mean(
        changes: dict[tuple[int, int], Fraction] | str) -> None:
    tree, (a, b, c) = three_copies()
    tables = KeyTables()
    assert subtree_rows(tree, tables) is not None  # remembered for the structure
    if changes == "all":
        payoffs = np.empty(tree.node_payoffs.shape, dtype=object)
        payoffs[...] = [[Fraction(v.numerator, v.denominator) for v in row]
                        for row in tree.node_payoffs]
        moved = tree._replace(node_payoffs=payoffs)
    else:
        assert isinstance(changes, dict)
        moved = _with_payoffs(tree, changes)
    again = subtree_rows(moved, tables)
    fresh = subtree_rows(moved, KeyTables())
    assert again is not None and fresh is not None
    assert _pattern(again) == _pattern(fresh)
    assert (subtree_key(moved, again, a) == subtree_key(moved, again, b)) == \
        (subtree_key(moved, fresh, a) == subtree_key(moved, fresh, b))
    # one tables: a subtree of the new tree equal to one of the old has the old key
    old = subtree_rows(tree, tables)
    assert old is not None
    assert subtree_key(tree, old, c) == subtree_key(moved, subtree_rows(moved, tables), c)


def test_a_changed_probability_touches_its_parents_row() -> None:
    tree, (a, b, _) = three_copies()
    tables = KeyTables()
    before = subtree_rows(tree, tables)
    probs = tree.edge_prob.copy()
    probs[tree.child_ptr[b]], probs[tree.child_ptr[b] + 1] = F(1, 3), F(2, 3)
    moved = tree._replace(edge_prob=probs)
    after = subtree_rows(moved, tables)
    assert before is not None and after is not None
    assert after[b] != before[b] and after[a] == before[a]
    assert _pattern(after) == _pattern(subtree_rows(moved, KeyTables()))


def test_a_changed_number_that_is_not_rational_gives_no_rows() -> None:
    tree, _ = three_copies()
    tables = KeyTables()
    subtree_rows(tree, tables)
    payoffs = tree.node_payoffs.copy()
    payoffs[3, 2] = 0.5
    assert subtree_rows(tree._replace(node_payoffs=payoffs), tables) is None


def test_a_compiled_model_carries_its_unchanged_numbers_over() -> None:
    compiled = compile_model(load_model("snyder_alliance_dilemma"))
    first = compiled.distinct_values({"entrapment_cost": Fraction(3, 5)})
    second = compiled.distinct_values({"entrapment_cost": Fraction(7, 10)})
    same = [x is y for x, y in zip(first, second, strict=True)]
    assert all(x == y for x, y, kept in zip(first, second, same, strict=True) if kept)
    assert any(same) and not all(same)
    assert all(x is not y for x, y in zip(first, second, strict=True) if x != y)


def test_structure_facts_are_found_by_parts_and_by_value() -> None:
    structures = Structures()
    tree, _ = three_copies()
    facts = structures.of(tree)
    facts["mark"] = 1
    # new numbers, the same structure objects: the same facts
    assert structures.of(_with_payoffs(tree, {(3, 2): F(5)})) is facts
    renamed = tree._replace(players=("x", "y", "z"))
    other = structures.of(renamed)
    assert other is not facts and "mark" not in other
    other["mark"] = 2
    # equal players in a new tuple (a key built anew from the same parts): found by its parts
    assert structures.of(renamed._replace(players=tuple(list(renamed.players)))) is other
    # an equal structure of other objects: found by value
    again, _ = three_copies()
    assert again.structure_key is not tree.structure_key
    assert structures.of(again) is facts
    assert structures.of(renamed) is other


def test_value_ids_by_identity_equal_value_ids_by_value() -> None:
    numbers = [F(1, 3), F(2, 3), F(1, 3), 1, F(1), F(-7, 2)]
    values = np.empty(len(numbers), dtype=object)
    values[:] = numbers
    by_value: dict[object, int] = {}
    plain = _value_ids(values, by_value)
    table: dict[object, int] = {}
    held: dict[int, tuple[object, int]] = {}
    first = _value_ids(values, table, held)
    again = _value_ids(values.copy(), table, held)  # the same objects: found by identity
    assert plain is not None and first is not None and again is not None
    assert _pattern(plain) == _pattern(first) == _pattern(numbers)
    assert again.tolist() == first.tolist()
    fresh = np.empty(2, dtype=object)
    fresh[:] = [F(2, 3), F(5)]  # another object of a known value, and a new value
    found = _value_ids(fresh, table, held)
    assert found is not None
    assert found[0] == first[1] and found[1] not in first.tolist()
