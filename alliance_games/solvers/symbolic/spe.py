"""Every pure subgame-perfect equilibrium of a small perfect-information tree, in closed form.

Backward induction over symbolic payoffs (Zermelo 1913; Kuhn 1953) that branches on the sign of
each comparison. Nodes are visited in reverse pre-order, so every child is valued before its
parent. A terminal's value is its payoff vector; a chance node's value is its payoff plus
``sum_a p_a V(child_a)``; at a decision node of player ``i`` each action ``a`` opens a branch
whose region gains the conditions ``V_i(child_a) - V_i(child_b) > 0`` for every other action
``b``, and whose value is the node's payoff plus ``V(child_a)``.

A branch is dropped when its conditions are proved infeasible on the free parameters' box
(:func:`~alliance_games.solvers.symbolic.conditions.feasible`: exact for one-parameter and for
linear conditions); a branch whose feasibility cannot be decided is kept and marked "not
verified". A comparison whose sign is already fixed by the branch's conditions (the same
polynomial up to a positive factor, as in repeated subtrees) adds nothing or closes the branch,
without a feasibility check. A difference that is identically 0 (the mover is indifferent for
every parameter value) branches without a condition: both profiles are SPE everywhere.

Each surviving branch is a pure profile that is the SPE on the open region where its
conditions hold strictly; by continuity it remains an SPE on the region's closure, where the
conditions hold weakly (on the boundaries, where some mover is indifferent, the profiles of
all adjacent regions are SPE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from alliance_games.errors import SolverError
from alliance_games.games.profiles import pure_weights, realization, tag_probabilities
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.symbolic.conditions import canonical, feasible, key_and_sign
from alliance_games.solvers.symbolic.result import (
    NOT_VERIFIED,
    VERIFIED,
    Condition,
    Region,
    SymbolicEquilibrium,
    SymbolicSolution,
)
from alliance_games.solvers.symbolic.simplify import simplify
from alliance_games.solvers.symbolic.space import SMALL_TREE, ParameterSpace, substitute
from alliance_games.solvers.symbolic.summary import all_choices, path_choices, reason, tags_by_policy
from alliance_games.solvers.tree.backward_induction import node_movers

MAX_BRANCHES = 3_000


@dataclass
class _Branch:
    values: list[tuple[sympy.Expr, ...] | None]
    choice: np.ndarray
    conds: list[Condition] = field(default_factory=list)
    signs: dict[sympy.Expr, int] = field(default_factory=dict)
    verified: bool = True
    witness: dict[sympy.Symbol, sympy.Expr] | None = None

    def copy(self) -> _Branch:
        return _Branch(list(self.values), self.choice.copy(), list(self.conds), dict(self.signs),
                       self.verified, self.witness)


def symbolic_spe(model: SymbolicModel, space: ParameterSpace, *,
                 policy_tags: Sequence[str] = ()) -> SymbolicSolution:
    """All pure SPE of a small perfect-information tree with the regions where they hold.

    Each equilibrium carries, per policy of ``model``, the probabilities of ``policy_tags``
    within that policy's subgame.
    """
    game = model.game
    if not isinstance(game, SymbolicTree):
        raise SolverError("symbolic backward induction needs a game tree")
    tree = game.skeleton
    if not tree.is_perfect_information:
        raise SolverError(f"model {model.name!r} has information sets with several nodes; "
                          "symbolic solving handles perfect-information trees only")
    if tree.num_nodes > SMALL_TREE:
        raise SolverError(f"model {model.name!r} has {tree.num_nodes} nodes; with several free "
                          f"parameters the symbolic solver takes trees of at most {SMALL_TREE} "
                          "nodes (keep one parameter free with --free NAME)")
    subs = space.substitution(model)
    payoffs = substitute(game.payoff_exprs, subs)
    probs = substitute(game.prob_exprs, subs)
    bounds = {p.symbol: p.range for p in space.free}
    movers = node_movers(tree)
    branches = [_Branch([None] * tree.num_nodes, np.full(tree.num_nodes, -1, dtype=np.int64))]
    pruned = 0
    for node in range(tree.num_nodes - 1, -1, -1):
        kind = tree.kind[node]
        own = tuple(payoffs[node])
        if kind == TERMINAL:
            for b in branches:
                b.values[node] = own
            continue
        kids = [(e, int(tree.child_index[e])) for e in tree.edges(node)]
        if kind == CHANCE:
            for b in branches:
                b.values[node] = tuple(
                    own[i] + sum((probs[e] * b.values[c][i] for e, c in kids),  # type: ignore[index]
                                 sympy.Integer(0)) for i in range(tree.num_players))
            continue
        grown: list[_Branch] = []
        for b in branches:
            children, dropped = _decide(tree, node, int(movers[node]), kids, own, b, bounds)
            grown.extend(children)
            pruned += dropped
        if len(grown) > MAX_BRANCHES:
            raise SolverError(f"more than {MAX_BRANCHES} branches; keep fewer parameters free "
                              "(--free NAME) or fix some with --set")
        branches = grown
    regions = _regions(tree, model, branches, probs, bounds, tuple(policy_tags))
    warnings: tuple[str, ...] = ()
    if any(r.feasibility != VERIFIED for r in regions):
        warnings = ("some regions could not be proved non-empty (non-linear conditions); they "
                    "are kept and marked 'not verified'",)
    return SymbolicSolution("symbolic backward induction", space.names, space.symbols,
                            space.ranges(), dict(space.fixed), tuple(regions), warnings, pruned)


def _decide(tree: GameTree, node: int, mover: int, kids: list[tuple[int, int]],
            own: tuple[sympy.Expr, ...], branch: _Branch, bounds: dict
            ) -> tuple[list[_Branch], int]:
    """The branches of ``branch`` at a decision node: one per action that can be best."""
    out, dropped = [], 0
    for e, c in kids:
        value = branch.values[c]
        assert value is not None
        new: list[tuple[Condition, sympy.Expr, int]] = []
        possible = True
        for f, d in kids:
            if f == e:
                continue
            other = branch.values[d]
            assert other is not None
            gap = value[mover] - other[mover]
            cond = canonical(Condition(gap, True, reason(tree, node, e, f)), bounds)
            if cond is True:
                continue
            if cond is False:
                if sympy.cancel(gap) == 0:
                    continue  # indifferent everywhere: both actions branch without a condition
                possible = False
                break
            assert isinstance(cond, Condition)
            key, sign = key_and_sign(cond.expr)
            known = branch.signs.get(key)
            if known is None:
                known = next((s for _, k, s in new if k == key), None)
            if known is not None:
                if known != sign:
                    possible = False
                    break
                continue
            new.append((cond, key, sign))
        if not possible:
            continue
        child = branch.copy()
        if new:
            child.conds += [cond for cond, _, _ in new]
            status, witness = feasible(child.conds, bounds)
            if status is False:
                dropped += 1
                continue
            child.verified = status is True
            child.witness = witness
            child.signs.update({key: sign for _, key, sign in new})
        child.choice[node] = e
        child.values[node] = tuple(own[i] + value[i] for i in range(tree.num_players))
        out.append(child)
    return out, dropped


def _regions(tree: GameTree, model: SymbolicModel, branches: list[_Branch], probs: np.ndarray,
             bounds: dict, tags: tuple[str, ...]) -> list[Region]:
    grouped: dict[frozenset[tuple[sympy.Expr, bool]], tuple[list[Condition], list[_Branch]]] = {}
    for b in branches:
        conds = simplify(b.conds, bounds)
        if conds is None:
            continue
        key = frozenset((c.expr, c.strict) for c in conds)
        grouped.setdefault(key, (conds, []))[1].append(b)
    regions = []
    for conds, members in grouped.values():
        equilibria = tuple(_summary(tree, model, b, probs, tags) for b in members)
        witness = members[0].witness
        if witness is None and members[0].verified:
            witness = feasible(conds, bounds, witness=True)[1]
        regions.append(Region(
            tuple(conds), equilibria, VERIFIED if members[0].verified else NOT_VERIFIED,
            witness={str(k): v for k, v in witness.items()} if witness else None))
    return regions


def _summary(tree: GameTree, model: SymbolicModel, branch: _Branch, probs: np.ndarray,
             tags: tuple[str, ...]) -> SymbolicEquilibrium:
    choice = branch.choice
    reach = realization(tree, pure_weights(tree, choice, probs))
    root = branch.values[0]
    assert root is not None
    quantities = {f"payoff:{p}": sympy.cancel(root[i]) for i, p in enumerate(tree.players)}
    quantities.update({t: sympy.cancel(v) for t, v in tag_probabilities(tree, reach).items()})
    per_policy = {pol: {k: sympy.cancel(v) for k, v in found.items()}
                  for pol, found in tags_by_policy(tree, choice, probs, model.policies, tags).items()}
    policy = tree.edge_label[int(choice[0])] if tree.kind[0] == DECISION else None
    return SymbolicEquilibrium(
        kind="spe", choices=all_choices(tree, choice), choices_scope="all",
        path=path_choices(tree, choice, reach), policy=policy,
        payoffs={p: quantities[f"payoff:{p}"] for p in tree.players}, quantities=quantities,
        policy_tags=per_policy)
