"""The journal of a sweep in progress: finished chunks, one JSON line each, for ``--resume``.

``OUTPUT.partial`` (beside the output file) starts with a header line holding the sweep's format,
fingerprint (model, grid, fixed values, tolerances), chunk size and point count; every finished
chunk is one line, flushed to disk (``fsync``) before the next starts, so an interruption loses at
most the chunks in flight. Resuming refuses a journal written for a different sweep, skips torn and
repeated lines (cutting a torn last line off), and continues with the chunks not yet done.

The journal never holds the chunks in memory: it keeps, per finished chunk, where its line starts
in the file, and :meth:`SweepJournal.load` reads one chunk back when it is needed (a journal of
10^6 points is about 0.7 GB on disk, so it is indexed a line at a time). The
finished output is written elsewhere; the journal is deleted only after that
(:meth:`SweepJournal.finish`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from alliance_games.analysis.sweep.result import SweepChunk
from alliance_games.errors import AllianceGamesError

FORMAT = "alliance-games sweep journal 3"


class SweepJournal:
    """Append-only record of finished chunks (see the module docstring).

    ``done`` maps the first point of every finished chunk to its stop; ``chunk`` is the chunk
    size the journal was started with (a resumed sweep keeps it, so its chunks tile the same).
    """

    def __init__(self, path: str | Path, fingerprint: str, chunk: int, count: int,
                 policies: int, *, resume: bool) -> None:
        self.path = Path(path)
        self.done: dict[int, int] = {}
        self._offsets: dict[int, int] = {}  # chunk start -> byte offset of its line
        header: dict[str, Any] = {"format": FORMAT, "fingerprint": fingerprint, "chunk": chunk,
                                  "count": count}
        if self.path.exists() and not resume:
            raise AllianceGamesError(
                f"{self.path} holds an interrupted sweep: rerun with --resume to continue it, "
                "or delete the file to start over")
        directory = self.path.parent if str(self.path.parent) else Path(".")
        if not directory.is_dir():
            raise AllianceGamesError(f"{self.path}: the folder {directory} does not exist")
        if resume and self.path.exists():
            self._handle: IO[bytes] | None = open(self.path, "r+b")  # noqa: SIM115
            self._index(header)
        else:
            self._handle = open(self.path, "wb")  # noqa: SIM115
            self._handle.write(json.dumps(header).encode() + b"\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())
        self.chunk = int(header["chunk"])

    @property
    def points_done(self) -> int:
        return sum(stop - start for start, stop in self.done.items())

    def _index(self, expected: dict[str, Any]) -> None:
        """Check the header against ``expected`` (taking its chunk size), note where every whole
        chunk's line starts (a line at a time), and cut off a torn last line, so that the next
        chunk starts a line of its own; torn or repeated lines elsewhere are skipped."""
        handle = self._handle
        assert handle is not None
        try:
            header = json.loads(handle.readline())
        except (json.JSONDecodeError, UnicodeDecodeError):
            self.close()
            raise AllianceGamesError(f"{self.path}: not a sweep journal (first line unreadable); "
                                     "delete it to start over") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            self.close()
            raise AllianceGamesError(f"{self.path}: not a sweep journal; delete it to start over")
        if (header.get("fingerprint") != expected["fingerprint"]
                or header.get("count") != expected["count"]):
            self.close()
            raise AllianceGamesError(
                f"{self.path} belongs to a different sweep (its model, points or settings "
                "differ): rerun the original command with --resume, or delete the file")
        expected["chunk"] = header.get("chunk", expected["chunk"])
        end = offset = handle.tell()
        for line in handle:
            found = _chunk_range(line) if line.endswith(b"\n") else None
            if found is not None and found[0] not in self.done:
                self._offsets[found[0]] = offset
                self.done[found[0]] = found[1]
            offset += len(line)
            if found is not None:
                end = offset
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())

    def load(self, start: int) -> SweepChunk:
        """The finished chunk starting at point ``start``, read back from the journal."""
        with open(self.path, "rb") as handle:
            handle.seek(self._offsets[start])
            return SweepChunk.from_record(json.loads(handle.readline()))

    def append(self, chunk: SweepChunk) -> None:
        """Record a finished chunk durably."""
        assert self._handle is not None
        self._handle.seek(0, os.SEEK_END)
        self._offsets[chunk.start] = self._handle.tell()
        self._handle.write(json.dumps(chunk.to_record()).encode() + b"\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done[chunk.start] = chunk.stop

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def finish(self) -> None:
        """The output is safely written: the journal is no longer needed."""
        self.close()
        self.path.unlink(missing_ok=True)


def _chunk_range(line: bytes) -> tuple[int, int] | None:
    """``(start, stop)`` of the chunk a journal line holds; ``None`` for a torn or foreign line."""
    try:
        doc = json.loads(line)
        if not isinstance(doc, dict):
            return None
        chunk = SweepChunk.from_record(doc)
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
        return None
    return chunk.start, chunk.stop
