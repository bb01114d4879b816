"""What an export needs besides the game: equilibria to mark and payoffs in symbols.

The renderers in :mod:`alliance_games.render.export` only format; this module solves (pure
equilibria of a table, the subgame-perfect path of a tree), reduces trees to normal form for tables,
and prints the model's sympy payoff expressions in the parameters' LaTeX symbols.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from alliance_games.analysis.runs import Instance
from alliance_games.analysis.views import (
    collapsed_size,
    fitting_collapse_depth,
    tree_equilibrium,
)
from alliance_games.errors import GameError, SizeLimitError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.reduce import ReducedForm, reduced_normal_form
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree, TreeBuilder
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm, SymbolicTree
from alliance_games.solvers.normal_form.pure import pure_profiles

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
    stubs: dict[int, int] = field(default_factory=dict)  # collapsed node -> nodes hidden below
    original_nodes: int = 0  # nodes before collapsing (0: not collapsed)


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
    if isinstance(instance.game, GameTree):
        try:
            form = reduced_normal_form(instance.game)
        except SizeLimitError as exc:
            raise SizeLimitError(f"{exc.args[0].split(' (')[0]}: too large for a table; draw the "
                                 "tree with --to latex-tree --collapse-depth N") from None
        game, reduced = form.game, True
    else:
        game, reduced = instance.game, False
    symbols = None
    if symbolic:
        sym_game = instance.model.game
        names = symbol_names(instance.model)
        if isinstance(sym_game, SymbolicNormalForm):
            exprs = {(i, tuple(int(k) for k in index)): sym_game.payoffs[(i, *index)]
                     for index in np.ndindex(*game.shape) for i in range(game.num_players)}
        else:
            exprs = reduced_symbols(form, sym_game)
        symbols = {key: to_latex(expr, names) for key, expr in exprs.items()}
    equilibria = pure_equilibria(game) if highlight else []
    return TableExport(game, equilibria, symbols, reduced)


MAX_SYMBOLIC_CELLS = 400
"""Larger reduced normal forms are not printed with symbolic payoffs."""


def reduced_symbols(form: ReducedForm, sym_tree: SymbolicTree
                    ) -> dict[tuple[int, Profile], Any]:
    """Every cell of a tree's reduced normal form as an expression in the parameters.

    Each profile of plans is played through the symbolic tree: decision nodes follow the
    plans, chance nodes weight their branches by their probability expressions, and payoffs
    collected on the way are summed.
    """
    tree = form.tree
    skeleton = sym_tree.skeleton
    if skeleton.num_nodes != tree.num_nodes:
        raise GameError("the model's symbolic tree does not match its game; --symbolic needs "
                        "the tree as the model file writes it")
    if int(np.prod(form.game.shape)) > MAX_SYMBOLIC_CELLS:
        raise GameError(f"the reduced normal form has {int(np.prod(form.game.shape))} cells, too "
                        f"many for a symbolic table (at most {MAX_SYMBOLIC_CELLS}); export it "
                        "without --symbolic or draw the tree with --to latex-tree --symbolic")
    where = {k: (i, pos) for i, sets in enumerate(form.infosets) for pos, k in enumerate(sets)}
    out: dict[tuple[int, Profile], Any] = {}
    for index in np.ndindex(*form.game.shape):
        plans = [form.plans[i][k] for i, k in enumerate(index)]
        total = [sympy.Integer(0)] * tree.num_players
        stack: list[tuple[int, Any]] = [(0, sympy.Integer(1))]
        while stack:
            node, reach = stack.pop()
            total = [t + reach * e for t, e in zip(total, sym_tree.payoff_exprs[node],
                                                    strict=True)]
            edges = list(tree.edges(node))
            if tree.kind[node] == CHANCE:
                stack.extend((int(tree.child_index[e]), reach * sym_tree.prob_exprs[e])
                             for e in edges)
            elif tree.kind[node] != TERMINAL:
                player, pos = where[int(tree.node_infoset[node])]
                action = plans[player][pos]
                assert action is not None, "a plan reaches an information set it excludes"
                stack.append((int(tree.child_index[edges[action]]), reach))
        for i in range(tree.num_players):
            out[(i, tuple(int(k) for k in index))] = total[i]
    return out


def equilibrium_path(tree: GameTree, behaviour: Sequence[np.ndarray]) -> set[int]:
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
    """The play path of the first subgame-perfect equilibrium (empty when none is found; with
    information sets, perfect Bayesian in every subgame)."""
    from alliance_games.analysis.tree_equilibria import tree_equilibria

    result = tree_equilibria(tree, distinct=not tree.is_perfect_information)
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
                max_nodes: int = 200, collapse_depth: int | None = None) -> TreeExport:
    """The tree of ``instance`` with the SPE path (``highlight``) and symbolic payoffs.

    With ``collapse_depth``, every subtree below that depth becomes one terminal stub whose
    payoffs are the subtree's value under the subgame-perfect equilibrium (the tree is solved
    for that even without ``highlight``). Trees still larger than ``max_nodes`` are refused
    with a :class:`~alliance_games.errors.GameError` that names the options.
    """
    tree = instance.game
    if not isinstance(tree, GameTree):
        raise GameError(f"model {instance.model.name!r} is a normal form, not a tree (use "
                        "--to latex-table)")
    if collapse_depth is None:
        _check_size(instance.model.name, tree, max_nodes, collapsed=False)
        edges = spe_path(tree) if highlight else set()
        symbols = tree_symbols(instance.model) if symbolic else None
        return TreeExport(tree, edges, symbols)
    kept = tree.depth <= collapse_depth
    if int(np.count_nonzero(kept)) > max_nodes:
        _check_size(instance.model.name, tree, max_nodes, collapsed=True, depth=collapse_depth)
    equilibrium = tree_equilibrium(tree)
    if equilibrium is None:
        raise GameError("no subgame-perfect equilibrium found to value the collapsed subtrees")
    small, new_id, stubs = collapse_tree(tree, collapse_depth, equilibrium.value)
    edges = set()
    if highlight:
        edges = {int(small.in_edge[new_id[int(tree.child_index[e])]])
                 for e in equilibrium.path_edges if int(tree.child_index[e]) in new_id}
    symbols = None
    if symbolic:
        full = tree_symbols(instance.model)
        names = symbol_names(instance.model)
        old_id = {new: old for old, new in new_id.items()}
        symbols = {}
        for node in (int(t) for t in small.terminals):
            for i in range(small.num_players):
                symbols[(node, i)] = (to_latex(_rational(equilibrium.value[old_id[node], i]),
                                               names) if node in stubs
                                      else full[(old_id[node], i)])
    return TreeExport(small, edges, symbols, stubs, tree.num_nodes)


def _rational(value: Any) -> sympy.Expr:
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(float(value))


def _check_size(name: str, tree: GameTree, max_nodes: int, *, collapsed: bool,
                depth: int | None = None) -> None:
    """Raise a one-line :class:`GameError` naming the size and the options, if too large."""
    size = collapsed_size(tree, depth) if collapsed and depth is not None else tree.num_nodes
    if size <= max_nodes:
        return
    fits = fitting_collapse_depth(tree, max_nodes)
    hint = (f"draw the top of it with --collapse-depth {fits} ({collapsed_size(tree, fits)} "
            "nodes), " if fits is not None else "")
    what = (f"collapsed at depth {depth} still has {size}" if collapsed
            else f"has {tree.num_nodes}")
    raise GameError(f"the tree of {name!r} {what} nodes, more than --max-nodes {max_nodes}: "
                    f"{hint}raise --max-nodes, or fix parameters with --set")


def collapse_tree(tree: GameTree, depth: int, value: np.ndarray
                  ) -> tuple[GameTree, dict[int, int], dict[int, int]]:
    """``tree`` cut at ``depth``: inner nodes there become terminals worth ``value[node]``.

    Returns the cut tree, the map from kept old node ids to new ones, and the stubs (new node
    id -> number of nodes hidden below it). ``value`` holds every node's expected total payoff
    given it is reached (see :class:`~alliance_games.analysis.views.TreeEquilibrium`).
    """
    builder = TreeBuilder(tree.players, exact=tree.exact, title=tree.title)
    new_id: dict[int, int] = {}
    stubs: dict[int, int] = {}
    for node in range(tree.num_nodes):
        if tree.depth[node] > depth:
            continue
        parent = int(tree.parent[node])
        where = new_id[parent] if parent >= 0 else -1
        action = tree.edge_label[int(tree.in_edge[node])] if parent >= 0 else None
        prob = tree.edge_prob[int(tree.in_edge[node])] if parent >= 0 else None
        common: dict[str, Any] = {"label": tree.node_label[node], "tags": tree.node_tags[node], "prob": prob,
                  "outcome": tree.outcome_label[node]}
        kind = tree.kind[node]
        if kind == TERMINAL or tree.depth[node] == depth:
            payoffs = tree.node_payoffs[node]
            if kind != TERMINAL:
                above = tree.path_payoffs[parent] if parent >= 0 else 0 * payoffs
                payoffs = value[node] - above
                stubs[len(new_id)] = int(tree.subtree_end[node]) - node - 1
            new_id[node] = builder.add_terminal(where, action, payoffs=list(payoffs), **common)
        elif kind == CHANCE:
            new_id[node] = builder.add_chance(where, action, payoffs=_staged(tree, node),
                                              **common)
        else:
            infoset = tree.infosets[int(tree.node_infoset[node])]
            new_id[node] = builder.add_decision(
                where, action, player=infoset.player, infoset=infoset.name,
                actions=infoset.actions, payoffs=_staged(tree, node), **common)
    return builder.build(), new_id, stubs


def _staged(tree: GameTree, node: int) -> list[Any] | None:
    return list(tree.node_payoffs[node]) if bool(tree.has_payoff[node]) else None


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
