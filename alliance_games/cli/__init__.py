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
    alliance_games``) it relaxes the garbage collector (:func:`fewer_collections`); called with
    ``argv`` from a program (tests, a notebook) it leaves the caller's collector alone."""
    try:
        one_blas_thread()
        if argv is None:
            fewer_collections()
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


COLLECT_AFTER = 100_000
"""Allocations between two young-generation collections of a CLI run (Python's default: 700)."""


def fewer_collections() -> None:
    """Run the cyclic garbage collector's young generation every :data:`COLLECT_AFTER`
    allocations instead of every 700 (the older generations keep their ratios), and spare the
    objects alive at exit the collections of the interpreter's shutdown (:func:`gc.freeze`,
    run by :mod:`atexit` after the other exit handlers).

    A command is one short process that allocates mostly acyclic objects (modules, labels,
    tuples of a game read from a file): at the default, the collector walks the young objects
    hundreds of times per command for nothing (about 5 % of ``solve`` on a Gambit file), and
    the shutdown's collections walk every object of numpy, click and rich once more (about
    15 ms) just before the process ends. Reference counting frees everything as before, exit
    handlers and finalizers run as before; cycles are still collected while the command runs."""
    import atexit
    import gc

    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, COLLECT_AFTER), middle, old)
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)


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
