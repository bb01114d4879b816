"""The exact number type of the hot loops, and conversions to and from ``fractions.Fraction``.

Exact solving spends its time on rational multiply-adds (realization probabilities, expected
values, belief thresholds). ``fractions.Fraction`` is pure Python and normalises by a gcd on every
operation; gmpy2's ``mpq`` (GMP rationals, a C library) is an order of magnitude faster on the
same operations. Both are exact, so every value is the same rational number whichever is used:
an ``mpq`` compares and hashes equal to the ``Fraction`` of the same value, and sorting, set
membership and dictionary keys behave identically.

The fast type stays *inside* the loops: public functions convert their results back with
:func:`to_fraction`, so callers see ``Fraction`` exactly as before. When gmpy2 cannot be imported
(or :data:`USE_GMPY` is switched off) :func:`exact_type` is ``Fraction`` itself and the same code
runs on Fractions. Floats and symbolic (sympy) numbers are never converted: :func:`fast_values`
refuses them, and callers then keep their generic path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

_mpq: Any = None
_MPQ: Any = None
"""gmpy2's ``mpq`` and its type, once :func:`exact_type` has imported gmpy2 (its import costs
about 25 ms, through ``importlib.metadata``, which commands without exact loops spare). Before,
no value is an ``mpq``: they are made with :func:`exact_type`."""
_RATIONAL: tuple[type, ...] = (Fraction, int)
_EXACT_TYPES = set(_RATIONAL)
_FRACTION_TYPES = _EXACT_TYPES - {int}
_TRIED = False

USE_GMPY: bool = True
"""Whether the hot loops compute with gmpy2's ``mpq`` when it can be imported (read at every
call, so tests may switch it)."""


def _gmpy_mpq() -> Any:
    """gmpy2's ``mpq``, imported on the first call (``None`` without gmpy2)."""
    global _TRIED, _mpq, _MPQ, _RATIONAL, _EXACT_TYPES, _FRACTION_TYPES
    if not _TRIED:
        _TRIED = True
        try:
            from gmpy2 import mpq
        except ImportError:  # pragma: no cover - gmpy2 is a core dependency
            return None
        _mpq, _MPQ = mpq, type(mpq())
        _RATIONAL = (Fraction, int, _MPQ)
        _EXACT_TYPES = set(_RATIONAL)
        _FRACTION_TYPES = _EXACT_TYPES - {int}
    return _mpq


if "gmpy2" in sys.modules:  # already paid for (sympy imports it): values may be mpq already
    _gmpy_mpq()


def exact_type() -> Any:
    """The exact number type (and constructor) of the hot loops: ``mpq``, else ``Fraction``."""
    q = _gmpy_mpq() if USE_GMPY else None
    return Fraction if q is None else q


def is_rational(value: Any) -> bool:
    """Whether ``value`` is an exact rational the fast type can hold (``Fraction``, ``int``,
    or already the fast type)."""
    return isinstance(value, _RATIONAL)


def is_fast(value: Any) -> bool:
    """Whether ``value`` is a gmpy2 ``mpq``."""
    return type(value) is _MPQ


def to_fraction(value: Any) -> Any:
    """``value`` as a ``Fraction`` when it is of the fast type; anything else unchanged."""
    if type(value) is _MPQ:
        return Fraction(int(value.numerator), int(value.denominator))
    return value


_CONVERTED: dict[Any, Fraction] = {}  # fast-type values converted before (bounded below)
_CONVERTED_LIMIT = 200_000
_FAST: dict[int, tuple[Any, Any]] = {}
"""Numbers converted to the fast type, by object identity: ``id -> (number, converted)``. The
entry holds the number, so its id cannot be reused while the entry lives, and a hit is checked
by identity (trees repeat the same few number objects at thousands of nodes)."""


_CONVERTED_OBJECTS: dict[int, tuple[Any, Fraction]] = {}
"""Fast-type values converted before, by object identity (``id -> (value, Fraction)``, the
entry holding the value so that its id is not reused): an identity is found without hashing
the value, which for an ``mpq`` computes a modular inverse."""


def fraction_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """:func:`to_fraction` of every value (equal fast-type values are converted once per
    process: the hot loops convert the same few values again and again, mostly the same
    objects, found by identity first)."""
    memo, objects = _CONVERTED, _CONVERTED_OBJECTS
    out = []
    for v in values:
        if type(v) is _MPQ:
            held = objects.get(id(v))
            if held is not None and held[0] is v:
                out.append(held[1])
                continue
            found = memo.get(v)
            if found is None:
                if len(memo) >= _CONVERTED_LIMIT:
                    memo.clear()
                found = memo[v] = Fraction(int(v.numerator), int(v.denominator))
            if len(objects) >= _CONVERTED_LIMIT:
                objects.clear()
            objects[id(v)] = (v, found)
            v = found
        out.append(v)
    return tuple(out)


def fast_values(values: Iterable[Any], *, ints: bool = False) -> list[Any] | None:
    """``values`` in the fast type, or ``None`` when one of them is not rational (a float, a
    symbolic expression): the caller then keeps its generic path.

    ``ints``: keep Python ints as they are (they mix with the fast type exactly, in C); only for
    sums and products, never for divisions (``int / int`` is a float)."""
    items = values if isinstance(values, list) else list(values)
    q = exact_type()
    if q is Fraction:
        if not all_rational(items):
            return None
        return [v if type(v) is int else q(v) for v in items] if ints else list(map(q, items))
    memo, out = _FAST, list[Any]()
    get, append, exact = memo.get, out.append, _EXACT_TYPES
    for v in items:
        kind = type(v)
        if kind is _MPQ or (ints and kind is int):
            append(v)
            continue
        known = get(id(v))
        if known is not None and known[0] is v:
            append(known[1])
            continue
        if kind not in exact and not is_rational(v):
            return None
        if len(memo) >= _CONVERTED_LIMIT:
            memo.clear()
        converted = q(v)
        memo[id(v)] = (v, converted)
        append(converted)
    return out


def all_fractions(items: list[Any]) -> bool:
    """Whether every item is a ``Fraction`` or of the fast type (ints excluded)."""
    return set(map(type, items)) <= _FRACTION_TYPES or \
        all(isinstance(v, Fraction) or is_fast(v) for v in items)


def all_rational(items: list[Any]) -> bool:
    """Whether every item :func:`is_rational` (one pass over the types)."""
    return set(map(type, items)) <= _EXACT_TYPES or all(map(is_rational, items))


def exact_values(values: Iterable[Any]) -> list[Any]:
    """``values`` in the fast type, other number types (floats: exactly) read as ``Fraction``
    first."""
    items = list(values)
    fast = fast_values(items)
    if fast is not None:
        return fast
    q = exact_type()
    return [q(Fraction(v)) for v in items]


def fast_array(values: np.ndarray) -> np.ndarray | None:
    """An object array of the fast type with the shape of ``values``, or ``None`` as
    :func:`fast_values`."""
    converted = fast_values(values.ravel().tolist())
    if converted is None:
        return None
    return object_array(converted, values.shape)


def object_array(items: Sequence[Any], shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``items`` as an object array (of ``shape``; flat by default), each object stored as it
    is: ``np.fromiter`` does it in C, where a slice assignment inspects every entry."""
    out = np.fromiter(items, dtype=object, count=len(items))
    return out if shape is None else out.reshape(shape)


def combination(weights: Sequence[Any], vectors: Sequence[Sequence[Any]]) -> list[Any]:
    """``sum_c weights[c] vectors[c]``, entry by entry (exact numbers: the order is immaterial)."""
    acc = [weights[0] * x for x in vectors[0]]
    for w, vector in zip(weights[1:], vectors[1:], strict=True):
        acc = [a + w * x for a, x in zip(acc, vector, strict=True)]
    return acc


def fraction_array(values: np.ndarray) -> np.ndarray:
    """An object array of ``values`` with every fast-type entry as a ``Fraction`` (equal values
    converted once)."""
    memo: dict[Any, Fraction] = {}
    out = []
    for value in values.ravel().tolist():
        if type(value) is _MPQ:
            converted = memo.get(value)
            if converted is None:
                converted = memo[value] = Fraction(int(value.numerator), int(value.denominator))
            value = converted
        out.append(value)
    return object_array(out, values.shape)
