"""Equilibrium solvers: one algorithm per module, each returning a :class:`SolverResult`.

Imports are lazy so that listing method names (``solvers.methods``) stays instant.
"""

from __future__ import annotations

import importlib
from typing import Any

from alliance_games.solvers.methods import METHODS

_LAZY = {
    "solve": "alliance_games.solvers.registry",
    "Equilibrium": "alliance_games.solvers.result",
    "SolverResult": "alliance_games.solvers.result",
}

__all__ = ["METHODS", "Equilibrium", "SolverResult", "solve"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'alliance_games.solvers' has no attribute {name!r}")
