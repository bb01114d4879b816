"""Running a sweep's chunks: in this process or on a dask cluster, journaled for ``--resume``.

The chunks of a :class:`~alliance_games.analysis.sweep.engine.SweepPlan` are independent. Locally they
run one after another (each is already vectorised over its points). With ``workers`` or a
``scheduler`` address they are sent to dask.distributed: a ``LocalCluster`` of ``workers``
processes, or the cluster behind the scheduler (its workers need ``alliance-games`` installed).
The plan is sent to every worker once; workers compile the model on first use. Chunks come back
in any order; the result is assembled in grid order, so it is identical to a local run.

:func:`run_sweep` assembles the whole result in memory (what the table, JSON, LaTeX and plots
need); :func:`stream_sweep` passes each chunk's part on in grid order as soon as it can, so a
writer (the CSV) holds one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import closing
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
    The whole grid is held in memory; :func:`stream_sweep` passes it on a chunk at a time.
    """
    results: list[SweepResult] = []

    def assemble(chunks: Iterator[SweepChunk]) -> None:
        result = plan.result(chunks)
        if finished is not None:
            finished(result)
        results.append(result)

    _run(plan, assemble, journal=journal, resume=resume, workers=workers, scheduler=scheduler,
         progress=progress)
    return results[0]


def stream_sweep(plan: SweepPlan, write: Callable[[Iterator[SweepResult]], None], *,
                 journal: str | Path | None = None, resume: bool = False,
                 workers: int | None = None, scheduler: str | None = None,
                 progress: Callable[[int], None] | None = None) -> None:
    """Solve ``plan`` and hand ``write`` its parts in grid order as they are done: each part is
    the result over one chunk's points (:meth:`~alliance_games.analysis.sweep.engine.SweepPlan.part`),
    solved or read back from the journal when ``write`` asks for it, and dropped once ``write``
    moves on; so memory is bounded by the chunk size, not the grid (chunks finished out of order
    on a cluster wait for their turn). ``write`` must consume every part; the journal is deleted
    after it returns, as with :func:`run_sweep`'s ``finished``.
    """
    def parts(chunks: Iterator[SweepChunk]) -> None:
        write(plan.part(chunk) for chunk in chunks)

    _run(plan, parts, journal=journal, resume=resume, workers=workers, scheduler=scheduler,
         progress=progress)


def _run(plan: SweepPlan, consume: Callable[[Iterator[SweepChunk]], None], *,
         journal: str | Path | None, resume: bool, workers: int | None, scheduler: str | None,
         progress: Callable[[int], None] | None) -> None:
    """Pass ``consume`` every chunk of ``plan`` in grid order (journaled ones read back, the
    others solved and journaled as they finish); delete the journal once it has returned."""
    if resume and journal is None:
        raise AllianceGamesError("--resume needs -o FILE: the journal of an interrupted sweep "
                                 "is kept beside its output file")
    record = None
    chunk = plan.chunk_size()
    if journal is not None:
        record = SweepJournal(journal, plan.fingerprint(), chunk, plan.count,
                              len(plan.policies), resume=resume)
        chunk = record.chunk
    delivered = [0]
    try:
        done = record.done if record is not None else {}
        if progress is not None and record is not None and record.points_done:
            progress(record.points_done)
        ranges = plan.ranges(chunk)
        pending = [r for r in ranges if r[0] not in done]
        source = (_distributed(plan, pending, workers, scheduler)
                  if workers is not None and workers > 1 or scheduler else _local(plan, pending))

        def solved() -> Generator[SweepChunk, None, None]:
            for found in source:
                if record is not None:
                    record.append(found)
                if progress is not None:
                    progress(found.stop - found.start)
                yield found

        with closing(solved()) as fresh:
            consume(_in_order(ranges, record, fresh, delivered))
    finally:
        if record is not None:
            record.close()
    if delivered[0] != len(ranges):
        raise AssertionError(f"the sweep's consumer took {delivered[0]} of {len(ranges)} chunks")
    if record is not None:
        record.finish()


def _in_order(ranges: list[tuple[int, int]], record: SweepJournal | None,
              fresh: Iterator[SweepChunk], delivered: list[int]) -> Iterator[SweepChunk]:
    """The chunks of ``ranges`` in order: journaled ones read back, the others taken from
    ``fresh`` (which may finish them in any order; early ones wait for their turn)."""
    waiting: dict[int, SweepChunk] = {}
    for start, _ in ranges:
        if record is not None and start in record.done and start not in waiting:
            found = record.load(start)
        else:
            while start not in waiting:
                solved = next(fresh)
                waiting[solved.start] = solved
            found = waiting.pop(start)
        delivered[0] += 1
        yield found


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
