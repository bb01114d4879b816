"""LaTeX renderings of games: sgame and booktabs payoff tables, istgame trees.

Every function returns a string and neither prints nor solves: equilibria, highlighted edges and
symbolic payoffs are computed by the caller (:mod:`alliance_games.analysis.export`).

Fragments need ``\\usepackage{amsmath}`` (for ``\\boldsymbol``) plus ``sgame``, ``booktabs`` or
``istgame``; ``standalone=True`` wraps a fragment in a minimal compilable document.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import GameError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree

Profile = tuple[int, ...]
Symbolic = Mapping[tuple[int, Profile], str]

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&",
            "%": r"\%", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (for text mode)."""
    return "".join(_SPECIAL.get(c, c) for c in text)


def tex_number(value: Any) -> str:
    """A number as math-mode LaTeX: integers plain, fractions ``\\frac{p}{q}``, floats 4 digits."""
    if isinstance(value, Fraction) or (hasattr(value, "p") and hasattr(value, "q")):
        frac = Fraction(int(value.numerator if isinstance(value, Fraction) else value.p),
                        int(value.denominator if isinstance(value, Fraction) else value.q))
        if frac.denominator == 1:
            return str(frac.numerator)
        sign = "-" if frac < 0 else ""
        return rf"{sign}\frac{{{abs(frac.numerator)}}}{{{frac.denominator}}}"
    if isinstance(value, int | np.integer):
        return str(int(value))
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.4g}"


def wrap_document(body: str, packages: Sequence[str], *, cls: str = "article") -> str:
    """``body`` inside a minimal document loading ``packages`` (amsmath always)."""
    uses = "\n".join(rf"\usepackage{{{p}}}" for p in ("amsmath", *packages))
    options = "[border=5mm]" if cls == "standalone" else ""
    style = "" if cls == "standalone" else "\\pagestyle{empty}\n"
    return (f"\\documentclass{options}{{{cls}}}\n{uses}\n{style}\\begin{{document}}\n{body}"
            "\\end{document}\n")


# ---- normal forms --------------------------------------------------------------------------
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


def _layout(tree: GameTree) -> tuple[np.ndarray, np.ndarray]:
    """Sibling gap at each node and its subtree's (left, right) extent, in leaf widths.

    istgame spaces a node's children evenly, so the gap is the smallest one that keeps the
    bounding boxes of adjacent child subtrees apart; computed bottom-up.
    """
    gap = np.ones(tree.num_nodes)
    extent = np.tile([-0.5, 0.5], (tree.num_nodes, 1))
    for node in range(tree.num_nodes - 1, -1, -1):
        kids = [int(k) for k in tree.children(node)]
        if not kids:
            continue
        need = [extent[a, 1] - extent[b, 0] for a, b in zip(kids, kids[1:], strict=False)]
        gap[node] = max(need, default=1.0)
        offsets = [(j - (len(kids) - 1) / 2) * gap[node] for j in range(len(kids))]
        extent[node] = (min(o + extent[k, 0] for o, k in zip(offsets, kids, strict=True)),
                        max(o + extent[k, 1] for o, k in zip(offsets, kids, strict=True)))
    return gap, extent


def _payoff_vector(tree: GameTree, node: int, symbolic: Mapping[tuple[int, int], str] | None
                   ) -> str:
    values = tree.path_payoffs[node]
    parts = [symbolic[(node, i)] if symbolic is not None else tex_number(values[i])
             for i in range(tree.num_players)]
    return "$(" + ", ".join(parts) + ")$"


def istgame_tree(tree: GameTree, *, highlight_edges: Collection[int] = frozenset(),
                 max_nodes: int = 200, standalone: bool = False,
                 symbolic: Mapping[tuple[int, int], str] | None = None) -> str:
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

    Returns
    -------
    str
        LaTeX source; needs ``istgame`` and ``amsmath``.
    """
    if tree.num_nodes > max_nodes:
        raise GameError(f"the tree has {tree.num_nodes} nodes, more than the {max_nodes} that fit "
                        "a drawing (raise --max-nodes, fix parameters with --set, or export the "
                        "table with --to latex-table)")
    highlight = {int(e) for e in highlight_edges}
    gaps, _ = _layout(tree)
    lines = [r"\begin{istgame}", r"\setistmathTF000"]
    shared: set[int] = set()
    for infoset in tree.infosets:
        if len(infoset.nodes) > 1:
            shared.update(infoset.nodes)
    for node in range(tree.num_nodes):
        if tree.kind[node] == TERMINAL:
            continue
        kids = [int(k) for k in tree.children(node)]
        lines.append(rf"\xtdistance{{{LEVEL_MM}mm}}{{{gaps[node] * LEAF_MM:g}mm}}")
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
            style = "[very thick]" if e in highlight else ""
            side = "al" if pos < (len(kids) - 1) / 2 else ("ar" if pos > (len(kids) - 1) / 2
                                                             else "r")
            child = int(tree.child_index[e])
            payoff = ("{" + _payoff_vector(tree, child, symbolic) + "}"
                      if tree.kind[child] == TERMINAL else "")
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
