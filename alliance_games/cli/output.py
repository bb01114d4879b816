"""Writing results: standard output, or a file written atomically (temporary file + rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from alliance_games.errors import AllianceGamesError


def emit(text: str, path: str | None) -> None:
    """Print ``text``, or write it to ``path`` so that no half-written file is ever left."""
    if not path or path == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise AllianceGamesError(f"{path}: the folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"wrote {path}", err=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
