"""Writing results: standard output, or a file written atomically (temporary file + rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from alliance_games.errors import AllianceGamesError

if TYPE_CHECKING:
    from rich.console import RenderableType


def emit(rendered: str | RenderableType, path: str | None = None, *, width: int | None = None,
         tee: bool = False) -> None:
    """Print what a renderer returned, or write it to ``path`` (``-``: standard output).

    Text is printed as it is (ending with one newline; empty text prints nothing). A rich
    renderable is laid out ``width`` columns wide (default: the terminal's); written to a file it
    becomes plain text, and with ``tee`` it is printed on standard output as well.
    """
    if isinstance(rendered, str):
        _emit_text(rendered, path)
        return
    import io

    from rich.console import Console

    if not path:
        Console(width=width).print(rendered)
        return
    console = Console(record=True, width=width, file=None if tee else io.StringIO())
    console.print(rendered)
    _emit_text(console.export_text(), path)


def _emit_text(text: str, path: str | None) -> None:
    """Print ``text``, or write it to ``path`` so that no half-written file is ever left."""
    if not path or path == "-":
        if text:
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
