"""Tests of the Gambit ``.nfg`` / ``.efg`` reader and writer (``model.gambit_format``).

1. the examples of ``docs/anchors.md`` section 2 parse to the exact games they describe;
2. ``read(write(game)) == game`` for random normal forms and random trees;
3. our writer agrees with pygambit's reader, and our reader with pygambit's writer;
4. malformed files raise :class:`GambitFormatError` at the right line (and nothing else escapes).
"""

from __future__ import annotations

import io
import itertools
import random
import time
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.errors import GambitFormatError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree, TreeBuilder
from alliance_games.model.gambit_format import (
    read_efg,
    read_gambit,
    read_nfg,
    write_efg,
    write_nfg,
)

gbt = pytest.importorskip("pygambit")

F = Fraction

DETERRENCE_EFG = """\
EFG 2 R "Extended deterrence with uncertain resolve" { "Leader" "Rival" }
"Nature picks Rival type; Leader cannot observe it"

c "root" 1 "type" { "Resolute" 1/3 "Irresolute" 2/3 } 0
p "" 2 1 "R:resolute" { "Challenge" "Stay" } 0
p "" 1 1 "L:challenged" { "Defend" "Abandon" } 0
t "" 1 "War" { -2, 1 }
t "" 2 "Concede" { -1, 2 }
t "" 3 "SQ" { 1, 0 }
p "" 2 2 "R:irresolute" { "Challenge" "Stay" } 0
p "" 1 1 0
t "" 4 "Backdown" { 1, -2 }
t "" 2
t "" 3
"""

THREE_PLAYER_NFG = """\
NFG 1 R "Leader-Ally-Rival" { "Leader" "Ally" "Rival" } { 2 2 2 }
""
4 2 -1   1 3 -1   2 0 1   0 0 1
-1 -1 3  -2 1 2   0 0 2   -1 0 2
"""

OUTCOME_NFG = """\
NFG 1 R "2x2 deterrence" { "Leader" "Rival" }
{ { "Fight" "Yield" } { "Challenge" "Stay" } }
""
{
{ "war" -1, -2 }
{ "concede" 0, 1 }
{ "status quo" 1, 0 }
}
1 2 3 3
"""


# ---- 1. the documented examples -----------------------------------------------------------------
def test_deterrence_efg() -> None:
    tree = read_gambit(DETERRENCE_EFG, "deterrence.efg")
    assert isinstance(tree, GameTree)
    assert tree.players == ("Leader", "Rival")
    assert tree.title == "Extended deterrence with uncertain resolve"
    assert tree.kind.tolist() == [CHANCE, DECISION, DECISION, TERMINAL, TERMINAL, TERMINAL,
                                  DECISION, DECISION, TERMINAL, TERMINAL, TERMINAL]
    assert tree.parent.tolist() == [-1, 0, 1, 2, 2, 1, 0, 6, 7, 7, 6]
    assert tree.node_label[0] == "root"
    assert tree.actions(0) == ("Resolute", "Irresolute")
    assert [tree.edge_prob[e] for e in tree.edges(0)] == [F(1, 3), F(2, 3)]
    assert all(isinstance(tree.edge_prob[e], Fraction) for e in tree.edges(0))
    by_name = {s.name: s for s in tree.infosets}
    assert set(by_name) == {"R:resolute", "L:challenged", "R:irresolute"}
    assert by_name["L:challenged"].nodes == (2, 7)
    assert by_name["L:challenged"].player == 0
    assert by_name["L:challenged"].actions == ("Defend", "Abandon")
    assert by_name["R:resolute"].nodes == (1,) and by_name["R:resolute"].player == 1
    assert by_name["R:irresolute"].nodes == (6,)
    assert by_name["R:irresolute"].actions == ("Challenge", "Stay")
    expected = {3: ("War", (-2, 1)), 4: ("Concede", (-1, 2)), 5: ("SQ", (1, 0)),
                8: ("Backdown", (1, -2)), 9: ("Concede", (-1, 2)), 10: ("SQ", (1, 0))}
    for node, (label, payoffs) in expected.items():
        assert tree.outcome_label[node] == label
        assert tree.node_payoffs[node].tolist() == [F(p) for p in payoffs]
        assert tree.path_payoffs[node].tolist() == [F(p) for p in payoffs]
    assert _has(tree).tolist() == [tree.kind[k] == TERMINAL for k in range(11)]
    assert tree.check_perfect_recall() == []


def test_three_player_payoff_nfg() -> None:
    game = read_gambit(THREE_PLAYER_NFG, "lar.nfg")
    assert isinstance(game, NormalFormGame)
    assert game.players == ("Leader", "Ally", "Rival")
    assert game.strategies == (("1", "2"),) * 3
    assert game.title == "Leader-Ally-Rival"
    assert game.exact
    listing = [(4, 2, -1), (1, 3, -1), (2, 0, 1), (0, 0, 1),
               (-1, -1, 3), (-2, 1, 2), (0, 0, 2), (-1, 0, 2)]
    for k, payoffs in enumerate(listing):  # player 1 varies fastest
        profile = (k % 2, (k // 2) % 2, k // 4)
        assert [game.payoffs[(i, *profile)] for i in range(3)] == [F(p) for p in payoffs]
    assert isinstance(game.payoffs[0, 0, 0, 0], Fraction)


def test_outcome_nfg() -> None:
    game = read_nfg(OUTCOME_NFG, "deter.nfg")
    assert game.players == ("Leader", "Rival")
    assert game.strategies == (("Fight", "Yield"), ("Challenge", "Stay"))
    assert game.payoffs[0].tolist() == [[F(-1), F(1)], [F(0), F(1)]]
    assert game.payoffs[1].tolist() == [[F(-2), F(0)], [F(1), F(0)]]


def test_numbers_are_exact() -> None:
    text = 'NFG 1 D "n" { "A" "B" "C" } { 1 1 1 } 0.1 1/3 1e-2\n'
    game = read_nfg(text, "n.nfg")
    assert game.payoffs.ravel().tolist() == [F(1, 10), F(1, 3), F(1, 100)]
    text = 'NFG 1 R "n" { "A" "B" "C" "D" } { 1 1 1 1 } "c" +3 -.5 2.5E+1 -7/4\n'
    assert read_nfg(text, "n.nfg").payoffs.ravel().tolist() == [F(3), F(-1, 2), F(25), F(-7, 4)]


def test_efg_details() -> None:
    text = '''EFG 2 R "say \\"hi\\"" { "A" "B" }
    c "" 1 "" { "x" 1/2 "y" 0.5 } 1 "stage" { 1 1/2 }
    p "n1" 1 1 "" { "a" "b" } 0
    p "" 2 4 "" { "c" } 2 "mid" { 0, -1 }
    t "" 3 "end" { 1 2 }
    t "" 4 "" { 0 0 }
    c "" 1 0
    p "" 1 1 "" { "a" "b" } 0
    t "" 3
    t "" 0
    p "" 2 7 "L" { "u" "d" } 0
    t "" 3
    p "" 1 9 "L" { "l" "r" } 5 "x" { 2 2 }
    t "" 3
    t "" 4
    '''
    tree = read_efg(text, "d.efg")
    assert tree.title == 'say "hi"'
    assert tree.node_payoffs[0].tolist() == [F(1), F(1, 2)] and tree.outcome_label[0] == "stage"
    assert _has(tree)[0] and not _has(tree)[1] and _has(tree)[2]
    assert [tree.edge_prob[e] for e in tree.edges(0)] == [F(1, 2), F(1, 2)]
    assert [tree.edge_prob[e] for e in tree.edges(5)] == [F(1, 2), F(1, 2)]
    names = [s.name for s in tree.infosets]
    assert names == ["A#1", "B#4", "L", "L#9"]
    assert tree.infosets[0].nodes == (1, 6)
    assert tree.node_label[1] == "n1"
    assert tree.path_payoffs[3].tolist() == [F(2), F(3, 2)]
    assert tree.outcome_label[8] == "" and _has(tree)[8]  # terminal, outcome 0
    assert tree.node_payoffs[8].tolist() == [0, 0]


def test_label_normalisation_and_multiline_text() -> None:
    text = 'NFG 1 R "two\nlines" { "" "P" } { { "" "a" "a" } { "s" } }\n1 2 3 4 5 6\n'
    game = read_nfg(text, "x.nfg")
    assert game.title == "two\nlines"
    assert game.players == ("Player 1", "P")
    assert game.strategies == (("1", "a_2", "a_3"), ("s",))


# ---- random games -------------------------------------------------------------------------------
# pygambit 16.7 accepts printable ASCII labels without leading, trailing or double spaces, and
# mangles backslashes (it writes "\\" but reads it back as three), so "safe" labels avoid those.
WORDS = ["Fight", "Yield", "Stay", "Defend", "Abandon", 'say "hi"', "x y", "(1,2)", "{x}"]
EXOTIC = ["Défense", "line\nbreak", " lead", "tab\there", "", "a\\b", "end\\", '\\"', "\\\\"]


def _labels(rng: random.Random, count: int, safe: bool) -> list[str]:
    pool = WORDS if safe else WORDS + EXOTIC
    return [f"{rng.choice(pool)}{k}" if safe else rng.choice(pool) + str(k) for k in range(count)]


def _number(rng: random.Random) -> Fraction:
    if rng.random() < 0.6:
        return F(rng.randint(-5, 5))
    return F(rng.randint(-9, 9), rng.randint(1, 6))


def random_nfg(rng: random.Random, safe: bool) -> NormalFormGame:
    n = rng.randint(1, 4)
    sizes = [rng.randint(1, 4) for _ in range(n)]
    payoffs = np.empty((n, *sizes), dtype=object)
    payoffs.ravel()[:] = [_number(rng) for _ in range(payoffs.size)]
    return NormalFormGame(
        tuple(_labels(rng, n, safe)),
        tuple(tuple(_labels(rng, m, safe)) for m in sizes),
        payoffs,
        title=rng.choice(["", "Random game", 'a "quoted" title']),
    )


def random_tree(rng: random.Random, safe: bool, max_nodes: int = 40) -> GameTree:
    nplayers = rng.randint(1, 3)
    builder = TreeBuilder(_labels(rng, nplayers, safe), title=rng.choice(["", "tree"]))
    infosets: list[list[tuple[str, tuple[str, ...]]]] = [[] for _ in range(nplayers)]
    todo: list[tuple[int, str | None, Fraction | None, int]] = [(-1, None, None, 0)]
    count = 0
    while todo:
        parent, action, prob, depth = todo.pop()
        common: dict[str, Any] = {"label": rng.choice(["", f"n{count}"]), "prob": prob}
        r = rng.random()
        if depth >= 4 or count > max_nodes or (depth > 0 and r < 0.3):
            builder.add_terminal(parent, action, payoffs=[_number(rng) for _ in range(nplayers)],
                                 outcome=f"o{count}" if safe else rng.choice(["", f"o{count}"]),
                                 **common)
            count += 1
            continue
        if rng.random() < 0.35:
            common["payoffs"] = [_number(rng) for _ in range(nplayers)]
            common["outcome"] = f"stage{count}" if safe else rng.choice(["", f"stage{count}"])
        if r < 0.5:
            actions = tuple(_labels(rng, rng.randint(1, 3), safe))
            weights = [rng.randint(0, 4) for _ in actions]
            weights[0] += 0 if sum(weights) else 1
            probs: list[Fraction | None] = [F(w, sum(weights)) for w in weights]
            node = builder.add_chance(parent, action, **common)
        else:
            player = rng.randrange(nplayers)
            if infosets[player] and rng.random() < 0.5:
                name, actions = rng.choice(infosets[player])
            else:
                name = f"I{sum(map(len, infosets))}" + rng.choice(["", ' "q"', " x"])
                actions = tuple(_labels(rng, rng.randint(1, 3), safe))
                infosets[player].append((name, actions))
            probs = [None] * len(actions)
            node = builder.add_decision(parent, action, player=player, infoset=name,
                                        actions=actions, **common)
        count += 1
        children = list(zip(actions, probs, strict=True))
        todo.extend((node, a, p, depth + 1) for a, p in reversed(children))
    return builder.build()


def _has(tree: GameTree) -> np.ndarray:
    assert tree.has_payoff is not None
    return tree.has_payoff


def assert_same_nfg(a: NormalFormGame, b: NormalFormGame) -> None:
    assert a.players == b.players
    assert a.strategies == b.strategies
    assert a.title == b.title
    assert a.payoffs.shape == b.payoffs.shape
    assert a.payoffs.ravel().tolist() == b.payoffs.ravel().tolist()
    assert all(isinstance(x, Fraction) for x in b.payoffs.ravel())


def assert_same_tree(a: GameTree, b: GameTree) -> None:
    assert a.players == b.players and a.title == b.title
    for name in ("kind", "parent", "child_ptr", "child_index", "node_infoset", "has_payoff"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    assert a.edge_label == b.edge_label
    assert a.edge_prob.tolist() == b.edge_prob.tolist()
    assert a.node_payoffs.tolist() == b.node_payoffs.tolist()
    assert a.node_label == b.node_label and a.outcome_label == b.outcome_label
    assert a.infosets == b.infosets


# ---- 2. round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(60))
def test_nfg_round_trip(seed: int) -> None:
    game = random_nfg(random.Random(seed), safe=False)
    text = write_nfg(game)
    assert_same_nfg(game, read_nfg(text, "rt.nfg"))
    assert_same_nfg(game, read_gambit(text, "rt.nfg"))  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(60))
def test_efg_round_trip(seed: int) -> None:
    tree = random_tree(random.Random(seed), safe=False)
    text = write_efg(tree)
    assert_same_tree(tree, read_efg(text, "rt.efg"))
    assert_same_tree(tree, read_gambit(text, "rt.efg"))  # type: ignore[arg-type]


def test_random_trees_are_varied() -> None:
    trees = [random_tree(random.Random(seed), safe=False) for seed in range(60)]
    assert any(any(len(s.nodes) > 1 for s in t.infosets) for t in trees)
    assert any((t.kind == CHANCE).any() for t in trees)
    assert any((_has(t) & (t.kind != TERMINAL)).any() for t in trees)


def test_float_games_are_written_exactly() -> None:
    game = NormalFormGame.from_arrays([[0.1, 1e-5]], [[2.0, 1e16]], exact=False)
    text = write_nfg(game)
    assert "e" not in text.split("\n", 3)[3]  # plain decimals, which pygambit also reads
    back = read_nfg(text, "f.nfg")
    assert back.payoffs.ravel().tolist() == [F(1, 10), F(1, 10**5), F(2), F(10**16)]
    builder = TreeBuilder(["A"], exact=False)
    root = builder.add_chance(-1, None)
    for k in range(3):
        builder.add_terminal(root, f"c{k}", payoffs=[0.5], prob=1 / 3)
    back_tree = read_efg(write_efg(builder.build()), "f.efg")
    assert sum(back_tree.edge_prob[e] for e in back_tree.edges(0)) == 1


def test_backslashes_and_quotes() -> None:
    labels = ["ends with \\", 'q"uote', '\\"', "a\\b", "\\\\"]
    game = NormalFormGame.from_arrays(*[np.full((1,) * 5, k) for k in range(5)], players=labels)
    text = write_nfg(game)
    assert text.startswith(r'NFG 1 R "" { "ends with \\" "q\"uote" "\\\"" "a\\b" "\\\\" }')
    assert read_nfg(text, "b.nfg").players == tuple(labels)
    # a lone backslash before anything but '"' or '\\' is an ordinary character
    assert read_nfg('NFG 1 R "C:\\dir\\x" { "A" } { 1 } 0', "b.nfg").title == "C:\\dir\\x"
    # pygambit writes a backslash as '\\' (its own reader then mangles it; ours does not)
    g = gbt.read_nfg(io.StringIO('NFG 1 R "x" { "a\\b" } { 1 }\n""\n1\n'))
    assert read_nfg(g.to_nfg(), "pg.nfg").players == ("a\\b",)


def test_deep_tree_is_read_without_recursion() -> None:
    depth = 50_000
    lines = ['EFG 2 R "deep" { "A" }', 'p "" 1 1 "I" { "go" "stop" } 0']
    lines += ['p "" 1 1 0'] * depth
    lines += ['t "" 1 "end" { 1 }'] + ['t "" 2 "stop" { 0 }'] * (depth + 1)
    start = time.perf_counter()
    tree = read_efg("\n".join(lines), "deep.efg")
    assert tree.num_nodes == 2 * depth + 3
    assert len(tree.infosets[0].nodes) == depth + 1
    assert_same_tree(tree, read_efg(write_efg(tree), "deep.efg"))
    assert time.perf_counter() - start < 60


# ---- 3. agreement with pygambit -----------------------------------------------------------------
def _pg_nfg_matches(g: Any, game: NormalFormGame) -> None:
    players = list(g.players)
    assert [p.label for p in players] == list(game.players)
    assert [[s.label for s in p.strategies] for p in players] == [list(s) for s in game.strategies]
    arrays = g.to_arrays()
    for i in range(game.num_players):
        assert [F(x) for x in np.asarray(arrays[i]).ravel()] == game.payoffs[i].ravel().tolist()
    for profile in itertools.product(*(range(m) for m in game.shape)):
        outcome = g[list(profile)]
        for i, player in enumerate(players):
            assert F(outcome[player]) == game.payoffs[(i, *profile)]


@pytest.mark.parametrize("seed", range(40))
def test_nfg_agrees_with_pygambit(seed: int) -> None:
    game = random_nfg(random.Random(1000 + seed), safe=True)
    g = gbt.read_nfg(io.StringIO(write_nfg(game)))
    _pg_nfg_matches(g, game)
    assert g.title == game.title
    assert_same_nfg(game, read_nfg(g.to_nfg(), "pygambit.nfg"))  # outcome version


def _pg_efg_matches(g: Any, tree: GameTree) -> None:
    players = list(g.players)
    assert [p.label for p in players] == list(tree.players)
    nodes = list(g.nodes)  # pre-order
    assert len(nodes) == tree.num_nodes
    members: dict[Any, list[int]] = {}
    for k, node in enumerate(nodes):
        assert node.label == tree.node_label[k]
        kind = int(tree.kind[k])
        assert node.is_terminal == (kind == TERMINAL)
        if kind != TERMINAL:
            actions = list(node.infoset.actions)
            assert [a.label for a in actions] == list(tree.actions(k))
            assert node.infoset.player.is_chance == (kind == CHANCE)
        if kind == CHANCE:
            assert [F(a.prob) for a in actions] == [tree.edge_prob[e] for e in tree.edges(k)]
        elif kind == DECISION:
            infoset = tree.infosets[int(tree.node_infoset[k])]
            assert node.player.label == tree.players[infoset.player]
            assert node.infoset.label == infoset.name
            members.setdefault(node.infoset, []).append(k)
        if _has(tree)[k]:  # (pygambit's "no outcome" is an object that equals None)
            assert node.outcome != None and node.outcome.label == tree.outcome_label[k]  # noqa: E711
            assert [F(node.outcome[p]) for p in players] == tree.node_payoffs[k].tolist()
        else:
            assert node.outcome == None  # noqa: E711
    assert sorted(tuple(m) for m in members.values()) == sorted(s.nodes for s in tree.infosets)


@pytest.mark.parametrize("seed", range(40))
def test_efg_agrees_with_pygambit(seed: int) -> None:
    tree = random_tree(random.Random(2000 + seed), safe=True)
    g = gbt.read_efg(io.StringIO(write_efg(tree)))
    _pg_efg_matches(g, tree)
    assert g.title == tree.title
    assert_same_tree(tree, read_efg(g.to_efg(), "pygambit.efg"))


def test_documented_examples_agree_with_pygambit() -> None:
    g = gbt.read_efg(io.StringIO(DETERRENCE_EFG))
    tree = read_efg(DETERRENCE_EFG, "deterrence.efg")
    _pg_efg_matches(g, tree)
    # pygambit's reduced strategic form of the tree, read back by us
    game = read_nfg(g.to_nfg(), "reduced.nfg")
    _pg_nfg_matches(g, game)
    for text in (THREE_PLAYER_NFG, OUTCOME_NFG):
        _pg_nfg_matches(gbt.read_nfg(io.StringIO(text)), read_nfg(text, "doc.nfg"))


# ---- 4. malformed input -------------------------------------------------------------------------
HEAD2 = 'EFG 2 R "t" { "A" "B" }\n""\n'
NFG2 = 'NFG 1 R "t" { "A" "B" } { 2 2 }\n""\n'
BAD = [
    ("", 1, "expected the header"),
    ("\n\nGAME 1 R", 3, "expected the header"),
    ('NFG 2 R "t" { "A" } { 1 }\n1\n', 1, "format version 1"),
    ('NFG 1 R "t" { "A" "B" }\n{ 2 }\n""\n1 2 3 4', 2, "for 1 players, but the game has 2"),
    ('NFG 1 R "t" { "A" }\n{ 2 2 2 }\n', 2, "for 3 players, but the game has 1"),
    ('NFG 1 R "t" { "A" "B" }\n{ 10000\n 10000 }\n1 2', 3, "strategy profiles"),
    ('NFG 1 R "t" { }\n{ }\n', 1, "no players"),
    ('NFG 1 R "t" { "A" } { 1 }\n"unterminated\n1 2\n', 2, "unterminated"),
    (NFG2 + "1 2 3 4\n5 6\n", 4, "ends after 6 of 8 payoffs"),
    (NFG2 + "1 2 3 4\n5 six 7 8\n", 4, "expected a payoff"),
    (NFG2 + "1 2 3 4\n5 6 7 8\n9\n", 5, "after the last payoff"),
    (NFG2 + "1 2 3 4 5 6 7 1/0\n", 3, "invalid number"),
    (NFG2 + "1 2 3 4 5 6 7 1e99999\n", 3, "exponent"),
    (NFG2 + '{ { "a" 1, 2 }\n{ "b" 1 2 3 } }\n1 1 2 2\n', 4, "more than 2 payoffs"),
    (NFG2 + '{ { "a" 1, 2 }\n{ "b" 1 } }\n1 1 2 2\n', 4, "has 1 payoffs"),
    (NFG2 + '{ { "a" 1, 2 } }\n1 1\n2 1\n', 5, "unknown outcome 2"),
    (NFG2 + '{ { "a" 1, 2 } }\n1 1\n', 4, "ends after 2 of 4 outcome indices"),
    (NFG2 + '{ { "a" 1, } }\n1 1 1 1\n', 3, "expected a payoff"),
    (HEAD2, 2, "no nodes"),
    (HEAD2 + 'p "" 1 1 "I" { "a" "b" } 0\nt "" 1 "x" { 1 2 }\n', 4, "ends before the tree"),
    (HEAD2 + 't "" 1 "x" { 1 2 3 }\n', 3, "more than 2 payoffs"),
    (HEAD2 + 't "" 1 "x" {\n 1 }\n', 4, "has 1 payoffs, expected 2"),
    (HEAD2 + 'p "" 1 1 "I" { "a" "b" } 0\nt "" 1 "x" { 1 2 }\nt "" 7\n', 5, "unknown outcome 7"),
    (HEAD2 + 'p "" 1 1 "I" { "a" } 0\np "" 1 1 "I" { "a" "b" } 0\nt "" 0\n', 4, "differently"),
    (HEAD2 + 'p "" 1 1 "I" { "a" } 0\np "" 1 2 0\nt "" 0\n', 4, "used before it is defined"),
    (HEAD2 + 'c "" 1 "" { "a" 1/2\n"b" -1/2 "c" 1 } 0\n', 4, "negative probability"),
    (HEAD2 + 'c "" 1 "" { "a" 1/2\n"b" 1/3\n} 0\n', 5, "sum to 5/6"),
    (HEAD2 + 'c "" 1 "" { "a" 1 } 0\nc "" 1 "" { "a" 1/2 "b" 1/2 } 0\n', 4, "differently"),
    (HEAD2 + 'p "" 3 1 "I" { "a" } 0\n', 3, "player number"),
    (HEAD2 + 'p "" 1 0 "I" { "a" } 0\n', 3, "information set id"),
    (HEAD2 + 'p "" 1 1 "I" { } 0\n', 3, "at least one action"),
    (HEAD2 + 't "" 0 "x" { 1 2 }\n', 3, "outcome 0"),
    (HEAD2 + 't "" 1 "x" { 1 2 }\n t "" 1\n', 4, "after the last node"),
    (HEAD2 + 'p "" 1 1 "I" { "a" } 1 "x" { 1 2 }\nt "" 1 "x" { 1 3 }\n', 4, "redefined"),
    (HEAD2 + 'x "" 1\n', 3, "expected a node"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "I" { "a" } 0 t "a\\" 0\n', 2, "unterminated"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_input(text: str, line: int, fragment: str) -> None:
    with pytest.raises(GambitFormatError) as info:
        read_gambit(text, "bad.gbt")
    assert info.value.path == "bad.gbt"
    assert info.value.line == line, info.value.message
    assert fragment in info.value.message


def test_format_specific_readers_check_the_header() -> None:
    with pytest.raises(GambitFormatError, match="'NFG'"):
        read_nfg(DETERRENCE_EFG, "x.nfg")
    with pytest.raises(GambitFormatError, match="'EFG'"):
        read_efg(OUTCOME_NFG, "x.efg")


def _mutations(text: str, rng: random.Random, count: int) -> list[str]:
    out = [text[:k] for k in range(0, len(text), 3)]
    alphabet = ['"', "{", "}", ",", " ", "\n", "0", "-1", "1/0", "x", "p", "t", "c", "\\"]
    for _ in range(count):
        k = rng.randrange(len(text))
        j = k + rng.randint(0, 4)
        out.append(text[:k] + rng.choice(alphabet) + text[j:])
    return out


@pytest.mark.parametrize("source", ["efg", "nfg-pay", "nfg-out"])
def test_mutated_files_raise_only_gambit_errors(source: str) -> None:
    rng = random.Random(source)
    text = {"efg": DETERRENCE_EFG, "nfg-pay": THREE_PLAYER_NFG, "nfg-out": OUTCOME_NFG}[source]
    for mutated in _mutations(text, rng, 400):
        try:
            read_gambit(mutated, "m")
        except GambitFormatError as exc:
            assert exc.line is not None and 1 <= exc.line <= mutated.count("\n") + 1


_PIECES = st.sampled_from(['"', '"x"', '\\"', "{", "}", ",", " ", "\n", "0", "1", "2", "-1", "1/3",
                           "1/0", "0.5", "1e9", "p", "t", "c", "R", "NFG", "EFG", "2", "x"])


@pytest.mark.fuzz
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", "NFG 1 R ", "EFG 2 R ", HEAD2, NFG2]), st.lists(_PIECES, max_size=40))
def test_fuzzed_text_raises_only_gambit_errors(prefix: str, pieces: list[str]) -> None:
    text = prefix + " ".join(pieces)
    try:
        read_gambit(text, "fuzz")
    except GambitFormatError as exc:
        assert exc.line is not None and exc.path == "fuzz"
