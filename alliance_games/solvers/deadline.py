"""A time limit for solvers (``--timeout``): cooperative stops, and a hard stop as a last resort.

Inside :func:`time_limit`, the enumerating solvers poll :func:`expired` between units of work
(a support profile, a Lemke-Howson path, a subgame's equilibrium combination, a step of the
logit path) and stop when it is true, returning what they found so far with ``complete=False``
and the warning :func:`stopped_note`. A solver stuck in one long unit (a huge linear system, a
Qhull call) is stopped by an alarm a grace period after the deadline, with
:class:`SolverTimeout` (exit code 2, one message). The alarm needs the main thread of a POSIX
process; elsewhere only the cooperative stop applies.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from alliance_games.errors import SolverError

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)
GRACE = 0.5  # fraction of the limit allowed past it before the hard stop (at least 1 s)


class SolverTimeout(SolverError):
    """The solver could not stop cleanly within the time limit."""


def expired() -> bool:
    """Whether the current time limit (if any) has passed."""
    limit = _deadline.get()
    return limit is not None and time.monotonic() >= limit[0]


def stopped_note() -> str:
    limit = _deadline.get()
    seconds = f"{limit[1]:g} s " if limit else ""
    return (f"stopped at the time limit ({seconds}--timeout): the equilibria found so far are "
            "reported; more may exist")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the body with a deadline ``seconds`` from now (``None``: no limit)."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise SolverError(f"--timeout must be positive, got {seconds:g}")
    token = _deadline.set((time.monotonic() + seconds, seconds))
    hard = seconds + max(1.0, GRACE * seconds)
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous: Any = None
    if alarm:
        def stop(signum: int, frame: Any) -> None:
            raise SolverTimeout(
                f"no result within the time limit of {seconds:g} s (--timeout): the solver was "
                "inside one long step and found nothing it could report; raise --timeout or try "
                "a faster method (--method pure or lcp)")

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, hard)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _deadline.reset(token)
