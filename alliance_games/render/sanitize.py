"""Labels made safe for the terminal: control characters shown, never obeyed.

Player, strategy, action and node labels and titles come from the user's files, and a Gambit file
may put any character in them. Written raw to a terminal, ``ESC [ 2 J`` clears the screen and an
OSC sequence (``ESC ] 0 ; ... BEL``) retitles the window or, on some terminals, does worse. The
table views therefore show every such character as an escape, ``\\x1b`` for ESC:

* C0 controls except newline and tab, DEL, and C1 controls (``\\x9b`` is a one-byte CSI);
* bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder
  what is shown;
* lone surrogates (U+D800-U+DFFF), which are not text and cannot be encoded.

Only the terminal views are cleaned (:func:`terminal_safe` on what a ``table`` renderer returns,
called by :func:`alliance_games.render.dispatch.render`); JSON, CSV and the other formats keep
every label verbatim (JSON escapes control characters itself).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group
from rich.styled import Styled
from rich.table import Table
from rich.text import Span, Text
from rich.tree import Tree

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""One character the terminal must not receive raw."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every :data:`UNSAFE` character written as its escape (``\\x1b``)."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def clean_text(text: Text) -> Text:
    """A rich :class:`~rich.text.Text` cleaned like :func:`clean`, its styles kept: an escaped
    character keeps the style it had."""
    plain = text.plain
    if not UNSAFE.search(plain):
        return text
    cuts = sorted({i for m in UNSAFE.finditer(plain) for i in (m.start(), m.end())})
    out = text.blank_copy()
    for piece in text.divide(cuts):
        if UNSAFE.fullmatch(piece.plain):
            shown = clean(piece.plain)
            piece = Text(shown, style=piece.style,
                         spans=[Span(0, len(shown), span.style) for span in piece.spans])
        out.append_text(piece)
    return out


def terminal_safe(renderable: Any) -> Any:
    """``renderable`` (what a table renderer returns) with :func:`clean` applied to every text it
    holds: strings, rich texts, and the tables, groups, trees and styled blocks around them,
    changed in place. Other renderables are returned as they are."""
    if isinstance(renderable, str):
        return clean(renderable)
    if isinstance(renderable, Text):
        return clean_text(renderable)
    if isinstance(renderable, Table):
        renderable.title = terminal_safe(renderable.title)
        renderable.caption = terminal_safe(renderable.caption)
        for column in renderable.columns:
            column.header = terminal_safe(column.header)
            column.footer = terminal_safe(column.footer)
            column._cells = [terminal_safe(cell) for cell in column._cells]
    elif isinstance(renderable, Group):
        parts = renderable.renderables  # the list the group renders
        parts[:] = [terminal_safe(part) for part in parts]
    elif isinstance(renderable, Tree):
        renderable.label = terminal_safe(renderable.label)
        for child in renderable.children:
            terminal_safe(child)
    elif isinstance(renderable, Styled):
        renderable.renderable = terminal_safe(renderable.renderable)
    return renderable
