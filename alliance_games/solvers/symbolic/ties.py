"""Every pure subgame-perfect profile of an exact perfect-information tree at one point.

Where no mover is indifferent, backward induction gives the unique SPE. Where some are (a tie,
at a breakpoint of the free parameter or everywhere), every action that is best for the mover
starts a different SPE, and the choices above may change with it; the profiles are then listed
by the subgame decomposition of :func:`~alliance_games.solvers.tree.subgame_perfect.
subgame_perfect`, which keeps every best child at every tie (the same set ``solve`` reports).
A profile is returned as its *choice array*: the chosen edge at every decision node (-1
elsewhere), the form the symbolic walk interpolates along.

When more than ``cap`` profiles exist, fewer are listed and a note says so: enough that every
distinct outcome (payoffs, tag counts and measures) of every root action's subgame appears in
one of them (:func:`_per_root_action`). Trees of more than
:data:`MAX_NODES` nodes are not enumerated (each listed equilibrium is certified by an exact
regret check over the whole tree): the caller gets ``None`` and keeps what it knows.
"""

from __future__ import annotations

import numpy as np

from alliance_games.games.tree import DECISION, GameTree
from alliance_games.solvers.result import SolverResult
from alliance_games.solvers.tree.backward_induction import induct
from alliance_games.solvers.tree.subgame_perfect import subgame_perfect

CAP = 256
MAX_NODES = 2_000


def pure_profiles(tree: GameTree, cap: int = CAP) -> tuple[list[np.ndarray], str] | None:
    """The choice arrays of every pure SPE of ``tree`` and a note (empty when complete);
    ``None`` when there are ties and the tree has more than :data:`MAX_NODES` nodes."""
    fast = induct(tree)
    if not fast.ties.any():
        return [fast.choice], ""
    if tree.num_nodes > MAX_NODES:
        return None
    result = subgame_perfect(tree, max_equilibria=cap)
    if result.complete:
        return _choices(tree, result), ""
    return _per_root_action(tree, cap)


def _per_root_action(tree: GameTree, cap: int) -> tuple[list[np.ndarray], str]:
    """Too many profiles: every distinct outcome of every root action's subgame, combined.

    The subgame below each root action is solved for one SPE per distinct outcome (payoffs,
    tag counts and measures in each of its subgames); profile ``j`` follows the ``j``-th
    outcome of every subgame (the last one of those with fewer) and a best root action. Every
    distinct outcome of every root action's subgame is thus in some listed SPE (what a policy's
    verdict reads), though not every combination of them is listed.
    """
    if tree.kind[0] != DECISION:
        result = subgame_perfect(tree, max_equilibria=cap, distinct=True)
        return _choices(tree, result), _note(cap, result.complete)
    mover = tree.infosets[int(tree.node_infoset[0])].player
    lists, values, complete = [], [], True
    for child in tree.children(0):
        child = int(child)
        sub = tree.subtree(child)
        result = subgame_perfect(sub, max_equilibria=cap, distinct=True)
        complete = complete and result.complete
        offset = int(tree.child_ptr[child])
        lists.append([np.where(c >= 0, c + offset, -1) for c in _choices(sub, result)])
        values.append([eq.payoffs[mover] for eq in result.equilibria])
    out = []
    for j in range(max(len(found) for found in lists)):
        choice = np.full(tree.num_nodes, -1, dtype=np.int64)
        picked = []
        for child, found, vals in zip(tree.children(0), lists, values, strict=True):
            k = min(j, len(found) - 1)
            lo, hi = int(child), int(tree.subtree_end[int(child)])
            choice[lo:hi] = found[k][: hi - lo]
            picked.append(vals[k])
        own = [tree.node_payoffs[int(c)][mover] for c in tree.children(0)]
        totals = [o + v for o, v in zip(own, picked, strict=True)]
        choice[0] = int(tree.child_ptr[0]) + totals.index(max(totals))
        out.append(choice)
    return out, _note(cap, complete)


def _note(cap: int, complete: bool) -> str:
    if not complete:
        return f"more than {cap} distinct subgame-perfect outcomes here; the first are listed"
    return (f"more than {cap} subgame-perfect profiles here; every distinct outcome of each "
            "root action's subgame is in one of those listed")


def _choices(tree: GameTree, result: SolverResult) -> list[np.ndarray]:
    nodes = np.flatnonzero(tree.kind == DECISION)
    out: dict[tuple[int, ...], np.ndarray] = {}
    for eq in result.equilibria:
        choice = np.full(tree.num_nodes, -1, dtype=np.int64)
        for n in nodes:
            dist = eq.strategies[int(tree.node_infoset[n])]
            best = [k for k, p in enumerate(dist) if p != 0]
            if len(best) != 1:
                raise AssertionError("a perfect-information SPE listed with a mixed choice")
            choice[n] = int(tree.child_ptr[n]) + best[0]
        out.setdefault(tuple(int(c) for c in choice), choice)
    return list(out.values())
