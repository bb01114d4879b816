"""Reading a model file's text: a path or standard input (``-``), safely and with bounds.

Files that are missing, folders, not regular (a FIFO, a device: refused before reading, so
nothing blocks), binary, not UTF-8, empty or over :data:`MAX_FILE_BYTES` are refused with one
located message. Kept apart from the YAML parser (:mod:`~alliance_games.model.loader`) so that
commands reading Gambit files never import PyYAML.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from alliance_games.errors import ModelError

MAX_FILE_BYTES = 5_000_000
"""Largest model file read, in bytes."""
STDIN = "-"
GAMBIT_SUFFIXES = (".nfg", ".efg")
"""File names read as Gambit games (a normal form, a game tree)."""


def read_source(source: str | Path) -> tuple[str, str]:
    """Return ``(text, display_path)`` of a model file, or of standard input for ``-``.

    Raises :class:`ModelError` for missing, unreadable, binary, empty or oversized input.
    """
    if str(source) == STDIN:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        display = "<stdin>"
    else:
        path = Path(source)
        display = str(source)
        if not path.exists():
            raise ModelError("file not found (check the path or run 'alliance-games models')",
                             path=display)
        if path.is_dir():
            raise ModelError("is a directory, not a model file", path=display)
        data = _read_regular(path, display)
    if len(data) > MAX_FILE_BYTES:
        raise ModelError(f"file is larger than {MAX_FILE_BYTES} bytes", path=display)
    if b"\x00" in data:
        raise ModelError("binary file (contains NUL bytes); expected a text model", path=display)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            f"not UTF-8 text (invalid byte at offset {exc.start})", path=display
        ) from None
    if not text or text.isspace():  # what ``not text.strip()`` says, without copying the text
        raise ModelError("file is empty; expected a model", path=display)
    return text, display


def _read_regular(path: Path, display: str) -> bytes:
    """The first ``MAX_FILE_BYTES + 1`` bytes of a regular file. Anything else (a FIFO, a
    device, a socket) is refused without blocking: it is opened non-blocking and checked before
    a byte is read, since a FIFO nobody writes would wait forever. A path that is this process's
    standard input (``/dev/stdin``) is read like ``-``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise ModelError(f"cannot read the file ({exc.strerror})", path=display) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if _is_stdin(info):
                return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            raise ModelError("not a regular file (a FIFO, device or socket, which could block "
                             "or never end); save the model to a file, or pipe it to standard "
                             "input and give '-' as the model", path=display)
        os.set_blocking(fd, True)
        try:
            return handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ModelError(f"cannot read the file ({exc.strerror})", path=display) from None


def _is_stdin(info: os.stat_result) -> bool:
    try:
        stdin = os.fstat(0)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (stdin.st_dev, stdin.st_ino)
