"""Every subgame-perfect outcome of a merged perfect-information tree, exactly, at one point.

At a tie a mover may pick any best action, and different picks are different subgame-perfect
equilibria (SPE) that can differ in everyone else's payoffs, in the tag probabilities and in
the cost. For verdicts built on them only an equilibrium's *outcome* matters: the vector ``x(u)``
of expected payoffs, the expected cost and the probability of each tag channel in the play from
``u``.
The set ``X(u)`` of outcomes of the SPE of the subgame at ``u`` follows bottom-up (Selten 1965;
the recursion of :mod:`~alliance_games.solvers.tree.grid_induction`, set-valued):

* terminal: ``{own(u)}``;
* chance: ``{own(u) + sum_i p_i x_i : x_i in X(child_i)}``;
* decision by ``m``: for every selection ``(x_1, ..., x_d)`` of the children's outcomes, every
  ``i`` with ``x_i[m] = max_j x_j[m]`` gives ``own(u) + x_i``; so ``x`` in ``X(child_i)`` is an
  outcome exactly when ``x[m] >= max_{j != i} min_{y in X(child_j)} y[m]`` (pick the others'
  worst for ``m``), which needs no enumeration of selections;

with tag channels set to one at a node carrying the tag. Equilibria with equal outcomes are
merged, so an exact tie repeated in a thousand identical subtrees costs no more than one. The sets
are capped at ``cap`` outcomes per node: beyond, a subset of genuine outcomes is kept and the node
(and its ancestors) marked incomplete. Arithmetic is exact (Fractions), so ties are ties.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from alliance_games.games.tree import CHANCE, DECISION
from alliance_games.solvers.tree.merged_tree import MergedTree

Outcome = tuple[Fraction, ...]


@dataclass(frozen=True)
class PolicyOutcomes:
    """Per policy, the distinct SPE outcomes ``(payoffs..., cost, tags...)``; the root's picks."""

    policies: tuple[tuple[Outcome, ...], ...]
    chosen: tuple[int, ...]  # policy indices the root player picks in some SPE
    complete: tuple[bool, ...]  # per policy: every outcome found (else a subset of them)
    choices_complete: bool
    players: int
    tags: np.ndarray  # tag channels used, as indices into the merged tree's tags


def spe_outcomes(dag: MergedTree, numbers: np.ndarray, cap: int = 2_000) -> PolicyOutcomes:
    """The outcome sets at every policy's root; ``numbers``: exact distinct expressions."""
    used = np.flatnonzero(dag.tagged.any(axis=0))
    nplayers = dag.payoff_ids.shape[1]
    zero = Fraction(0)
    sets: list[list[Outcome]] = [[] for _ in range(dag.size)]
    whole = np.ones(dag.size, dtype=bool)  # the node's set holds every outcome
    for u in range(dag.size):  # children have smaller ids (numbered by height)
        own = [numbers[i] for i in dag.payoff_ids[u]]
        own.append(numbers[dag.cost_ids[u]] if dag.cost_ids is not None else zero)
        own.extend([zero] * used.size)
        tagged = [nplayers + 1 + j for j, t in enumerate(used) if dag.tagged[u, t]]
        lo, hi = int(dag.child_ptr[u]), int(dag.child_ptr[u + 1])
        kids = [sets[int(c)] for c in dag.child[lo:hi]]
        complete = bool(whole[dag.child[lo:hi]].all())
        found: dict[Outcome, None] = {}
        if hi == lo:
            found[_with_tags(own, tagged)] = None
        elif dag.kind[u] == DECISION:
            for _, x in _choosable(kids, int(dag.mover[u])):
                found[_with_tags([o + v for o, v in zip(own, x, strict=True)], tagged)] = None
        else:
            assert dag.kind[u] == CHANCE
            probs = [numbers[int(i)] for i in dag.prob_ids[lo:hi]]
            total = 1
            for options in kids:
                total *= len(options)
            if total > cap:
                complete = False
            for combo in itertools.islice(itertools.product(*kids), cap):
                mixed = [o + sum((p * c[j] for p, c in zip(probs, combo, strict=True)), zero)
                         for j, o in enumerate(own)]
                found[_with_tags(mixed, tagged)] = None
        if len(found) > cap:
            complete = False
        sets[u] = list(found)[:cap]
        whole[u] = complete
    root = dag.root
    lo = int(dag.child_ptr[root])
    root_kids = [sets[int(c)] for c in dag.child[lo : int(dag.child_ptr[root + 1])]]
    picks = {int(dag.root_policy[i]): None for i, _ in _choosable(root_kids, int(dag.mover[root]))
             if dag.root_policy[i] >= 0}
    return PolicyOutcomes(tuple(tuple(sets[int(r)]) for r in dag.policy_roots),
                          tuple(picks), tuple(bool(whole[r]) for r in dag.policy_roots),
                          bool(whole[root]), nplayers, used)


def _choosable(kids: list[list[Outcome]], mover: int) -> Iterator[tuple[int, Outcome]]:
    """``(i, x)`` for every outcome ``x`` of child ``i`` the mover picks in some SPE: those with
    ``x[mover] >= max_{j != i} min_{y in X(child_j)} y[mover]`` (the others at their worst)."""
    worst = [min(x[mover] for x in options) for options in kids]
    for i, options in enumerate(kids):
        bar = max((w for j, w in enumerate(worst) if j != i), default=None)
        for x in options:
            if bar is None or x[mover] >= bar:
                yield i, x


def _with_tags(values: list[Fraction], tagged: list[int]) -> Outcome:
    for j in tagged:
        values[j] = Fraction(1)
    return tuple(values)
