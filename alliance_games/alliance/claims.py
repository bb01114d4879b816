"""What every check of the article's propositions shares: the result record, the flagship solved
with the equilibrium selection the checks use, the strict reliability test and the thresholds.

**Equilibrium selection.** The flagship has several perfect Bayesian equilibria in some subgames
(signalling games with off-path beliefs). ``compare`` lists them all and its verdict is the worst
case. The propositions read one: in every subgame with information sets the equilibria best for
the leader are kept (the leader, who moves first, coordinates expectations on the continuation it
likes best; ``compare_policies(select=True)``); of the policy's profiles that remain (ties in
subgames without information sets survive that step) those best for the leader are kept, and where
several of these remain the worst risks among them are taken. :class:`Selected` is that reading
of one policy.

**Strict reliability** (Henry 2020: reliability is allies' confidence that commitments will be
honoured *and* their interest in staying): every risk within its tolerance, and no ally hedges.
An ally that would rather hedge than stay is a reliability failure even when the leader's
abandonment risk it causes is below tolerance. The *tolerance frontier* of a policy is, per risk
kind, its largest risk over the players: the smallest tolerances under which it is reliable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from alliance_games.analysis.policies import PolicyAssessment, PolicyComparison, compare_policies
from alliance_games.analysis.reliability import (
    DEFAULT_TOLERANCES,
    RISK_KINDS,
    Number,
    risk_profile,
    risk_tags,
)
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.tree.perfect_bayesian_subgames import subgame_perfect_bayesian

FLAGSHIP = "alliance_system"
LEADER = "leader"
ALLIES = ("ally_asia", "ally_europe")
TRADITIONAL = ("status_quo", "strengthen_all", "strengthen_asia", "strengthen_europe")
HEDGE_TAGS = tuple(f"hedge:{a}" for a in ALLIES)
CONNECTED = ("connect", "standard", "accept", "accept")
"""The connected continuation: the leader connects and both allies accept (the connection in
place, whatever made the allies consent; the subgame after consent is the same on either terms,
only the transfer paid on the way in differs, so the standard one is read)."""
VERDICT_TAGS = (*risk_tags((LEADER, *ALLIES)), *HEDGE_TAGS, "provocation:asia",
                "provocation:europe", "alignment")
"""Every outcome tag a check's verdict reads (the risks, hedging, provocation, the rivals'
alignment): a verdict-only flagship solves the model with these only
(:meth:`~alliance_games.model.compile.CompiledModel.with_tags`); the war, crisis, incident,
challenge, concession, support and connection tags are read by the figures alone."""
LINKS_OFF = {"capacity_link": 0, "reputation_link": 0}
"""Both links between the branches switched off (P11, and the classic trade-off of P3)."""


@dataclass(frozen=True)
class PropositionResult:
    """One proposition: its statement, verdict and the figures behind it."""

    id: str
    statement: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)


def _r(value: Any) -> float:
    return round(float(value), 4)


@dataclass(frozen=True)
class Selected:
    """One policy under the checks' equilibrium selection (module docstring)."""

    policy: str
    risks: dict[str, dict[str, Number]]  # player -> kind -> worst over the selected profiles
    tags: dict[str, Number]  # tag -> largest probability over the selected profiles
    leader_value: Any  # the leader's expected payoff in the policy's subgame (its costs included)
    cost: Number | None
    tolerances: dict[str, Any]
    measures: dict[str, Number] = field(default_factory=dict)
    """Every measure of the policy (``leader_cost``, ``bargaining``, ...): the largest expected
    value over the selected profiles."""

    @property
    def hedging(self) -> list[str]:
        """The allies that hedge with positive probability."""
        return [t.split(":", 1)[1] for t in HEDGE_TAGS if self.tags.get(t, 0) > 0]

    @property
    def frontier(self) -> dict[str, Number]:
        """Per risk kind, the largest risk over the players (the smallest tolerance that keeps
        the policy reliable)."""
        return {k: max(r[k] for r in self.risks.values()) for k in RISK_KINDS}

    @property
    def within_tolerances(self) -> bool:
        return all(v <= self.tolerances[k] for k, v in self.frontier.items())

    @property
    def reliable(self) -> bool:
        """Strict reliability: within the tolerances and no ally hedging."""
        return self.within_tolerances and not self.hedging

    def risk(self, player: str, kind: str) -> float:
        return _r(self.risks[player][kind])

    def max_ally(self, kind: str) -> float:
        return max(self.risk(a, kind) for a in ALLIES)

    def tag(self, name: str) -> float:
        return _r(self.tags.get(name, 0))

    def measure(self, name: str) -> Number:
        """A measure's expected value (0 where the policy never collects it)."""
        return self.measures.get(name, 0)

    def summary(self) -> dict[str, Any]:
        return {"reliable": self.reliable, "hedging": self.hedging,
                "frontier": {k: _r(v) for k, v in self.frontier.items()},
                "risks": {p: {k: _r(v) for k, v in r.items()} for p, r in self.risks.items()
                          if p == LEADER or p in ALLIES},
                "leader_cost": None if self.cost is None else _r(self.cost)}


def selected(assessment: PolicyAssessment) -> Selected:
    """The leader-best profiles of one policy, read as one (worst risks among ties)."""
    profiles = assessment.profiles
    best = max(p.payoffs[LEADER] for p in profiles)
    chosen = [p for p in profiles if p.payoffs[LEADER] == best]
    risks = {pl: {k: max(p.risks[pl][k] for p in chosen) for k in RISK_KINDS}
             for pl in chosen[0].risks}
    tags: dict[str, Any] = {}
    measures: dict[str, Number] = {}
    for p in chosen:
        for t, v in p.tag_probabilities.items():
            tags[t] = max(tags.get(t, 0), v)
        for m, v in p.measures.items():  # measures may be negative: no 0 to start from
            measures[m] = max(measures[m], v) if m in measures else v
    return Selected(assessment.policy, risks, tags, best, measures.get("leader_cost"),
                    dict(chosen[0].tolerances), measures)


@dataclass(frozen=True)
class Reading:
    """Every policy of the flagship at one parameter point, under the selection, and the
    leader's choice (the policies whose selected value is highest)."""

    policies: dict[str, Selected]
    chosen: tuple[str, ...]
    comparison: PolicyComparison

    def policy(self, name: str) -> Selected:
        return self.policies[name]

    def reliable(self, names: Iterable[str] = TRADITIONAL) -> list[str]:
        return [n for n in names if self.policies[n].reliable]


class Flagship:
    """The flagship model compiled once, read under the selection at a base point (the defaults
    unless ``base`` moves some parameters), with readings cached by parameter values.

    A check that moves a parameter itself (P10's ``rival_count``, a preset's values in P9)
    overrides the base for that reading; every other reading is at the base."""

    def __init__(self, name: str = FLAGSHIP, base: dict[str, Any] | None = None, *,
                 shared: Flagship | None = None, precise: bool = True,
                 verdict_only: bool = False) -> None:
        self.model: SymbolicModel = shared.model if shared is not None else load_model(name)
        self.compiled: CompiledModel = (shared.compiled if shared is not None
                                        else compile_model(self.model))
        if shared is None and base:  # a user's point: names and values checked as --set is
            resolved = self.compiled.resolve(base)
            base = {name: resolved[name] for name in base}
        self.base = {k: Fraction(str(v)) for k, v in (base or {}).items()}
        self.precise = precise
        """``False``: thresholds are bracketed by their interval's ends only (where the claim
        needs no more than the switch's existence in the interval), as robustness runs do."""
        self.verdict_only = verdict_only
        """``True``: a check may stop at the first condition that fails and skip the figures
        that do not decide its verdict (robustness runs read verdicts only); the verdict is the
        same either way, except that a subgame the solvers refuse no longer costs a point its
        verdicts when only a skipped computation would have met it. The solves then carry the
        outcome tags of :data:`VERDICT_TAGS` only (:meth:`_solving`)."""
        self._cache: dict[tuple[tuple[str, str], ...], Reading] = {}
        self._policy: dict[tuple[str, tuple[tuple[str, str], ...]], Selected] = {}

    def at(self, base: dict[str, Any], *, precise: bool | None = None,
           verdict_only: bool | None = None) -> Flagship:
        """The same compiled flagship read at another base point (fresh caches)."""
        return Flagship(base={**self.base, **base}, shared=self,
                        precise=self.precise if precise is None else precise,
                        verdict_only=self.verdict_only if verdict_only is None else verdict_only)

    def _solving(self) -> CompiledModel:
        """The compiled model the solves use: with :data:`VERDICT_TAGS` only when
        ``verdict_only`` (the compiled model makes it once)."""
        return self.compiled.with_tags(VERDICT_TAGS) if self.verdict_only else self.compiled

    def _key(self, values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        merged = {**self.base, **{k: Fraction(str(v)) for k, v in values.items()}}
        return tuple(sorted((k, str(v)) for k, v in merged.items()))

    def read(self, **values: Any) -> Reading:
        """Every policy under the selection (``compare_policies(select=True)``)."""
        key = self._key(values)
        if key not in self._cache:
            tree = self._solving().at({k: Fraction(v) for k, v in key})
            assert isinstance(tree, GameTree)
            comparison = compare_policies(self.model, tree, DEFAULT_TOLERANCES, select=True)
            policies = {p.policy: selected(p) for p in comparison.policies}
            self._cache[key] = Reading(policies, comparison.chosen, comparison)
        return self._cache[key]

    def policy(self, policy: str, **values: Any) -> Selected:
        """One policy under the selection, solving only its own subgame (cached)."""
        key = self._key(values)
        if key in self._cache:
            return self._cache[key].policies[policy]
        return self.continuation((policy,), **values)

    def continuation(self, path: tuple[str, ...], **values: Any) -> Selected:
        """The subgame reached from the root by the actions ``path`` (the first a policy, the
        rest perfect-information moves such as the allies' consent), under the selection,
        solving only that subgame (cached). Its values count only payoffs inside it."""
        key = self._key(values)
        if len(path) == 1 and key in self._cache:  # the same solve as the reading's (read)
            return self._cache[key].policies[path[0]]
        name = "/".join(path)
        if (name, key) not in self._policy:
            assert isinstance(self.model.game, SymbolicTree)
            structure = self.model.game.skeleton
            node = 0
            for action in path:
                node = int(structure.children(node)[structure.actions(node).index(action)])
            # only the continuation's numbers are filled in (not the whole tree's)
            subgame = self._solving().subgame_at({k: Fraction(v) for k, v in key}, node)
            leader = subgame.players.index(LEADER)
            result = subgame_perfect_bayesian(subgame, distinct=True, prefer=leader)
            profiles = tuple(risk_profile(subgame, eq, DEFAULT_TOLERANCES)
                             for eq in result.equilibria)
            self._policy[(name, key)] = selected(PolicyAssessment(path[0], profiles, False))
        return self._policy[(name, key)]

    def default(self, name: str) -> Fraction:
        if name in self.base:
            return self.base[name]
        parameter = self.model.parameter(name)
        assert parameter is not None
        return Fraction(int(parameter.default.p), int(parameter.default.q))

    def upper(self, name: str) -> Fraction:
        parameter = self.model.parameter(name)
        assert parameter is not None and parameter.range is not None
        return Fraction(str(parameter.range[1]))


def bisect(holds: Callable[[Fraction], bool], lo: Fraction, hi: Fraction, *,
           tol: Fraction = Fraction(1, 64), mid: Fraction | None = None,
           precise: bool = True) -> tuple[float, float] | None:
    """Bracket ``[a, b]`` (width <= ``tol``) of the switch of ``holds`` from False at ``lo`` to
    True at ``hi``; ``None`` when there is no such switch between them.

    ``precise=False``: only which side of ``mid`` the switch lies on, ``[lo, mid]`` or
    ``[mid, hi]`` (two or three evaluations instead of a bisection)."""
    if holds(lo) or not holds(hi):
        return None
    if not precise and mid is not None:
        return (float(lo), float(mid)) if holds(mid) else (float(mid), float(hi))
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if holds(mid):
            hi = mid
        else:
            lo = mid
    return float(lo), float(hi)


def pooling_threshold(flagship: Flagship, *, precise: bool | None = None,
                      tol: Fraction = Fraction(1, 64), path: tuple[str, ...] = ("connect",),
                      **values: Any) -> tuple[float, float] | None:
    """Bracket of s*: the pooling level from which ``connect`` keeps (strict) reliability, between
    0 and the top of pooling's range; ``(0, 0)`` when it is reliable without pooling (the other
    pathways suffice), ``None`` when it is not reliable even at the top. ``precise``: bisect to
    ``tol`` (default: as the flagship locates thresholds). ``path``: read on that continuation
    (e.g. connection once both allies have accepted) instead of the whole policy."""
    def holds(s: Fraction) -> bool:
        return flagship.continuation(path, pooling=s, **values).reliable

    if holds(Fraction(0)):
        return 0.0, 0.0
    return bisect(holds, Fraction(0), flagship.upper("pooling"), mid=flagship.default("pooling"),
                  tol=tol, precise=flagship.precise if precise is None else precise)

