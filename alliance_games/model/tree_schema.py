"""Read the ``tree`` section of a model (and its reusable ``subtrees``) into a :class:`SymbolicTree`.

Nodes are nested mappings: a decision node ``{player, infoset?, actions}``, a chance node
``{chance: {action: probability}, actions}``, a terminal ``{payoffs, tags?}`` or just its payoff
list. Any node may carry ``payoffs`` (summed along the path), ``tags`` and a ``label``.

A node ``{use: NAME, with: {arg: value, ...}}`` stands for the subtree ``NAME`` declared under
``subtrees:`` (``{arguments: [...], tree: node}``): its expressions may use the arguments as names,
replaced by the values given (expressions in the caller's names), and its text fields (``player``,
``infoset``, ``tags``, ``label``, action labels, payoff keys) may contain ``${arg}``, replaced by
the value's text. The ``use`` node's own ``payoffs`` and ``tags`` are added at the subtree's root.

Nothing is expanded twice. Each distinct expression text is parsed once per set of names and
substituted once per distinct set of argument values. A subtree instance is visited once per
distinct (subtree, argument values, additions at its root), leaving out the arguments that only
name information sets and labels (:mod:`~alliance_games.model.subtree_text`); every other
occurrence is a copy of its node range (:class:`~alliance_games.model.node_table.NodeTable`) with
its names filled in. So a product of subtrees costs a visit per distinct instance and a slice per
occurrence. When that fast expansion meets an error, the model is expanded again node by node
(``reuse=False``), so that the error reported is the one, at the place, that a plain expansion
finds first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import sympy

from alliance_games.errors import ExpressionError, GameError, ModelError, shown
from alliance_games.games.limits import DEFAULTS, how_to_raise, limit
from alliance_games.games.paused_collection import paused_collection
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL
from alliance_games.model.chance_checks import check_probabilities
from alliance_games.model.expressions import parse_expression
from alliance_games.model.fields import (
    IDENTIFIER,
    Context,
    label_field,
    line_of,
    tags_field,
    text_field,
)
from alliance_games.model.loader import LineDict, LineList
from alliance_games.model.node_table import InfosetConflict, NodeTable
from alliance_games.model.subtree_text import MARK, PLACEHOLDER, marker, naming_arguments
from alliance_games.model.symbolic import Parameter, SymbolicTree

NODE_KEYS = ("player", "infoset", "chance", "actions", "payoffs", "tags", "label", "use", "with",
             "measures")
SUBTREE_KEYS = ("arguments", "tree", "description")
MAX_TREE_NODES = DEFAULTS["max_nodes"]
"""Largest tree a YAML model may expand to by default (see :mod:`alliance_games.games.limits`)."""
MAX_SUBTREE_DEPTH = 64
NO_ARGUMENTS = LineDict()


@dataclass(frozen=True)
class _Extra:
    """What a 'use' node adds at the root of the subtree it stands for."""

    payoffs: list[sympy.Expr] | None
    tags: tuple[str, ...]
    label: str
    measures: dict[str, sympy.Expr]

    def key(self) -> tuple[Any, ...]:
        """What a subtree instance's expansion depends on, besides the instance itself (the
        expressions are canonical objects, see ``_TreeReader._value``: identity is equality)."""
        return (None if self.payoffs is None else tuple(map(id, self.payoffs)), self.tags,
                self.label, tuple((name, id(value)) for name, value in self.measures.items()))


@dataclass(frozen=True)
class _Instance:
    """An expanded subtree instance: its node range, how deep its subtrees nest below it, and the
    names in the range that have markers, with the markers of its naming arguments."""

    start: int
    end: int
    depth: int
    templates: list[tuple[int, str | None, str]]
    markers: tuple[tuple[str, str], ...]  # (argument, marker)


def _filler(pairs: list[tuple[str, str]]) -> Callable[[str], str]:
    """Replace each marker of ``pairs`` ((marker, text) pairs) by its text."""
    def fill(name: str) -> str:
        if MARK in name:
            for mark, text in pairs:
                name = name.replace(mark, text)
        return name
    return fill


@dataclass(frozen=True)
class _Scope:
    """What the current subtree sees: expression names, argument values and text values."""

    names: dict[str, sympy.Symbol]
    values: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    failures: dict[sympy.Symbol, ExpressionError] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    stack: tuple[int, ...] = ()  # the subtree instances being expanded
    key: int = 0
    env: int = -1  # identifies (names, values, failures); -1 for the parameters alone


def read_tree(ctx: Context, raw: LineDict, players: tuple[str, ...],
              names: dict[str, sympy.Symbol], title: str,
              parameters: tuple[Parameter, ...] = (), *, reuse: bool = True) -> SymbolicTree:
    """Build the symbolic tree of a model (see the module docstring).

    ``parameters`` (the declared ones, with defaults and ranges) let chance probabilities be checked
    at the defaults and at the corners of the declared ranges. ``reuse=False`` expands every
    subtree occurrence node by node (the reference the copies are tested against).
    """
    reader = _TreeReader(ctx, raw, players, names, title, reuse)
    reader.parameters = {p.symbol: p for p in parameters}
    with paused_collection():  # the expansion and the node table make no reference cycles
        try:
            reader.expand()
        except ModelError:
            if not reuse:
                raise
        else:
            return reader.read()
    return read_tree(ctx, raw, players, names, title, parameters, reuse=False)


class _TreeReader:
    def __init__(self, ctx: Context, raw: LineDict, players: tuple[str, ...],
                 names: dict[str, sympy.Symbol], title: str, reuse: bool) -> None:
        self.ctx, self.raw, self.players, self.title = ctx, raw, players, title
        self.reuse = reuse
        self.declared = frozenset(names)  # the parameters (a subtree's scope adds its arguments)
        self.nodes = NodeTable(players, eager=not reuse)
        self.max_nodes = limit("max_nodes")
        self.parsed: dict[tuple[Any, ...], sympy.Expr | ExpressionError] = {}
        self.symbols: dict[str, sympy.Symbol] = {}
        self.substituted: dict[tuple[int, int], sympy.Expr | ExpressionError] = {}
        self.canonical: dict[sympy.Expr, sympy.Expr] = {}
        self.free: dict[int, set[sympy.Symbol]] = {}
        self.sums: dict[tuple[int, int], sympy.Expr] = {}
        self.kept: list[sympy.Expr] = []
        self.values: dict[tuple[Any, ...], sympy.Expr | ExpressionError] = {}
        self.checked_probs: set[tuple[int, ...]] = set()
        self.parameters: dict[sympy.Symbol, Parameter] = {}
        self.scope_ids: dict[Any, int] = {}
        self.envs: dict[Any, int] = {}
        self.arguments: dict[tuple[int, int, int], Any] = {}
        self.instances: dict[tuple[Any, ...], _Instance] = {}
        self.frames = 0  # instances expanded with markers so far
        self.deepest = 0  # the most subtrees open at once in the current instance's expansion
        self.subtrees = self._subtrees(names)
        self.naming = naming_arguments(self.subtrees, raw.get("tree")) if reuse else {}
        self.root_scope = _Scope(dict(names))
        self.scope_names: dict[str, dict[str, sympy.Symbol]] = {}  # per subtree: its names
        self.argument_order: dict[str, list[str]] = {}
        self.zero = [sympy.Integer(0)] * len(players)

    # ---- declarations ------------------------------------------------------------------------
    def _subtrees(self, names: dict[str, sympy.Symbol]) -> dict[str, tuple[LineDict, list[str]]]:
        spec = self.raw.get("subtrees", LineDict())
        if not isinstance(spec, LineDict):
            self.ctx.fail("subtrees must map names to {arguments, tree}", self.raw, "subtrees",
                          "subtrees")
        result = {}
        for name, body in spec.items():
            where = f"subtrees.{name}"
            if not IDENTIFIER.match(name):
                self.ctx.fail(f"subtree name {shown(name)} is not a valid name", spec, name, where)
            if not isinstance(body, LineDict) or "tree" not in body:
                self.ctx.fail("a subtree needs 'tree' (and optional 'arguments')", spec, name,
                              where)
            for key in body:
                if key not in SUBTREE_KEYS:
                    self.ctx.fail(f"unknown field {shown(key)} (known: {', '.join(SUBTREE_KEYS)})",
                                  body, key, f"{where}.{key}")
            args = body.get("arguments", LineList())
            if not isinstance(args, LineList) or not all(
                    isinstance(a, str) and IDENTIFIER.match(a) for a in args):
                self.ctx.fail("arguments must be a list of names", body, "arguments",
                              f"{where}.arguments")
            clash = [a for a in args if a in names]
            if clash:
                self.ctx.fail(f"argument {shown(clash[0])} has the name of a parameter", body,
                              "arguments", f"{where}.arguments")
            result[name] = (body, list(args))
        return result

    def expand(self) -> None:
        """Add every node of the tree to :attr:`nodes`."""
        tree = self.raw["tree"]
        if not isinstance(tree, LineDict):
            self.ctx.fail("tree must be a mapping (the root node)", self.raw, "tree", "tree")
        self._visit(tree, self.raw, "tree", "tree", -1, "", sympy.Integer(0), self.root_scope,
                    None)

    def read(self) -> SymbolicTree:
        """The tree from the expanded nodes, checked for perfect recall."""
        try:
            skeleton, payoffs, probs, measures = self.nodes.build(self.title)
        except InfosetConflict as exc:
            self._infoset_conflict(exc, *self.nodes.source[exc.node])
        problems = [] if self.nodes.perfect_recall else skeleton.check_perfect_recall()
        if problems:
            self.ctx.fail(f"{problems[0]} (the solvers need perfect recall)", self.raw, "tree",
                          "tree")
        return SymbolicTree(skeleton, payoffs, probs, measures)

    def _measures(self, node: LineDict, scope: _Scope, field: str) -> dict[str, sympy.Expr]:
        spec = node.get("measures")
        if spec is None:
            return {}
        if not isinstance(spec, LineDict):
            self.ctx.fail("measures must map names to expressions, e.g. {cost: 0.5 * k}",
                          node, "measures", f"{field}.measures")
        result = {}
        for name, value in spec.items():
            if not IDENTIFIER.match(name):
                self.ctx.fail(f"measure name {shown(name)} is not a valid name", spec, name,
                              f"{field}.measures.{name}")
            result[name] = self._expr(value, scope, spec, name, f"{field}.measures.{name}")
        return result

    # ---- text and expressions ---------------------------------------------------------------
    def _text(self, value: str, scope: _Scope, where: Any, key: Any, field: str) -> str:
        if "$" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in scope.text:
                known = ", ".join(scope.text) or "none here"
                self.ctx.fail(f"unknown placeholder ${{{name}}} (subtree arguments: {known})",
                              where, key, field)
            return scope.text[name]

        return PLACEHOLDER.sub(replace, value)

    def _expr(self, value: Any, scope: _Scope, where: Any, key: Any, field: str) -> sympy.Expr:
        result = self._value(value, scope)
        if isinstance(result, ExpressionError):
            self.ctx.fail(result.message, where, key, field, ExpressionError)
        self.ctx.note(result, where, key, field)
        return result

    def _value(self, value: Any, scope: _Scope) -> sympy.Expr | ExpressionError:
        """``value`` parsed in ``scope`` with the arguments' values put in, or why it is not."""
        if not isinstance(value, str | int | float):
            return self._substitute(value, scope)
        key = (value, type(value), scope.env, id(scope.names))
        result = self.values.get(key)
        if result is None:
            result = self._substitute(value, scope)
            if not isinstance(result, ExpressionError):  # one object per distinct expression
                result = self.canonical.setdefault(result, result)
            self.values[key] = result
        return result

    def _substitute(self, value: Any, scope: _Scope) -> sympy.Expr | ExpressionError:
        # one parse per distinct text and set of names (each set of names is kept alive by self)
        cache_key = (type(value), value, id(scope.names)) if isinstance(
            value, str | int | float) else None
        parsed = self.parsed.get(cache_key) if cache_key is not None else None
        if parsed is None:
            try:
                parsed = parse_expression(value, scope.names, parameters=self.declared)
            except ExpressionError as exc:
                parsed = exc
            if cache_key is not None:
                self.parsed[cache_key] = parsed
        if isinstance(parsed, ExpressionError) or (not scope.values and not scope.failures):
            return parsed
        done = self.substituted.get((id(parsed), scope.env))  # parsed objects are kept in self
        if done is None:
            broken = scope.failures and self._free(parsed) & scope.failures.keys()
            if broken:
                symbol = next(iter(broken))
                done = ExpressionError(f"argument {symbol} is not an expression here: "
                                       f"{scope.failures[symbol].message}")
            else:
                done = parsed.xreplace(scope.values)
            self.substituted[(id(parsed), scope.env)] = done
        return done

    def _sum(self, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        """``a + b``, computed once and kept as a canonical object (see :meth:`_value`)."""
        key = (id(a), id(b))
        total = self.sums.get(key)
        if total is None:
            total = a + b
            total = self.sums[key] = self.canonical.setdefault(total, total)
            self.kept.extend((a, b))  # the ids in the key stay theirs
        return total

    def _free(self, parsed: sympy.Expr) -> set[sympy.Symbol]:
        free = self.free.get(id(parsed))
        if free is None:
            free = self.free[id(parsed)] = parsed.free_symbols
        return free

    def _payoffs(self, value: Any, scope: _Scope, where: Any, key: Any,
                 field: str) -> list[sympy.Expr]:
        players = self.players
        if isinstance(value, str) and "," in value and "(" not in value:
            parts = LineList([v.strip() for v in value.split(",")], line=line_of(where, key))
            parts.lines = [parts.line] * len(parts)
            value = parts
        if isinstance(value, LineDict):
            result = list(self.zero)
            for k, v in value.items():
                player = self._text(k, scope, value, k, f"{field}.{k}")
                if player not in players:
                    self.ctx.fail(f"unknown player {shown(player)} (players: {', '.join(players)})",
                                  value, k, f"{field}.{k}")
                result[players.index(player)] = self._expr(v, scope, value, k, f"{field}.{k}")
            return result
        if isinstance(value, LineList):
            if len(value) != len(players):
                self.ctx.fail(f"expected {len(players)} payoffs (one per player: "
                              f"{', '.join(players)}), got {len(value)}", where, key, field)
            return [self._expr(v, scope, value, k, f"{field}[{k}]") for k, v in enumerate(value)]
        self.ctx.fail(f"payoffs must be a list with one value per player ({', '.join(players)}) "
                      "or a mapping player: value", where, key, field)

    # ---- nodes -------------------------------------------------------------------------------
    def _visit(self, node: Any, where: Any, key: Any, field: str, parent: int,
               action: str, prob: sympy.Expr, scope: _Scope, extra: _Extra | None) -> None:
        ctx = self.ctx
        if len(self.nodes) >= self.max_nodes:
            ctx.fail(f"the tree expands to more than {self.max_nodes:,} nodes "
                     f"({how_to_raise('max_nodes')})", where, key, field)
        if isinstance(node, LineList | str):  # shorthand: a terminal given by its payoffs
            node = LineDict({"payoffs": node}, line=line_of(where, key))
            node.lines["payoffs"] = node.line
        if not isinstance(node, LineDict):
            ctx.fail("a node is a mapping (player/chance with actions, or payoffs)",
                     where, key, field)
        for k in node:
            if k not in NODE_KEYS:
                ctx.fail(f"unknown field {shown(k)} (known: {', '.join(NODE_KEYS)})",
                         node, k, f"{field}.{k}")
        label = self._text(text_field(ctx, node, "label", field=f"{field}.label"), scope, node,
                           "label", f"{field}.label")
        tags: tuple[str, ...] = ()
        if "tags" in node:
            raw_tags = node["tags"]
            items = [raw_tags] if isinstance(raw_tags, str) else raw_tags
            if isinstance(items, list):
                items = [self._text(t, scope, node, "tags", f"{field}.tags")
                         if isinstance(t, str) else t for t in items]
            tags = tags_field(ctx, items, node, "tags", f"{field}.tags", self.players)
        pays = (self._payoffs(node["payoffs"], scope, node, "payoffs", f"{field}.payoffs")
                if "payoffs" in node else None)
        measures = self._measures(node, scope, field)
        if extra is not None:  # the 'use' node's own payoffs, tags, label and measures
            if extra.payoffs is not None:
                pays = extra.payoffs if pays is None else [
                    self._sum(a, b) for a, b in zip(pays, extra.payoffs, strict=True)]
            tags = extra.tags + tags
            label = extra.label or label
            for name, value in extra.measures.items():
                measures[name] = self._sum(measures.get(name, sympy.Integer(0)), value)
        if "use" in node:
            self._use(node, field, parent, action, prob, scope,
                      _Extra(pays, tags, label, measures))
            return
        if "with" in node:
            ctx.fail("'with' goes together with 'use'", node, "with", f"{field}.with")
        if "player" in node and "chance" in node:
            ctx.fail("a node is either a player's or chance's, not both", node, "chance", field)
        if "player" not in node and "chance" not in node:
            if "actions" in node:
                ctx.fail("a node with actions needs 'player' or 'chance'", node, "actions", field)
            if pays is None:
                ctx.fail("a terminal node needs 'payoffs'", where, key, field)
            self.nodes.add(TERMINAL, parent, action, prob, payoffs=pays, marked=True,
                           label=label, tags=tags, measures=measures)
            return
        actions = node.get("actions")
        if not isinstance(actions, LineDict) or not actions:
            ctx.fail("'actions' must map each action label to the node it leads to",
                     node, "actions", f"{field}.actions")
        labels = [self._text(label_field(ctx, a, actions, a, f"{field}.actions.{a}", "action"),
                             scope, actions, a, f"{field}.actions.{a}") for a in actions]
        if len(set(labels)) != len(labels):
            ctx.fail("action labels must be distinct", node, "actions", f"{field}.actions")
        common: dict[str, Any] = {"payoffs": pays or self.zero, "marked": pays is not None, "label": label,
                  "tags": tags, "measures": measures}
        if "player" in node:
            me = self._decision(node, field, parent, action, prob, scope, tuple(labels), common)
            probs = [sympy.Integer(0)] * len(labels)
        else:
            probs = self._chance(node, field, scope, list(actions), labels)
            me = self.nodes.add(CHANCE, parent, action, prob, **common)
        for raw_label, text, p in zip(actions, labels, probs, strict=True):
            self._visit(actions[raw_label], actions, raw_label, f"{field}.actions.{raw_label}",
                        me, text, p, scope, None)

    def _decision(self, node: LineDict, field: str, parent: int, action: str, prob: sympy.Expr,
                  scope: _Scope, labels: tuple[str, ...], common: dict[str, Any]) -> int:
        raw_player = node["player"]
        player = self._text(str(raw_player), scope, node, "player", f"{field}.player")
        if player not in self.players:
            self.ctx.fail(f"unknown player {shown(player)} (players: {', '.join(self.players)})",
                          node, "player", f"{field}.player")
        infoset = node.get("infoset")
        if infoset is not None:
            infoset = self._text(label_field(self.ctx, infoset, node, "infoset",
                                             f"{field}.infoset", "infoset"),
                                 scope, node, "infoset", f"{field}.infoset")
        try:
            return self.nodes.add(DECISION, parent, action, prob, player=self.players.index(player),
                                  infoset=infoset, actions=labels, source=(node, field), **common)
        except GameError as exc:
            self._infoset_conflict(exc, node, field)

    def _infoset_conflict(self, exc: GameError, node: LineDict, field: str) -> NoReturn:
        self.ctx.fail(f"{exc} (all nodes of an information set need the same player and "
                      "actions)", node, "infoset", f"{field}.infoset")

    def _chance(self, node: LineDict, field: str, scope: _Scope, raw_labels: list[str],
                labels: list[str]) -> list[sympy.Expr]:
        chance = node["chance"]
        if not isinstance(chance, LineDict) or list(chance) != raw_labels:
            self.ctx.fail("'chance' must map each action (in the order of 'actions') to its "
                          "probability", node, "chance", f"{field}.chance")
        probs = [self._expr(chance[a], scope, chance, a, f"{field}.chance.{a}")
                 for a in raw_labels]
        key = tuple(map(id, probs))  # canonical objects (see _value): identity is equality
        if key not in self.checked_probs:
            check_probabilities(self.ctx, node, field, raw_labels, probs, self.parameters)
            self.checked_probs.add(key)
        return probs

    def _use(self, node: LineDict, field: str, parent: int, action: str, prob: sympy.Expr,
             scope: _Scope, extra: _Extra) -> None:
        ctx = self.ctx
        name = self._text(str(node["use"]), scope, node, "use", f"{field}.use")
        if name not in self.subtrees:
            known = ", ".join(self.subtrees) or "none declared"
            ctx.fail(f"unknown subtree {shown(name)} (subtrees: {known})", node, "use", f"{field}.use")
        if len(scope.stack) >= MAX_SUBTREE_DEPTH:
            ctx.fail(f"subtrees nest more than {MAX_SUBTREE_DEPTH} deep (does subtree {shown(name)} "
                     "use itself?)", node, "use", f"{field}.use")
        for k in ("player", "chance", "actions"):
            if k in node:
                ctx.fail(f"a 'use' node takes no '{k}' (it is the subtree's root)", node, k,
                         f"{field}.{k}")
        body, arguments = self.subtrees[name]
        given = node.get("with", NO_ARGUMENTS)
        if not isinstance(given, LineDict):
            ctx.fail("'with' must map argument names to values", node, "with", f"{field}.with")
        missing = [a for a in arguments if a not in given]
        unknown = [a for a in given if a not in arguments]
        if missing or unknown:
            what = (f"missing argument {shown(missing[0])}" if missing
                    else f"unknown argument {shown(unknown[0])}")
            ctx.fail(f"{what} for subtree {shown(name)} (arguments: {', '.join(arguments) or 'none'})",
                     node, "with", f"{field}.with")
        names = self._names(name, arguments)
        text: dict[str, str] = {}
        for arg in arguments:
            written = str(given[arg])
            text[arg] = self._text(written, scope, given, arg, f"{field}.with.{arg}") \
                if "$" in written else written
        values, failures, ordered, env = self._arguments(name, given, scope)
        order = self.argument_order[name]
        ident = (name, ordered, tuple((a, text[a]) for a in order))
        key = self.scope_ids.setdefault(ident, len(self.scope_ids) + 1)
        if key in scope.stack:  # the same subtree with the same arguments: endless recursion
            ctx.fail(f"subtree {shown(name)} uses itself with the same arguments (directly or "
                     "through others)", node, "use", f"{field}.use")
        naming = self.naming.get(name, frozenset())
        memo = (name, env, tuple((a, text[a]) for a in arguments if a not in naming), extra.key())
        done = self.instances.get(memo) if self.reuse else None
        depth = len(scope.stack)
        if done is not None and len(self.nodes) + done.end - done.start <= self.max_nodes \
                and depth + done.depth < MAX_SUBTREE_DEPTH:
            self.deepest = max(self.deepest, depth + done.depth)
            fill = _filler([(mark, text[arg]) for arg, mark in done.markers])
            self.nodes.copy(done.start, done.end, parent, action, prob, done.templates, fill)
            return
        markers: tuple[tuple[str, str], ...] = ()
        given = dict(text)
        if naming:  # expanded once for every text of the naming arguments: markers stand in
            self.frames += 1
            markers = tuple((arg, marker(self.frames, arg)) for arg in arguments if arg in naming)
            text.update(markers)
        inner = _Scope(names, {names[a]: v for a, v in values.items()},
                       {names[a]: e for a, e in failures.items()}, text, (*scope.stack, key), key,
                       env)
        start, outer_deepest, self.deepest = len(self.nodes), self.deepest, depth
        self._visit(body["tree"], body, "tree", f"subtrees.{name}.tree", parent, action, prob,
                    inner, extra)
        templates = self.nodes.resolve(start, _filler([(m, given[a]) for a, m in markers]))
        if self.reuse:
            self.instances.setdefault(memo, _Instance(start, len(self.nodes),
                                                      self.deepest - depth, templates, markers))
        self.deepest = max(outer_deepest, self.deepest)

    def _arguments(self, name: str, given: LineDict, scope: _Scope) -> tuple[
            dict[str, sympy.Expr], dict[str, ExpressionError], tuple[tuple[str, int], ...], int]:
        """The values of a ``with`` mapping in ``scope`` (or why they are not expressions), their
        ``(argument, id)`` pairs by name, and the id of the resulting environment."""
        memo = (id(given), scope.env, id(scope.names))  # ``given`` is kept alive by the model
        known = self.arguments.get(memo)
        if known is not None:
            return known
        values: dict[str, sympy.Expr] = {}
        failures: dict[str, ExpressionError] = {}
        for arg in self.subtrees[name][1]:
            value = self._value(given[arg], scope)
            if isinstance(value, ExpressionError):
                failures[arg] = value
            else:
                values[arg] = value
        order = self.argument_order[name]
        # argument values are canonical objects (see _value), so identity is equality
        ordered = tuple((a, id(values[a])) for a in order if a in values)
        env = self.envs.setdefault((ordered, tuple(a for a in order if a in failures)),
                                   len(self.envs))
        result = self.arguments[memo] = (values, failures, ordered, env)
        return result

    def _names(self, subtree: str, arguments: list[str]) -> dict[str, sympy.Symbol]:
        """The names a subtree's expressions see: the parameters and its arguments."""
        names = self.scope_names.get(subtree)
        if names is None:
            names = dict(self.root_scope.names)
            for arg in arguments:
                names[arg] = self.symbols.setdefault(arg, sympy.Symbol(arg, real=True))
            self.scope_names[subtree] = names
            self.argument_order[subtree] = sorted(arguments)
        return names
