"""Every weak perfect Bayesian equilibrium of a finite game tree with perfect recall, exactly.

**Class enumerated.** The weak perfect Bayesian equilibria (Mas-Colell, Whinston & Green 1995,
def. 9.C.3; Fudenberg & Tirole 1991, ch. 8): behaviour profiles ``sigma`` for which some belief
system makes ``sigma`` sequentially rational at every information set (no change of the mover's
whole continuation pays, given its belief there and the others' behaviour), beliefs following
Bayes' rule at every set reached with positive probability and free elsewhere. Every such
profile is a Nash equilibrium. Any game with chance moves, several informed players and several
rounds qualifies; multi-stage games with observed actions and types drawn by chance are the main
use (signalling, bluffing, audience costs, reputation).

**Method: agent-form support enumeration.** A *support profile* gives every information set
``I`` the non-empty set ``S_I`` of actions played with positive probability; it fixes the sets
reached, ``R(S)``. With ``v_h(b)`` the mover's continuation value after action ``b`` at node ``h``
and weights ``w_h`` (the conditions of
:meth:`~alliance_games.solvers.tree.assessments.TreeTerms.conditions`), ``sigma`` with support
``S`` is a weak PBE iff at every set, for ``a0`` in ``S_I``: ``sum_h w_h (v_h(a0) - v_h(a)) = 0``
for ``a`` in ``S_I``, and ``sum_h w_h (v_h(a0) - v_h(b, pi)) >= 0`` for every action ``b`` and
every reduced pure plan ``pi`` of the mover after it (``b`` alone when it moves later only at
singletons: one-shot deviations then suffice, by backward induction), where

* (E1) at ``I`` in ``R(S)``: ``w_h = P(h)``, the realization probability (Bayes' rule times
  ``P(I) > 0``); the equalities involve only the behaviour at reached sets;
* (E2) at ``I`` outside ``R(S)``: ``w = mu``, some belief in the simplex over ``I``.

The reached sets' supports are enumerated top down, a partial profile being dropped as soon as a
condition whose gains are already constants fails by sign; (E1)'s equalities are solved exactly.
At each isolated solution the unreached sets split into independent groups (sets whose
conditions share no variable); a group is solved from the bottom, a set whose conditions involve
no other set left being solved alone (its behaviour, when one point, is then a constant above
it), the rest jointly; when the reached part is itself a continuum all unreached sets are
enumerated jointly with it. Every such *cell* is solved by
:mod:`~alliance_games.solvers.kernels.affine_cells`: isolated points, or polytopes (in behaviour
and beliefs) given by their vertices. The closure of a cell holds only weak PBE (the set is
closed), so the weak PBE behaviour set is exactly the union, over the cells, of the convex hulls
of their behaviour vertices.

**Output.** ``equilibria``: every isolated weak PBE and every vertex of a cell (the *extreme
equilibria*), then the extreme points of the sequential equilibria inside each cell that are not
among them (``"extreme": False``), grouped into connected *components* (cells meet when a vertex
of one lies in the closure of the other). ``convex_sets``: the cells of positive dimension (each
the convex hull of the listed equilibria; those inside another are dropped).
``diagnostics["pbe"]``, one entry per equilibrium: ``component``, ``extreme``, ``beliefs`` (Bayes,
sets on the path), ``off_path_beliefs`` (the admissible region: per node ``[low, high]``, plus
``vertices`` for three or more nodes) and ``refinements`` (``{"sequential": bool | None}``: some
consistent belief system supports this profile; None when undecided);
``diagnostics["components"]`` (``equilibria``, ``cells``, ``isolated``). Inside a cell beliefs vary
with the behaviour: the regions given are those at the listed profiles.

**Completeness.** ``complete=True`` means: every weak PBE is listed or lies in the convex hull of
the listed vertices of one cell, and every listed profile is one (its regret is also checked to
be exactly 0). It is False, with a warning saying why, when a cell could not be resolved (a
curved solution set, conditions not affine on a flat one, an irrational solution with unreached
sets, too many candidate vertices), after ``max_cells`` cells, or at the time limit
(:mod:`alliance_games.solvers.deadline`). ``diagnostics["sequential_complete"]`` says the same of
the sequential equilibria listed: every one lies in the convex hull of the sequential points of
one cell (:func:`_sequential`). Irrational equilibria with every set reached are reported in
floats (``exact=False``), and so is the whole result for a float tree (``--float``: solved on
its exact decimal reading, :mod:`~alliance_games.solvers.tree.perfect_bayesian_floats`).
Work: the support profiles of the reached sets are counted before solving and the game is
refused beyond ``max_cells``; the cells of the unreached sets are counted as they are solved.
Crisis, signalling and reputation models with a few dozen information sets of two or three
actions take well under a second to a few seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.profiles import behaviour_payoffs, behaviour_regrets
from alliance_games.games.tree import TERMINAL, GameTree
from alliance_games.solvers.deadline import expired, stopped_note
from alliance_games.solvers.kernels.affine_cells import Cell, Polytope, SparsePoly, solve_cell
from alliance_games.solvers.result import Equilibrium, SolverResult
from alliance_games.solvers.tree.assessments import (
    Binomial,
    MPoly,
    TreeTerms,
    assessment_beliefs,
    belief_patterns,
    binomial_poly,
    consistency_binomials,
    off_path_sets,
    ranking_exists,
    sequential_beliefs_exist,
    specialize,
    sum_is_one,
)
from alliance_games.solvers.tree.perfect_bayesian_floats import as_float_result

MAX_CELLS = 20_000
"""Default limit on the number of cells (support profiles) solved."""

Supports = dict[int, tuple[int, ...]]
Factor = tuple[Polytope, tuple[int, ...]]  # a polytope and the variable id of each coordinate
Partial = tuple[dict[int, Fraction], tuple[Factor, ...]]  # values fixed, factors


@dataclass(frozen=True)
class _Piece:
    """The closure of one cell: fixed variable values times polytopes in the others."""

    fixed: dict[int, Fraction]
    factors: tuple[Factor, ...]

    def vertices(self, num_vars: int) -> Iterator[tuple[Fraction, ...]]:
        for combo in itertools.product(*(p.vertices for p, _ in self.factors)):
            vals = [Fraction(0)] * num_vars
            for v, x in self.fixed.items():
                vals[v] = x
            for vertex, (_, ids) in zip(combo, self.factors, strict=True):
                for v, x in zip(ids, vertex, strict=True):
                    if v < num_vars:
                        vals[v] = x
            yield tuple(vals)

    def contains(self, vals: Sequence[Fraction]) -> bool:
        return all(vals[v] == x for v, x in self.fixed.items()) and all(
            p.contains({c: vals[v] for c, v in enumerate(ids) if v < len(vals)})
            for p, ids in self.factors)


class _Search:
    """The enumeration state: the tree's polynomials, the pieces found, the warnings."""

    def __init__(self, tree: GameTree, max_cells: int) -> None:
        self.tree = tree
        self.terms = TreeTerms(tree)
        self.max_cells = max_cells
        self.cells = 0
        self.pieces: list[_Piece] = []
        self.irrational: list[dict[int, Any]] = []
        self.warnings: list[str] = []
        self.stopped = self.incomplete = False
        self.sequential_note = ""

    def solve(self, supports: Supports, assignment: Mapping[int, Fraction],
              on_path: Sequence[int], off_path: Sequence[int], extra: Sequence[MPoly], *,
              deviations: bool = True, beliefs: Mapping[int, Sequence[int]] | None = None,
              binomials: Sequence[Binomial] = ()) -> tuple[Cell, tuple[int, ...]]:
        """Solve the cell of ``supports``: (E1) at ``on_path`` (its inequalities only with
        ``deviations``), (E2) at ``off_path``, the inequalities ``extra`` and the equations
        ``binomials``; at the sets in ``beliefs`` the beliefs are positive exactly on the nodes
        given. Returns the cell and the variable id of each coordinate."""
        self.cells += 1
        terms, beliefs = self.terms, beliefs or {}
        eqs: list[MPoly] = []
        ineqs: list[MPoly] = list(extra)
        ids: list[int] = []
        for k in [*on_path, *off_path]:
            if len(supports[k]) > 1:
                ids += [terms.var(k, a) for a in supports[k]]
                eqs.append(sum_is_one([terms.var(k, a) for a in supports[k]]))
        for k in on_path:
            e, i = terms.conditions(k, supports[k], terms.reach_weights(k))
            eqs += e
            ineqs += i if deviations else []
        loose: list[int] = []
        for k in sorted(off_path, key=lambda k: k not in beliefs):
            weights = terms.belief_weights(k, beliefs.get(k))
            if len(weights) > 1 or k in beliefs:
                (ids if k in beliefs else loose).extend(terms.num_vars + h for h in weights)
                eqs.append(sum_is_one([terms.num_vars + h for h in weights]))
                ineqs += [] if k in beliefs else [{frozenset({terms.num_vars + h}): Fraction(1)}
                                                  for h in weights]
            e, i = terms.conditions(k, supports[k], weights)
            eqs += e
            ineqs += i
        n_pos, ids = len(ids), ids + loose
        index = {v: j for j, v in enumerate(ids)}

        def sparse(poly: MPoly) -> SparsePoly:
            out: dict[tuple[int, ...], Fraction] = {}
            for m, c in specialize(poly, assignment).items():
                exps = tuple(int(v in m) for v in ids)
                out[exps] = out.get(exps, Fraction(0)) + c
            return _saturate(out, n_pos)

        positive = [{tuple(int(j == i) for j in range(len(ids))): Fraction(1)}
                    for i in range(n_pos)]
        cell = solve_cell(len(ids), [sparse(p) for p in eqs]
                          + [binomial_poly(b, index, len(ids)) for b in binomials],
                          positive, [sparse(p) for p in ineqs])
        return cell, tuple(ids)

    def budget_left(self) -> bool:
        if not self.stopped and expired():
            self.stopped = True
        elif not self.stopped and self.cells >= self.max_cells:
            self.warnings.append(f"stopped after max_cells={self.max_cells:,} cells; equilibria "
                                 "may be missing")
            self.stopped = True
        return not self.stopped

    def note(self, cell: Cell, supports: Supports, *, irrational: bool = True) -> None:
        """Warn about what a cell left unresolved."""
        whys = list(cell.unresolved) + (["an irrational solution with unreached information "
                                         "sets"] if irrational and cell.irrational else [])
        for why in whys:
            self.incomplete = True
            self.warnings.append(f"support profile {self.label(supports)}: {why} was not "
                                 "resolved; equilibria there are not listed")

    def label(self, supports: Supports) -> str:
        sets = self.tree.infosets
        return "(" + "; ".join(f"{sets[k].name}: {', '.join(sets[k].actions[a] for a in s)}"
                               for k, s in sorted(supports.items())) + ")"


def _saturate(poly: SparsePoly, n_positive: int) -> SparsePoly:
    """Divide out the variables ``z_j`` (``j < n_positive``, positive in the cell) that divide every
    term: ``P(h) * gain = 0`` (or ``>= 0``) becomes ``gain = 0`` (``>= 0``) when ``P(h) > 0``."""
    if not poly:
        return poly
    common = [min(m[j] for m in poly) if j < n_positive else 0
              for j in range(len(next(iter(poly))))]
    return {tuple(e - c for e, c in zip(m, common, strict=True)): v for m, v in poly.items()}


def _subsets(m: int) -> list[tuple[int, ...]]:
    return [c for size in range(1, m + 1) for c in itertools.combinations(range(m), size)]


def _products(tree: GameTree, sets: Sequence[int]) -> Iterator[Supports]:
    for combo in itertools.product(*(_subsets(len(tree.infosets[k].actions)) for k in sets)):
        yield dict(zip(sets, combo, strict=True))


# ---- the reached sets ----------------------------------------------------------------------
def _reached_profiles(search: _Search) -> Iterator[Supports]:
    """Supports of the reached sets, top down: a set is given a support once one of its nodes is
    reached by the supports above it; the sets never reached are left out. A partial profile
    is dropped as soon as a condition (E1) whose gains are already constants fails by sign."""
    tree = search.tree

    def frontier(supports: Supports) -> list[int]:
        reached = np.zeros(tree.num_nodes, dtype=bool)
        reached[0] = True
        pending = set()
        for node in range(tree.num_nodes):
            if not reached[node] or tree.kind[node] == TERMINAL:
                continue
            k = int(tree.node_infoset[node])
            if k >= 0 and k not in supports:
                pending.add(k)
                continue
            for a, edge in enumerate(tree.edges(node)):
                child = int(tree.child_index[edge])
                reached[child] = a in supports[k] if k >= 0 else tree.edge_prob[edge] != 0
        return sorted(pending)

    def walk(supports: Supports, added: int | None) -> Iterator[Supports]:
        if added is not None and _fails_by_sign(search.terms, supports, added):
            return
        todo = frontier(supports)
        if not todo:
            yield supports
            return
        for s in _subsets(len(tree.infosets[todo[0]].actions)):
            yield from walk({**supports, todo[0]: s}, todo[0])

    yield from walk({}, None)


def _fails_by_sign(terms: TreeTerms, supports: Supports, added: int) -> bool:
    """Whether some set's (E1) condition fails whatever the unassigned probabilities are: its gains
    are constants of one sign, weighted by realization probabilities that are positive at the
    nodes surely reached and non-negative at the others.

    Only the sets whose condition can have changed since ``supports`` without ``added`` passed
    are checked: ``added`` itself and the sets whose gains or realization probabilities hold a
    variable of ``added`` (:meth:`~alliance_games.solvers.tree.assessments.TreeTerms.
    depends_on`); every other set's condition specialises as it did one step up."""
    assignment = terms.support_assignment(supports)
    for k, support in supports.items():
        if k != added and added not in terms.depends_on(k):
            continue
        nodes = []
        for h in terms.tree.infosets[k].nodes:
            reach = specialize({terms.reach[h][0]: terms.reach[h][1]}, assignment)
            if reach:
                nodes.append((h, all(terms.var_infoset[v] in supports for m in reach for v in m)))
        for b in range(len(terms.tree.infosets[k].actions)):
            gains = [(specialize(terms.gain(h, support[0], b), assignment), sure)
                     for h, sure in nodes]
            if b == support[0] or any(set(g) - {frozenset()} for g, _ in gains):
                continue
            signs = [(g.get(frozenset(), Fraction(0)), sure) for g, sure in gains]
            below = all(x <= 0 for x, _ in signs) and any(x < 0 for x, sure in signs if sure)
            above = all(x >= 0 for x, _ in signs) and any(x > 0 for x, sure in signs if sure)
            if below or (above and b in support):
                return True
    return False


def _groups(terms: TreeTerms, supports: Supports, assignment: dict[int, Fraction]
            ) -> tuple[list[tuple[list[int], list[MPoly]]], list[MPoly]]:
    """Independent groups of unreached sets (sets sharing a condition are in one group), the
    (E1) inequalities of each group, and the (E1) inequalities that involve no unreached set."""
    root = {k: k for k in range(len(terms.tree.infosets)) if k not in supports}

    def find(k: int) -> int:
        while root[k] != k:
            k = root[k]
        return k

    def join(sets: set[int]) -> None:
        for k in sorted(sets)[1:]:
            root[find(k)] = find(min(sets))

    for k in list(root):
        join(terms.set_involvement(k, assignment) & set(root))
    deviations = []
    for k in supports:
        for poly in terms.conditions(k, supports[k], terms.reach_weights(k))[1]:
            involved = terms.involved(poly, assignment) & set(root)
            join(involved)
            deviations.append((poly, involved))
    groups: dict[int, tuple[list[int], list[MPoly]]] = {}
    for k in root:
        groups.setdefault(find(k), ([], []))[0].append(k)
    plain = [poly for poly, involved in deviations if not involved]
    for poly, involved in deviations:
        if involved:
            groups[find(min(involved))][1].append(poly)
    return list(groups.values()), plain


def _plan(search: _Search) -> list[Supports]:
    """Every support profile of the reached sets; refuse when there are more than ``max_cells``
    (the cells of unreached sets are counted as they are solved)."""
    cap = search.max_cells + 1  # stop counting at the first profile past the limit
    plan = list(itertools.islice(_reached_profiles(search), cap))
    if len(plan) > search.max_cells:
        count = f"more than {search.max_cells:,}"
        raise SolverError(f"pbe would solve {count} support profiles of the reached information "
                          f"sets (limit max_cells={search.max_cells:,}); the game is too large "
                          "for exact enumeration of its perfect Bayesian equilibria")
    return plan


def _solve_profile(search: _Search, supports: Supports) -> None:
    """The cells of one support profile of the reached sets."""
    assignment = search.terms.support_assignment(supports)
    groups, plain = _groups(search.terms, supports, assignment)
    reached = sorted(supports)
    cell, ids = search.solve(supports, assignment, reached, [], plain, deviations=False)
    if cell.unresolved:
        search.note(cell, supports)
        return
    if any(len(p.vertices) > 1 for p in cell.polytopes):  # a continuum on the path
        unreached = [k for sets, _ in groups for k in sets]
        for fixed, factors in _joint(search, unreached, {}, assignment, [], supports, reached):
            search.pieces.append(_Piece(fixed, factors))
        return
    if groups:
        search.note(cell, supports)
    else:
        search.irrational += [dict(zip(ids, v, strict=True)) | assignment for v in cell.irrational]
    for point in cell.polytopes:
        fixed = assignment | dict(zip(ids, point.vertices[0], strict=True))
        per_group = []
        for sets, deviations in groups:
            per_group.append(list(_peel(search, sets, {}, fixed, deviations, supports)))
            if not per_group[-1] or search.stopped:
                break
        else:
            for choice in itertools.product(*per_group):
                merged = dict(fixed)
                for values, _ in choice:
                    merged |= values
                search.pieces.append(_Piece(merged, tuple(f for _, fs in choice for f in fs)))


def _peel(search: _Search, remaining: list[int], open_: Supports, fixed: dict[int, Fraction],
          deviations: list[MPoly], context: Supports) -> Iterator[Partial]:
    """The cells of a group of unreached sets, solved from the bottom: a set whose conditions
    involve no other set left is solved alone; where its behaviour is one point for a support,
    the sets above see it as a constant. Sets whose behaviour forms a continuum stay open and
    are solved jointly with what remains above them."""
    others = set(remaining) | set(open_)
    pick = next((k for k in remaining
                 if not (search.terms.set_involvement(k, fixed) - {k}) & others), None)
    if pick is None:
        yield from _joint(search, remaining, open_, fixed, deviations, context)
        return
    rest = [k for k in remaining if k != pick]
    for sub in _products(search.tree, [pick]):
        if not search.budget_left():
            return
        own = fixed | search.terms.support_assignment(sub)
        cell, ids = search.solve(sub, own, [], [pick], [])
        search.note(cell, {**context, **sub})
        behaviour = [c for c, v in enumerate(ids) if v < search.terms.num_vars]
        if any(len({v[c] for v in p.vertices}) > 1 for p in cell.polytopes for c in behaviour):
            yield from _peel(search, rest, {**open_, **sub}, own, deviations, context)
            continue
        for p in cell.polytopes:
            point = {ids[c]: p.vertices[0][c] for c in behaviour}
            for values, factors in _peel(search, rest, open_, own | point, deviations, context):
                yield values, (((p, ids),) if ids else ()) + factors


def _joint(search: _Search, remaining: list[int], open_: Supports, fixed: dict[int, Fraction],
           deviations: list[MPoly], context: Supports, on_path: Sequence[int] = ()
           ) -> Iterator[Partial]:
    """Every support of ``remaining`` solved together with the open sets, the deviations and the
    reached sets ``on_path`` (whose behaviour then stays variable)."""
    for sub in _products(search.tree, remaining):
        if not search.budget_left():
            return
        own = fixed | search.terms.support_assignment(sub)
        supports = {**context, **open_, **sub}
        cell, ids = search.solve(supports, own, on_path, [*open_, *remaining], deviations)
        search.note(cell, supports)
        for p in cell.polytopes:
            yield own, (((p, ids),) if ids else ())


# ---- sequential equilibria inside the cells ------------------------------------------------
def _sequential(search: _Search) -> list[tuple[Fraction, ...]]:
    """Extreme points of the sequential equilibria inside every cell holding weak PBE.

    A cell's support profile (the union of its vertices' supports) fixes the actions of
    probability 0; for every choice of belief supports at the unreached sets whose ranking is
    feasible, the cell's conditions are solved with beliefs positive exactly there and the
    consistency binomials, the mixed behaviour probabilities staying variables
    (:mod:`~alliance_games.solvers.tree.assessments`)."""
    terms, tree = search.terms, search.tree
    seen = {frozenset(v for vals in piece.vertices(terms.num_vars)
                      for v in range(terms.num_vars) if vals[v]) for piece in search.pieces}
    found: list[tuple[Fraction, ...]] = []
    for positive in sorted(seen, key=sorted):
        indicator = [Fraction(int(v in positive)) for v in range(terms.num_vars)]
        supports = {k: tuple(a for a in range(len(s.actions)) if terms.var(k, a) in positive)
                    for k, s in enumerate(tree.infosets)}
        reached = [k for k, s in enumerate(tree.infosets)
                   if any(terms.node_reach(h, indicator) for h in s.nodes)]
        sets = off_path_sets(terms, indicator)
        patterns = belief_patterns(sets, lambda k, b: True)
        if patterns is None:
            search.sequential_note = "too many belief supports to search"
            continue
        mixed = [terms.var(k, a) for k, s in supports.items() if len(s) > 1 for a in s]
        fixed = terms.support_assignment(supports)
        for pattern in patterns:
            if expired():
                search.sequential_note = "stopped at the time limit"
                return found
            if sets and not ranking_exists(terms, indicator, sets, pattern):
                continue
            cell, ids = search.solve(
                supports, fixed, reached, [k for k in supports if k not in reached], [],
                beliefs=pattern, binomials=consistency_binomials(terms, indicator, pattern, mixed))
            if cell.unresolved or cell.irrational:
                search.sequential_note = f"support profile {search.label(supports)} not resolved"
            for p in cell.polytopes:
                found += _Piece(fixed, ((p, ids),)).vertices(terms.num_vars)
    return found


def perfect_bayesian(tree: GameTree, *, max_cells: int = MAX_CELLS) -> SolverResult:
    """Every weak perfect Bayesian equilibrium of ``tree`` (method ``pbe``; module docstring).

    Parameters
    ----------
    tree:
        A finite game tree with perfect recall (else :class:`SolverError`); a float tree is
        solved on its exact decimal reading and the result reported in floats, ``exact=False``
        (:mod:`~alliance_games.solvers.tree.perfect_bayesian_floats`).
    max_cells:
        Refuse (:class:`SolverError`) when the reached sets alone have more support profiles;
        stop (``complete=False``) after solving this many cells.

    Returns
    -------
    SolverResult
        The extreme equilibria and the sequential ones, grouped into components, with beliefs and
        refinements in ``diagnostics``; see the module docstring.
    """
    if not tree.exact:  # solved on its exact decimal reading, reported in floats
        return as_float_result(perfect_bayesian(tree.to_exact(), max_cells=max_cells), tree)
    warnings: list[str] = []
    problems = tree.check_perfect_recall()
    if problems:
        raise SolverError(f"pbe needs perfect recall: {problems[0]}; solve the reduced normal "
                          "form instead (--method enummixed or enumpoly)")
    search = _Search(tree, max_cells)
    for supports in _plan(search):
        if not search.budget_left():
            break
        _solve_profile(search, supports)
    if search.stopped and not any("max_cells" in w for w in search.warnings):
        search.warnings.append(stopped_note())
    return _result(search, warnings)


# ---- the result ----------------------------------------------------------------------------

def _components(search: _Search) -> tuple[list[tuple[Fraction, ...]], list[list[int]],
                                          list[list[int]]]:
    """Distinct extreme profiles, each piece's vertex indices, and the components (lists of
    pieces) in order of discovery."""
    keys: dict[tuple[Fraction, ...], int] = {}
    piece_vertices: list[list[int]] = []
    for piece in search.pieces:
        own = []
        for vals in piece.vertices(search.terms.num_vars):
            own.append(keys.setdefault(vals, len(keys)))
        piece_vertices.append(sorted(set(own)))
    profiles = list(keys)
    root = list(range(len(search.pieces)))

    def find(a: int) -> int:
        while root[a] != a:
            root[a] = root[root[a]]
            a = root[a]
        return a

    holder: dict[int, int] = {}
    for a, own in enumerate(piece_vertices):
        for e in own:
            root[find(a)] = find(holder.setdefault(e, a))
    for a, piece in enumerate(search.pieces):
        for e, vals in enumerate(profiles):
            if find(a) != find(holder[e]) and piece.contains(vals):
                root[find(a)] = find(holder[e])
    order: dict[int, list[int]] = {}
    for a in range(len(search.pieces)):
        order.setdefault(find(a), []).append(a)
    return profiles, piece_vertices, list(order.values())


def _result(search: _Search, warnings: list[str]) -> SolverResult:
    tree, terms = search.tree, search.terms
    profiles, piece_vertices, components = _components(search)
    inside: dict[int, list[tuple[Fraction, ...]]] = {}  # sequential, not extreme, per component
    known = set(profiles)
    for vals in _sequential(search):
        if vals not in known:
            known.add(vals)
            c = next((c for c, pieces in enumerate(components)
                      if any(search.pieces[a].contains(vals) for a in pieces)), 0)
            inside.setdefault(c, []).append(vals)
    index: dict[int, int] = {}  # position in `profiles` -> position in the result
    equilibria: list[Equilibrium] = []
    details: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    for c, pieces in enumerate(components):
        members = []
        extreme = sorted({e for a in pieces for e in piece_vertices[a]})
        for e, vals in [(e, profiles[e]) for e in extreme] + [(-1, v) for v in inside.get(c, [])]:
            behaviour = [np.array(vals[terms.offset[k]:terms.offset[k + 1]], dtype=object)
                         for k in range(len(tree.infosets))]
            regret = max(behaviour_regrets(tree, behaviour), default=Fraction(0))
            if regret != 0:  # never reached for a correct solver; never report such a profile
                warnings.append(f"a candidate with regret {regret} was dropped (internal check)")
                search.incomplete = True
                continue
            on_path, off_path = assessment_beliefs(terms, vals)
            index[e] = len(equilibria)
            members.append(len(equilibria))
            equilibria.append(Equilibrium(tuple(behaviour), behaviour_payoffs(tree, behaviour),
                                          regret, True))
            details.append({"component": c, "extreme": e >= 0, "beliefs": on_path,
                            "off_path_beliefs": off_path,
                            "refinements": {"sequential": sequential_beliefs_exist(terms, vals)}})
        cells = [sorted(index[e] for e in piece_vertices[a] if e in index) for a in pieces]
        summary.append({"equilibria": members, "cells": cells,
                        "isolated": len(members) == 1 and all(len(x) <= 1 for x in cells)})
    for values in search.irrational:
        equilibria.append(_irrational(tree, terms, values))
        details.append({"component": len(summary), "extreme": True, "beliefs": {},
                        "off_path_beliefs": {}, "refinements": {"sequential": True}})
        summary.append({"equilibria": [len(equilibria) - 1], "cells": [], "isolated": True})
    spans = {tuple(cell) for c in summary for cell in c["cells"] if len(cell) > 1}
    convex = sorted(s for s in spans if not any(set(s) < set(t) for t in spans))
    notes = [f"sequential equilibria incomplete: {search.sequential_note}"] \
        if search.sequential_note else []
    return SolverResult(
        method="pbe", game=tree, equilibria=tuple(equilibria),
        exact=not search.irrational, complete=not (search.stopped or search.incomplete),
        options={"max_cells": search.max_cells},
        warnings=tuple(warnings + search.warnings + notes), convex_sets=tuple(convex),
        diagnostics={"pbe": details, "components": summary, "cells": search.cells,
                     "sequential_complete": not (search.sequential_note or search.stopped),
                     "class": "weak perfect Bayesian equilibria (extreme points of every cell)"},
    )


def _irrational(tree: GameTree, terms: TreeTerms, values: dict[int, Any]) -> Equilibrium:
    """An irrational equilibrium with every information set reached, in floats."""
    floats = tree.to_float()
    vals = [float(values.get(v, 0)) for v in range(terms.num_vars)]
    behaviour = [np.array(vals[terms.offset[k]:terms.offset[k + 1]])
                 for k in range(len(tree.infosets))]
    regret = float(max(behaviour_regrets(floats, behaviour)))
    return Equilibrium(tuple(behaviour), behaviour_payoffs(floats, behaviour), regret, False)
