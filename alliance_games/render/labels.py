"""Labels that fit a terminal table: never cut, wrapped at their separators, abbreviated by a rule.

A tree's strategy label is ``INFOSET:ACTION``; an unnamed information set is ``PLAYER@PATH``, the
actions leading to it (``leader@loose/challenge/low``), so labels of deep trees run long. In the
terminal tables a label is never cut with an ellipsis. Instead:

* **own prefix**: in player P's own column (or row), ``P@`` is dropped from P's information sets
  (``rival@Resolute:Challenge`` shows as ``Resolute:Challenge``), unless two of P's information
  sets would then read alike;
* **wrapping**: a cell breaks only after ``/``, ``:``, ``_`` or a space (not inside a fraction
  such as ``1/2``); a piece wider than the column is folded, never cut;
* **abbreviation** (only when the table does not fit otherwise): information set number k of the
  tree (in the tree's order, 1-based) whose shown name is longer than :data:`KEEP` characters, or
  looks like a short name, is shown as ``Ik``, and a legend under the table gives each ``Ik`` in
  use with the information set's full name. Short names are unique in the table because the
  numbers are.

:class:`Fitted` chooses, at print time, the first of a table's layouts whose minimum width fits the
console, so ``COLUMNS`` (or a wider terminal) gives more; ``--wide`` asks for the labels verbatim at
whatever width the table needs (:func:`natural_width`). JSON, CSV and the other formats are
unaffected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.render.sanitize import clean, terminal_safe

KEEP = 10
"""Shown information-set names up to this many characters are never abbreviated."""

SHORT = re.compile(r"I[0-9]+")
"""What an abbreviated information-set name looks like."""

INDENT = 2
"""Continuation rows of a wrapped label are indented by this many spaces."""

_BREAK = re.compile(r"(?<=[/:_])(?![0-9])|(?<= )")
"""Where a cell may break: after ``/ : _`` unless a digit follows (fractions stay whole), or after
a space."""


# ---- which label is shown --------------------------------------------------------------------
@dataclass(frozen=True)
class Labels:
    """How one table shows strategy labels: ``shown[player][label]`` and the legend (short name ->
    full information-set name, in the tree's order)."""

    shown: dict[str, dict[str, str]]
    legend: dict[str, str]

    def legend_used(self, texts: Iterable[str]) -> dict[str, str]:
        """The legend entries whose short name occurs in ``texts`` (the shown labels)."""
        used = {name for text in texts for name in SHORT.findall(text)}
        return {short: full for short, full in self.legend.items() if short in used}


def strategy_labels(game: NormalFormGame | GameTree, *, abbreviate: bool = False,
                    verbatim: bool = False, sets: Sequence[int] | None = None) -> Labels:
    """The labels of ``game``'s strategies as one table shows them (see the module docstring).

    ``verbatim``: every label as it is (``--wide``); ``abbreviate``: long information-set names
    become ``Ik`` with a legend. A normal form's strategy names are always shown as they are.
    ``sets``: a tree's labels at these information sets only (those a table shows), named as
    among all.
    """
    if isinstance(game, NormalFormGame) or verbatim:
        return Labels({p: {s: s for s in _labels(game, i, sets)}
                       for i, p in enumerate(game.players)}, {})
    names = _own_names(game)
    legend: dict[str, str] = {}
    shown: dict[str, dict[str, str]] = {p: {} for p in game.players}
    for k in range(len(game.infosets)) if sets is None else sets:
        infoset = game.infosets[k]
        name = names[k]
        if abbreviate and (len(name) > KEEP or SHORT.fullmatch(name)):
            name = f"I{k + 1}"
            legend[name] = infoset.name
        owner = shown[game.players[infoset.player]]
        for action in infoset.actions:
            owner[f"{infoset.name}:{action}"] = f"{name}:{action}"
    return Labels(shown, legend)


def _labels(game: NormalFormGame | GameTree, player: int,
            sets: Sequence[int] | None = None) -> list[str]:
    if isinstance(game, NormalFormGame):
        return list(game.strategies[player])
    chosen = game.infosets if sets is None else [game.infosets[k] for k in sets]
    return [f"{s.name}:{a}" for s in chosen if s.player == player for a in s.actions]


def _own_names(game: GameTree) -> list[str]:
    """Each information set's name with its owner's ``P@`` dropped, unless that makes two of one
    player's information sets read alike (those keep their full names)."""
    if not any("@" in infoset.name for infoset in game.infosets):
        return [infoset.name for infoset in game.infosets]  # no owner's prefix to drop
    short = []
    for infoset in game.infosets:
        prefix = f"{game.players[infoset.player]}@"
        short.append(infoset.name.removeprefix(prefix))
    count: dict[tuple[int, str], int] = {}
    for infoset, name in zip(game.infosets, short, strict=True):
        count[infoset.player, name] = count.get((infoset.player, name), 0) + 1
    return [name if count[infoset.player, name] == 1 else infoset.name
            for infoset, name in zip(game.infosets, short, strict=True)]


# ---- cells that wrap at separators -----------------------------------------------------------
def pieces(line: str) -> list[str]:
    """``line`` cut where it may break (:data:`_BREAK`); joined they give ``line`` back."""
    return [p for p in _BREAK.split(line) if p]


def wrap(line: str, width: int, indent: int = INDENT) -> list[str]:
    """``line`` in rows of at most ``width`` cells, broken only between :func:`pieces` (a piece
    wider than a row is folded); rows after the first are indented by ``indent`` spaces, so
    that where a label starts stays visible, and trailing spaces are dropped."""
    rows: list[str] = []
    row = ""
    for piece in pieces(line):
        if row.strip() and cell_len((row + piece).rstrip()) > width:
            rows.append(row.rstrip())
            row = " " * min(indent, width - 1)
        row += piece
        while cell_len(row.rstrip()) > width:
            cut = _fold_at(row, width)
            rows.append(row[:cut])
            row = " " * min(indent, width - 1) + row[cut:]
    if row.strip() or not rows:
        rows.append(row.rstrip())
    return rows


def _fold_at(text: str, width: int) -> int:
    """The longest prefix of ``text`` at most ``width`` cells wide (at least one character)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(i, 1)
    return len(text)


class Wrapped:
    """A cell of one or more lines (``\\n``) that wraps only at :data:`_BREAK`, never cut, its
    continuation rows indented by ``indent``; the text is made terminal-safe
    (:func:`~alliance_games.render.sanitize.clean`) when built."""

    def __init__(self, text: str, style: str = "", indent: int = INDENT) -> None:
        self.lines = clean(text).split("\n")
        self.style = style
        self.indent = indent
        self._size: tuple[int, int] | None = None

    def size(self) -> tuple[int, int]:
        """The narrowest width it can wrap to (its widest piece, indented) and its natural one."""
        if self._size is None:
            widest = 0
            for line in self.lines:
                parts = pieces(line)
                widest = max(widest, cell_len(parts[0].rstrip()) if parts else 0,
                             *(self.indent + cell_len(p.rstrip()) for p in parts[1:]))
            self._size = widest, max(cell_len(line) for line in self.lines)
        return self._size

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(*self.size())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = max(options.max_width, 1)
        rows = [row for line in self.lines for row in wrap(line, width, self.indent)]
        yield Text("\n".join(rows), style=self.style, no_wrap=True, overflow="ignore")


def legend(entries: dict[str, str]) -> RenderableType:
    """``Ik  full information-set name`` lines under a table, continuations aligned with the
    names (nothing when ``entries`` is empty)."""
    if not entries:
        return Group()
    pad = max(map(len, entries)) + 2
    lines = "\n".join(f"{short:<{pad}}{full}" for short, full in entries.items())
    return Group(Text("information sets:", style="dim"), Wrapped(lines, indent=pad))


# ---- choosing a layout by the console's width -------------------------------------------------
class Fitted:
    """The first of ``layouts`` whose tables fit the console at their minimum widths (the last
    one otherwise), built when printed, made terminal-safe
    (:func:`~alliance_games.render.sanitize.terminal_safe`) and its tables' columns sized by
    :func:`fit_columns`."""

    def __init__(self, *layouts: Callable[[], RenderableType]) -> None:
        self.layouts = layouts

    def _choose(self, console: Console, options: ConsoleOptions) -> RenderableType:
        width = options.max_width
        for build in self.layouts:
            chosen = terminal_safe(build())
            tables = [(t, _ranges(console, t)) for t in _tables(chosen)]
            if all(sum(low) + _frame(t) <= width for t, (low, _) in tables):
                break
        for table, ranges in tables:
            fit_columns(table, ranges, width)
        return chosen

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._choose(console, options))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        yield self._choose(console, options)


def _tables(renderable: RenderableType) -> list[Table]:
    parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
    return [part for part in parts if isinstance(part, Table)]


def _ranges(console: Console, table: Table) -> tuple[list[int], list[int]]:
    """Each column's narrowest and natural content width (header and cells, padding excluded)."""
    options = console.options.update_width(1 << 20)
    low, high = [], []
    for column in table.columns:
        sizes = [cell.size() if isinstance(cell, Wrapped) else
                 tuple(Measurement.get(console, options, cell)) for cell in (column.header, *column.cells)]
        low.append(max(m[0] for m in sizes))
        high.append(max(max(m[1] for m in sizes), low[-1]))
    return low, high


def _frame(table: Table) -> int:
    """Columns a table spends on borders and cell padding (padded edges, as these tables are)."""
    _, right, _, left = table.padding
    edges = 2 if table.box and table.show_edge else 0
    rules = len(table.columns) - 1 if table.box else 0
    return edges + rules + len(table.columns) * (left + right)


def fit_columns(table: Table, ranges: tuple[list[int], list[int]], width: int) -> None:
    """Size ``table``'s columns (``ranges``: :func:`_ranges`) so that none goes below its narrowest
    width when the table is too wide: rich's own shrinking narrows the widest columns first,
    folding their cells below it. A column gets ``min(natural, max(narrowest, L))`` for the largest
    level ``L`` that fits: narrow columns keep their natural width, the widest share the rest."""
    low, high = ranges
    room = width - _frame(table)
    for column in table.columns:
        column.width = None  # sized afresh for this width
    if sum(high) <= room or sum(low) > room:
        return  # it fits as it is, or nothing fits: rich folds what it must

    def widths(level: int) -> list[int]:
        return [min(h, max(m, level)) for m, h in zip(low, high, strict=True)]

    level = max(L for L in range(max(high) + 1) if sum(widths(L)) <= room)
    for column, size in zip(table.columns, widths(level), strict=True):
        column.width = size


def natural_width(renderable: RenderableType) -> int:
    """The width ``renderable`` takes with nothing wrapped (at least 80): for ``--wide``."""
    console = Console(width=1 << 20)
    return max(80, Measurement.get(console, console.options, renderable).maximum)
