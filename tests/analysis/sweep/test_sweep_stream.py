"""A sweep streamed to CSV a chunk at a time (issues 15 and 17): the same bytes as the one-shot
result's CSV, resumable from its journal, written only when whole, in memory bounded by the chunk
size rather than the grid."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.analysis.runs import SweepRun
from alliance_games.analysis.sweep.engine import SweepPlan, parse_axis
from alliance_games.analysis.sweep.journal import SweepJournal
from alliance_games.analysis.sweep.result import SweepChunk, SweepResult
from alliance_games.analysis.sweep.runner import journal_path, run_sweep, stream_sweep
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.render.sweep import sweep_csv, sweep_csv_parts
from tests.cli.entry import run

GRID = ("--param", "pooling=0:1:7", "--param", "two_front_prob=0:1:5")
CSV = ("sweep", "alliance_system_reduced", *GRID, "--format", "csv")


@pytest.fixture(scope="module")
def reduced() -> CompiledModel:
    return compile_model(load_model("alliance_system_reduced"))


def _plan(compiled: CompiledModel, chunk: int, steps: int = 7) -> SweepPlan:
    axes = [parse_axis(f"pooling=0:1:{steps}"), parse_axis("two_front_prob=0:1:5")]  # as --param
    return SweepPlan(compiled.model, axes, {}, DEFAULT_TOLERANCES, compiled=compiled,
                     chunk=chunk)


def _one_shot(compiled: CompiledModel) -> str:
    """The CSV of the whole grid solved in one chunk and held in memory."""
    plan = _plan(compiled, chunk=10_000)
    return sweep_csv(SweepRun(run_sweep(plan), plan.base))


def _streamed(plan: SweepPlan, **run: object) -> tuple[str, list[tuple[int, int]]]:
    """The CSV streamed a chunk at a time, and per part (its points, points solved by then)."""
    pieces: list[str] = []
    seen: list[tuple[int, int]] = []
    solved = [0]

    def write(parts: Iterator[SweepResult]) -> None:
        def watched() -> Iterator[SweepResult]:
            for part in parts:
                seen.append((part.count, solved[0]))
                yield part
        pieces.extend(sweep_csv_parts([n for n, _ in plan.axes], watched()))

    stream_sweep(plan, write, progress=lambda n: solved.__setitem__(0, solved[0] + n),
                 **run)  # type: ignore[arg-type]
    return "".join(pieces), seen


def test_streamed_csv_is_byte_identical_to_the_one_shot_csv(reduced: CompiledModel) -> None:
    reference = _one_shot(reduced)
    assert reference.count("\n") == 1 + 35 * 5 * 5  # header, then point x policy x player
    for chunk in (1, 3, 8, 35):
        text, seen = _streamed(_plan(reduced, chunk))
        assert text == reference, chunk
        # each part is one chunk, handed on as soon as it is solved (never the whole grid)
        assert [count for count, _ in seen] == [min(chunk, 35 - s) for s in range(0, 35, chunk)]
        assert [done for _, done in seen] == [min(s + chunk, 35) for s in range(0, 35, chunk)]


def test_interrupted_stream_resumes_from_its_journal_to_the_same_csv(
        reduced: CompiledModel, tmp_path: Path) -> None:
    reference = _one_shot(reduced)
    plan = _plan(reduced, chunk=4)
    journal = tmp_path / "grid.csv.partial"
    calls: list[int] = []

    def interrupt(n: int) -> None:
        calls.append(n)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        stream_sweep(plan, lambda parts: [None for _ in parts], journal=journal,
                     progress=interrupt)
    lines = journal.read_text().splitlines()
    assert len(lines) == 1 + 3  # the header and the three chunks finished before the interruption
    with journal.open("a") as handle:  # a torn line, as if killed in the middle of a write
        handle.write('{"start": 12, "stop": 16, "risks": [[[0.1')
    text, seen = _streamed(plan, journal=journal, resume=True)
    assert text == reference
    assert [done for _, done in seen][:3] == [12, 12, 12]  # read back, not solved again
    assert not journal.exists()


def test_chunks_finished_out_of_order_are_written_in_grid_order(
        reduced: CompiledModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a dask cluster, where chunks come back in any order: each waits for its turn."""
    from alliance_games.analysis.sweep import runner

    def backwards(plan: SweepPlan, ranges: list[tuple[int, int]]) -> Iterator[SweepChunk]:
        for start, stop in reversed(ranges):
            yield plan.solve(start, stop)

    monkeypatch.setattr(runner, "_local", backwards)
    journal = tmp_path / "grid.csv.partial"
    text, seen = _streamed(_plan(reduced, chunk=6), journal=journal)
    assert text == _one_shot(reduced)
    assert [done for _, done in seen] == [35] * 6  # the first chunk is the last one solved
    assert not journal.exists()


def test_the_journal_keeps_offsets_not_chunks(reduced: CompiledModel, tmp_path: Path) -> None:
    """A journal started by the in-memory path (e.g. --format json) resumes into a stream; what
    it holds per finished chunk is two numbers, the chunk itself is read back on demand."""
    plan = _plan(reduced, chunk=5)
    path = tmp_path / "grid.json.partial"

    def stop_after_two(n: int, calls: list[int] = []) -> None:  # noqa: B006
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, journal=path, progress=stop_after_two)
    record = SweepJournal(path, plan.fingerprint(), 5, plan.count, len(plan.policies),
                          resume=True)
    try:
        assert record.done == {0: 5, 5: 10} and record.points_done == 10
        held = [v for name, value in vars(record).items()
                if isinstance(value, dict) and name != "_header" for v in value.values()]
        assert len(held) == 4
        assert all(type(v) is int for v in held)  # offsets and stops, no chunk's columns
        again = record.load(5)
        assert (again.start, again.stop) == (5, 10)
        assert np.array_equal(again.risks, plan.solve(5, 10).risks)
    finally:
        record.close()
    text, _ = _streamed(plan, journal=path, resume=True)
    assert text == _one_shot(reduced)


def test_stream_memory_does_not_grow_with_the_grid(reduced: CompiledModel, tmp_path: Path) -> None:
    """Peak traced memory while streaming 4x the points (1,200 points, chunks of 20) to a file
    stays about the same; the one-shot path grows with the grid."""
    from alliance_games.render.output_target import write_output

    def peak(steps: int, streamed: bool) -> int:
        plan = _plan(reduced, chunk=20, steps=steps)
        plan.fingerprint()  # the model's digest and merged tree are built before measuring
        out = str(tmp_path / f"{steps}-{streamed}.csv")
        tracemalloc.start()
        try:
            if streamed:
                stream_sweep(plan, lambda parts: write_output(
                    out, (p.encode() for p in sweep_csv_parts(["pooling", "two_front_prob"],
                                                              parts))))
            else:
                write_output(out, sweep_csv(SweepRun(run_sweep(plan), plan.base)))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(60, True), peak(240, True)
    assert large < 1.5 * small, (small, large)
    assert peak(240, False) > 3 * large


# ---- the command line -----------------------------------------------------------------------------

def test_cli_csv_streams_the_same_bytes_to_files_and_standard_output(
        reduced: CompiledModel, tmp_path: Path) -> None:
    reference = _one_shot(reduced)
    code, out, err = run(*CSV, "--chunk-size", "2")
    assert code == 0, err
    assert out == reference
    target = tmp_path / "grid.csv"
    code, out, err = run(*CSV, "--chunk-size", "3", "-o", str(target))
    assert code == 0, err
    assert target.read_text() == reference and f"wrote {target}" in err and out == ""
    code, out, err = run(*CSV, "-o", "-")
    assert code == 0, err
    assert out == reference
    assert not journal_path(target).exists()


def test_cli_interrupted_csv_keeps_the_old_file_and_resumes(
        reduced: CompiledModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _one_shot(reduced)
    target = tmp_path / "grid.csv"
    target.write_text("old\n")
    solve = SweepPlan.solve
    calls: list[int] = []

    def interrupted(self: SweepPlan, start: int, stop: int):  # type: ignore[no-untyped-def]
        calls.append(start)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return solve(self, start, stop)

    monkeypatch.setattr(SweepPlan, "solve", interrupted)
    code, _, err = run(*CSV, "--chunk-size", "4", "-o", str(target))
    assert code == 130 and "--resume" in err
    assert target.read_text() == "old\n"  # the rows already streamed went to a temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.csv", "grid.csv.partial"]
    header, *chunks = journal_path(target).read_text().splitlines()
    assert json.loads(header)["chunk"] == 4 and len(chunks) == 3
    monkeypatch.setattr(SweepPlan, "solve", solve)
    code, _, err = run(*CSV, "--chunk-size", "4", "-o", str(target), "--resume")
    assert code == 0, err
    assert target.read_text() == reference
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.csv"]


def _csv_module(result: SweepResult, names: list[str]) -> str:
    import csv
    import io

    from alliance_games.render import sweep as render

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(render._csv_rows(result, names))
    return out.getvalue()


def test_the_block_writer_writes_what_the_csv_module_writes(reduced: CompiledModel) -> None:
    """The fast CSV text (each point's values written once for its rows) equals the csv module's
    rows of the same result, also with costs missing (NaN) and a single axis; names that need
    quoting go through the csv module itself."""
    from dataclasses import replace

    from alliance_games.render import sweep as render

    plan = _plan(reduced, chunk=10_000)
    result = run_sweep(plan)
    names = [n for n, _ in plan.axes]
    cost = result.cost.copy()
    cost[::3, 1] = np.nan
    holed = replace(result, cost=cost)
    for case, axes in ((result, names), (holed, names), (holed, names[::-1]), (holed, names[:1])):
        assert render._plain_names(case)
        assert "".join(render._csv_blocks(case, axes)) == _csv_module(case, axes)
    quoted = replace(result, players=tuple(f'{p},"x"' for p in result.players))
    assert not render._plain_names(quoted)
    text = "".join(sweep_csv_parts(names, [quoted]))
    assert text.splitlines()[1:] == _csv_module(quoted, names).splitlines()
    assert '"leader,""x"""' in text


def test_a_journal_record_reads_back_exactly(reduced: CompiledModel) -> None:
    """The journal's packed columns (raw bytes in base64) give back every number bit for bit,
    nan and -0.0 included, with each column's dtype, and a torn line is not a chunk."""
    from alliance_games.analysis.sweep.journal import _chunk_range
    from alliance_games.analysis.sweep.result import COLUMNS

    chunk = _plan(reduced, chunk=10_000).solve(0, 35)
    risks = chunk.risks.copy()
    risks[0, 0, 0, 0], risks[1, 0, 0, 0], risks[2, 0, 0, 0] = np.nan, -0.0, 1 / 3
    chunk = type(chunk)(chunk.start, chunk.stop, risks, chunk.cost, chunk.reliable,
                        chunk.verdicts, chunk.choice, chunk.exact_fallback,
                        chunk.tag_probabilities)
    line = json.dumps(chunk.to_record()).encode()
    back = type(chunk).from_record(json.loads(line))
    for name in COLUMNS:
        a, b = getattr(chunk, name), getattr(back, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        if a.dtype.kind == "f":
            assert a.tobytes() == b.tobytes(), name  # bit for bit (nan, -0.0)
        else:
            assert a.tolist() == b.tolist(), name
        assert b.flags.writeable
    assert _chunk_range(line) == (0, 35)
    assert _chunk_range(line[: len(line) // 2]) is None
