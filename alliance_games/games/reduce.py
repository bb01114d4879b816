"""The reduced normal form of a game tree, with strategies named by their actions.

A reduced strategy (plan) of player ``i`` chooses an action at every information set of ``i`` that
its own earlier choices do not exclude; excluded sets are written ``*``. Its label joins the actions
in the order of the player's information sets: ``Fight|Yield``, ``Out|*`` (Kuhn 1953; the reduced
strategic form of Osborne & Rubinstein 1994, sec. 11.1.4).

Payoffs are computed for all profiles at once: with ``C_i[p, n] = 1`` when plan ``p`` takes every
own action on the path to node ``n``, the expected payoff of player ``j`` at profile
``(p_1, ..., p_N)`` is ``sum_n chance(n) * prod_i C_i[p_i, n] * u_j(n)`` (one ``einsum``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import SizeLimitError
from alliance_games.games.limits import DEFAULTS, how_to_raise, limit
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import realization
from alliance_games.games.tree import CHANCE, GameTree

MAX_REDUCED_PROFILES = DEFAULTS["max_profiles"]
"""Default limit on the number of pure profiles of a reduced normal form."""

Plan = tuple[int | None, ...]  # per own information set (player order): action index or None


@dataclass(frozen=True, eq=False)
class ReducedForm:
    """A tree's reduced normal form and the plans behind its strategies."""

    game: NormalFormGame
    tree: GameTree
    infosets: tuple[tuple[int, ...], ...]  # per player: its information sets, in order
    plans: tuple[tuple[Plan, ...], ...]  # per player: one plan per strategy

    def behaviour(self, profile: Sequence[np.ndarray]) -> list[np.ndarray | None]:
        """Behaviour strategies induced by a mixed profile over plans (Kuhn's theorem).

        Information sets that the owner's own mixture never reaches get ``None``.
        """
        exact = self.tree.exact
        result: list[np.ndarray | None] = [None] * len(self.tree.infosets)
        for i, sets in enumerate(self.infosets):
            dist = profile[i]
            for pos, k in enumerate(sets):
                width = len(self.tree.infosets[k].actions)
                mass = np.zeros(width, dtype=object if exact else float)
                if exact:
                    mass[:] = Fraction(0)
                for p, plan in enumerate(self.plans[i]):
                    if plan[pos] is not None and dist[p] != 0:
                        mass[plan[pos]] += dist[p]
                total = mass.sum()
                if total != 0:
                    result[k] = mass / total
        return result


def own_sequences(tree: GameTree, player: int) -> dict[int, tuple[tuple[int, int], ...]]:
    """For each of ``player``'s information sets: its own history as (infoset, action) pairs.

    Without perfect recall a set's nodes need not share one history, so none is used: every
    plan then chooses at every set (the unreduced normal form, still exact for pure plans).
    """
    result: dict[int, tuple[tuple[int, int], ...]] = {}
    if not tree.perfect_recall:
        return {k: () for k in tree.player_infosets(player)}
    for k in tree.player_infosets(player):
        node = tree.infosets[k].nodes[0]
        history = tree.own_history(node, player)
        result[k] = tuple((i, tree.infosets[i].actions.index(a)) for i, a in history)
    return result


def count_plans(tree: GameTree, player: int) -> int:
    """Number of reduced plans of ``player``, counted without listing them.

    With perfect recall a player's information sets form a forest under "follows own action";
    a set's count is the sum over its actions of the product of the counts of the sets that
    follow that action, and the player's total is the product over the roots of the forest.
    """
    seqs = own_sequences(tree, player)
    follows: dict[tuple[int, int], list[int]] = {}
    roots = []
    for k, seq in seqs.items():
        if seq:
            follows.setdefault(seq[-1], []).append(k)
        else:
            roots.append(k)
    counts: dict[int, int] = {}
    for k in sorted(seqs, key=lambda k: -len(seqs[k])):  # deepest first
        total = 0
        for a in range(len(tree.infosets[k].actions)):
            product = 1
            for j in follows.get((k, a), []):
                product *= counts[j]
            total += product
        counts[k] = total
    result = 1
    for k in roots:
        result *= counts[k]
    return result


def reduced_plans(tree: GameTree, player: int) -> tuple[tuple[int, ...], list[Plan]]:
    """The player's information sets (ordered so predecessors come first) and reduced plans."""
    seqs = own_sequences(tree, player)
    order = tuple(sorted(seqs, key=lambda k: (len(seqs[k]), tree.infosets[k].nodes[0])))
    position = {k: pos for pos, k in enumerate(order)}
    plans: list[list[int | None]] = [[]]
    for k in order:
        width = len(tree.infosets[k].actions)
        grown: list[list[int | None]] = []
        for plan in plans:
            relevant = all(plan[position[i]] == a for i, a in seqs[k])
            if relevant:
                grown.extend([*plan, a] for a in range(width))
            else:
                grown.append([*plan, None])
        plans = grown
    return order, [tuple(p) for p in plans]


def plan_label(tree: GameTree, order: Sequence[int], plan: Plan) -> str:
    if not order:
        return "-"
    return "|".join("*" if a is None else tree.infosets[k].actions[a]
                    for k, a in zip(order, plan, strict=True))


def reduced_normal_form(tree: GameTree, *, max_profiles: int | None = None
                        ) -> ReducedForm:
    """The reduced normal form of ``tree`` (exact when the tree is exact).

    The number of profiles is counted first (:func:`count_plans`) and refused above
    ``max_profiles`` before anything is built.
    """
    counts = [count_plans(tree, i) for i in range(tree.num_players)]
    size = 1
    for c in counts:
        size *= c
    if max_profiles is None:
        max_profiles = limit("max_profiles")
    if size > max_profiles:
        shown = " x ".join(f"{c:,}" if c < 10**12 else f"~10^{len(str(c)) - 1}" for c in counts)
        total = f"{size:,}" if size < 10**15 else f"about 10^{len(str(size)) - 1}"
        raise SizeLimitError(
            f"the reduced normal form would have {shown} = {total} profiles, over the limit of "
            f"{max_profiles:,} (solve the tree with --method spe, which needs no normal form, "
            f"or {how_to_raise('max_profiles')})"
        )
    orders, plans = zip(*(reduced_plans(tree, i) for i in range(tree.num_players)), strict=True)
    nodes = np.flatnonzero(tree.has_payoff)
    chance = _chance_reach(tree)[nodes]
    factors = [_consistency(tree, i, orders[i], plans[i], nodes) for i in range(tree.num_players)]
    weighted = tree.node_payoffs[nodes] * chance[:, None]
    letters = "abcdefghijklmnopqrstuvw"[: tree.num_players]
    spec = ",".join(f"{c}z" for c in letters) + ",zy->y" + letters
    if tree.exact:
        payoffs = _exact_einsum(factors, weighted)
    else:
        payoffs = np.einsum(spec, *factors, weighted)
    labels = tuple(
        tuple(plan_label(tree, orders[i], p) for p in plans[i]) for i in range(tree.num_players)
    )
    game = NormalFormGame(tree.players, labels, payoffs, title=tree.title)
    return ReducedForm(game, tree, tuple(orders), tuple(tuple(p) for p in plans))


def _chance_reach(tree: GameTree) -> np.ndarray:
    """Product of chance probabilities on the path to every node (decision edges count 1)."""
    weights = tree.edge_prob.copy()
    weights[tree.kind[tree.edge_parent] != CHANCE] = Fraction(1) if tree.exact else 1.0
    return realization(tree, weights)


def _consistency(tree: GameTree, player: int, order: Sequence[int], plans: Sequence[Plan],
                 nodes: np.ndarray) -> np.ndarray:
    """``C[p, n] = 1`` when plan ``p`` takes every own action on the path to ``nodes[n]``."""
    position = {k: pos for pos, k in enumerate(order)}
    result = np.ones((len(plans), len(nodes)), dtype=np.int64)
    for col, node in enumerate(nodes):
        for k, action in tree.own_history(int(node), player):
            a = tree.infosets[k].actions.index(action)
            pos = position[k]
            for p, plan in enumerate(plans):
                if plan[pos] != a:
                    result[p, col] = 0
    return result


def _exact_einsum(factors: Sequence[np.ndarray], weighted: np.ndarray) -> np.ndarray:
    """Exact version of the payoff contraction: profiles x nodes masks times node payoffs."""
    shape = tuple(f.shape[0] for f in factors)
    n_players = weighted.shape[1]
    mask = np.ones((1, weighted.shape[0]), dtype=np.int64)
    for f in factors:  # outer product over players, flattened in C order
        mask = (mask[:, None, :] * f[None, :, :]).reshape(-1, weighted.shape[0])
    out = np.empty((n_players, mask.shape[0]), dtype=object)
    for j in range(n_players):
        column = weighted[:, j]
        out[j] = [_masked_sum(row, column) for row in mask]
    return out.reshape((n_players, *shape))


def _masked_sum(row: np.ndarray, column: np.ndarray) -> Any:
    picked = column[row.astype(bool)]
    return sum(picked, Fraction(0))

