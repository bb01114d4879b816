"""An append-only journal of finished work, one JSON line each, for ``--resume``.

The first line is a header: the journal's ``format`` and a ``fingerprint`` of everything that
determines the results (so that a journal is never resumed into a different run), plus whatever
settings its owner keeps there. Every finished record is appended as one line and flushed to disk
(``fsync``) before the next starts, so an interruption (Ctrl-C, kill, power loss) loses at most
the work in flight. Resuming reads the header, refuses a journal written for a different run,
drops torn or repeated lines (a record is identified by its ``key``), and continues. The finished
output is written atomically elsewhere; the journal is deleted only after that (:meth:`finish`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from alliance_games import __version__
from alliance_games.errors import AllianceGamesError
from alliance_games.model.symbolic import SymbolicModel


def model_digest(model: SymbolicModel) -> bytes:
    """What identifies a model's results for resuming: the package version and the model file's
    bytes (its expressions printed, the slow way, only when it has no file)."""
    digest = hashlib.sha256(__version__.encode())
    path = Path(model.path) if model.path else None
    if path is not None and path.is_file():
        digest.update(path.read_bytes())
    else:
        game = model.game
        for name in ("payoff_exprs", "prob_exprs", "payoffs"):
            exprs = getattr(game, name, None)
            if exprs is not None:
                digest.update(str(exprs.ravel().tolist()).encode())
    return digest.digest()


class Journal:
    """Append-only JSON-lines record (see the module docstring).

    ``what`` names the run in messages ("sweep", "robustness run"); ``key(record)`` identifies a
    record (a later line with the same key is a repeat and dropped); ``valid(record)`` rejects
    lines that parse as JSON but are not whole records.
    """

    def __init__(self, path: str | Path, header: dict[str, Any], *, resume: bool, what: str,
                 key: Callable[[dict[str, Any]], Any],
                 valid: Callable[[dict[str, Any]], bool] = lambda record: True) -> None:
        self.path = Path(path)
        self.what = what
        self.records: list[dict[str, Any]] = []
        self.header = dict(header)
        if self.path.exists() and not resume:
            raise AllianceGamesError(
                f"{self.path} holds an interrupted {what}: rerun with --resume to continue it, "
                "or delete the file to start over")
        lines: list[str] = []
        if resume and self.path.exists():
            self.header, self.records, lines = self._read(header, key, valid)
        self._rewrite([json.dumps(self.header), *lines])
        self._handle: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def _read(self, expected: dict[str, Any], key: Callable[[dict[str, Any]], Any],
              valid: Callable[[dict[str, Any]], bool]
              ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
        raw = self.path.read_text(encoding="utf-8").split("\n")
        try:
            header = json.loads(raw[0])
        except (json.JSONDecodeError, IndexError):
            raise AllianceGamesError(f"{self.path}: not a {self.what} journal (first line "
                                     "unreadable); delete it to start over") from None
        if not isinstance(header, dict) or header.get("format") != expected.get("format"):
            raise AllianceGamesError(f"{self.path}: not a {self.what} journal; delete it to "
                                     "start over")
        if (header.get("fingerprint") != expected.get("fingerprint")
                or header.get("count") != expected.get("count")):
            raise AllianceGamesError(
                f"{self.path} belongs to a different {self.what} (its model, points or settings "
                "differ): rerun the original command with --resume, or delete the file")
        records: list[dict[str, Any]] = []
        kept: list[str] = []
        seen: set[Any] = set()
        for line in raw[1:]:
            try:
                record = json.loads(line)
                ok = isinstance(record, dict) and valid(record)
                k = key(record) if ok else None
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a torn line from an interruption mid-write: redo that work
            if not ok or k in seen:
                continue
            seen.add(k)
            records.append(record)
            kept.append(line)
        return header, records, kept

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

    def append(self, record: dict[str, Any]) -> None:
        """Record finished work durably."""
        assert self._handle is not None
        self._handle.write(json.dumps(record) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.records.append(record)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def finish(self) -> None:
        """The output is safely written: the journal is no longer needed."""
        self.close()
        self.path.unlink(missing_ok=True)
