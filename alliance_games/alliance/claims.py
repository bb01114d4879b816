"""What every check of the article's propositions shares: the result record, the flagship model
compiled once with its comparisons cached, and the bisection for the pooling threshold s*."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from alliance_games.analysis.policies import PolicyComparison, compare_policies
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.analysis.sweep.threshold import policy_reliable
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model

FLAGSHIP = "alliance_system"


@dataclass(frozen=True)
class PropositionResult:
    """One proposition: its statement, verdict and the figures behind it."""

    id: str
    statement: str
    passed: bool
    figures: dict[str, Any] = field(default_factory=dict)


class Flagship:
    """The flagship model compiled once, with comparisons cached by parameter values."""

    def __init__(self, name: str = FLAGSHIP) -> None:
        self.model = load_model(name)
        self.compiled: CompiledModel = compile_model(self.model)
        self._cache: dict[tuple[tuple[str, str], ...], PolicyComparison] = {}
        self._verdicts: dict[tuple[str, tuple[tuple[str, str], ...]], bool] = {}

    def compare(self, **values: Any) -> PolicyComparison:
        key = tuple(sorted((k, str(v)) for k, v in values.items()))
        if key not in self._cache:
            tree = self.compiled.at(values)
            self._cache[key] = compare_policies(self.model, tree, DEFAULT_TOLERANCES)
        return self._cache[key]

    def policy_reliable(self, policy: str, **values: Any) -> bool:
        """Whether ``policy`` keeps reliability, solving only its own subgame (cached)."""
        key = (policy, tuple(sorted((k, str(v)) for k, v in values.items())))
        if key not in self._verdicts:
            self._verdicts[key] = policy_reliable(self.compiled, policy, values)
        return self._verdicts[key]

    def default(self, name: str) -> Fraction:
        parameter = self.model.parameter(name)
        assert parameter is not None
        return Fraction(int(parameter.default.p), int(parameter.default.q))


def pooling_threshold(flagship: Flagship, *, tol: float = 1e-4, **values: Any
                      ) -> tuple[float, float] | None:
    """Bracket ``[lo, hi]`` of the pooling level at which ``connect`` starts keeping reliability.

    Bisection between 0 (where connect must fail) and 1 (where it must hold); ``None`` when
    there is no such switch in [0, 1].
    """
    lo, hi = Fraction(0), Fraction(1)
    if flagship.policy_reliable("connect", pooling=lo, **values) or \
            not flagship.policy_reliable("connect", pooling=hi, **values):
        return None
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if flagship.policy_reliable("connect", pooling=mid, **values):
            hi = mid
        else:
            lo = mid
    return float(lo), float(hi)


def policy_commitments(low: Any, high: Any, joint: Any) -> dict[str, tuple[Any, Any, int]]:
    """Each flagship policy's commitment to Asia and to Europe and whether it connects, from the
    low, high and connected commitment levels (numbers, or arrays over parameter points)."""
    return {"status_quo": (low, low, 0), "strengthen_all": (high, high, 0),
            "strengthen_asia": (high, low, 0), "strengthen_europe": (low, high, 0),
            "connect": (joint, joint, 1)}
