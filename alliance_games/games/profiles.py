"""Strategy profiles: expected payoffs, realization and tag probabilities, and regret.

Normal form: a mixed profile is one distribution per player. Player ``i``'s regret is
``max_s u_i(s, sigma_-i) - u_i(sigma)``; a profile is a Nash equilibrium iff every regret is 0
(exactly, for exact games and profiles).

Game trees: a behaviour profile is one distribution per information set. The realization
probability of a node is the product of chance and behaviour probabilities on its path
(Kuhn 1953); a pure profile weighs its chosen edges 1 and the others 0. A play carries an outcome
tag when any node on its path does, so the probability of a tag is the sum of the realization
probabilities of the terminals whose path carries it. These reach and tag probabilities are
generic over the number type: floats, exact Fractions, or sympy expressions in free parameters
(numpy object arrays). Player ``i``'s regret is its best-response value minus its current value;
with perfect recall the best response is found information set by information set, deepest
first, from counterfactual values ``sum_{h in I} pi_{-i}(h) v_i(h a)`` (von Stengel 1996,
Zinkevich et al. 2007).

Exact (rational) inputs are computed in the fast exact type of :mod:`alliance_games.games.rational`
and returned as Fractions; expectations ``sum_n reach(n) x(n)`` run over the reached nodes only
(a zero reach adds exactly nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games import rational
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.object_ids import distinct_objects, object_ids
from alliance_games.games.pure_behaviour import PureBehaviour
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree

Profile = Sequence[np.ndarray]


# ---- normal form ------------------------------------------------------------------------------
def strategy_regrets(game: NormalFormGame, profile: Profile) -> np.ndarray:
    """Regret of every player under a mixed profile."""
    regrets = []
    for i in range(game.num_players):
        dev = game.deviation_payoffs(profile, i)
        current = dev @ np.asarray(profile[i], dtype=dev.dtype)
        regrets.append(max(dev) - current)
    return np.array(regrets, dtype=object if game.exact else float)


def max_regret(game: NormalFormGame | GameTree, profile: Profile) -> Fraction | float:
    """Largest regret over the players (0 certifies a Nash equilibrium)."""
    regrets = (
        strategy_regrets(game, profile)
        if isinstance(game, NormalFormGame)
        else behaviour_regrets(game, profile)
    )
    worst = max(regrets)
    return worst if isinstance(worst, Fraction) else float(worst)


# ---- trees ------------------------------------------------------------------------------------
def edge_weights(tree: GameTree, behaviour: Profile) -> np.ndarray:
    """Probability of every edge: chance probabilities and behaviour probabilities."""
    weights = tree.edge_prob.copy()
    parents = tree.edge_parent
    decision = np.flatnonzero(tree.kind[parents] == DECISION)
    infosets = tree.node_infoset[parents]
    actions = tree.edge_action_index
    if isinstance(behaviour, PureBehaviour):  # 1 on each set's chosen edge, 0 on the others
        hit = behaviour.actions[infosets[decision]] == actions[decision]
        if weights.dtype == object:  # the profile's own numbers, as its arrays hold them
            numbers = [Fraction(0), Fraction(1)] if behaviour.exact else [0.0, 1.0]
            weights[decision] = np.array(numbers, dtype=object)[hit.astype(np.int64)]
        else:
            weights[decision] = hit
        return weights
    if weights.dtype == object and len(decision) and \
            all(isinstance(d, np.ndarray) and d.dtype == object for d in behaviour):
        # every behaviour entry in one object array: the same objects, gathered at once
        widths = np.fromiter((len(d) for d in behaviour), dtype=np.int64, count=len(behaviour))
        flat = np.concatenate(behaviour) if len(behaviour) else np.empty(0, dtype=object)
        starts = np.cumsum(widths) - widths
        weights[decision] = flat[starts[infosets[decision]] + actions[decision]]
        return weights
    for e in decision:
        weights[e] = behaviour[infosets[e]][actions[e]]
    return weights


def pure_weights(tree: GameTree, choice: np.ndarray, probs: np.ndarray, *,
                 free_root: bool = False) -> np.ndarray:
    """Edge weights of a pure profile: ``probs`` below chance nodes, 1 on the chosen edge
    ``choice[n]`` of every decision node ``n`` and 0 on the others (an object array).

    With ``free_root`` every edge of a decision root weighs 1, so that the realization
    probabilities below each root action are those *within* that action's subgame.
    """
    weights = np.zeros(len(tree.child_index), dtype=object)
    chance_edges = tree.kind[tree.edge_parent] == CHANCE
    weights[chance_edges] = probs[chance_edges]
    weights[choice[tree.kind == DECISION]] = 1
    if free_root and tree.kind[0] == DECISION:
        weights[list(tree.edges(0))] = 1
    return weights


def realization(tree: GameTree, weights: np.ndarray, *, skip_player: int | None = None
                ) -> np.ndarray:
    """Probability of reaching every node: the product of the edge ``weights`` on its path.

    With ``skip_player``, that player's moves count as 1. The result is an object array (root
    ``Fraction(1)``) for exact trees or object weights, a float array otherwise.
    """
    exact = tree.exact or weights.dtype == object
    one = Fraction(1) if exact else 1.0
    w = weights
    if skip_player is not None:
        w = weights.copy()
        w[_own_edges(tree, skip_player)] = one
    return _propagate(tree, w, one, object if exact else float)


def exact_realization(tree: GameTree, weights: np.ndarray) -> np.ndarray | None:
    """:func:`realization` in the fast exact type (:func:`~alliance_games.games.rational.exact_type`),
    or ``None`` when some weight is not rational (a float, a symbolic expression).

    Only the reached part of the tree is multiplied out: below a zero reach every node is 0."""
    if not rational.all_rational(weights.tolist()):
        return None
    q = rational.exact_type()
    reach = np.full(tree.num_nodes, q(0), dtype=object)
    reach[0] = q(1)
    live = np.zeros(tree.num_nodes, dtype=bool)
    live[0] = True
    for level in tree.levels[1:]:
        nodes = level[live[tree.parent[level]]]
        if not len(nodes):
            break
        values = reach[tree.parent[nodes]] * rational.fast_array(weights[tree.in_edge[nodes]])
        reach[nodes] = values
        live[nodes] = np.asarray(values != 0, dtype=bool)
    return reach


def reach_probabilities(tree: GameTree, weights: np.ndarray) -> np.ndarray:
    """:func:`realization` with the same values and types (``Fraction`` entries on exact trees),
    computed, where every weight is rational, in the fast exact type over the reached part of the
    tree only (:func:`exact_realization`): a pure profile of a wide tree multiplies along one
    path instead of at every node."""
    if tree.exact or weights.dtype == object:
        fast = exact_realization(tree, weights)
        if fast is not None:
            reach = np.full(tree.num_nodes, Fraction(0), dtype=object)
            reached = np.flatnonzero(np.asarray(fast != 0, dtype=bool))
            reach[reached] = rational.fraction_array(fast[reached])
            return reach
    return realization(tree, weights)


def _own_edges(tree: GameTree, player: int) -> np.ndarray:
    """Mask of the edges leaving ``player``'s decision nodes."""
    parents = tree.edge_parent
    return (tree.kind[parents] == DECISION) & np.isin(tree.node_infoset[parents],
                                                       tree.player_infosets(player))


def _propagate(tree: GameTree, w: np.ndarray, one: Any, dtype: Any) -> np.ndarray:
    """Products of the edge weights ``w`` from the root (``one``) down, level by level."""
    reach = np.full(tree.num_nodes, one, dtype=dtype)
    for level in tree.levels[1:]:
        reach[level] = reach[tree.parent[level]] * w[tree.in_edge[level]]
    return reach


def expectation(reach: np.ndarray, values: np.ndarray) -> Any:
    """``sum_n reach[n] values[n]`` (``reach @ values``; ``values`` per node, or a matrix with a
    row per node). Exact inputs (Fraction or fast-type reach, rational values) are summed over
    the reached nodes only, in the fast exact type, and returned as Fractions; others by
    ``reach @ values`` (a fast-type reach first turned into Fractions)."""
    if reach.dtype != object:
        return reach @ values
    reached = np.flatnonzero(np.asarray(reach != 0, dtype=bool))
    # only the reached rows enter the sum, so only they need to be rational
    if values.dtype == object and len(reached) and values.ndim in (1, 2) and \
            _all_fractions(reach):
        total = _sparse_expectation(reach[reached], values[reached])
        if total is not None:
            return total
    return rational.fraction_array(reach) @ values


def expectation_over(weights: np.ndarray, rows: np.ndarray) -> Any:
    """``weights @ rows`` for the reached rows of an exact expectation (``weights``: their
    non-zero reach probabilities, rational): :func:`expectation` without finding them again, the
    same numbers (Fractions)."""
    total = _sparse_expectation(weights, rows) if rows.dtype == object else None
    if total is not None:
        return total
    return rational.fraction_array(weights) @ rows


def _sparse_expectation(weights: np.ndarray, rows: np.ndarray) -> Any:
    """``weights @ rows`` (one weight per row; ``rows`` a vector or a matrix) summed in the fast
    exact type over the non-zero entries only, as Fractions (a scalar for a vector, an array
    per column for a matrix); ``None`` when an entry is not rational. Each distinct number
    object is converted and compared with 0 once (rows repeat a few objects, mostly zeros)."""
    first, where = distinct_objects(rows)
    distinct = rows.ravel()[first].tolist()  # the few distinct objects, not every entry
    numbers = rational.fast_values(distinct) if rational.all_rational(distinct) else None
    scale = rational.fast_values(weights.tolist())
    if numbers is None or scale is None:
        return None
    width = 1 if rows.ndim == 1 else rows.shape[1]
    live = np.fromiter((v != 0 for v in numbers), dtype=bool, count=len(numbers))
    entries = np.flatnonzero(live[where])
    acc = [rational.exact_type()(0)] * width
    for row, column, k in zip((entries // width).tolist(), (entries % width).tolist(),
                              where[entries].tolist(), strict=True):
        acc[column] = acc[column] + scale[row] * numbers[k]
    if rows.ndim == 1:
        return rational.to_fraction(acc[0])
    return rational.object_array(rational.fraction_tuple(acc))


def _all_fractions(values: np.ndarray) -> bool:
    """Whether every entry is a Fraction or of the fast exact type (not a plain int)."""
    return rational.all_fractions(values.tolist())


def nonzero(values: np.ndarray) -> np.ndarray:
    """``values != 0`` as a boolean array; an object array compares each distinct number object
    once (a realization vector of a pure profile holds a million entries and two objects)."""
    if values.dtype != object:
        return np.asarray(values != 0, dtype=bool)
    first, where = distinct_objects(values)
    if len(first) * 2 > values.size:  # mostly distinct: compare them all
        return np.asarray(values != 0, dtype=bool)
    flat = values.reshape(-1)
    kept = np.fromiter((flat[i] != 0 for i in first.tolist()), dtype=bool, count=len(first))
    return kept[where].reshape(values.shape)


def _objects(values: np.ndarray) -> tuple[np.ndarray, dict[int, Any]]:
    """The identity of every entry of an object array, and each distinct object by identity
    (the entries stay referenced by ``values``, so identities are not reused meanwhile)."""
    items = values.ravel().tolist()
    ids = object_ids(values)
    return ids, dict(zip(ids.tolist(), items, strict=True))


def reached_terminals(tree: GameTree, reach: np.ndarray, start: int = 0,
                      stop: int | None = None) -> np.ndarray:
    """Terminals with pre-order index in ``[start, stop)`` reached with non-zero probability."""
    end = tree.num_nodes if stop is None else stop
    terminals = tree.terminals
    inside = terminals[(terminals >= start) & (terminals < end)]
    return inside[nonzero(reach[inside])]


def terminal_probabilities(tree: GameTree, reach: np.ndarray) -> dict[int, Any]:
    """Probability of every terminal node reached with non-zero probability."""
    return {int(t): reach[t] for t in reached_terminals(tree, reach)}


def tag_probabilities(tree: GameTree, reach: np.ndarray, start: int = 0,
                      stop: int | None = None) -> dict[str, Any]:
    """Probability of every tag of ``tree``: ``sum_t reach[t]`` over the reached terminals ``t``
    (pre-order index in ``[start, stop)``, e.g. one subtree) whose path carries the tag.

    Sums run in pre-order from the integer 0 (a tag never met has probability ``0``), so exact,
    float and symbolic reach probabilities keep their number type. Exact reach probabilities are
    first summed per distinct path mask (one pass), then per tag over the masks carrying it.
    """
    if not tree.tag_names:
        return {}
    terminals = reached_terminals(tree, reach, start, stop)
    values, masks = reach[terminals], tree.path_tags[terminals]
    if _all_fractions(values):
        fast = rational.fast_values(values.tolist())
        assert fast is not None
        by_mask: dict[int, Any] = {}
        for value, mask in zip(fast, masks.tolist(), strict=True):
            by_mask[mask] = by_mask[mask] + value if mask in by_mask else value
        out: dict[str, Any] = {}
        for k, tag in enumerate(tree.tag_names):
            parts = [total for mask, total in by_mask.items() if mask & (1 << k)]
            out[tag] = rational.to_fraction(sum(parts, 0)) if parts else 0
        return out
    return {tag: sum(values[np.asarray(masks & (1 << k) != 0, dtype=bool)].tolist(), 0)
            for k, tag in enumerate(tree.tag_names)}


def behaviour_payoffs(tree: GameTree, behaviour: Profile) -> np.ndarray:
    """Expected payoff of every player: ``sum_n reach(n) * node_payoffs[n]``."""
    weights = edge_weights(tree, behaviour)
    if tree.exact:
        reach = exact_realization(tree, weights)
        if reach is not None:
            return expectation(reach, tree.node_payoffs)
    return realization(tree, weights) @ tree.node_payoffs


def best_response_value(tree: GameTree, behaviour: Profile, player: int) -> Any:
    """Value to ``player`` of a best response against the others' behaviour (perfect recall)."""
    return _best_response_values(tree, behaviour, [player])[0]


def _best_response_values(tree: GameTree, behaviour: Profile, players: Sequence[int]
                          ) -> list[Any]:
    """:func:`best_response_value` of each of ``players`` (the edge weights and, on an exact
    tree, their fast exact form computed once for all of them)."""
    weights = edge_weights(tree, behaviour)
    if tree.is_perfect_information:
        best = _perfect_information_best_responses(tree, weights)
        if best is not None:
            return [best[p] for p in players]
    fast_weights = rational.fast_array(weights) if tree.exact else None
    fast_pay = tree.fast_payoffs if fast_weights is not None else None
    return [_best_response(tree, weights, p, fast_weights, fast_pay) for p in players]


def _best_response(tree: GameTree, weights: np.ndarray, player: int,
                   fast_weights: np.ndarray | None, fast_pay: np.ndarray | None) -> Any:
    """The best response value by backward induction over ``player``'s information sets, deepest
    first: at each, the action with the highest value weighted by the others' reach of its
    nodes (Kuhn 1953: with perfect recall a best response is found set by set). Exact trees
    with rational numbers compute in the fast exact type and return a Fraction."""
    fast = None
    if fast_weights is not None and fast_pay is not None:
        own_ones = weights.copy()
        own_ones[_own_edges(tree, player)] = Fraction(1)
        reach = exact_realization(tree, own_ones)
        if reach is not None:
            fast = reach, fast_weights, fast_pay[:, player]
    if fast is not None:
        others_reach, w, pay = fast[0].tolist(), fast[1].tolist(), fast[2].tolist()
    else:
        others_reach = realization(tree, weights, skip_player=player).tolist()
        w, pay = weights.tolist(), tree.node_payoffs[:, player].tolist()
    n = tree.num_nodes
    values: list[Any] = [None] * n
    done = [False] * n
    choice: dict[int, int] = {}
    ptr, kids = tree.child_ptr.tolist(), tree.child_index.tolist()
    kinds, sets, end = tree.kind.tolist(), tree.node_infoset.tolist(), tree.subtree_end.tolist()
    owner = [s.player for s in tree.infosets]

    def evaluate(root: int) -> Any:
        if done[root]:
            return values[root]
        for node in range(end[root] - 1, root - 1, -1):
            if done[node]:
                continue
            kind = kinds[node]
            if kind == TERMINAL:
                values[node] = pay[node]
            elif kind == CHANCE or owner[sets[node]] != player:
                acc: Any = 0  # summed as sum() sums: from 0, edge by edge
                for e in range(ptr[node], ptr[node + 1]):
                    acc = acc + w[e] * values[kids[e]]
                values[node] = pay[node] + acc
            else:
                values[node] = pay[node] + values[kids[ptr[node] + choice[sets[node]]]]
            done[node] = True
        return values[root]

    own = tree.player_infosets(player)
    own.sort(key=lambda k: -min(int(tree.depth[n]) for n in tree.infosets[k].nodes))
    for k in own:
        infoset = tree.infosets[k]
        scores = []
        for a in range(len(infoset.actions)):
            scores.append(sum(others_reach[h] * evaluate(kids[ptr[h] + a])
                              for h in infoset.nodes))
        choice[k] = int(np.argmax(np.asarray(scores, dtype=float))) if not tree.exact else \
            max(range(len(scores)), key=lambda a: scores[a])
    return rational.to_fraction(evaluate(0)) if fast is not None else evaluate(0)


def _perfect_information_best_responses(tree: GameTree, weights: np.ndarray) -> list[Any] | None:
    """:func:`best_response_value` of every player on a perfect-information tree, in one pass
    level by level from the leaves over a nodes x players array: for player ``p``,
    ``v_p(n) = u_p(n) + max_c v_p(c)`` at ``p``'s nodes and ``u_p(n) + sum_c w(n, c) v_p(c)`` at
    the others' and chance nodes (every information set is one node, so the best response is
    this backward induction). Exact trees compute in the fast exact type and return Fractions;
    ``None`` when an exact tree holds a number that is not rational (the general path)."""
    ints = tree.integer_payoffs  # None unless exact with bounded integer payoffs
    integral = _pure_weights(weights) if ints is not None else None
    if ints is not None and integral is not None:
        # integer payoffs and 0/1 weights: every value is a sum of payoffs along one play,
        # exact in int64 (the bound is checked by ``integer_payoffs``)
        values, w = ints.copy(), integral
    elif tree.exact:
        fast, fast_weights = tree.fast_payoffs, rational.fast_array(weights)
        if fast is None or fast_weights is None:
            return None
        values, w = fast.copy(), fast_weights  # the tree's array stays as it is
    else:
        values, w = tree.node_payoffs.astype(float), weights.astype(float)
    kids = tree.child_index
    mover = np.full(tree.num_nodes, -1, dtype=np.int64)
    decision = np.flatnonzero(tree.kind == DECISION)
    owners = np.array([s.player for s in tree.infosets], dtype=np.int64)
    mover[decision] = owners[tree.node_infoset[decision]]
    players = np.arange(tree.num_players)
    for inner, starts, edges in tree.inner_levels:  # deepest first, each node's edges grouped
        below = values[kids[edges]]  # edges x players
        mean = np.add.reduceat(w[edges][:, None] * below, starts, axis=0)
        own = mover[inner][:, None] == players[None, :]
        if own.any():
            mean = np.where(own, np.maximum.reduceat(below, starts, axis=0), mean)
        values[inner] = values[inner] + mean
    root = values[0].tolist()
    if ints is not None and integral is not None:
        return [Fraction(v) for v in root]
    return [rational.to_fraction(v) for v in root] if tree.exact else [float(v) for v in root]


def _pure_weights(weights: np.ndarray) -> np.ndarray | None:
    """Exact edge weights as ``int64`` when every one is 0 or 1 (a pure profile, no proper
    chance move; each distinct number object read once), else ``None``."""
    if weights.dtype != object:
        return None
    ids, distinct = _objects(weights)
    if any(isinstance(v, float) or not (v == 0 or v == 1) for v in distinct.values()):
        return None
    ones = np.array([key for key, v in distinct.items() if v == 1], dtype=np.uint64)
    return np.isin(ids, ones).astype(np.int64)


def behaviour_regrets(tree: GameTree, behaviour: Profile) -> np.ndarray:
    """Regret of every player under a behaviour profile."""
    current = behaviour_payoffs(tree, behaviour)
    if tree.is_perfect_information:  # every player's best response in one pass
        best = _perfect_information_best_responses(tree, edge_weights(tree, behaviour))
        if best is not None:
            return np.array([b - c for b, c in zip(best, current, strict=True)],
                            dtype=object if tree.exact else float)
    best = _best_response_values(tree, behaviour, range(tree.num_players))
    regrets = [b - c for b, c in zip(best, current, strict=True)]
    return np.array(regrets, dtype=object if tree.exact else float)
