"""The one result type every solver returns.

An :class:`Equilibrium` stores probabilities as arrays: for a normal-form game, one distribution
per player over its strategies; for a game tree, one distribution per information set over its
actions (a behaviour profile covering every information set, reached or not). Exact equilibria hold
:class:`fractions.Fraction`; float ones ``float``. Labels come from the game the result refers to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.pure_behaviour import PureBehaviour
from alliance_games.games.tree import GameTree

Game = NormalFormGame | GameTree


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One equilibrium profile with its expected payoffs and certificate.

    Attributes
    ----------
    strategies:
        Normal form: ``strategies[i]`` is player ``i``'s mixed strategy. Tree: ``strategies[k]`` is
        the behaviour at information set ``k`` of ``game.infosets``. A tuple, or for a pure tree
        profile a :class:`~alliance_games.games.pure_behaviour.PureBehaviour` (one array of chosen
        actions that reads as the same distributions).
    payoffs:
        Expected payoff of every player under the profile.
    max_regret:
        Largest gain any player gets from a unilateral deviation (0 certifies a Nash
        equilibrium; exact when ``exact``).
    exact:
        Whether every number above is an exact rational.
    outcomes:
        Trees, when the solver computed them on the way (exact only): the probability that the
        play meets each outcome tag, and the expected value of each measure, by name; ``None``
        otherwise.
    """

    strategies: Sequence[np.ndarray]
    payoffs: np.ndarray
    max_regret: Fraction | float
    exact: bool
    outcomes: dict[str, Fraction] | None = None

    def is_pure(self) -> bool:
        if isinstance(self.strategies, PureBehaviour):
            return True
        return all(np.count_nonzero(np.asarray(s, dtype=float)) == 1 for s in self.strategies)

    def key(self) -> tuple[Any, ...]:
        """A hashable identity (exact values, or floats rounded to 9 decimals)."""
        if self.exact:
            return tuple(tuple(s) for s in self.strategies)
        return tuple(tuple(np.round(np.asarray(s, dtype=float), 9)) for s in self.strategies)


@dataclass(frozen=True, eq=False)
class SolverResult:
    """What a solver found on one game.

    Attributes
    ----------
    method:
        The method name as on the command line (``pure``, ``spe``, ``enummixed`` ...).
    game:
        The game that was solved; its labels name the strategies in ``equilibria``.
    equilibria:
        The equilibria found, in a deterministic order.
    exact:
        Whether all numbers are exact rationals.
    complete:
        Whether the set is proven to be every equilibrium of the kind the method targets.
    options:
        The options the solver ran with.
    warnings:
        Anything the user should know (truncation, float fallbacks, degeneracy).
    convex_sets:
        Maximal convex sets of equilibria (two-player games), each given by the indices of the
        extreme equilibria it spans; empty when not computed.
    diagnostics:
        Flags such as ``degenerate`` (bool) and solver statistics.
    """

    method: str
    game: Game
    equilibria: tuple[Equilibrium, ...]
    exact: bool
    complete: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    convex_sets: tuple[tuple[int, ...], ...] = ()
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.equilibria)
