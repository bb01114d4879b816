"""alliance-games: alliance politics as explicit games, solved exactly.

The data flow is the architecture::

    model file -> SymbolicModel -> CompiledModel.at(values) -> NormalFormGame | GameTree
               -> solvers -> SolverResult -> analysis -> render -> cli

Example::

    import alliance_games as ag
    tree = ag.compile_model(ag.load_model("entry_deterrence")).at({"profit": "3"})
    result = ag.solve(tree, "spe")

Public entry points are imported lazily so that ``import alliance_games`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_model": "alliance_games.model.catalog",
    "compile_model": "alliance_games.model.compile",
    "solve": "alliance_games.solvers.registry",
    "NormalFormGame": "alliance_games.games.normal_form",
    "GameTree": "alliance_games.games.tree",
    "compare_model": "alliance_games.analysis.runs",
    "check_all": "alliance_games.alliance.propositions",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'alliance_games' has no attribute {name!r}")
