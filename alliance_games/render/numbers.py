"""How numbers are written: exact values as ``"1/3"`` strings, floats as numbers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy


def json_number(value: Any) -> str | float | int:
    """Exact values become strings (``"1/3"``, ``"2"``); floats stay numbers."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, sympy.Rational):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return float(value)


def text_number(value: Any, *, digits: int = 6) -> str:
    """Exact values as fractions; floats rounded to ``digits`` significant digits."""
    if isinstance(value, Fraction | sympy.Rational | int):
        return str(value)
    number = float(value)
    if number == 0:
        return "0"
    return f"{number:.{digits}g}"


def decimal_text(value: Any, *, places: int = 3) -> str:
    """A fixed-point rendering for tables (exact values are rounded for display only)."""
    number = float(value)
    text = f"{number:.{places}f}"
    return "0" if float(text) == 0 else text
