"""Numbers of a Gambit file read in bulk: integer numerators over one common denominator.

A column of NUMBER tokens (their text, as :mod:`alliance_games.model.gambit_tokens` defines
them) becomes ``numerators / denominator``, ``numerators`` an ``int64`` array and
``denominator`` a positive integer with ``gcd(numerators, denominator) = 1``: exactly the rationals
the tokens denote, without a Python object per token.

* Integers ``[+-]digits`` (at most 18 characters) are converted by numpy.
* Decimals ``[+-]digits.digits``: with ``D`` the most decimal places (at most 15), each token is
  read as the nearest float ``f`` (relative error at most ``2**-53``) and ``N = rint(f * 10**D)``.
  When every ``|f| * 10**D`` is below ``2**50`` the exact ``x * 10**D`` is an integer within
  ``|x| * 10**D * 2**-52 < 1/4`` of ``f * 10**D``, so rounding recovers it exactly.
* Fractions ``[+-]a/b`` are brought to the least common denominator of their ``b``.

Any other token (an exponent, a longer number) or a common denominator or numerator beyond
``2**62`` gives ``None``: the caller then reads the tokens one by one as Fractions.

:func:`read_number_spans` reads tokens given as byte ranges of a text (as
:mod:`alliance_games.model.gambit_scan` finds them) digit by digit with numpy, integers,
decimals and fractions alike, each token ``p/q`` brought exactly to the least common
denominator; :func:`read_integer_spans` reads plain digits (ids, counts).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from fractions import Fraction
from math import gcd, lcm

import numpy as np

Rationals = tuple[np.ndarray, int]
"""``(numerators, denominator)``: an ``int64`` array and a positive int, reduced."""

_RATIO = r"[+-]?(?:[0-9]+/[0-9]+|[0-9]+\.?[0-9]*|\.[0-9]+)"
_RATIOS_RE = re.compile(rf"{_RATIO}(?: {_RATIO})*")
_DIGITS = b"0123456789 +-."
LIMIT = 2**62
"""Largest magnitude of a common denominator or numerator kept in ``int64``."""
MAX_PLACES = 15
EXACT_SCALED = 2.0**50


def read_numbers(tokens: Sequence[str]) -> Rationals | None:
    """The exact values of NUMBER tokens as ``(numerators, denominator)``, or ``None`` when
    they cannot be read in bulk (see the module docstring)."""
    if not tokens:
        return np.zeros(0, dtype=np.int64), 1
    if max(map(len, tokens)) > 18:
        return None
    joined = " ".join(tokens)
    if not joined.isascii():
        return None
    raw = joined.encode("ascii")
    if raw.translate(None, _DIGITS):  # other characters: fractions, exponents, not numbers
        return _ratios(tokens) if _RATIOS_RE.fullmatch(joined) else None
    if not _signs_lead(joined):
        return None
    if b"." not in raw:
        values = _parsed(joined, np.int64, len(tokens))
        return None if values is None else (values, 1)
    return _decimals(joined, raw, len(tokens))


_WHITESPACE = b" \t\n\r\x0b\x0c"
"""The ASCII characters ``str.split()`` splits at."""
_AS_SPACE = bytes.maketrans(_WHITESPACE, b" " * len(_WHITESPACE))
_SIGNED_DECIMALS = b"0123456789+-."


def read_number_text(text: str, count: int) -> Rationals | None:
    """``read_numbers(text.split())`` when ``text`` is ``count`` integers or decimals, read
    without a Python string per token; ``None`` for anything else (other characters, another
    count, a sign inside a token, a token over 18 characters), where the caller reads the tokens.

    Token boundaries, lengths and signs are checked on the bytes with numpy; numpy then parses
    the whole text, as :func:`read_numbers` parses the joined tokens.
    """
    if not text.isascii():
        return None
    raw = text.encode("ascii").translate(_AS_SPACE)
    if raw.translate(None, _SIGNED_DECIMALS + b" "):
        return None
    chars = np.frombuffer(raw, dtype=np.uint8)
    space = np.append(chars == ord(" "), True)  # a space after the end closes the last token
    after_space = np.concatenate([[True], space[:-1]])
    starts = np.flatnonzero(~space & after_space)
    if len(starts) != count:
        return None
    if not count:
        return np.zeros(0, dtype=np.int64), 1
    ends = np.flatnonzero(space[1:] & ~space[:-1]) + 1
    if int((ends - starts).max()) > 18:
        return None
    signs = np.flatnonzero((chars == ord("+")) | (chars == ord("-")))
    if len(signs) and not (after_space[signs].all() and not space[signs + 1].any()):
        return None
    joined = raw.decode("ascii")
    if b"." not in raw:
        values = _parsed(joined, np.int64, count)
        return None if values is None else (values, 1)
    return _decimals(joined, raw, count)


def _signs_lead(joined: str) -> bool:
    """Whether every ``+`` / ``-`` of the space-separated ``joined`` opens its token and is
    followed by more of it."""
    for sign in "+-":
        if sign in joined and (
                joined.count(sign) != joined.count(" " + sign) + joined.startswith(sign)
                or sign + " " in joined or joined.endswith(sign)):
            return False
    return True


def _parsed(joined: str, dtype: type, count: int) -> np.ndarray | None:
    """numpy's parse of ``count`` numbers (digits, signs that lead, dots): a token it cannot
    read whole (``.``, ``1.2.3``) stops it or splits in two, so the count tells."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values: np.ndarray = np.fromstring(joined, dtype=dtype, sep=" ")
    except ValueError:
        return None
    return values if values.size == count else None


def _decimals(joined: str, raw: bytes, count: int) -> Rationals | None:
    chars = np.frombuffer(raw, dtype=np.uint8)
    dots = np.flatnonzero(chars == ord("."))
    ends = np.append(np.flatnonzero(chars == ord(" ")), len(raw))
    places = int((ends[np.searchsorted(ends, dots)] - dots - 1).max())
    if places > MAX_PLACES:
        return None
    floats = _parsed(joined, np.float64, count)
    if floats is None:
        return None
    scaled = floats * 10.0**places
    if float(np.abs(scaled).max()) >= EXACT_SCALED:
        return None
    return reduced(np.rint(scaled).astype(np.int64), 10**places)


def _ratios(tokens: Sequence[str]) -> Rationals | None:
    """Tokens of which some are ``a/b``: each as an exact fraction, over the least common
    denominator (distinct tokens converted once)."""
    try:
        distinct = {t: Fraction(t) for t in dict.fromkeys(tokens)}
    except ZeroDivisionError:  # the general reader says where
        return None
    den = lcm(*(v.denominator for v in distinct.values()))
    if den >= LIMIT:
        return None
    scaled = {t: v.numerator * (den // v.denominator) for t, v in distinct.items()}
    if max(abs(v) for v in scaled.values()) >= LIMIT:
        return None
    return reduced(np.array([scaled[t] for t in tokens], dtype=np.int64), den)


MAX_SPAN = 18
"""Longest token read by :func:`read_number_spans` (its digits then fit ``int64``)."""
_POW10 = 10 ** np.arange(MAX_SPAN + 1, dtype=np.int64)


def read_number_spans(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray
                      ) -> Rationals | None:
    """The exact values of the NUMBER tokens ``chars[starts[k]:ends[k]]`` (bytes), each
    ``[+-]digits[.digits]``, ``[+-].digits`` or ``[+-]digits/digits`` of at most
    :data:`MAX_SPAN` characters, as ``(numerators, denominator)``; ``None`` for any other token
    (an exponent, a longer number, not a number), a zero denominator or a common denominator or
    numerator beyond ``2**62``."""
    found = _spans(chars, starts, ends)
    if found is None:
        return None
    whole, after, mark, negative = found
    if not mark.any():  # integers
        whole[negative] *= -1
        return whole, 1
    dot, slash = mark == ord("."), mark == ord("/")
    shift = _POW10[after]
    if not slash.any():  # integers and decimals: over 10 ** (the most places), when it fits
        places = int(after.max())
        numerators = np.where(dot, whole - whole // (shift * 10) * shift * 9, whole)
        scale = _POW10[places - after]
        if not (numerators > (LIMIT - 1) // scale).any():
            numerators *= scale
            numerators[negative] *= -1
            return reduced(numerators, int(_POW10[places]))
    right = whole % shift  # the digits after the mark (none: 0)
    left = whole // (shift * 10)  # those before it
    numerators = np.where(dot, whole - left * shift * 9, np.where(slash, left, whole))
    dens = np.where(dot, shift, np.where(slash, right, 1))
    if (dens == 0).any():
        return None
    shared = np.gcd(numerators, dens)  # each token in lowest terms, as Fraction has it
    numerators, dens = numerators // shared, dens // shared
    common = lcm(*_distinct_sorted(dens).tolist()) if dens.size else 1
    if common >= LIMIT:
        return None
    factor = common // dens
    if (numerators > (LIMIT - 1) // factor).any():
        return None
    numerators *= factor
    numerators[negative] *= -1
    return reduced(numerators, common)


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique`` imports ``numpy.ma``: start-up time)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def read_integer_spans(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray
                       ) -> np.ndarray | None:
    """The non-negative integers written as 1 to :data:`MAX_SPAN` plain digits at
    ``chars[starts[k]:ends[k]]`` (int64), or ``None`` when a token is anything else."""
    found = _spans(chars, starts, ends)
    if found is None:
        return None
    whole, _, mark, signed = found
    if mark.any() or signed.any() or (chars[starts] == ord("+")).any():
        return None
    return whole


def _spans(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Per token: the value of all its digits read as one integer, the number of digits after
    its mark, the mark (``.``, ``/`` or 0) and whether it is negative; ``None`` unless every
    token is an optional sign, digits and at most one mark, with the digits a number needs.

    The tokens are read right-aligned, one column of bytes (a byte of every token) at a time:
    Horner's rule over all tokens at once, with the bytes before a token, its sign and its mark
    counting as zero digits (so the digits before the mark come out multiplied by ten: the
    callers divide them back)."""
    lengths = ends - starts
    count = lengths.size
    if not count:
        zero = np.zeros(0, dtype=np.int64)
        return zero, zero, zero.astype(np.uint8), zero.astype(bool)
    width = int(lengths.max())
    if int(lengths.min()) < 1 or width > MAX_SPAN:
        return None
    first = width - lengths  # the column of each token's first character
    lead = chars[starts]
    negative = lead == ord("-")
    signed = negative | (lead == ord("+"))
    whole = np.zeros(count, dtype=np.int64)
    mark = np.zeros(count, dtype=np.uint8)
    at = np.zeros(count, dtype=np.int64)
    twice = np.zeros(count, dtype=bool)
    for column in range(width):
        byte = chars.take(ends + (column - width), mode="clip")
        digit = byte - np.uint8(ord("0"))
        is_digit = digit < 10
        inside = first <= column
        is_digit &= inside
        other = inside & ~is_digit
        other &= ~(signed & (first == column))  # a mark, or a character of no number
        twice |= other & (mark != 0)
        np.copyto(mark, byte, where=other)
        at[other] = column
        whole *= 10
        whole += digit * is_digit
    if twice.any() or not ((mark == 0) | (mark == ord(".")) | (mark == ord("/"))).all():
        return None  # another character, or two marks
    has_mark = mark != 0
    after = np.where(has_mark, width - 1 - at, 0)  # digits after the mark
    before = np.where(has_mark, at, width) - first - signed  # digits (and no sign) before it
    if ((before + after) < 1).any() or \
            ((mark == ord("/")) & ((before < 1) | (after < 1))).any():
        return None
    return whole, after, mark, negative


def reduced(numerators: np.ndarray, denominator: int) -> Rationals:
    """``numerators / denominator`` with their common factor divided out."""
    common = gcd(int(np.gcd.reduce(numerators)) if numerators.size else 0, denominator)
    if common > 1:
        return numerators // common, denominator // common
    return numerators, denominator


def as_fractions(values: Rationals) -> np.ndarray:
    """An object array of Fractions, one Fraction object per distinct value."""
    numerators, den = values
    distinct, inverse = _distinct(numerators)
    table = np.empty(distinct.size, dtype=object)
    table[:] = [Fraction(int(v), den) for v in distinct.tolist()]
    return table[inverse.reshape(numerators.shape)]


def _distinct(numerators: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(numerators, return_inverse=True)``; by a table over the range of values
    instead of a sort when that range is small (the usual payoffs)."""
    if numerators.size:
        low, high = int(numerators.min()), int(numerators.max())
        if high - low < max(1 << 16, numerators.size):
            offsets = numerators.ravel() - low
            present = np.zeros(high - low + 1, dtype=bool)
            present[offsets] = True
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present) + low, rank[offsets]
    distinct, inverse = np.unique(numerators, return_inverse=True)
    return distinct, inverse.ravel()


def as_floats(values: Rationals) -> np.ndarray:
    """The nearest floats (as ``float(Fraction)`` gives them: one IEEE division when numerator
    and denominator are exact in float64, else per distinct value)."""
    numerators, den = values
    if den < 2**53 and (not numerators.size or int(np.abs(numerators).max()) < 2**53):
        return numerators.astype(np.float64) / float(den)
    distinct, inverse = np.unique(numerators, return_inverse=True)
    table = np.array([float(Fraction(int(v), den)) for v in distinct.tolist()], dtype=float)
    return table[inverse.reshape(numerators.shape)]
