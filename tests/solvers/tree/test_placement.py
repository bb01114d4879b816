"""Solutions carried to copies of a subgame on demand, and the capped product over them."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.solvers.tree.placement import Placed, Solution, capped_product


class Counting(list[Solution]):
    """A list that counts the entries read."""

    reads = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        Counting.reads += 1
        return super().__getitem__(index)


def _solutions(n: int, infosets: tuple[int, ...] = (0, 1)) -> list[Solution]:
    return [Solution((i,), tuple((k, (i, k)) for k in infosets), True) for i in range(n)]


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


def test_placed_renames_each_information_set_as_the_copy_numbers_it() -> None:
    # source: information sets 0 and 1 have first nodes 3 and 5; the copy lies 10 nodes further
    first = [3, 5]
    infoset = [-1] * 20
    infoset[13], infoset[15] = 7, 8
    placed = Placed(_solutions(3), infoset, first, 10)
    assert len(placed) == 3
    assert placed[1] == Solution((1,), ((7, (1, 0)), (8, (1, 1))), True)
    assert placed[-1].assignment == ((7, (2, 0)), (8, (2, 1)))
    assert [s.value for s in placed] == [(0,), (1,), (2,)]
    assert placed[0:2] == [placed[0], placed[1]]
    assert placed[1] is placed[1]  # placed once


def test_placed_over_placed_composes_the_renaming() -> None:
    first = [0]
    inner = Placed(_solutions(2, (0,)), [4, 9, 9], first, 0)  # set 0 -> 4
    outer = Placed(inner, [0, 0, 0, 0, 0, 6], [1, 1, 1, 1, 2], 3)  # set 4 -> node 2 + 3 -> 6
    assert outer[1].assignment == ((6, (1, 0)),)
