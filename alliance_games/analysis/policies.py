"""Policy by policy: the game that follows each of the root player's policies, solved and assessed.

For a tree whose root is a choice among ``policies`` (the root player is the policy maker), each
policy's continuation is a proper subgame. It is solved for all its subgame-perfect equilibria
(the generic solver); each equilibrium gets a :class:`RiskProfile`. A policy's verdict is
*robust* when every equilibrium keeps reliability, *fragile* when only some do, and *fails* when
none does. Its headline risks are the worst over its equilibria. The root player's choice is the
root action of the subgame-perfect equilibria of the whole game. When the whole game has a unique
SPE, its restriction to each policy's subgame is that subgame's unique SPE, so the game is solved
once.

A policy's *cost* is the measure named ``<root player>_cost`` when the model declares one
(:func:`cost_measure`); it is reported like the other measures and carried by the batch solvers.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import numpy as np

from alliance_games.analysis.forked import fork_map
from alliance_games.analysis.reliability import (
    RISK_KINDS,
    Number,
    RiskProfile,
    risk_profile,
    risk_tag,
)
from alliance_games.errors import SolverError
from alliance_games.games.tree import GameTree
from alliance_games.solvers import Equilibrium, solve
from alliance_games.solvers.tree.backward_induction import induct
from alliance_games.solvers.tree.merged_tree import merge_ids
from alliance_games.solvers.tree.spe_outcomes import spe_outcomes
from alliance_games.solvers.tree.subgame_perfect import unique_result

COST_SUFFIX = "_cost"
OUTCOME_NODES = 2_000  # trees at least this big are assessed by outcomes when they have ties


class PolicyModel(Protocol):
    """What a comparison reads from a model: its name and the policies its root offers (a
    :class:`~alliance_games.model.symbolic.SymbolicModel` or a cached
    :class:`~alliance_games.model.numeric_model.NumericModel`)."""

    @property
    def name(self) -> str: ...

    @property
    def policies(self) -> tuple[str, ...]: ...


def cost_measure(tree: GameTree, measures: Collection[str] | None = None) -> str | None:
    """The policy cost: the measure ``<root player>_cost`` when ``measures`` (default: the tree's)
    include it, else ``None`` (also when the root is no decision node)."""
    root = tree.infoset_of(0)
    if root is None:
        return None
    name = tree.players[root.player] + COST_SUFFIX
    return name if name in (tree.measures if measures is None else measures) else None


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

    @property
    def frontier(self) -> dict[str, Number]:
        """The tolerance frontier: per risk kind, the largest risk over the players and the
        equilibria, i.e. the smallest tolerances under which the policy is reliable (robust)."""
        risks = self.risks
        return {k: max((r[k] for r in risks.values()), default=Fraction(0)) for k in RISK_KINDS}

    def measure(self, name: str) -> Number | None:
        values = [p.measures[name] for p in self.profiles if name in p.measures]
        return max(values) if values else None


@dataclass(frozen=True)
class PolicyComparison:
    """Every policy assessed, and the policies the root player picks in the whole game's SPE."""

    policies: tuple[PolicyAssessment, ...]
    chosen: tuple[str, ...]
    tolerances: dict[str, Number]
    cost: str | None = None
    """The measure that is the policy cost (:func:`cost_measure`), if the model declares one."""
    selected: bool = False
    """Only the equilibria best for the root player were kept in subgames with information sets
    (``compare_policies(select=True)``)."""

    def policy(self, name: str) -> PolicyAssessment:
        return next(p for p in self.policies if p.policy == name)

    def policy_cost(self, policy: PolicyAssessment) -> Number | None:
        """The policy's cost: the worst over its equilibria, or ``None`` without a cost measure."""
        return policy.measure(self.cost) if self.cost is not None else None


def compare_policies(model: PolicyModel, tree: Any, tolerances: Mapping[str, Number], *,
                     max_equilibria: int | None = None, outcomes: bool | None = None,
                     select: bool = False, workers: int = 1) -> PolicyComparison:
    """Assess every policy of ``model`` (a tree whose root offers the policies).

    Large exact perfect-information trees with ties (or any, with ``outcomes=True``) are
    assessed by their distinct subgame-perfect outcomes on the tree with identical subtrees
    merged (:func:`compare_by_outcomes`) instead of by enumerating equilibria, whose number
    multiplies with every copy of a tie; each profile then stands for one distinct outcome.

    ``select`` (trees with information sets): keep, in every subgame with information sets, only
    the equilibria best for the root player (:func:`compare_by_subgames`); ``workers``: solve
    their policies' subgames in that many processes at once.
    """
    if not model.policies or not isinstance(tree, GameTree):
        raise SolverError(f"model {model.name!r} declares no policies on a game tree; "
                          "compare needs a tree whose root is the policy choice")
    whole = None
    if outcomes is None and tree.exact and tree.is_perfect_information and \
            tree.num_nodes >= OUTCOME_NODES and set(tree.measures) <= {cost_measure(tree)}:
        fast = induct(tree)  # one induction: the unique SPE, or the ties that call for outcomes
        outcomes = bool(fast.ties.any())
        if not outcomes:
            whole = unique_result(tree, fast)
    if outcomes:
        found = compare_by_outcomes(model, tree, tolerances)
        if found is not None:
            return found
    if whole is None and not tree.is_perfect_information:
        return compare_by_subgames(model, tree, tolerances, select=select, workers=workers)
    if whole is None:
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
    chosen = tuple(dict.fromkeys(c for c in choices if c in model.policies))
    return PolicyComparison(tuple(assessments), chosen, dict(tolerances), cost_measure(tree))


def compare_by_subgames(model: PolicyModel, tree: GameTree, tolerances: Mapping[str, Number],
                        *, select: bool = False, workers: int = 1) -> PolicyComparison:
    """Trees with information sets: every policy's distinct perfect Bayesian outcomes, subgame by
    subgame (:func:`~alliance_games.solvers.tree.perfect_bayesian_subgames.subgame_perfect_bayesian`
    with ``distinct``), and the root player's best policies by their values.

    ``select``: in every subgame with information sets only the equilibria best for the root
    player are kept (``prefer`` of ``subgame_perfect_bayesian``: the policy maker coordinates
    expectations on the continuation it likes best); the assessments are then marked incomplete.

    ``workers``: solve the policies' subgames in that many processes at once
    (:func:`~alliance_games.analysis.forked.fork_map`; the same result).
    """
    from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian

    children, actions = tree.children(0), tree.actions(0)
    root = tree.infoset_of(0)
    assert root is not None
    mover = root.player
    own = tree.node_payoffs[0][mover]
    assessments, best, chosen = [], None, []
    values: dict[str, Any] = {}

    def assess(k: int) -> tuple[PolicyAssessment | None, list[Any]]:
        subgame = tree.subtree(int(children[k]))
        try:
            result = subgame_perfect_bayesian(subgame, distinct=True,
                                              prefer=mover if select else None)
        except SolverError as error:
            raise SolverError(f"policy {actions[k]}: {error}") from error
        found = None
        if actions[k] in model.policies:
            profiles = tuple(risk_profile(subgame, eq, tolerances) for eq in result.equilibria)
            found = PolicyAssessment(actions[k], profiles, result.complete)
        return found, [own + eq.payoffs[mover] for eq in result.equilibria]

    sizes = (tree.subtree_end[children] - children).tolist()
    for k, (found, options) in enumerate(fork_map(assess, range(len(children)),
                                                  workers=workers, costs=sizes)):
        if found is not None:
            assessments.append(found)
        values[actions[k]] = options
    for action, options in values.items():
        top = max(options, default=None)
        if top is None:
            continue
        if best is None or top > best:
            best, chosen = top, [action]
        elif top == best:
            chosen.append(action)
    order = {p: k for k, p in enumerate(model.policies)}
    assessments.sort(key=lambda a: order[a.policy])
    return PolicyComparison(tuple(assessments), tuple(c for c in chosen if c in model.policies),
                            dict(tolerances), cost_measure(tree), selected=select)


def compare_by_outcomes(model: PolicyModel, tree: GameTree, tolerances: Mapping[str, Number]
                        ) -> PolicyComparison | None:
    """Every policy's distinct subgame-perfect outcomes, exactly, on the merged tree
    (:mod:`~alliance_games.solvers.tree.spe_outcomes`); ``None`` if the tree cannot be merged."""
    ids: dict[Any, int] = {}

    def index(values: np.ndarray) -> np.ndarray:
        flat = [ids.setdefault(v, len(ids)) for v in values.ravel().tolist()]
        return np.array(flat, dtype=np.int64).reshape(values.shape)

    pay_ids, prob_ids = index(tree.node_payoffs), index(tree.edge_prob)
    cost = cost_measure(tree)
    cost_ids = index(tree.measures[cost]) if cost is not None else None
    merged = merge_ids(tree, pay_ids, prob_ids, cost_ids, model.policies, tree.tag_names)
    if merged is None:
        return None
    numbers = np.array(list(ids), dtype=object)
    found = spe_outcomes(merged, numbers)
    n = len(tree.players)
    zero = Fraction(0)
    assessments = []
    for k, policy in enumerate(model.policies):
        profiles = []
        for outcome in found.policies[k]:
            tags: dict[str, Number] = {
                merged.tags[t]: outcome[n + 1 + j] for j, t in enumerate(found.tags)
                if outcome[n + 1 + j] != 0}
            risks: dict[str, dict[str, Number]] = {
                p: {kind: tags.get(risk_tag(kind, p), zero) for kind in RISK_KINDS}
                for p in tree.players}
            measures: dict[str, Number] = {cost: outcome[n]} if cost is not None else {}
            payoffs: dict[str, Number] = dict(zip(tree.players, outcome[:n], strict=True))
            profiles.append(RiskProfile(risks, payoffs, measures, tags, dict(tolerances)))
        assessments.append(PolicyAssessment(policy, tuple(profiles), found.complete[k]))
    chosen = tuple(model.policies[i] for i in found.chosen)
    return PolicyComparison(tuple(assessments), chosen, dict(tolerances), cost_measure(tree))


def _restrict(tree: GameTree, eq: Equilibrium, subgame: GameTree) -> Equilibrium:
    """The behaviour of ``eq`` on the information sets of ``subgame`` (matched by name)."""
    index = {s.name: k for k, s in enumerate(tree.infosets)}
    strategies = tuple(eq.strategies[index[s.name]] for s in subgame.infosets)
    # payoffs are left empty: risk_profile computes them with the risks in one pass
    return Equilibrium(strategies, np.empty(0), eq.max_regret, eq.exact)
