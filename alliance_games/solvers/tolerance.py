"""The solvers' float tolerance, in one place.

The rule. Exact games compare Fractions exactly. Float games never test ``value == best``: a
value counts as best (an action as a best response, a constraint as tight, two vertices as one)
when ``value >= best - slack``. The tolerance is *relative*: :data:`DEFAULT_TOL` is scaled by
the game's payoff range, ``slack = tol * (max payoff - min payoff)`` (:func:`slack`), or applied
to data the solver has already scaled to magnitude about 1 (the pivoting tableaux, the
polytopes of ``enummixed``).

A module keeps a constant of its own only where its value differs on purpose; it says why next to
the constant.
"""

from __future__ import annotations

from typing import Protocol

DEFAULT_TOL = 1e-9
"""Default relative float tolerance (of the payoff range, or of data scaled to about 1)."""


class _Game(Protocol):
    @property
    def exact(self) -> bool: ...

    def payoff_range(self) -> float: ...


def slack(game: _Game, tol: float = DEFAULT_TOL, *, exact: bool | None = None) -> float:
    """The absolute slack of comparisons on ``game``: ``tol * game.payoff_range()`` in floats,
    ``0`` (an integer, so exact comparisons stay exact) when ``exact`` (default ``game.exact``)."""
    if game.exact if exact is None else exact:
        return 0
    return tol * game.payoff_range()
