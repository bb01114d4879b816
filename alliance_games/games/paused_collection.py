"""Pausing the cyclic garbage collector around bulk work that allocates many objects and no
reference cycles (reading a model's tree, compiling it).

Reference counting frees such objects as before; the cyclic collector would only walk them again
and again (with 10^5 nodes, about a fifth of a model's load). Any cycles made meanwhile are
collected at the next collection after the block. Thresholds for a whole process live in
:mod:`alliance_games.analysis.collection`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """Disable the collector inside the block and enable it again on leaving, if it was
    enabled on entry (blocks nest)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
