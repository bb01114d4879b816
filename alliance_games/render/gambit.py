"""Gambit command-line output: one ``NE,p1,p2,...`` line per equilibrium.

Probabilities are listed player by player; for normal forms strategy by strategy, for trees
information set by information set (in order of first appearance) and action by action, as the
``gambit-*`` tools print them (Gambit ``doc/tools.rst``).
"""

from __future__ import annotations

from alliance_games.games.tree import GameTree
from alliance_games.render.numbers import text_number
from alliance_games.solvers.result import SolverResult


def gambit_lines(result: SolverResult) -> str:
    game = result.game
    lines = []
    for eq in result.equilibria:
        if isinstance(game, GameTree):
            order = [k for p in range(game.num_players) for k in game.player_infosets(p)]
            values = [v for k in order for v in eq.strategies[k]]
        else:
            values = [v for dist in eq.strategies for v in dist]
        lines.append("NE," + ",".join(text_number(v, digits=10) for v in values))
    return "\n".join(lines) + ("\n" if lines else "")
