"""Method names and dispatch: ``solve(game, method)`` picks the algorithm for the game's shape.

Methods (names follow Gambit's where the job is the same):

* ``pure``: every pure Nash equilibrium (normal forms; trees through their reduced normal form,
  reported as behaviour profiles);
* ``spe``: every subgame-perfect equilibrium of a tree (default for trees);
* ``mixed``: pure equilibria plus nashpy's mixed equilibria, exactly certified where possible
  (two players only; interim until the exact ``enummixed`` lands);
* ``auto``: ``spe`` for trees; ``mixed`` for two-player normal forms; ``pure`` otherwise.
"""

from __future__ import annotations

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium, SolverResult

METHODS = ("auto", "pure", "spe", "mixed")


def solve_normal_form(game: NormalFormGame) -> SolverResult:
    """All the equilibria the available normal-form solvers certify."""
    if game.num_players == 2:
        from alliance_games.solvers.nashpy_mixed import two_player_mixed

        return two_player_mixed(game)
    from alliance_games.solvers.pure import enumerate_pure

    result = enumerate_pure(game)
    return SolverResult(
        method="pure", game=game, equilibria=result.equilibria, exact=result.exact,
        complete=False, options=result.options,
        warnings=(f"{game.num_players}-player game: only pure equilibria are enumerated "
                  "(mixed equilibria need the enumpoly solver)",),
    )


def resolve_method(game: NormalFormGame | GameTree, method: str) -> str:
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r} (methods: {', '.join(METHODS)})")
    if method == "auto":
        if isinstance(game, GameTree):
            return "spe"
        return "mixed" if game.num_players == 2 else "pure"
    if method == "spe" and not isinstance(game, GameTree):
        raise SolverError("--method spe needs a game tree; this model is a normal form "
                          "(use pure or mixed)")
    if method == "mixed" and game.num_players != 2:
        raise SolverError(f"--method mixed solves two-player games; this game has "
                          f"{game.num_players} players (use pure)")
    return method


def solve(game: NormalFormGame | GameTree, method: str = "auto", *,
          max_equilibria: int | None = None) -> SolverResult:
    """Solve ``game`` with ``method`` (see the module docstring)."""
    method = resolve_method(game, method)
    if isinstance(game, GameTree):
        if method == "spe":
            from alliance_games.solvers.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect

            return subgame_perfect(game, max_equilibria=max_equilibria or MAX_EQUILIBRIA)
        return _tree_via_reduced_form(game, method)
    if method == "pure":
        from alliance_games.solvers.pure import enumerate_pure

        return enumerate_pure(game)
    return solve_normal_form(game)


def _tree_via_reduced_form(tree: GameTree, method: str) -> SolverResult:
    """Nash equilibria of a tree's reduced normal form, reported as behaviour profiles."""
    from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
    from alliance_games.games.reduce import reduced_normal_form
    from alliance_games.solvers.subgame_perfect import _complete

    reduced = reduced_normal_form(tree)
    if method == "pure":
        from alliance_games.solvers.pure import enumerate_pure

        result = enumerate_pure(reduced.game)
    else:
        result = solve_normal_form(reduced.game)
    equilibria = []
    for eq in result.equilibria:
        game = tree if eq.exact else tree.to_float()
        behaviour = _complete(game, reduced.behaviour(eq.strategies))
        regret = max(behaviour_regrets(game, behaviour))
        equilibria.append(Equilibrium(tuple(behaviour), behaviour_payoffs(game, behaviour),
                                      regret if eq.exact else float(regret), eq.exact))
    return SolverResult(method, tree, tuple(equilibria), result.exact, result.complete,
                        result.options, result.warnings)
