"""Assessments of a game tree: behaviour polynomials, belief regions and Kreps-Wilson consistency.

**Polynomials.** With one variable ``s_(I,a)`` per information set and action (Kuhn 1953), the
realization probability of a node is one monomial (chance probabilities times the variables on its
path) and the continuation value ``v_i(n)`` of player ``i`` from node ``n`` (its own payoff
included) is multilinear: perfect recall lets no path meet an information set twice.

**Sequential rationality.** At an information set ``I`` of player ``i`` with weights ``w_h`` on
its nodes (beliefs, or realization probabilities), ``sigma`` is sequentially rational iff, for
``a0`` in the support ``S`` of ``sigma_I``: ``sum_h w_h (v_i(h a0) - v_i(h a)) = 0`` for ``a`` in
``S``, and ``sum_h w_h (v_i(h a0) - v_i(h b; pi)) >= 0`` for every action ``b`` and every reduced
pure plan ``pi`` of ``i`` on its later sets (values under ``sigma`` for the others): no change of
``i``'s whole continuation pays (Mas-Colell, Whinston & Green 1995, def. 9.C.1). When ``i`` moves
later only at singletons, one-shot deviations (``b`` then ``sigma``) suffice by backward induction;
with a later set of several nodes they do not (its free belief could justify a continuation the
earlier ``i`` would not choose). For fixed ``sigma`` the beliefs satisfying this at ``I`` form a
polytope, listed by its vertices (the belief region).

**Consistency** (Kreps & Wilson 1982, "Sequential equilibria", Econometrica 50). An assessment
``(sigma, mu)`` is consistent iff ``mu`` is the limit of Bayes posteriors of completely mixed
``sigma_n -> sigma``. By the curve selection lemma such sequences can be taken of the form
``sigma_n(a) ~ c_a eps^{k_a}`` (Blume & Zame 1994, "The algebraic geometry of perfect and
sequential equilibrium", Econometrica 62), with ``k_a > 0``, ``c_a > 0`` for every action of
probability 0 (``k_a = 0``, ``c_a = sigma(a)`` otherwise). A node ``h`` then has probability
``~ C_h eps^{K_h}`` (``K_h``: the sum of ``k`` on its path; ``C_h``: chance probabilities and the
``c`` on it), so ``mu`` is consistent iff, at every information set off the path, its support
``B_I`` is the set of nodes of least ``K`` and ``mu_I(h) / mu_I(g) = C_h / C_g`` on ``B_I``
(Kohlberg & Reny 1997, "Independence on relative probability spaces and consistent assessments in
game trees", JET 75: a lexicographic ranking plus ratios). Both parts are decided exactly:

* the ranking: ``{k > 0, K equal on B_I, K_h < K_g for g in I outside B_I}`` is a homogeneous
  system, feasible iff the polytope ``{k >= 0, sum k = 1, ...}`` has a vertex with every strict
  form positive somewhere (:mod:`~alliance_games.solvers.kernels.affine_cells`);
* the ratios: ``log(mu_I(h)/mu_I(g)) - log(kappa)`` must lie in the column space of the 0/+-1
  exponent matrix ``L`` of the ``c`` variables, i.e. ``prod (ratio / kappa)^lambda = 1`` for a
  rational basis ``lambda`` of the left kernel of ``L`` (binomial equations).

``sequential_beliefs_exist`` asks whether *some* consistent ``mu`` makes ``sigma`` sequentially
rational: it tries every support pattern ``B`` (``prod_I (2^|I| - 1)`` of them at the sets off the
path), and for each solves the ranking system and the cell {belief polytopes, binomials}. Nodes
behind a chance move of probability 0 can never be reached and get no belief; a set all of whose
nodes are such is left free. Limits: at most ``MAX_PATTERNS`` patterns; a pattern whose
binomial system has a curved solution set is undecided, and the answer is then ``None``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from math import lcm

import sympy as sp

from alliance_games.errors import SolverError
from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.solvers.kernels.affine_cells import SparsePoly, solve_cell

MAX_PLANS = 1024
"""Most reduced pure continuation plans compared at one information set."""
MAX_PATTERNS = 4096
"""Most belief-support patterns tried by :func:`sequential_beliefs_exist`."""

Monomial = frozenset[int]
MPoly = dict[Monomial, Fraction]


class TreeTerms:
    """Realization monomials and continuation-value polynomials of a tree (exact)."""

    def __init__(self, tree: GameTree) -> None:
        self.tree = tree
        self._gains: dict[tuple[int, int, int], MPoly] = {}
        self._depends: dict[int, frozenset[int]] = {}
        self.offset = [0]
        for infoset in tree.infosets:
            self.offset.append(self.offset[-1] + len(infoset.actions))
        self.num_vars = self.offset[-1]
        self.var_infoset = [k for k, s in enumerate(tree.infosets) for _ in s.actions]
        reach: list[tuple[Monomial, Fraction]] = [(frozenset(), Fraction(1))] * tree.num_nodes
        for node in range(1, tree.num_nodes):
            parent, edge = int(tree.parent[node]), int(tree.in_edge[node])
            mono, const = reach[parent]
            if tree.kind[parent] == CHANCE:
                reach[node] = (mono, const * Fraction(tree.edge_prob[edge]))
            else:
                reach[node] = (mono | {self.edge_var(edge)}, const)
        self.reach = reach

    def var(self, k: int, a: int) -> int:
        return self.offset[k] + a

    def edge_var(self, edge: int) -> int:
        parent = int(self.tree.edge_parent[edge])
        return self.var(int(self.tree.node_infoset[parent]), int(self.tree.edge_action_index[edge]))

    def child(self, node: int, a: int) -> int:
        return int(self.tree.child_index[self.tree.child_ptr[node] + a])

    @cached_property
    def values(self) -> list[list[MPoly]]:
        """``values[i][n]``: player ``i``'s continuation value from node ``n``."""
        tree = self.tree
        out = []
        for i in range(tree.num_players):
            vals: list[MPoly] = [{} for _ in range(tree.num_nodes)]
            for node in range(tree.num_nodes - 1, -1, -1):
                acc: MPoly = {}
                pay = Fraction(tree.node_payoffs[node, i])
                if pay:
                    acc[frozenset()] = pay
                for edge in tree.edges(node):
                    below = vals[int(tree.child_index[edge])]
                    if tree.kind[node] == DECISION:
                        v = self.edge_var(edge)
                        terms = [(m | {v}, c) for m, c in below.items()]
                    else:
                        p = Fraction(tree.edge_prob[edge])
                        terms = [(m, c * p) for m, c in below.items()] if p else []
                    for m, c in terms:
                        acc[m] = acc.get(m, Fraction(0)) + c
                vals[node] = {m: c for m, c in acc.items() if c}
            out.append(vals)
        return out

    def gain(self, node: int, a: int, b: int) -> MPoly:
        """``v_i(node a) - v_i(node b)`` for the player moving at ``node`` (made once per
        ``(node, a, b)``; the caller must not change it)."""
        key = (node, a, b)
        found = self._gains.get(key)
        if found is None:
            player = self.tree.infosets[int(self.tree.node_infoset[node])].player
            out = dict(self.values[player][self.child(node, a)])
            for m, c in self.values[player][self.child(node, b)].items():
                out[m] = out.get(m, Fraction(0)) - c
            found = self._gains[key] = {m: c for m, c in out.items() if c}
        return found

    def depends_on(self, k: int) -> frozenset[int]:
        """The information sets with a variable in the (E1) conditions of set ``k``: in the gains
        between any two of its actions or in the realization probabilities of its nodes (made
        once per set)."""
        found = self._depends.get(k)
        if found is None:
            tree, variables = self.tree, set[int]()
            width = len(tree.infosets[k].actions)
            for h in tree.infosets[k].nodes:
                variables.update(v for v in self.reach[h][0])
                for a in range(width):
                    for b in range(width):
                        if a != b:
                            variables.update(v for m in self.gain(h, a, b) for v in m)
            found = self._depends[k] = frozenset(self.var_infoset[v] for v in variables)
        return found

    def flat(self, behaviour: Sequence[Sequence[Fraction]]) -> list[Fraction]:
        """The behaviour profile as one value per variable."""
        return [Fraction(p) for dist in behaviour for p in dist]

    def node_reach(self, node: int, vals: Sequence[Fraction]) -> Fraction:
        mono, const = self.reach[node]
        return const * _product(vals[v] for v in mono)

    def live(self, node: int) -> bool:
        """False for nodes behind a chance move of probability 0."""
        return self.reach[node][1] != 0


    # ---- the conditions of a weak PBE as polynomials ------------------------------------------
    @cached_property
    def own_successors(self) -> dict[tuple[int, int], list[int]]:
        """``(k, a)`` -> the sets of the same player whose last own move is ``a`` at ``k``."""
        out: dict[tuple[int, int], list[int]] = {}
        for j, infoset in enumerate(self.tree.infosets):
            history = self.tree.own_history(infoset.nodes[0], infoset.player)
            if history:
                k, label = history[-1]
                out.setdefault((k, self.tree.infosets[k].actions.index(label)), []).append(j)
        return out

    def plans(self, k: int, b: int) -> list[dict[int, Fraction]]:
        """The reduced pure plans of the mover at set ``k`` after action ``b``, as assignments of
        its later behaviour variables; ``[{}]`` (its behaviour as given) when every later set of
        its is a singleton (then, by backward induction, one-shot conditions suffice)."""
        start = self.own_successors.get((k, b), [])
        later, stack = [], list(start)
        while stack:
            j = stack.pop()
            later.append(j)
            stack += [x for a in range(len(self.tree.infosets[j].actions))
                      for x in self.own_successors.get((j, a), [])]
        if all(len(self.tree.infosets[j].nodes) == 1 for j in later):
            return [{}]

        def expand(frontier: list[int]) -> list[dict[int, Fraction]]:
            if not frontier:
                return [{}]
            j, rest = frontier[0], frontier[1:]
            actions = range(len(self.tree.infosets[j].actions))
            return [{self.var(j, x): Fraction(int(x == a)) for x in actions} | tail
                    for a in actions for tail in expand(rest + self.own_successors.get((j, a), []))]

        out = expand(start)
        if len(out) > MAX_PLANS:
            raise SolverError(f"information set {self.tree.infosets[k].name!r}: its player has "
                              f"{len(out):,} continuation plans (limit {MAX_PLANS:,})")
        return out

    def conditions(self, k: int, support: Sequence[int], weights: Mapping[int, MPoly]
                   ) -> tuple[list[MPoly], list[MPoly]]:
        """Sequential rationality at set ``k`` of player ``i``, ``a0 = support[0]``: with weights
        ``w_h`` (realization monomials, i.e. Bayes' rule times ``P(I)``, or belief variables),
        ``sum_h w_h (v_h(a0) - v_h(b)) = 0`` for ``b`` in ``support``, and ``>= 0`` against every
        action ``b`` followed by every reduced pure plan of ``i`` (against ``b`` alone when ``i``
        moves later only at singletons): no deviation of ``i``'s continuation pays given ``w``
        (Mas-Colell, Whinston & Green 1995, def. 9.C.1)."""
        infoset = self.tree.infosets[k]
        values, a0 = self.values[infoset.player], support[0]
        eqs: list[MPoly] = []
        ineqs: list[MPoly] = []

        def weighted(b: int, plan: Mapping[int, Fraction]) -> MPoly:
            total: MPoly = {}
            for h, w in weights.items():
                gain = dict(values[self.child(h, a0)])
                for m, c in specialize(values[self.child(h, b)], plan).items():
                    gain[m] = gain.get(m, Fraction(0)) - c
                for (m1, c1), (m2, c2) in itertools.product(w.items(), gain.items()):
                    total[m1 | m2] = total.get(m1 | m2, Fraction(0)) + c1 * c2
            return {m: c for m, c in total.items() if c}

        for b in range(len(infoset.actions)):
            if b != a0 and b in support:
                eqs.append(weighted(b, {}))
            ineqs += [weighted(b, plan) for plan in self.plans(k, b)
                      if plan or b not in support]
        return eqs, ineqs

    def reach_weights(self, k: int) -> dict[int, MPoly]:
        return {h: {self.reach[h][0]: self.reach[h][1]} for h in self.tree.infosets[k].nodes
                if self.live(h)}

    def belief_weights(self, k: int, nodes: Sequence[int] | None = None) -> dict[int, MPoly]:
        """Belief variables (id ``num_vars + h``) at the given nodes (default all) of set ``k``."""
        nodes = self.tree.infosets[k].nodes if nodes is None else nodes
        if len(self.tree.infosets[k].nodes) == 1:
            return {nodes[0]: {frozenset(): Fraction(1)}}
        return {h: {frozenset({self.num_vars + h}): Fraction(1)} for h in nodes}

    def involved(self, poly: MPoly, assignment: Mapping[int, Fraction]) -> set[int]:
        """The information sets whose behaviour variables remain after the assignment."""
        return {self.var_infoset[v] for m in specialize(poly, assignment) for v in m
                if v < self.num_vars}

    def set_involvement(self, k: int, assignment: Mapping[int, Fraction]) -> set[int]:
        """The sets whose variables remain in the conditions at set ``k`` (``k`` included)."""
        infoset = self.tree.infosets[k]
        return {k}.union(*(self.involved(self.values[infoset.player][self.child(h, a)],
                                         assignment)
                           for h in infoset.nodes for a in range(len(infoset.actions))))

    def support_assignment(self, supports: Mapping[int, Sequence[int]]) -> dict[int, Fraction]:
        """Zero off the supports, one on single-action supports."""
        out = {}
        for k, s in supports.items():
            for a in range(len(self.tree.infosets[k].actions)):
                if a not in s or len(s) == 1:
                    out[self.var(k, a)] = _ONE if a in s else _ZERO
        return out


_ZERO, _ONE = Fraction(0), Fraction(1)
"""The values :meth:`TreeTerms.support_assignment` gives (shared, so that :func:`specialize`
recognises them by identity)."""


def sum_is_one(ids: Sequence[int]) -> MPoly:
    return {frozenset({v}): Fraction(1) for v in ids} | {frozenset(): Fraction(-1)}


def evaluate(poly: Mapping[Monomial, Fraction], vals: Sequence[Fraction]) -> Fraction:
    return sum((c * _product(vals[v] for v in m) for m, c in poly.items()), Fraction(0))


def specialize(poly: Mapping[Monomial, Fraction], assignment: Mapping[int, Fraction]) -> MPoly:
    """Substitute the assigned variables (dropping monomials that become 0)."""
    out: MPoly = {}
    for m, c in poly.items():
        kept = []
        for v in m:
            x = assignment.get(v)
            if x is None:
                kept.append(v)
            elif x is _ZERO:  # the shared constants of support_assignment: no arithmetic
                c = _ZERO
                break
            elif x is not _ONE:
                c = c * x
                if not c:
                    break
        if c:
            key = frozenset(kept)
            out[key] = out.get(key, Fraction(0)) + c
    return {m: c for m, c in out.items() if c}


def _product(values: object) -> Fraction:
    out = Fraction(1)
    for v in values:  # type: ignore[attr-defined]
        out *= v
    return out


def _linear(coeffs: Mapping[int, Fraction], n: int, const: Fraction = Fraction(0)) -> SparsePoly:
    poly = {tuple(int(j == k) for j in range(n)): c for k, c in coeffs.items() if c}
    if const:
        poly[(0,) * n] = const
    return poly


def belief_conditions(terms: TreeTerms, vals: Sequence[Fraction], k: int,
                      nodes: Sequence[int], index: Mapping[int, int], n: int
                      ) -> tuple[list[SparsePoly], list[SparsePoly]]:
    """Linear conditions on beliefs (variable ``index[h]`` for ``h`` in ``nodes``, the others 0)
    making ``sigma_I`` optimal: equalities (sum one, indifference) and inequalities."""
    support = [a for a in range(len(terms.tree.infosets[k].actions))
               if vals[terms.var(k, a)] != 0]
    weights = {h: {frozenset({-1 - h}): Fraction(1)} for h in nodes}  # ids not used elsewhere
    assignment = dict(enumerate(vals))

    def linear(poly: MPoly) -> SparsePoly:
        return _linear({index[-1 - next(iter(m))]: c for m, c in specialize(poly, assignment)
                        .items()}, n)

    eqs, ineqs = terms.conditions(k, support, weights)
    equalities = [_linear({index[h]: Fraction(1) for h in nodes}, n, Fraction(-1))]
    equalities += [linear(p) for p in eqs]
    inequalities = [linear(p) for p in ineqs] + [_linear({index[h]: Fraction(1)}, n)
                                                 for h in nodes]
    return equalities, inequalities


def belief_vertices(terms: TreeTerms, vals: Sequence[Fraction], k: int
                    ) -> list[dict[int, Fraction]]:
    """Vertices of the beliefs at information set ``k`` making ``sigma_k`` optimal (empty: none)."""
    nodes = terms.tree.infosets[k].nodes
    index = {h: j for j, h in enumerate(nodes)}
    eqs, ineqs = belief_conditions(terms, vals, k, nodes, index, len(nodes))
    cell = solve_cell(len(nodes), eqs, [], ineqs)
    return [dict(zip(nodes, v, strict=True)) for p in cell.polytopes for v in p.vertices]


# ---- consistency ---------------------------------------------------------------------------
def off_path_sets(terms: TreeTerms, vals: Sequence[Fraction]) -> dict[int, list[int]]:
    """The live nodes of every information set of two or more nodes reached with probability 0
    (one live node: the belief is forced onto it; none: the set is left free)."""
    out = {}
    for k, infoset in enumerate(terms.tree.infosets):
        if len(infoset.nodes) < 2 or any(terms.node_reach(h, vals) for h in infoset.nodes):
            continue
        live = [h for h in infoset.nodes if terms.live(h)]
        if live:
            out[k] = live
    return out


def _zeros(terms: TreeTerms, vals: Sequence[Fraction], node: int) -> set[int]:
    return {v for v in terms.reach[node][0] if vals[v] == 0}


def _coefficient(terms: TreeTerms, vals: Sequence[Fraction], node: int) -> Fraction:
    mono, const = terms.reach[node]
    return const * _product(vals[v] for v in mono if vals[v] != 0)


def ranking_exists(terms: TreeTerms, vals: Sequence[Fraction], sets: Mapping[int, list[int]],
                    pattern: Mapping[int, Sequence[int]]) -> bool:
    """Whether ranks ``k > 0`` make ``pattern[I]`` the least-ranked live nodes of every set."""
    zeros = sorted(set().union(*(_zeros(terms, vals, h) for live in sets.values() for h in live)))
    col = {z: j for j, z in enumerate(zeros)}
    n = len(zeros)

    def rank_form(h: int, g: int) -> SparsePoly:  # K_g - K_h
        coeffs = {col[z]: Fraction(0) for z in zeros}
        for z in _zeros(terms, vals, g):
            coeffs[col[z]] += 1
        for z in _zeros(terms, vals, h):
            coeffs[col[z]] -= 1
        return _linear(coeffs, n)

    eqs = [_linear({j: Fraction(1) for j in range(n)}, n, Fraction(-1))]
    positive = [_linear({j: Fraction(1)}, n) for j in range(n)]
    for k, live in sets.items():
        h0 = pattern[k][0]
        eqs += [rank_form(h0, h) for h in pattern[k][1:]]
        positive += [rank_form(h0, g) for g in live if g not in pattern[k]]
    return bool(solve_cell(n, eqs, positive, []).polytopes)


Binomial = tuple[dict[int, int], Fraction, dict[int, int], Fraction]
"""``(left, a, right, b)``: the equation ``a * prod z^left = b * prod z^right`` (exponents by id)."""


def consistency_binomials(terms: TreeTerms, vals: Sequence[Fraction],
                          pattern: Mapping[int, Sequence[int]], symbolic: Sequence[int] = ()
                          ) -> list[Binomial]:
    """The ratio conditions of consistency for the belief supports ``pattern``: with
    ``mu_I(h) / mu_I(h0) = kappa_h c^{L_h}``, one binomial ``prod (mu_h / (kappa_h mu_h0))^lambda
    = 1`` per vector ``lambda`` of a rational basis of the left kernel of ``L``. The belief at node
    ``h`` is variable ``terms.num_vars + h``; ``kappa`` (chance and positive behaviour probabilities
    on the paths) is a number, except that the behaviour variables in ``symbolic`` stay variables."""
    rows = [(h, nodes[0]) for nodes in pattern.values() for h in nodes[1:]]
    if not rows:
        return []
    zeros = sorted(set().union(*(_zeros(terms, vals, h) for nodes in pattern.values()
                                 for h in nodes)))
    matrix = sp.Matrix([[int(z in _zeros(terms, vals, h)) - int(z in _zeros(terms, vals, g))
                         for z in zeros] for h, g in rows]) if zeros else sp.zeros(len(rows), 1)
    free = set(symbolic)

    def weight(node: int, power: int, exps: dict[int, int]) -> Fraction:
        """Multiply ``exps`` by ``mu_node^power`` (the factor returned is 1)."""
        exps[terms.num_vars + node] = exps.get(terms.num_vars + node, 0) + power
        return Fraction(1)

    out = []
    for vector in matrix.T.nullspace():
        scale = lcm(*(int(sp.fraction(x)[1]) for x in vector))
        left: dict[int, int] = {}
        right: dict[int, int] = {}
        a, b = Fraction(1), Fraction(1)
        for (h, g), x in zip(rows, vector, strict=True):
            e = int(x * scale)
            if e > 0:  # (mu_h C_g)^e on the left, (mu_g C_h)^e on the right
                a *= weight(h, e, left) * _reach_factor(terms, vals, g, e, left, free)
                b *= weight(g, e, right) * _reach_factor(terms, vals, h, e, right, free)
            elif e < 0:
                a *= weight(g, -e, left) * _reach_factor(terms, vals, h, -e, left, free)
                b *= weight(h, -e, right) * _reach_factor(terms, vals, g, -e, right, free)
        out.append((left, a, right, b))
    return out


def _reach_factor(terms: TreeTerms, vals: Sequence[Fraction], node: int, power: int,
                  exps: dict[int, int], free: set[int]) -> Fraction:
    """Multiply ``exps`` by the variable part of C(node)^power; return its numeric part."""
    mono, const = terms.reach[node]
    for v in mono:
        if v in free:
            exps[v] = exps.get(v, 0) + power
        elif vals[v] != 0:
            const *= vals[v]
    return const**power


def binomial_poly(binomial: Binomial, index: Mapping[int, int], n: int) -> SparsePoly:
    """A binomial as a polynomial in the coordinates ``index[id]``."""
    left, a, right, b = binomial
    lexp, rexp = [0] * n, [0] * n
    for v, e in left.items():
        lexp[index[v]] += e
    for v, e in right.items():
        rexp[index[v]] += e
    if lexp == rexp:
        return {tuple(lexp): a - b}
    return {tuple(lexp): a, tuple(rexp): -b}


def is_consistent(terms: TreeTerms, vals: Sequence[Fraction],
                  beliefs: Mapping[int, Mapping[int, Fraction]]) -> bool:
    """Kreps-Wilson consistency of ``(sigma, mu)`` at the information sets off the path
    (``beliefs[k][h]``; on the path Bayes' rule is the only consistent belief, not checked here)."""
    sets = off_path_sets(terms, vals)
    pattern = {}
    for k, live in sets.items():
        mu = beliefs[k]
        if any(mu.get(h, 0) != 0 for h in terms.tree.infosets[k].nodes if h not in live):
            return False
        pattern[k] = [h for h in live if mu.get(h, 0) > 0]
        if not pattern[k]:
            return False
    if sets and not ranking_exists(terms, vals, sets, pattern):
        return False
    value = {terms.num_vars + h: mu[h] for k, mu in beliefs.items() for h in mu}
    for left, a, right, b in consistency_binomials(terms, vals, pattern):
        if a * _product(value[v] ** e for v, e in left.items()) != \
                b * _product(value[v] ** e for v, e in right.items()):
            return False
    return True


def sequential_beliefs_exist(terms: TreeTerms, vals: Sequence[Fraction]) -> bool | None:
    """Whether some consistent belief system makes ``sigma`` sequentially rational at every set
    off the path (``sigma`` being a weak PBE, the sets on the path are already fine).
    None when undecided (see the module docstring)."""
    sets = off_path_sets(terms, vals)
    undecided = False
    patterns = belief_patterns(sets, lambda k, b: _beliefs_feasible(terms, vals, {k: b}, []))
    if patterns is None:
        return None
    for pattern in patterns:
        if sets and not ranking_exists(terms, vals, sets, pattern):
            continue
        answer = _beliefs_feasible(terms, vals, pattern,
                                   consistency_binomials(terms, vals, pattern))
        if answer:
            return True
        undecided = undecided or answer is None
    return None if undecided else False


def belief_patterns(sets: Mapping[int, list[int]], admissible: Callable[[int, list[int]], object]
                    ) -> list[dict[int, list[int]]] | None:
    """Every choice of a non-empty belief support per set (among the ``admissible`` ones); None
    beyond ``MAX_PATTERNS``."""
    choices = [[list(b) for size in range(1, len(live) + 1)
                for b in itertools.combinations(live, size) if admissible(k, list(b)) is not False]
               for k, live in sets.items()]
    total = 1
    for options in choices:
        total *= len(options)
    if total > MAX_PATTERNS:
        return None
    return [dict(zip(sets, combo, strict=True)) for combo in itertools.product(*choices)]


def _beliefs_feasible(terms: TreeTerms, vals: Sequence[Fraction],
                      pattern: Mapping[int, Sequence[int]], binomials: Sequence[Binomial]
                      ) -> bool | None:
    """Whether beliefs with support exactly ``pattern`` (positive there) make every set's
    behaviour optimal and satisfy the binomial ratio equations."""
    index = {h: j for j, h in enumerate(h for nodes in pattern.values() for h in nodes)}
    n = len(index)
    eqs: list[SparsePoly] = []
    ineqs: list[SparsePoly] = []
    for k, nodes in pattern.items():
        e, i = belief_conditions(terms, vals, k, nodes, index, n)
        eqs += e
        ineqs += i[:-len(nodes)]  # positivity below replaces mu >= 0
    ids = {terms.num_vars + h: j for h, j in index.items()}
    eqs += [binomial_poly(b, ids, n) for b in binomials]
    positive = [_linear({j: Fraction(1)}, n) for j in range(n)]
    cell = solve_cell(n, eqs, positive, ineqs)
    if cell.polytopes or cell.irrational:
        return True
    return None if cell.unresolved else False


# ---- beliefs of an assessment, as reported -------------------------------------------------
def node_names(tree: GameTree, nodes: Sequence[int]) -> list[str]:
    """Readable, distinct names of the nodes of one information set."""
    names = [tree.node_name(h) for h in nodes]
    return [f"{n}#{h}" if names.count(n) > 1 else n for n, h in zip(names, nodes, strict=True)]


def assessment_beliefs(terms: TreeTerms, vals: Sequence[Fraction]
                       ) -> tuple[dict[str, dict[str, Fraction]], dict[str, dict[str, object]]]:
    """Bayes beliefs at the sets reached under ``sigma`` (``{set: {node: probability}}``) and the
    admissible region at the others: per node ``[low, high]``, plus ``vertices`` for three or more
    nodes; an empty region (``sigma`` not sequentially rational there) is ``{}``."""
    tree = terms.tree
    on_path: dict[str, dict[str, Fraction]] = {}
    off_path: dict[str, dict[str, object]] = {}
    for k, infoset in enumerate(tree.infosets):
        names = node_names(tree, infoset.nodes)
        reach = [terms.node_reach(h, vals) for h in infoset.nodes]
        total = sum(reach, Fraction(0))
        if total:
            on_path[infoset.name] = {n: r / total for n, r in zip(names, reach, strict=True)}
            continue
        vertices = belief_vertices(terms, vals, k)
        region: dict[str, object] = {
            n: [min(v[h] for v in vertices), max(v[h] for v in vertices)]
            for n, h in zip(names, infoset.nodes, strict=True)} if vertices else {}
        if len(infoset.nodes) > 2 and vertices:
            region["vertices"] = [{n: v[h] for n, h in zip(names, infoset.nodes, strict=True)}
                                  for v in vertices]
        off_path[infoset.name] = region
    return on_path, off_path
