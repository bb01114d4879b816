"""Independent jobs shared between this process and forked children: ``fork_map``.

A comparison solves each policy's subgame on its own, so on a machine with several cores the
subgames can be solved at once. Starting fresh worker processes would cost more than the solves
(each would import numpy and the package again), so :func:`fork_map` forks: a child starts with
everything this process has loaded and built (the model, its game tree, the solver modules),
computes its share and sends the results back pickled through a pipe. This process computes the
first share itself. Jobs are shared by longest-processing-time first on their estimated costs
(Graham 1969: within 4/3 of the best split).

Forking is used on Linux only (``os.fork`` elsewhere is either missing or, on macOS, unsafe
with some system libraries); otherwise, and with one worker or one job, the jobs run here in
order. The results are the same either way, in the order of the jobs; an exception raised in a
child is raised here, and an interruption stops the children.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from alliance_games.solvers.deadline import send_from_child

T = TypeVar("T")
R = TypeVar("R")
_CHUNK = 1 << 16


def can_fork() -> bool:
    """Whether :func:`fork_map` shares jobs between processes on this platform."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def available_cores() -> int:
    """The cores this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def shares(costs: Sequence[float], workers: int) -> list[list[int]]:
    """The jobs (indices) of each worker: each job, costliest first, to the least loaded worker
    (ties: the lower worker); each share in job order. Empty shares are dropped."""
    loads = [0.0] * workers
    out: list[list[int]] = [[] for _ in range(workers)]
    for job in sorted(range(len(costs)), key=lambda k: (-costs[k], k)):
        worker = min(range(workers), key=lambda w: (loads[w], w))
        loads[worker] += costs[job]
        out[worker].append(job)
    return [sorted(share) for share in out if share]


def fork_map(function: Callable[[T], R], jobs: Sequence[T], *, workers: int = 1,
             costs: Sequence[float] | None = None) -> list[R]:
    """``[function(job) for job in jobs]``, shared among ``workers`` processes (module
    docstring); ``costs``: each job's estimated cost (default: equal)."""
    if workers <= 1 or len(jobs) <= 1 or not can_fork():
        return [function(job) for job in jobs]
    split = shares(list(costs) if costs is not None else [1.0] * len(jobs),
                   min(workers, len(jobs)))
    children: list[tuple[int, int, list[int]]] = []
    try:
        for share in split[1:]:
            read, write = os.pipe()
            with warnings.catch_warnings():  # Python >= 3.12 warns about forking with threads
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover - the child never returns
                os.close(read)
                send_from_child(write, _each, (function, [jobs[k] for k in share]))
            os.close(write)
            children.append((pid, read, share))
        results: dict[int, R] = {k: function(jobs[k]) for k in split[0]}
        for _pid, read, share in children:
            ok, value = pickle.loads(_collect(read))
            if not ok:
                raise value
            results.update(zip(share, value, strict=True))
    finally:
        for pid, read, _ in children:
            _stop(pid, read)
    return [results[k] for k in range(len(jobs))]


def _each(function: Callable[[Any], Any], jobs: list[Any]) -> list[Any]:
    return [function(job) for job in jobs]


def _collect(read: int) -> bytes:
    chunks = []
    while chunk := os.read(read, _CHUNK):
        chunks.append(chunk)
    if not chunks:
        raise RuntimeError("a forked worker ended without a result")
    return b"".join(chunks)


def _stop(pid: int, read: int) -> None:
    """Close the pipe, end the child if it still runs, and wait for it."""
    try:
        os.close(read)
    except OSError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
