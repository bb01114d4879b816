"""How numbers are written in each format: exact values stay exact, floats are rounded for display.

* JSON: exact values as ``"1/3"`` strings, floats as numbers (:func:`json_number`);
* text: fractions, or floats to a few significant digits (:func:`text_number`), or fixed point in
  tables (:func:`decimal_text`);
* LaTeX math: integers plain, fractions as ``\\frac{p}{q}`` (:func:`tex_number`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np


def _sympy_rational(value: Any) -> bool:
    """Whether ``value`` is a sympy Rational (never, unless sympy is loaded: it is not imported
    here, so that the commands that need no symbolic work never load it)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Rational)


def json_number(value: Any) -> str | float | int:
    """Exact values become strings (``"1/3"``, ``"2"``); floats stay numbers."""
    if isinstance(value, Fraction):
        return str(value)
    if _sympy_rational(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return float(value)


def json_numbers(values: Mapping[str, Any]) -> dict[str, str | float | int]:
    """``{key: json_number(value)}``, each distinct number object written once (a pure
    behaviour profile of a large tree holds a million entries and two objects, 0 and 1)."""
    items = list(values.values())
    distinct = dict(zip(map(id, items), items, strict=True))
    written = {key: json_number(v) for key, v in distinct.items()}
    return dict(zip(values.keys(), map(written.__getitem__, map(id, items)), strict=True))


def text_number(value: Any, *, digits: int = 6) -> str:
    """Exact values as fractions; floats rounded to ``digits`` significant digits."""
    if isinstance(value, Fraction | int) or _sympy_rational(value):
        return str(value)
    number = float(value)
    if number == 0:
        return "0"
    return f"{number:.{digits}g}"


def exact_decimal(value: Fraction) -> str:
    """An exact rational as a terminating decimal when it has one (``0.815946``, ``-2``), else as
    a fraction (``1/3``): the same number either way, written as a spreadsheet reads it."""
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return str(value)
    places = max(twos, fives)
    if not places:
        return str(value.numerator)
    scaled = abs(value.numerator) * 10**places // value.denominator
    digits = str(scaled).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")
    return f"-{text}" if value < 0 else text


def decimal_text(value: Any, *, places: int = 3) -> str:
    """A fixed-point rendering for tables (exact values are rounded for display only)."""
    number = float(value)
    text = f"{number:.{places}f}"
    return "0" if float(text) == 0 else text


def tex_number(value: Any) -> str:
    """A number as math-mode LaTeX: integers plain, fractions ``\\frac{p}{q}``, floats 4 digits."""
    if isinstance(value, Fraction) or (hasattr(value, "p") and hasattr(value, "q")):
        frac = Fraction(int(value.numerator if isinstance(value, Fraction) else value.p),
                        int(value.denominator if isinstance(value, Fraction) else value.q))
        if frac.denominator == 1:
            return str(frac.numerator)
        sign = "-" if frac < 0 else ""
        return rf"{sign}\frac{{{abs(frac.numerator)}}}{{{frac.denominator}}}"
    if isinstance(value, int | np.integer):
        return str(int(value))
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.4g}"
