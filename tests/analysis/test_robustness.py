"""Sampling designs over a model's parameters and the robustness of claims over them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from alliance_games.analysis.robustness import (
    DIGITS,
    design_intervals,
    one_parameter_intervals,
    robustness,
    sample_design,
)
from alliance_games.errors import ParameterError, SolverError
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.symbolic import SymbolicModel
from alliance_games.solvers import solve

DISCRETE = """\
title: A toy with one discrete parameter
players: [a, b]
parameters:
  - {name: x, default: 1, range: [0, 2]}
  - {name: y, default: -2, range: [-10, 10]}
  - {name: z, default: 0, range: [0, 4]}
  - {name: k, default: 2, values: [1, 2]}
  - {name: w, default: 3}
normal_form:
  strategies: {a: [U, D], b: [L, R]}
  matrix:
    - [[x, y], [0, 0]]
    - [[z, k], [w, 1]]
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> SymbolicModel:
    path = Path(tmp_path_factory.mktemp("models")) / "toy.yaml"
    path.write_text(DISCRETE, encoding="utf-8")
    return load_model(path)


@pytest.fixture(scope="module")
def dilemma() -> SymbolicModel:
    return load_model("prisoners_dilemma")


def defaults(model: SymbolicModel) -> dict[str, Fraction]:
    return {p.name: Fraction(str(p.default)) for p in model.parameters}


def test_same_seed_same_points_and_another_seed_others(toy: SymbolicModel) -> None:
    first = sample_design(toy, 50, seed=7)
    assert first == sample_design(toy, 50, seed=7)
    assert first[1] != sample_design(toy, 50, seed=8)[1]
    names, points = first
    assert len(points) == 50 and len(set(points)) == 50
    assert all(isinstance(v, Fraction) and len(p) == len(names) for p in points for v in p)
    # rounded to DIGITS significant digits: a short decimal
    assert all(v == Fraction(f"{float(v):.{DIGITS}g}") for p in points for v in p)


def test_discrete_and_fixed_parameters_are_held(toy: SymbolicModel) -> None:
    names, _ = sample_design(toy, 8, seed=1)
    assert names == ("x", "y", "z", "w")  # k has a list of values
    names, _ = sample_design(toy, 8, seed=1, fixed={"y": 3})
    assert names == ("x", "z", "w")
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        sample_design(toy, 8, seed=1, fixed={"nope": 1})


def test_points_stay_within_spread_and_ranges(toy: SymbolicModel) -> None:
    names, points = sample_design(toy, 200, seed=3, spread=0.5)
    bounds = {"x": (Fraction(1, 2), Fraction(3, 2)), "y": (Fraction(-3), Fraction(-1)),
              "z": (Fraction(0), Fraction(2)),  # a zero default: 0.5 x the range's width, clipped
              "w": (Fraction(3, 2), Fraction(9, 2))}  # no range: relative to the default
    for point in points:
        for name, value in zip(names, point, strict=True):
            lo, hi = bounds[name]
            assert lo <= value <= hi, (name, value)
    # the design fills its box: each coordinate reaches near both ends
    for a, name in enumerate(names):
        lo, hi = bounds[name]
        column = [p[a] for p in points]
        assert min(column) < lo + (hi - lo) / 20 and max(column) > hi - (hi - lo) / 20
    names, points = sample_design(toy, 200, seed=3, ranges=True)
    for point in points:
        x, y, z, _ = point
        assert 0 <= x <= 2 and -10 <= y <= 10 and 0 <= z <= 4
    assert max(p[1] for p in points) > 8 and min(p[1] for p in points) < -8


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"n": 10**7}, {"n": 5, "spread": -0.1},
                                    {"n": 5, "spread": None}])
def test_bad_designs_are_refused(toy: SymbolicModel, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ParameterError):
        sample_design(toy, **kwargs)


def below(values: dict[str, Fraction]) -> dict[str, bool]:
    """T < 11/2 (T uniform on [3.75, 6.25] at spread 0.25: holds on 70 % of the box);
    R > 3 (R on [2.25, 3.75]: 50 %)."""
    return {"T_low": values["T"] < Fraction(11, 2), "R_high": values["R"] > 3}


def defect_dominant(values: dict[str, Fraction]) -> dict[str, bool]:
    """The game's only equilibrium is (Defect, Defect): T > R and P > S, solved for."""
    game = compile_model(load_model("prisoners_dilemma")).at(values)
    found = solve(game, "enummixed").equilibria
    return {"defect": len(found) == 1 and all(s[1] == 1 for s in found[0].strategies)}


def test_shares_and_breaking_parameters_of_known_claims(dilemma: SymbolicModel) -> None:
    names, points = sample_design(dilemma, 256, seed=1)
    result = robustness(points, names, below, defaults=defaults(dilemma))
    low, high = result.claims["T_low"], result.claims["R_high"]
    assert low.n == 256 and low.errors == 0
    assert low.share == pytest.approx(0.7, abs=0.03)
    assert high.share == pytest.approx(0.5, abs=0.03)
    assert [b.parameter for b in low.breaking] == ["T"]
    assert low.breaking[0].direction == "too high" and low.breaking[0].shift > 0.3
    assert [(b.parameter, b.direction) for b in high.breaking] == [("R", "too low")]
    document = result.to_dict()["T_low"]
    assert set(document) >= {"n", "share", "breaking", "intervals"}
    assert document["breaking"][0]["parameter"] == "T"
    # the same seed: the same shares
    again = robustness(*reversed(sample_design(dilemma, 256, seed=1)), below,
                       defaults=defaults(dilemma))
    assert again.to_dict() == result.to_dict()


def test_a_solved_claim_in_a_process_pool(dilemma: SymbolicModel) -> None:
    """Defect is the only equilibrium iff S < P; at spread 0.25, S (default 0) spans
    [-10, 10] and P [0.75, 1.25]: it holds on about 55 % of the points, and S breaks it."""
    names, points = sample_design(dilemma, 64, seed=2)
    seen: list[int] = []
    pooled = robustness(points, names, defect_dominant, defaults=defaults(dilemma), workers=2,
                        progress=seen.append)
    local = robustness(points, names, defect_dominant, defaults=defaults(dilemma))
    assert pooled.outcomes == local.outcomes and sum(seen) == 64
    claim = local.claims["defect"]
    expected = sum(1 for p in points if p[names.index("S")] < p[names.index("P")]) / 64
    assert claim.share == expected and 0.4 < expected < 0.7
    assert (claim.breaking[0].parameter, claim.breaking[0].direction) == ("S", "too high")


def test_solver_errors_count_as_failures(dilemma: SymbolicModel) -> None:
    def flaky(values: dict[str, Fraction]) -> dict[str, bool]:
        if values["P"] > Fraction(6, 5):
            raise SolverError("gave up")
        return {"ok": True}

    names, points = sample_design(dilemma, 64, seed=4)
    result = robustness(points, names, flaky, defaults=defaults(dilemma))
    failing = sum(1 for p in points if p[names.index("P")] > Fraction(6, 5))
    assert 0 < failing < 64
    assert result.claims["ok"].errors == failing == len(result.errors)
    assert result.claims["ok"].holds == 64 - failing
    assert set(result.errors.values()) == {"gave up"}


def test_one_parameter_intervals_stop_at_the_first_failure() -> None:
    found = one_parameter_intervals(lambda v: {"c": v < Fraction(11, 2), "never": False}, "T",
                                    Fraction(15, 4), Fraction(25, 4), 5)
    c = found["c"]
    assert (c.low, c.fails_below) == (Fraction(15, 4), None)  # holds down to the bound
    assert c.high == 5 + Fraction(5, 4) * 3 / 8 and c.fails_above == 5 + Fraction(5, 4) / 2
    never = found["never"]
    assert never.low is None and never.high is None and never.fails_below == 5
    assert c.to_dict()["fails_above"] == pytest.approx(5.625)


def test_design_intervals_and_with_intervals(dilemma: SymbolicModel) -> None:
    base = defaults(dilemma)
    intervals = design_intervals(dilemma, below, base)
    t = intervals["T_low"]["T"]
    assert t.fails_above is not None and t.high is not None and t.high < Fraction(11, 2) \
        <= t.fails_above
    assert intervals["T_low"]["R"].fails_above is None  # R does not matter to T < 5.5
    names, points = sample_design(dilemma, 16, seed=1)
    result = robustness(points, names, below, defaults=base).with_intervals(intervals)
    assert result.to_dict()["T_low"]["intervals"]["T"]["fails_above"] == \
        pytest.approx(float(t.fails_above))
