"""Policy by policy: the game that follows each of the leader's policies, solved and assessed.

For a tree whose root is the leader's choice among ``policies``, each policy's continuation is a
proper subgame. It is solved for all its subgame-perfect equilibria (the generic solver); each
equilibrium gets a :class:`RiskProfile`. A policy's verdict is *robust* when every equilibrium
keeps reliability, *fragile* when only some do, and *fails* when none does. Its headline risks
are the worst over its equilibria. The leader's choice is the root action of the subgame-perfect
equilibria of the whole game. When the whole game has a unique SPE, its restriction to each
policy's subgame is that subgame's unique SPE, so the game is solved once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance_games.analysis.reliability import RISK_KINDS, Number, RiskProfile, risk_profile
from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.solvers import Equilibrium, solve


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
    whole = solve(tree, "spe", max_equilibria=max_equilibria)
    children = tree.children(0)
    actions = tree.actions(0)
    unique = whole.complete and len(whole.equilibria) == 1
    assessments = []
    for policy in model.policies:
        child = int(children[actions.index(policy)])
        subgame = tree.subtree(child)
        if unique:  # a unique SPE restricts to the unique SPE of every subgame
            equilibria: tuple[Equilibrium, ...] = (_restrict(tree, whole.equilibria[0], subgame),)
            complete = True
        else:
            result = solve(subgame, "spe", max_equilibria=max_equilibria)
            equilibria, complete = result.equilibria, result.complete
        profiles = tuple(risk_profile(subgame, eq, tolerances) for eq in equilibria)
        assessments.append(PolicyAssessment(policy, profiles, complete))
    root = tree.infoset_of(0)
    assert root is not None
    choices: list[str] = []
    for eq in whole.equilibria:
        dist = eq.strategies[int(tree.node_infoset[0])]
        choices.extend(a for a, p in zip(root.actions, dist, strict=True) if p > 0)
    leader_choice = tuple(dict.fromkeys(c for c in choices if c in model.policies))
    return PolicyComparison(tuple(assessments), leader_choice, dict(tolerances))


def _restrict(tree: GameTree, eq: Equilibrium, subgame: GameTree) -> Equilibrium:
    """The behaviour of ``eq`` on the information sets of ``subgame`` (matched by name)."""
    index = {s.name: k for k, s in enumerate(tree.infosets)}
    strategies = tuple(eq.strategies[index[s.name]] for s in subgame.infosets)
    # payoffs are left empty: risk_profile computes them with the risks in one pass
    return Equilibrium(strategies, np.empty(0), eq.max_regret, eq.exact)
