"""Perfect Bayesian equilibria subgame by subgame (method ``spbe``).

Proper subgames are solved bottom-up as for ``spe``
(:mod:`~alliance_games.solvers.tree.subgame_perfect`), but a subgame with information sets is
solved for its perfect Bayesian equilibria instead of its Nash equilibria, so a threat that no
belief makes rational is never kept at an unreached information set:

* a one-signal subgame with two types (a type drawn by chance, the informed player's signal, then
  play in which nothing more is learnt about the type) by belief thresholds
  (:mod:`~alliance_games.solvers.tree.belief_threshold`): every receiver holds the posterior after
  the signal (Fudenberg and Tirole 1991, ch. 8); fast, exact, one equilibrium per behaviour on
  the path;
* any other subgame, or one in which the thresholds find no equilibrium (receivers would have to
  mix at several information sets after one signal), by
  :func:`~alliance_games.solvers.tree.perfect_bayesian.perfect_bayesian`: every weak PBE, the
  extreme points of every continuum.

The profiles are perfect Bayesian equilibria in every proper subgame: the perfect Bayesian
equilibrium of multi-stage games with observed actions and types drawn by chance.
"""

from __future__ import annotations

from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.belief_threshold import belief_threshold, matches
from alliance_games.solvers.tree.perfect_bayesian import perfect_bayesian
from alliance_games.solvers.tree.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect


def subgame_pbe(tree: GameTree) -> SolverResult:
    """One subgame with information sets: by belief thresholds when it is a one-signal two-type
    game, else every weak PBE."""
    if matches(tree) is not None:
        result = belief_threshold(tree)
        if result.equilibria:
            return result
        # none with at most one mixing receiver per signal: every weak PBE instead
    return perfect_bayesian(tree)


def subgame_perfect_bayesian(tree: GameTree, *, max_equilibria: int = MAX_EQUILIBRIA,
                             distinct: bool = False) -> SolverResult:
    """Every profile that is a perfect Bayesian equilibrium in every proper subgame (module
    docstring). Exact: float trees are read as exact decimals.

    ``distinct``: one equilibrium per distinct outcome of every subgame
    (:func:`~alliance_games.solvers.tree.subgame_perfect.subgame_perfect`).

    Completeness: as ``spe`` (at most ``max_equilibria`` per subgame); a subgame whose
    equilibria form a continuum contributes representatives (extreme points, or one belief per
    off-path signal) and marks the result incomplete.
    """
    if not tree.exact:
        tree = tree.to_exact()
    return subgame_perfect(tree, max_equilibria=max_equilibria, tree_solver=subgame_pbe,
                           method="spbe", distinct=distinct)
