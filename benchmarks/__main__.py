"""``python -m benchmarks``: run the workloads, print the table, write JSON.

Examples::

    python -m benchmarks                 # the full run (about 11 minutes on 2 cores)
    python -m benchmarks --quick         # a smoke run in under a minute
    python -m benchmarks --only spe --only cli
    python -m benchmarks --only exact --anchor-timeout 0   # let Gambit run to completion
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from typing import Any

from benchmarks import harness

WORKLOADS: dict[str, str | tuple[str, ...]] = {
    "mixed": "benchmarks.mixed_float",
    "exact": "benchmarks.mixed_exact",
    "pure": "benchmarks.pure_nash",
    "spe": "benchmarks.spe_trees",
    "sweep": "benchmarks.flagship_sweep",
    "cli": ("benchmarks.cli_start", "benchmarks.cli_jobs"),
    "load": "benchmarks.model_load",
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of alliance_games against nashpy, pygambit and QuantEcon.")
    parser.add_argument("--quick", action="store_true",
                        help="smaller games and fewer repetitions: a smoke run in under a minute")
    parser.add_argument("--only", action="append", metavar="NAME", default=[],
                        help="run only this workload (repeatable or comma-separated): "
                             + ", ".join(WORKLOADS))
    parser.add_argument("--json", default="benchmarks/results.json", metavar="PATH",
                        help="where to write the results (default: %(default)s)")
    parser.add_argument("--markdown", metavar="PATH",
                        help="also write the table as Markdown to PATH")
    parser.add_argument("--anchor-timeout", type=float, default=None, metavar="SECONDS",
                        help="wall-clock limit per slow anchor call (pygambit, nashpy); "
                             "0 = none (default: 240, quick: 30)")
    parser.add_argument("--slow-anchors", action="store_true",
                        help="no anchor time limit, and nashpy on 12x12 too (may take hours)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="repetitions of fast calls (default: 7, quick: 3)")
    args = parser.parse_args(argv)
    names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from "
                     + ", ".join(WORKLOADS))
    args.only = names or list(WORKLOADS)
    return args


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console

    args = parse(argv)
    err = Console(stderr=True)
    started = time.perf_counter()

    def log(message: str) -> None:
        err.print(f"[dim]{time.perf_counter() - started:7.1f}s[/dim] {message}", highlight=False)

    timeout = args.anchor_timeout if args.anchor_timeout is not None else (
        30.0 if args.quick else 240.0)
    cfg = harness.Config(quick=args.quick, anchor_timeout=timeout,
                         slow_anchors=args.slow_anchors,
                         repeats=args.repeats or (3 if args.quick else 7), log=log)
    meta: dict[str, Any] = harness.environment()
    meta["options"] = {"quick": args.quick, "only": args.only, "anchor_timeout_s": cfg.timeout,
                       "slow_anchors": args.slow_anchors, "repeats": cfg.repeats}
    rows: list[harness.Row] = []
    durations = {}
    for name in args.only:
        t0 = time.perf_counter()
        modules = WORKLOADS[name]
        for module_name in (modules,) if isinstance(modules, str) else modules:
            module = importlib.import_module(module_name)
            log(f"[bold]{name}[/bold]: {(module.__doc__ or name).strip().splitlines()[0]}")
            rows.extend(module.run(cfg))
        durations[name] = round(time.perf_counter() - t0, 1)
    meta["workload_seconds"] = durations
    meta["total_seconds"] = round(time.perf_counter() - started, 1)
    meta["max_rss_mb"] = round(harness.max_rss_mb(), 1)
    title = (f"alliance_games benchmarks{' (quick)' if args.quick else ''}: medians in seconds; "
             "ratio = anchor / ours (> 1: we are faster)")
    harness.print_table(rows, title)
    harness.write_json(args.json, rows, meta)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(harness.markdown_table(rows))
    log(f"done in {meta['total_seconds']} s; wrote {args.json}"
        + (f" and {args.markdown}" if args.markdown else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
