"""The journal of a sweep in progress: finished chunks, one JSON line each, for ``--resume``.

``OUTPUT.partial`` (beside the output file) is a :class:`~alliance_games.analysis.journal.Journal`
whose header holds the sweep's fingerprint (model, expressions, grid, fixed values, tolerances)
and chunk size; every finished chunk is one line, flushed to disk before the next starts, so an
interruption loses at most the chunks in flight. Resuming refuses a journal written for a
different sweep, drops a torn last line, and continues with the chunks not yet done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alliance_games.analysis.journal import Journal
from alliance_games.analysis.sweep.result import SweepChunk

FORMAT = "alliance-games sweep journal 2"


def _is_chunk(doc: dict[str, Any]) -> bool:
    """Whether a journal line is a whole chunk (raises on a torn or foreign line)."""
    SweepChunk.from_json(doc)
    return True


class SweepJournal:
    """Append-only record of finished chunks (see the module docstring)."""

    def __init__(self, path: str | Path, fingerprint: str, chunk: int, count: int,
                 policies: int, *, resume: bool) -> None:
        self.path = Path(path)
        self._journal = Journal(
            path, {"format": FORMAT, "fingerprint": fingerprint, "chunk": chunk, "count": count},
            resume=resume, what="sweep", key=lambda doc: int(doc["start"]),
            valid=_is_chunk)
        self.chunk = int(self._journal.header["chunk"])
        self.done: list[SweepChunk] = [SweepChunk.from_json(doc) for doc in self._journal.records]

    @property
    def points_done(self) -> int:
        return sum(c.stop - c.start for c in self.done)

    def append(self, chunk: SweepChunk) -> None:
        """Record a finished chunk durably."""
        self._journal.append(chunk.to_json())
        self.done.append(chunk)

    def close(self) -> None:
        self._journal.close()

    def finish(self) -> None:
        """The output is safely written: the journal is no longer needed."""
        self._journal.finish()
