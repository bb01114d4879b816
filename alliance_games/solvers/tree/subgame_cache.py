"""Subgame solutions kept across solves in one process (a bounded LRU).

A subgame is a function of its content key (:mod:`~alliance_games.solvers.tree.subgame_keys`,
ids shared by every tree of the process) and of the solve's *context*: the solvers (the
normal-form solver, the tree solver, a ``functools.partial`` read as its function and
arguments), ``max_equilibria``, ``distinct``, the players, the outcome tag names and the measure
names. Two solves that meet the same key in the same context would compute the same list of
solutions, so the second takes the first's. Only *clean* solutions are kept: none of the solver
notes or losses of completeness arose while solving the subgame (its inner subgames included),
so that taking them changes neither the notes nor the completeness of the result. A kept
solution names its information sets relative to the subgame's root
(:mod:`~alliance_games.solvers.tree.placement`), so the tree that takes it uses it as it is.

Memory is bounded: at most ``max_weight`` information-set choices, counted as if spelt out
(solutions share their inner subgames' choices, so fewer are held), over all entries (the least
recently used go first), and everything is dropped when the key tables are emptied.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any

from alliance_games.solvers.tree.subgame_keys import TABLES

# solutions: objects with an ``assignment`` whose ``size`` counts its information-set choices
Kept = Sequence[Any]


def solver_identity(solver: Callable[..., Any] | None) -> Hashable | None:
    """A hashable stand-in for a solver that is equal for equal solvers, or ``None`` when the
    solver cannot be compared (a closure, a lambda, a bound method: no cache then)."""
    if solver is None:
        return ("none",)
    if isinstance(solver, partial):
        inner = solver_identity(solver.func)
        if inner is None:
            return None
        try:
            keywords = tuple(sorted(solver.keywords.items()))
            hash((solver.args, keywords))
        except TypeError:
            return None
        return ("partial", inner, solver.args, keywords)
    code = getattr(solver, "__code__", None)
    if code is None or code.co_freevars or getattr(solver, "__name__", "<lambda>") == "<lambda>":
        return None
    if getattr(solver, "__self__", None) is not None:
        return None
    return ("function", solver)


class SubgameCache:
    """Least-recently-used solutions by (generation, context, key)."""

    def __init__(self, max_weight: int = 1_000_000) -> None:
        self.max_weight = max_weight
        self.weight = 0
        self.generation = TABLES.generation
        self.entries: OrderedDict[tuple[Hashable, bytes], tuple[Kept, int]] = OrderedDict()
        self.hits = 0

    def _check_generation(self) -> None:
        if self.generation != TABLES.generation:
            self.clear()
            self.generation = TABLES.generation

    def clear(self) -> None:
        self.entries.clear()
        self.weight = 0

    def get(self, context: Hashable, key: bytes) -> Kept | None:
        self._check_generation()
        found = self.entries.get((context, key))
        if found is None:
            return None
        self.entries.move_to_end((context, key))
        self.hits += 1
        return found[0]

    def put(self, context: Hashable, key: bytes, solutions: Kept) -> None:
        self._check_generation()
        weight = 1 + sum(sol.assignment.size for sol in solutions)
        if weight > self.max_weight or (context, key) in self.entries:
            return
        self.entries[(context, key)] = (solutions, weight)
        self.weight += weight
        while self.weight > self.max_weight:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.weight -= dropped


CACHE = SubgameCache()


class ResultCache:
    """Least-recently-used solver results by (generation, key): at most ``size`` entries, all
    dropped when the key tables are emptied (keys of two generations must not be compared).
    What a key stands for (which solver, which content of the game) is the caller's."""

    def __init__(self, size: int = 4_096) -> None:
        self.size = size
        self.generation = TABLES.generation
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0

    def _check_generation(self) -> None:
        if self.generation != TABLES.generation:
            self.entries.clear()
            self.generation = TABLES.generation

    def clear(self) -> None:
        self.entries.clear()

    def get(self, key: Hashable) -> Any:
        """The result kept under ``key``, or ``None``."""
        self._check_generation()
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
            self.hits += 1
        return found

    def put(self, key: Hashable, result: Any) -> None:
        self._check_generation()
        if self.size <= 0:
            return
        self.entries[key] = result
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
