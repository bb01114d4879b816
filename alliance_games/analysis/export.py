"""What an export needs besides the game: equilibria to mark and payoffs in symbols.

The renderers in :mod:`alliance_games.render.latex` only format; this module solves (pure
equilibria of a table, the subgame-perfect path of a tree), reduces trees to normal form for tables,
and prints the model's sympy payoff expressions in the parameters' LaTeX symbols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from alliance_games.analysis.runs import Instance
from alliance_games.errors import GameError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.reduce import reduced_normal_form
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm, SymbolicTree
from alliance_games.solvers.pure import pure_profiles

Profile = tuple[int, ...]


@dataclass(frozen=True, eq=False)
class TableExport:
    """A payoff table to render: the game, its pure equilibria, symbolic payoffs if asked."""

    game: NormalFormGame
    equilibria: list[Profile] = field(default_factory=list)
    symbolic: dict[tuple[int, Profile], str] | None = None
    reduced: bool = False


@dataclass(frozen=True, eq=False)
class TreeExport:
    """A tree to render: the tree, the equilibrium path's edges, symbolic payoffs if asked."""

    tree: GameTree
    highlight_edges: set[int] = field(default_factory=set)
    symbolic: dict[tuple[int, int], str] | None = None


def symbol_names(model: SymbolicModel) -> dict[sympy.Symbol, str]:
    """Each parameter's symbol mapped to its LaTeX (parameters without one keep sympy's)."""
    return {p.symbol: p.latex for p in model.parameters if p.latex}


def to_latex(expr: Any, names: dict[sympy.Symbol, str]) -> str:
    """A payoff expression as LaTeX math in the parameters' symbols."""
    return str(sympy.latex(sympy.simplify(expr), symbol_names=names))


def table_game(game: NormalFormGame | GameTree) -> tuple[NormalFormGame, bool]:
    """The game as a normal form (trees: their reduced normal form) and whether it was reduced."""
    if isinstance(game, NormalFormGame):
        return game, False
    return reduced_normal_form(game).game, True


def pure_equilibria(game: NormalFormGame) -> list[Profile]:
    """Every pure Nash equilibrium as an index tuple."""
    return [tuple(int(k) for k in row) for row in pure_profiles(game)]


def table_export(instance: Instance, *, highlight: bool = False, symbolic: bool = False
                 ) -> TableExport:
    """The payoff table of ``instance`` with what ``--highlight`` and ``--symbolic`` ask for."""
    game, reduced = table_game(instance.game)
    symbols = None
    if symbolic:
        sym_game = instance.model.game
        if not isinstance(sym_game, SymbolicNormalForm):
            raise GameError("--symbolic tables need a normal-form model; for a tree use "
                            "--to latex-tree --symbolic")
        names = symbol_names(instance.model)
        symbols = {}
        for index in np.ndindex(*game.shape):
            for i in range(game.num_players):
                symbols[(i, tuple(index))] = to_latex(sym_game.payoffs[(i, *index)], names)
    equilibria = pure_equilibria(game) if highlight else []
    return TableExport(game, equilibria, symbols, reduced)


def equilibrium_path(tree: GameTree, behaviour: tuple[np.ndarray, ...]) -> set[int]:
    """Edges played with positive probability from the root under a behaviour profile."""
    edges: set[int] = set()
    stack = [0]
    while stack:
        node = stack.pop()
        if tree.kind[node] == TERMINAL:
            continue
        infoset = int(tree.node_infoset[node])
        for pos, e in enumerate(tree.edges(node)):
            if tree.kind[node] == CHANCE:
                played = tree.edge_prob[e] > 0
            else:
                played = behaviour[infoset][pos] > 0
            if played:
                edges.add(e)
                stack.append(int(tree.child_index[e]))
    return edges


def spe_path(tree: GameTree) -> set[int]:
    """The play path of the first subgame-perfect equilibrium (empty when none is found)."""
    from alliance_games.solvers.subgame_perfect import subgame_perfect

    result = subgame_perfect(tree)
    if not result.equilibria:
        return set()
    return equilibrium_path(tree, result.equilibria[0].strategies)


def tree_symbols(model: SymbolicModel) -> dict[tuple[int, int], str]:
    """LaTeX payoffs of every terminal node: the model's expressions summed along the path."""
    sym_tree = model.game
    if not isinstance(sym_tree, SymbolicTree):
        raise GameError("symbolic tree payoffs need a tree model")
    skeleton = sym_tree.skeleton
    names = symbol_names(model)
    exprs = sym_tree.payoff_exprs
    out = {}
    for node in skeleton.terminals:
        total = [sympy.Integer(0)] * skeleton.num_players
        walk = int(node)
        while walk >= 0:
            total = [t + e for t, e in zip(total, exprs[walk], strict=True)]
            walk = int(skeleton.parent[walk])
        for i in range(skeleton.num_players):
            out[(int(node), i)] = to_latex(total[i], names)
    return out


def tree_export(instance: Instance, *, highlight: bool = False, symbolic: bool = False,
                max_nodes: int = 200) -> TreeExport:
    """The tree of ``instance`` with the SPE path (``highlight``) and symbolic payoffs."""
    tree = instance.game
    if not isinstance(tree, GameTree):
        raise GameError(f"model {instance.model.name!r} is a normal form, not a tree (use "
                        "--to latex-table)")
    if tree.num_nodes > max_nodes:
        raise GameError(f"the tree of {instance.model.name!r} has {tree.num_nodes} nodes, more "
                        f"than --max-nodes {max_nodes} (raise --max-nodes, fix parameters with "
                        "--set, or export the reduced table with --to latex-table)")
    edges = spe_path(tree) if highlight else set()
    symbols = tree_symbols(instance.model) if symbolic else None
    return TreeExport(tree, edges, symbols)


@dataclass(frozen=True, eq=False)
class ReportData:
    """Everything a model report shows, computed once."""

    instance: Instance
    table: TableExport | None
    tree: TreeExport | None
    tree_nodes: int
    method: str
    records: list[Any]  # EquilibriumRecord
    complete: bool
    comparison: Any = None  # PolicyComparison or None


def report_data(source: str, assignments: dict[str, Any] | None = None, *,
                max_nodes: int = 200) -> ReportData:
    """Solve ``source`` at the given values and gather its table or tree and policy comparison.

    Trees with more than ``max_nodes`` nodes are not prepared for drawing (``tree`` is None).
    """
    from alliance_games.analysis.runs import compare_model, instantiate, solve_instance

    instance = instantiate(source, assignments, exact=True)
    game = instance.game
    table = tree = None
    nodes = 0
    if isinstance(game, NormalFormGame):
        table = table_export(instance, highlight=True)
    else:
        nodes = game.num_nodes
        if nodes <= max_nodes:
            tree = tree_export(instance, highlight=True, max_nodes=max_nodes)
    result, records = solve_instance(instance)
    comparison = None
    if instance.model.policies:
        comparison = compare_model(source, assignments).comparison
    return ReportData(instance, table, tree, nodes, result.method, records, result.complete,
                      comparison)
