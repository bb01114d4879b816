"""All subgame-perfect equilibria of a game tree, by subgame decomposition (Selten 1965).

Proper subgames are solved bottom-up. At a subgame root whose children are all terminal nodes or
subgame roots, the solutions combine directly: a chance node averages its children's values, a
decision node keeps every child that is best for the mover (so ties yield *all* pure SPE, not one
arbitrary pick). Any other subgame root is solved as a normal-form game: its inner subgames are
replaced by the payoffs of one of their equilibria at a time, the truncated tree is reduced
(:mod:`alliance_games.games.reduce`) and every equilibrium the normal-form solvers certify is mapped
back to behaviour strategies (Kuhn 1953). Perfect-information trees without ties take the
vectorised path of :mod:`alliance_games.solvers.tree.backward_induction`.

With ``tree_solver`` a subgame with information sets is solved by that tree solver instead of
for its Nash equilibria (method ``spbe``,
:mod:`~alliance_games.solvers.tree.perfect_bayesian_subgames`).

The number of equilibria can grow exponentially with the number of ties; enumeration stops at
``max_equilibria`` per subgame, and at fewer in big subgames so that the stored behaviour stays
within ``ASSIGNMENT_BUDGET`` entries (each solution of a subgame records a choice at every
information set inside it); the result is then marked incomplete.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games import rational
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import (
    behaviour_payoffs,
    behaviour_regrets,
    edge_weights,
    nonzero,
    realization,
)
from alliance_games.games.pure_behaviour import DeferredBehaviour, PureBehaviour
from alliance_games.games.reduce import reduced_normal_form
from alliance_games.games.tree import CHANCE, DECISION, TERMINAL, GameTree
from alliance_games.solvers.deadline import DeadlineReached, expired, interruptible, stopped_note
from alliance_games.solvers.normal_form.auto import solve_normal_form
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tolerance import DEFAULT_TOL
from alliance_games.solvers.tree.backward_induction import (
    Induction,
    perfect_information_regret,
    untied_induction,
)
from alliance_games.solvers.tree.placement import EMPTY, Assignment, capped_product, parts_of
from alliance_games.solvers.tree.placement import Solution as _Solution
from alliance_games.solvers.tree.subgame_cache import CACHE, solver_identity
from alliance_games.solvers.tree.subgame_keys import STRUCTURES, TABLES, subtree_key, subtree_rows
from alliance_games.solvers.tree.truncation import template, truncate

MAX_EQUILIBRIA = 1_000
ASSIGNMENT_BUDGET = 2_000_000  # information-set choices held per subgame, over its solutions
_ZERO, _ONE = Fraction(0), Fraction(1)  # the outcome columns' entries (exact, like the payoffs)
NormalFormSolver = Callable[[NormalFormGame], SolverResult]
TreeSolver = Callable[[GameTree], SolverResult]


def subgame_perfect(tree: GameTree, *, nf_solver: NormalFormSolver | None = None,
                    max_equilibria: int = MAX_EQUILIBRIA, tol: float = DEFAULT_TOL,
                    tree_solver: TreeSolver | None = None, method: str = "spe",
                    distinct: bool = False) -> SolverResult:
    """Every subgame-perfect equilibrium the normal-form solvers can certify (method ``spe``);
    with ``tree_solver``, subgames with information sets are solved by it instead.

    ``distinct``: keep, in every subgame, one solution per distinct *outcome signature* (the
    expected payoffs, the expected count of every outcome tag and every measure), so that the
    result holds one equilibrium per distinct outcome of each subgame instead of every
    combination of outcome-equivalent ones (what policy analysis needs; ``complete`` then means
    every distinct outcome is represented).
    """
    if tree.is_perfect_information:
        fast = untied_induction(tree, tol=tol, certify=True)
        if fast is not None:
            return replace(unique_result(tree, fast), method=method)
    TABLES.make_room()
    rows = subtree_rows(tree)
    solver = _Decomposition(_with_outcome_columns(tree) if distinct else tree, nf_solver,
                            max_equilibria, tree_solver, distinct=distinct, rows=rows,
                            context=_context(tree, nf_solver, tree_solver, max_equilibria,
                                             distinct))
    solutions = solver.solve()
    equilibria: list[Equilibrium] = []
    count = len(tree.infosets)
    for index in range(len(solutions)):
        if equilibria and expired():  # payoffs and regrets of the rest: past the time limit
            solver._stopped()
            break
        sol = solutions[index]
        exact = sol.certified and tree.exact
        if distinct and exact:
            # the root's certified value is the profile's expected payoffs and (the outcome
            # columns) its tags' probabilities and measures: no pass over the tree to redo them,
            # and the behaviour arrays are made only if someone reads them
            payoffs, outcomes = _split_value(tree, sol.value)
            strategies: Sequence[np.ndarray] = DeferredBehaviour(
                partial(_behaviour_arrays, sol.assignment, solver.node_infoset, count, object),
                count)
            # distinct (policy analysis): the construction's regret, 0, is not recomputed (a
            # pass over the whole tree per player); the registry's guard recomputes it for solve()
            equilibria.append(Equilibrium(strategies, payoffs, Fraction(0), exact, outcomes))
            continue
        behaviour = _behaviour_arrays(sol.assignment, solver.node_infoset, count,
                                      object if exact else float)
        game = tree if exact else tree.to_float()
        payoffs = behaviour_payoffs(game, behaviour)
        regret = max(behaviour_regrets(game, behaviour))
        equilibria.append(Equilibrium(tuple(behaviour), payoffs,
                                      regret if exact else float(regret), exact, None))
    return SolverResult(
        method=method,
        game=tree,
        equilibria=tuple(equilibria),
        exact=all(e.exact for e in equilibria) and tree.exact,
        complete=solver.complete,
        options={"max_equilibria": max_equilibria},
        warnings=tuple(dict.fromkeys(solver.notes)),
    )


def _behaviour_arrays(assignment: Assignment, node_infoset: Sequence[int], count: int,
                      dtype: type) -> list[np.ndarray]:
    """The behaviour profile of a root solution's assignment: per information set ``k`` (the
    set of the node its pair names, :meth:`~alliance_games.solvers.tree.placement.Assignment.
    pairs`) the array of its pair's distribution (a later pair for the same set wins), an empty
    array for sets without one.
    The distributions of one width are converted in one array and each set gets its row (a
    tree's thousands of sets make thousands of tiny conversions otherwise)."""
    behaviour: list[np.ndarray] = [np.empty(0)] * count
    groups: dict[int, tuple[list[int], list[Sequence[Any]]]] = {}
    for node, dist in assignment.pairs():
        group = groups.get(len(dist))
        if group is None:
            group = groups[len(dist)] = ([], [])
        group[0].append(node_infoset[node])
        group[1].append(dist)
    for width, (sets, dists) in groups.items():
        block: np.ndarray = np.empty((len(dists), width), dtype=dtype)
        if width:
            block[...] = dists
        for k, row in zip(sets, block, strict=True):
            behaviour[k] = row
    return behaviour


def unique_result(tree: GameTree, fast: Induction) -> SolverResult:
    """The unique SPE of a perfect-information tree whose induction ``fast`` found no tie.

    The profile is a :class:`~alliance_games.games.pure_behaviour.PureBehaviour`: the chosen
    action of every information set in one array, each set's distribution made when asked for.
    Exact trees: every mover's choice is exactly optimal at every node (see
    :func:`~alliance_games.solvers.tree.backward_induction.induct`), so by the one-shot
    deviation principle the profile is subgame perfect and its regret is exactly 0. Float trees:
    the regret is every player's best-response value minus its value, from the pass itself when
    it ran with ``certify`` (one pass for all players), else from a pass along the profile."""
    if fast.found is not None:
        nodes, actions = fast.found.decision_nodes(), fast.found.chosen_actions()
        counts = fast.found.decision_widths()
    else:
        nodes = np.flatnonzero(tree.kind == DECISION)
        actions = fast.choice[nodes] - tree.child_ptr[nodes]
        counts = tree.child_ptr[nodes + 1] - tree.child_ptr[nodes]
    chosen = np.empty(len(tree.infosets), dtype=np.int64)
    widths = np.empty(len(tree.infosets), dtype=np.int64)
    sets = np.take(tree.node_infoset, nodes)
    chosen[sets] = actions
    widths[sets] = counts
    profile = PureBehaviour(chosen, widths, tree.exact)
    regret: Fraction | float
    if tree.exact:
        regret = Fraction(0)
    elif fast.found is not None and fast.found.certified:
        regret = max(float(fast.found.regrets.max(initial=0.0)), 0.0)
    else:
        regret = perfect_information_regret(tree, fast)
    eq = Equilibrium(profile, fast.root, regret, tree.exact)
    return SolverResult("spe", tree, (eq,), tree.exact, True, {"fast_path": True})


class _Decomposition:
    """Bottom-up enumeration over proper subgames."""

    def __init__(self, tree: GameTree, nf_solver: NormalFormSolver | None,
                 max_equilibria: int, tree_solver: TreeSolver | None = None,
                 distinct: bool = False, rows: np.ndarray | None = None,
                 context: Hashable | None = None) -> None:
        """``rows``: :func:`~alliance_games.solvers.tree.subgame_keys.subtree_rows` of the tree
        (given when ``tree`` is a copy with outcome columns: its rows hold tags and measures);
        ``context``: the solve's context for :data:`CACHE` (``None``: no cache)."""
        self.tree = tree
        self.distinct = distinct
        self.nf_solver = nf_solver or solve_normal_form
        self.tree_solver = tree_solver
        self.cap = max_equilibria
        self._complete = True
        self.events = 0  # notes added and losses of completeness (clean subgames add none)
        self.notes: list[str] = []
        facts = STRUCTURES.of(tree)
        if "subgames" not in facts:
            facts["subgames"] = (set(tree.subgame_roots), self._inner_map(tree))
        self.roots, self.inner = facts["subgames"]  # read only
        self.renamed = 0  # solver warnings that may name information sets, players or actions
        if "lists" not in facts:
            facts["lists"] = ([s.nodes[0] for s in tree.infosets], tree.node_infoset.tolist(),
                              {s.name: k for k, s in enumerate(tree.infosets)})
        self.first_node, self.node_infoset, self.names = facts["lists"]  # read only
        self.plans: dict[int, _Plan | None] = facts.setdefault(("plans", tree.exact), {})
        self.rows = subtree_rows(tree) if rows is None else rows
        # per row id (equal ids: equal payoffs, outcome columns and edge probabilities), what
        # the combining reads of a node in the fast exact type: a tree repeats a few hundred
        # rows over tens of thousands of nodes
        self._leaves: dict[int, _Solution] = {}
        self._numbers: dict[int, tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]] = {}
        # solution values as Fractions, by the value's identity (the value held with them)
        self._converted: dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
        self.context = context

    @property
    def complete(self) -> bool:
        return self._complete

    @complete.setter
    def complete(self, value: bool) -> None:
        self.events += not value
        self._complete = self._complete and value

    def solve(self) -> Sequence[_Solution]:
        """Every root's solutions, descendants before ancestors (the order of decreasing node
        index). A subgame that is the same game as one solved before (equal content keys,
        :mod:`~alliance_games.solvers.tree.subgame_keys`) takes that one's solutions as they are
        (they name information sets relative to the subgame's root,
        :mod:`~alliance_games.solvers.tree.placement`), without solving its inner subgames
        again: solving it would give the same list, because every step depends only on the
        subgame's content."""
        tree = self.tree
        if tree.kind[0] == TERMINAL:
            return [self._terminal(0)]
        inner, rows, kept = self.inner, self.rows, self.context
        memo: dict[bytes, tuple[Sequence[_Solution], bool]] = {}
        solutions: dict[int, Sequence[_Solution]] = {}
        stack: list[tuple[int, int, bytes | None, int]] = [(0, -1, None, 0)]
        while stack:
            root, breaks, key, events = stack.pop()
            if breaks < 0:  # first visit: a known game, or its inner subgames first
                key = subtree_key(tree, rows, root) if rows is not None else None
                if key is not None and key in memo:
                    found, clean = memo[key]
                    solutions[root] = self._copied(found)
                    self.events += not clean  # its notes are in already; not clean around it
                    continue
                cached = CACHE.get(kept, key) if key is not None and kept is not None else None
                if cached is not None:
                    solutions[root] = cached
                    memo[key] = (cached, True)  # type: ignore[index]
                    continue
                stack.append((root, self.renamed, key, self.events))
                stack.extend((s, -1, None, 0) for s in inner[root])
                continue
            solutions[root] = self._solve_root(root, inner[root], solutions)
            if key is not None and self.renamed == breaks and stopped_note() not in self.notes:
                clean = self.events == events
                memo[key] = (solutions[root], clean)
                if clean and kept is not None:
                    CACHE.put(kept, key, solutions[root])
        return solutions[0]

    def _solve_root(self, root: int, inner: list[int], solutions: dict[int, Sequence[_Solution]]
                    ) -> list[_Solution]:
        """The solutions at ``root`` from those of its inner subgames (then dropped)."""
        plan = self.plans[root] if root in self.plans else self._plan(root)
        if plan is not None:
            found = self._combine(root, plan, solutions)
        else:
            found = self._normal_form(root, inner, solutions)
        for s in inner:
            solutions.pop(s, None)
        if self.distinct and len(found) > 1:
            found = list({sol.value: sol for sol in reversed(found)}.values())[::-1]
        return found

    def _plan(self, root: int) -> _Plan | None:
        """The :class:`_Plan` of ``root`` when its solutions combine directly (a chance or
        singleton decision root whose children are terminal nodes or subgame roots), else
        ``None`` (kept per structure)."""
        tree = self.tree
        kids = tuple(int(c) for c in tree.children(root))
        plan = None
        if all(tree.kind[c] == TERMINAL or c in self.roots for c in kids) and \
                (tree.kind[root] == CHANCE or tree.is_singleton(root)):
            infoset = int(tree.node_infoset[root])
            one, zero = (Fraction(1), Fraction(0)) if tree.exact else (1.0, 0.0)
            plan = _Plan(kids, tuple(bool(tree.kind[c] == TERMINAL) for c in kids),
                         bool(tree.kind[root] == CHANCE),
                         tree.infosets[infoset].player if infoset >= 0 else -1,
                         int(tree.child_ptr[root]), int(tree.child_ptr[root + 1]),
                         tuple(tuple(one if b == a else zero for b in range(len(kids)))
                               for a in range(len(kids))),
                         tuple(c - root for c in kids))
        self.plans[root] = plan
        return plan

    @staticmethod
    def _copied(found: Sequence[_Solution]) -> Sequence[_Solution]:
        """The solutions of a subgame for a copy of it met later in the solve: the same list
        (solutions name information sets relative to their root)."""
        return found

    # ---- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _inner_map(tree: GameTree) -> dict[int, list[int]]:
        """Per subgame root, the subgame roots strictly inside its subtree with no subgame root
        in between, in pre-order (read only: shared by trees of one structure)."""
        inner: dict[int, list[int]] = {}
        enclosing: list[tuple[int, int]] = []  # (root, end of its subtree), innermost last
        end = tree.subtree_end.tolist()
        for root in tree.subgame_roots:  # pre-order
            while enclosing and enclosing[-1][1] <= root:
                enclosing.pop()
            if enclosing:
                inner[enclosing[-1][0]].append(root)
            inner[root] = []
            enclosing.append((root, end[root]))
        return inner

    def _terminal(self, node: int) -> _Solution:
        if self.rows is None:
            return _Solution(self._exact(self.tree.node_payoffs[node]), EMPTY, True)
        row = int(self.rows[node])
        found = self._leaves.get(row)
        if found is None:
            found = self._leaves[row] = _Solution(self._exact(self.tree.node_payoffs[node]),
                                                  EMPTY, True)
        return found

    def _own_numbers(self, root: int, chance: bool, own: np.ndarray, probs: np.ndarray
                     ) -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]:
        """:meth:`_fast` of a root's own payoffs and (chance roots) its edges' probabilities,
        once per row id."""
        if self.rows is None:
            return self._fast(own), self._fast(probs) if chance else ()
        row = int(self.rows[root])
        found = self._numbers.get(row)
        if found is None:
            found = self._numbers[row] = (self._fast(own), self._fast(probs) if chance else ())
        return found

    def _fractions(self, value: tuple[Any, ...]) -> tuple[Any, ...]:
        """:func:`~alliance_games.games.rational.fraction_tuple` of a solution's value, once
        per value object in a solve (the copies of a subgame share their solutions' values, and
        a signalling root reads every inner value at each combination)."""
        found = self._converted.get(id(value))
        if found is None or found[0] is not value:
            found = self._converted[id(value)] = (value, rational.fraction_tuple(value))
        return found[1]

    def _exact(self, values: Any) -> tuple[Any, ...]:
        """Certified values of an exact tree in the fast exact type (others unchanged)."""
        fast = self._fast(values)
        return tuple(values) if fast is None else fast

    def _fast(self, values: Any) -> tuple[Any, ...] | None:
        """``values`` in the fast exact type (ints kept: values are only added, multiplied and
        compared), or ``None`` (a float tree, a non-rational value)."""
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        fast = rational.fast_values(items, ints=True) if self.tree.exact else None
        return None if fast is None else tuple(fast)

    def _cap(self, root: int) -> int:
        """Solutions kept for the subgame at ``root``: ``max_equilibria``, fewer when big."""
        size = int(self.tree.subtree_end[root]) - root
        return max(1, min(self.cap, ASSIGNMENT_BUDGET // size))

    def _truncated(self, cap: int) -> None:
        self.complete = False
        note = (f"more than {self.cap} equilibrium combinations in a subgame; only the first "
                "ones are reported (raise --max-equilibria)" if cap == self.cap else
                "too many equilibrium combinations to hold in memory in a large subgame; only "
                f"the first {cap} are reported")
        if note not in self.notes:
            self.notes.append(note)

    def _warn(self, result: SolverResult) -> None:
        """Keep a solver's warnings; those that may name the subgame's information sets, players
        or actions (any but the fixed texts of belief thresholds) make it unfit to stand for
        its copies."""
        self.notes.extend(result.warnings)
        self.events += len(result.warnings)
        if result.warnings and result.method != "belief_threshold":
            self.renamed += 1

    def _stopped(self) -> None:
        self.complete = False
        if stopped_note() not in self.notes:
            self.notes.append(stopped_note())

    def _product(self, lists: list[Sequence[_Solution]], cap: int) -> Any:
        total = 1
        for options in lists:
            total *= len(options)
        if total > cap:
            self._truncated(cap)
        return capped_product(lists, cap)

    def _combine(self, root: int, plan: _Plan, solutions: dict[int, Sequence[_Solution]]
                 ) -> list[_Solution]:
        """Values at a chance or singleton decision root whose children are terminal nodes or
        subgame roots (its ``plan``): ``u(root) + sum_c p_c v(c)`` at chance; at a decision,
        every child best for the mover. Certified values of exact trees are summed in the fast
        exact type."""
        tree = self.tree
        own = tree.node_payoffs[root]
        players = range(tree.num_players)
        out: list[_Solution] = []
        cap = self._cap(root)
        chance = plan.chance
        probs = tree.edge_prob[plan.lo:plan.hi]
        fast_own, fast_probs = self._own_numbers(root, chance, own, probs)
        exact = fast_own is not None and fast_probs is not None  # certified values are fast
        fast_own, fast_probs = fast_own or (), fast_probs or ()  # used only when exact
        own_zero = exact and not any(fast_own)
        leaves = [[self._terminal(c)] if terminal else solutions[c]
                  for c, terminal in zip(plan.kids, plan.terminal, strict=True)]
        for combo in self._product(leaves, cap):
            parts = parts_of(plan.shifts, combo)
            certified = all(sol.certified for sol in combo)
            if certified and exact:
                values = [s.value for s in combo]
                if chance:
                    value = _chance_sum(fast_own, fast_probs, values, own_zero)
                    out.append(_Solution(value, Assignment((), parts), certified))
                    continue
            else:
                values = [rational.fraction_tuple(s.value) if tree.exact else s.value
                          for s in combo]
                if chance:
                    value = tuple(own[j] + sum(p * v[j] for p, v in zip(probs, values,
                                                                        strict=True))
                                  for j in players)
                    out.append(_Solution(value, Assignment((), parts), certified))
                    continue
            mover = plan.mover
            best = max(v[mover] for v in values)
            for a, v in enumerate(values):
                if v[mover] == best or (not tree.exact and v[mover] >= best - DEFAULT_TOL):
                    dist = plan.pure[a]
                    if certified and exact:
                        value = v if own_zero else tuple(
                            o + x for o, x in zip(fast_own, v, strict=True))
                    else:
                        value = tuple(own[j] + v[j] for j in players)
                    # the root is its singleton set's first node: offset 0
                    out.append(_Solution(value, Assignment(((0, dist),), parts), certified))
            if len(out) > cap:  # one past the cap proves the list is cut (== cap proves nothing)
                self._truncated(cap)
                break
            if out and expired():
                self._stopped()
                break
        return out[:cap]

    def _normal_form(self, root: int, inner: list[int],
                     solutions: dict[int, Sequence[_Solution]]) -> list[_Solution]:
        facts = STRUCTURES.of(self.tree)
        if ("truncated", root) not in facts:
            facts[("truncated", root)] = template(self.tree, root, inner)
        found = facts[("truncated", root)]
        truncated, leaf_of = truncate(self.tree, found), found.leaf_of
        names = self.names
        out: list[_Solution] = []
        cap = self._cap(root)
        leaves = [leaf_of[s] for s in inner]
        shifts = [s - root for s in inner]
        for combo in self._product([solutions[s] for s in inner], cap):
            payoffs = truncated.node_payoffs.copy()
            certified = all(sol.certified for sol in combo)
            if leaves:  # each inner root's leaf gets its solution's value (as Fractions)
                block = np.empty((len(leaves), payoffs.shape[1]), dtype=object)
                block[...] = [self._fractions(sol.value) for sol in combo]
                payoffs[leaves] = block
            game = truncated._replace(node_payoffs=payoffs)
            if self.tree_solver is not None:
                out.extend(self._by_tree_solver(game, names, combo, root, shifts))
                if len(out) > cap:
                    self._truncated(cap)
                    return out[:cap]
                if out and expired():
                    self._stopped()
                    return out
                continue
            if not certified and game.exact:
                game = game.to_float()
            try:
                with interruptible():  # reducing a big subgame can take long
                    reduced = reduced_normal_form(game)
            except DeadlineReached:
                self._stopped()
                return out
            result = self.nf_solver(reduced.game)
            if not result.complete:
                self.complete = False
            self._warn(result)
            inherited = parts_of(shifts, combo)
            for eq in result.equilibria:
                if out and expired():
                    self._stopped()
                    return out
                behaviour = complete_behaviour(game, reduced.behaviour(eq.strategies))
                own = self._own_pairs(game, names, behaviour, root)
                exact = certified and eq.exact
                value = self._exact(eq.payoffs) if exact else tuple(eq.payoffs)
                out.append(_Solution(value, Assignment(own, inherited), exact))
                if len(out) > cap:  # one past the cap proves the list is cut
                    self._truncated(cap)
                    return out[:cap]
            if out and expired():
                self._stopped()
                return out
        return out


    def _by_tree_solver(self, game: GameTree, names: dict[str, int], combo: Any, root: int,
                        shifts: Sequence[int]) -> list[_Solution]:
        """The truncated subgame ``game`` (at ``root``) solved by the tree solver; its equilibria
        as solutions. A refusal names the subgame (its action path from the tree's root)."""
        assert self.tree_solver is not None
        try:
            result = self.tree_solver(game)
        except SolverError as error:
            raise SolverError(f"{error} (in the subgame at {self.tree.node_name(root)}, "
                              f"{self.tree.subtree_end[root] - root:,} nodes)") from error
        if not result.complete:
            self.complete = False
        if result.convex_sets:
            self.complete = False
            note = ("a subgame has a continuum of equilibria: only the extreme points of its cells "
                    "are combined with the rest of the game")
            if note not in self.notes:
                self.notes.append(note)
        self._warn(result)
        inherited = parts_of(shifts, combo)
        certified = all(sol.certified for sol in combo)
        out = []
        for eq in result.equilibria:
            own = self._own_pairs(game, names, eq.strategies, root)
            exact = certified and eq.exact
            out.append(_Solution(self._exact(eq.payoffs) if exact else tuple(eq.payoffs),
                                 Assignment(own, inherited), exact))
        return out

    def _own_pairs(self, game: GameTree, names: dict[str, int], behaviour: Sequence[Any],
                   root: int) -> tuple[tuple[int, tuple[Any, ...]], ...]:
        """The choices of a truncated subgame's equilibrium at its own information sets, each
        named by the offset of its first node (in the decomposed tree) from ``root``."""
        first = self.first_node
        return tuple((first[names[game.infosets[k].name]] - root, tuple(dist))
                     for k, dist in enumerate(behaviour))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What combining at a subgame root reads of the structure (:meth:`_Decomposition._plan`):
    its children and which are terminal, whether it is a chance node, its mover (decision roots;
    the root is its singleton set's first node), its edges ``lo:hi``, per action the pure
    distribution on it, and its children's offsets from it."""

    kids: tuple[int, ...]
    terminal: tuple[bool, ...]
    chance: bool
    mover: int
    lo: int
    hi: int
    pure: tuple[tuple[Any, ...], ...]
    shifts: tuple[int, ...]
    """Per child, its offset from the root (where its solutions' choices are placed)."""


def _context(tree: GameTree, nf_solver: NormalFormSolver | None, tree_solver: TreeSolver | None,
             max_equilibria: int, distinct: bool) -> Hashable | None:
    """What, besides a subgame's content key, its solutions depend on
    (:mod:`~alliance_games.solvers.tree.subgame_cache`); ``None`` when a solver is not
    comparable."""
    solvers = solver_identity(nf_solver), solver_identity(tree_solver)
    if None in solvers:
        return None
    return (*solvers, max_equilibria, distinct, tree.players, tree.tag_names,
            tuple(tree.measures))


def _chance_sum(own: tuple[Any, ...], probs: tuple[Any, ...], values: list[tuple[Any, ...]],
                own_zero: bool) -> tuple[Any, ...]:
    """``own + sum_c probs[c] values[c]``, column by column (exact numbers: any order)."""
    acc = rational.combination(probs, values)
    return tuple(acc) if own_zero else tuple(o + a for o, a in zip(own, acc, strict=True))


def _split_value(tree: GameTree, value: Sequence[Any]) -> tuple[np.ndarray, dict[str, Fraction]]:
    """A root value of the tree with outcome columns (:func:`_with_outcome_columns`) split into
    the players' expected payoffs and, by name, each tag's probability and each measure's
    expected value, as Fractions."""
    numbers = [v if isinstance(v, Fraction) else Fraction(v) for v in rational.fraction_tuple(value)]
    n = tree.num_players
    names = (*tree.tag_names, *tree.measures)
    payoffs = np.empty(n, dtype=object)
    payoffs[:] = numbers[:n]
    return payoffs, dict(zip(names, numbers[n:], strict=True))


def _with_outcome_columns(tree: GameTree) -> GameTree:
    """``tree`` with one extra payoff column (a player who never moves) per outcome tag (1 where
    it first occurs on a play: :func:`_tag_columns`) and per measure, so that subgame values
    carry the outcome signature: the players' payoffs, each tag's probability and each measure's
    expectation."""
    tags = tree.tag_names
    n, width = tree.num_players, len(tags) + len(tree.measures)
    facts = STRUCTURES.of(tree)
    if "tag columns" not in facts:
        block = _tag_columns(tree)
        facts["tag columns"] = block, np.array([bool(t) for t in tree.first_tags], dtype=bool)
    block, carries = facts["tag columns"]
    held: list[Any] | None = None  # exact trees: [the array, the last tree made from it]
    if tree.exact:  # the players' columns, then the tags' (kept per structure), then measures'
        # one array per structure, refilled in place (the players' and measures' columns; the
        # tags' never change) once the tree made from it last is gone: a copy of tens of
        # thousands of rows otherwise; while that tree lives, a fresh copy
        if ("outcome columns", n, width) not in facts:
            full = np.full((tree.num_nodes, n + width), _ZERO, dtype=object)
            full[:, n:n + len(tags)] = block
            facts[("outcome columns", n, width)] = [full, None]
        held = facts[("outcome columns", n, width)]
        last: Callable[[], GameTree | None] | None = held[1]
        payoffs = held[0] if last is None or last() is None else held[0].copy()
        payoffs[:, :n] = tree.node_payoffs
        extra = payoffs[:, n:]
    else:
        extra = np.full((tree.num_nodes, width), _ZERO, dtype=object)
        extra[:, :len(tags)] = block
    for j, values in enumerate(tree.measures.values()):
        extra[:, len(tags) + j] = values
        # a node with only a tag or a measure now has a payoff too (truncation keeps only those)
        carries = carries | nonzero(np.asarray(values))
    if not tree.exact:
        payoffs = np.concatenate([tree.node_payoffs, extra.astype(float)], axis=1)
    names = tuple(f"#{k}" for k in range(width))
    out = tree._replace(players=tree.players + names, node_payoffs=payoffs,
                        has_payoff=tree.has_payoff | carries)
    if held is not None and payoffs is held[0]:
        held[1] = weakref.ref(out)
    return out


def _tag_columns(tree: GameTree) -> np.ndarray:
    """Per node, 1 in the column of each outcome tag (of ``tree.tag_names``) that first occurs
    there on its play (``tree.first_tags``), else 0: a subgame's value in a column is then the
    probability that its play meets the tag (and no node above it did)."""
    tags = tree.tag_names
    column = {name: k for k, name in enumerate(tags)}
    block = np.full((tree.num_nodes, len(tags)), _ZERO, dtype=object)
    groups: dict[tuple[str, ...], list[int]] = {}  # nodes share few distinct tag tuples
    for node, names in enumerate(tree.first_tags):
        if names:
            groups.setdefault(names, []).append(node)
    for names, nodes in groups.items():
        for name in names:
            block[nodes, column[name]] = _ONE
    return block


def complete_behaviour(tree: GameTree, behaviour: list[np.ndarray | None]) -> list[np.ndarray]:
    """Fill information sets the owner's own play never reaches with a locally best pure action.

    Deepest sets first; each picks the action with the highest counterfactual value for its
    owner given the rest of the profile (reach by chance and others; equal weights if unreached).
    """
    exact = tree.exact
    one, zero = (Fraction(1), Fraction(0)) if exact else (1.0, 0.0)
    missing = [k for k, dist in enumerate(behaviour) if dist is None]
    filled: list[Any] = list(behaviour)
    for k in missing:  # provisional: first action, so weights are defined everywhere
        width = len(tree.infosets[k].actions)
        filled[k] = np.array([one] + [zero] * (width - 1), dtype=object if exact else float)
    missing.sort(key=lambda k: -min(int(tree.depth[n]) for n in tree.infosets[k].nodes))
    for k in missing:
        infoset = tree.infosets[k]
        weights = edge_weights(tree, filled)
        reach = realization(tree, weights, skip_player=infoset.player)
        values = continuation_values(tree, weights, infoset.player)
        w = [reach[h] for h in infoset.nodes]
        if all(x == 0 for x in w):
            w = [one] * len(infoset.nodes)
        scores = [sum(wh * values[tree.child_index[tree.child_ptr[h] + a]]
                      for wh, h in zip(w, infoset.nodes, strict=True))
                  for a in range(len(infoset.actions))]
        best = max(range(len(scores)), key=lambda a: (scores[a], -a))
        dist = np.full(len(scores), zero, dtype=object if exact else float)
        dist[best] = one
        filled[k] = dist
    return filled


def continuation_values(tree: GameTree, weights: np.ndarray, player: int) -> np.ndarray:
    """Expected payoff of ``player`` from every node on (its own payoff included), under full
    edge weights (:func:`~alliance_games.games.profiles.edge_weights`)."""
    values = tree.node_payoffs[:, player].copy()
    for level in reversed(tree.levels[:-1]):
        inner = level[tree.kind[level] != TERMINAL]
        for node in inner:
            lo, hi = tree.child_ptr[node], tree.child_ptr[node + 1]
            values[node] += sum(weights[lo:hi] * values[tree.child_index[lo:hi]])
    return values


def exact_continuation_values(tree: GameTree, weights: np.ndarray, player: int
                              ) -> np.ndarray | None:
    """:func:`continuation_values` in the fast exact type of :mod:`alliance_games.games.rational`
    (level by level, every node of a level at once), or ``None`` when a weight or payoff is not
    rational."""
    table = exact_continuation_table(tree, weights, [player])
    return None if table is None else table[:, 0]


def exact_continuation_table(tree: GameTree, weights: np.ndarray, players: Sequence[int]
                             ) -> np.ndarray | None:
    """:func:`continuation_values` of each of ``players`` at once, one column per player (in
    the fast exact type; the weights converted once), or ``None`` when a weight or payoff is not
    rational."""
    fast_weights = rational.fast_array(weights) if tree.exact else None
    values = rational.fast_array(tree.node_payoffs[:, list(players)]) if tree.exact else None
    if fast_weights is None or values is None:
        return None
    kids = tree.child_index
    for inner, starts, edges in tree.inner_levels:
        sums = np.add.reduceat(fast_weights[edges][:, None] * values[kids[edges]], starts, axis=0)
        values[inner] = values[inner] + sums
    return values

