"""The tolerance frontier of a policy: the smallest tolerances under which it is reliable."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from tests.cli.entry import run


def _compare(*args: str) -> dict[str, dict]:
    code, out, err = run("compare", "branch_commitment", "--format", "json", *args)
    assert code == 0, err
    return {p["policy"]: p for p in json.loads(out)["policies"]}


def test_frontier_is_the_largest_risk_of_each_kind() -> None:
    for policy in _compare().values():
        for kind, value in policy["tolerance_frontier"].items():
            assert Fraction(value) == max(Fraction(r[kind]) for r in policy["risks"].values())


@pytest.mark.parametrize("policy", ["loose", "firm"])
def test_reliable_exactly_at_the_frontier_and_not_below(policy: str) -> None:
    frontier = _compare()[policy]["tolerance_frontier"]
    at = [f"--tolerance={k}={v}" for k, v in frontier.items()]
    assert _compare(*at)[policy]["verdict"] == "robust"
    for kind, value in frontier.items():
        if Fraction(value) == 0:
            continue
        below = [a for a in at if not a.startswith(f"--tolerance={kind}=")]
        below.append(f"--tolerance={kind}={Fraction(value) - Fraction(1, 1000)}")
        assert _compare(*below)[policy]["verdict"] == "fails"
