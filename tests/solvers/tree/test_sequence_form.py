"""Sequence form and Lemke's algorithm on it (Koller, Megiddo & von Stengel 1996).

Checked against known equilibria (Gambit's uncertain-resolve deterrence example, Kuhn poker with
value -1/18), against exact regret computed two ways (our ``behaviour_regrets`` and pygambit's
``max_regret``) on random two-player trees with perfect recall, chance and multi-node information
sets, and against pygambit's own ``lcp_solve`` where the two paths meet the same equilibrium.
"""

from __future__ import annotations

import io
import itertools
import random
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree, TreeBuilder
from alliance_games.solvers.tree.sequence_form import sequence_form, sequence_form_lcp_solve

F = Fraction


# ---- games ------------------------------------------------------------------------------------
def deterrence() -> GameTree:
    """anchors.md section 2.2: Nature picks the Rival's type; the Leader cannot observe it."""
    b = TreeBuilder(["Leader", "Rival"])
    root = b.add_chance(-1, None, label="root")
    for rtype, prob, war in (("resolute", F(1, 3), (-2, 1)), ("irresolute", F(2, 3), (1, -2))):
        rival = b.add_decision(root, rtype.capitalize(), prob=prob, player=1,
                               infoset=f"R:{rtype}", actions=["Challenge", "Stay"])
        leader = b.add_decision(rival, "Challenge", player=0, infoset="L:challenged",
                                actions=["Defend", "Abandon"])
        b.add_terminal(leader, "Defend", payoffs=war)
        b.add_terminal(leader, "Abandon", payoffs=[-1, 2])
        b.add_terminal(rival, "Stay", payoffs=[1, 0])
    return b.build()


def kuhn_poker() -> GameTree:
    """Kuhn (1950): cards J < Q < K, antes 1, one bet of 1."""
    b = TreeBuilder(["P1", "P2"])
    root = b.add_chance(-1, None)
    for c1, c2 in itertools.permutations("JQK", 2):
        win = 1 if "JQK".index(c1) > "JQK".index(c2) else -1
        p1 = b.add_decision(root, c1 + c2, prob=F(1, 6), player=0, infoset=f"1{c1}",
                            actions=["check", "bet"])
        p2 = b.add_decision(p1, "check", player=1, infoset=f"2{c2}-check",
                            actions=["check", "bet"])
        b.add_terminal(p2, "check", payoffs=[win, -win])
        again = b.add_decision(p2, "bet", player=0, infoset=f"1{c1}-check-bet",
                               actions=["fold", "call"])
        b.add_terminal(again, "fold", payoffs=[-1, 1])
        b.add_terminal(again, "call", payoffs=[2 * win, -2 * win])
        p2 = b.add_decision(p1, "bet", player=1, infoset=f"2{c2}-bet", actions=["fold", "call"])
        b.add_terminal(p2, "fold", payoffs=[1, -1])
        b.add_terminal(p2, "call", payoffs=[2 * win, -2 * win])
    return b.build()


def random_recall_tree(rng: random.Random, *, max_depth: int = 4, max_nodes: int = 70
                       ) -> GameTree:
    """Two players, chance, payoffs on some inner nodes, and information sets that merge nodes
    sharing the owner's own history (so perfect recall holds by construction)."""
    b = TreeBuilder(["P1", "P2"])
    groups: dict[tuple[int, tuple[tuple[str, str], ...]], list[str]] = {}
    actions: dict[str, tuple[str, ...]] = {}
    names = itertools.count()
    nodes = itertools.count()

    def grow(parent: int, action: str | None, prob: Fraction | None, depth: int,
             history: tuple[tuple[tuple[str, str], ...], ...]) -> None:
        count = next(nodes)
        inner_pay = ([rng.randint(-2, 2) for _ in range(2)] if rng.random() < 0.15 else None)
        roll = rng.random()
        if depth >= max_depth or count >= max_nodes or (depth > 0 and roll < 0.25):
            b.add_terminal(parent, action, prob=prob,
                           payoffs=[rng.randint(-3, 3) for _ in range(2)])
            return
        if roll < 0.4:
            weights = [rng.randint(1, 4) for _ in range(rng.randint(2, 3))]
            node = b.add_chance(parent, action, prob=prob, payoffs=inner_pay)
            for j, w in enumerate(weights):
                grow(node, f"c{j}", F(w, sum(weights)), depth + 1, history)
            return
        player = rng.randrange(2)
        candidates = groups.setdefault((player, history[player]), [])
        if candidates and rng.random() < 0.6:
            name = rng.choice(candidates)
        else:
            name = f"I{next(names)}"
            actions[name] = tuple(f"a{j}" for j in range(rng.randint(2, 3)))
            candidates.append(name)
        node = b.add_decision(parent, action, prob=prob, player=player, infoset=name,
                              actions=actions[name], payoffs=inner_pay)
        for a in actions[name]:
            own = list(history)
            own[player] = history[player] + ((name, a),)
            grow(node, a, None, depth + 1, tuple(own))

    grow(-1, None, None, 0, ((), ()))
    tree = b.build()
    assert tree.check_perfect_recall() == []
    return tree


def efg_text(tree: GameTree) -> str:
    """Gambit .efg text of an exact tree (anchors.md section 2.2); infoset labels are our names."""
    lines = [f'EFG 2 R "test" {{ {" ".join(f"{p!r}" for p in tree.players)} }}'.replace("'", '"'),
             '""']
    seen: set[int] = set()
    outcomes = itertools.count(1)
    for node in range(tree.num_nodes):
        if tree.has_payoff[node]:
            pays = ", ".join(str(v) for v in tree.node_payoffs[node])
            outcome = f'{next(outcomes)} "" {{ {pays} }}'
        else:
            outcome = "0"
        kind = tree.kind[node]
        if kind == TERMINAL:
            lines.append(f't "" {outcome}')
        elif kind == CHANCE:
            body = " ".join(f'"{tree.edge_label[e]}" {tree.edge_prob[e]}' for e in tree.edges(node))
            lines.append(f'c "" {node + 1} "" {{ {body} }} {outcome}')
        else:
            k = int(tree.node_infoset[node])
            infoset = tree.infosets[k]
            head = f'p "" {infoset.player + 1} {k + 1}'
            if k not in seen:
                seen.add(k)
                acts = " ".join(f'"{a}"' for a in infoset.actions)
                head += f' "{infoset.name}" {{ {acts} }}'
            lines.append(f"{head} {outcome}")
    return "\n".join(lines) + "\n"


def random_behaviour(rng: random.Random, tree: GameTree) -> list[np.ndarray]:
    out = []
    for infoset in tree.infosets:
        w = [rng.randint(0, 3) for _ in infoset.actions]
        w[0] += 1
        out.append(np.array([F(x, sum(w)) for x in w], dtype=object))
    return out


# ---- known games ------------------------------------------------------------------------------
def test_gambit_deterrence_example_unique_equilibrium() -> None:
    tree = deterrence()
    result = sequence_form_lcp_solve(tree)
    assert result.method == "lcp" and result.exact and not result.complete
    (eq,) = result.equilibria
    by_name = {s.name: list(eq.strategies[k]) for k, s in enumerate(tree.infosets)}
    assert by_name == {"L:challenged": [F(1, 2), F(1, 2)], "R:resolute": [1, 0],
                       "R:irresolute": [F(1, 4), F(3, 4)]}
    assert all(isinstance(p, Fraction) for s in eq.strategies for p in s)
    assert list(eq.payoffs) == [0, F(1, 2)]
    assert eq.max_regret == 0


def test_kuhn_poker_value() -> None:
    tree = kuhn_poker()
    sf = sequence_form(tree)
    assert sf.sizes == (13, 13) and sf.E.shape == (7, 13) and sf.F.shape == (7, 13)
    (eq,) = sequence_form_lcp_solve(tree).equilibria
    assert eq.exact and eq.max_regret == 0
    assert list(eq.payoffs) == [F(-1, 18), F(1, 18)]
    assert all(r == 0 for r in behaviour_regrets(tree, eq.strategies))
    float_eq = sequence_form_lcp_solve(tree, rational=False).equilibria[0]
    assert not float_eq.exact
    assert abs(float_eq.payoffs[0] + 1 / 18) < 1e-9 and float_eq.max_regret < 1e-9


def test_sequence_form_structure_of_kuhn_poker() -> None:
    tree = kuhn_poker()
    sf = sequence_form(tree)
    for i, (E, e) in enumerate(((sf.E, sf.e), (sf.F, sf.f))):
        own = tree.player_infosets(i)
        assert len(sf.sequences[i]) == 1 + sum(len(tree.infosets[k].actions) for k in own)
        assert E.shape == (1 + len(own), len(sf.sequences[i]))
        assert list(e) == [1] + [0] * len(own)
    assert sf.sequence_name(0, 0) == "∅" and sf.sequence_name(0, 1) == "1J:check"
    # 30 leaves, each with its own pair of sequences; chance 1/6 folded in
    assert len(sf.A) == 30 and set(sf.A.values()) <= {F(k, 6) for k in (-2, -1, 1, 2)}
    assert all(sf.B[key] == -v for key, v in sf.A.items())
    dense = sf.dense(0)
    assert dense.shape == (13, 13) and sum(dense.ravel()) == sum(sf.A.values())


# ---- random trees -----------------------------------------------------------------------------
def test_random_trees_against_pygambit() -> None:
    gbt = pytest.importorskip("pygambit")
    rng = random.Random(20261115)
    trees = 0
    with_infosets = matched = 0
    while trees < 45:
        tree = random_recall_tree(rng)
        if not tree.infosets:
            continue
        trees += 1
        with_infosets += any(len(s.nodes) > 1 for s in tree.infosets)
        sf = sequence_form(tree)
        for i in range(2):  # sizes are linear in the tree
            own = tree.player_infosets(i)
            assert len(sf.sequences[i]) == 1 + sum(len(tree.infosets[k].actions) for k in own)
            assert sf.E.shape[0] + sf.F.shape[0] == 2 + len(tree.infosets)
        assert len(sf.A) <= int(tree.has_payoff.sum())

        result = sequence_form_lcp_solve(tree)
        (eq,) = result.equilibria
        assert eq.exact and eq.max_regret == 0 and not result.warnings
        assert all(r == 0 for r in behaviour_regrets(tree, eq.strategies))
        for k, dist in enumerate(eq.strategies):
            assert len(dist) == len(tree.infosets[k].actions)
            assert sum(dist) == 1 and all(isinstance(p, Fraction) and p >= 0 for p in dist)
        plans = [sf.realization_plan(eq.strategies, i) for i in range(2)]
        assert np.all(sf.E @ plans[0] == sf.e) and np.all(sf.F @ plans[1] == sf.f)
        assert list(sf.payoffs(*plans)) == list(eq.payoffs) == list(
            behaviour_payoffs(tree, eq.strategies))

        game = gbt.read_efg(io.StringIO(efg_text(tree)))
        players = list(game.players)
        profile = game.mixed_behavior_profile(rational=True)
        for infoset in game.infosets:
            k = next(j for j, s in enumerate(tree.infosets) if s.name == infoset.label)
            for a, action in enumerate(infoset.actions):
                profile[action] = eq.strategies[k][a]
        assert profile.max_regret() == 0  # certified by independent code
        assert [profile.payoff(p) for p in players] == list(eq.payoffs)
        theirs = gbt.nash.lcp_solve(game, rational=True).equilibria
        payoffs = {tuple(Fraction(g.payoff(p)) for p in players) for g in theirs}
        matched += tuple(eq.payoffs) in payoffs
    assert with_infosets >= 25
    assert matched >= 10  # the paths differ, but often meet the same (or a payoff-equal) point


def test_sequence_form_payoff_is_the_behaviour_payoff() -> None:
    rng = random.Random(7)
    for _ in range(30):
        tree = random_recall_tree(rng, max_nodes=40)
        sf = sequence_form(tree)
        behaviour = random_behaviour(rng, tree)
        plans = [sf.realization_plan(behaviour, i) for i in range(2)]
        assert list(sf.payoffs(*plans)) == list(behaviour_payoffs(tree, behaviour))
        back = sf.behaviour((plans[0], plans[1]))
        reached = [k for k, s in enumerate(tree.infosets)
                   if plans[s.player][int(sf.parent_sequence[k])] > 0]
        assert all(list(back[k]) == list(behaviour[k]) for k in reached)


# ---- refusals and edge cases -------------------------------------------------------------------
def test_three_players_refused() -> None:
    b = TreeBuilder(["A", "B", "C"])
    root = b.add_decision(-1, None, player=0, infoset="a", actions=["x", "y"])
    b.add_terminal(root, "x", payoffs=[1, 0, 0])
    b.add_terminal(root, "y", payoffs=[0, 1, 0])
    with pytest.raises(SolverError, match="two-player"):
        sequence_form_lcp_solve(b.build())


def test_imperfect_recall_refused() -> None:
    b = TreeBuilder(["A", "B"])
    root = b.add_decision(-1, None, player=0, infoset="first", actions=["L", "R"])
    for act in ("L", "R"):
        node = b.add_decision(root, act, player=0, infoset="forgot", actions=["l", "r"])
        b.add_terminal(node, "l", payoffs=[1, 0])
        b.add_terminal(node, "r", payoffs=[0, 1])
    with pytest.raises(SolverError, match="perfect recall"):
        sequence_form_lcp_solve(b.build())


def test_one_player_moves_only_and_float_trees() -> None:
    b = TreeBuilder(["A", "B"], exact=False)
    root = b.add_decision(-1, None, player=0, infoset="a", actions=["x", "y"])
    b.add_terminal(root, "x", payoffs=[0.5, 0.0])
    b.add_terminal(root, "y", payoffs=[1.5, 0.0])
    tree = b.build()
    result = sequence_form_lcp_solve(tree)
    assert not result.exact and list(result.equilibria[0].strategies[0]) == [0.0, 1.0]
    exact = sequence_form_lcp_solve(tree, rational=True).equilibria[0]
    assert exact.exact and list(exact.payoffs) == [F(3, 2), 0]


def test_unreached_information_sets_play_their_first_action() -> None:
    b = TreeBuilder(["A", "B"])
    root = b.add_decision(-1, None, player=0, infoset="a", actions=["out", "in"])
    b.add_terminal(root, "out", payoffs=[2, 0])
    node = b.add_decision(root, "in", player=0, infoset="b", actions=["l", "r"])
    b.add_terminal(node, "l", payoffs=[0, 0])
    b.add_terminal(node, "r", payoffs=[1, 0])
    (eq,) = sequence_form_lcp_solve(b.build()).equilibria
    assert [list(s) for s in eq.strategies] == [[1, 0], [1, 0]]
