"""Result types of the symbolic solvers: regions of the parameter space and their equilibria.

A :class:`SymbolicSolution` covers the *free* parameters' box (the product of their declared
ranges) with :class:`Region` objects. Each region is a conjunction of :class:`Condition`
inequalities ``expr > 0`` (or ``expr >= 0``) over the free parameters, together with the
equilibria that hold there; equilibrium quantities (probabilities, payoffs, tag probabilities)
are sympy expressions in the free parameters.

* Trees (subgame-perfect equilibria): the regions partition the box up to boundaries. With one
  free parameter a region is an interval (open, closed or half-open) or a single breakpoint,
  where some mover is indifferent (a tie).
* Normal forms: one region per equilibrium (its existence region); regions of different
  equilibria overlap wherever several equilibria coexist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

VERIFIED, NOT_VERIFIED = "verified", "not verified"


@dataclass(frozen=True)
class Condition:
    """The inequality ``expr > 0`` (``strict``) or ``expr >= 0``, with where it comes from."""

    expr: sympy.Expr
    strict: bool = True
    reason: str = ""

    def relational(self) -> sympy.Basic:
        """The condition as a sympy relation, constant moved to the right (``2*x - y > 3``)."""
        constant, rest = self.expr.as_coeff_Add()
        if rest == 0:
            rest, constant = self.expr, sympy.Integer(0)
        relation = sympy.StrictGreaterThan if self.strict else sympy.GreaterThan
        # a single negative-coefficient term reads better flipped: ``3 - x > 0`` -> ``x < 3``
        coeff, term = rest.as_coeff_Mul()
        if coeff.is_negative and term.is_Symbol:
            other = sympy.StrictLessThan if self.strict else sympy.LessThan
            return other(term, constant / -coeff, evaluate=False)
        return relation(rest, -constant, evaluate=False)

    def plain(self) -> str:
        return str(self.relational())

    def latex(self) -> str:
        return sympy.latex(self.relational())


@dataclass(frozen=True)
class Interval:
    """An interval of one free parameter (``lo == hi`` with both ends closed: a point)."""

    lo: sympy.Expr
    hi: sympy.Expr
    lo_closed: bool
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return bool(self.lo == self.hi)

    def text(self, name: str) -> str:
        if self.is_point:
            return f"{name} = {self.lo}"
        left = "[" if self.lo_closed else "("
        right = "]" if self.hi_closed else ")"
        return f"{name} in {left}{self.lo}, {self.hi}{right}"


@dataclass(frozen=True)
class SymbolicEquilibrium:
    """One equilibrium with its numbers as expressions in the free parameters.

    ``strategies``: normal forms, player -> strategy -> probability; trees, infoset -> chosen
    action (``choices_scope`` says whether every decision node is listed, ``"all"``, or only
    those on the equilibrium path, ``"path"``). ``quantities`` are the equilibrium quantities
    whose derivatives ``--derivative`` signs (probabilities, tag probabilities, payoffs);
    ``policy_tags`` gives, per policy (a root action), the probabilities of the tags the caller
    asked for within that policy's subgame.
    """

    kind: str  # "spe", "pure", "mixed", or a PBE's "pooling", "separating", "semi-separating"
    strategies: dict[str, dict[str, sympy.Expr]] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    choices_scope: str = "all"
    path: tuple[str, ...] = ()
    policy: str | None = None
    payoffs: dict[str, sympy.Expr] = field(default_factory=dict)
    quantities: dict[str, sympy.Expr] = field(default_factory=dict)
    policy_tags: dict[str, dict[str, sympy.Expr]] = field(default_factory=dict)
    beliefs: dict[str, dict[str, sympy.Expr]] = field(default_factory=dict)
    """Games with information sets: information set -> node (type) -> probability; after an
    unsent message a belief symbol ``mu_<set>`` whose admissible values the region states."""


@dataclass(frozen=True)
class Region:
    """A set of parameter values (the conjunction of ``conditions``) and its equilibria.

    ``feasibility`` is ``"verified"`` when a point satisfying every condition was found (or the
    region's interval is non-empty), ``"not verified"`` when neither feasibility nor
    infeasibility could be proved (the region is then kept, never silently dropped).
    """

    conditions: tuple[Condition, ...]
    equilibria: tuple[SymbolicEquilibrium, ...]
    feasibility: str = VERIFIED
    interval: Interval | None = None
    tie: bool = False
    note: str = ""
    witness: dict[str, sympy.Expr] | None = None  # a point of the region, when one is known


@dataclass(frozen=True)
class SymbolicSolution:
    """Every region of the free parameters' box with its equilibria."""

    method: str
    free: tuple[str, ...]
    symbols: tuple[sympy.Symbol, ...]
    ranges: dict[str, tuple[sympy.Expr, sympy.Expr] | None]
    fixed: dict[str, sympy.Rational]
    regions: tuple[Region, ...]
    warnings: tuple[str, ...] = ()
    pruned: int = 0  # branches or supports proved infeasible and dropped
