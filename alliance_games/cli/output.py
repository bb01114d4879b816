"""Writing results: standard output, or the file, device or FIFO named by ``-o FILE``.

Where an output goes and how it is written safely (atomic replace of regular files only, write
through devices and FIFOs, read-only targets refused without ``--force``, every failure one
line) is decided by :mod:`alliance_games.render.output_target`; this module prints and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

F = TypeVar("F", bound=Callable[..., Any])


def force_option(func: F) -> F:
    """``--force``: with ``-o FILE``, replace FILE even when it is read-only (mode kept)."""
    return click.option(
        "--force", is_flag=True,
        help="Replace an output file even if it is read-only (its permissions are kept); "
             "without --force a read-only output file is refused.",
    )(func)


def output_option(func: F) -> F:
    """``-o/--output FILE`` and ``--force``: write to FILE instead of standard output."""
    func = force_option(func)
    return click.option("-o", "--output", metavar="FILE",
                        help="Write to FILE (atomically) instead of stdout; - is stdout.")(func)


def emit(rendered: str | RenderableType, path: str | None = None, *, width: int | None = None,
         tee: bool = False, force: bool = False) -> None:
    """Print what a renderer returned, or write it to ``path``.

    Text is printed as it is (ending with one newline; empty text prints nothing). A rich
    renderable is laid out ``width`` columns wide (default: the terminal's); written to a file it
    becomes plain text, and with ``tee`` it is printed on standard output as well. ``path`` ``-``
    or ``/dev/stdout`` (any path that is standard output) prints, once. Any other path is written
    by :func:`~alliance_games.render.output_target.write_output` (``force``: replace a read-only
    file), then ``wrote PATH`` goes to stderr.
    """
    from alliance_games.render.output_target import is_stdout, shown_path, write_output

    to_stdout = is_stdout(path)
    if isinstance(rendered, str):
        text = rendered
    else:
        import io

        if to_stdout:
            _console(width=width).print(rendered)
            return
        console = _console(record=True, width=width, file=None if tee else io.StringIO())
        console.print(rendered)
        text = console.export_text()
    if to_stdout:
        if text:
            click.echo(text, nl=not text.endswith("\n"))
        return
    assert path is not None
    write_output(path, text, force=force)
    click.echo(f"wrote {shown_path(path)}", err=True)


def _console(**options: Any) -> Console:
    """A rich console made with ``options``; when it shows no colours (not a terminal), without
    highlighting as well: highlighting only adds styles, which such a console drops, and its
    patterns take milliseconds to compile on first use."""
    from rich.console import Console

    console = Console(**options)
    if console.color_system is None:
        console = Console(highlight=False, **options)
    return console
