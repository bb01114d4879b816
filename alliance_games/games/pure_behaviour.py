"""A pure behaviour profile held as one flat array of chosen actions.

A behaviour profile of a tree is one distribution per information set
(:class:`~alliance_games.solvers.result.Equilibrium`). A pure one puts probability 1 on one action
``a_k`` of each set ``k``, so the whole profile is the integer array ``a`` (and each set's number
of actions). :class:`PureBehaviour` keeps only those two arrays and reads as the sequence of
distributions: item ``k`` is the array with 1 at ``a_k`` and 0 elsewhere (``Fraction`` in an
``object`` array when exact, else ``float``), made when first asked for and then kept, so the
same array comes back each time (as from a tuple). A tree with hundreds of thousands of sets
then costs two arrays instead of one Python object per set.

:class:`DeferredBehaviour` is any behaviour profile made only when first read (a solver hands
out equilibria whose distributions its caller may never look at).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import overload

import numpy as np


class PureBehaviour(Sequence[np.ndarray]):
    """The pure profile choosing action ``actions[k]`` of the ``widths[k]`` at set ``k``."""

    def __init__(self, actions: np.ndarray, widths: np.ndarray, exact: bool) -> None:
        if actions.shape != widths.shape or ((actions < 0) | (actions >= widths)).any():
            raise ValueError("every information set needs one of its actions")
        self.actions = np.asarray(actions, dtype=np.int64)
        self.widths = np.asarray(widths, dtype=np.int64)
        self.exact = exact
        self._made: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return int(self.actions.size)

    @overload
    def __getitem__(self, k: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[np.ndarray, ...]: ...

    def __getitem__(self, k: int | slice) -> np.ndarray | tuple[np.ndarray, ...]:
        if isinstance(k, slice):
            return tuple(self[j] for j in range(*k.indices(len(self))))
        k = int(k)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError("information set index out of range")
        made = self._made.get(k)
        if made is None:
            if self.exact:
                made = np.full(int(self.widths[k]), Fraction(0), dtype=object)
                made[self.actions[k]] = Fraction(1)
            else:
                made = np.zeros(int(self.widths[k]))
                made[self.actions[k]] = 1.0
            self._made[k] = made
        return made

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[k] for k in range(len(self)))

    def __repr__(self) -> str:
        return f"PureBehaviour({len(self)} information sets, exact={self.exact})"

    def __reduce__(self) -> tuple[type, tuple[np.ndarray, np.ndarray, bool]]:
        return PureBehaviour, (self.actions, self.widths, self.exact)


class DeferredBehaviour(Sequence[np.ndarray]):
    """A behaviour profile of ``count`` information sets made when first read: ``make()``
    returns its distributions (one per set, in order), called once, on the first access other
    than ``len``; the profile is then kept, so the same arrays come back each time (as from a
    tuple). A solver whose callers often read only an equilibrium's payoffs and outcomes (a
    policy comparison over a tree of thousands of sets) then builds no per-set arrays for them.
    It prints and pickles as the tuple of its distributions."""

    __slots__ = ("_make", "_count", "_made")

    def __init__(self, make: Callable[[], Sequence[np.ndarray]], count: int) -> None:
        self._make: Callable[[], Sequence[np.ndarray]] | None = make
        self._count = count
        self._made: tuple[np.ndarray, ...] | None = None

    def profile(self) -> tuple[np.ndarray, ...]:
        """The distributions, made now if they were not yet."""
        if self._made is None:
            assert self._make is not None
            made = tuple(self._make())
            if len(made) != self._count:
                raise ValueError(f"a behaviour profile of {self._count} information sets got "
                                 f"{len(made)} distributions")
            self._made, self._make = made, None
        return self._made

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, k: int) -> np.ndarray: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[np.ndarray, ...]: ...

    def __getitem__(self, k: int | slice) -> np.ndarray | tuple[np.ndarray, ...]:
        return self.profile()[k]

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(self.profile())

    def __repr__(self) -> str:
        return repr(self.profile())

    def __reduce__(self) -> tuple[type, tuple[tuple[np.ndarray, ...]]]:
        return tuple, (self.profile(),)
