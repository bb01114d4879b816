"""Renderings of a model at fixed parameter values (``show``; ``export --to json``).

Formats: ``table`` (the model's overview, then its payoff table with the pure equilibria marked
and the mixed ones listed, or its tree with the subgame-perfect path marked and large parts
collapsed) and ``json`` (description, parameters and the whole game).

Option of ``table``: ``view``, what to draw and which equilibrium marks, computed by
:func:`alliance_games.analysis.views.table_view` or :func:`~alliance_games.analysis.views.tree_view`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from alliance_games.analysis.runs import Instance
from alliance_games.analysis.views import TableView, TreeView
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.render.formats import dumps
from alliance_games.render.numbers import json_number, text_number


def instance_table(instance: Instance, *, view: TableView | TreeView) -> RenderableType:
    """The model's overview above its marked payoff table or tree."""
    drawing = payoff_table(view) if isinstance(view, TableView) else tree_diagram(view)
    return Group(model_overview(instance.model, instance.values), drawing)


# ---- table -------------------------------------------------------------------------------------
def model_overview(model: SymbolicModel, values: dict[str, Any]) -> RenderableType:
    head = Text.assemble((model.title, "bold"), f"  [{model.name}]")
    parts: list[RenderableType] = [head]
    if model.description:
        parts.append(Text(model.description.strip(), style="dim"))
    if model.source:
        parts.append(Text(f"Source: {model.source}", style="italic"))
    parts.append(Text(f"Players: {', '.join(model.players)}"))
    if model.policies:
        parts.append(Text(f"Policies: {', '.join(model.policies)}"))
    if model.parameters:
        table = Table(title="Parameters", title_justify="left")
        for column in ("name", "value", "default", "range", "description"):
            table.add_column(column)
        for p in model.parameters:
            rng = f"[{p.range[0]}, {p.range[1]}]" if p.range else (
                "{" + ", ".join(str(v) for v in p.values) + "}" if p.values else "")
            table.add_row(p.name, str(values[p.name]), str(p.default), rng, p.description)
        parts.append(table)
    return Group(*parts)


PATH_MARK = "\u25c6"  # black diamond: on the equilibrium path / a pure equilibrium cell
CHOICE_MARK = "\u25c7"  # white diamond: the equilibrium choice off the path
EQ_STYLE = "bold green"


def _vector(values: Any) -> str:
    return "(" + ", ".join(text_number(v) for v in values) + ")"


def payoff_table(view: TableView) -> RenderableType:
    """The payoff table with pure equilibria marked and the mixed equilibria listed below.

    Two players: a bimatrix (cells ``a, b``; player 1 chooses rows); more: one row per pure
    profile. Pure Nash equilibria are prefixed with a diamond and drawn in bold green; each
    payoff that is a best response to the others' strategies is underlined.
    """
    game = view.game
    if game.num_players == 2:
        table = Table(show_lines=True)
        table.add_column(f"{game.players[0]} \\ {game.players[1]}")
        for label in game.strategies[1]:
            table.add_column(label, justify="center")
        for r, row_label in enumerate(game.strategies[0]):
            table.add_row(row_label, *(_cell(view, (r, c)) for c in range(game.shape[1])))
    else:
        table = Table(title="Payoffs", title_justify="left")
        table.add_column("")
        for player in game.players:
            table.add_column(player)
        for player in game.players:
            table.add_column(f"u({player})", justify="right")
        for index in itertools.product(*(range(m) for m in game.shape)):
            eq = index in view.pure
            labels = [game.strategies[i][k] for i, k in enumerate(index)]
            pays = [_payoff(view, i, index) for i in range(game.num_players)]
            table.add_row(PATH_MARK if eq else "", *labels, *pays,
                          style=EQ_STYLE if eq else None)
    return Group(table, *_table_notes(view))


def _payoff(view: TableView, player: int, profile: tuple[int, ...]) -> Text:
    text = text_number(view.game.payoffs[(player, *profile)])
    return Text(text, style="underline" if view.best_responses[(player, *profile)] else "")


def _cell(view: TableView, profile: tuple[int, ...]) -> Text:
    eq = profile in view.pure
    cell = Text(f"{PATH_MARK} " if eq else "", style=EQ_STYLE if eq else "")
    for i in range(view.game.num_players):
        if i:
            cell.append(", ")
        cell.append_text(_payoff(view, i, profile))
    if eq:
        cell.stylize(EQ_STYLE)
    return cell


def _table_notes(view: TableView) -> list[RenderableType]:
    pure = len(view.pure)
    order = ", ".join(view.game.players)
    notes: list[RenderableType] = [Text(
        f"{PATH_MARK} pure Nash equilibrium ({pure} found); underlined: best response; "
        f"payoffs ({order})", style="dim")]
    if view.mixed:
        complete = "complete" if view.complete else "not proven complete"
        notes.append(Text(f"Mixed equilibria (method {view.method}, {complete}):", style="bold"))
        for n, record in enumerate(view.mixed, start=1):
            parts = []
            for player, dist in record.profile.items():
                mix = ", ".join(f"{label} {text_number(p)}" for label, p in dist.items() if p != 0)
                parts.append(f"{player}: {mix}")
            pays = _vector(record.payoffs.values())
            notes.append(Text(f"  {n}. " + "; ".join(parts) + f"; payoffs {pays}"))
    elif pure:
        notes.append(Text(f"No mixed equilibria beyond the pure ones (method {view.method}).",
                          style="dim"))
    return notes


def tree_diagram(view: TreeView) -> RenderableType:
    """The tree with box characters, the equilibrium marked, collapsed parts summarised.

    Edges on the equilibrium path carry a black diamond and are bold green; the equilibrium
    choice at an off-path decision node carries a white diamond. Terminal payoffs are totals
    along the play; a collapsed node shows how many nodes it hides and its equilibrium value.
    """
    tree = view.tree
    root = Tree(_node_text(view, 0), guide_style="dim")
    stack: list[tuple[int, Tree]] = [(0, root)]
    while stack:
        node, branch = stack.pop()
        if not view.expanded[node]:
            continue
        added = []
        for e in tree.edges(node):
            child = int(tree.child_index[e])
            label = _edge_text(view, e)
            label.append(" \u2192 ")
            label.append_text(_node_text(view, child))
            added.append((child, branch.add(label)))
        stack.extend(reversed(added))
    return Group(*_tree_header(view), root, *_tree_legend(view))


def _edge_text(view: TreeView, e: int) -> Text:
    tree, eq = view.tree, view.equilibrium
    node = int(tree.edge_parent[e])
    child = int(tree.child_index[e])
    chance = tree.kind[node] == CHANCE
    on_path = eq is not None and bool(eq.on_path[child])
    chosen = eq is not None and bool(eq.chosen[e])
    mark = PATH_MARK if on_path else (CHOICE_MARK if chosen else " ")
    style = EQ_STYLE if on_path else ("green" if chosen else "cyan")
    text = Text(f"{mark} ", style=style)
    text.append(tree.edge_label[e], style=style)
    if chance:
        text.append(f" [{text_number(tree.edge_prob[e])}]", style="magenta")
    elif eq is not None and chosen and eq.weight[e] != 1:
        text.append(f" [p={text_number(eq.weight[e])}]", style=style)
    return text


def _node_text(view: TreeView, node: int) -> Text:
    tree = view.tree
    kind = tree.kind[node]
    if kind == DECISION:
        infoset = tree.infoset_of(node)
        assert infoset is not None
        text = Text(tree.players[infoset.player], style="bold")
        if len(infoset.nodes) > 1:
            text.append(f" [info set {infoset.name}: {len(infoset.nodes)} nodes]", style="blue")
    elif kind == CHANCE:
        text = Text("chance", style="magenta")
    else:
        text = Text(_vector(tree.path_payoffs[node]))
    if kind != TERMINAL and any(v != 0 for v in tree.node_payoffs[node]):
        text.append(" +" + _vector(tree.node_payoffs[node]), style="dim")
    tags = tree.node_tags[node]
    if tags:
        text.append("  " + " ".join(tags), style="yellow")
    hidden = view.hidden_below(node) if kind != TERMINAL else 0
    if hidden:
        text.append(f"  \u2026 {hidden} nodes", style="dim italic")
        if view.equilibrium is not None:
            text.append(f", value {_vector(view.equilibrium.value[node])}",
                        style="dim italic")
    return text


def _tree_header(view: TreeView) -> list[RenderableType]:
    tree, eq = view.tree, view.equilibrium
    lines: list[RenderableType] = []
    if eq is None:
        lines.append(Text("No subgame-perfect equilibrium found; nothing is marked.",
                          style="yellow"))
    else:
        several = (f" (the first of {eq.count} found)" if eq.count > 1 else
                   ("" if eq.complete else " (search not proven complete)"))
        lines.append(Text.assemble("Subgame-perfect equilibrium", several, ": payoffs ",
                                   (_vector(eq.payoffs), EQ_STYLE)))
    if view.depth is not None or view.path_only:
        what = []
        if view.path_only:
            what.append("the equilibrium path")
        if view.depth is not None:
            what.append(f"depth \u2264 {view.depth}")
        if view.auto and view.expanded[view.tree.depth >= view.depth].any():
            what[-1] += " and the whole equilibrium path"
        reason = (f"the tree has {tree.num_nodes} nodes; " if view.auto else "")
        hint = " (use --depth N or --path-only)" if view.auto else ""
        lines.append(Text(f"{reason}showing {' and '.join(what)}: {view.shown} of "
                          f"{tree.num_nodes} nodes{hint}", style="yellow" if view.auto else "dim"))
    return lines


def _tree_legend(view: TreeView) -> list[RenderableType]:
    players = ", ".join(view.tree.players)
    legend = f"Payoffs ({players}) are totals along the play"
    if bool(np.any(view.tree.has_payoff & (view.tree.kind != TERMINAL))):
        legend += "; +(...) is collected at a node"
    if not view.expanded[view.tree.kind != TERMINAL].all() and view.equilibrium is not None:
        legend += "; a collapsed node shows its equilibrium value"
    if view.equilibrium is not None:
        legend = (f"{PATH_MARK} equilibrium path, {CHOICE_MARK} equilibrium choice off the "
                  f"path. {legend}")
    return [Text(legend, style="dim")]


# ---- json --------------------------------------------------------------------------------------
def instance_json(instance: Instance) -> str:
    """The model's description, parameters and game as one JSON document."""
    model, values, game = instance.model, instance.values, instance.game
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
