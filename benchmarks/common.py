"""Deterministic random games and answer comparison shared by the workloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

SEED = 20261124
"""Base seed; each workload derives its own from it and the game size (never tuned)."""


def rng_for(*parts: int) -> np.random.Generator:
    return np.random.default_rng([SEED, *parts])


def real_bimatrix(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n x n`` payoffs uniform on [0, 1] with 3 decimals (non-degenerate in practice)."""
    rng = rng_for(1, n)
    return rng.integers(0, 1001, (n, n)) / 1000, rng.integers(0, 1001, (n, n)) / 1000


def integer_bimatrix(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n x n`` integer payoffs in [-10, 10] (ties everywhere: degenerate)."""
    rng = rng_for(2, n)
    return rng.integers(-10, 11, (n, n)), rng.integers(-10, 11, (n, n))


# ---- answers as plain, picklable data -----------------------------------------------------------
Profile = tuple[tuple[Any, ...], ...]


def gambit_profiles(result: Any, *, exact: bool) -> list[Profile]:
    """pygambit equilibria as tuples of per-player probability tuples (Fractions or floats)."""
    game = result.game
    out = []
    for eq in result.equilibria:
        convert = (lambda v: Fraction(int(v.numerator), int(v.denominator))) if exact else float
        out.append(tuple(tuple(convert(eq[s]) for s in p.strategies) for p in game.players))
    return out


def ours_profiles(result: Any) -> list[Profile]:
    """Our ``SolverResult`` equilibria in the same layout."""
    return [tuple(tuple(v if isinstance(v, Fraction) else float(v) for v in s)
                  for s in eq.strategies) for eq in result.equilibria]


def pair_profiles(pairs: Iterable[Sequence[Any]]) -> list[Profile]:
    """QuantEcon/nashpy ``(x, y)`` pairs in the same layout."""
    return [tuple(tuple(float(v) for v in s) for s in pair) for pair in pairs]


def same_float_set(a: list[Profile], b: list[Profile], tol: float = 1e-6) -> bool:
    """Whether two lists of float profiles are the same set (a bijection within ``tol``)."""
    if len(a) != len(b):
        return False
    flat_b = [np.concatenate([np.asarray(s, dtype=float) for s in p]) for p in b]
    used = [False] * len(b)
    for p in a:
        x = np.concatenate([np.asarray(s, dtype=float) for s in p])
        for k, y in enumerate(flat_b):
            if not used[k] and x.shape == y.shape and np.max(np.abs(x - y)) <= tol:
                used[k] = True
                break
        else:
            return False
    return True


def exact_set(profiles: list[Profile]) -> tuple[Profile, ...]:
    """A canonical form for exact comparison: sorted tuples of Fractions, duplicates kept (Gambit
    lists some equilibria of degenerate games twice; compare ``set(...)`` for set identity)."""
    return tuple(sorted(tuple(tuple(Fraction(v) for v in s) for s in p) for p in profiles))


def distinct_float(profiles: list[Profile], tol: float = 1e-6) -> list[Profile]:
    """``profiles`` without repeats (profiles within ``tol`` of an earlier one)."""
    kept: list[Profile] = []
    for p in profiles:
        if not any(same_float_set([p], [q], tol) for q in kept):
            kept.append(p)
    return kept


def pure_index(profile: Profile) -> tuple[int, ...]:
    """The pure strategy indices of a (pure) profile."""
    return tuple(int(np.argmax(np.asarray(s, dtype=float))) for s in profile)
