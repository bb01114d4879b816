"""Timing, isolation, peak memory and reporting for the benchmarks.

Timing rules (the same for our solvers and the anchors):

* Only the solve is timed: building the game (our ``NormalFormGame``/``GameTree``, a pygambit
  ``Game``, a QuantEcon ``NormalFormGame``, a nashpy ``Game``) happens in an untimed ``setup``.
* Warm-ups are excluded. The first call is a warm-up and is discarded unless it took longer than
  ``WARMUP_LIMIT`` seconds: then one-time costs (imports, caches, allocation) are negligible next to
  it, and it is kept as the first repetition instead of paying for a second very long call.
  QuantEcon is always called once first (``warmup=True``) so numba's JIT compilation is never
  timed.
* A row reports the median of the repetitions. Repetitions stop at ``repeats`` or when their
  total exceeds ``budget`` seconds (at least one repetition always runs).
* Slow anchors (pygambit, nashpy) run in a forked child process with a wall-clock ``timeout``: a
  C++ or numpy call cannot be interrupted in-process. The child reports each repetition as it
  finishes; if none finished before the timeout, the row shows ``> T`` (a lower bound) and ratios
  computed from it are lower bounds too.
* Peak memory is measured for our solver in one extra, untimed call under :mod:`tracemalloc`
  (Python objects and numpy buffers; tracing slows the call, so it is never timed). The process's
  maximum resident set size is recorded in the JSON metadata.
"""

from __future__ import annotations

import gc
import json
import math
import multiprocessing as mp
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

WARMUP_LIMIT = 1.0
"""Seconds above which a first call counts as a repetition rather than a discarded warm-up."""

ANCHOR_COLUMNS = ("QuantEcon", "Gambit", "nashpy", "baseline")
"""Anchor columns of the table, in display order (``baseline``: our own pure-Python or per-point
reference where no third-party anchor exists)."""


# ---- timings -------------------------------------------------------------------------------------
@dataclass
class Timing:
    """The measured cost of one solver on one workload."""

    times: list[float] = field(default_factory=list)
    status: str = "ok"  # ok | timeout | skipped | error | pending
    note: str = ""
    limit: float | None = None  # seconds already spent when a timeout struck
    result: Any = field(default=None, repr=False)  # the solver's (summarised) answer, not saved

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def bound(self) -> float | None:
        """Median when measured, the time already spent (a lower bound) when timed out."""
        if self.status == "ok":
            return self.median
        if self.status == "timeout":
            return self.limit
        return None

    @property
    def is_lower_bound(self) -> bool:
        return self.status == "timeout"

    def display(self) -> str:
        if self.status == "ok":
            suffix = f" ({self.note})" if self.note else "" if len(self.times) > 1 else " (1 run)"
            return fmt_seconds(self.median) + suffix
        if self.status == "timeout":
            return f"> {fmt_seconds(self.limit)} (timeout)"
        return self.status if not self.note else f"{self.status}: {self.note}"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "median_s": self.median, "times_s": self.times,
                "repetitions": len(self.times), "lower_bound_s": self.limit, "note": self.note}


def skipped(note: str) -> Timing:
    return Timing(status="skipped", note=note)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    return f"{value:.3g}"


def measure(fn: Callable[..., Any], *, setup: Callable[[], Any] | None = None,
            repeats: int = 7, budget: float = 20.0, warmup: bool | None = None) -> Timing:
    """Time ``fn`` (or ``fn(setup())`` when ``setup`` is given) in this process.

    ``warmup=None`` applies the adaptive rule of the module docstring; ``True`` always discards one
    first call (QuantEcon's JIT); ``False`` never does.
    """

    def once() -> tuple[float, Any]:
        arg = setup() if setup is not None else None
        gc.collect()
        start = time.perf_counter()
        out = fn(arg) if setup is not None else fn()
        return time.perf_counter() - start, out

    times: list[float] = []
    first, result = once()
    keep_first = warmup is False or (warmup is None and first > WARMUP_LIMIT)
    if keep_first:
        times.append(first)
    while len(times) < repeats and (not times or sum(times) + times[-1] <= budget):
        elapsed, result = once()
        times.append(elapsed)
    return Timing(times=times, result=result)


def measure_isolated(prepare: Callable[[], Callable[[], Any]], *,
                     summarise: Callable[[Any], Any] = lambda r: None, repeats: int = 5,
                     budget: float = 60.0, timeout: float | None = None) -> Timing:
    """Time an anchor in a forked child, killed after ``timeout`` seconds (``None``: no limit).

    ``prepare()`` runs in the child, untimed, and returns the zero-argument call to time;
    ``summarise(result)`` turns its answer into something picklable (sent back once).
    """
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, prepare, summarise, repeats, budget),
                        daemon=True)
    child.start()
    send.close()
    timing = Timing()
    ready_at: float | None = None
    started = time.monotonic()
    deadline = None if timeout is None or timeout <= 0 else started + timeout
    finished = False
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            break
        if not receive.poll(wait):
            break
        try:
            kind, payload = receive.recv()
        except EOFError:  # the child died without saying goodbye
            timing.status, timing.note = "error", "anchor process died"
            finished = True
            break
        if kind == "ready":
            ready_at = time.monotonic()
            if deadline is not None:  # the setup does not eat into the solver's time limit
                deadline = ready_at + float(timeout)  # type: ignore[arg-type]
        elif kind == "time":
            timing.times.append(payload)
        elif kind == "result":
            timing.result = payload
        elif kind == "error":
            timing.status, timing.note = "error", payload
            finished = True
            break
        elif kind == "done":
            finished = True
            break
    if not finished and child.is_alive():
        child.kill()
        if not timing.times:
            timing.status = "timeout"
            timing.limit = time.monotonic() - (ready_at if ready_at is not None else started)
        else:
            timing.note = "stopped by the time limit"
    child.join()
    receive.close()
    return timing


def _child(send: Any, prepare: Callable[[], Callable[[], Any]], summarise: Callable[[Any], Any],
           repeats: int, budget: float) -> None:
    try:
        call = prepare()
        send.send(("ready", None))
        kept: list[float] = []
        first = True
        while len(kept) < repeats and (not kept or sum(kept) + kept[-1] <= budget):
            gc.collect()
            start = time.perf_counter()
            out = call()
            elapsed = time.perf_counter() - start
            if first:
                send.send(("result", summarise(out)))
            if not first or elapsed > WARMUP_LIMIT:
                kept.append(elapsed)
                send.send(("time", elapsed))
            first = False
        send.send(("done", None))
    except BaseException as exc:  # report anything, including KeyboardInterrupt, to the parent
        try:
            send.send(("error", f"{type(exc).__name__}: {exc}"))
        except Exception:
            pass
    finally:
        send.close()
        os._exit(0)


def peak_memory_mb(fn: Callable[..., Any], *, setup: Callable[[], Any] | None = None) -> float:
    """Peak traced allocation (MB) of one untimed call of ``fn``."""
    arg = setup() if setup is not None else None
    gc.collect()
    tracemalloc.start()
    try:
        fn(arg) if setup is not None else fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def max_rss_mb() -> float:
    """Largest resident set size of this process so far (MB; Linux reports kB)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / 1024 if sys.platform != "darwin" else value / 2**20


# ---- rows ----------------------------------------------------------------------------------------
@dataclass
class Row:
    """One line of the table."""

    workload: str
    ours: Timing
    anchors: dict[str, Timing] = field(default_factory=dict)
    target: str = ""
    met: str = "-"
    peak_mb: float | None = None
    check: str = "-"
    notes: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)

    def ratio_to(self, anchor: str) -> tuple[float | None, bool]:
        """``anchor / ours`` (> 1: we are faster) and whether it is only a lower bound."""
        timing = self.anchors.get(anchor)
        ours = self.ours.median if self.ours.status == "ok" else None
        if timing is None or ours is None or ours <= 0 or timing.bound is None:
            return None, False
        return timing.bound / ours, timing.is_lower_bound

    def best_anchor(self) -> str | None:
        """The fastest anchor (a timed-out anchor competes with its lower bound)."""
        measured = [(t.bound, name) for name, t in self.anchors.items() if t.bound is not None]
        return min(measured)[1] if measured else None

    def best_ratio(self) -> tuple[float | None, bool, str | None]:
        name = self.best_anchor()
        if name is None:
            return None, False, None
        value, lower = self.ratio_to(name)
        return value, lower, name

    def ratio_display(self) -> str:
        value, lower, name = self.best_ratio()
        if value is None:
            return "-"
        return f"{'>' if lower else ''}{fmt_ratio(value)} ({name})"

    def to_json(self) -> dict[str, Any]:
        value, lower, name = self.best_ratio()
        return {
            "workload": self.workload,
            "ours": self.ours.to_json(),
            "anchors": {k: v.to_json() for k, v in self.anchors.items()},
            "ratio_to_best_anchor": value, "ratio_is_lower_bound": lower, "best_anchor": name,
            "ratios": {k: {"value": r, "lower_bound": lb}
                       for k in self.anchors for r, lb in [self.ratio_to(k)]},
            "target": self.target, "met": self.met, "peak_memory_mb": self.peak_mb,
            "check": self.check, "notes": self.notes, "metrics": self.metrics,
        }


def fmt_ratio(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}x"
    if value >= 10:
        return f"{value:.1f}x"
    return f"{value:.2f}x"


def judge(*conditions: tuple[str, bool | None]) -> str:
    """``yes`` when every evaluated condition holds, else ``no (...)`` naming the failures;
    ``None`` conditions could not be evaluated and are listed as unchecked."""
    failed = [name for name, ok in conditions if ok is False]
    unknown = [name for name, ok in conditions if ok is None]
    if failed:
        return "no (" + "; ".join(failed) + ")"
    if unknown:
        return "yes; unchecked: " + "; ".join(unknown)
    return "yes"


def at_least(row: Row, anchor: str, factor: float) -> bool | None:
    """Whether ``anchor / ours >= factor`` (``None`` when the anchor did not run; a timed-out
    anchor counts only when its lower bound already reaches the factor)."""
    value, lower = row.ratio_to(anchor)
    if value is None:
        return None
    if value >= factor:
        return True
    return None if lower else False


# ---- reporting -----------------------------------------------------------------------------------
HEADERS = ("workload", "ours (s)", *(f"{a} (s)" for a in ANCHOR_COLUMNS),
           "ratio to best anchor", "target", "met", "peak MB", "check", "notes")


def row_cells(row: Row) -> list[str]:
    anchors = [row.anchors[a].display() if a in row.anchors else "" for a in ANCHOR_COLUMNS]
    peak = f"{row.peak_mb:.1f}" if row.peak_mb is not None else "-"
    return [row.workload, row.ours.display(), *anchors, row.ratio_display(), row.target, row.met,
            peak, row.check, row.notes]


def print_table(rows: list[Row], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    for h in HEADERS:
        numeric = h.endswith("(s)") or h in ("peak MB",)
        table.add_column(h, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*row_cells(row))
    Console(width=max(200, Console().width)).print(table)


def markdown_table(rows: list[Row]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(esc(c) for c in row_cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def environment() -> dict[str, Any]:
    """Machine and package versions, for the JSON metadata."""
    from importlib.metadata import PackageNotFoundError, version

    versions: dict[str, str | None] = {}
    for pkg in ("alliance-games", "numpy", "scipy", "pygambit", "nashpy", "quantecon", "numba"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux
        load = (math.nan,) * 3
    return {
        "git": _git_state(),
        "python": sys.version.split()[0], "platform": platform.platform(),
        "cpu_count": os.cpu_count(), "load_average_at_start": load, "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _git_state() -> dict[str, Any]:
    """The commit the run measured, and whether tracked files had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10,
                                  check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None
            else None}


def write_json(path: str, rows: list[Row], meta: dict[str, Any]) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"meta": meta, "rows": [r.to_json() for r in rows]}, fh, indent=2,
                  default=str)
        fh.write("\n")


@dataclass
class Config:
    """Options shared by every workload."""

    quick: bool = False
    anchor_timeout: float | None = 240.0  # per anchor call; None or <= 0: no limit
    slow_anchors: bool = False  # nashpy on 12x12 and no anchor time limit
    repeats: int = 7  # repetitions of fast calls
    log: Callable[[str], None] = print

    @property
    def slow_budget(self) -> float:
        """Seconds of repetitions allowed for one slow anchor (one run when a call exceeds it)."""
        return 5.0 if self.quick else 30.0

    @property
    def timeout(self) -> float | None:
        if self.slow_anchors or self.anchor_timeout is None or self.anchor_timeout <= 0:
            return None
        return self.anchor_timeout
