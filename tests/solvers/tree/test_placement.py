"""Solutions that name information sets relative to their subgame's root, and the capped product
over them."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.solvers.tree.placement import (
    EMPTY,
    Assignment,
    Solution,
    capped_product,
    parts_of,
)


class Counting(list[Solution]):
    """A list that counts the entries read."""

    reads = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        Counting.reads += 1
        return super().__getitem__(index)


def _solutions(n: int, infosets: tuple[int, ...] = (0, 1)) -> list[Solution]:
    return [Solution((i,), Assignment(tuple((k, (i, k)) for k in infosets)), True)
            for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=4), st.integers(0, 30))
def test_capped_product_is_the_start_of_itertools_product(sizes: list[int], cap: int) -> None:
    lists = [list(range(10 * j, 10 * j + n)) for j, n in enumerate(sizes)]
    expected = list(itertools.islice(itertools.product(*lists), cap))
    assert list(capped_product(lists, cap)) == expected  # type: ignore[arg-type]


def test_capped_product_reads_only_what_the_cap_needs() -> None:
    lists = [Counting(_solutions(999)) for _ in range(999)]
    Counting.reads = 0
    combos = list(capped_product(lists, 1000))
    assert len(combos) == 1000
    assert Counting.reads < 3_100  # the first of each list, then the last list and one more


def test_an_assignment_spells_out_its_pairs_from_where_its_root_lies() -> None:
    # a root with its own set (offset 0) over two inner subgames 2 and 7 nodes below it, the
    # second with an inner subgame of its own 3 nodes further
    deep = Assignment(((0, ("d",)),))
    left = Assignment(((1, ("l",)),))
    right = Assignment(((0, ("r",)),), ((3, deep),))
    root = Assignment(((0, ("a",)),), ((2, left), (7, right)))
    assert root.size == 4
    assert root.pairs() == [(0, ("a",)), (3, ("l",)), (7, ("r",)), (10, ("d",))]
    # the same solution at a copy of the subgame 100 nodes further: every node moves with it
    assert root.pairs(100) == [(100, ("a",)), (103, ("l",)), (107, ("r",)), (110, ("d",))]


def test_parts_leave_out_subgames_without_choices() -> None:
    combo = [Solution((0,), EMPTY, True), Solution((1,), Assignment(((0, (1,)),)), True)]
    parts = parts_of([1, 4], combo)
    assert parts == ((4, combo[1].assignment),)
    assert Assignment((), parts).pairs(10) == [(14, (1,))]


def test_a_deep_assignment_spells_out_without_recursion() -> None:
    chain = EMPTY
    for _ in range(50_000):  # far past the interpreter's recursion limit
        chain = Assignment(((0, ()),), ((1, chain),))
    pairs = chain.pairs()
    assert len(pairs) == chain.size == 50_000
    assert pairs[-1][0] == 49_999
