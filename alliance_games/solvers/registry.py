"""Dispatch: ``solve(game, method)`` runs the method's solver for the game's shape.

The methods, the game shapes and player counts each one takes, its exactness and what a complete
result holds are in one table, :data:`alliance_games.solvers.methods.TABLE`; this module only
reads it. ``auto`` is resolved here: ``spe`` for trees, else
:func:`alliance_games.solvers.normal_form.auto.auto_method`.
"""

from __future__ import annotations

from dataclasses import replace

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets, max_regret
from alliance_games.games.tree import GameTree
from alliance_games.solvers.deadline import remaining, time_limit
from alliance_games.solvers.methods import BY_NAME, METHODS, REDUCED, Method
from alliance_games.solvers.normal_form.auto import ENUMPOLY_SUPPORT_LIMIT, auto_method
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import slack

GUARD_TOL = 1e-6
"""Relative regret above which a float profile is no equilibrium (looser than DEFAULT_TOL on
purpose: the guard catches wrong answers, not rounding)."""
GUARD_NODES = 20_000
"""Largest tree whose equilibria the guard re-checks by recomputing their regret."""


def resolve_method(game: NormalFormGame | GameTree, method: str) -> str:
    """The concrete method for ``method`` on ``game`` (``auto`` resolved), or a clear error."""
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r} (methods: {', '.join(METHODS)})")
    tree = isinstance(game, GameTree)
    if method == "auto":
        return "spe" if isinstance(game, GameTree) else auto_method(game)
    row = BY_NAME[method]
    if row.normal_form is None and not tree:
        raise SolverError(f"--method {method} needs a game tree; this model is a normal form "
                          "(use pure, enummixed or enumpoly)")
    if row.tree is None and tree:
        raise SolverError(f"--method {method} solves normal-form games; this model is a game tree")
    if row.two_players and game.num_players != 2:
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
    """Solve ``game`` with ``method`` (a row of :data:`~alliance_games.solvers.methods.TABLE`).

    ``max_equilibria`` caps the methods that take it (``spe``: per subgame). ``timeout``
    (seconds): stop then and report what was found, marked incomplete
    (:mod:`alliance_games.solvers.deadline`).
    """
    chosen = resolve_method(game, method)
    row = BY_NAME[chosen]
    if isinstance(game, GameTree) and row.tree != REDUCED and not game.perfect_recall:
        raise SolverError(imperfect_recall_refusal(game, chosen))
    with time_limit(timeout):
        result = _run(row, game, max_equilibria)
        if not game.exact and row.exactness != "float":
            from alliance_games.solvers.float_audit import audit_float  # float runs only

            result = audit_float(result, _recheck, game)
    # approximate methods report their regret by contract; certified floats were checked exactly
    if row.exactness != "float" and "exact_certificate" not in result.diagnostics:
        result = drop_positive_regret(result)
    if method == "auto":
        options = {**result.options, "auto": chosen, "auto_reason": auto_reason(game, chosen)}
        result = replace(result, options=options)
    return result


def drop_positive_regret(result: SolverResult) -> SolverResult:
    """The last line of defence: every equilibrium's max regret, recomputed independently of the
    solver (:func:`~alliance_games.games.profiles.max_regret`), must be zero (exact) or at most
    ``GUARD_TOL`` times the payoff range (floats); others are dropped, and the result is marked
    incomplete with a warning saying why. Trees above :data:`GUARD_NODES` nodes are checked on
    the regret the solver recorded (the recomputation is a Python pass, about 0.7 s at 23k nodes)."""
    game = result.game
    recompute = not isinstance(game, GameTree) or game.num_nodes <= GUARD_NODES
    kept = []
    for eq in result.equilibria:
        checked = game if eq.exact else game.to_float()
        regret = max_regret(checked, eq.strategies) if recompute else eq.max_regret
        if regret <= slack(checked, GUARD_TOL):
            kept.append(eq)
    dropped = len(result.equilibria) - len(kept)
    if not dropped:
        return result
    note = (f"{dropped} profile(s) returned by the solver have positive regret when rechecked "
            "(not equilibria) and were dropped; the result may be incomplete")
    return replace(result, equilibria=tuple(kept), complete=False,
                   warnings=(*result.warnings, note))


def imperfect_recall_refusal(tree: GameTree, method: str) -> str:
    """Why ``method`` refuses a tree without perfect recall, and what can still be computed."""
    two = "--method enummixed (two players) or " if tree.num_players == 2 else ""
    return (f"this game tree has imperfect recall ({tree.check_perfect_recall()[0]}); "
            f"--method {method} needs perfect recall. What can still be computed: Nash equilibria "
            f"in mixed strategies of its normal form, with {two}--method enumpoly (or pure)")


def _run(row: Method, game: NormalFormGame | GameTree, max_equilibria: int | None) -> SolverResult:
    """The row's solver on ``game``; trees of a normal-form method go through the reduced form."""
    if isinstance(game, GameTree) and row.tree == REDUCED:
        return _tree_via_reduced_form(game, row)
    if isinstance(game, NormalFormGame):
        refuse_unbounded_enumpoly(row.name, game)
    solver = row.solver(tree=isinstance(game, GameTree))
    result: SolverResult = (solver(game, max_equilibria=max_equilibria)
                            if row.max_equilibria and max_equilibria else solver(game))
    return result


def refuse_unbounded_enumpoly(method: str, game: NormalFormGame) -> None:
    """Refuse ``enumpoly`` without a time limit on a game of more than
    :data:`~alliance_games.solvers.normal_form.auto.ENUMPOLY_SUPPORT_LIMIT` support profiles
    (``prod_i (2^{m_i} - 1)``, the bound ``auto`` uses): each support is a polynomial system, so
    the work grows with that count, and 4 players x 4 strategies (50,625) run for many minutes.
    Under ``--timeout`` it runs and stops at the limit with what it found."""
    if method != "enumpoly" or remaining() is not None:
        return
    from alliance_games.solvers.kernels.supports import count_support_profiles  # loads sympy

    count = count_support_profiles(game.shape)
    if count <= ENUMPOLY_SUPPORT_LIMIT:
        return
    two = "enummixed (every extreme equilibrium), " if game.num_players == 2 else ""
    raise SolverError(
        f"--method enumpoly: this game ({' x '.join(map(str, game.shape))} strategies) has "
        f"{count:,} support profiles, more than the {ENUMPOLY_SUPPORT_LIMIT:,} enumpoly solves "
        "without a time limit (each is a polynomial system); add --timeout SECONDS to run it "
        f"anyway and get the equilibria found by then (marked incomplete), or use --method {two}"
        "pure (every pure equilibrium) or logit (one approximate equilibrium)")


def _recheck(game: NormalFormGame, method: str) -> SolverResult:
    """The exact re-solve behind a float result's audit."""
    return _run(BY_NAME[method], game, None)


def _tree_via_reduced_form(tree: GameTree, row: Method) -> SolverResult:
    """Nash equilibria of a tree's reduced normal form, reported as behaviour profiles.

    Without perfect recall behaviour and mixed strategies are not equivalent (Kuhn 1953), so the
    mixed equilibria of the (unreduced) normal form are reported as they are.
    """
    from alliance_games.games.reduce import reduced_normal_form  # trees only
    from alliance_games.solvers.tree.subgame_perfect import complete_behaviour

    reduced = reduced_normal_form(tree)
    refuse_unbounded_enumpoly(row.name, reduced.game)
    result: SolverResult = row.solver()(reduced.game)
    if not tree.perfect_recall:
        note = ("imperfect recall: equilibria in mixed strategies of the normal form (behaviour "
                "strategies are not equivalent to them here)")
        return replace(result, warnings=(*result.warnings, note))
    equilibria = []
    for eq in result.equilibria:
        game = tree if eq.exact else tree.to_float()
        behaviour = complete_behaviour(game, reduced.behaviour(eq.strategies))
        regret = max(behaviour_regrets(game, behaviour))
        equilibria.append(Equilibrium(tuple(behaviour), behaviour_payoffs(game, behaviour),
                                      regret if eq.exact else float(regret), eq.exact))
    unique = {e.key(): e for e in equilibria}  # distinct plans can induce one behaviour profile
    return SolverResult(row.name, tree, tuple(unique.values()), result.exact, result.complete,
                        result.options, result.warnings, (), dict(result.diagnostics))
