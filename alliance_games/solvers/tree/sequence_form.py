"""The sequence form of a two-player game tree with perfect recall, and Lemke's algorithm on it.

A *sequence* of a player is the empty sequence or an (information set, action) pair: with perfect
recall the player's own moves leading to any node are determined by their last move. A mixed
strategy induces a *realization plan* ``x`` (the probability of playing each sequence when the
others let it), characterised by ``x >= 0``, ``x_empty = 1`` and ``sum_a x_{I a} = x_{sigma(I)}`` at
every information set ``I`` with parent sequence ``sigma(I)``: ``E x = e`` for player 1, ``F y = f``
for player 2. Expected payoffs are bilinear, ``x^T A y`` and ``x^T B y``, where ``A[s, t]`` sums the
payoffs of the nodes whose sequence pair is ``(s, t)`` weighted by chance probabilities. The sizes
are linear in the tree (Romanovskii 1962; Koller, Megiddo & von Stengel 1996, *GEB* 14;
von Stengel 1996, "Efficient computation of behavior strategies", *GEB* 14).

Nash equilibria are the solutions of the mixed LCP (KMvS 1996, section 4)::

    u = E^T p - A y >= 0  _|_  x >= 0,      E x = e,
    v = F^T q - B^T x >= 0 _|_  y >= 0,      F y = f,      p, q free.

:func:`sequence_form_lcp_solve` runs Lemke's algorithm (:mod:`alliance_games.solvers.kernels.lemke`) on it
from the pure profile "first action at every information set": ``x`` is basic on its sequences,
``p`` and ``q`` are basic (and free: they never leave), and the covering vector adds ``z0`` to the
slack of every other sequence, which makes the starting profile a best response for large ``z0``.
Every ray of this system has ``(x, y)`` equal to the starting profile, so the path ends at a
solution. The equilibrium is returned in behaviour strategies ``x_{I a} / x_{sigma(I)}``
(Kuhn 1953); at information sets the player's own plan never reaches (``x_{sigma(I)} = 0``) the
first action is played with probability 1, which changes no payoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.solvers.kernels.lemke import MAX_PIVOTS, lemke
from alliance_games.solvers.kernels.tableau import Tableau
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL

Sparse = dict[tuple[int, int], Any]
EMPTY = (-1, -1)
"""The empty sequence, first in every player's list."""


@dataclass(frozen=True, eq=False)
class SequenceForm:
    """The sequence form of a two-player tree with perfect recall.

    Attributes
    ----------
    tree:
        The game tree.
    sequences:
        Per player, its sequences: :data:`EMPTY` first, then ``(infoset, action index)`` for the
        player's information sets in ``tree.infosets`` order, actions in order.
    infosets:
        Per player, the indices (into ``tree.infosets``) of its information sets; the information
        set ``infosets[i][r]`` is constraint row ``r + 1`` of ``E`` (player 1) or ``F``.
    first_sequence:
        ``first_sequence[k]``: index of the sequence ``(k, 0)`` among its owner's sequences.
    parent_sequence:
        ``parent_sequence[k]``: index of the owner's sequence leading to information set ``k``.
    node_sequences:
        ``(num_nodes, 2)``: each player's sequence leading to every node.
    E, e, F, f:
        Realization-plan constraints ``E x = e`` and ``F y = f`` (integer arrays).
    A, B:
        Sparse payoff matrices ``{(s, t): value}`` over sequence pairs, chance folded in, zeros
        omitted; Fractions when the tree is exact.
    """

    tree: GameTree
    sequences: tuple[tuple[tuple[int, int], ...], ...]
    infosets: tuple[tuple[int, ...], ...]
    first_sequence: np.ndarray
    parent_sequence: np.ndarray
    node_sequences: np.ndarray
    E: np.ndarray
    e: np.ndarray
    F: np.ndarray
    f: np.ndarray
    A: Sparse
    B: Sparse

    @property
    def sizes(self) -> tuple[int, int]:
        return len(self.sequences[0]), len(self.sequences[1])

    def sequence_name(self, player: int, index: int) -> str:
        """``"∅"`` or ``"infoset:action"``."""
        k, a = self.sequences[player][index]
        if k < 0:
            return "∅"
        infoset = self.tree.infosets[k]
        return f"{infoset.name}:{infoset.actions[a]}"

    def dense(self, player: int) -> np.ndarray:
        """Player ``player``'s payoff matrix (``A`` or ``B``) as a dense array."""
        exact = self.tree.exact
        matrix = np.full(self.sizes, Fraction(0) if exact else 0.0,
                         dtype=object if exact else float)
        for (s, t), value in (self.A if player == 0 else self.B).items():
            matrix[s, t] = value
        return matrix

    def payoffs(self, x: Any, y: Any) -> tuple[Any, Any]:
        """``(x^T A y, x^T B y)`` for realization plans ``x`` and ``y``."""
        zero = Fraction(0) if self.tree.exact else 0.0
        first, second = (sum((v * x[s] * y[t] for (s, t), v in m.items()), zero)
                         for m in (self.A, self.B))
        return first, second

    def realization_plan(self, behaviour: Any, player: int) -> np.ndarray:
        """The realization plan of ``player``'s part of a behaviour profile (Kuhn 1953)."""
        exact = self.tree.exact
        plan = np.empty(len(self.sequences[player]), dtype=object if exact else float)
        plan[0] = Fraction(1) if exact else 1.0
        order = sorted(self.infosets[player], key=lambda k: min(self.tree.infosets[k].nodes))
        for k in order:  # an information set after the one holding its parent sequence
            start = int(self.first_sequence[k])
            for a, prob in enumerate(behaviour[k]):
                plan[start + a] = plan[int(self.parent_sequence[k])] * prob
        return plan

    def behaviour(self, plans: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
        """Behaviour strategies ``x_{I a} / x_{sigma(I)}``; the first action where the plan is 0."""
        tree = self.tree
        exact = tree.exact
        out = []
        for k, infoset in enumerate(tree.infosets):
            plan = plans[infoset.player]
            start, size = int(self.first_sequence[k]), len(infoset.actions)
            weight = plan[int(self.parent_sequence[k])]
            if weight > 0:
                dist = np.array([plan[start + a] / weight for a in range(size)],
                                dtype=object if exact else float)
            else:
                dist = np.zeros(size, dtype=object if exact else float)
                dist[:] = Fraction(0) if exact else 0.0
                dist[0] = Fraction(1) if exact else 1.0
            out.append(dist)
        return tuple(out)


def _check(tree: GameTree) -> None:
    if tree.num_players != 2:
        raise SolverError(f"the sequence form needs a two-player game; this tree has "
                          f"{tree.num_players} players")
    problems = tree.check_perfect_recall()
    if problems:
        raise SolverError("the sequence form needs perfect recall: " + "; ".join(problems))


def sequence_form(tree: GameTree) -> SequenceForm:
    """The sequence form of a two-player ``tree`` with perfect recall (see the module docstring).

    Raises
    ------
    SolverError
        When the tree does not have two players or lacks perfect recall.
    """
    _check(tree)
    exact = tree.exact
    one = Fraction(1) if exact else 1.0
    own = tuple(tuple(tree.player_infosets(i)) for i in range(2))
    first = np.zeros(len(tree.infosets), dtype=np.int64)
    sequences: list[list[tuple[int, int]]] = [[EMPTY], [EMPTY]]
    for i in range(2):
        for k in own[i]:
            first[k] = len(sequences[i])
            sequences[i].extend((k, a) for a in range(len(tree.infosets[k].actions)))
    seq = np.zeros((tree.num_nodes, 2), dtype=np.int64)
    chance = [one] * tree.num_nodes
    in_edge, actions = tree.in_edge, tree.edge_action_index
    for node in range(1, tree.num_nodes):  # pre-order: parents first
        par, edge = int(tree.parent[node]), int(in_edge[node])
        seq[node] = seq[par]
        chance[node] = chance[par]
        if tree.kind[par] == DECISION:
            k = int(tree.node_infoset[par])
            seq[node, tree.infosets[k].player] = first[k] + actions[edge]
        elif tree.kind[par] == CHANCE:
            chance[node] = chance[par] * tree.edge_prob[edge]
    parent = np.array([seq[s.nodes[0], s.player] for s in tree.infosets], dtype=np.int64)
    constraints = []
    for i in range(2):
        matrix = np.zeros((1 + len(own[i]), len(sequences[i])), dtype=np.int64)
        matrix[0, 0] = 1
        for r, k in enumerate(own[i], start=1):
            matrix[r, parent[k]] = -1
            matrix[r, first[k] : first[k] + len(tree.infosets[k].actions)] = 1
        rhs = np.zeros(1 + len(own[i]), dtype=np.int64)
        rhs[0] = 1
        constraints.append((matrix, rhs))
    payoffs: tuple[Sparse, Sparse] = ({}, {})
    for n in np.flatnonzero(np.asarray(tree.has_payoff)):
        if chance[n] == 0:
            continue
        key = (int(seq[n, 0]), int(seq[n, 1]))
        for i in range(2):
            value = chance[n] * tree.node_payoffs[n, i]
            payoffs[i][key] = payoffs[i].get(key, 0 * one) + value
    A, B = ({key: v for key, v in m.items() if v != 0} for m in payoffs)
    return SequenceForm(tree, (tuple(sequences[0]), tuple(sequences[1])), own, first, parent, seq,
                        constraints[0][0], constraints[0][1], constraints[1][0], constraints[1][1],
                        A, B)


def sequence_form_lcp_solve(tree: GameTree, *, rational: bool | None = None,
                            tol: float = DEFAULT_TOL, max_pivots: int = MAX_PIVOTS
                            ) -> SolverResult:
    """One Nash equilibrium of a two-player tree with perfect recall (method ``lcp``).

    Parameters
    ----------
    tree:
        A two-player game tree with perfect recall.
    rational:
        Pivot exactly (Fractions, integer tableau) or in floats; by default exactly iff the tree is
        exact.
    tol:
        Float mode only: pivoting tolerance, relative to the payoff range.
    max_pivots:
        Safety bound on the pivots of the Lemke path.

    Returns
    -------
    SolverResult
        One equilibrium as a behaviour profile over every information set (the first action where
        the player's own plan never reaches the set), its payoffs and regret; ``complete=False``.

    Raises
    ------
    SolverError
        When the tree does not have two players or lacks perfect recall.
    """
    _check(tree)
    exact = tree.exact if rational is None else bool(rational)
    game = tree.to_exact() if exact else tree.to_float()
    sf = sequence_form(game)
    plans, pivots = _lemke_plans(sf, exact, tol, max_pivots)
    behaviour = sf.behaviour(plans)
    payoffs = behaviour_payoffs(game, behaviour)
    regret = max(behaviour_regrets(game, behaviour))
    warnings: tuple[str, ...] = ()
    if exact and regret != 0:
        warnings = (f"internal error: the profile found has regret {regret}",)
    eq = Equilibrium(behaviour, payoffs, regret if exact else float(regret), exact)
    return SolverResult(
        method="lcp", game=tree, equilibria=(eq,), exact=exact, complete=False,
        options={"rational": exact}, warnings=warnings,
        diagnostics={"pivots": pivots, "sequences": sf.sizes},
    )


def _scaled(matrix: Sparse, exact: bool) -> Sparse:
    """Integer multiples (exact) or range-normalised floats: same equilibria, simpler pivots."""
    if not matrix:
        return {}
    if exact:
        common = lcm(*(Fraction(v).denominator for v in matrix.values()))
        return {key: int(Fraction(v) * common) for key, v in matrix.items()}
    largest = max(abs(float(v)) for v in matrix.values())
    return {key: float(v) / largest for key, v in matrix.items()}


def _lemke_plans(sf: SequenceForm, exact: bool, tol: float, max_pivots: int
                 ) -> tuple[tuple[np.ndarray, np.ndarray], int]:
    """Realization plans of one equilibrium, and the number of Lemke pivots."""
    (n1, n2), m1, m2 = sf.sizes, sf.E.shape[0], sf.F.shape[0]
    X, Y, P, Q = 0, n1, n1 + n2, n1 + n2 + m1  # column blocks: x, y, p, q, u, v, z0, artificial
    U = Q + m2
    V = U + n1
    Z = V + n2
    ART = Z + 1
    T = np.zeros((n1 + n2 + m1 + m2, ART + m1 + m2 + 1), dtype=object if exact else float)
    T[:] = 0 if exact else 0.0
    starts = [{0, *(int(sf.first_sequence[k]) for k in sf.infosets[i])} for i in range(2)]
    for s in range(n1):  # u = E^T p - A y + d z0
        T[s, U + s] = 1
        T[s, P:Q] = -sf.E[:, s]
        T[s, Z] = 0 if s in starts[0] else -1
    for (s, t), v in _scaled(sf.A, exact).items():
        T[s, Y + t] = v
    for t in range(n2):  # v = F^T q - B^T x + d z0
        T[n1 + t, V + t] = 1
        T[n1 + t, Q:U] = -sf.F[:, t]
        T[n1 + t, Z] = 0 if t in starts[1] else -1
    for (s, t), v in _scaled(sf.B, exact).items():
        T[n1 + t, X + s] = v
    for k in range(m1):  # E x = e, with an artificial slack to start from
        T[P + k, X:Y] = sf.E[k]
        T[P + k, ART + k], T[P + k, -1] = 1, sf.e[k]
    for k in range(m2):
        T[Q + k, Y:P] = sf.F[k]
        T[Q + k, ART + m1 + k], T[Q + k, -1] = 1, sf.f[k]
    tab = Tableau(T, [*range(U, Z), *range(ART, ART + m1 + m2)], exact=exact, tol=tol)
    tab.drive_into_basis([*(X + s for s in sorted(starts[0])), *(Y + t for t in sorted(starts[1])),
                          *range(P, U), *(U + s for s in range(n1) if s not in starts[0]),
                          *(V + t for t in range(n2) if t not in starts[1])])
    tab.keep_columns(ART)
    complement = {X + s: U + s for s in range(n1)} | {Y + t: V + t for t in range(n2)}
    complement |= {b: a for a, b in complement.items()}
    pivots = lemke(tab, z0=Z, complement=complement, free=set(range(P, U)),
                   lex_columns=list(tab.basis), max_pivots=max_pivots)
    zero = Fraction(0) if exact else 0.0
    plans = (np.full(n1, zero, dtype=object if exact else float),
             np.full(n2, zero, dtype=object if exact else float))
    for row, column in enumerate(tab.basis):
        if column < P:
            player, index = (0, column - X) if column < Y else (1, column - Y)
            plans[player][index] = tab.value(row) if exact else max(tab.value(row), 0.0)
    return plans, pivots
