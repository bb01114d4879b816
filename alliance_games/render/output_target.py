"""Writing an output where the user pointed (``-o FILE``, ``--plot FILE``), without destroying it.

What happens depends on what ``path`` is when the output is written:

* ``-``, ``/dev/stdout`` (and ``/dev/fd/1``, ``/proc/self/fd/1``, or any path that is the same
  file as the process's standard output): the output goes to standard output;
* a regular file, or a path that does not exist yet: replaced atomically, through a temporary
  file in the same folder that is written, ``fsync``-ed and renamed over the target, so the old
  content or the new one is there, never a mix. A replaced file keeps its permission bits (and,
  when the process may, its owner); a new file gets ``0666`` minus the umask;
* a symbolic link: followed; its target is written by these same rules and the link is kept;
* a character or block device, a FIFO or any other file that is not regular: opened and written
  through, never replaced (``/dev/null`` stays a device). A FIFO nobody reads is waited for at
  most :data:`FIFO_READER_WAIT` seconds.

An existing target without write permission for the user, or whose mode has no ``w`` bit at all
(root may write anything, so the mode bits are checked as well), is refused unless ``force`` is
given; forced, a regular file is replaced and keeps its mode. A folder is refused. Every failure
(:class:`OSError`: missing or unwritable folder, full disk, file too large, ...) becomes one
:class:`OutputError` line naming the target and the cause; an existing file is then unchanged.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Iterable

from alliance_games.errors import AllianceGamesError

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
"""Paths that mean standard output, whatever file it currently is."""

FIFO_READER_WAIT = 10.0
"""Seconds to wait for a process to open a FIFO for reading before giving up."""

_POLL_SECONDS = 0.05


class OutputError(AllianceGamesError):
    """An output cannot be written where the user asked (one line: the target and the cause)."""


def is_stdout(path: str | None) -> bool:
    """Whether writing to ``path`` means writing to standard output (``None`` included)."""
    if not path or path in STDOUT_NAMES:
        return True
    try:
        target, out = os.stat(path), os.fstat(1)
    except (OSError, ValueError):
        return False
    return (target.st_dev, target.st_ino) == (out.st_dev, out.st_ino)


def replaces_file(path: str | None) -> bool:
    """Whether ``path`` is written by replacing a regular file (or creating one): not standard
    output, a device or a FIFO. Only then may companion files (a ``.partial`` journal) sit beside
    it."""
    if is_stdout(path):
        return False
    assert path is not None
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def check_target(path: str | None, *, force: bool = False) -> None:
    """Refuse, before any work, a target that :func:`write_output` would refuse: a missing
    folder, a folder as the target, a read-only file without ``force``.

    Raises
    ------
    OutputError
        With the target, the cause and the way out.
    """
    if is_stdout(path):
        return
    assert path is not None
    try:
        _existing(path, force=force)
    except OSError as exc:
        raise OutputError(_failure(path, exc)) from None


def write_output(path: str, content: str | bytes | Iterable[bytes], *, force: bool = False
                 ) -> None:
    """Write ``content`` (text is UTF-8 encoded; an iterable of byte strings is written piece by
    piece as it is produced, a stream never held whole) to ``path`` by the rules of this module.

    Raises
    ------
    OutputError
        When the target is refused or any write fails; an existing regular file is then left
        exactly as it was.
    """
    data: Iterable[bytes] = ((content.encode("utf-8"),) if isinstance(content, str) else
                             (content,) if isinstance(content, bytes) else content)
    if is_stdout(path):
        _to_stdout(data)
        return
    info, atomic = None, False
    try:
        info = _existing(path, force=force)
        atomic = info is None or stat.S_ISREG(info.st_mode) and _confirmed(path, info)
        if info is None:
            _replace(_real(path), data, mode=0o666 & ~_umask(), owner=None)
        elif atomic:
            _replace(_real(path), data, mode=stat.S_IMODE(info.st_mode),
                     owner=(info.st_uid, info.st_gid))
        else:
            _write_through(path, data, info)
    except OSError as exc:
        kept = "; the existing file is unchanged" if atomic and info is not None else ""
        raise OutputError(_failure(path, exc) + kept) from None


def shown_path(path: str) -> str:
    """``path`` for a one-line message: as it is when printable, else quoted with escapes (a
    newline or an undecodable byte in a file name cannot break the line or the terminal)."""
    return path if path.isprintable() else repr(path)


# ---- the rules -----------------------------------------------------------------------------
def _existing(path: str, *, force: bool) -> os.stat_result | None:
    """The status of what ``path`` leads to (symbolic links followed), ``None`` for a new file
    (its folder checked); refuses a folder and, without ``force``, a read-only target."""
    try:
        if "\0" in path:
            raise ValueError
        os.fsencode(path)
    except ValueError:  # a NUL, or a lone surrogate no file system name can hold
        raise OutputError(f"cannot write {shown_path(path)}: not a valid file name") from None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        folder = os.path.dirname(_real(path)) or "."
        if not os.path.lexists(folder):
            raise OutputError(f"cannot write {shown_path(path)}: the folder {shown_path(folder)} "
                              "does not exist (create it first)") from None
        return None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {shown_path(path)}: it is a folder (Is a directory); "
                          "give a file name")
    if not force and (not info.st_mode & 0o222 or not os.access(path, os.W_OK)):
        why = "read-only" if not info.st_mode & 0o222 else "not writable by you"
        raise OutputError(f"cannot write {shown_path(path)}: it is {why} (mode "
                          f"{stat.S_IMODE(info.st_mode):04o}); add --force to replace it anyway "
                          "(its mode is kept), or write elsewhere")
    return info


def _real(path: str) -> str:
    """``path`` with symbolic links resolved (the file to replace, the link itself kept)."""
    return os.path.realpath(path) if os.path.islink(path) else path


def _confirmed(path: str, info: os.stat_result) -> bool:
    """Whether the resolved path names the very file ``path`` leads to (a link into
    ``/proc/self/fd`` can lead to a deleted file that no path names: write it through)."""
    try:
        real = os.stat(_real(path))
    except OSError:
        return False
    return (real.st_dev, real.st_ino) == (info.st_dev, info.st_ino)


def _replace(target: str, data: Iterable[bytes], *, mode: int, owner: tuple[int, int] | None
             ) -> None:
    """Write ``target`` atomically: a temporary file in its folder, fsync, rename, fsync the
    folder. The temporary file is removed on any failure. Where the system allows it (Linux's
    ``O_TMPFILE``), the data goes to a file with no name that is given one only once complete,
    so a process killed while writing (``kill -9``, a long streamed sweep) leaves nothing behind."""
    folder = os.path.dirname(target) or "."
    name = os.path.basename(target)[:200]
    anonymous = _anonymous_file(folder)
    if anonymous is not None:
        fd, tmp = anonymous, None
    else:
        import tempfile  # only when a file is written (start-up time)

        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            for piece in data:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        _own(fd, mode, owner)
        if tmp is None:  # name the finished file, then rename it over the target
            tmp = _name_anonymous(fd, folder, f".{name}.", mode, owner)
        os.replace(tmp, target)
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        os.close(fd)
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:  # some file systems cannot sync a folder; the rename itself is done
        pass
    finally:
        os.close(directory)


def _own(fd: int, mode: int, owner: tuple[int, int] | None) -> None:
    """Give the open file ``fd`` the replaced file's owner (when the process may) and mode."""
    if owner is not None and owner != (os.geteuid(), os.getegid()):
        try:
            os.fchown(fd, *owner)
        except OSError:  # only root may give a file away; the mode is kept regardless
            pass
    os.fchmod(fd, mode)  # after chown, which clears set-id bits


def _anonymous_file(folder: str) -> int | None:
    """A writable file with no name in ``folder`` (``O_TMPFILE``), if the system and the file
    system support it and ``/proc/self/fd`` can name it later; else ``None``."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except OSError:  # e.g. EOPNOTSUPP on a file system without it; ENOENT/EACCES recur below
        return None


def _name_anonymous(fd: int, folder: str, prefix: str, mode: int,
                    owner: tuple[int, int] | None) -> str:
    """A name in ``folder`` for the finished anonymous file ``fd``: a hard link through
    ``/proc/self/fd`` where the kernel allows it, else a named copy made now (the named file then
    exists only while the finished data is copied, not while it was produced)."""
    candidate = _unused_name(folder, prefix, ".tmp")
    try:
        os.link(f"/proc/self/fd/{fd}", candidate, follow_symlinks=True)
        return candidate  # a failed link created nothing to remove
    except OSError:
        pass
    import tempfile  # only when a file is written (start-up time)

    out, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    try:
        size, offset = os.fstat(fd).st_size, 0
        while offset < size:
            sent = os.sendfile(out, fd, offset, size - offset)
            if sent == 0:
                raise OSError(errno.EIO, "short copy of the finished output")
            offset += sent
        os.fsync(out)
        _own(out, mode, owner)
    except BaseException:
        os.close(out)
        os.unlink(tmp)
        raise
    os.close(out)
    return tmp


def _unused_name(folder: str, prefix: str, suffix: str) -> str:
    """A path in ``folder`` that does not exist now (``os.link`` refuses to overwrite, so a race
    fails loudly rather than clobbering)."""
    for _ in range(100):
        candidate = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(errno.EEXIST, "no unused temporary name", folder)


def _write_through(path: str, data: Iterable[bytes], info: os.stat_result) -> None:
    """Open ``path`` for writing and write ``data`` into it: a device, a FIFO, a socket, or a
    regular file reached through a link that names no path (then truncated first)."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC
    if stat.S_ISREG(info.st_mode):
        flags |= os.O_TRUNC
    fifo = stat.S_ISFIFO(info.st_mode)
    fd = _open_fifo(path, flags) if fifo else os.open(path, flags)
    try:
        if fifo:
            os.set_blocking(fd, True)
        for piece in data:
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _open_fifo(path: str, flags: int) -> int:
    """Open a FIFO for writing once a reader has it open, waiting at most
    :data:`FIFO_READER_WAIT` seconds (a plain open would block forever without a reader)."""
    deadline = time.monotonic() + FIFO_READER_WAIT
    while True:
        try:
            return os.open(path, flags | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() >= deadline:
                if exc.errno == errno.ENXIO:
                    raise OutputError(f"cannot write {shown_path(path)}: no process reads this "
                                      f"FIFO (waited {FIFO_READER_WAIT:g} s); start the reader "
                                      "first") from None
                raise
        time.sleep(_POLL_SECONDS)


def _to_stdout(data: Iterable[bytes]) -> None:
    stream = sys.stdout
    stream.flush()
    for piece in data:
        stream.buffer.write(piece)
    stream.buffer.flush()


def _failure(path: str, exc: OSError) -> str:
    """One line: the target, the cause (``strerror``) and, when the failing call named another
    file (the temporary file of an atomic replace), the folder it was in."""
    text = f"cannot write {shown_path(path)}: {exc.strerror or str(exc) or type(exc).__name__}"
    name = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes) else None
    if name and name not in (path, _real(path)):
        text += f" (in the folder {shown_path(os.path.dirname(name) or '.')})"
    return text


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

