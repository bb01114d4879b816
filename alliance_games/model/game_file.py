"""A Gambit file read straight into its game, for the commands that only solve it.

:func:`~alliance_games.model.catalog.load_model` turns a Gambit file into a symbolic model with
constant numbers, so that every command treats every source alike. Solving the file needs none
of that: :func:`read_game_file` reads it into the game that
``compile_model(load_model(path)).at({}, exact=exact)`` gives (exact, or in floats with the exact
game remembered for the float audit, :mod:`alliance_games.model.exact_origin`), and imports no
sympy.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.exact_origin import remember_origin
from alliance_games.model.gambit_format import read_gambit
from alliance_games.model.source import GAMBIT_SUFFIXES, STDIN, read_source


@dataclass(frozen=True)
class GameFile:
    """A Gambit file as the parameter-free model a solve's output names."""

    name: str
    path: str
    title: str
    format: str  # "nfg" or "efg"
    method: str = ""
    """The method ``auto`` uses (a Gambit file names none: the default choice by game form)."""


def read_game_file(source: str, *, exact: bool
                   ) -> tuple[GameFile, NormalFormGame | GameTree] | None:
    """The model and game of ``source`` when it is a path ending in ``.nfg`` or ``.efg``;
    ``None`` for any other source, and for a float run of a file with a number beyond the float
    range (the symbolic model says where it is written).

    Raises
    ------
    ModelError
        When the file cannot be read or is not a well-formed Gambit file (located).
    """
    if source == STDIN or Path(source).suffix not in GAMBIT_SUFFIXES:
        return None
    text, display = read_source(source)
    wide: dict[Fraction, int] = {}
    game = read_gambit(text, display, wide=wide, exact=exact)
    if wide and not exact:
        return None
    if not exact:
        remember_origin(game, lambda: read_gambit(text, display))
    name = Path(source).stem
    head = text.lstrip()[:3].lower()
    return GameFile(name, display, game.title or name, head), game
