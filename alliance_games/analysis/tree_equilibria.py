"""The equilibria that analysis reads off a game tree (to mark a path, value a collapsed subtree,
judge a policy at a threshold).

Perfect information: every subgame-perfect equilibrium (``spe``, backward induction). With
information sets: a perfect Bayesian equilibrium in every proper subgame (``spbe``,
:func:`~alliance_games.solvers.tree.perfect_bayesian_subgames.subgame_perfect_bayesian`), one per
distinct outcome of each subgame when ``distinct``. Nash equilibria of subgames with information
sets (what ``spe`` enumerates there) can rest on threats no belief makes rational, and on a large
tree with private information their enumeration does not finish; sequential rationality at every
information set is what an analysis of risks needs (Fudenberg and Tirole 1991, ch. 8).
"""

from __future__ import annotations

from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian
from alliance_games.solvers.tree.subgame_perfect import MAX_EQUILIBRIA, subgame_perfect


def tree_equilibria(tree: GameTree, *, max_equilibria: int = MAX_EQUILIBRIA,
                    distinct: bool = False) -> SolverResult:
    """``spe`` on perfect information, ``spbe`` with information sets (module docstring)."""
    if tree.is_perfect_information:
        return subgame_perfect(tree, max_equilibria=max_equilibria, distinct=distinct)
    return subgame_perfect_bayesian(tree, max_equilibria=max_equilibria, distinct=distinct)
