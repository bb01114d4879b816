"""Running a sweep's chunks: in this process or on a dask cluster, journaled for ``--resume``.

The chunks of a :class:`~alliance_games.analysis.sweep.engine.SweepPlan` are independent. Locally they
run one after another (each is already vectorised over its points). With ``workers`` or a
``scheduler`` address they are sent to dask.distributed: a ``LocalCluster`` of ``workers``
processes, or the cluster behind the scheduler (its workers need ``alliance-games`` installed).
The plan is sent to every worker once; workers compile the model on first use. Chunks come back
in any order; the result is assembled in grid order, so it is identical to a local run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from alliance_games.analysis.sweep.engine import SweepPlan
from alliance_games.analysis.sweep.journal import SweepJournal
from alliance_games.analysis.sweep.result import SweepChunk, SweepResult
from alliance_games.errors import AllianceGamesError


def journal_path(output: str | Path) -> Path:
    """Where the journal of a sweep written to ``output`` lives."""
    return Path(f"{output}.partial")


def run_sweep(plan: SweepPlan, *, journal: str | Path | None = None, resume: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              progress: Callable[[int], None] | None = None,
              finished: Callable[[SweepResult], None] | None = None) -> SweepResult:
    """Solve every chunk of ``plan`` not already in the journal, then assemble the result.

    ``finished`` is called with the result before the journal is deleted (write the output
    there, so that an interruption while writing still leaves the journal to resume from).
    """
    if resume and journal is None:
        raise AllianceGamesError("--resume needs -o FILE: the journal of an interrupted sweep "
                                 "is kept beside its output file")
    record = None
    chunk = plan.chunk_size()
    if journal is not None:
        record = SweepJournal(journal, plan.fingerprint(), chunk, plan.count,
                              len(plan.policies), resume=resume)
        chunk = record.chunk
    try:
        done = {c.start for c in record.done} if record else set()
        if progress is not None and record is not None and record.points_done:
            progress(record.points_done)
        pending = [r for r in plan.ranges(chunk) if r[0] not in done]
        chunks: list[SweepChunk] = list(record.done) if record else []
        source = (_distributed(plan, pending, workers, scheduler)
                  if workers is not None and workers > 1 or scheduler else _local(plan, pending))
        for found in source:
            if record is not None:
                record.append(found)
            chunks.append(found)
            if progress is not None:
                progress(found.stop - found.start)
        result = plan.result(chunks)
        if finished is not None:
            finished(result)
    finally:
        if record is not None:
            record.close()
    if record is not None:
        record.finish()
    return result


def _local(plan: SweepPlan, ranges: list[tuple[int, int]]) -> Iterator[SweepChunk]:
    for start, stop in ranges:
        yield plan.solve(start, stop)


def _solve_range(plan: SweepPlan, start: int, stop: int) -> SweepChunk:
    """The task sent to a dask worker."""
    return plan.solve(start, stop)


def _distributed(plan: SweepPlan, ranges: list[tuple[int, int]], workers: int | None,
                 scheduler: str | None) -> Iterator[SweepChunk]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise AllianceGamesError(
            "--workers and --scheduler need dask.distributed: pip install "
            "'alliance-games[distributed]'") from None
    cluster: Any = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        raise AllianceGamesError(f"cannot reach the dask scheduler {scheduler}: {exc}") from None
    try:
        shared = client.scatter(plan, broadcast=True)
        futures = [client.submit(_solve_range, shared, start, stop, pure=False)
                   for start, stop in ranges]
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
