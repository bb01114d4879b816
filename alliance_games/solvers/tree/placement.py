"""Solutions of a subgame as the decomposition keeps them, and the capped product that combines
the solutions of sibling subgames.

A solution records its choice at every information set of its subgame *relative to the
subgame's root*: each information set is named by the offset of its first node from the root
(:class:`Assignment`), and the choices of an inner subgame are held by reference, with the offset
of that subgame's root. So one solution stands unchanged for every copy of its subgame (a
subgame that is the same game as one solved before, in this tree or in another tree of the
process, has the same shape and the same partition into information sets relative to its root:
:mod:`~alliance_games.solvers.tree.subgame_keys`), a parent combines its children's solutions
in time proportional to the number of children (not to the number of information sets below
them), and the pairs ``(information set, behaviour)`` are spelt out only when a behaviour
profile is read (:meth:`Assignment.pairs`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Pair = tuple[int, tuple[Any, ...]]


class Assignment:
    """Choices at the information sets of a subgame, relative to its root: ``own`` pairs
    (offset of the set's first node from the root, behaviour), then the choices of the inner
    subgames, ``parts`` (offset of the inner root from this root, its assignment). ``size`` is the
    number of pairs spelt out."""

    __slots__ = ("own", "parts", "size")

    def __init__(self, own: tuple[Pair, ...] = (),
                 parts: tuple[tuple[int, Assignment], ...] = ()) -> None:
        self.own = own
        self.parts = parts
        self.size: int = len(own) + sum(part.size for _, part in parts)

    def pairs(self, root: int = 0) -> list[Pair]:
        """Every ``(first node, behaviour)`` pair with the subgame's root at node ``root``: own
        pairs first, then each part's, in order (depth first, no recursion)."""
        out: list[Pair] = []
        stack: list[tuple[Assignment, int]] = [(self, root)]
        while stack:
            found, base = stack.pop()
            out.extend((base + offset, dist) for offset, dist in found.own)
            stack.extend((part, base + shift) for shift, part in reversed(found.parts))
        return out


EMPTY = Assignment()
"""The assignment of a subgame with no information set (a terminal node)."""


def parts_of(shifts: Sequence[int], combo: Sequence[Solution]
             ) -> tuple[tuple[int, Assignment], ...]:
    """The assignments of the solutions ``combo`` of inner subgames whose roots lie ``shifts``
    nodes below a root, as that root's ``parts`` (empty ones left out)."""
    return tuple((shift, sol.assignment) for shift, sol in zip(shifts, combo, strict=True)
                 if sol.assignment.size)


@dataclass(frozen=True, slots=True)
class Solution:
    """One equilibrium of a subgame, as the decomposition keeps it."""

    value: tuple[Any, ...]
    """Expected payoffs of the subgame (node payoffs inside it included); in the fast exact
    type (:mod:`alliance_games.games.rational`) when the tree is exact and the solution
    certified."""
    assignment: Assignment
    """Its choices, relative to the subgame's root (:class:`Assignment`)."""
    certified: bool
    """Every number exact and certified."""


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
