"""Rich renderables for the terminal: model overviews, payoff tables, trees and equilibria.

Renderers return renderables; the CLI prints them.
"""

from __future__ import annotations

import itertools
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from alliance_games.analysis.equilibrium import EquilibriumRecord
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.render.numbers import text_number
from alliance_games.solvers.result import SolverResult

MAX_TREE_LINES = 400


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


def payoff_table(game: NormalFormGame, marked: set[tuple[int, ...]] | None = None
                 ) -> RenderableType:
    """Two players: a bimatrix (cells ``a, b``); more: one row per pure profile.

    Cells of ``marked`` profiles (pure equilibria) are starred and highlighted.
    """
    marked = marked or set()
    if game.num_players == 2:
        table = Table(title=f"{game.players[0]} (rows) vs {game.players[1]} (columns)",
                      title_justify="left", show_lines=True)
        table.add_column("")
        for label in game.strategies[1]:
            table.add_column(label, justify="center")
        for r, row_label in enumerate(game.strategies[0]):
            cells = []
            for c in range(game.shape[1]):
                text = ", ".join(text_number(game.payoffs[i, r, c]) for i in range(2))
                cells.append(Text(f"{text} *", style="bold green") if (r, c) in marked
                             else Text(text))
            table.add_row(row_label, *cells)
        return table
    table = Table(title="Payoffs", title_justify="left")
    for player in game.players:
        table.add_column(player)
    for player in game.players:
        table.add_column(f"u({player})", justify="right")
    for index in itertools.product(*(range(m) for m in game.shape)):
        style = "bold green" if index in marked else None
        labels = [game.strategies[i][k] for i, k in enumerate(index)]
        pays = [text_number(game.payoffs[(i, *index)]) for i in range(game.num_players)]
        table.add_row(*labels, *pays, style=style)
    return table


def game_tree(tree: GameTree, highlight: set[int] | None = None) -> RenderableType:
    """The tree with box characters; edges in ``highlight`` are drawn in bold."""
    highlight = highlight or set()
    root = Tree(_node_text(tree, 0))
    stack: list[tuple[int, Tree]] = [(0, root)]
    lines = 1
    while stack:
        node, branch = stack.pop()
        for e in tree.edges(node):
            child = int(tree.child_index[e])
            if lines >= MAX_TREE_LINES:
                branch.add(Text("... (tree truncated; use --format json for all of it)",
                                style="dim"))
                stack.clear()
                break
            label = Text(tree.edge_label[e], style="bold green" if e in highlight else "cyan")
            if tree.kind[node] == CHANCE:
                label.append(f" [{text_number(tree.edge_prob[e])}]", style="magenta")
            label.append(" -> ")
            label.append_text(_node_text(tree, child))
            stack.append((child, branch.add(label)))
            lines += 1
    return root


def _node_text(tree: GameTree, node: int) -> Text:
    kind = tree.kind[node]
    if kind == DECISION:
        infoset = tree.infoset_of(node)
        assert infoset is not None
        text = Text(tree.players[infoset.player], style="bold")
        if len(infoset.nodes) > 1:
            text.append(f" ({infoset.name})", style="dim")
    elif kind == CHANCE:
        text = Text("chance", style="magenta")
    else:
        text = Text("(" + ", ".join(text_number(v) for v in tree.node_payoffs[node]) + ")")
    if kind != 0 and tree.has_payoff[node] is not None and bool(tree.has_payoff[node]):
        text.append(" +(" + ", ".join(text_number(v) for v in tree.node_payoffs[node]) + ")")
    tags = tree.node_tags[node]
    if tags:
        text.append("  " + " ".join(tags), style="yellow")
    return text


def run_header(title: str, name: str, values: dict[str, Any],
               defaults: dict[str, Any] | None = None) -> RenderableType:
    """Title line and parameter values of a run (only those off their defaults, if given)."""
    head = Text.assemble((title, "bold"), f"  [{name}]")
    if not values:
        return head
    shown = {k: v for k, v in values.items() if defaults is None or defaults.get(k) != v}
    if defaults is not None and not shown:
        return Group(head, Text("Parameters: all at their defaults", style="dim"))
    text = ", ".join(f"{k}={v}" for k, v in shown.items())
    suffix = " (others at their defaults)" if defaults is not None else ""
    return Group(head, Text(f"Parameters: {text}{suffix}"))


def equilibria_table(result: SolverResult, records: list[EquilibriumRecord]) -> RenderableType:
    kind = "exact" if result.exact else "floating point"
    complete = "complete" if result.complete else "not proven complete"
    title = (f"{len(records)} equilibri{'um' if len(records) == 1 else 'a'} "
             f"(method {result.method}, {kind}, {complete})")
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    for player in result.game.players:
        table.add_column(player)
    table.add_column("payoffs")
    table.add_column("max regret", justify="right")
    for n, record in enumerate(records, start=1):
        cells = [_strategy_text(record.profile[p]) for p in result.game.players]
        pays = ", ".join(text_number(record.payoffs[p]) for p in result.game.players)
        table.add_row(str(n), *cells, pays, text_number(record.max_regret))
    parts: list[RenderableType] = [table]
    for warning in result.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


def _strategy_text(dist: dict[str, Any]) -> str:
    """Pure choices by name; mixtures as ``label: p`` lines."""
    lines = []
    for label, prob in dist.items():
        if prob == 1:
            lines.append(label)
        elif prob != 0:
            lines.append(f"{label}: {text_number(prob)}")
    return "\n".join(lines) or "-"
