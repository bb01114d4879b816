"""Where a policy's reliability verdict changes along one parameter, by exact bisection.

The verdict at a point comes from all the subgame-perfect equilibria of the policy's subgame,
solved exactly; the bracket ``[below, above]`` shrinks until it is narrower than ``tol``
(:func:`~alliance_games.analysis.sweep.crossing.bisect`). The exact point is then sought in two
ways:

* an indifference point (some mover's choice flips inside the bracket) comes from the symbolic
  payoffs (:func:`alliance_games.analysis.sweep.boundary.symbolic_boundary`), kept when exact
  solves just beside it confirm it (:func:`~alliance_games.analysis.sweep.crossing.confirmed`);
* otherwise, e.g. where a risk crosses its tolerance while the equilibrium stays the same,
  :func:`~alliance_games.analysis.sweep.crossing.locate` fits every equilibrium's risks (minus
  their tolerances), probabilities and payoff gaps as rational functions of the parameter beside
  the bracket and confirms a root by exact solves on both sides of it.

Only the model's declared policies can be followed; chance outcomes at the root never are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, RISK_KINDS, risk_profile
from alliance_games.analysis.sweep.crossing import Observation, bisect, confirmed, locate
from alliance_games.analysis.sweep.watch import interval
from alliance_games.analysis.tree_equilibria import tree_equilibria
from alliance_games.errors import ParameterError, SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.compile import CompiledModel
from alliance_games.solvers import solve
from alliance_games.solvers.result import Equilibrium, SolverResult


@dataclass(frozen=True)
class Threshold:
    parameter: str
    policy: str
    below: Fraction  # last value with the verdict found at the start of the interval
    above: Fraction  # first value with the other verdict
    verdict_below: bool
    verdict_above: bool
    symbolic: sympy.Expr | None

    @property
    def threshold(self) -> float:
        return float(self.symbolic) if self.symbolic is not None else \
            float((self.below + self.above) / 2)


def check_policy(compiled: CompiledModel, policy: str) -> None:
    """Refuse a ``policy`` the model does not declare, saying what to use instead."""
    model = compiled.model
    if not model.policies:
        from alliance_games.analysis.sweep.quantities import Vocabulary

        examples = Vocabulary.of(compiled.at(compiled.resolve(), exact=False)).examples()
        raise ParameterError(f"model {model.name!r} declares no policies, so there is no policy "
                             f"to follow; watch an equilibrium quantity instead: --watch "
                             f"QUANTITY (this model: {examples})")
    if policy not in model.policies:
        raise ParameterError(f"unknown policy {policy!r} (declared policies of "
                             f"{model.name!r}: {', '.join(model.policies)})")
    if not model.is_tree:
        raise SolverError(f"model {model.name!r} is a normal form: its policies (strategies of "
                          f"{model.players[0]!r}) are compared by compare; threshold follows "
                          "the policies of game trees (use --watch QUANTITY)")


def _equilibria(subgame: GameTree) -> SolverResult:
    """A policy subgame's equilibria: ``spe``, or with information sets every distinct perfect
    Bayesian outcome (:func:`~alliance_games.analysis.tree_equilibria.tree_equilibria`)."""
    if subgame.is_perfect_information:
        return solve(subgame, "spe")
    return tree_equilibria(subgame, distinct=True)


def policy_subgame(compiled: CompiledModel, policy: str, values: Mapping[str, Any]) -> GameTree:
    """The subgame that follows the declared ``policy`` at ``values``."""
    check_policy(compiled, policy)
    tree = compiled.at(values)
    assert isinstance(tree, GameTree)
    return tree.subtree(int(tree.children(0)[tree.actions(0).index(policy)]))


def policy_reliable(compiled: CompiledModel, policy: str, values: Mapping[str, Any],
                    tolerances: Mapping[str, Any] = DEFAULT_TOLERANCES) -> bool:
    """Whether ``policy`` keeps reliability in every SPE of its subgame at ``values`` (with
    information sets: every distinct perfect Bayesian outcome, ``tree_equilibria``)."""
    subgame = policy_subgame(compiled, policy, values)
    result = _equilibria(subgame)
    return all(risk_profile(subgame, eq, tolerances).reliable for eq in result.equilibria)


def find_threshold(compiled: CompiledModel, parameter: str, lo: Any, hi: Any, policy: str, *,
                   values: Mapping[str, Any] | None = None,
                   tolerances: Mapping[str, Any] = DEFAULT_TOLERANCES,
                   tol: Fraction = Fraction(1, 10_000)) -> Threshold | None:
    """The change of ``policy``'s verdict in ``parameter`` between ``lo`` and ``hi``, if any."""
    check_policy(compiled, policy)
    a, b = interval(compiled, parameter, lo, hi)
    values = dict(values or {})
    cache: dict[Fraction, Observation] = {}

    def observe(x: Fraction) -> Observation:
        if x not in cache:
            subgame = policy_subgame(compiled, policy, {**values, parameter: x})
            found = _equilibria(subgame).equilibria
            kept = all(risk_profile(subgame, eq, tolerances).reliable for eq in found)
            cache[x] = Observation(subgame, found, kept)
        return cache[x]

    bracket = bisect(lambda x: observe(x).state, a, b, tol)
    if bracket is None:
        return None
    symbolic = None
    try:
        from alliance_games.analysis.sweep.boundary import symbolic_boundary

        symbolic = symbolic_boundary(compiled.model, compiled, parameter, bracket.below,
                                     bracket.above, policy=policy, values=values)
    except (SolverError, NotImplementedError, ValueError):
        symbolic = None
    if symbolic is not None and not confirmed(observe, bracket, (a, b), symbolic):
        symbolic = None  # e.g. a tree with information sets, which backward induction misreads
    if symbolic is None:
        def risks(game: NormalFormGame | GameTree, eq: Equilibrium) -> dict[str, Fraction]:
            assert isinstance(game, GameTree)
            found = risk_profile(game, eq, tolerances).risks
            return {f"{kind}:{player}": Fraction(found[player][kind])
                    - Fraction(str(tolerances[kind]))
                    for player in found for kind in RISK_KINDS}

        symbolic = locate(observe, bracket, (a, b), targets=risks)
    return Threshold(parameter, policy, bracket.below, bracket.above,
                     bool(bracket.state_below), bool(bracket.state_above), symbolic)
