"""Policy by policy: the game that follows each of the leader's policies, solved and assessed.

For a tree whose root is the leader's choice among ``policies``, each policy's continuation is a
proper subgame. It is solved for all its subgame-perfect equilibria (the generic solver); each
equilibrium gets a :class:`RiskProfile`. A policy's verdict is *robust* when every equilibrium
keeps reliability, *fragile* when only some do, and *fails* when none does. Its headline risks
are the worst over its equilibria. The leader's choice is the root action of the subgame-perfect
equilibria of the whole game.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from alliance_games.analysis.reliability import RISK_KINDS, Number, RiskProfile, risk_profile
from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.solvers import solve


@dataclass(frozen=True)
class PolicyAssessment:
    """One policy: its equilibria's risk profiles and the verdict."""

    policy: str
    profiles: tuple[RiskProfile, ...]
    complete: bool

    @property
    def verdict(self) -> str:
        kept = [p.reliable for p in self.profiles]
        if kept and all(kept):
            return "robust"
        return "fragile" if any(kept) else "fails"

    @property
    def reliable(self) -> bool:
        return self.verdict == "robust"

    @property
    def risks(self) -> dict[str, dict[str, Number]]:
        """Worst risk of each kind for each player over the equilibria."""
        players = self.profiles[0].risks if self.profiles else {}
        return {p: {k: max(prof.risks[p][k] for prof in self.profiles) for k in RISK_KINDS}
                for p in players}

    def measure(self, name: str) -> Number | None:
        values = [p.measures[name] for p in self.profiles if name in p.measures]
        return max(values) if values else None


@dataclass(frozen=True)
class PolicyComparison:
    """Every policy assessed, and the policy the leader picks in the whole game's SPE."""

    policies: tuple[PolicyAssessment, ...]
    leader_choice: tuple[str, ...]
    tolerances: dict[str, Number]

    def policy(self, name: str) -> PolicyAssessment:
        return next(p for p in self.policies if p.policy == name)


def compare_policies(model: SymbolicModel, tree: Any, tolerances: Mapping[str, Number], *,
                     max_equilibria: int | None = None) -> PolicyComparison:
    """Assess every policy of ``model`` (a tree whose root offers the policies)."""
    if not model.policies or not isinstance(tree, GameTree):
        raise SolverError(f"model {model.name!r} declares no policies on a game tree; "
                          "compare needs a tree whose root is the leader's policy choice")
    assessments = []
    children = tree.children(0)
    actions = tree.actions(0)
    for policy in model.policies:
        child = int(children[actions.index(policy)])
        subgame = tree.subtree(child)
        result = solve(subgame, "spe", max_equilibria=max_equilibria)
        profiles = tuple(risk_profile(subgame, eq, tolerances) for eq in result.equilibria)
        assessments.append(PolicyAssessment(policy, profiles, result.complete))
    whole = solve(tree, "spe", max_equilibria=max_equilibria)
    root = tree.infoset_of(0)
    assert root is not None
    choices = []
    for eq in whole.equilibria:
        dist = eq.strategies[int(tree.node_infoset[0])]
        choices.extend(a for a, p in zip(root.actions, dist, strict=True) if p > 0)
    leader_choice = tuple(dict.fromkeys(c for c in choices if c in model.policies))
    return PolicyComparison(tuple(assessments), leader_choice, dict(tolerances))
