"""A game tree as a picture: a matplotlib figure drawn top-down, for notebooks (SVG).

Layout: a node at depth ``d`` sits at height ``-d``; the leaves (terminal nodes) take the slots
``0, 1, 2, ...`` from left to right in the tree's pre-order, and every other node sits midway
between its first and last child, so no two subtrees cross. The slot width grows with the longest
payoff vector, so payoffs never overlap.

What is drawn, all of it read from the tree (nothing is solved):

* decision nodes as filled dots in their player's colour, labelled with the player;
* chance nodes as hollow dots labelled ``chance``, their branches labelled ``action (p)``;
* terminal nodes as small dots with the payoff vector accumulated along their path
  (``GameTree.path_payoffs``: Gambit's staged outcomes summed), one caption naming the players
  in order;
* every branch labelled with its action;
* the nodes of an information set joined by dashed lines in the player's colour (curved when
  another node at the same depth lies between two of them, so the line never runs through it).

Every label is one line of text, drawn verbatim (no mathtext: a ``$`` in a label stays a ``$``),
so an SVG holds one ``<text>`` element per node, one per branch and the caption. Trees above
:data:`MAX_NODES` nodes are refused: their labels would not fit a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from alliance_games.errors import GameError
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.render.numbers import text_number
from alliance_games.render.plots import LINE_COLOURS, STYLE, figure_bytes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_NODES = 60
"""The largest tree drawn; larger trees raise :class:`~alliance_games.errors.GameError`."""

LEVEL_INCHES = 0.95  # vertical distance between depths
CHAR_INCHES = 0.062  # rough width of a character at the labels' size, for the slot width
MIN_SLOT_INCHES = 0.85
FONT_SIZE = 8
_CLEAR = {"fc": "white", "ec": "none", "pad": 0.3}  # a label's background: lines pass behind it


def tree_svg(tree: GameTree) -> str:
    """The tree drawn as an SVG document (text kept as text, no creation date)."""
    return figure_bytes(tree_figure(tree), "svg").decode("utf-8")


def tree_figure(tree: GameTree) -> Figure:
    """The tree drawn top-down (see the module docstring).

    Raises
    ------
    GameError
        When the tree has more than :data:`MAX_NODES` nodes.
    """
    if tree.num_nodes > MAX_NODES:
        raise GameError(f"the tree has {tree.num_nodes} nodes, more than the {MAX_NODES} a "
                        "drawing shows (fix parameters, or export it with --to latex)")
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    payoffs = {int(t): payoff_text(tree, int(t)) for t in tree.terminals}
    slot = max(MIN_SLOT_INCHES, CHAR_INCHES * max(map(len, payoffs.values())) + 0.3)
    x, y = positions(tree)
    depth = int(tree.depth.max())
    with rc_context(cast(Any, STYLE)):
        figure = Figure(figsize=(max(2.0, slot * (x.max() + 1)), LEVEL_INCHES * depth + 0.8))
        ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        ax.set_xlim(-0.5, x.max() + 0.5)
        ax.set_ylim(-depth - 0.35, 0.3)
        _branches(ax, tree, x, y)
        _information_sets(ax, tree, x, y)
        _nodes(ax, tree, x, y, payoffs)
        _text(ax, "payoffs: (" + ", ".join(tree.players) + ")", (x.min() - 0.5, -depth - 0.35),
              (0, -14), ha="left", va="top", style="italic")
    return figure


def positions(tree: GameTree) -> tuple[np.ndarray, np.ndarray]:
    """Every node's ``(x, y)``: leaves at ``0, 1, 2, ...`` in pre-order, a parent midway between
    its first and last child; ``y`` is minus the depth."""
    x = np.zeros(tree.num_nodes)
    leaves = np.flatnonzero(tree.child_ptr[1:] == tree.child_ptr[:-1])
    x[leaves] = np.arange(len(leaves))
    for node in range(tree.num_nodes - 1, -1, -1):  # pre-order: children after their parent
        kids = tree.children(node)
        if len(kids):
            x[node] = (x[kids[0]] + x[kids[-1]]) / 2
    return x, -tree.depth.astype(float)


def payoff_text(tree: GameTree, node: int) -> str:
    """The payoff vector a play ending at ``node`` gets, as ``(u1, u2, ...)``."""
    return "(" + ", ".join(text_number(v) for v in tree.path_payoffs[node]) + ")"


def branch_label(tree: GameTree, edge: int) -> str:
    """A branch's action, with its probability below a chance node."""
    label = tree.edge_label[edge]
    if tree.kind[tree.edge_parent[edge]] == CHANCE:
        label += f" ({text_number(tree.edge_prob[edge])})"
    return label


def _colour(tree: GameTree, node: int) -> str:
    return LINE_COLOURS[tree.infosets[int(tree.node_infoset[node])].player % len(LINE_COLOURS)]


def _text(ax: Axes, text: str, at: tuple[float, float], offset: tuple[float, float],
          **style: Any) -> None:
    """One line of ``text`` at ``at`` shifted by ``offset`` points, drawn verbatim."""
    ax.annotate(text, at, xytext=offset, textcoords="offset points", fontsize=FONT_SIZE,
                parse_math=False, annotation_clip=False, **style)


def _branches(ax: Axes, tree: GameTree, x: np.ndarray, y: np.ndarray) -> None:
    for edge, child in enumerate(tree.child_index):
        parent = int(tree.edge_parent[edge])
        ax.plot([x[parent], x[child]], [y[parent], y[child]], color="0.3", lw=0.8, zorder=1)
        mid = ((x[parent] + x[child]) / 2, (y[parent] + y[child]) / 2)
        side = np.sign(x[child] - x[parent])
        ha = "right" if side < 0 else "left"
        _text(ax, branch_label(tree, edge), mid, (-3 if side < 0 else 3, 0), ha=ha,
              va="center", bbox=_CLEAR)


def _information_sets(ax: Axes, tree: GameTree, x: np.ndarray, y: np.ndarray) -> None:
    from matplotlib.patches import FancyArrowPatch

    bend = 0.25
    for infoset in tree.infosets:
        nodes = sorted(infoset.nodes, key=lambda n: x[n])
        for a, b in zip(nodes, nodes[1:], strict=False):
            between = any(y[n] == y[a] and x[a] < x[n] < x[b] for n in range(tree.num_nodes))
            rad = bend if between else 0.0
            if between:
                bend = -bend  # the next curved set bows the other way
            ax.add_patch(FancyArrowPatch((x[a], y[a]), (x[b], y[b]), arrowstyle="-",
                                         connectionstyle=f"arc3,rad={rad}", linestyle=(0, (4, 3)),
                                         color=_colour(tree, a), lw=1.0, shrinkA=4, shrinkB=4,
                                         zorder=2))


def _nodes(ax: Axes, tree: GameTree, x: np.ndarray, y: np.ndarray, payoffs: dict[int, str]
           ) -> None:
    for node in range(tree.num_nodes):
        at = (x[node], y[node])
        if tree.kind[node] == TERMINAL:
            ax.plot(*at, "o", ms=2.5, color="0.3", zorder=3)
            _text(ax, payoffs[node], at, (0, -5), ha="center", va="top")
        elif tree.kind[node] == DECISION:
            colour = _colour(tree, node)
            ax.plot(*at, "o", ms=6, color=colour, zorder=3)
            _text(ax, tree.players[tree.infosets[int(tree.node_infoset[node])].player], at, (0, 6),
                  ha="center", va="bottom", color=colour, weight="bold", bbox=_CLEAR)
        else:
            ax.plot(*at, "o", ms=6, mfc="white", mec="0.2", mew=1.0, zorder=3)
            _text(ax, "chance", at, (0, 6), ha="center", va="bottom", style="italic", bbox=_CLEAR)
