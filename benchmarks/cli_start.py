"""Workload 6: commands as a user meets them, wall time of a fresh process.

``alliance-games --help`` (target < 0.3 s), ``alliance-games solve prisoners_dilemma`` (a 2x2
classic, target < 0.8 s) and the main job, ``alliance-games compare alliance_system`` (the
rebuilt flagship, an imperfect-information tree of 38,000 nodes; issue 13's target < 2 s, issue
15's <= 8x the start of a bare ``python -c "import numpy"``, timed the same way in the same run),
with and without ``--select``, each run as a fresh process: one warm-up run (disk cache; kept as
a repetition when it took over ``KEEP_WARMUP`` seconds), then the median of 5. Each run is started
and timed by a tiny launcher process, so the peak memory reported (the command's maximum resident
set size from ``os.wait4``) is not inflated by the fork of this large benchmark process. The other
commands of issue 15 are in :mod:`benchmarks.cli_jobs`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Config, Row, Timing, judge

NAME = "cli"
COLD = "(model cache off)"
COMMANDS = ((("--help",), 0.3), (("solve", "prisoners_dilemma"), 0.8),
            (("compare", "alliance_system"), 2.0), (("compare", "alliance_system", "--select"), 2.0),
            (("compare", "alliance_system", "--workers", "1"), 2.0),
            (("compare", "alliance_system", COLD), 2.0))
"""``compare`` solves the policies' subgames in as many processes as there are cores (2 here);
``--workers 1`` is the same job in one process. The last row is the main job with the
compiled-model cache off: what a first run costs (a first run also writes the cache, a few tens
of milliseconds more)."""
STARTUP = 2  # the first commands time start-up; the others whole jobs
NUMPY_FACTOR = 8.0
"""Issue 15: ``compare alliance_system`` within this many times a bare ``import numpy`` start."""
KEEP_WARMUP = 5.0
"""Seconds above which the warm-up run counts as a repetition (disk caches are negligible then)."""


@contextlib.contextmanager
def user_folders() -> Iterator[str]:
    """Run the commands as an installed package meets its user: with a bytecode cache (this
    machine's shell sets ``PYTHONDONTWRITEBYTECODE=1``, so without one every process would
    compile the package from source; an installed package keeps its bytecode) and with the
    compiled-model cache, both in a fresh temporary folder, so that the warm-up run of each
    command fills them as a user's first run does. Yields the folder."""
    names = ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE", "ALLIANCE_GAMES_CACHE_DIR")
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="alliance-bench-user-") as folder:
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["ALLIANCE_GAMES_CACHE_DIR"] = str(Path(folder) / "models")
        try:
            yield folder
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def executable() -> str:
    here = Path(sys.executable).parent / "alliance-games"
    if here.exists():
        return str(here)
    found = shutil.which("alliance-games")
    if found is None:
        raise RuntimeError("alliance-games is not installed (pip install -e .)")
    return found


LAUNCHER = """
import json, os, subprocess, sys, time
save = sys.argv[1]
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
if save:
    with open(save, "wb") as fh:
        fh.write(out)
print(json.dumps({"seconds": elapsed, "exit": os.waitstatus_to_exitcode(status),
                  "max_rss_kb": usage.ru_maxrss, "output_bytes": len(out),
                  "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


def run_once(argv: list[str], *, cwd: str | None = None,
             save: str = "") -> tuple[float, int, float, int, float]:
    """Wall time, exit status, peak RSS (MB), output size and CPU time (user + system) of one run
    of ``argv`` (its standard output is written to ``save`` when given, after the clock stops)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, save, *argv], capture_output=True,
                          check=True, text=True, cwd=cwd)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return (report["seconds"], report["exit"], report["max_rss_kb"] / 1024,
            report["output_bytes"], report["cpu_seconds"])


@dataclass
class Runs:
    """Repeated fresh-process runs of one command."""

    timing: Timing
    codes: list[int]
    peak_mb: float
    outputs: list[int]  # bytes printed per run
    cpu: list[float]  # CPU seconds (user + system) per run

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def ok(self) -> bool:
        return all(c == 0 for c in self.codes)


def runs_note(runs: Runs) -> str:
    return (f"median of {len(runs.timing.times)} fresh processes (CPU {runs.cpu_median:.2f} s); "
            "peak MB is the child's max RSS")


def time_process(argv: list[str], *, repeats: int, budget: float = 60.0, least: int = 1,
                 cwd: str | None = None) -> Runs:
    """One warm-up run (kept when it took over ``KEEP_WARMUP`` s), then runs until ``repeats``
    are kept or, once ``least`` are, their total passes ``budget`` seconds."""
    times: list[float] = []
    codes: list[int] = []
    peaks: list[float] = []
    outs: list[int] = []
    cpu: list[float] = []
    first = True
    while len(times) < repeats and (len(times) < least or sum(times) <= budget):
        elapsed, code, peak, out, used = run_once(argv, cwd=cwd)
        if not first or elapsed > KEEP_WARMUP:
            times.append(elapsed)
            codes.append(code)
            peaks.append(peak)
            outs.append(out)
            cpu.append(used)
        first = False
    return Runs(Timing(times=times), codes, max(peaks), outs, cpu)


def numpy_start(cfg: Config) -> Timing:
    """The anchor of issue 15: a bare ``python -c "import numpy"``, timed as the commands are."""
    return time_process([sys.executable, "-c", "import numpy"],
                        repeats=2 if cfg.quick else 5).timing


def run(cfg: Config) -> list[Row]:
    with user_folders():
        return _rows(cfg)


def _rows(cfg: Config) -> list[Row]:
    exe = executable()
    repeats = 2 if cfg.quick else 5
    cfg.log('  python -c "import numpy" (the start-up anchor)')
    anchor = numpy_start(cfg)
    rows = []
    for k, (args, target) in enumerate(COMMANDS):
        cfg.log(f"  alliance-games {' '.join(args)}")
        cold = COLD in args
        cache = os.environ.get("ALLIANCE_GAMES_CACHE_DIR")
        if cold:
            os.environ["ALLIANCE_GAMES_CACHE_DIR"] = "off"
        try:
            runs = time_process([exe, *(a for a in args if a != COLD)], repeats=repeats,
                                least=repeats)
        finally:
            if cold and cache is not None:
                os.environ["ALLIANCE_GAMES_CACHE_DIR"] = cache
        ok = runs.ok and all(runs.outputs)
        median = runs.timing.median or float("inf")
        is_compare = args[0] == "compare"
        row = Row(
            f"CLI {'start' if k < STARTUP else 'command'}: alliance-games {' '.join(args)}",
            runs.timing, {"baseline": anchor} if is_compare else {},
            target=f"< {target} s wall" + (f"; <= {NUMPY_FACTOR:g}x a bare `import numpy` start"
                                           if is_compare else ""),
            peak_mb=runs.peak_mb,
            check="exit 0, output printed" if ok else f"FAILED (exit codes {runs.codes})",
            notes=runs_note(runs) + ('; baseline = `python -c "import numpy"`, same launcher'
                                     if is_compare else "") + "; bytecode cached"
            + ("; compiled-model cache off" if cold else
               "; compiled-model cache filled by the warm-up run" if is_compare else ""),
            metrics={"argv": args, "target_s": target, "exit_codes": runs.codes,
                     "cpu_s": runs.cpu})
        conditions: list[tuple[str, bool | None]] = [(f"< {target} s: {median:.2f} s",
                                                       median < target)]
        if is_compare:
            ratio, _ = row.ratio_to("baseline")
            conditions.append((f"<= {NUMPY_FACTOR:g}x import numpy ({1 / ratio:.1f}x)"
                               if ratio else "<= 8x import numpy",
                               None if ratio is None else 1 / ratio <= NUMPY_FACTOR))
            row.metrics["times_numpy_start"] = None if ratio is None else 1 / ratio
        row.met = judge(*conditions)
        rows.append(row)
    return rows
