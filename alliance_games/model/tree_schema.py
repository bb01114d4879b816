"""Read the ``tree`` section of a model (and its reusable ``subtrees``) into a :class:`SymbolicTree`.

Nodes are nested mappings: a decision node ``{player, infoset?, actions}``, a chance node
``{chance: {action: probability}, actions}``, a terminal ``{payoffs, tags?}`` or just its payoff
list. Any node may carry ``payoffs`` (summed along the path), ``tags`` and a ``label``.

A node ``{use: NAME, with: {arg: value, ...}}`` stands for the subtree ``NAME`` declared under
``subtrees:`` (``{arguments: [...], tree: node}``): its expressions may use the arguments as names,
replaced by the values given (expressions in the caller's names), and its text fields (``player``,
``infoset``, ``tags``, ``label``, action labels, payoff keys) may contain ``${arg}``, replaced by
the value's text. The ``use`` node's own ``payoffs`` and ``tags`` are added at the subtree's root.
Parsed expressions are cached per YAML field, so a subtree used many times is parsed once.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from alliance_games.errors import ExpressionError, GameError
from alliance_games.games.limits import DEFAULTS, how_to_raise, limit
from alliance_games.games.tree import TreeBuilder
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
from alliance_games.model.symbolic import Parameter, SymbolicTree

NODE_KEYS = ("player", "infoset", "chance", "actions", "payoffs", "tags", "label", "use", "with",
             "measures")
SUBTREE_KEYS = ("arguments", "tree", "description")
MAX_TREE_NODES = DEFAULTS["max_nodes"]
"""Largest tree a YAML model may expand to by default (see :mod:`alliance_games.games.limits`)."""
MAX_SUBTREE_DEPTH = 64
MAX_CORNER_PARAMETERS = 10
"""Chance probabilities over more parameters are checked at the defaults and one-at-a-time corners
only (not at all 2**k corners of the parameter box)."""
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class _Extra:
    """What a 'use' node adds at the root of the subtree it stands for."""

    payoffs: list[sympy.Expr] | None
    tags: tuple[str, ...]
    label: str
    measures: dict[str, sympy.Expr]


@dataclass(frozen=True)
class _Scope:
    """What the current subtree sees: expression names, argument values and text values."""

    names: dict[str, sympy.Symbol]
    values: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    failures: dict[sympy.Symbol, ExpressionError] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    stack: tuple[int, ...] = ()  # the subtree instances being expanded
    key: int = 0


def read_tree(ctx: Context, raw: LineDict, players: tuple[str, ...],
              names: dict[str, sympy.Symbol], title: str,
              parameters: tuple[Parameter, ...] = ()) -> SymbolicTree:
    """Build the symbolic tree of a model (see the module docstring).

    ``parameters`` (the declared ones, with defaults and ranges) let chance probabilities be checked
    at the defaults and at the corners of the declared ranges.
    """
    reader = _TreeReader(ctx, raw, players, names, title)
    reader.parameters = {p.symbol: p for p in parameters}
    return reader.read()


def _corner_points(symbols: set[sympy.Symbol], parameters: dict[sympy.Symbol, Parameter]
                   ) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """The defaults, then every corner of the declared ranges (or allowed values) of ``symbols``.

    Beyond :data:`MAX_CORNER_PARAMETERS` parameters, the corners are taken one parameter at a time
    (the others at their defaults).
    """
    known = sorted((s for s in symbols if s in parameters), key=lambda s: s.name)
    default = {s: parameters[s].default for s in known}
    ends: dict[sympy.Symbol, tuple[sympy.Rational, ...]] = {}
    for s in known:
        par = parameters[s]
        if par.range is not None:
            ends[s] = (par.range[0], par.range[1])
        elif par.values is not None:
            ends[s] = (min(par.values), max(par.values))
        else:
            ends[s] = (par.default,)
    points = [default]
    if len(known) <= MAX_CORNER_PARAMETERS:
        points.extend(dict(zip(known, combo, strict=True))
                      for combo in itertools.product(*(ends[s] for s in known)))
    else:
        points.extend({**default, s: v} for s in known for v in ends[s])
    return points


class _TreeReader:
    def __init__(self, ctx: Context, raw: LineDict, players: tuple[str, ...],
                 names: dict[str, sympy.Symbol], title: str) -> None:
        self.ctx, self.raw, self.players, self.title = ctx, raw, players, title
        # the skeleton's numbers are placeholders (the compiler fills them), so floats suffice
        self.builder = TreeBuilder(players, exact=False, title=title)
        self.payoffs: list[list[sympy.Expr]] = []
        self.max_nodes = limit("max_nodes")
        self.measures: dict[str, dict[int, sympy.Expr]] = {}
        self.probs: list[sympy.Expr] = []
        self.parsed: dict[tuple[int, Any], sympy.Expr | ExpressionError] = {}
        self.symbols: dict[str, sympy.Symbol] = {}
        self.substituted: dict[tuple[sympy.Expr, int], sympy.Expr] = {}
        self.checked_probs: set[tuple[sympy.Expr, ...]] = set()
        self.parameters: dict[sympy.Symbol, Parameter] = {}
        self.scope_ids: dict[Any, int] = {}
        self.subtrees = self._subtrees(names)
        self.root_scope = _Scope(dict(names))
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
                self.ctx.fail(f"subtree name {name!r} is not a valid name", spec, name, where)
            if not isinstance(body, LineDict) or "tree" not in body:
                self.ctx.fail("a subtree needs 'tree' (and optional 'arguments')", spec, name,
                              where)
            for key in body:
                if key not in SUBTREE_KEYS:
                    self.ctx.fail(f"unknown field {key!r} (known: {', '.join(SUBTREE_KEYS)})",
                                  body, key, f"{where}.{key}")
            args = body.get("arguments", LineList())
            if not isinstance(args, LineList) or not all(
                    isinstance(a, str) and IDENTIFIER.match(a) for a in args):
                self.ctx.fail("arguments must be a list of names", body, "arguments",
                              f"{where}.arguments")
            clash = [a for a in args if a in names]
            if clash:
                self.ctx.fail(f"argument {clash[0]!r} has the name of a parameter", body,
                              "arguments", f"{where}.arguments")
            result[name] = (body, list(args))
        return result

    def read(self) -> SymbolicTree:
        tree = self.raw["tree"]
        if not isinstance(tree, LineDict):
            self.ctx.fail("tree must be a mapping (the root node)", self.raw, "tree", "tree")
        self._visit(tree, self.raw, "tree", "tree", -1, None, (), self.root_scope, None)
        try:
            skeleton = self.builder.build()
        except GameError as exc:
            self.ctx.fail(str(exc), self.raw, "tree", "tree")
        problems = skeleton.check_perfect_recall()
        if problems:
            self.ctx.fail(f"{problems[0]} (the solvers need perfect recall)", self.raw, "tree",
                          "tree")
        n = skeleton.num_nodes
        payoffs = np.empty(n * len(self.players), dtype=object)
        payoffs[:] = [v for row in self.payoffs for v in row]
        probs = np.empty(len(self.probs), dtype=object)
        probs[:] = self.probs
        measures = {}
        for name, entries in self.measures.items():
            column = np.full(n, sympy.Integer(0), dtype=object)
            for node, value in entries.items():
                column[node] = value
            measures[name] = column
        return SymbolicTree(skeleton, payoffs.reshape(n, len(self.players)), probs, measures)

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
                self.ctx.fail(f"measure name {name!r} is not a valid name", spec, name,
                              f"{field}.measures.{name}")
            result[name] = self._expr(value, scope, spec, name, f"{field}.measures.{name}")
        return result

    # ---- text and expressions ---------------------------------------------------------------
    def _text(self, value: str, scope: _Scope, where: Any, key: Any, field: str) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in scope.text:
                known = ", ".join(scope.text) or "none here"
                self.ctx.fail(f"unknown placeholder ${{{name}}} (subtree arguments: {known})",
                              where, key, field)
            return scope.text[name]

        return PLACEHOLDER.sub(replace, value) if "$" in value else value

    def _expr(self, value: Any, scope: _Scope, where: Any, key: Any, field: str) -> sympy.Expr:
        cache_key = (id(where), key)
        parsed = self.parsed.get(cache_key)
        if parsed is None:
            try:
                parsed = parse_expression(value, scope.names)
            except ExpressionError as exc:
                parsed = exc
            self.parsed[cache_key] = parsed
        if isinstance(parsed, ExpressionError):
            self.ctx.fail(parsed.message, where, key, field, ExpressionError)
        if not scope.values and not scope.failures:
            return parsed
        done = self.substituted.get((parsed, scope.key))
        if done is None:
            broken = parsed.free_symbols & scope.failures.keys()
            if broken:
                error = scope.failures[next(iter(broken))]
                self.ctx.fail(f"argument {next(iter(broken))} is not an expression here: "
                              f"{error.message}", where, key, field, ExpressionError)
            done = parsed.xreplace(scope.values)
            self.substituted[(parsed, scope.key)] = done
        return done

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
                    self.ctx.fail(f"unknown player {player!r} (players: {', '.join(players)})",
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
               action: str | None, path: tuple[str, ...], scope: _Scope,
               extra: _Extra | None) -> None:
        ctx = self.ctx
        if len(self.payoffs) >= self.max_nodes:
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
                ctx.fail(f"unknown field {k!r} (known: {', '.join(NODE_KEYS)})",
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
                    a + b for a, b in zip(pays, extra.payoffs, strict=True)]
            tags = extra.tags + tags
            label = extra.label or label
            for name, value in extra.measures.items():
                measures[name] = measures.get(name, sympy.Integer(0)) + value
        if "use" in node:
            self._use(node, field, parent, action, path, scope,
                      _Extra(pays, tags, label, measures))
            return
        for name, value in measures.items():
            self.measures.setdefault(name, {})[len(self.payoffs)] = value
        if "with" in node:
            ctx.fail("'with' goes together with 'use'", node, "with", f"{field}.with")
        if "player" in node and "chance" in node:
            ctx.fail("a node is either a player's or chance's, not both", node, "chance", field)
        if "player" not in node and "chance" not in node:
            if "actions" in node:
                ctx.fail("a node with actions needs 'player' or 'chance'", node, "actions", field)
            if pays is None:
                ctx.fail("a terminal node needs 'payoffs'", where, key, field)
            self.builder.add_terminal(parent, action, payoffs=self.zero, label=label, tags=tags)
            self.payoffs.append(pays)
            return
        actions = node.get("actions")
        if not isinstance(actions, LineDict) or not actions:
            ctx.fail("'actions' must map each action label to the node it leads to",
                     node, "actions", f"{field}.actions")
        labels = [self._text(label_field(ctx, a, actions, a, f"{field}.actions.{a}", "action"),
                             scope, actions, a, f"{field}.actions.{a}") for a in actions]
        if len(set(labels)) != len(labels):
            ctx.fail("action labels must be distinct", node, "actions", f"{field}.actions")
        marker = self.zero if pays is not None else None
        if "player" in node:
            me = self._decision(node, field, parent, action, path, scope, labels, label, tags,
                                marker)
            probs = [sympy.Integer(0)] * len(labels)
        else:
            probs = self._chance(node, field, scope, list(actions), labels)
            me = self.builder.add_chance(parent, action, label=label, tags=tags, payoffs=marker)
        self.payoffs.append(pays or self.zero)
        self.probs.extend(probs)  # edges are stored node by node in pre-order, as visited
        for raw_label, text in zip(actions, labels, strict=True):
            self._visit(actions[raw_label], actions, raw_label, f"{field}.actions.{raw_label}",
                        me, text, (*path, text), scope, None)

    def _decision(self, node: LineDict, field: str, parent: int, action: str | None,
                  path: tuple[str, ...], scope: _Scope, labels: list[str], label: str,
                  tags: tuple[str, ...], marker: list[sympy.Expr] | None) -> int:
        raw_player = node["player"]
        player = self._text(str(raw_player), scope, node, "player", f"{field}.player")
        if player not in self.players:
            self.ctx.fail(f"unknown player {player!r} (players: {', '.join(self.players)})",
                          node, "player", f"{field}.player")
        infoset = node.get("infoset")
        if infoset is None:
            infoset = f"{player}@{'/'.join(path) or 'root'}"
        else:
            infoset = self._text(label_field(self.ctx, infoset, node, "infoset",
                                             f"{field}.infoset", "infoset"),
                                 scope, node, "infoset", f"{field}.infoset")
        try:
            return self.builder.add_decision(parent, action, player=self.players.index(player),
                                             infoset=infoset, actions=labels, label=label,
                                             tags=tags, payoffs=marker)
        except GameError as exc:
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
        key = tuple(probs)
        if key not in self.checked_probs:
            total = sympy.simplify(sum(probs, sympy.Integer(0)) - 1)
            if total != 0:
                self.ctx.fail(f"chance probabilities sum to {sympy.simplify(total + 1)}, not 1",
                              node, "chance", f"{field}.chance")
            for p in probs:
                if p.is_number and p < 0:
                    self.ctx.fail(f"negative probability {p}", node, "chance", f"{field}.chance")
            self._check_corners(node, field, raw_labels, probs)
            self.checked_probs.add(key)
        return probs

    def _check_corners(self, node: LineDict, field: str, raw_labels: list[str],
                       probs: list[sympy.Expr]) -> None:
        """Refuse probabilities that are negative (or a sum not 1) at the defaults or a corner."""
        symbols: set[sympy.Symbol] = set()
        for p in probs:
            symbols |= p.free_symbols
        if not symbols:
            return
        for point in _corner_points(symbols, self.parameters):
            at = ", ".join(f"{s.name}={v}" for s, v in point.items())
            values = []
            for label, p in zip(raw_labels, probs, strict=True):
                value = p.xreplace(point)
                if isinstance(value, sympy.Piecewise):
                    value = value.doit()
                if not value.is_number:
                    return  # depends on undeclared names (cannot happen) or did not simplify
                try:
                    negative = bool(value < 0)
                except TypeError:
                    return
                if negative:
                    self.ctx.fail(f"chance probability of {label!r} is {value} at {at}, "
                                  "inside the declared parameter ranges (it must be "
                                  "non-negative at every admissible value)",
                                  node, "chance", f"{field}.chance")
                values.append(value)
            total = sum(values, sympy.Integer(0))
            if all(v.is_Rational for v in values) and total != 1:
                self.ctx.fail(f"chance probabilities sum to {total}, not 1, at {at}",
                              node, "chance", f"{field}.chance")

    def _use(self, node: LineDict, field: str, parent: int, action: str | None,
             path: tuple[str, ...], scope: _Scope,
             extra: _Extra) -> None:
        ctx = self.ctx
        name = self._text(str(node["use"]), scope, node, "use", f"{field}.use")
        if name not in self.subtrees:
            known = ", ".join(self.subtrees) or "none declared"
            ctx.fail(f"unknown subtree {name!r} (subtrees: {known})", node, "use", f"{field}.use")
        if len(scope.stack) >= MAX_SUBTREE_DEPTH:
            ctx.fail(f"subtrees nest more than {MAX_SUBTREE_DEPTH} deep (does subtree {name!r} "
                     "use itself?)", node, "use", f"{field}.use")
        for k in ("player", "chance", "actions"):
            if k in node:
                ctx.fail(f"a 'use' node takes no '{k}' (it is the subtree's root)", node, k,
                         f"{field}.{k}")
        body, arguments = self.subtrees[name]
        given = node.get("with", LineDict())
        if not isinstance(given, LineDict):
            ctx.fail("'with' must map argument names to values", node, "with", f"{field}.with")
        missing = [a for a in arguments if a not in given]
        unknown = [a for a in given if a not in arguments]
        if missing or unknown:
            what = (f"missing argument {missing[0]!r}" if missing
                    else f"unknown argument {unknown[0]!r}")
            ctx.fail(f"{what} for subtree {name!r} (arguments: {', '.join(arguments) or 'none'})",
                     node, "with", f"{field}.with")
        names = dict(self.root_scope.names)
        values: dict[sympy.Symbol, sympy.Expr] = {}
        failures: dict[sympy.Symbol, ExpressionError] = {}
        text: dict[str, str] = {}
        for arg in arguments:
            symbol = self.symbols.get(arg)
            if symbol is None:
                symbol = self.symbols[arg] = sympy.Symbol(arg, real=True)
            names[arg] = symbol
            raw = given[arg]
            text[arg] = self._text(str(raw), scope, given, arg, f"{field}.with.{arg}")
            try:
                values[symbol] = self._expr(raw, scope, given, arg, f"{field}.with.{arg}")
            except ExpressionError as exc:
                failures[symbol] = exc
        ident = (name, tuple(sorted(values.items(), key=lambda kv: kv[0].name)),
                 tuple(sorted(text.items())))
        key = self.scope_ids.setdefault(ident, len(self.scope_ids) + 1)
        if key in scope.stack:  # the same subtree with the same arguments: endless recursion
            ctx.fail(f"subtree {name!r} uses itself with the same arguments (directly or "
                     "through others)", node, "use", f"{field}.use")
        inner = _Scope(names, values, failures, text, (*scope.stack, key), key)
        self._visit(body["tree"], body, "tree", f"subtrees.{name}.tree", parent, action, path,
                    inner, extra)
