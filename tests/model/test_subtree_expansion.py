"""The fast subtree expansion (instances copied, names filled in) against a plain expansion.

The tree reader expands each distinct subtree instance once and copies it wherever it occurs
again, with the text of arguments that only name things filled in afterwards. These tests build
models with nested subtrees, arguments, history-like naming arguments, dynamic ``use`` names and
additions on ``use`` nodes, and compare the result with :class:`Reference`, a straightforward
expansion written here (every occurrence visited, expressions substituted node by node, the tree
built with :class:`~alliance_games.games.tree.TreeBuilder`), and with the reader's own
node-by-node mode. Errors must be the same, at the same place, either way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
import yaml

from alliance_games.errors import ModelError
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model import loader, schema
from alliance_games.model.catalog import bundled_models, load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.expressions import parse_expression
from alliance_games.model.subtree_text import naming_arguments
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from benchmarks.model_load import product_model
from tests.paths import DATA

PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
Scope = tuple[dict[str, sympy.Symbol], dict[sympy.Symbol, sympy.Expr], dict[str, str]]
Own = tuple[list[sympy.Expr] | None, tuple[str, ...], str, dict[str, sympy.Expr]]

HEAD = """title: t
players: [leader, ally, rival]
parameters:
  - {name: cost, default: 1/2, range: [0, 2]}
  - {name: p, default: 1/3, range: [0, 1]}
"""

NESTED = HEAD + """subtrees:
  after:
    arguments: [who, h, k]
    tree:
      player: ${who}
      infoset: "${who}_${h}"
      label: "after ${h}"
      actions:
        hedge: {payoffs: {"${who}": k, leader: -k}, measures: {hedges: k}, tags: ["hedge:${who}"]}
        stay: [0, 0, 0]
  crisis:
    arguments: [who, h, scale]
    tree:
      chance: {war: p * scale / 2, calm: 1 - p * scale / 2}
      actions:
        war:
          player: leader
          infoset: "leader_${h}"
          actions:
            defend: {payoffs: {leader: -cost * scale, "${who}": 1}, tags: [war]}
            abandon:
              use: after
              with: {who: "${who}", h: "${h}a", k: scale}
              payoffs: {"${who}": -1}
              tags: ["abandonment:${who}"]
              measures: {hedges: 1}
        calm: [0, 0, 0]
  policy:
    arguments: [h, s, next]
    tree:
      player: rival
      infoset: "rival_${s}"
      actions:
        challenge: {use: "${next}", with: {who: ally, h: "${h}c", scale: s}}
        wait:
          use: crisis
          with: {who: ally, h: "${h}w", scale: s / 2}
          label: "waited ${h}"
          measures: {cost: s}
tree:
  chance: {first: 1/4, second: 1/4, third: 1/2}
  actions:
    first:
      player: leader
      actions:
        a: {use: policy, with: {h: a, s: 1, next: crisis}, payoffs: [1, 0, 0]}
        b: {use: policy, with: {h: b, s: 1, next: crisis}}
        c: {use: policy, with: {h: c, s: 2, next: crisis}, measures: {cost: 1}}
    second:
      player: leader
      actions:
        a: {use: policy, with: {h: d, s: 1, next: crisis}, payoffs: [1, 0, 0]}
        b: {use: policy, with: {h: e, s: 2, next: crisis}, tags: [late]}
    third: {use: policy, with: {h: t, s: 1, next: crisis}, label: "again"}
"""


PRODUCT = product_model(4)  # the load benchmark's model, 1,249 nodes


class Reference:
    """A valid model's tree, every subtree occurrence expanded node by node."""

    def __init__(self, raw: Any, model: SymbolicModel) -> None:
        self.subtrees = raw.get("subtrees", {})
        self.players = model.players
        self.names = {p.name: p.symbol for p in model.parameters}
        self.builder = TreeBuilder(self.players, exact=False, title=model.title)
        self.payoffs: list[list[sympy.Expr]] = []
        self.probs: list[sympy.Expr] = []
        self.measures: dict[str, dict[int, sympy.Expr]] = {}
        self.zero = [sympy.Integer(0)] * len(self.players)

    def tree(self, raw: Any) -> SymbolicTree:
        self.node(raw["tree"], (self.names, {}, {}), -1, None, (), [])
        skeleton = self.builder.build()
        n = skeleton.num_nodes
        payoffs = np.empty((n, len(self.players)), dtype=object)
        payoffs[:] = self.payoffs
        probs = np.empty(len(self.probs), dtype=object)
        probs[:] = self.probs
        measures = {}
        for name, entries in self.measures.items():
            measures[name] = np.full(n, sympy.Integer(0), dtype=object)
            for node, value in entries.items():
                measures[name][node] = value
        return SymbolicTree(skeleton, payoffs, probs, measures)

    def text(self, value: Any, scope: Scope) -> str:
        return PLACEHOLDER.sub(lambda m: scope[2][m.group(1)], str(value).strip())

    def expr(self, value: Any, scope: Scope) -> sympy.Expr:
        return parse_expression(value, scope[0]).xreplace(scope[1])

    def node(self, node: Any, scope: Scope, parent: int, action: str | None,
             path: tuple[str, ...], chain: list[Own]) -> None:
        if not isinstance(node, dict):
            node = {"payoffs": node}
        pays = None
        if "payoffs" in node:
            given = node["payoffs"]
            if isinstance(given, dict):
                pays = list(self.zero)
                for who, value in given.items():
                    pays[self.players.index(self.text(who, scope))] = self.expr(value, scope)
            else:
                pays = [self.expr(v, scope) for v in given]
        tags = node.get("tags", [])
        own: Own = (pays, tuple(self.text(t, scope) for t in ([tags] if isinstance(tags, str)
                                                                  else tags)),
                    self.text(node.get("label", ""), scope),
                    {k: self.expr(v, scope) for k, v in node.get("measures", {}).items()})
        if "use" in node:
            self.use(node, scope, parent, action, path, [*chain, own])
            return
        added = chain[0] if chain else None
        for inner in [*chain[1:], own]:  # each use node's additions, outermost first
            added = merge(inner, added)
        pays, tags, label, measures = added if added is not None else own
        where = len(self.payoffs)
        for name, value in measures.items():
            self.measures.setdefault(name, {})[where] = value
        if "player" not in node and "chance" not in node:
            self.builder.add_terminal(parent, action, payoffs=self.zero, label=label, tags=tags)
            self.payoffs.append(pays)
            return
        labels = [self.text(a, scope) for a in node["actions"]]
        marker = self.zero if pays is not None else None
        if "player" in node:
            player = self.text(node["player"], scope)
            infoset = (self.text(node["infoset"], scope) if "infoset" in node
                       else f"{player}@{'/'.join(path) or 'root'}")
            me = self.builder.add_decision(parent, action, player=self.players.index(player),
                                           infoset=infoset, actions=labels, label=label,
                                           tags=tags, payoffs=marker)
            self.probs.extend([sympy.Integer(0)] * len(labels))
        else:
            me = self.builder.add_chance(parent, action, label=label, tags=tags, payoffs=marker)
            self.probs.extend(self.expr(node["chance"][a], scope) for a in node["actions"])
        self.payoffs.append(pays or self.zero)
        for raw, text in zip(node["actions"], labels, strict=True):
            self.node(node["actions"][raw], scope, me, text, (*path, text), [])

    def use(self, node: dict[str, Any], scope: Scope, parent: int, action: str | None,
            path: tuple[str, ...], chain: list[Own]) -> None:
        body = self.subtrees[self.text(node["use"], scope)]
        names = dict(self.names)
        values, text = {}, {}
        for arg in body.get("arguments", []):
            names[arg] = sympy.Symbol(arg, real=True)
            raw = node.get("with", {})[arg]
            text[arg] = self.text(raw, scope)
            try:
                values[names[arg]] = self.expr(raw, scope)
            except ModelError:  # text only, e.g. "${h}a"
                pass
        self.node(body["tree"], (names, values, text), parent, action, path, chain)


def merge(own: Own, added: Own | None) -> Own:
    """A node's own payoffs, tags, label and measures plus what the use nodes above it add."""
    if added is None:
        return own
    pays = own[0]
    if added[0] is not None:
        pays = added[0] if pays is None else [a + b for a, b in zip(pays, added[0], strict=True)]
    measures = dict(own[3])
    for name, value in added[3].items():
        measures[name] = measures.get(name, sympy.Integer(0)) + value
    return pays, added[1] + own[1], added[2] or own[2], measures


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    return str(path)


def load(path: str, *, reuse: bool) -> SymbolicModel:
    """The model, its tree read with or without copies of subtree instances."""
    text, display = loader.read_source(path)
    raw = loader.parse_yaml(text, display)
    original = schema.read_tree
    schema.read_tree = lambda *args, **kwargs: original(*args, **kwargs, reuse=reuse)
    try:
        return schema.build_model(raw, name="m", path=display)
    finally:
        schema.read_tree = original


def assert_same_tree(ours: SymbolicTree, expected: SymbolicTree) -> None:
    a, b = ours.skeleton, expected.skeleton
    for name in GameTree.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), name
        else:
            assert x == y, name
    for name in ("payoff_exprs", "prob_exprs"):
        x, y = getattr(ours, name), getattr(expected, name)
        assert x.shape == y.shape, name
        assert all(e == f for e, f in zip(x.ravel(), y.ravel(), strict=True)), name
    assert list(ours.measure_exprs) == list(expected.measure_exprs)
    for name, column in ours.measure_exprs.items():
        assert all(e == f for e, f in zip(column, expected.measure_exprs[name], strict=True))


@pytest.mark.parametrize("text", [NESTED, PRODUCT], ids=["nested", "product"])
def test_fast_expansion_equals_a_plain_expansion(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    fast = load(path, reuse=True)
    assert isinstance(fast.game, SymbolicTree)
    expected = Reference(yaml.safe_load(text), fast).tree(yaml.safe_load(text))
    assert_same_tree(fast.game, expected)
    plain = load(path, reuse=False).game
    assert isinstance(plain, SymbolicTree)
    assert_same_tree(plain, expected)


def test_nested_model_uses_every_feature_it_claims() -> None:
    model = load_model_text(NESTED)
    tree = model.game.skeleton
    names = {s.name for s in tree.infosets}
    assert {"rival_1", "rival_2", "leader_aw", "ally_awa", "leader_ec"} <= names
    shared = {s.name: len(s.nodes) for s in tree.infosets if s.name.startswith("rival")}
    assert shared == {"rival_1": 4, "rival_2": 2}  # one information set across the branches
    assert "waited a" in tree.node_label and "again" in tree.node_label
    assert set(model.game.measure_exprs) == {"cost", "hedges"}
    assert ("late",) in tree.node_tags


def load_model_text(text: str) -> SymbolicModel:
    return schema.build_model(loader.parse_yaml(text, "m.yaml"), name="m", path="m.yaml")


def test_product_of_subtrees_is_compiled_from_few_distinct_expressions(tmp_path: Path) -> None:
    compiled = compile_model(load_model(write(tmp_path, PRODUCT)))
    tree = compiled.model.game.skeleton
    assert tree.num_nodes == 1249  # n(stage) = 4 + 5 n(next stage), n(end) = 1
    assert compiled.distinct_count < compiled.size / 20
    game = compiled.at({"x": "1/2"})
    assert game.num_nodes == tree.num_nodes


def test_bundled_and_fixture_models_read_the_same_either_way() -> None:
    paths = [str(e.path) for e in bundled_models()] + [str(DATA / "valid" / "templates.yaml")]
    for path in paths:
        fast, plain = load(path, reuse=True).game, load(path, reuse=False).game
        if isinstance(fast, SymbolicTree):
            assert isinstance(plain, SymbolicTree)
            assert_same_tree(fast, plain)


ERRORS = {
    "information set clash inside a copy": (
        """subtrees:
  leaf:
    arguments: [h, n]
    tree: {player: ally, infoset: "i_${h}", actions: {"a${n}": [1, 0, 0], b: [0, 1, 0]}}
  two:
    arguments: [h]
    tree:
      player: leader
      actions: {L: {use: leaf, with: {h: "${h}", n: 1}}, R: {use: leaf, with: {h: "${h}", n: 1}}}
tree:
  player: leader
  actions:
    C: {player: ally, infoset: i_b, actions: {z: [0, 0, 0]}}
    A: {use: two, with: {h: a}}
    B: {use: two, with: {h: b}}
""", 9, "information set 'i_b' is used with different players or actions"),
    "clash before a bad expression": (
        """subtrees:
  t: {arguments: [h], tree: {player: ally, infoset: "s_${h}", actions: {a: [1, 0, 0], b: [0, 0, 0]}}}
tree:
  player: leader
  actions:
    A: {use: t, with: {h: a}}
    B: {player: leader, infoset: s_a, actions: {z: [0, 0, 0], y: [1, 1, 1]}}
    C: [1 +, 0, 0]
""", 12, "information set 's_a' is used with different players or actions"),
    "copied terminal without payoffs": (
        """subtrees:
  t: {arguments: [h], tree: {label: "${h}"}}
tree:
  player: leader
  actions:
    A: {use: t, with: {h: a}, payoffs: [1, 1, 1]}
    B: {use: t, with: {h: b}}
""", 7, "a terminal node needs 'payoffs'"),
    "recursion through a naming argument": (
        """subtrees:
  a: {arguments: [h], tree: {use: a, with: {h: "${h}"}}}
tree: {use: a, with: {h: q}}
""", 7, "uses itself with the same arguments"),
    "recursion that grows a name": (
        """subtrees:
  a: {arguments: [h], tree: {use: a, with: {h: "${h}x"}}}
tree: {use: a, with: {h: q}}
""", 7, "nest more than 64"),
    "forgetful information set named by an argument": (
        """subtrees:
  t: {arguments: [h], tree: {player: leader, infoset: "f_${h}", actions: {x: [1, 0, 0], y: [0, 0, 0]}}}
tree:
  player: leader
  actions:
    A: {use: t, with: {h: same}}
    B: {use: t, with: {h: same}}
""", 9, "its nodes follow different own moves"),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_are_the_plain_expansions_errors(tmp_path: Path, case: str) -> None:
    body, line, phrase = ERRORS[case]
    path = write(tmp_path, HEAD + body)
    messages = []
    for reuse in (True, False):
        with pytest.raises(ModelError) as info:
            load(path, reuse=reuse)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert phrase in messages[0]
    assert f"{path}:{line}:" in messages[0]


def test_too_many_nodes_is_found_in_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setenv("ALLIANCE_GAMES_MAX_NODES", "300")
    path = write(tmp_path, PRODUCT)
    messages = []
    for reuse in (True, False):
        with pytest.raises(ModelError) as info:
            load(path, reuse=reuse)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "more than 300 nodes" in messages[0]


def test_comma_separated_payoffs_are_read_where_they_are_written(tmp_path: Path) -> None:
    text = HEAD + """tree:
  player: leader
  actions:
    L: {player: ally, actions: {l: "1, 0, 0", r: "2, cost, 0"}}
    R: {player: ally, actions: {l: "3, 0, 0", r: "4, 5, 6"}}
"""
    game = load_model(write(tmp_path, text)).game
    assert isinstance(game, SymbolicTree)
    rows = [[str(v) for v in row] for row in game.payoff_exprs[game.skeleton.kind == 0]]
    assert rows == [["1", "0", "0"], ["2", "cost", "0"], ["3", "0", "0"], ["4", "5", "6"]]


def test_arguments_that_only_name_are_found() -> None:
    raw = loader.parse_yaml(HEAD + """subtrees:
  named: {arguments: [h, k], tree: {player: leader, infoset: "i${h}", label: "${k}", actions: {a: [k, 0, 0]}}}
  tagged: {arguments: [h], tree: {payoffs: [0, 0, 0], tags: ["t:${h}"]}}
  passes: {arguments: [h, g], tree: {use: named, with: {h: "${h}x", k: "${g}"}}}
  either: {arguments: [h, w], tree: {use: "${w}", with: {h: "${h}"}}}
tree: [0, 0, 0]
""", "m.yaml")
    subtrees = {name: (body, list(body.get("arguments", []))) for name, body in
                raw["subtrees"].items()}
    naming = naming_arguments(subtrees)
    assert naming["named"] == {"h", "k"}
    assert naming["tagged"] == frozenset()
    assert naming["passes"] == {"h", "g"}
    assert naming["either"] == frozenset()  # 'w' picks the subtree; 'h' may reach a tag


def test_libyaml_and_pure_python_parsers_agree_on_bundled_models() -> None:
    def shape(value: Any) -> Any:
        if isinstance(value, loader.LineDict):
            return ("map", value.line, [(k, value.line_of(k), k in value.merged, shape(v))
                                        for k, v in value.items()])
        if isinstance(value, loader.LineList):
            return ("list", value.line, list(value.lines), [shape(v) for v in value])
        return value

    for entry in bundled_models():
        text = entry.path.read_text(encoding="utf-8")
        fast = yaml.load(text, Loader=loader._FastLineLoader)  # noqa: S506 - safe subset loader
        pure = yaml.load(text, Loader=loader._LineLoader)  # noqa: S506 - safe subset loader
        assert shape(fast) == shape(pure), entry.name
