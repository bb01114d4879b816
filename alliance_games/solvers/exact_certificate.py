"""Certify float equilibria against the exact game they were rounded from.

A float solve works on the model's numbers rounded to float64 (53-bit significands), so two
payoffs closer than about ``|payoff| / 2**53`` become one: with ``10**16 + 1`` and ``10**16``
a strict preference turns into a tie and the float solver reports profiles that are no
equilibria of the game in the file. Re-checking on the float game, or on its floats read back as
rationals, cannot see this; this module checks on the **original** exact game
(:func:`alliance_games.model.exact_origin.exact_origin`).

* :func:`rationalise`: a float profile as rationals, every probability ``x`` replaced by the
  simplest fraction within ``1/(2 * 10**12)`` of it (``Fraction.limit_denominator``; ``0`` and
  ``1`` stay themselves, so pure profiles are read exactly) and each distribution adjusted at its
  largest entry to sum to exactly 1.
* :func:`exact_regret`: the profile's exact regret in the exact game: Nash regret (the largest gain
  of a unilateral deviation, :func:`~alliance_games.games.profiles.max_regret`), and for
  subgame-perfect results the largest one over every proper subgame (for perfect-information
  trees by the one-shot deviation principle: at each decision node, the best child's value minus
  the value of the profile's choice, exact values of the profile computed bottom-up).
* :func:`inseparable`: the closest pair of a player's distinct exact payoffs that float64 may
  merge, i.e. whose gap ``d`` times ``2**53`` is below their magnitude ``M`` (for trees with
  payoffs on inner nodes, ``M`` includes the summands, which can cancel).

A float profile whose rational reading has exact regret 0 is *certified*; one with positive exact
regret is *refuted*.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import behaviour_regrets, max_regret
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree

Game = NormalFormGame | GameTree

DENOMINATOR = 10**12
"""Largest denominator :func:`rationalise` tries (float solvers are accurate to ~1e-12)."""
FLOAT_DIGITS = 53
"""Bits of a float64 significand: values closer than ``magnitude / 2**53`` may round together."""
SUBGAME_WORK = 200_000
"""Largest total size of the proper subgames re-checked one by one (imperfect information)."""


def rationalise(strategies: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Each float distribution as exact rationals summing to 1 (see the module docstring)."""
    out = []
    for s in strategies:
        probs = [Fraction(float(x)).limit_denominator(DENOMINATOR) for x in np.asarray(s)]
        if probs:
            top = max(range(len(probs)), key=lambda k: probs[k])
            probs[top] += 1 - sum(probs, Fraction(0))
        out.append(np.array(probs, dtype=object))
    return tuple(out)


def is_pure(strategies: Sequence[np.ndarray]) -> bool:
    """Whether every probability is exactly 0 or 1 (then the rational reading is exact)."""
    return all(np.all((np.asarray(s, dtype=float) == 0) | (np.asarray(s, dtype=float) == 1))
               for s in strategies)


def exact_regret(game: Game, strategies: Sequence[np.ndarray], *, subgame_perfect: bool = False
                 ) -> Fraction | None:
    """The exact regret of ``strategies`` (rationals) in the exact ``game``; with
    ``subgame_perfect`` (trees), the largest over every proper subgame. ``None`` when the
    subgames are too many to check (:data:`SUBGAME_WORK`)."""
    if not isinstance(game, GameTree) or not subgame_perfect:
        return Fraction(max_regret(game, strategies))
    if game.is_perfect_information:
        return _one_shot_regret(game, strategies)
    roots = game.subgame_roots
    if sum(int(game.subtree_end[r]) - r for r in roots) > SUBGAME_WORK:
        return None
    worst = Fraction(0)
    for root in roots:
        ids = game.node_infoset[root:int(game.subtree_end[root])]
        kept = np.unique(ids[ids >= 0]).tolist()
        sub = game.subtree(root) if root else game
        local = tuple(strategies[k] for k in kept) if root else strategies
        worst = max(worst, max(Fraction(r) for r in behaviour_regrets(sub, local)))
    return worst


def _one_shot_regret(tree: GameTree, behaviour: Sequence[np.ndarray]) -> Fraction:
    """Largest gain of a one-shot deviation at any decision node of a perfect-information tree."""
    values = tree.node_payoffs.copy()
    worst = Fraction(0)
    for level in reversed(tree.levels):
        for node in level.tolist():
            kind = tree.kind[node]
            if kind == TERMINAL:
                continue
            kids = tree.children(node)
            if kind == CHANCE:
                probs = tree.edge_prob[tree.child_ptr[node]:tree.child_ptr[node + 1]]
            else:
                probs = np.asarray(behaviour[int(tree.node_infoset[node])], dtype=object)
            below = values[kids]
            current = probs @ below
            values[node] = values[node] + current
            if kind == DECISION:
                mover = tree.infosets[int(tree.node_infoset[node])].player
                worst = max(worst, Fraction(max(below[:, mover]) - current[mover]))
    return worst


def inseparable(game: Game) -> tuple[Any, Any] | None:
    """``(magnitude, gap)`` of the worst pair of one player's distinct exact payoffs that float64
    cannot be trusted to separate (``gap * 2**53 < magnitude``), or ``None``."""
    worst: tuple[Any, Any] | None = None
    for player in range(game.num_players):
        if isinstance(game, NormalFormGame):
            values, summands = game.payoffs[player].ravel(), Fraction(0)
        else:
            values = game.path_payoffs[game.terminals, player]
            column = game.node_payoffs[:, player]
            summed = any(v != 0 for v in column[game.kind != TERMINAL])  # sums can cancel
            summands = max(abs(v) for v in column) if summed else Fraction(0)
        distinct = sorted(set(values.tolist()))
        for low, high in zip(distinct, distinct[1:], strict=False):
            gap, scale = high - low, max(abs(low), abs(high), summands)
            if gap * 2**FLOAT_DIGITS < scale and (worst is None or scale / gap > worst[0] / worst[1]):
                worst = (scale, gap)
    return worst
