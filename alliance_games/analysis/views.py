"""What the views of a game mark: equilibrium cells of a table, the equilibrium path of a tree.

Renderers (the terminal's :mod:`alliance_games.render.instance`, the LaTeX exports) only format;
this module solves and decides what to show:

* :func:`table_view` - a normal form's pure Nash equilibria, best responses and the mixed
  equilibria to list under the table;
* :func:`tree_equilibrium` - the first subgame-perfect equilibrium of a tree: the choice at
  every decision node, the nodes on the play path and every node's value under it;
* :func:`tree_view` - which nodes a terminal drawing expands, with large trees collapsed below a
  depth (chosen automatically above :data:`MAX_SHOWN_NODES`) or to the equilibrium path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_games.analysis.equilibrium import EquilibriumRecord, describe
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import edge_weights
from alliance_games.games.tree import DECISION, TERMINAL, GameTree

Profile = tuple[int, ...]
MAX_SHOWN_NODES = 200
"""Trees with more nodes are collapsed automatically in the terminal."""
MAX_TREE_EQUILIBRIA = 100
"""Enumeration limit per subgame when looking for the equilibrium to mark."""


# ---- normal forms ------------------------------------------------------------------------------
def best_response_mask(game: NormalFormGame) -> np.ndarray:
    """Boolean array ``(N, m_0, ..., m_{N-1})``: the player's strategy is a best response there."""
    mask = np.zeros(game.payoffs.shape, dtype=bool)
    slack = 0.0 if game.exact else 1e-9 * game.payoff_range()
    for i in range(game.num_players):
        values = game.payoffs[i]
        best = np.max(values, axis=i, keepdims=True)
        if game.exact:
            mask[i] = np.asarray(values == best, dtype=bool)
        else:
            mask[i] = values >= best - slack
    return mask


@dataclass(frozen=True, eq=False)
class TableView:
    """A payoff table with its marks: pure equilibria, best responses, mixed equilibria."""

    game: NormalFormGame
    pure: frozenset[Profile]
    best_responses: np.ndarray  # see best_response_mask
    mixed: tuple[EquilibriumRecord, ...]
    method: str
    complete: bool


def table_view(game: NormalFormGame) -> TableView:
    """Solve ``game`` (``auto``: all extreme equilibria for two players) and mark the table.

    Pure equilibria are every profile where all players best-respond; ``mixed`` lists the
    equilibria the solver found that are not pure.
    """
    from alliance_games.solvers import solve

    brs = best_response_mask(game)
    pure = frozenset(tuple(int(k) for k in index)
                     for index in zip(*np.nonzero(np.all(brs, axis=0)), strict=True))
    result = solve(game, "auto")
    mixed = tuple(record for eq, record in zip(result.equilibria, describe(result), strict=True)
                  if not eq.is_pure())
    return TableView(game, pure, brs, mixed, result.method, result.complete)


# ---- trees -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TreeEquilibrium:
    """One subgame-perfect equilibrium of a tree, laid onto its nodes and edges.

    Attributes
    ----------
    weight:
        Per edge: the chance probability, or the probability the mover plays it.
    chosen:
        Per edge: a decision edge played with positive probability (the equilibrium choice,
        on and off the path).
    on_path:
        Per node: reached with positive probability from the root.
    value:
        ``(num_nodes, N)``: every player's expected total payoff (including payoffs collected on
        the way down) given that play reaches the node.
    count:
        Number of subgame-perfect equilibria found (``count > 1``: the first is marked).
    """

    tree: GameTree
    weight: np.ndarray
    chosen: np.ndarray
    on_path: np.ndarray
    value: np.ndarray
    count: int
    complete: bool

    @property
    def path_edges(self) -> set[int]:
        """Edges played with positive probability from the root."""
        parents = self.tree.edge_parent
        return {int(e) for e in np.flatnonzero(self.on_path[self.tree.child_index]
                                                & self.on_path[parents])}

    @property
    def payoffs(self) -> np.ndarray:
        return self.value[0]  # type: ignore[no-any-return]


def tree_equilibrium(tree: GameTree) -> TreeEquilibrium | None:
    """The first subgame-perfect equilibrium on ``tree``'s nodes (None when none is found); with
    information sets, the first perfect Bayesian one in every subgame
    (:func:`~alliance_games.analysis.tree_equilibria.tree_equilibria`)."""
    from alliance_games.analysis.tree_equilibria import tree_equilibria

    result = tree_equilibria(tree, max_equilibria=MAX_TREE_EQUILIBRIA,
                             distinct=not tree.is_perfect_information)
    if not result.equilibria:
        return None
    first = result.equilibria[0]
    game = tree if first.exact else tree.to_float()
    weight = edge_weights(game, first.strategies)
    positive = np.array([w != 0 for w in weight], dtype=bool)
    chosen = positive & (tree.kind[tree.edge_parent] == DECISION)
    on_path = np.zeros(tree.num_nodes, dtype=bool)
    on_path[0] = True
    for level in tree.levels[1:]:
        on_path[level] = on_path[tree.parent[level]] & positive[tree.in_edge[level]]
    return TreeEquilibrium(tree, weight, chosen, on_path, _values(game, weight),
                           len(result.equilibria), result.complete)


def _values(tree: GameTree, weight: np.ndarray) -> np.ndarray:
    """Expected total payoff given each node is reached: path so far plus expected rest."""
    rest = np.zeros_like(tree.node_payoffs)  # exact trees: object zeros, exact with Fractions
    for node in range(tree.num_nodes - 1, -1, -1):
        if tree.kind[node] == TERMINAL:
            continue
        total: Any = 0
        for e in tree.edges(node):
            child = int(tree.child_index[e])
            if weight[e] != 0:
                total = total + weight[e] * (tree.node_payoffs[child] + rest[child])
        rest[node] = total
    return tree.path_payoffs + rest  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class TreeView:
    """Which nodes a drawing of the tree expands, and the equilibrium it marks.

    A node is drawn when its parent is expanded; an expanded node shows its children. Nodes
    below ``depth`` (and, with ``path_only``, off the equilibrium path) stay collapsed: they are
    drawn with the number of nodes hidden below them.
    """

    tree: GameTree
    equilibrium: TreeEquilibrium | None
    expanded: np.ndarray  # bool per node
    depth: int | None
    path_only: bool
    auto: bool  # the depth was chosen because the tree is large

    @property
    def shown(self) -> int:
        """Number of nodes drawn."""
        return 1 + int(np.diff(self.tree.child_ptr)[self.expanded].sum())

    def hidden_below(self, node: int) -> int:
        """Nodes below ``node`` that the drawing leaves out (0 when it is expanded)."""
        if self.expanded[node]:
            return 0
        return int(self.tree.subtree_end[node]) - node - 1


def tree_view(tree: GameTree, *, depth: int | None = None, path_only: bool = False,
              max_nodes: int = MAX_SHOWN_NODES, solve: bool = True) -> TreeView:
    """Decide what to draw of ``tree``.

    ``depth`` expands nodes above that depth (the root is at depth 0); without it, trees with
    more than ``max_nodes`` nodes get the deepest depth whose drawing stays within ``max_nodes``
    nodes, and a short equilibrium path stays expanded in full below it. ``path_only`` expands
    only nodes on the equilibrium path (their off-path children are drawn collapsed).
    """
    equilibrium = tree_equilibrium(tree) if solve or path_only else None
    inner = tree.kind != TERMINAL
    path = inner & equilibrium.on_path if equilibrium is not None else np.zeros_like(inner)
    if path_only and equilibrium is not None:
        inner = path
    kids = np.diff(tree.child_ptr)
    auto = depth is None and 1 + int(kids[inner].sum()) > max_nodes
    keep = np.zeros_like(inner)
    if auto:
        if 1 + int(kids[path].sum()) <= max_nodes // 2:
            keep = path  # a short equilibrium path stays expanded below the automatic depth
        depth = _fitting_depth(tree, inner, keep, max_nodes)
    expanded = inner if depth is None else inner & ((tree.depth < depth) | keep)
    return TreeView(tree, equilibrium, expanded, depth, path_only, auto)


def _fitting_depth(tree: GameTree, inner: np.ndarray, keep: np.ndarray, max_nodes: int) -> int:
    """The largest depth limit whose drawing shows at most ``max_nodes`` nodes (at least 1);
    nodes in ``keep`` are expanded whatever their depth."""
    kids = np.diff(tree.child_ptr)
    best = 1
    for limit in range(1, int(tree.depth.max()) + 1):
        if 1 + int(kids[inner & ((tree.depth < limit) | keep)].sum()) > max_nodes:
            break
        best = limit
    return best


def collapsed_size(tree: GameTree, depth: int) -> int:
    """Nodes a drawing keeps when everything below ``depth`` is collapsed."""
    return int(np.count_nonzero(tree.depth <= depth))


def fitting_collapse_depth(tree: GameTree, max_nodes: int) -> int | None:
    """The largest collapse depth that keeps at most ``max_nodes`` nodes (None: not even 1)."""
    fits = [d for d in range(1, int(tree.depth.max()) + 1) if collapsed_size(tree, d) <= max_nodes]
    return max(fits) if fits else None
