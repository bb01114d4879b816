"""Support profiles of an N-player game and the polynomial system each one defines.

A *support profile* ``S = (S_0, ..., S_{N-1})`` gives each player a non-empty set of strategies.
A mixed profile ``sigma`` with ``supp(sigma_i) ⊆ S_i`` is a Nash equilibrium iff (Nash 1951;
McKelvey & McLennan 1996, "Computation of equilibria in finite games", §6)

* ``u_i(s, sigma_-i) = v_i`` for every ``s`` in ``S_i`` (indifference on the support),
* ``sum_{s in S_i} sigma_i(s) = 1``, ``sigma_i(s) >= 0`` and ``sigma_i(s) = 0`` off ``S_i``,
* ``u_i(t, sigma_-i) <= v_i`` for every ``t`` outside ``S_i`` (no profitable deviation).

The equalities form a square multilinear polynomial system: player ``i``'s support
probabilities are variables except the last, which is one minus the others, and ``v_i`` is
eliminated by differencing against the last support strategy. Supports are enumerated smallest
first; a support containing a strategy strictly dominated by another strategy of the same player
against every pure profile of the others' supports cannot be an equilibrium support and is
skipped (Porter, Nudelman & Shoham 2008, "Simple search methods for finding a Nash equilibrium").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
import sympy as sp
from sympy import QQ

from alliance_games.games.normal_form import NormalFormGame

Support = tuple[tuple[int, ...], ...]


def integer_payoffs(game: NormalFormGame) -> np.ndarray:
    """Payoffs scaled per player by the lcm of their denominators (same equilibria), as Python ints
    in an object array; float games are read exactly through :meth:`NormalFormGame.to_exact`."""
    exact = game.to_exact().payoffs
    out = np.empty(exact.shape, dtype=object)
    for i in range(game.num_players):
        scale = lcm(*(Fraction(v).denominator for v in exact[i].ravel()))
        out[i] = np.vectorize(lambda v, s=scale: int(Fraction(v) * s), otypes=[object])(exact[i])
    return out


def count_support_profiles(shape: tuple[int, ...]) -> int:
    """Number of support profiles: ``prod_i (2^{m_i} - 1)``."""
    total = 1
    for m in shape:
        total *= 2**m - 1
    return total


def support_profiles(shape: tuple[int, ...]) -> Iterator[Support]:
    """Every support profile, by increasing total size, then lexicographically (deterministic)."""
    n = len(shape)
    for total in range(n, sum(shape) + 1):
        for sizes in itertools.product(*(range(1, m + 1) for m in shape)):
            if sum(sizes) != total:
                continue
            choices = [itertools.combinations(range(m), k) for m, k in zip(shape, sizes,
                                                                             strict=True)]
            yield from itertools.product(*(list(c) for c in choices))


def _restricted(payoffs: np.ndarray, player: int, support: Support) -> np.ndarray:
    """Player's payoffs, own strategies all kept (axis 0), others restricted to their supports and
    flattened (axis 1)."""
    index = tuple(np.arange(payoffs.shape[1 + k]) if k == player else np.asarray(s)
                  for k, s in enumerate(support))
    block = payoffs[player][np.ix_(*index)]
    return np.moveaxis(block, player, 0).reshape(block.shape[player], -1)


def dominated_in_support(payoffs: np.ndarray, support: Support) -> bool:
    """True if some support strategy is strictly dominated, against every pure profile of the
    others' supports, by another strategy of the same player (then no equilibrium has support
    ``support``)."""
    for i, own in enumerate(support):
        block = _restricted(payoffs, i, support)
        for s in own:
            if any(all(block[t, c] > block[s, c] for c in range(block.shape[1]))
                   for t in range(block.shape[0]) if t != s):
                return True
    return False


@dataclass(frozen=True)
class SupportSystem:
    """The indifference system of one support profile.

    Attributes
    ----------
    support:
        The support profile.
    gens:
        Variables: for each player with ``|S_i| >= 2``, the probabilities of ``S_i`` but its last.
    equations:
        ``u_i(s) - u_i(last_i) = 0`` for every player and every ``s`` in ``S_i`` but the last.
    probabilities:
        ``probabilities[i][k]``: polynomial for the probability of ``S_i[k]``.
    deviations:
        ``deviations[i][t]``: ``u_i(t, sigma_-i) - u_i(last_i, sigma_-i)`` for strategies ``t``
        outside ``S_i`` (the Nash inequalities are ``<= 0``).
    """

    support: Support
    gens: tuple[sp.Symbol, ...]
    equations: tuple[sp.Poly, ...]
    probabilities: tuple[tuple[sp.Poly, ...], ...]
    deviations: tuple[dict[int, sp.Poly], ...]


def support_system(payoffs: np.ndarray, support: Support) -> SupportSystem:
    """Build the polynomial system of ``support`` (integer coefficients, domain ``QQ``)."""
    names = [f"p{i}_{s}" for i, own in enumerate(support) for s in own[:-1]] or ["p_dummy"]
    ring, *variables = sp.ring(names, QQ)  # fast arithmetic; converted to Poly at the end
    gens = tuple(sp.Symbol(name) for name in names)
    position, probabilities = 0, []
    for own in support:
        free = variables[position:position + len(own) - 1]
        position += len(own) - 1
        probabilities.append((*free, ring.one - sum(free, ring.zero)))
    deviations: list[dict[int, sp.Poly]] = []
    equations: list[sp.Poly] = []

    def poly(element: object) -> sp.Poly:
        return sp.Poly.from_dict(dict(element), *gens, domain=QQ)  # type: ignore[call-overload]

    for i, own in enumerate(support):
        block = _restricted(payoffs, i, support)
        weights = [ring.one]
        for j in range(len(support)):
            if j != i:
                weights = [w * q for w in weights for q in probabilities[j]]
        value = [sum((int(block[t, c]) * w for c, w in enumerate(weights)), ring.zero)
                 for t in range(block.shape[0])]
        last = value[own[-1]]
        equations += [poly(value[s] - last) for s in own[:-1]]
        deviations.append({t: poly(value[t] - last) for t in range(block.shape[0])
                           if t not in own})
    return SupportSystem(support, gens, tuple(equations),
                         tuple(tuple(poly(p) for p in dist) for dist in probabilities),
                         tuple(deviations))
