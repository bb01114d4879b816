"""Numbers as renderers write them: ``exact_decimal`` keeps the value exactly."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from alliance_games.render.numbers import exact_decimal


def test_terminating_decimals_and_fractions() -> None:
    assert exact_decimal(Fraction("0.815946")) == "0.815946"
    assert exact_decimal(Fraction(-2)) == "-2"
    assert exact_decimal(Fraction(0)) == "0"
    assert exact_decimal(Fraction("-0.0625")) == "-0.0625"
    assert exact_decimal(Fraction("12.5")) == "12.5"
    assert exact_decimal(Fraction(1, 3)) == "1/3"
    assert exact_decimal(Fraction(-7, 6)) == "-7/6"


@given(st.fractions(max_denominator=10**6))
def test_the_text_reads_back_as_the_same_number(value: Fraction) -> None:
    assert Fraction(exact_decimal(value)) == value


@given(st.integers(-10**12, 10**12), st.integers(0, 12))
def test_decimals_stay_decimals(digits: int, places: int) -> None:
    value = Fraction(digits, 10**places)
    text = exact_decimal(value)
    assert "/" not in text and Fraction(text) == value
    assert not ("." in text and text.endswith("0"))
