"""A game tree with identical subtrees merged into one (a DAG), for solving many points at once.

Payoffs sit on nodes and a subtree's value depends only on what lies below it, so two subtrees
with the same structure, movers, payoff and probability *expressions* and outcome tags have the
same subgame-perfect play and values at every parameter point. When a second stage follows every
outcome of a first one identically, the stage is kept once: the bundled five-policy tree of about
23,000 nodes merges into about 1,000.

Nodes are keyed bottom-up (reverse pre-order, so children come first) by
``(kind, mover, payoff ids, cost id, own tags, ((probability id, child key), ...))``, where ids
index the compiled model's distinct expressions and the cost is one measure named by the caller
(summed along the play like a payoff). Each tag the caller names becomes a channel. Merging is
only done for perfect-information trees (an information set spanning subtrees ties them
together).

Unique nodes are numbered by height (leaves first) and, within a height, decision nodes before
chance nodes before terminals, then by number of children: each height is a block
(:attr:`MergedTree.blocks`) of runs of nodes of one kind and degree, whose edges are contiguous,
so a pass over a run is a reshape rather than a segmented reduction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.model.symbolic import SymbolicTree

if TYPE_CHECKING:
    from alliance_games.model.compile import CompiledModel

_KIND_ORDER = {DECISION: 0, CHANCE: 1, TERMINAL: 2}


@dataclass(frozen=True)
class Run:
    """Nodes ``lo:hi`` of one kind, each with ``degree`` children, on edges ``elo:ehi``."""

    kind: int
    degree: int
    lo: int
    hi: int
    elo: int
    ehi: int


@dataclass(frozen=True)
class Block:
    """One height's decision and chance nodes, as runs of equal degree."""

    runs: tuple[Run, ...]
    nodes: tuple[int, int]  # every node of this height


@dataclass(frozen=True)
class MergedTree:
    """Unique subtrees of a perfect-information tree with policies (see the module docstring)."""

    players: tuple[str, ...]
    policies: tuple[str, ...]
    tags: tuple[str, ...]  # the tag of each channel
    kind: np.ndarray  # (U,)
    mover: np.ndarray  # (U,) player index, -1 off decision nodes
    payoff_ids: np.ndarray  # (U, N) distinct-expression ids
    cost_ids: np.ndarray | None  # (U,) distinct ids of the cost measure (None: no cost)
    tagged: np.ndarray  # (U, T) bool: the node itself carries the channel's tag
    child_ptr: np.ndarray  # (U + 1,)
    child: np.ndarray  # (E,)
    edge_parent: np.ndarray  # (E,)
    prob_ids: np.ndarray  # (E,) distinct ids, -1 below decision nodes
    root: int
    policy_roots: np.ndarray  # (K,) unique node of each policy's subtree
    root_policy: np.ndarray  # per root edge: policy index (-1 if the action is no policy)
    blocks: tuple[Block, ...]  # by increasing height, leaves' block first
    source_nodes: int

    @property
    def size(self) -> int:
        return int(self.kind.size)


def merge_tree(compiled: CompiledModel, policies: Sequence[str], *, cost: str | None = None,
               tags: Sequence[str] = ()) -> MergedTree | None:
    """Merge the identical subtrees of ``compiled``'s tree, with the measure ``cost`` (if the
    model declares it) and a channel per tag of ``tags``; ``None`` if it is not mergeable."""
    game = compiled.model.game
    if not isinstance(game, SymbolicTree):
        return None
    tree = game.skeleton
    if not tree.is_perfect_information:
        return None
    n, nplayers = tree.num_nodes, len(tree.players)
    index = compiled.entry_index
    n_pay, n_prob = game.payoff_exprs.size, game.prob_exprs.size
    pay_ids = index[:n_pay].reshape(n, nplayers)
    prob_ids = index[n_pay : n_pay + n_prob]
    cost_ids = None
    if cost is not None and cost in game.measure_exprs:
        offset = n_pay + n_prob + sorted(game.measure_exprs).index(cost) * n
        cost_ids = index[offset : offset + n]
    return merge_ids(tree, pay_ids, prob_ids, cost_ids, policies, tuple(tags))


def merge_ids(tree: GameTree, pay_ids: np.ndarray, prob_ids: np.ndarray,
              cost_ids: np.ndarray | None, policies: Sequence[str], tags: tuple[str, ...]
              ) -> MergedTree | None:
    """Merge ``tree`` given ids of its numbers: ``pay_ids`` ``(n, N)``, ``prob_ids`` per edge,
    ``cost_ids`` per node; equal ids mean equal numbers. ``tags`` become the tag channels."""
    if not tree.is_perfect_information:
        return None
    n = tree.num_nodes
    channel = {tag: j for j, tag in enumerate(tags)}
    owners = np.array([s.player for s in tree.infosets] + [-1], dtype=np.int64)
    mover = owners[tree.node_infoset]

    keys: dict[tuple, int] = {}
    node_key = np.empty(n, dtype=np.int64)
    representative: list[int] = []
    ptr, kinds = tree.child_ptr, tree.kind
    for v in range(n - 1, -1, -1):
        edges = range(int(ptr[v]), int(ptr[v + 1]))
        key = (int(kinds[v]), int(mover[v]), pay_ids[v].tobytes(),
               -1 if cost_ids is None else int(cost_ids[v]), tuple(sorted(tree.node_tags[v])),
               tuple((int(prob_ids[e]) if kinds[v] == CHANCE else -1,
                      int(node_key[tree.child_index[e]])) for e in edges))
        found = keys.get(key)
        if found is None:
            found = keys[key] = len(representative)
            representative.append(v)
        node_key[v] = found
    reps = np.array(representative, dtype=np.int64)
    count = reps.size
    # heights over the DAG (children have smaller provisional ids: they were keyed first)
    height = np.zeros(count, dtype=np.int64)
    for u, v in enumerate(reps):
        kids = node_key[tree.child_index[ptr[v] : ptr[v + 1]]]
        if kids.size:
            height[u] = height[kids].max() + 1
    degrees = ptr[reps + 1] - ptr[reps]
    rank = np.array([_KIND_ORDER[int(k)] for k in kinds[reps]], dtype=np.int64)
    order = np.lexsort(np.stack([degrees, rank, height]))
    new_id = np.empty(count, dtype=np.int64)
    new_id[order] = np.arange(count)
    reps, height = reps[order], height[order]
    u_kind = kinds[reps]
    degree = (ptr[reps + 1] - ptr[reps]).astype(np.int64)
    u_ptr = np.concatenate([[0], np.cumsum(degree)]).astype(np.int64)
    src_edges = np.concatenate([np.arange(ptr[v], ptr[v + 1]) for v in reps]).astype(np.int64)
    child = new_id[node_key[tree.child_index[src_edges]]]
    edge_parent = np.repeat(np.arange(count, dtype=np.int64), degree)
    u_prob = np.where(u_kind[edge_parent] == CHANCE, prob_ids[src_edges], -1)
    tagged = np.zeros((count, len(tags)), dtype=bool)
    for u, v in enumerate(reps):
        for tag in tree.node_tags[v]:
            if tag in channel:
                tagged[u, channel[tag]] = True
    root = int(new_id[node_key[0]])
    root_edges = range(int(ptr[0]), int(ptr[1]))
    actions = tree.actions(0)
    root_policy = np.array([policies.index(a) if a in policies else -1 for a in actions],
                           dtype=np.int64)
    policy_roots = np.array([new_id[node_key[tree.child_index[e]]] for e in root_edges],
                            dtype=np.int64)[[actions.index(p) for p in policies]]
    return MergedTree(
        tuple(tree.players), tuple(policies), tags, u_kind, mover[reps],
        pay_ids[reps], None if cost_ids is None else cost_ids[reps], tagged, u_ptr,
        child, edge_parent, u_prob, root, policy_roots, root_policy,
        _blocks(height, u_kind, u_ptr), n)


def _blocks(height: np.ndarray, kind: np.ndarray, ptr: np.ndarray) -> tuple[Block, ...]:
    blocks = []
    bounds = np.searchsorted(height, np.arange(int(height.max()) + 2))
    degree = np.diff(ptr)
    for h in range(len(bounds) - 1):
        lo, hi = int(bounds[h]), int(bounds[h + 1])
        runs = []
        start = lo
        for v in range(lo + 1, hi + 1):
            if v == hi or kind[v] != kind[start] or degree[v] != degree[start]:
                if kind[start] != TERMINAL:
                    runs.append(Run(int(kind[start]), int(degree[start]), start, v,
                                    int(ptr[start]), int(ptr[v])))
                start = v
        blocks.append(Block(tuple(runs), (lo, hi)))
    return tuple(blocks)
