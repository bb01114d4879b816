"""Subgame-perfect equilibria of a perfect-information tree along one free parameter ``x``.

**Piecewise-constant SPE.** Fix a pure profile ``sigma``. By the one-shot deviation principle
``sigma`` is subgame perfect at ``x`` iff at every decision node ``n`` the mover's *gap*
``g_{n,a}(x) = V_mover(child chosen by sigma) - V_mover(child a)`` is ``>= 0`` for every other
action ``a``, where the values ``V`` follow ``sigma`` below ``n``. When payoffs and chance
probabilities are polynomials in ``x`` (the other parameters fixed), every ``V`` is a
polynomial of degree at most ``D`` (the largest degree of a payoff plus the degrees of the
chance probabilities above it), so each gap is determined by its values at ``D + 1`` points:
the solver evaluates the exact tree at ``D + 1`` rational points, computes the gaps along
``sigma`` there in vectorised exact arithmetic and interpolates (Vandermonde). Identical gaps
(repeated subtrees) give identical value vectors and are interpolated and solved once.

**The walk.** Solve the tree exactly at a rational sample point ``s`` without ties (backward
induction); its profile ``sigma_s`` is then the unique SPE on the largest interval ``(L, R)``
around ``s`` on which no gap of ``sigma_s`` vanishes: ``L`` and ``R`` are the nearest real
roots of the gaps (exact: rational, or algebraic via sympy's real roots). Every uncovered
interval is sampled at an interior point until the whole range is covered.

**Ties.** A mover indifferent for *every* ``x`` (a gap identically 0) makes several profiles
SPE on the whole interval: the walk then takes every pure SPE at ``s``
(:func:`~alliance_games.solvers.symbolic.ties.pure_profiles`) and stops the interval at the
nearest root of any of their gaps. On that interval the set of pure SPE is constant: below any
node, each combination of subgame equilibria is continued by some listed profile, whose choice
stays uniquely best (up to the everywhere-ties) until one of its gaps vanishes. At a breakpoint
``b`` some mover is indifferent; the profiles of both neighbouring intervals are SPE there (the
gaps are continuous), but so may be others (a choice at every tied node, and whatever the
players above do best against it). A rational breakpoint is therefore solved exactly, listing
every pure SPE of the game at ``b`` (the set ``solve`` reports there); an irrational one (a root
of a polynomial of degree 2 or more), or one of a tree too large to enumerate its profiles
(:data:`~alliance_games.solvers.symbolic.ties.MAX_NODES`), keeps the neighbours' profiles and
says so in the region's note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from alliance_games.errors import SolverError
from alliance_games.games.profiles import pure_weights, realization, tag_probabilities
from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.model.compile import CompiledModel
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.symbolic.conditions import rational_between
from alliance_games.solvers.symbolic.result import (
    Condition,
    Interval,
    Region,
    SymbolicEquilibrium,
    SymbolicSolution,
)
from alliance_games.solvers.symbolic.space import SMALL_TREE, ParameterSpace, substitute
from alliance_games.solvers.symbolic.summary import all_choices, path_choices, reason, tags_by_policy
from alliance_games.solvers.symbolic.ties import pure_profiles
from alliance_games.solvers.tree.backward_induction import edge_segments, exact_values, induct, node_movers

MAX_SAMPLES = 500


@dataclass(frozen=True)
class _Gap:
    coeffs: tuple[Fraction, ...]  # lowest degree first
    roots: tuple[sympy.Expr, ...]  # real roots within the range, increasing
    reason: str


@dataclass
class _Piece:
    lo: sympy.Expr
    hi: sympy.Expr
    choices: list[np.ndarray]  # every pure SPE on the open interval
    sample: sympy.Rational
    lo_gaps: list[_Gap]
    hi_gaps: list[_Gap]


def walk(model: SymbolicModel, compiled: CompiledModel, space: ParameterSpace, *,
         policy_tags: Sequence[str] = ()) -> SymbolicSolution:
    """Every region of the one free parameter with its SPE (see the module docstring); each
    equilibrium carries, per policy, the probabilities of ``policy_tags`` in its subgame."""
    game = model.game
    if not isinstance(game, SymbolicTree) or len(space.free) != 1:
        raise SolverError("the interval walk needs a game tree and exactly one free parameter")
    skeleton = game.skeleton
    if not skeleton.is_perfect_information:
        raise SolverError(f"model {model.name!r} has information sets with several nodes; "
                          "symbolic solving handles perfect-information trees only")
    walker = _Walker(model, compiled, space, tuple(policy_tags))
    return walker.run()


class _Walker:
    def __init__(self, model: SymbolicModel, compiled: CompiledModel, space: ParameterSpace,
                 tags: tuple[str, ...] = ()) -> None:
        self.model, self.compiled, self.space, self.tags = model, compiled, space, tags
        self.param = space.free[0]
        self.x = self.param.symbol
        game = model.game
        assert isinstance(game, SymbolicTree)
        self.skeleton = game.skeleton
        subs = space.substitution(model)
        degree = _degree_bound(self.skeleton, substitute(game.payoff_exprs, subs),
                               substitute(game.prob_exprs, subs), self.x, model.name)
        rng = self.param.range
        self.lo: sympy.Expr = rng[0] if rng else -sympy.oo
        self.hi: sympy.Expr = rng[1] if rng else sympy.oo
        self.points = _points(rng, degree + 1)
        self.trees = [self._at(t) for t in self.points]
        vander = sympy.Matrix([[t**k for k in range(degree + 1)] for t in self.points])
        self.inverse = np.array(vander.inv().tolist(), dtype=object)
        self.inverse = np.vectorize(lambda v: Fraction(int(v.p), int(v.q)), otypes=[object])(
            self.inverse)
        self.movers = node_movers(self.skeleton)
        self.dec = np.flatnonzero(self.skeleton.kind == DECISION)
        self.root_cache: dict[tuple[Fraction, ...], tuple[sympy.Expr, ...]] = {}
        self.notes: list[str] = []

    # ---- helpers ---------------------------------------------------------------------------
    def _at(self, t: sympy.Rational) -> GameTree:
        tree = self.compiled.at(self.space.values_at({self.param.name: t}))
        assert isinstance(tree, GameTree)
        return tree

    def poly(self, samples: Sequence[Any]) -> tuple[Fraction, ...]:
        """Monomial coefficients of the polynomial through ``(points[j], samples[j])``."""
        y = np.array([Fraction(v) for v in samples], dtype=object)
        return tuple(self.inverse @ y)

    def expr(self, coeffs: Sequence[Fraction]) -> sympy.Expr:
        return sum((sympy.Rational(c.numerator, c.denominator) * self.x**k
                    for k, c in enumerate(coeffs)), sympy.Integer(0))

    def roots(self, coeffs: tuple[Fraction, ...]) -> tuple[sympy.Expr, ...]:
        if coeffs not in self.root_cache:
            degree = max(k for k, c in enumerate(coeffs) if c != 0)
            if degree == 1:
                found = [sympy.Rational(-coeffs[0] / coeffs[1])]
            elif degree == 0:
                found = []
            else:
                found = sympy.Poly(self.expr(coeffs), self.x).real_roots()
            self.root_cache[coeffs] = tuple(sorted(r for r in set(found)
                                                   if self.lo <= r <= self.hi))
        return self.root_cache[coeffs]

    # ---- one sample -------------------------------------------------------------------------
    def solve_at(self, s: sympy.Rational) -> tuple[list[np.ndarray], list[_Gap], str] | None:
        """Every pure SPE at ``s``, their non-constant gaps and a note; ``None`` on a tie at s."""
        tree_s = self._at(s)
        found_all = pure_profiles(tree_s)
        if found_all is None:
            choices, note = [induct(tree_s).choice], (
                f"some mover is indifferent for every {self.param.name}; the tree is too large "
                "to list every subgame-perfect profile, one is shown")
        else:
            choices, note = found_all
        found: dict[tuple[Fraction, ...], _Gap] = {}
        for choice in choices:
            gaps = self.gaps(choice, s)
            if gaps is None:
                return None
            for gap in gaps:
                found.setdefault(gap.coeffs, gap)
        return choices, list(found.values()), note

    def gaps(self, choice: np.ndarray, s: sympy.Rational) -> list[_Gap] | None:
        """The gaps of the profile ``choice`` that are not identically 0; ``None`` if one
        vanishes at ``s``."""
        values = [exact_values(tree, choice) for tree in self.trees]
        tree = self.skeleton
        edges, _ = edge_segments(tree, self.dec)
        parents = tree.edge_parent[edges]
        chosen = choice[parents]
        alt = edges != chosen
        edges, parents, chosen = edges[alt], parents[alt], chosen[alt]
        mover = self.movers[parents]
        better, worse = tree.child_index[chosen], tree.child_index[edges]
        table = np.stack([v[better, mover] - v[worse, mover] for v in values], axis=1)
        groups: dict[tuple[Any, ...], int] = {}
        counts: dict[tuple[Any, ...], int] = {}
        for k, row in enumerate(table):
            key = tuple(row)
            groups.setdefault(key, k)
            counts[key] = counts.get(key, 0) + 1
        gaps = []
        sx = Fraction(int(s.p), int(s.q))
        for row, k in groups.items():
            coeffs = self.poly(row)
            if all(c == 0 for c in coeffs):
                continue  # the mover is indifferent for every value: both choices are SPE
            if sum(c * sx**i for i, c in enumerate(coeffs)) == 0:
                return None
            more = counts[row] - 1
            why = reason(tree, int(parents[k]), int(chosen[k]), int(edges[k]))
            if more:
                why += f" (and {more} identical node{'s' if more > 1 else ''})"
            gaps.append(_Gap(coeffs, self.roots(coeffs), why))
        return gaps

    def piece(self, a: sympy.Expr, b: sympy.Expr) -> _Piece:
        """The maximal interval of one SPE profile around a tie-free point of ``(a, b)``."""
        for fraction in (sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(2, 3),
                         sympy.Rational(1, 7), sympy.Rational(5, 7), sympy.Rational(3, 11)):
            s = _inside(a, b, fraction)
            solved = self.solve_at(s)
            if solved is not None:
                break
        else:
            raise SolverError(f"ties at every sample point between {a} and {b}")
        choices, gaps, note = solved
        self.notes.extend([note] if note else [])
        below = [r for g in gaps for r in g.roots if r < s]
        above = [r for g in gaps for r in g.roots if r > s]
        lo = max(below) if below else self.lo
        hi = min(above) if above else self.hi
        return _Piece(lo, hi, choices, s, [g for g in gaps if lo in g.roots],
                      [g for g in gaps if hi in g.roots])

    # ---- the walk --------------------------------------------------------------------------
    def run(self) -> SymbolicSolution:
        pieces: list[_Piece] = []
        todo = [(self.lo, self.hi)]
        while todo:
            if len(pieces) >= MAX_SAMPLES:
                raise SolverError(f"more than {MAX_SAMPLES} regions along {self.param.name}; "
                                  "narrow its range or fix more parameters")
            a, b = todo.pop()
            if a == b:
                continue
            piece = self.piece(a, b)
            pieces.append(piece)
            if piece.lo > a:
                todo.append((a, piece.lo))
            if piece.hi < b:
                todo.append((piece.hi, b))
        pieces.sort(key=lambda p: p.sample)
        summaries = [self.summaries(p.choices, p.sample) for p in pieces]
        regions: list[Region] = []
        for k, (piece, eqs) in enumerate(zip(pieces, summaries, strict=True)):
            before = pieces[k - 1].hi_gaps if k > 0 else []
            if piece.lo_gaps or before:
                left = summaries[k - 1] if k > 0 else []
                regions.append(self.point(piece.lo, before + piece.lo_gaps, [*left, *eqs]))
            after = pieces[k + 1].lo_gaps if k + 1 < len(pieces) else []
            closed_lo = not (piece.lo_gaps or before) and bool(piece.lo.is_finite)
            closed_hi = not (piece.hi_gaps or after) and bool(piece.hi.is_finite)
            conds = self.interval_conditions(piece, closed_lo, closed_hi)
            regions.append(Region(tuple(conds), tuple(eqs), interval=Interval(
                piece.lo, piece.hi, closed_lo, closed_hi), witness={self.param.name: piece.sample},
                note="several subgame-perfect profiles (some mover is indifferent for every "
                     f"{self.param.name})" if len(eqs) > 1 else ""))
            if piece.hi_gaps and k == len(pieces) - 1:
                regions.append(self.point(piece.hi, piece.hi_gaps, eqs))
        return SymbolicSolution("interval walk", self.space.names, self.space.symbols,
                                self.space.ranges(), dict(self.space.fixed), tuple(regions),
                                tuple(dict.fromkeys(self.notes)))

    def interval_conditions(self, piece: _Piece, closed_lo: bool, closed_hi: bool
                            ) -> list[Condition]:
        """The interval's bounds (with the flips that happen there) and its non-linear gaps."""
        conds = []
        if piece.lo.is_finite and not (closed_lo and piece.lo == self.lo):
            conds.append(Condition(self.x - piece.lo, not closed_lo, _reasons(piece.lo_gaps)))
        if piece.hi.is_finite and not (closed_hi and piece.hi == self.hi):
            conds.append(Condition(piece.hi - self.x, not closed_hi, _reasons(piece.hi_gaps)))
        for gap in _distinct(piece.lo_gaps + piece.hi_gaps):
            if len(gap.coeffs) > 2 and any(c != 0 for c in gap.coeffs[2:]):
                conds.append(Condition(self.expr(gap.coeffs), True, gap.reason))
        return conds

    def point(self, b: sympy.Expr, gaps: list[_Gap], neighbours: list[SymbolicEquilibrium]
              ) -> Region:
        """A breakpoint, where some mover is indifferent: every pure SPE of the exact game at a
        rational ``b``; at an irrational one, the neighbouring intervals' profiles."""
        distinct = _distinct(gaps)
        conds = [Condition(self.x - b, False), Condition(b - self.x, False)]
        note = "tie: " + _reasons(distinct).replace(" over ", " ~ ")
        exact = pure_profiles(self._at(b)) if b.is_Rational else None
        witness = {self.param.name: b} if b.is_Rational else None
        if exact is not None:
            equilibria = self.summaries(exact[0], b)
            note += f"; {exact[1]}" if exact[1] else ""
        else:
            equilibria = neighbours
            why = "an irrational point" if witness is None else "a large tree"
            note += (f"; {why}: the neighbouring intervals' profiles are listed, other profiles "
                     "may also be SPE here (compare lists every distinct outcome)")
        return Region(tuple(conds), tuple(equilibria), interval=Interval(b, b, True, True), tie=True,
                      note=note, witness=witness)

    def summaries(self, choices: list[np.ndarray], sample: sympy.Rational
                  ) -> list[SymbolicEquilibrium]:
        return [self.summary(choice, sample) for choice in choices]

    def summary(self, choice: np.ndarray, sample: sympy.Rational) -> SymbolicEquilibrium:
        """The profile ``choice`` with its quantities as polynomials in the free parameter."""
        tree = self.skeleton
        values = [exact_values(t, choice) for t in self.trees]
        tags = [tag_probabilities(t, realization(t, pure_weights(t, choice, t.edge_prob)))
                for t in self.trees]
        quantities = {f"payoff:{p}": self.expr(self.poly([v[0, i] for v in values]))
                      for i, p in enumerate(tree.players)}
        quantities.update({tag: self.expr(self.poly([t[tag] for t in tags]))
                           for tag in tree.tag_names})
        per_point = [tags_by_policy(t, choice, t.edge_prob, self.model.policies, self.tags)
                     for t in self.trees]
        per_policy = {pol: {k: self.expr(self.poly([r[pol][k] for r in per_point]))
                            for k in found} for pol, found in per_point[0].items()}
        at_s = self._at(sample)
        reach = realization(at_s, pure_weights(at_s, choice, at_s.edge_prob))
        small = tree.num_nodes <= SMALL_TREE
        policy = tree.edge_label[int(choice[0])] if tree.kind[0] == DECISION else None
        return SymbolicEquilibrium(
            kind="spe", choices=all_choices(tree, choice) if small else {},
            choices_scope="all" if small else "path", path=path_choices(tree, choice, reach),
            policy=policy, payoffs={p: quantities[f"payoff:{p}"] for p in tree.players},
            quantities=quantities, policy_tags=per_policy)


def _distinct(gaps: list[_Gap]) -> list[_Gap]:
    """One gap per polynomial up to sign (a flip seen from both sides counts once)."""
    out: dict[tuple[Fraction, ...], _Gap] = {}
    for g in gaps:
        lead = next(c for c in reversed(g.coeffs) if c != 0)
        out.setdefault(tuple(c / abs(lead) * (1 if lead > 0 else -1) for c in g.coeffs), g)
    return list(out.values())


def _reasons(gaps: list[_Gap]) -> str:
    return "; ".join(dict.fromkeys(g.reason for g in _distinct(gaps)))


def _inside(a: sympy.Expr, b: sympy.Expr, fraction: sympy.Rational) -> sympy.Rational:
    """A rational point of ``(a, b)`` (ends may be infinite or algebraic)."""
    if a.is_infinite and b.is_infinite:
        return fraction - sympy.Rational(1, 2)
    if a.is_infinite:
        return sympy.floor(b) - 1 - 1 / fraction  # type: ignore[no-any-return]
    if b.is_infinite:
        return sympy.ceiling(a) + 1 + 1 / fraction  # type: ignore[no-any-return]
    guess = a + (b - a) * fraction
    if guess.is_Rational:
        return guess  # type: ignore[no-any-return]
    return rational_between(a + (b - a) * fraction / 2, a + (b - a) * (1 + fraction) / 2)


def _points(rng: tuple[sympy.Rational, sympy.Rational] | None, count: int
            ) -> list[sympy.Rational]:
    if rng is None or rng[0] == rng[1]:
        return [sympy.Integer(k) for k in range(count)]
    lo, hi = rng
    return [lo + (hi - lo) * sympy.Rational(k + 1, count + 1) for k in range(count)]


def _degree_bound(tree: GameTree, payoffs: np.ndarray, probs: np.ndarray, x: sympy.Symbol,
                  name: str) -> int:
    """Largest degree in ``x`` of any subgame value or realization probability."""
    cache: dict[sympy.Expr, int] = {}

    def degree(e: sympy.Expr) -> int:
        if e not in cache:
            if x not in e.free_symbols:
                cache[e] = 0
            elif e.is_polynomial(x):
                cache[e] = int(sympy.Poly(e, x).degree())
            else:
                raise SolverError(
                    f"model {name!r}: the expression {e} is not a polynomial in {x}; the interval "
                    "walk needs polynomial payoffs and probabilities in the free parameter")
        return cache[e]

    pay = np.array([max(degree(e) for e in row) for row in payoffs], dtype=np.int64)
    prob = np.array([degree(e) if tree.kind[tree.edge_parent[k]] == CHANCE else 0
                     for k, e in enumerate(probs)], dtype=np.int64)
    value = pay.copy()
    reach = np.zeros(tree.num_nodes, dtype=np.int64)
    for node in range(tree.num_nodes - 1, -1, -1):
        edges = tree.edges(node)
        if len(edges):
            kids = tree.child_index[edges.start:edges.stop]
            value[node] = max(value[node], int(np.max(prob[edges.start:edges.stop]
                                                      + value[kids])))
            reach[node] = int(np.max(prob[edges.start:edges.stop] + reach[kids]))
    return int(max(value.max(), reach.max()))
