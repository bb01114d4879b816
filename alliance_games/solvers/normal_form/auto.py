"""The normal-form method ``auto`` picks, and a solve with it.

One player: ``pure``. Two players: ``enummixed`` (every extreme equilibrium, exact). More players:
``enumpoly`` (every equilibrium) while the game has at most :data:`ENUMPOLY_SUPPORT_LIMIT` support
profiles, ``pure`` beyond.

The solvers are imported directly, not through the method table: only the registry and the CLI
read :mod:`alliance_games.solvers.methods`, so no solver depends on the table that names it.
"""

from __future__ import annotations

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers.result import SolverResult

ENUMPOLY_SUPPORT_LIMIT = 400
"""``auto`` uses enumpoly on N-player games with at most this many support profiles (3x3x3)."""


def auto_method(game: NormalFormGame) -> str:
    """The method ``auto`` picks for ``game``."""
    if game.num_players == 1:
        return "pure"
    if game.num_players == 2:
        return "enummixed"
    from alliance_games.solvers.kernels.supports import count_support_profiles  # loads sympy

    small = count_support_profiles(game.shape) <= ENUMPOLY_SUPPORT_LIMIT
    return "enumpoly" if small else "pure"


def solve_normal_form(game: NormalFormGame) -> SolverResult:
    """Every equilibrium the exact solvers certify: enummixed (2 players), enumpoly (small N),
    else the pure equilibria (imports are lazy: enumpoly loads sympy)."""
    method = auto_method(game)
    if method == "enummixed":
        from alliance_games.solvers.normal_form.enummixed import enummixed_solve

        return enummixed_solve(game)
    if method == "enumpoly":
        from alliance_games.solvers.normal_form.enumpoly import enumpoly_solve

        return enumpoly_solve(game)
    from alliance_games.solvers.normal_form.pure import enumerate_pure

    return enumerate_pure(game)
