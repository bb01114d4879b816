"""The ``alliance-games`` command line: thin click commands over the library.

Commands live in their own modules and are imported only when invoked, so ``--help`` stays fast.
Expected errors (:class:`~alliance_games.errors.AllianceGamesError`) print one line on stderr and
exit with code 2; ``ALLIANCE_GAMES_DEBUG=1`` shows the traceback. Ctrl-C, at any point after the
interpreter has started (also while the command group and its modules are imported), prints
``interrupted`` and exits with code 130.

This module is the entry point and imports nothing itself (``sys`` is always loaded): the group,
click and the rest are imported by :func:`main` where Ctrl-C is caught
(:mod:`alliance_games.cli.app`); ``cli``, ``COMMANDS`` and ``LazyGroup`` are read from there on
first use.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # nothing but sys is imported before main() can catch Ctrl-C
if TYPE_CHECKING:
    from typing import Any, NoReturn

_FROM_APP = ("cli", "COMMANDS", "LazyGroup")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI (:func:`alliance_games.cli.app.run`); Ctrl-C while it is being
    imported prints ``interrupted`` and exits with code 130, as it does later.

    Run as the process's own command (``argv`` None: the ``alliance-games`` script, ``python -m
    alliance_games``) it relaxes the garbage collector
    (:func:`~alliance_games.analysis.collection.relax_for_process`); called with
    ``argv`` from a program (tests, a notebook) it leaves the caller's collector alone."""
    try:
        one_blas_thread()
        if argv is None:
            from alliance_games.analysis.collection import relax_for_process

            relax_for_process()
        from alliance_games.cli.app import run
    except KeyboardInterrupt:
        interrupted()
    run(argv)


def one_blas_thread() -> None:
    """Ask numpy's OpenBLAS for one thread, unless the user chose a number or numpy is loaded.

    The commands compute on small arrays (the solvers use ``einsum`` where BLAS would start
    threads), and OpenBLAS starts a thread per core when numpy is imported: on two cores that
    costs about 0.1 s of CPU per command for nothing. ``os`` is loaded with the interpreter."""
    if "numpy" not in sys.modules:
        import os

        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def interrupted() -> NoReturn:
    """Say ``interrupted`` on stderr and exit with code 130 (128 + SIGINT, as shells report it)."""
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    sys.exit(130)


def __getattr__(name: str) -> Any:
    """``cli``, ``COMMANDS`` and ``LazyGroup``, from :mod:`alliance_games.cli.app` on first use."""
    if name in _FROM_APP:
        from alliance_games.cli import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
