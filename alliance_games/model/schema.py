"""Validate a YAML model mapping and build the :class:`SymbolicModel` it describes.

The format is specified in ``docs/reference/model-format.md``. Every error names the file, the
line, the field path, what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import numpy as np
import sympy

from alliance_games.errors import ExpressionError, GameError, ModelError
from alliance_games.games.tree import TreeBuilder
from alliance_games.model.expressions import parse_expression
from alliance_games.model.loader import LineDict, LineList
from alliance_games.model.symbolic import (
    Parameter,
    SymbolicModel,
    SymbolicNormalForm,
    SymbolicTree,
)

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TAG = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?$")
PLAYER_TAG_KINDS = ("abandonment", "entrapment", "hedge")
TOP_KEYS = ("title", "description", "source", "parameters", "players", "policies",
            "normal_form", "tree")
PARAMETER_KEYS = ("name", "default", "range", "values", "description", "latex")
NODE_KEYS = ("player", "infoset", "chance", "actions", "payoffs", "tags", "label")
MAX_TREE_NODES = 200_000
"""Largest tree a YAML model may spell out node by node."""


class _Context:
    """Where we are in the file: path and the (mapping, key) that locates a field."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, message: str, where: Any, key: str | int | None, field: str,
             kind: type[ModelError] = ModelError) -> NoReturn:
        line = None
        if isinstance(where, LineDict) and isinstance(key, str):
            line = where.line_of(key)
        elif isinstance(where, LineList) and isinstance(key, int):
            line = where.line_of(key)
        elif isinstance(where, LineDict | LineList):
            line = where.line
        raise kind(message, path=self.path, line=line, field=field or None)

    def expression(self, text: Any, names: dict[str, sympy.Symbol], where: Any,
                   key: str | int | None, field: str) -> sympy.Expr:
        try:
            return parse_expression(text, names)
        except ExpressionError as exc:
            self.fail(exc.message, where, key, field, ExpressionError)


def build_model(raw: LineDict, *, name: str, path: str) -> SymbolicModel:
    """Validate ``raw`` (from :func:`~alliance_games.model.loader.parse_yaml`) into a model."""
    ctx = _Context(path)
    for key in raw:
        if key not in TOP_KEYS:
            ctx.fail(f"unknown field {key!r} (known fields: {', '.join(TOP_KEYS)})", raw, key, key)
    title = _text(ctx, raw, "title", required=True)
    players = _players(ctx, raw)
    parameters = _parameters(ctx, raw)
    names = {p.name: p.symbol for p in parameters}
    has_nf, has_tree = "normal_form" in raw, "tree" in raw
    if has_nf == has_tree:
        ctx.fail("a model needs exactly one of 'normal_form' or 'tree'", raw, None, "")
    game: SymbolicNormalForm | SymbolicTree
    if has_nf:
        game = _normal_form(ctx, raw, players, names)
    else:
        game = _tree(ctx, raw, players, names, title)
    policies = _policies(ctx, raw, game, players)
    return SymbolicModel(
        name=name,
        path=path,
        title=title,
        players=players,
        parameters=parameters,
        game=game,
        description=_text(ctx, raw, "description"),
        source=_text(ctx, raw, "source"),
        policies=policies,
    )


# ---- scalars ------------------------------------------------------------------------------------
def _text(ctx: _Context, raw: LineDict, key: str, *, required: bool = False,
          field: str | None = None) -> str:
    field = field or key
    if key not in raw:
        if required:
            ctx.fail(f"missing required field {key!r}", raw, None, field)
        return ""
    value = raw[key]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        ctx.fail(f"expected text, got {type(value).__name__}", raw, key, field)
    return str(value).strip()


def _name(ctx: _Context, value: Any, where: Any, key: str | int, field: str, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        ctx.fail(
            f"{what} {value!r} is not a valid name (letters, digits and _, not starting "
            "with a digit)", where, key, field,
        )
    return value


def _label(ctx: _Context, value: Any, where: Any, key: str | int, field: str, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        ctx.fail(f"{what} must be a non-empty label, got {value!r}", where, key, field)
    text = str(value).strip()
    if any(ch in text for ch in "|:\n\""):
        ctx.fail(f"{what} {text!r} may not contain | : or quotes", where, key, field)
    return text


def _constant(ctx: _Context, value: Any, where: Any, key: str | int, field: str) -> sympy.Rational:
    expr = ctx.expression(value, {}, where, key, field)
    if not expr.is_Rational:
        ctx.fail(f"expected a rational number, got {value!r}", where, key, field)
    return expr


# ---- players and parameters ---------------------------------------------------------------------
def _players(ctx: _Context, raw: LineDict) -> tuple[str, ...]:
    items = raw.get("players")
    if not isinstance(items, LineList) or not items:
        ctx.fail("'players' must be a non-empty list of player names", raw, "players", "players")
    names: list[str] = []
    for i, item in enumerate(items):
        value = item.get("name") if isinstance(item, LineDict) else item
        name = _name(ctx, value, items, i, f"players[{i}]", "player")
        if name in names:
            ctx.fail(f"duplicate player {name!r}", items, i, f"players[{i}]")
        if name == "chance":
            ctx.fail("'chance' is reserved for chance nodes", items, i, f"players[{i}]")
        names.append(name)
    return tuple(names)


def _parameters(ctx: _Context, raw: LineDict) -> tuple[Parameter, ...]:
    items = raw.get("parameters", LineList())
    if not isinstance(items, LineList):
        ctx.fail("'parameters' must be a list of mappings", raw, "parameters", "parameters")
    result: list[Parameter] = []
    for i, item in enumerate(items):
        field = f"parameters[{i}]"
        if not isinstance(item, LineDict):
            ctx.fail("each parameter is a mapping with name and default", items, i, field)
        for key in item:
            if key not in PARAMETER_KEYS:
                ctx.fail(f"unknown field {key!r} (known: {', '.join(PARAMETER_KEYS)})",
                         item, key, f"{field}.{key}")
        name = _name(ctx, item.get("name"), item, "name", f"{field}.name", "parameter")
        if any(p.name == name for p in result):
            ctx.fail(f"duplicate parameter {name!r}", item, "name", f"{field}.name")
        if "default" not in item:
            ctx.fail(f"parameter {name!r} needs a default", item, None, f"{field}.default")
        default = _constant(ctx, item["default"], item, "default", f"{field}.default")
        bounds = None
        if "range" in item:
            rng = item["range"]
            if not isinstance(rng, LineList) or len(rng) != 2:
                ctx.fail("range must be [low, high]", item, "range", f"{field}.range")
            lo = _constant(ctx, rng[0], rng, 0, f"{field}.range")
            hi = _constant(ctx, rng[1], rng, 1, f"{field}.range")
            if lo > hi:
                ctx.fail(f"range [{lo}, {hi}] is empty", item, "range", f"{field}.range")
            bounds = (lo, hi)
        values = None
        if "values" in item:
            vals = item["values"]
            if not isinstance(vals, LineList) or not vals:
                ctx.fail("values must be a non-empty list", item, "values", f"{field}.values")
            values = tuple(_constant(ctx, v, vals, k, f"{field}.values") for k, v in enumerate(vals))
        parameter = Parameter(
            name=name,
            symbol=sympy.Symbol(name, real=True),
            default=default,
            range=bounds,
            values=values,
            description=_text(ctx, item, "description", field=f"{field}.description"),
            latex=_text(ctx, item, "latex", field=f"{field}.latex") or name,
        )
        problem = parameter.check(default)
        if problem:
            ctx.fail(f"default {problem}", item, "default", f"{field}.default")
        result.append(parameter)
    return tuple(result)


# ---- payoffs and tags ---------------------------------------------------------------------------
def _payoff_vector(ctx: _Context, value: Any, where: Any, key: str | int, field: str,
                   players: tuple[str, ...], names: dict[str, sympy.Symbol]) -> list[sympy.Expr]:
    """Payoffs as ``[a, b, ...]`` in player order, ``"a, b"`` text, or ``{player: value}``."""
    if isinstance(value, str) and "," in value and "(" not in value:
        value = LineList([v.strip() for v in value.split(",")], line=_line(where, key))
        value.lines = [value.line] * len(value)
    if isinstance(value, LineDict):
        unknown = [k for k in value if k not in players]
        if unknown:
            ctx.fail(f"unknown player {unknown[0]!r} (players: {', '.join(players)})",
                     value, unknown[0], f"{field}.{unknown[0]}")
        return [ctx.expression(value[p], names, value, p, f"{field}.{p}") if p in value
                else sympy.Integer(0) for p in players]
    if isinstance(value, LineList):
        if len(value) != len(players):
            ctx.fail(f"expected {len(players)} payoffs (one per player: {', '.join(players)}), "
                     f"got {len(value)}", where, key, field)
        return [ctx.expression(v, names, value, k, f"{field}[{k}]") for k, v in enumerate(value)]
    ctx.fail(f"payoffs must be a list with one value per player ({', '.join(players)}) "
             "or a mapping player: value", where, key, field)


def _line(where: Any, key: str | int) -> int:
    if isinstance(where, LineDict) and isinstance(key, str):
        return where.line_of(key)
    if isinstance(where, LineList) and isinstance(key, int):
        return where.line_of(key)
    return 0


def _tags(ctx: _Context, value: Any, where: Any, key: str | int, field: str,
          players: tuple[str, ...]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        ctx.fail("tags must be a list such as [abandonment:ally, war:asia]", where, key, field)
    tags = []
    for item in items:
        if not isinstance(item, str) or not TAG.match(item):
            ctx.fail(f"tag {item!r} is not of the form kind or kind:name", where, key, field)
        kind, _, who = item.partition(":")
        if kind in PLAYER_TAG_KINDS and who not in players:
            ctx.fail(f"tag {item!r} names no player (players: {', '.join(players)})",
                     where, key, field)
        tags.append(item)
    return tuple(tags)


# ---- normal form --------------------------------------------------------------------------------
def _normal_form(ctx: _Context, raw: LineDict, players: tuple[str, ...],
                 names: dict[str, sympy.Symbol]) -> SymbolicNormalForm:
    nf = raw["normal_form"]
    if not isinstance(nf, LineDict):
        ctx.fail("normal_form must be a mapping", raw, "normal_form", "normal_form")
    for key in nf:
        if key not in ("strategies", "matrix", "payoffs", "tags"):
            ctx.fail(f"unknown field {key!r} (known: strategies, matrix, payoffs, tags)",
                     nf, key, f"normal_form.{key}")
    strategies = _strategies(ctx, nf, players)
    shape = tuple(len(s) for s in strategies)
    payoffs = np.full((len(players), *shape), None, dtype=object)
    tags: dict[tuple[int, ...], tuple[str, ...]] = {}
    if ("matrix" in nf) == ("payoffs" in nf):
        ctx.fail("give the payoffs either as 'matrix' (two players) or as 'payoffs'",
                 nf, None, "normal_form")
    if "matrix" in nf:
        _matrix(ctx, nf, players, strategies, names, payoffs)
    else:
        _profile_list(ctx, nf, "payoffs", players, strategies, names, payoffs, tags)
    if "tags" in nf:
        _profile_list(ctx, nf, "tags", players, strategies, names, None, tags)
    missing = [idx for idx in np.ndindex(*shape) if payoffs[(0, *idx)] is None]
    if missing:
        profile = ", ".join(strategies[i][k] for i, k in enumerate(missing[0]))
        ctx.fail(f"no payoffs for profile ({profile}) and {len(missing) - 1} more; "
                 "every profile needs payoffs", nf, "payoffs", "normal_form.payoffs")
    return SymbolicNormalForm(strategies, payoffs, tags)


def _strategies(ctx: _Context, nf: LineDict, players: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    spec = nf.get("strategies")
    field = "normal_form.strategies"
    if not isinstance(spec, LineDict):
        ctx.fail("strategies must map each player to a list of strategy labels",
                 nf, "strategies", field)
    result = []
    for player in players:
        labels = spec.get(player)
        if not isinstance(labels, LineList) or not labels:
            ctx.fail(f"no strategies for player {player!r}", spec, player, f"{field}.{player}")
        clean = tuple(_label(ctx, s, labels, k, f"{field}.{player}[{k}]", "strategy")
                      for k, s in enumerate(labels))
        if len(set(clean)) != len(clean):
            ctx.fail(f"duplicate strategy labels for {player!r}", spec, player, f"{field}.{player}")
        result.append(clean)
    extra = [k for k in spec if k not in players]
    if extra:
        ctx.fail(f"strategies given for unknown player {extra[0]!r}", spec, extra[0],
                 f"{field}.{extra[0]}")
    return tuple(result)


def _matrix(ctx: _Context, nf: LineDict, players: tuple[str, ...],
            strategies: tuple[tuple[str, ...], ...], names: dict[str, sympy.Symbol],
            payoffs: np.ndarray) -> None:
    rows = nf["matrix"]
    field = "normal_form.matrix"
    if len(players) != 2:
        ctx.fail("the compact 'matrix' form is for two players; use 'payoffs'", nf, "matrix", field)
    if not isinstance(rows, LineList) or len(rows) != len(strategies[0]):
        ctx.fail(f"matrix needs one row per strategy of {players[0]!r} ({len(strategies[0])})",
                 nf, "matrix", field)
    for r, row in enumerate(rows):
        if not isinstance(row, LineList) or len(row) != len(strategies[1]):
            ctx.fail(f"row {r + 1} needs one cell per strategy of {players[1]!r} "
                     f"({len(strategies[1])})", rows, r, f"{field}[{r}]")
        for c, cell in enumerate(row):
            vector = _payoff_vector(ctx, cell, row, c, f"{field}[{r}][{c}]", players, names)
            payoffs[0, r, c], payoffs[1, r, c] = vector


def _profile_list(ctx: _Context, nf: LineDict, key: str, players: tuple[str, ...],
                  strategies: tuple[tuple[str, ...], ...], names: dict[str, sympy.Symbol],
                  payoffs: np.ndarray | None, tags: dict[tuple[int, ...], tuple[str, ...]]) -> None:
    entries = nf[key]
    field = f"normal_form.{key}"
    if not isinstance(entries, LineList):
        ctx.fail(f"{key} must be a list of entries with a 'profile'", nf, key, field)
    for k, entry in enumerate(entries):
        efield = f"{field}[{k}]"
        if not isinstance(entry, LineDict) or "profile" not in entry:
            ctx.fail("each entry needs a 'profile'", entries, k, efield)
        index = _profile_index(ctx, entry, players, strategies, efield)
        if payoffs is not None:
            if "payoffs" not in entry:
                ctx.fail("entry needs 'payoffs'", entry, None, efield)
            if payoffs[(0, *index)] is not None:
                ctx.fail("payoffs for this profile are given twice", entry, "profile",
                         f"{efield}.profile")
            vector = _payoff_vector(ctx, entry["payoffs"], entry, "payoffs", f"{efield}.payoffs",
                                    players, names)
            for i, value in enumerate(vector):
                payoffs[(i, *index)] = value
        if "tags" in entry:
            tags[index] = tags.get(index, ()) + _tags(ctx, entry["tags"], entry, "tags",
                                                      f"{efield}.tags", players)


def _profile_index(ctx: _Context, entry: LineDict, players: tuple[str, ...],
                   strategies: tuple[tuple[str, ...], ...], field: str) -> tuple[int, ...]:
    profile = entry["profile"]
    if isinstance(profile, LineDict):
        labels = [profile.get(p) for p in players]
    elif isinstance(profile, LineList):
        labels = list(profile)
    else:
        labels = []
    if len(labels) != len(players) or any(lab is None for lab in labels):
        ctx.fail(f"profile must name one strategy per player ({', '.join(players)})",
                 entry, "profile", f"{field}.profile")
    index = []
    for i, label in enumerate(labels):
        if str(label) not in strategies[i]:
            ctx.fail(f"{label!r} is not a strategy of {players[i]!r} "
                     f"(strategies: {', '.join(strategies[i])})", entry, "profile",
                     f"{field}.profile")
        index.append(strategies[i].index(str(label)))
    return tuple(index)


# ---- trees --------------------------------------------------------------------------------------
def _tree(ctx: _Context, raw: LineDict, players: tuple[str, ...],
          names: dict[str, sympy.Symbol], title: str) -> SymbolicTree:
    builder = TreeBuilder(players, exact=True, title=title)
    payoff_exprs: list[list[sympy.Expr]] = []
    prob_exprs: list[sympy.Expr] = []
    zero = [sympy.Integer(0)] * len(players)

    def visit(node: Any, where: Any, key: str | int, field: str, parent: int,
              action: str | None, path: tuple[str, ...]) -> None:
        if len(payoff_exprs) >= MAX_TREE_NODES:
            ctx.fail(f"tree has more than {MAX_TREE_NODES} nodes", where, key, field)
        if isinstance(node, LineList | str):  # shorthand: a terminal given by its payoffs
            node = LineDict({"payoffs": node}, line=_line(where, key))
            node.lines["payoffs"] = node.line
        if not isinstance(node, LineDict):
            ctx.fail("a node is a mapping (player/chance with actions, or payoffs)",
                     where, key, field)
        for k in node:
            if k not in NODE_KEYS:
                ctx.fail(f"unknown field {k!r} (known: {', '.join(NODE_KEYS)})",
                         node, k, f"{field}.{k}")
        label = _text(ctx, node, "label", field=f"{field}.label")
        tags = _tags(ctx, node["tags"], node, "tags", f"{field}.tags", players) \
            if "tags" in node else ()
        pays = (_payoff_vector(ctx, node["payoffs"], node, "payoffs", f"{field}.payoffs",
                               players, names) if "payoffs" in node else None)
        if "player" in node and "chance" in node:
            ctx.fail("a node is either a player's or chance's, not both", node, "chance", field)
        if "player" not in node and "chance" not in node:
            if "actions" in node:
                ctx.fail("a node with actions needs 'player' or 'chance'", node, "actions", field)
            if pays is None:
                ctx.fail("a terminal node needs 'payoffs'", where, key, field)
            builder.add_terminal(parent, action, payoffs=[0] * len(players), label=label,
                                 tags=tags)
            payoff_exprs.append(pays)
            return
        actions = node.get("actions")
        if not isinstance(actions, LineDict) or not actions:
            ctx.fail("'actions' must map each action label to the node it leads to",
                     node, "actions", f"{field}.actions")
        labels = [_label(ctx, a, actions, a, f"{field}.actions.{a}", "action") for a in actions]
        if "player" in node:
            player = node["player"]
            if player not in players:
                ctx.fail(f"unknown player {player!r} (players: {', '.join(players)})",
                         node, "player", f"{field}.player")
            infoset = node.get("infoset")
            if infoset is None:
                infoset = f"{player}@{'/'.join(path) or 'root'}"
            else:
                infoset = _label(ctx, infoset, node, "infoset", f"{field}.infoset", "infoset")
            try:
                me = builder.add_decision(parent, action, player=players.index(player),
                                          infoset=infoset, actions=labels, label=label, tags=tags,
                                          payoffs=[0] * len(players) if pays else None)
            except GameError as exc:
                ctx.fail(f"{exc} (all nodes of an information set need the same player and "
                         "actions)", node, "infoset", f"{field}.infoset")
            probs = [sympy.Integer(0)] * len(labels)
        else:
            chance = node["chance"]
            if not isinstance(chance, LineDict) or list(chance) != labels:
                ctx.fail("'chance' must map each action (in the order of 'actions') to its "
                         "probability", node, "chance", f"{field}.chance")
            probs = [ctx.expression(chance[a], names, chance, a, f"{field}.chance.{a}")
                     for a in labels]
            _check_probabilities(ctx, probs, names, chance, f"{field}.chance")
            me = builder.add_chance(parent, action, label=label, tags=tags,
                                    payoffs=[0] * len(players) if pays else None)
        payoff_exprs.append(pays or zero)
        prob_exprs.extend(probs)  # edges are stored node by node in pre-order, as visited
        for a in labels:
            visit(actions[a], actions, a, f"{field}.actions.{a}", me, a, (*path, a))

    tree = raw["tree"]
    if not isinstance(tree, LineDict):
        ctx.fail("tree must be a mapping (the root node)", raw, "tree", "tree")
    visit(tree, raw, "tree", "tree", -1, None, ())
    skeleton = builder.build()
    problems = skeleton.check_perfect_recall()
    if problems:
        ctx.fail(f"{problems[0]} (the solvers need perfect recall)", raw, "tree", "tree")
    return SymbolicTree(skeleton, _object_array(payoff_exprs, (skeleton.num_nodes, len(players))),
                        _object_array(prob_exprs, (len(prob_exprs),)))


def _object_array(values: list[Any], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(values) * (shape[1] if len(shape) > 1 else 1), dtype=object)
    out[:] = [v for row in values for v in row] if len(shape) > 1 else values
    return out.reshape(shape)


def _check_probabilities(ctx: _Context, probs: list[sympy.Expr], names: dict[str, sympy.Symbol],
                         where: LineDict, field: str) -> None:
    total = sympy.simplify(sum(probs, sympy.Integer(0)) - 1)
    if total != 0:
        ctx.fail(f"chance probabilities sum to {sympy.simplify(total + 1)}, not 1", where, None,
                 field)
    for p in probs:
        if p.is_number and p < 0:
            ctx.fail(f"negative probability {p}", where, None, field)


# ---- policies -----------------------------------------------------------------------------------
def _policies(ctx: _Context, raw: LineDict, game: SymbolicNormalForm | SymbolicTree,
              players: tuple[str, ...]) -> tuple[str, ...]:
    if "policies" not in raw:
        return ()
    items = raw["policies"]
    if not isinstance(items, LineList) or not items:
        ctx.fail("policies must be a non-empty list of the leader's first-move actions",
                 raw, "policies", "policies")
    policies = tuple(str(p) for p in items)
    available: tuple[str, ...]
    if isinstance(game, SymbolicTree):
        root = game.skeleton
        infoset = root.infoset_of(0)
        available = infoset.actions if infoset is not None else ()
        where = "the root's actions"
    else:
        available = game.strategies[0]
        where = f"the strategies of {players[0]!r}"
    unknown = [p for p in policies if p not in available]
    if unknown:
        ctx.fail(f"policy {unknown[0]!r} is not among {where} ({', '.join(available)})",
                 raw, "policies", "policies")
    return policies

