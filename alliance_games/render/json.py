"""JSON documents for ``show`` and ``solve`` (the keys are a promise to users' scripts)."""

from __future__ import annotations

import json
from typing import Any

from alliance_games.analysis.equilibrium import EquilibriumRecord
from alliance_games.render.numbers import json_number
from alliance_games.solvers.result import SolverResult


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def equilibrium_json(record: EquilibriumRecord) -> dict[str, Any]:
    return {
        "profile": {
            player: {label: json_number(p) for label, p in dist.items()}
            for player, dist in record.profile.items()
        },
        "payoffs": {player: json_number(v) for player, v in record.payoffs.items()},
        "max_regret": json_number(record.max_regret),
        "outcome_distribution": {
            k: json_number(v) for k, v in record.outcome_distribution.items()
        },
    }


def solve_json(model: str, parameters: dict[str, Any], result: SolverResult,
               records: list[EquilibriumRecord]) -> str:
    return dumps({
        "model": model,
        "parameters": {k: json_number(v) for k, v in parameters.items()},
        "method": result.method,
        "exact": result.exact,
        "complete": result.complete,
        "count": len(records),
        "warnings": list(result.warnings),
        "diagnostics": _plain(result.diagnostics),
        "convex_sets": [list(s) for s in result.convex_sets],
        "equilibria": [equilibrium_json(r) for r in records],
    })


def _plain(value: Any) -> Any:
    """Diagnostics made JSON-safe: exact numbers as strings, containers recursively."""
    from fractions import Fraction

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | str | int | float) or value is None:
        return value
    if isinstance(value, Fraction):
        return json_number(value)
    return str(value)


def show_json(model: Any, values: dict[str, Any], game: Any) -> str:
    """The model's description, parameters and game as one JSON document."""
    from alliance_games.games.normal_form import NormalFormGame

    document = {
        "model": model.name,
        "title": model.title,
        "description": model.description,
        "source": model.source,
        "players": list(model.players),
        "policies": list(model.policies),
        "parameters": [
            {
                "name": p.name,
                "default": json_number(p.default),
                "range": [json_number(x) for x in p.range] if p.range else None,
                "values": [json_number(x) for x in p.values] if p.values else None,
                "description": p.description,
                "latex": p.latex,
                "value": json_number(values[p.name]),
            }
            for p in model.parameters
        ],
        "game": _normal_form_json(game) if isinstance(game, NormalFormGame) else _tree_json(game),
    }
    return dumps(document)


def _normal_form_json(game: Any) -> dict[str, Any]:
    import itertools

    rows = []
    for index in itertools.product(*(range(m) for m in game.shape)):
        rows.append({
            "profile": {p: game.strategies[i][k] for i, (p, k) in
                        enumerate(zip(game.players, index, strict=True))},
            "payoffs": {p: json_number(game.payoffs[(i, *index)])
                        for i, p in enumerate(game.players)},
            "tags": list(game.tags.get(index, ())),
        })
    return {"type": "normal_form",
            "strategies": {p: list(s) for p, s in zip(game.players, game.strategies, strict=True)},
            "payoffs": rows}


def _tree_json(tree: Any) -> dict[str, Any]:
    """Nodes in pre-order with their children's indices (flat, so deep trees stay printable)."""
    from alliance_games.games.tree import CHANCE, DECISION

    nodes = []
    for n in range(tree.num_nodes):
        entry: dict[str, Any] = {"id": n, "name": tree.node_name(n)}
        kind = tree.kind[n]
        if kind == DECISION:
            infoset = tree.infoset_of(n)
            entry.update(kind="decision", player=tree.players[infoset.player],
                         infoset=infoset.name)
        elif kind == CHANCE:
            entry["kind"] = "chance"
        else:
            entry["kind"] = "terminal"
        if tree.has_payoff[n]:
            entry["payoffs"] = {p: json_number(tree.node_payoffs[n, i])
                                for i, p in enumerate(tree.players)}
        if tree.node_tags[n]:
            entry["tags"] = list(tree.node_tags[n])
        children = []
        for e in tree.edges(n):
            child = {"action": tree.edge_label[e], "node": int(tree.child_index[e])}
            if kind == CHANCE:
                child["probability"] = json_number(tree.edge_prob[e])
            children.append(child)
        if children:
            entry["children"] = children
        nodes.append(entry)
    return {"type": "tree", "nodes": nodes}
