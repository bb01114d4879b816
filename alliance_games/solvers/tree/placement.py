"""Solutions of a subgame and their copies: the record the subgame-perfect decomposition keeps per
subgame, carried on demand to the copies of a subgame solved once, and the capped product that
combines the solutions of sibling subgames.

A tree built from one subtree used many times (a model's ``subtrees``, or any repeated structure)
has many subgames that are the same game. The decomposition solves one and gives its solutions to
the others with each information set renamed to the copy's (the set of the node as far from the
copy's root as the set's first node was from the source's root). :class:`Placed` does that
renaming only for the solutions the parent actually combines: with a cap of ``m`` combinations,
a parent of ``c`` tied children, each with ``s`` solutions, reads about ``m + c`` of the ``c s``
placed solutions (:func:`capped_product` indexes them in the order of ``itertools.product``
instead of materialising every list).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload


@dataclass(frozen=True, slots=True)
class Solution:
    """One equilibrium of a subgame, as the decomposition keeps it."""

    value: tuple[Any, ...]
    """Expected payoffs of the subgame (node payoffs inside it included); in the fast exact
    type (:mod:`alliance_games.games.rational`) when the tree is exact and the solution
    certified."""
    assignment: tuple[tuple[int, tuple[Any, ...]], ...]
    """(information set, behaviour) pairs."""
    certified: bool
    """Every number exact and certified."""


class Placed(Sequence[Solution]):
    """``found`` (solutions of a subgame) at a copy of it: solution ``i`` with every information
    set ``k`` renamed to ``infoset[first[k] + delta]``, computed when first read and kept."""

    __slots__ = ("_found", "_infoset", "_first", "_delta", "_renamed", "_done")

    def __init__(self, found: Sequence[Solution], infoset: Sequence[int], first: Sequence[int],
                 delta: int) -> None:
        self._found, self._infoset, self._first, self._delta = found, infoset, first, delta
        self._renamed: dict[int, int] = {}
        self._done: dict[int, Solution] = {}

    def __len__(self) -> int:
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> Solution: ...

    @overload
    def __getitem__(self, index: slice) -> list[Solution]: ...

    def __getitem__(self, index: int | slice) -> Solution | list[Solution]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._found)
        done = self._done.get(index)
        if done is None:
            sol = self._found[index]  # IndexError past the end, as a list
            renamed, rename = self._renamed.get, self._rename
            pairs = []
            for k, dist in sol.assignment:  # the method called only for sets met first here
                found = renamed(k)
                pairs.append((rename(k) if found is None else found, dist))
            done = self._done[index] = Solution(sol.value, tuple(pairs), sol.certified)
        return done

    def __iter__(self) -> Iterator[Solution]:
        return (self[i] for i in range(len(self._found)))

    def source(self, index: int) -> Solution:
        """Solution ``index`` as found at the source, its information sets not renamed: its
        ``value`` and ``certified`` are the copy's (only the assignment differs)."""
        return self._found[index]

    def _rename(self, k: int) -> int:
        renamed = self._renamed.get(k)
        if renamed is None:
            renamed = self._renamed[k] = self._infoset[self._first[k] + self._delta]
        return renamed


def capped_product(lists: Sequence[Sequence[Solution]], cap: int
                   ) -> Iterator[tuple[Solution, ...]]:
    """The first ``cap`` tuples of ``itertools.product(*lists)``, in its order (the last list
    varies fastest), reading only the entries those tuples hold."""
    sizes = [len(options) for options in lists]
    if not lists:
        if cap > 0:
            yield ()
        return
    if 0 in sizes:
        return
    index = [0] * len(lists)
    current = [options[0] for options in lists]
    last = len(lists) - 1
    for _ in range(cap):
        yield tuple(current)
        k = last
        while k >= 0:
            index[k] += 1
            if index[k] < sizes[k]:
                current[k] = lists[k][index[k]]
                break
            index[k] = 0
            current[k] = lists[k][0]
            k -= 1
        if k < 0:
            return
