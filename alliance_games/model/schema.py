"""Validate a YAML model mapping and build the :class:`SymbolicModel` it describes.

The format is specified in ``docs/reference/model-format.md``. Every error names the file, the
line, the field path, what is wrong and how to fix it.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from alliance_games.errors import shown
from alliance_games.games.limits import how_to_raise, limit
from alliance_games.model.fields import (
    Context,
    constant_field,
    label_field,
    name_field,
    payoff_vector,
    tags_field,
    text_field,
)
from alliance_games.model.loader import LineDict, LineList
from alliance_games.model.symbolic import (
    Parameter,
    SymbolicModel,
    SymbolicNormalForm,
    SymbolicTree,
)
from alliance_games.model.tree_schema import read_tree

TOP_KEYS = ("title", "description", "source", "parameters", "players", "policies", "method",
            "subtrees", "normal_form", "tree")
PARAMETER_KEYS = ("name", "default", "range", "values", "description", "latex")


def build_model(raw: LineDict, *, name: str, path: str) -> SymbolicModel:
    """Validate ``raw`` (from :func:`~alliance_games.model.loader.parse_yaml`) into a model."""
    ctx = Context(path)
    for key in raw:
        if key not in TOP_KEYS:
            ctx.fail(f"unknown field {shown(key)} (known fields: {', '.join(TOP_KEYS)})", raw, key, key)
    title = text_field(ctx, raw, "title", required=True)
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
        game = read_tree(ctx, raw, players, names, title, parameters)
    policies = _policies(ctx, raw, game, players)
    return SymbolicModel(
        name=name,
        path=path,
        title=title,
        players=players,
        parameters=parameters,
        game=game,
        description=text_field(ctx, raw, "description"),
        source=text_field(ctx, raw, "source"),
        policies=policies,
        method=text_field(ctx, raw, "method"),
        origins=ctx.origins,
    )


# ---- scalars ------------------------------------------------------------------------------------
def _players(ctx: Context, raw: LineDict) -> tuple[str, ...]:
    items = raw.get("players")
    if not isinstance(items, LineList) or not items:
        ctx.fail("'players' must be a non-empty list of player names", raw, "players", "players")
    names: list[str] = []
    for i, item in enumerate(items):
        value = item.get("name") if isinstance(item, LineDict) else item
        name = name_field(ctx, value, items, i, f"players[{i}]", "player")
        if name in names:
            ctx.fail(f"duplicate player {shown(name)}", items, i, f"players[{i}]")
        if name == "chance":
            ctx.fail("'chance' is reserved for chance nodes", items, i, f"players[{i}]")
        names.append(name)
    return tuple(names)


def _parameters(ctx: Context, raw: LineDict) -> tuple[Parameter, ...]:
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
                ctx.fail(f"unknown field {shown(key)} (known: {', '.join(PARAMETER_KEYS)})",
                         item, key, f"{field}.{key}")
        name = name_field(ctx, item.get("name"), item, "name", f"{field}.name", "parameter")
        if any(p.name == name for p in result):
            ctx.fail(f"duplicate parameter {shown(name)}", item, "name", f"{field}.name")
        if "default" not in item:
            ctx.fail(f"parameter {shown(name)} needs a default", item, None, f"{field}.default")
        default = constant_field(ctx, item["default"], item, "default", f"{field}.default")
        bounds = None
        if "range" in item:
            rng = item["range"]
            if not isinstance(rng, LineList) or len(rng) != 2:
                ctx.fail("range must be [low, high]", item, "range", f"{field}.range")
            lo = constant_field(ctx, rng[0], rng, 0, f"{field}.range")
            hi = constant_field(ctx, rng[1], rng, 1, f"{field}.range")
            if lo > hi:
                ctx.fail(f"range [{lo}, {hi}] is empty", item, "range", f"{field}.range")
            bounds = (lo, hi)
        values = None
        if "values" in item:
            vals = item["values"]
            if not isinstance(vals, LineList) or not vals:
                ctx.fail("values must be a non-empty list", item, "values", f"{field}.values")
            values = tuple(constant_field(ctx, v, vals, k, f"{field}.values") for k, v in enumerate(vals))
        parameter = Parameter(
            name=name,
            symbol=sympy.Symbol(name, real=True),
            default=default,
            range=bounds,
            values=values,
            description=text_field(ctx, item, "description", field=f"{field}.description"),
            latex=text_field(ctx, item, "latex", field=f"{field}.latex") or name,
        )
        problem = parameter.check(default)
        if problem:
            ctx.fail(f"default {problem}", item, "default", f"{field}.default")
        result.append(parameter)
    return tuple(result)


# ---- payoffs and tags ---------------------------------------------------------------------------
def _normal_form(ctx: Context, raw: LineDict, players: tuple[str, ...],
                 names: dict[str, sympy.Symbol]) -> SymbolicNormalForm:
    nf = raw["normal_form"]
    if not isinstance(nf, LineDict):
        ctx.fail("normal_form must be a mapping", raw, "normal_form", "normal_form")
    for key in nf:
        if key not in ("strategies", "matrix", "payoffs", "tags"):
            ctx.fail(f"unknown field {shown(key)} (known: strategies, matrix, payoffs, tags)",
                     nf, key, f"normal_form.{key}")
    strategies = _strategies(ctx, nf, players)
    shape = tuple(len(s) for s in strategies)
    profiles = math.prod(shape)  # Python integers: exact however many players
    if profiles > limit("max_profiles"):
        sizes = " x ".join(map(str, shape)) if len(shape) <= 6 else \
            f"{len(shape)} players with {min(shape)} to {max(shape)} strategies"
        ctx.fail(f"{sizes}: {profiles:,} strategy profiles, more than "
                 f"the limit of {limit('max_profiles'):,} (every profile needs payoffs); "
                 f"{how_to_raise('max_profiles')}", nf, "strategies", "normal_form.strategies")
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
    unset = np.frompyfunc(lambda v: v is None, 1, 1)(payoffs[0]).astype(bool)
    if unset.any():
        first = np.unravel_index(int(np.argmax(unset)), shape)
        profile = ", ".join(strategies[i][int(k)] for i, k in enumerate(first))
        ctx.fail(f"no payoffs for profile ({profile}) and {int(unset.sum()) - 1} more; "
                 "every profile needs payoffs", nf, "payoffs", "normal_form.payoffs")
    return SymbolicNormalForm(strategies, payoffs, tags)


def _strategies(ctx: Context, nf: LineDict, players: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    spec = nf.get("strategies")
    field = "normal_form.strategies"
    if not isinstance(spec, LineDict):
        ctx.fail("strategies must map each player to a list of strategy labels",
                 nf, "strategies", field)
    result = []
    for player in players:
        labels = spec.get(player)
        if not isinstance(labels, LineList) or not labels:
            ctx.fail(f"no strategies for player {shown(player)}", spec, player, f"{field}.{player}")
        clean = tuple(label_field(ctx, s, labels, k, f"{field}.{player}[{k}]", "strategy")
                      for k, s in enumerate(labels))
        if len(set(clean)) != len(clean):
            ctx.fail(f"duplicate strategy labels for {shown(player)}", spec, player, f"{field}.{player}")
        result.append(clean)
    extra = [k for k in spec if k not in players]
    if extra:
        ctx.fail(f"strategies given for unknown player {shown(extra[0])}", spec, extra[0],
                 f"{field}.{extra[0]}")
    return tuple(result)


def _matrix(ctx: Context, nf: LineDict, players: tuple[str, ...],
            strategies: tuple[tuple[str, ...], ...], names: dict[str, sympy.Symbol],
            payoffs: np.ndarray) -> None:
    rows = nf["matrix"]
    field = "normal_form.matrix"
    if len(players) != 2:
        ctx.fail("the compact 'matrix' form is for two players; use 'payoffs'", nf, "matrix", field)
    if not isinstance(rows, LineList) or len(rows) != len(strategies[0]):
        got = f", got {len(rows)}" if isinstance(rows, LineList) else ""
        ctx.fail(f"matrix needs one row per strategy of {shown(players[0])} "
                 f"({len(strategies[0])}){got}", nf, "matrix", field)
    for r, row in enumerate(rows):
        if not isinstance(row, LineList) or len(row) != len(strategies[1]):
            ctx.fail(f"row {r + 1} needs one cell per strategy of {shown(players[1])} "
                     f"({len(strategies[1])})", rows, r, f"{field}[{r}]")
        for c, cell in enumerate(row):
            vector = payoff_vector(ctx, cell, row, c, f"{field}[{r}][{c}]", players, names)
            payoffs[0, r, c], payoffs[1, r, c] = vector


def _profile_list(ctx: Context, nf: LineDict, key: str, players: tuple[str, ...],
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
            vector = payoff_vector(ctx, entry["payoffs"], entry, "payoffs", f"{efield}.payoffs",
                                    players, names)
            for i, value in enumerate(vector):
                payoffs[(i, *index)] = value
        if "tags" in entry:
            tags[index] = tags.get(index, ()) + tags_field(ctx, entry["tags"], entry, "tags",
                                                      f"{efield}.tags", players)


def _profile_index(ctx: Context, entry: LineDict, players: tuple[str, ...],
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
            ctx.fail(f"{shown(label)} is not a strategy of {players[i]!r} "
                     f"(strategies: {', '.join(strategies[i])})", entry, "profile",
                     f"{field}.profile")
        index.append(strategies[i].index(str(label)))
    return tuple(index)


# ---- trees --------------------------------------------------------------------------------------
def _policies(ctx: Context, raw: LineDict, game: SymbolicNormalForm | SymbolicTree,
              players: tuple[str, ...]) -> tuple[str, ...]:
    if "policies" not in raw:
        return ()
    items = raw["policies"]
    if not isinstance(items, LineList) or not items:
        ctx.fail("policies must be a non-empty list of the root player's first-move actions",
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
        where = f"the strategies of {shown(players[0])}"
    unknown = [p for p in policies if p not in available]
    if unknown:
        ctx.fail(f"policy {shown(unknown[0])} is not among {where} ({', '.join(available)})",
                 raw, "policies", "policies")
    return policies

