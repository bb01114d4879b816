"""Where a policy's reliability verdict changes along one parameter, by exact bisection.

The verdict at a point comes from all the subgame-perfect equilibria of the policy's subgame,
solved exactly; the bracket ``[below, above]`` shrinks until it is narrower than ``tol``. With a
tree model the exact boundary is then derived from the symbolic payoffs
(:func:`alliance_games.analysis.sweep.boundary.symbolic_boundary`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, risk_profile
from alliance_games.errors import ParameterError, SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.compile import CompiledModel, parse_value
from alliance_games.solvers import solve


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


def policy_reliable(compiled: CompiledModel, policy: str, values: Mapping[str, Any],
                    tolerances: Mapping[str, Any] = DEFAULT_TOLERANCES) -> bool:
    """Whether ``policy`` keeps reliability in every SPE of its subgame at ``values``."""
    tree = compiled.at(values)
    if not isinstance(tree, GameTree):
        raise SolverError("thresholds follow a policy of a game tree; this model is a normal form")
    actions = tree.actions(0)
    if policy not in actions:
        raise ParameterError(f"unknown policy {policy!r} (policies: {', '.join(actions)})")
    subgame = tree.subtree(int(tree.children(0)[actions.index(policy)]))
    result = solve(subgame, "spe")
    return all(risk_profile(subgame, eq, tolerances).reliable for eq in result.equilibria)


def find_threshold(compiled: CompiledModel, parameter: str, lo: Any, hi: Any, policy: str, *,
                   values: Mapping[str, Any] | None = None,
                   tolerances: Mapping[str, Any] = DEFAULT_TOLERANCES,
                   tol: Fraction = Fraction(1, 10_000)) -> Threshold | None:
    """The change of ``policy``'s verdict in ``parameter`` between ``lo`` and ``hi``, if any."""
    if compiled.model.parameter(parameter) is None:
        valid = ", ".join(p.name for p in compiled.model.parameters)
        raise ParameterError(f"unknown parameter {parameter!r} (valid parameters: {valid})")
    values = dict(values or {})
    a, b = Fraction(str(parse_value(lo))), Fraction(str(parse_value(hi)))
    if a >= b:
        raise ParameterError(f"--between needs A < B, got {lo}:{hi}")
    start = policy_reliable(compiled, policy, {**values, parameter: a}, tolerances)
    end = policy_reliable(compiled, policy, {**values, parameter: b}, tolerances)
    if start == end:
        return None
    while b - a > tol:
        mid = (a + b) / 2
        if policy_reliable(compiled, policy, {**values, parameter: mid}, tolerances) == start:
            a = mid
        else:
            b = mid
    symbolic = None
    try:
        from alliance_games.analysis.sweep.boundary import symbolic_boundary

        symbolic = symbolic_boundary(compiled.model, compiled, parameter, a, b, policy=policy,
                                     values=values)
    except (SolverError, NotImplementedError, ValueError):
        symbolic = None
    return Threshold(parameter, policy, a, b, start, end, symbolic)
