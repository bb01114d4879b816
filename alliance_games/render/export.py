"""LaTeX renderings of a model's game for ``export`` and ``report``: ``sgame`` and booktabs
payoff tables, ``istgame`` trees.

Registered formats: ``latex`` of a :class:`~alliance_games.analysis.export.TableExport` (option
``booktabs``: a booktabs table instead of sgame) and of a
:class:`~alliance_games.analysis.export.TreeExport` (option ``max_nodes``), both with
``standalone`` (a minimal compilable document). What to mark (equilibria, the highlighted path,
symbolic payoffs, collapsed subtrees) is computed by :mod:`alliance_games.analysis.export`.

Fragments need ``\\usepackage{amsmath}`` (for ``\\boldsymbol``) plus ``sgame``, ``booktabs`` or
``istgame``.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.export import TableExport, TreeExport
from alliance_games.analysis.views import best_response_mask
from alliance_games.errors import GameError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree
from alliance_games.render.formats import escape, wrap_document
from alliance_games.render.numbers import tex_number

Profile = tuple[int, ...]
Symbolic = Mapping[tuple[int, Profile], str]


def table_latex(table: TableExport, *, booktabs: bool = False, standalone: bool = False) -> str:
    """The exported payoff table as ``sgame`` tables, or as a booktabs table."""
    render = booktabs_table if booktabs else sgame_table
    return render(table.game, equilibria=table.equilibria, symbolic=table.symbolic,
                  standalone=standalone)


def tree_latex(tree: TreeExport, *, max_nodes: int = 200, standalone: bool = False) -> str:
    """The exported tree as an ``istgame`` picture."""
    return istgame_tree(tree.tree, highlight_edges=tree.highlight_edges, symbolic=tree.symbolic,
                        max_nodes=max_nodes, stubs=tree.stubs, standalone=standalone)


# ---- normal forms --------------------------------------------------------------------------
def _cell(game: NormalFormGame, profile: Profile, brs: np.ndarray | None, eq: bool,
          symbolic: Symbolic | None) -> str:
    """The math-mode content of one cell: every player's payoff, comma separated."""
    parts = []
    for i in range(game.num_players):
        text = (symbolic[(i, profile)] if symbolic is not None
                else tex_number(game.payoffs[(i, *profile)]))
        if brs is not None and brs[(i, *profile)]:
            text = rf"\underline{{{text}}}"
        parts.append(text)
    body = ", ".join(parts)
    return rf"\boldsymbol{{{body}}}^{{*}}" if eq else body


def _contingencies(game: NormalFormGame) -> list[tuple[Profile, str]]:
    """Profiles of players 3..N with a readable label (one table each)."""
    if game.num_players < 2:
        raise GameError("a payoff table needs at least two players")
    rest = range(2, game.num_players)
    out = []
    for combo in itertools.product(*(range(game.shape[i]) for i in rest)):
        label = ", ".join(f"{game.players[i]}: {game.strategies[i][k]}"
                          for i, k in zip(rest, combo, strict=True))
        out.append((tuple(combo), label))
    return out


def _note(best_responses: bool, equilibria: Collection[Profile]) -> str:
    notes = []
    if best_responses:
        notes.append("underlined: best response")
    if equilibria:
        notes.append("bold with $^{*}$: pure Nash equilibrium")
    return "; ".join(notes)


def sgame_table(game: NormalFormGame, *, equilibria: Collection[Profile] = (),
                best_responses: bool = True, symbolic: Symbolic | None = None,
                standalone: bool = False) -> str:
    """The game as ``sgame`` tables (one per contingency of players 3..N).

    Parameters
    ----------
    game:
        The game; player 1 chooses rows, player 2 columns.
    equilibria:
        Pure profiles (index tuples) to print in bold.
    best_responses:
        Underline each payoff that is a best response to the others' strategies.
    symbolic:
        Maps ``(player, profile)`` to a LaTeX math string printed instead of the number.
    standalone:
        Wrap the tables in a compilable document.

    Returns
    -------
    str
        LaTeX source; needs ``sgame`` and ``amsmath``.
    """
    brs = best_response_mask(game) if best_responses else None
    eqs = {tuple(int(k) for k in e) for e in equilibria}
    rows, cols = game.shape[0], game.shape[1]
    row_player, col_player = escape(game.players[0]), escape(game.players[1])
    blocks = []
    for rest, label in _contingencies(game):
        head = rf"\begin{{game}}{{{rows}}}{{{cols}}}[{row_player}][{col_player}]"
        if label:
            head += f"[{escape(label)}]"
        lines = [head, "  & " + " & ".join(escape(s) for s in game.strategies[1]) + r" \\"]
        for r in range(rows):
            cells = []
            for c in range(cols):
                profile = (r, c, *rest)
                cells.append(f"${_cell(game, profile, brs, profile in eqs, symbolic)}$")
            end = r" \\" if r < rows - 1 else ""
            lines.append(f"{escape(game.strategies[0][r])} & " + " & ".join(cells) + end)
        lines.append(r"\end{game}")
        blocks.append("\n".join(lines))
    body = "\\begin{center}\n" + "\\hspace{1cm}%\n".join(blocks) + "\n\\end{center}\n"
    note = _note(best_responses, eqs)
    if note:
        body += f"\\begin{{center}}\\footnotesize {note[0].upper() + note[1:]}.\\end{{center}}\n"
    return wrap_document(body, ["sgame"]) if standalone else body


def booktabs_table(game: NormalFormGame, *, equilibria: Collection[Profile] = (),
                   best_responses: bool = True, symbolic: Symbolic | None = None,
                   standalone: bool = False, caption: str | None = None) -> str:
    """The same payoffs as a booktabs ``tabular`` in a ``table`` float (journals without sgame).

    Parameters are those of :func:`sgame_table`; ``caption`` defaults to the game's title.
    """
    brs = best_response_mask(game) if best_responses else None
    eqs = {tuple(int(k) for k in e) for e in equilibria}
    rows, cols = game.shape[0], game.shape[1]
    title = caption if caption is not None else (game.title or "Payoffs")
    lines = [r"\begin{table}[htbp]", r"\centering",
             rf"\caption{{{escape(title)}}}", rf"\begin{{tabular}}{{l{'c' * cols}}}",
             r"\toprule",
             rf"{escape(game.players[0])} $\backslash$ {escape(game.players[1])} & "
             + " & ".join(escape(s) for s in game.strategies[1]) + r" \\"]
    for rest, label in _contingencies(game):
        lines.append(r"\midrule")
        if label:
            lines.append(rf"\multicolumn{{{cols + 1}}}{{l}}{{\emph{{{escape(label)}}}}} \\")
        for r in range(rows):
            cells = [f"${_cell(game, (r, c, *rest), brs, (r, c, *rest) in eqs, symbolic)}$"
                     for c in range(cols)]
            lines.append(f"{escape(game.strategies[0][r])} & " + " & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    note = _note(best_responses, eqs)
    if note:
        order = ", ".join(escape(p) for p in game.players)
        lines.append(rf"\par\smallskip{{\footnotesize Payoffs ({order}). "
                     rf"{note[0].upper() + note[1:]}.}}")
    lines.append(r"\end{table}")
    body = "\n".join(lines) + "\n"
    return wrap_document(body, ["booktabs"]) if standalone else body


# ---- trees ---------------------------------------------------------------------------------
LEVEL_MM = 18
LEAF_MM = 22
CHAR_MM = 1.8  # rough width of a character at 10pt, for the layout's estimates
FAN_LABEL_POS = 0.65  # where along a branch the labels of nodes with 3+ children sit
COLUMN_PLAYERS = 4  # payoff vectors of this many players or more are stacked in a column


def _layout(tree: GameTree, leaf_mm: float, label_mm: Sequence[float]
            ) -> tuple[np.ndarray, np.ndarray]:
    """Sibling gap at each node and its subtree's (left, right) extent, in leaf widths.

    istgame spaces a node's children evenly, so the gap is the smallest one that keeps the
    bounding boxes of adjacent child subtrees apart and, at nodes with more than two children,
    draws the action labels of the outer branches nearer their ends (at :data:`FAN_LABEL_POS`),
    far enough apart not to overlap. The labels of such nodes and of chance nodes count in the
    extent. Computed bottom-up.
    """
    gap = np.ones(tree.num_nodes)
    extent = np.tile([-0.5, 0.5], (tree.num_nodes, 1))
    for node in range(tree.num_nodes - 1, -1, -1):
        kids = [int(k) for k in tree.children(node)]
        if not kids:
            continue
        edges = list(tree.edges(node))
        need = [extent[a, 1] - extent[b, 0] for a, b in zip(kids, kids[1:], strict=False)]
        if len(kids) > 2:
            need.append(max(label_mm[e] for e in edges) / leaf_mm / FAN_LABEL_POS)
        gap[node] = max(need, default=1.0)
        middle = (len(kids) - 1) / 2
        offsets = [(j - middle) * gap[node] for j in range(len(kids))]
        left = min(o + extent[k, 0] for o, k in zip(offsets, kids, strict=True))
        right = max(o + extent[k, 1] for o, k in zip(offsets, kids, strict=True))
        fan = len(kids) > 2
        for j, e in enumerate(edges if fan or tree.kind[node] == CHANCE else ()):
            width = label_mm[e] / leaf_mm
            at = offsets[j] * (FAN_LABEL_POS if fan and j != middle else 0.5)
            if j < middle:
                left = min(left, at - width)
            else:
                right = max(right, at + width)
        extent[node] = (left, right)
    return gap, extent


def _number_mm(value: Any) -> float:
    """Estimated printed width of a number (fractions are set small, one above the other)."""
    text = tex_number(value)
    if "frac" not in text:
        return CHAR_MM * len(text)
    frac = Fraction(str(value)) if not isinstance(value, Fraction) else value
    digits = max(len(str(abs(frac.numerator))), len(str(frac.denominator)))
    return 1.3 * digits + (CHAR_MM if frac < 0 else 0.0)


def _payoff_mm(tree: GameTree, node: int, symbolic: Mapping[tuple[int, int], str] | None
               ) -> float:
    if symbolic is not None:
        widths = [0.9 * CHAR_MM * len(symbolic[(node, i)]) for i in range(tree.num_players)]
    else:
        widths = [_number_mm(v) for v in tree.path_payoffs[node]]
    if tree.num_players >= COLUMN_PLAYERS:
        return max(widths) + 4
    return sum(widths) + 2.5 * (tree.num_players - 1) + 4


def _label_mm(tree: GameTree, e: int) -> float:
    extra = 2.0 * CHAR_MM + _number_mm(tree.edge_prob[e]) if tree.kind[tree.edge_parent[e]] \
        == CHANCE else 0.0
    return CHAR_MM * len(tree.edge_label[e]) + extra + 1


def _payoff_vector(tree: GameTree, node: int, symbolic: Mapping[tuple[int, int], str] | None
                   ) -> str:
    values = tree.path_payoffs[node]
    parts = [symbolic[(node, i)] if symbolic is not None else tex_number(values[i])
             for i in range(tree.num_players)]
    if tree.num_players >= COLUMN_PLAYERS:
        return (r"$\left(\begin{array}{@{}c@{}}" + r"\\ ".join(parts)
                + r"\end{array}\right)$")
    return "$(" + ", ".join(parts) + ")$"


def istgame_tree(tree: GameTree, *, highlight_edges: Collection[int] = frozenset(),
                 max_nodes: int = 200, standalone: bool = False,
                 symbolic: Mapping[tuple[int, int], str] | None = None,
                 stubs: Mapping[int, int] | None = None) -> str:
    """The tree as ``istgame`` code.

    Parameters
    ----------
    tree:
        The game tree. Chance nodes are drawn hollow, with probabilities on their branches;
        information sets with more than one node are joined by ``\\xtInfoset``.
    highlight_edges:
        Edge indices (positions in ``tree.child_index``) drawn very thick: the equilibrium path.
    max_nodes:
        Larger trees raise :class:`~alliance_games.errors.GameError`.
    standalone:
        Wrap the picture in a ``standalone`` document.
    symbolic:
        Maps ``(terminal node, player)`` to a LaTeX math string printed instead of the number.
    stubs:
        Terminal nodes that stand for collapsed subtrees, with the number of nodes each hides:
        drawn as a vertical ellipsis over that count and the payoff vector (the subtree's
        value, computed by :func:`alliance_games.analysis.export.collapse_tree`).

    Returns
    -------
    str
        LaTeX source; needs ``istgame`` and ``amsmath``.
    """
    stubs = stubs or {}
    if tree.num_nodes > max_nodes:
        raise GameError(f"the tree has {tree.num_nodes} nodes, more than the {max_nodes} that fit "
                        "a drawing (raise --max-nodes, fix parameters with --set, or export the "
                        "table with --to latex-table)")
    highlight = {int(e) for e in highlight_edges}
    widths = [_payoff_mm(tree, int(t), symbolic) for t in tree.terminals]
    leaf_mm = max([LEAF_MM, *(w + 3 for w in widths)])
    gaps, _ = _layout(tree, leaf_mm, [_label_mm(tree, e) for e in range(len(tree.edge_label))])
    lines = [r"\begin{istgame}", r"\setistmathTF000"]
    shared: set[int] = set()
    for infoset in tree.infosets:
        if len(infoset.nodes) > 1:
            shared.update(infoset.nodes)
    for node in range(tree.num_nodes):
        if tree.kind[node] == TERMINAL:
            continue
        kids = [int(k) for k in tree.children(node)]
        lines.append(rf"\xtdistance{{{LEVEL_MM}mm}}{{{gaps[node] * leaf_mm:.4g}mm}}")
        name = f"n{node}"
        where = "" if node == 0 else f"(n{int(tree.parent[node])}-{_child_position(tree, node)})"
        if tree.kind[node] == CHANCE:
            lines.append(rf"\istroot({name}){where}[chance node]{{Chance}}")
        else:
            player = tree.infosets[int(tree.node_infoset[node])].player
            owner = "" if node in shared else escape(tree.players[player])
            lines.append(rf"\istroot({name}){where}{{{owner}}}")
        for pos, e in enumerate(tree.edges(node)):
            label = escape(tree.edge_label[e])
            if tree.kind[node] == CHANCE:
                label += rf" (${tex_number(tree.edge_prob[e])}$)"
            options = ["very thick"] if e in highlight else []
            if len(kids) > 2 and pos != (len(kids) - 1) / 2:
                options.append(f"pos={FAN_LABEL_POS:g}")
            style = f"[{', '.join(options)}]" if options else ""
            side = "al" if pos < (len(kids) - 1) / 2 else ("ar" if pos > (len(kids) - 1) / 2
                                                             else "r")
            child = int(tree.child_index[e])
            payoff = ""
            if tree.kind[child] == TERMINAL:
                payoff = "{" + _payoff_vector(tree, child, symbolic) + "}"
                if child in stubs:
                    payoff = (rf"{{\shortstack{{$\vdots$\\{{\scriptsize {stubs[child]} nodes}}"
                              rf"\\{_payoff_vector(tree, child, symbolic)}}}}}")
            lines.append(rf"  \istb{style}{{{label}}}[{side}]{payoff}")
        lines.append(r"  \endist")
    for infoset in tree.infosets:
        if len(infoset.nodes) > 1:
            first, last = infoset.nodes[0], infoset.nodes[-1]
            lines.append(rf"\xtInfoset(n{first})(n{last}){{{escape(tree.players[infoset.player])}}}")
    lines.append(r"\end{istgame}")
    body = "\n".join(lines) + "\n"
    return wrap_document(body, ["istgame"], cls="standalone") if standalone else body


def _child_position(tree: GameTree, node: int) -> int:
    """1-based position of ``node`` among its parent's children (istgame's ``name-k``)."""
    return int(tree.edge_action_index[tree.in_edge[node]]) + 1
