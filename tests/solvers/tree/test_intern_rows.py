"""Row interning grouped in numpy (``subgame_keys._intern_rows``): the same ids as looking every
row's bytes up, exact whatever the grouping hash (a hash that sends every row to one group
still gives equal ids to equal rows only)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.solvers.tree import subgame_keys as keys


def _plain(rows: np.ndarray, table: dict[object, int]) -> np.ndarray:
    return keys._intern(keys._row_bytes(rows), table)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400), st.integers(1, 9), st.integers(1, 6), st.integers(0, 2 ** 32))
def test_grouped_ids_are_the_plain_ids(n: int, width: int, distinct: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool = rng.integers(-5, 2 ** 40, size=(distinct, width), dtype=np.int64)
    rows = pool[rng.integers(0, distinct, size=n)]
    grouped, plain = {b"seen": 0}, {b"seen": 0}  # a table that holds something already
    assert keys._intern_rows(rows, grouped).tolist() == _plain(rows, plain).tolist()
    assert grouped == plain  # the same keys, given the same ids in the same order


def test_a_hash_that_collides_everywhere_still_gives_exact_ids(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "_MIX", np.zeros(64, dtype=np.uint64))  # every row: hash 0
    rng = np.random.default_rng(7)
    rows = rng.integers(0, 4, size=(300, 3), dtype=np.int64)
    ids = keys._intern_rows(rows, {})
    as_bytes = keys._row_bytes(rows)
    for i in range(0, 300, 7):
        for j in range(0, 300, 11):
            assert (ids[i] == ids[j]) == (as_bytes[i] == as_bytes[j])
