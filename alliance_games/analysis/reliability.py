"""Abandonment and entrapment risk of every player under an equilibrium, and reliability.

Outcome tags ``abandonment:<player>`` and ``entrapment:<player>`` mark the nodes where a player is
abandoned or entrapped (see ``docs/explanation/the-model.md``). A player's risk of a kind is the
probability that the play passes through a node with that tag, chance moves and mixed strategies
included. A player faces *dual risk* when both its risks are positive (Snyder 1984's security
dilemma, faced by several players at once). Reliability holds when every risk is at or below its
tolerance (Henry 2020: reliability as confidence that commitments will be met without being drawn
into unwanted wars).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import ParameterError
from alliance_games.games.profiles import (
    edge_weights,
    exact_realization,
    expectation,
    realization,
    tag_probabilities,
)
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium

RISK_KINDS = ("abandonment", "entrapment")
DEFAULT_TOLERANCES: dict[str, Fraction] = {
    "abandonment": Fraction(35, 100),
    "entrapment": Fraction(30, 100),
}
"""Default tolerances: abandonment .35, entrapment .30 (the thresholds of the reference design)."""

Number = Fraction | float


def risk_tag(kind: str, player: str) -> str:
    """The outcome tag marking ``player``'s risk of ``kind`` (``"abandonment:<player>"``)."""
    return f"{kind}:{player}"


def risk_tags(players: Sequence[str]) -> tuple[str, ...]:
    """Every player's risk tags, player by player, kinds in :data:`RISK_KINDS` order."""
    return tuple(risk_tag(k, p) for p in players for k in RISK_KINDS)


def has_dual_risk(risks: Mapping[str, Any]) -> bool:
    """The dual-risk rule: one player's risks (kind -> probability) are all positive."""
    return all(risks[k] > 0 for k in RISK_KINDS)


@dataclass(frozen=True)
class RiskProfile:
    """Risks, expected payoffs and measures of one equilibrium."""

    risks: dict[str, dict[str, Number]]  # player -> kind -> probability
    payoffs: dict[str, Number]
    measures: dict[str, Number]
    tag_probabilities: dict[str, Number]
    tolerances: dict[str, Number]

    @property
    def dual_risk(self) -> dict[str, bool]:
        return {p: has_dual_risk(r) for p, r in self.risks.items()}

    @property
    def violations(self) -> list[tuple[str, str, Number]]:
        """(player, kind, risk) for every risk above its tolerance."""
        return [(p, k, r[k]) for p, r in self.risks.items() for k in RISK_KINDS
                if r[k] > self.tolerances[k]]

    @property
    def reliable(self) -> bool:
        return not self.violations


def parse_tolerances(items: Mapping[str, Any] | None) -> dict[str, Fraction]:
    """Defaults overridden by ``items`` (``{"abandonment": "0.3"}``), checked to lie in [0, 1]."""
    result = dict(DEFAULT_TOLERANCES)
    for kind, raw in (items or {}).items():
        if kind not in RISK_KINDS:
            raise ParameterError(f"unknown tolerance {kind!r} (kinds: {', '.join(RISK_KINDS)})")
        try:
            value = Fraction(str(raw).strip())
        except (ValueError, ZeroDivisionError):
            raise ParameterError(f"tolerance {kind}={raw!r} is not a number") from None
        if not 0 <= value <= 1:
            raise ParameterError(f"tolerance {kind}={raw} must lie between 0 and 1")
        result[kind] = value
    return result


def risk_profile(tree: GameTree, eq: Equilibrium, tolerances: Mapping[str, Number]
                 ) -> RiskProfile:
    """Risks, expected payoffs and measures of every player under the behaviour profile ``eq``.

    One pass of realization probabilities gives everything: the probability of each terminal,
    hence of each tag on its path; the expected payoffs ``sum_n reach(n) u(n)``; and the expected
    measures likewise. When the solver already computed them on the way (``eq.outcomes``, exact:
    the payoffs, every tag's probability and every measure), they are read from there.
    """
    zero: Number = Fraction(0) if eq.exact else 0.0
    found = eq.outcomes if eq.exact else None
    if found is not None:
        tags: dict[str, Any] = {t: found[t] for t in tree.tag_names}
        measures = {name: found[name] for name in tree.measures}
        expected = eq.payoffs
    else:
        game = tree if eq.exact else tree.to_float()
        weights = edge_weights(game, list(eq.strategies))
        reach = exact_realization(game, weights) if game.exact else None  # exact: the fast type
        if reach is None:
            reach = realization(game, weights)
        tags = tag_probabilities(game, reach)
        measures = {name: expectation(reach, values) for name, values in game.measures.items()}
        expected = expectation(reach, game.node_payoffs)
    risks = {p: {k: _clean(tags.get(risk_tag(k, p), zero)) for k in RISK_KINDS}
             for p in tree.players}
    return RiskProfile(risks, {p: _clean(v) for p, v in zip(tree.players, expected, strict=True)},
                       {name: _clean(v) for name, v in measures.items()},
                       {t: _clean(v) for t, v in tags.items()}, dict(tolerances))


def _clean(value: Any) -> Number:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    return float(value)
