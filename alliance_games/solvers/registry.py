"""Method names and dispatch: ``solve(game, method)`` picks the algorithm for the game's shape.

Names follow Gambit's where the job is the same:

========== ============================================================================
method     what it computes
========== ============================================================================
pure       every pure Nash equilibrium (N players; trees through the reduced normal form)
spe        every subgame-perfect equilibrium of a tree (the default for trees)
enummixed  every extreme equilibrium of a two-player game, exact, with convex components
mixed      alias kept for scripts: ``enummixed`` (two players)
lcp        Lemke-Howson (normal form: all accessible equilibria) or sequence-form Lemke (tree)
lp         the minimax solution of a two-player constant-sum game
enumpoly   all equilibria of a small N-player game (supports + polynomial systems)
logit      the limit of the logit quantal-response branch (one approximate equilibrium)
pbe        pure perfect Bayesian equilibria of a signalling game (tree)
auto       spe for trees; enummixed for two players; enumpoly for small N-player games, else pure
========== ============================================================================

Trees solved with a normal-form method are reduced first and the equilibria are reported as
behaviour strategies (Kuhn 1953).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.solvers.methods import METHODS
from alliance_games.solvers.result import Equilibrium, SolverResult

ENUMPOLY_SUPPORT_LIMIT = 400
"""``auto`` uses enumpoly on N-player games with at most this many support profiles (3x3x3)."""


def _enummixed(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.enummixed import enummixed_solve

    return enummixed_solve(game)


def _pure(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.pure import enumerate_pure

    return enumerate_pure(game)


def _lcp(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.lemke_howson import lcp_solve

    return lcp_solve(game)


def _lp(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.linear_program import lp_solve

    return lp_solve(game)


def _enumpoly(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.enumpoly import enumpoly_solve

    return enumpoly_solve(game)


def _logit(game: NormalFormGame) -> SolverResult:
    from alliance_games.solvers.normal_form.logit import logit_solve

    return logit_solve(game)


NORMAL_FORM: dict[str, Callable[[NormalFormGame], SolverResult]] = {
    "pure": _pure, "enummixed": _enummixed, "mixed": _enummixed, "lcp": _lcp, "lp": _lp,
    "enumpoly": _enumpoly, "logit": _logit,
}
TWO_PLAYER_ONLY = ("enummixed", "mixed", "lcp", "lp")


def solve_normal_form(game: NormalFormGame) -> SolverResult:
    """Every equilibrium the exact solvers certify: enummixed (2 players), enumpoly (small N)."""
    return NORMAL_FORM[_auto_normal_form(game)](game)


def _auto_normal_form(game: NormalFormGame) -> str:
    if game.num_players == 1:
        return "pure"
    if game.num_players == 2:
        return "enummixed"
    from alliance_games.solvers.kernels.supports import count_support_profiles

    small = count_support_profiles(game.shape) <= ENUMPOLY_SUPPORT_LIMIT
    return "enumpoly" if small else "pure"


def resolve_method(game: NormalFormGame | GameTree, method: str) -> str:
    """The concrete method for ``method`` on ``game`` (``auto`` resolved), or a clear error."""
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r} (methods: {', '.join(METHODS)})")
    tree = isinstance(game, GameTree)
    if method == "auto":
        return "spe" if isinstance(game, GameTree) else _auto_normal_form(game)
    if method in ("spe", "pbe") and not tree:
        raise SolverError(f"--method {method} needs a game tree; this model is a normal form "
                          "(use pure, enummixed or enumpoly)")
    if method in TWO_PLAYER_ONLY and game.num_players != 2:
        raise SolverError(f"--method {method} solves two-player games; this game has "
                          f"{game.num_players} players (use pure, enumpoly or logit)")
    return method


def auto_reason(game: NormalFormGame | GameTree, method: str) -> str:
    """Why ``auto`` chose ``method`` (said to the user)."""
    if isinstance(game, GameTree):
        return "a game tree: every subgame-perfect equilibrium"
    if method == "enummixed":
        return "two players: every extreme equilibrium, exactly"
    if method == "enumpoly":
        return f"{game.num_players} players, {game.num_profiles} profiles: every equilibrium"
    return (f"{game.num_players} players, {game.num_profiles} profiles: too large for enumpoly, "
            "pure equilibria only")


def solve(game: NormalFormGame | GameTree, method: str = "auto", *,
          max_equilibria: int | None = None, timeout: float | None = None) -> SolverResult:
    """Solve ``game`` with ``method`` (see the module docstring).

    ``timeout`` (seconds): stop then and report what was found, marked incomplete
    (:mod:`alliance_games.solvers.deadline`).
    """
    from alliance_games.solvers.deadline import time_limit

    chosen = resolve_method(game, method)
    with time_limit(timeout):
        if isinstance(game, GameTree):
            result = _solve_tree(game, chosen, max_equilibria)
        else:
            result = NORMAL_FORM[chosen](game)
        if not result.exact and not game.exact and chosen != "logit":
            from alliance_games.solvers.float_audit import audit_float

            result = audit_float(result, _recheck)
    if method == "auto":
        options = {**result.options, "auto": chosen, "auto_reason": auto_reason(game, chosen)}
        result = replace(result, options=options)
    return result


def _recheck(game: NormalFormGame, method: str) -> SolverResult:
    """The exact re-solve behind a float result's audit."""
    return NORMAL_FORM[method](game)


def _solve_tree(tree: GameTree, method: str, max_equilibria: int | None) -> SolverResult:
    if method == "spe":
        from alliance_games.solvers.tree.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect

        return subgame_perfect(tree, max_equilibria=max_equilibria or MAX_EQUILIBRIA)
    if method == "pbe":
        from alliance_games.solvers.tree.signalling import perfect_bayesian_signalling

        return perfect_bayesian_signalling(tree)
    if method == "lcp":
        from alliance_games.solvers.tree.sequence_form import sequence_form_lcp_solve

        return sequence_form_lcp_solve(tree)
    return _tree_via_reduced_form(tree, method)


def _tree_via_reduced_form(tree: GameTree, method: str) -> SolverResult:
    """Nash equilibria of a tree's reduced normal form, reported as behaviour profiles."""
    from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
    from alliance_games.games.reduce import reduced_normal_form
    from alliance_games.solvers.tree.subgame_perfect import complete_behaviour

    reduced = reduced_normal_form(tree)
    result = NORMAL_FORM[method](reduced.game)
    equilibria = []
    for eq in result.equilibria:
        game = tree if eq.exact else tree.to_float()
        behaviour = complete_behaviour(game, reduced.behaviour(eq.strategies))
        regret = max(behaviour_regrets(game, behaviour))
        equilibria.append(Equilibrium(tuple(behaviour), behaviour_payoffs(game, behaviour),
                                      regret if eq.exact else float(regret), eq.exact))
    unique = {e.key(): e for e in equilibria}  # distinct plans can induce one behaviour profile
    return SolverResult(method, tree, tuple(unique.values()), result.exact, result.complete,
                        result.options, result.warnings, (), dict(result.diagnostics))
