"""``solve --symbolic``: equilibria as functions of the free parameters, with derivative signs.

:func:`solve_symbolic` loads a model, fixes every parameter that is not free (defaults or
``--set`` values), and dispatches:

* normal form (two players, small): support enumeration in closed form
  (:mod:`alliance_games.solvers.symbolic.mixed`);
* tree with one free parameter: the interval walk (:mod:`alliance_games.solvers.symbolic.walk`),
  for trees of any size whose payoffs and probabilities are polynomial in that parameter;
* small tree otherwise: symbolic backward induction (:mod:`alliance_games.solvers.symbolic.spe`);
* tree with information sets: two-type sender-receiver games, every perfect Bayesian
  equilibrium by support enumeration (:mod:`alliance_games.solvers.symbolic.signalling`);
  other games with information sets are refused.

**Derivatives.** For a free parameter ``theta`` (``--derivative``) and every equilibrium
quantity ``Q`` of a region (mixed probabilities, payoffs, tag probabilities and, per policy,
every player's abandonment and entrapment risks), the sign of ``dQ/dtheta`` on the region is
decided exactly where possible (:func:`~alliance_games.solvers.symbolic.simplify.sign_on`):
``+``, ``-``, ``0``, ``depends`` (with the condition under which it is positive) or
``undetermined``. Derivatives are taken inside regions; at breakpoints the quantities jump.

**Verdicts.** A policy keeps reliability in an SPE when each of its risks is at most the
tolerance (:mod:`alliance_games.analysis.reliability`); with risks that vary inside a region the
verdict is decided on the region like a sign (``reliable``, ``unreliable`` or ``depends``).
Over a region's equilibria a policy is then *robust* (reliable in every equilibrium), *fragile*
(in some) or *fails* (in none), the verdicts ``compare`` gives at a point of the region: at a
tie, where several equilibria hold, both read the same set. A region where some equilibrium's
verdict ``depends`` gets ``depends`` unless the others already make it fragile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from alliance_games.analysis.reliability import parse_tolerances, risk_tags
from alliance_games.errors import ParameterError, SolverError
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.symbolic.conditions import feasible
from alliance_games.solvers.symbolic.result import Condition, Region, SymbolicSolution
from alliance_games.solvers.symbolic.simplify import sign_on
from alliance_games.solvers.symbolic.space import SMALL_TREE, choose_space
from alliance_games.solvers.symbolic.spe import symbolic_spe
from alliance_games.solvers.symbolic.walk import walk


@dataclass(frozen=True)
class DerivativeSign:
    """The sign of ``derivative`` on a region; ``condition`` says where it is positive."""

    sign: str
    derivative: sympy.Expr
    condition: Condition | None = None


Signs = dict[str, DerivativeSign]


@dataclass(frozen=True, eq=False)
class SymbolicRun:
    """A symbolic solution with derivative signs and policy verdicts per region and equilibrium."""

    model: SymbolicModel
    solution: SymbolicSolution
    derivative: str | None
    derivatives: tuple[tuple[Signs, ...], ...]  # region -> equilibrium -> quantity -> sign
    verdicts: tuple[tuple[dict[str, str], ...], ...]  # region -> equilibrium -> policy -> verdict
    tolerances: dict[str, Any]

    @property
    def policy_verdicts(self) -> tuple[dict[str, str], ...]:
        """Region -> policy -> ``robust`` / ``fragile`` / ``fails`` over its equilibria (or
        ``depends`` / ``undetermined``; see the module docstring)."""
        return tuple(policy_verdicts(per_eq) for per_eq in self.verdicts)


def solve_symbolic(source: str, assignments: Mapping[str, Any] | None = None,
                   free: Sequence[str] | None = None, derivative: str | None = None,
                   tolerances: Mapping[str, Any] | None = None) -> SymbolicRun:
    """Solve ``source`` symbolically in the ``free`` parameters (see the module docstring)."""
    model = load_model(source)
    compiled = compile_model(model)
    assignments = dict(assignments or {})
    resolved = compiled.resolve(assignments)
    game = model.game
    nodes = game.skeleton.num_nodes if isinstance(game, SymbolicTree) else None
    space = choose_space(model, resolved, free, tuple(assignments), tree_nodes=nodes)
    if derivative is not None and derivative not in space.names:
        free_names = ", ".join(space.names) or "none"
        raise ParameterError(f"--derivative {derivative}: not a free parameter (free: "
                             f"{free_names}); add --free {derivative}")
    tags = risk_tags(model.players)
    if nodes is None:
        from alliance_games.solvers.symbolic.mixed import symbolic_mixed

        solution = symbolic_mixed(model, space)
    elif not game.skeleton.is_perfect_information:  # type: ignore[union-attr]
        from alliance_games.solvers.symbolic.signalling import symbolic_signalling

        solution = symbolic_signalling(model, space)
    elif len(space.free) == 1:
        try:
            solution = walk(model, compiled, space, policy_tags=tags)
        except SolverError:
            if nodes > SMALL_TREE or not game.skeleton.is_perfect_information:  # type: ignore[union-attr]
                raise
            solution = symbolic_spe(model, space, policy_tags=tags)
    else:
        solution = symbolic_spe(model, space, policy_tags=tags)
    tol = parse_tolerances(tolerances)
    bounds = {p.symbol: p.range for p in space.free}
    symbol = model.parameter(derivative).symbol if derivative else None  # type: ignore[union-attr]
    derivatives = tuple(
        tuple(_signs(r, eq_quantities(e), symbol, bounds) for e in r.equilibria)
        for r in solution.regions)
    verdicts = tuple(
        tuple({pol: _verdict(r, risks, tol, bounds) for pol, risks in e.policy_tags.items()}
              for e in r.equilibria)
        for r in solution.regions)
    return SymbolicRun(model, solution, derivative, derivatives, verdicts, dict(tol))


def policy_verdicts(per_eq: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Per policy, the verdict over equilibria whose own verdicts are ``per_eq``."""
    out: dict[str, str] = {}
    for policy in dict.fromkeys(p for verdicts in per_eq for p in verdicts):
        seen = {verdicts[policy] for verdicts in per_eq if policy in verdicts}
        if seen == {"reliable"}:
            out[policy] = "robust"
        elif seen == {"unreliable"}:
            out[policy] = "fails"
        elif {"reliable", "unreliable"} <= seen:
            out[policy] = "fragile"
        else:
            out[policy] = "depends" if "depends" in seen else "undetermined"
    return out


def eq_quantities(eq: Any) -> dict[str, sympy.Expr]:
    """Every quantity of an equilibrium, policy risks included as ``policy/tag``."""
    out = dict(eq.quantities)
    for policy, risks in eq.policy_tags.items():
        out.update({f"{policy}/{tag}": value for tag, value in risks.items()})
    return out


def _signs(region: Region, quantities: dict[str, sympy.Expr], symbol: sympy.Symbol | None,
           bounds: dict) -> Signs:
    if symbol is None or (region.interval is not None and region.interval.is_point):
        return {}
    out: Signs = {}
    cache: dict[sympy.Expr, DerivativeSign] = {}
    for name, q in quantities.items():
        d = sympy.cancel(sympy.diff(sympy.Integer(0) + q, symbol))
        if d not in cache:
            sign, cond = sign_on(d, region.conditions, bounds)
            cache[d] = DerivativeSign(sign, d, cond)
        out[name] = cache[d]
    return out


def _verdict(region: Region, risks: dict[str, sympy.Expr], tolerances: Mapping[str, Any],
             bounds: dict) -> str:
    """``reliable`` / ``unreliable`` / ``depends`` / ``undetermined`` on the region."""
    above_possible = False
    undecided = False
    for name, risk in risks.items():
        kind = name.split(":", 1)[0]
        tol = sympy.Rational(str(tolerances[kind]))
        excess = sympy.cancel(risk - tol)
        if excess.is_number:
            if excess > 0:
                return "unreliable"
            continue
        over, _ = feasible([*region.conditions, Condition(excess, True)], bounds)
        within, _ = feasible([*region.conditions, Condition(-excess, False)], bounds)
        if within is False:
            return "unreliable"
        if over is None or within is None:
            undecided = True
        elif over:
            above_possible = True
    if undecided:
        return "undetermined"
    return "depends" if above_possible else "reliable"
