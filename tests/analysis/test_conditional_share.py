"""The share of a claim over the points where another holds."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_games.analysis.conditional_share import conditional_shares
from alliance_games.errors import ParameterError

Outcome = Mapping[str, bool] | None


def test_a_hand_counted_design() -> None:
    outcomes: list[Outcome] = [{"A": True, "B": True, "C": False},
                               {"A": True, "B": False, "C": False},
                               None,
                               {"A": False, "B": True, "C": True},
                               {"A": True, "B": True, "C": True}]
    found = conditional_shares(outcomes, "A")
    assert list(found) == ["B", "C"]
    assert (found["B"].n, found["B"].holds) == (3, 2)
    assert found["C"].to_dict() == {"claim": "A", "n": 3, "share": round(1 / 3, 4)}


def test_a_premise_that_never_holds_has_no_share() -> None:
    found = conditional_shares([{"A": False, "B": True}], "A")
    assert found["B"].n == 0 and found["B"].share is None


def test_an_unknown_premise_is_refused() -> None:
    with pytest.raises(ParameterError, match="no claim 'Z'"):
        conditional_shares([{"A": True}], "Z")


@given(st.lists(st.one_of(st.none(), st.fixed_dictionaries(
    {"A": st.booleans(), "B": st.booleans()})), min_size=1, max_size=40))
def test_the_law_of_total_probability(outcomes: list[Outcome]) -> None:
    """#B = #B|A + #B|not A over the evaluated points: the shares given A and given not-A
    (the latter read by negating A) add back to B's count. With no point evaluated there is
    nothing to read."""
    if all(o is None for o in outcomes):
        assert conditional_shares(outcomes, "A") == {}
        return
    given_a = conditional_shares(outcomes, "A")["B"]
    negated = [None if o is None else {"A": not o["A"], "B": o["B"]} for o in outcomes]
    given_not_a = conditional_shares(negated, "A")["B"]
    evaluated = [o for o in outcomes if o is not None]
    assert given_a.n + given_not_a.n == len(evaluated)
    assert given_a.holds + given_not_a.holds == sum(o["B"] for o in evaluated)
