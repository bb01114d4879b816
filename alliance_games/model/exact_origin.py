"""The exact game a float game was rounded from.

``--float`` evaluates a model's numbers in float64, which cannot tell ``10**16 + 1`` from
``10**16``: the float game may differ from the file's game, and a check run on the float game
(or on its floats read back as rationals) cannot see that. So every float game built from a
model remembers how to build the original exact game (rational payoffs from the file, at the same
parameter values), and the float audit (:mod:`alliance_games.solvers.float_audit`) certifies float
results against it.

The link is a side table keyed weakly by the float game (it lives as long as the game) holding a
function that builds the exact game on first use: ordinary float runs that never ask pay nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from alliance_games.errors import AllianceGamesError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree

Game = NormalFormGame | GameTree

_ORIGINS: weakref.WeakKeyDictionary[Game, Callable[[], Game | None]] = weakref.WeakKeyDictionary()


def remember_origin(rounded: Game, build: Callable[[], Game]) -> None:
    """Record that ``rounded`` (a float game) was rounded from the exact game ``build()``."""
    _ORIGINS[rounded] = build


def exact_origin(game: Game) -> Game | None:
    """The exact game ``game`` was rounded from (``game`` itself when exact), built once; ``None``
    when it is unknown (a float game built directly) or has no exact value (an irrational payoff
    such as ``sqrt(2)``)."""
    if game.exact:
        return game
    build = _ORIGINS.get(game)
    if build is None:
        return None
    try:
        exact = build()
    except AllianceGamesError:  # no exact value (irrational, too large): nothing to certify against
        exact = None
    _ORIGINS[game] = lambda: exact
    return exact
