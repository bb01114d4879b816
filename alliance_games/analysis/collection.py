"""Python's cyclic garbage collector relaxed while a batch of exact solves runs, or for a whole
command-line process (:func:`relax_for_process`).

The exact solvers allocate millions of short-lived containers (tuples of rationals, solution
records) while a few hundred thousand long-lived ones (a compiled model, the solvers' caches)
stay alive. With the interpreter's default first threshold (a collection every 700 net
allocations of container objects) the collector runs thousands of times per parameter point, and
every tenth of its second-generation runs becomes a full collection that walks every live
object: about a sixth of a proposition point's CPU time on the flagship. Nothing in a solve
depends on when cycles are collected; only memory does, and raising the first threshold to
:data:`FIRST_THRESHOLD` delays collections without changing the peak measurably (most garbage
is freed by reference counting at once).

A batch of many independent evaluations (a robustness run's points) goes further:
:func:`paused_collections` turns automatic collection off and :func:`now_and_then`, called after
each evaluation, collects every :data:`PERIOD` evaluations and freezes the survivors, so every
object is walked at most once instead of once per generation it passes through. The solvers make
no reference cycles on their hot paths, so nothing accumulates in between but the few cycles of
rarer paths (a fallback solver through sympy).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FIRST_THRESHOLD = 100_000
PERIOD = 100
"""Evaluations between two collections inside :func:`paused_collections`."""
_PAUSED = {"active": 0, "since": 0}


@contextmanager
def fewer_collections(first: int = FIRST_THRESHOLD) -> Iterator[None]:
    """Collect the youngest generation every ``first`` net allocations (at least the current
    threshold) inside the block; the thresholds are restored on leaving it."""
    before = gc.get_threshold()
    gc.set_threshold(max(first, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def relax_for_process(first: int = FIRST_THRESHOLD) -> None:
    """For the rest of this process: the youngest generation collected every ``first`` net
    allocations (the older generations keep their ratios), and the objects alive at exit spared
    the interpreter's shutdown collections (:func:`gc.freeze`, run by :mod:`atexit` after the
    other exit handlers).

    For a command that is its own short process (never for a program that calls it): such a
    command allocates mostly acyclic objects (modules, labels, tuples of a game read from a
    file), so at the default the collector walks the young objects hundreds of times for nothing
    (about 5 % of ``solve`` on a Gambit file), and the shutdown's collections walk every object
    of numpy, click and rich once more (about 15 ms) just before the process ends. Reference
    counting frees everything as before; cycles are still collected while the command runs."""
    import atexit

    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, first), middle, old)
    atexit.unregister(gc.freeze)  # once, however often it is called in one process
    atexit.register(gc.freeze)


@contextmanager
def paused_collections() -> Iterator[None]:
    """No automatic collection inside the block (module docstring): one collection on entry, the
    survivors frozen (:func:`gc.freeze`: never walked again; processes forked inside the block,
    a pool's workers, inherit them frozen and the pause), then :func:`now_and_then` after each
    evaluation. On leaving, the frozen objects return to the oldest generation and automatic
    collection is as it was."""
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    _PAUSED["active"] += 1
    _PAUSED["since"] = 0
    try:
        yield
    finally:
        _PAUSED["active"] -= 1
        gc.unfreeze()
        if enabled:
            gc.enable()


def now_and_then(period: int = PERIOD) -> None:
    """Inside :func:`paused_collections` (in this process or a worker forked in it): every
    ``period`` calls, collect the objects made since the last collection and freeze the
    survivors. Outside it: nothing."""
    if not _PAUSED["active"] or gc.isenabled():
        return
    _PAUSED["since"] += 1
    if _PAUSED["since"] >= period:
        _PAUSED["since"] = 0
        gc.collect()
        gc.freeze()
