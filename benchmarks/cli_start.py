"""Workload 6: commands as a user meets them, wall time of a fresh process.

``alliance-games --help`` (target < 0.3 s), ``alliance-games solve prisoners_dilemma`` (a 2x2
classic, target < 0.8 s) and the main job, ``alliance-games compare alliance_system`` (the
rebuilt flagship, an imperfect-information tree of 38,000 nodes; issue 13's target < 2 s), with and
without ``--select``, each run as a fresh process: one warm-up run (disk cache), then the
median of 5. Each run is started and timed by a tiny launcher process, so the peak memory reported
(the command's maximum resident set size from ``os.wait4``) is not inflated by the fork of this
large benchmark process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Config, Row, Timing

NAME = "cli"
COMMANDS = ((("--help",), 0.3), (("solve", "prisoners_dilemma"), 0.8),
            (("compare", "alliance_system"), 2.0), (("compare", "alliance_system", "--select"), 2.0))
STARTUP = 2  # the first commands time start-up; the others whole jobs


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
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "exit": os.waitstatus_to_exitcode(status),
                  "max_rss_kb": usage.ru_maxrss, "output_bytes": len(out)}))
"""


def run_once(argv: list[str]) -> tuple[float, int, float, int]:
    """Wall time, exit status, peak RSS (MB) and output size of one run of ``argv``."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True,
                          check=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return (report["seconds"], report["exit"], report["max_rss_kb"] / 1024,
            report["output_bytes"])


def run(cfg: Config) -> list[Row]:
    exe = executable()
    repeats = 2 if cfg.quick else 5
    rows = []
    for k, (args, target) in enumerate(COMMANDS):
        argv = [exe, *args]
        cfg.log(f"  alliance-games {' '.join(args)}")
        run_once(argv)  # warm-up
        times, codes, peaks, outs = [], [], [], []
        for _ in range(repeats):
            elapsed, code, peak, out = run_once(argv)
            times.append(elapsed)
            codes.append(code)
            peaks.append(peak)
            outs.append(out)
        timing = Timing(times=times)
        ok = all(c == 0 for c in codes) and all(outs)
        median = timing.median or float("inf")
        rows.append(Row(
            f"CLI {'start' if k < STARTUP else 'command'}: alliance-games {' '.join(args)}", timing,
            target=f"< {target} s wall",
            met="yes" if median < target else f"no ({median:.2f} s)", peak_mb=max(peaks),
            check="exit 0, output printed" if ok else f"FAILED (exit codes {codes})",
            notes=f"median of {repeats} fresh processes; peak MB is the child's max RSS",
            metrics={"argv": args, "target_s": target, "exit_codes": codes}))
    return rows
