"""Identities of object-array entries, and the distinct objects among them (the grouping the
compiler, exact normal forms and ``nonzero`` share): the same grouping as ``np.unique`` on the
identities, from arrays and lists alike."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.games.object_ids import distinct_objects, object_ids

POOL = [Fraction(k, 7) for k in range(-3, 4)] + [Fraction(1, 7)]  # two equal, distinct objects


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, len(POOL) - 1), max_size=60))
def test_distinct_objects_group_entries_as_unique_does(picks: list[int]) -> None:
    values = np.empty(len(picks), dtype=object)
    values[:] = [POOL[i] for i in picks]
    ids = object_ids(values)
    assert ids.tolist() == [id(v) for v in values]
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    for source in (values, list(values)):
        got_first, got_inverse = distinct_objects(source)
        assert got_first.tolist() == first.tolist()
        assert got_inverse.tolist() == inverse.reshape(-1).tolist()
    # equal numbers held by different objects stay apart: grouping is by identity
    if picks:
        assert len(set(got_inverse.tolist())) == len({id(POOL[i]) for i in picks})


def test_reading_identities_makes_no_cyclic_garbage() -> None:
    """The buffer is read without a ctypes array type per length (each such type is a reference
    cycle the collector would have to find)."""
    import gc

    arrays = [np.array([POOL[k % len(POOL)] for k in range(n)], dtype=object)
              for n in (3, 17, 1001)]
    gc.collect()
    gc.disable()
    try:
        for values in arrays:
            assert object_ids(values).tolist() == [id(v) for v in values]
        assert gc.collect() == 0
    finally:
        gc.enable()
