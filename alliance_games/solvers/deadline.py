"""A time limit for solvers (``--timeout``): cooperative stops, interruptible steps, isolated
steps, and a hard stop as a last resort.

Inside :func:`time_limit`, the enumerating solvers poll :func:`expired` between units of work
(a support profile, a pivot, a Lemke-Howson path, a subgame's equilibrium combination, a step
of the logit path) and stop when it is true, returning what they found so far with
``complete=False`` and the warning :func:`stopped_note`. Two kinds of long unit cannot poll:

* a long Python computation in a library (a Groebner basis) runs inside :func:`interruptible`:
  the alarm at the deadline raises :class:`DeadlineReached` in it, and the solver stops there;
* a long call into C code that holds the interpreter (a Qhull convex hull; Python signal
  handlers only run between bytecodes) runs through :func:`isolated`: in a forked child
  process, killed at the deadline (:class:`DeadlineReached` again).

A solver still busy :data:`HARD_GRACE` seconds after the deadline is stopped by the alarm with
:class:`SolverTimeout` (exit code 2, one message). The alarm needs the main thread of a POSIX
process and forking needs ``os.fork``; elsewhere only the cooperative stop applies.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar

from alliance_games.errors import SolverError

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("deadline", default=None)
HARD_GRACE = 1.0
"""Seconds allowed past the limit for a cooperative stop before the hard stop."""
_CHUNK = 1 << 20

T = TypeVar("T")


class SolverTimeout(SolverError):
    """The solver could not stop cleanly within the time limit."""


class DeadlineReached(BaseException):
    """The time limit passed inside an :func:`interruptible` or :func:`isolated` step.

    A ``BaseException``, like ``KeyboardInterrupt``: raised asynchronously inside library code,
    it must not be swallowed by an ``except Exception`` there."""


def expired() -> bool:
    """Whether the current time limit (if any) has passed."""
    limit = _deadline.get()
    return limit is not None and time.monotonic() >= limit[0]


def remaining() -> float | None:
    """Seconds left before the current time limit (negative once passed); ``None``: no limit."""
    limit = _deadline.get()
    return None if limit is None else limit[0] - time.monotonic()


STOPPED = "stopped at the time limit"
"""How :func:`stopped_note` begins (renderers recognise the note by it)."""


def stopped_note() -> str:
    """The warning of a result cut short by the time limit."""
    limit = _deadline.get()
    seconds = f"{limit[1]:g} s " if limit else ""
    return (f"{STOPPED} ({seconds}--timeout): the equilibria found so far are reported; more "
            "may exist")


# ---- the alarm ----------------------------------------------------------------------------------
_interruptible = 0  # depth of interruptible() blocks in the main thread, read by the alarm


@contextmanager
def interruptible() -> Iterator[None]:
    """Let the alarm at the deadline stop the body with :class:`DeadlineReached`.

    Raises at once if the limit has already passed. Only the main thread receives the alarm;
    in other threads the body runs to its end.
    """
    global _interruptible
    if expired():
        raise DeadlineReached
    main = threading.current_thread() is threading.main_thread()
    _interruptible += main
    try:
        yield
    finally:
        _interruptible -= main


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the body with a deadline ``seconds`` from now (``None``: no limit).

    The alarm fires twice: at the deadline (stopping an :func:`interruptible` step, else doing
    nothing) and :data:`HARD_GRACE` seconds later (raising :class:`SolverTimeout`).
    """
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise SolverError(f"--timeout must be positive, got {seconds:g}")
    token = _deadline.set((time.monotonic() + seconds, seconds))
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous: Any = None
    if alarm:
        fired = [False]

        def on_alarm(signum: int, frame: Any) -> None:
            if fired[0]:
                raise SolverTimeout(
                    f"no result within the time limit of {seconds:g} s (--timeout): "
                    f"{HARD_GRACE:g} s later the solver was still inside a step it cannot "
                    "interrupt, so nothing could be reported; raise --timeout or try a faster "
                    "method (--method pure or lcp)")
            fired[0] = True
            signal.setitimer(signal.ITIMER_REAL, HARD_GRACE)
            if _interruptible:
                raise DeadlineReached

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _deadline.reset(token)


# ---- isolated steps -----------------------------------------------------------------------------
def isolated(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)``, in a forked child process killed at the deadline.

    For a call into C code that cannot be interrupted. The result and any exception of
    ``function`` come back pickled (exceptions are re-raised here); :class:`DeadlineReached` when
    the limit passes first. Without a time limit, or without ``os.fork``, ``function`` runs in
    this process. Forking costs a few milliseconds: keep it for calls that may run long.
    """
    left = remaining()
    if left is None or not hasattr(os, "fork"):
        return function(*args)
    if left <= 0:
        raise DeadlineReached
    read, write = os.pipe()
    with warnings.catch_warnings():  # Python >= 3.12 warns about forking a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read)
        send_from_child(write, function, args)
    os.close(write)
    try:
        data = _collect(read)
    finally:
        os.close(read)
        _reap(pid)
    ok, value = pickle.loads(data)
    if ok:
        result: T = value
        return result
    raise value


def send_from_child(write: int, function: Callable[..., Any],
                    args: tuple[Any, ...]) -> NoReturn:  # pragma: no cover
    """In a forked child: compute ``function(*args)``, send ``(ok, value or exception)``
    pickled through ``write`` and exit without cleanup (shared with
    :func:`~alliance_games.analysis.forked.fork_map`)."""
    try:
        try:
            payload = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            try:
                payload = pickle.dumps((False, exc))
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)


def _collect(read: int) -> bytes:
    """Everything the child writes, or :class:`DeadlineReached` if the deadline comes first."""
    chunks = []
    while True:
        left = remaining()
        ready, _, _ = select.select([read], [], [], max(left or 0.0, 0.0))
        if not ready:
            raise DeadlineReached
        chunk = os.read(read, _CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise SolverError("internal error: an isolated step ended without a result")
    return data


def _reap(pid: int) -> None:
    """Kill the child if it still runs, and wait for it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
