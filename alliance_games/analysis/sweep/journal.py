"""The journal of a sweep in progress: finished chunks, one JSON line each, for ``--resume``.

``OUTPUT.partial`` (beside the output file) starts with a header line holding the sweep's
fingerprint (model, expressions, grid, fixed values, tolerances) and chunk size; every finished
chunk is appended as one line and flushed to disk (``fsync``) before the next starts, so an
interruption (Ctrl-C, kill, power loss) loses at most the chunks in flight. Resuming reads the
header, refuses a journal written for a different sweep, drops a torn last line, and continues
with the chunks not yet done. The finished output is written atomically elsewhere; the journal
is deleted only after that.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from alliance_games.analysis.sweep.result import SweepChunk
from alliance_games.errors import AllianceGamesError

FORMAT = "alliance-games sweep journal 2"


class SweepJournal:
    """Append-only record of finished chunks (see the module docstring)."""

    def __init__(self, path: str | Path, fingerprint: str, chunk: int, count: int,
                 policies: int, *, resume: bool) -> None:
        self.path = Path(path)
        self.done: list[SweepChunk] = []
        self.chunk = chunk
        header: dict[str, Any] = {"format": FORMAT, "fingerprint": fingerprint, "chunk": chunk,
                                  "count": count}
        if self.path.exists() and not resume:
            raise AllianceGamesError(
                f"{self.path} holds an interrupted sweep: rerun with --resume to continue it, "
                "or delete the file to start over")
        lines: list[str] = []
        if resume and self.path.exists():
            header, self.done, lines = self._read(fingerprint, count, policies)
            self.chunk = int(header["chunk"])
        self._rewrite([json.dumps(header), *lines])
        self._handle: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    @property
    def points_done(self) -> int:
        return sum(c.stop - c.start for c in self.done)

    def _read(self, fingerprint: str, count: int, policies: int
              ) -> tuple[dict[str, Any], list[SweepChunk], list[str]]:
        text = self.path.read_text(encoding="utf-8")
        raw = text.split("\n")
        try:
            header = json.loads(raw[0])
        except (json.JSONDecodeError, IndexError):
            raise AllianceGamesError(f"{self.path}: not a sweep journal (first line unreadable); "
                                     "delete it to start over") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise AllianceGamesError(f"{self.path}: not a sweep journal; delete it to start over")
        if header.get("fingerprint") != fingerprint or header.get("count") != count:
            raise AllianceGamesError(
                f"{self.path} belongs to a different sweep (model, grid, --set values or "
                "tolerances differ): rerun the original command with --resume, or delete the file")
        done: list[SweepChunk] = []
        kept: list[str] = []
        seen: set[int] = set()
        for line in raw[1:]:
            try:
                chunk = SweepChunk.from_json(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a torn line from an interruption mid-write: redo that chunk
            if chunk.start in seen:
                continue
            seen.add(chunk.start)
            done.append(chunk)
            kept.append(line)
        return header, done, kept

    def _rewrite(self, lines: list[str]) -> None:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        if not directory.is_dir():
            raise AllianceGamesError(f"{self.path}: the folder {directory} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def append(self, chunk: SweepChunk) -> None:
        """Record a finished chunk durably."""
        assert self._handle is not None
        self._handle.write(json.dumps(chunk.to_json()) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done.append(chunk)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def finish(self) -> None:
        """The output is safely written: the journal is no longer needed."""
        self.close()
        self.path.unlink(missing_ok=True)
