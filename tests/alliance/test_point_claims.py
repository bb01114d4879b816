"""The propositions' point forms: they agree with the full checks, and they can fail."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from alliance_games.alliance import propositions, side_effect_claims
from alliance_games.alliance.claims import Flagship, PropositionResult
from alliance_games.alliance.point_claims import CLAIMS, at_values, claim, holds_at, points_at
from alliance_games.alliance.proposition_robustness import design_model, proposition_robustness
from alliance_games.alliance.propositions import check_all
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.analysis.sweep.batch import PointBatch


class MovedFlagship(Flagship):
    """The flagship whose defaults are moved to ``moved``: the full checks, run on it, check
    the propositions at that point."""

    def __init__(self, moved: dict[str, Any]) -> None:
        super().__init__()
        self.moved = moved

    def compare(self, **values: Any) -> Any:
        return super().compare(**{**self.moved, **values})

    def policy_reliable(self, policy: str, **values: Any) -> bool:
        return super().policy_reliable(policy, **{**self.moved, **values})

    def default(self, name: str) -> Fraction:
        return Fraction(str(self.moved[name])) if name in self.moved else super().default(name)


@pytest.fixture(scope="module")
def flagship() -> Flagship:
    return Flagship()


def _point(flagship: Flagship, values: dict[str, Any] | None = None) -> dict[str, bool]:
    with at_values(flagship.compiled, values) as points:
        return {k: bool(v[0]) for k, v in holds_at(points).items()}


def _full(flagship: Flagship) -> dict[str, PropositionResult]:
    return {r.id: r for r in check_all(flagship)}


def test_every_proposition_has_a_point_form_or_says_why_not() -> None:
    ids = [c.id for c in CLAIMS]
    assert ids == [f"P{k}" for k in range(1, 10)]
    for c in CLAIMS:
        assert (c.holds is None) == bool(c.held), c.id
        assert c.form or c.held


def test_point_forms_agree_with_the_full_checks_at_the_defaults(flagship: Flagship) -> None:
    full = _full(flagship)
    point = _point(flagship)
    assert set(point) == set(full) - {"P8"}  # P8 is held (another model, nothing shared)
    for pid, holds in point.items():
        assert holds == full[pid].passed, pid


# Off the defaults the full checks are run one by one: P6's full check re-solves connect exactly at
# up to 63 pooling levels (minutes off the defaults, where nothing is cached), so it is compared
# at the defaults only; P5's full check also compares its bisection with the symbolic solver at
# the *defaults*, so it fails at any point that moves s*, a solver check its point form leaves
# out; P8 is held.
MOVED_CHECKS = {"P1": propositions.p1, "P2": propositions.p2, "P3": propositions.p3,
                "P4": propositions.p4, "P5": propositions.p5, "P7": side_effect_claims.p7,
                "P9": side_effect_claims.p9}


@pytest.mark.parametrize("moved", [{"two_front_prob": Fraction(9, 10)},
                                   {"restraint": Fraction(0)}])
def test_point_forms_agree_with_the_full_checks_at_moved_points(moved: dict[str, Any]) -> None:
    moved_flagship = MovedFlagship(moved)
    point = _point(moved_flagship, moved)
    assert not all(point.values())  # the point breaks something: agreement is not trivial
    for pid, check in MOVED_CHECKS.items():
        if pid == "P5" and "two_front_prob" in moved:
            continue
        full = check(moved_flagship)
        assert point[pid] == full.passed, (pid, moved, full.figures)


@pytest.mark.parametrize(("values", "broken"), [
    ({"commit_high": 0.3}, "P1"),  # strengthening adds nothing: one rival is not held off
    ({"rival_count": 1}, "P2"),  # one rival: no dual risk the traditional menu cannot meet
    ({"commit_low": 0.9}, "P3"),
    ({"commit_low": 0.5}, "P4"),
    ({"pooling": 0}, "P5"),  # no pooling: connect fails
    ({"pooling": 0.2}, "P5"),  # below s* = 25/104
    ({"restraint": 0}, "P6"),  # switching restraint off changes nothing
    ({"rival_alignment.threat_commit": 0.23}, "P7"),  # the rivals align under strengthen_all
    ({"two_front_prob": 0.9}, "P7"),
    ({"pooling": 0}, "P9"),
])
def test_a_point_form_fails_where_the_claim_breaks(flagship: Flagship, values: dict[str, Any],
                                                   broken: str) -> None:
    assert _point(flagship)[broken]
    assert not _point(flagship, values)[broken]


def test_provocation_is_read_from_the_batch(flagship: Flagship) -> None:
    batch = PointBatch(flagship.compiled, {}, tolerances=DEFAULT_TOLERANCES,
                       tags=claim("P4").tags)
    full = flagship.compare()
    result = batch.solve()
    for k, policy in enumerate(result.policies):
        expected = max(float(p.tag_probabilities.get("provocation:asia", 0))
                       for p in full.policy(policy).profiles)
        assert result.tag("provocation:asia")[0, k] == pytest.approx(expected)


def test_s_star_per_point_matches_the_bisection(flagship: Flagship) -> None:
    from alliance_games.alliance.claims import pooling_threshold
    from alliance_games.alliance.point_claims import s_star

    rows = np.array([[0.5], [0.9]])
    with points_at(flagship.compiled, ["two_front_prob"], rows) as points:
        lo, hi = s_star(points)
    for i, q in enumerate((Fraction(1, 2), Fraction(9, 10))):
        bracket = pooling_threshold(flagship, two_front_prob=q)
        assert bracket is not None
        assert (lo[i], hi[i]) == pytest.approx(bracket)


def test_the_design_samples_the_other_models_parameters_too(flagship: Flagship) -> None:
    names = [p.name for p in design_model(flagship.model).parameters]
    assert "rival_alignment.threat_commit" in names
    assert "rival_alignment.commit_asia" not in names  # set from the flagship's commitments
    assert "pooling" in names


def test_robustness_is_reproducible_and_summarised(flagship: Flagship) -> None:
    first = proposition_robustness(24, seed=3, flagship=flagship)
    second = proposition_robustness(24, seed=3, flagship=flagship)
    assert {k: first.entry(k) for k in first.claims} == {k: second.entry(k) for k in second.claims}
    assert first.design["n"] == 24 and "rival_alignment.relief" in first.design["parameters"]
    for pid, summary in first.claims.items():
        assert summary.n == 24 and 0 <= summary.share <= 1, pid
    held = first.entry("P8")
    assert held is not None and held["share"] is None and held["held"]
    other = proposition_robustness(24, seed=4, flagship=flagship)
    assert any(other.entry(k) != first.entry(k) for k in first.claims)


def test_one_parameter_intervals_come_from_one_batch(flagship: Flagship) -> None:
    found = proposition_robustness(8, seed=1, flagship=flagship, intervals=True, steps=2,
                                   claims=(claim("P1"), claim("P2")))
    entry = found.entry("P2")
    assert entry is not None
    intervals = entry["intervals"]
    assert set(intervals) == set(found.design["parameters"])
    for interval in intervals.values():  # P2 holds at the defaults
        assert interval["low"] <= interval["default"] <= interval["high"]
    moved = intervals["rival_count"] if "rival_count" in intervals else None
    assert moved is None  # a discrete parameter is not moved
