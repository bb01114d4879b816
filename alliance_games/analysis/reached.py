"""The information sets an equilibrium reaches: its behaviour on the path of play.

A behaviour profile of a game tree gives a distribution at every information set, reached or
not; on a large tree (thousands of sets) almost all of them lie off the path, and a table listing
them all is unreadable. Information set ``h`` is *reached* by profile ``b`` when some node ``x``
of ``h`` has positive realization probability, ``P_b(x) = prod`` of the chance and behaviour
probabilities on the path to ``x`` ``> 0`` (:func:`~alliance_games.games.profiles.realization`).

:func:`path_profile` restricts a labelled profile to the reached sets and counts the others
(:func:`distinct_on_path`: how many equilibria differ on the path, not only off it); a
table shows that restriction only for a tree of more than :data:`ALL_SETS_UP_TO` information
sets (small trees show every set: there, off-path behaviour, a threat or a promise, is what the
reader looks at, and it fits). JSON and the other formats always list every set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from alliance_games.games.profiles import nonzero
from alliance_games.games.tree import GameTree

Number = Fraction | float

ALL_SETS_UP_TO = 100
"""Trees with at most this many information sets show every set in tables."""


@dataclass(frozen=True)
class PathProfile:
    """One equilibrium's behaviour at the information sets it reaches.

    ``profile``: player -> ``"<information set>:<action>"`` -> probability, at the reached sets
    only (each player's labels in the tree's order); ``reached`` / ``total``: how many information
    sets are reached / exist; ``condensed``: whether a table shows ``profile`` instead of every
    set (the tree has more than :data:`ALL_SETS_UP_TO` sets and some are off the path).
    """

    profile: dict[str, dict[str, Number]]
    reached: int
    total: int
    condensed: bool
    sets: tuple[int, ...] = ()
    """The indices of the reached information sets, in the tree's order."""

    @property
    def off_path(self) -> int:
        """How many information sets play does not reach."""
        return self.total - self.reached


def reached_infosets(tree: GameTree, reach: np.ndarray) -> np.ndarray:
    """The indices (sorted) of the information sets with a node of positive ``reach``
    (per-node realization probabilities)."""
    ids = tree.node_infoset[nonzero(reach)]
    # np.unique would import numpy.ma on first use (milliseconds at every command's start)
    return np.flatnonzero(np.bincount(ids[ids >= 0], minlength=len(tree.infosets)))


def path_profile(tree: GameTree, values: Callable[[int], Sequence[Number]], reach: np.ndarray
                 ) -> PathProfile:
    """The profile whose set ``k`` plays its actions with probabilities ``values(k)``, labelled
    as :func:`~alliance_games.analysis.equilibrium.describe` labels a tree's profile, at the
    information sets ``reach`` reaches only (module docstring)."""
    kept = reached_infosets(tree, reach).tolist()  # sorted, distinct
    shown: dict[str, dict[str, Number]] = {p: {} for p in tree.players}
    for k in kept:
        infoset = tree.infosets[k]
        shown[tree.players[infoset.player]].update(zip(
            map(f"{infoset.name}:".__add__, infoset.actions), values(k), strict=True))
    total = len(tree.infosets)
    return PathProfile(shown, len(kept), total, total > ALL_SETS_UP_TO and len(kept) < total,
                       tuple(kept))


def distinct_on_path(paths: Sequence[PathProfile]) -> int:
    """How many distinct behaviours at reached sets ``paths`` hold: equilibria that differ only
    off the path count once."""
    return len({tuple((player, tuple(dist.items())) for player, dist in path.profile.items())
                for path in paths})
