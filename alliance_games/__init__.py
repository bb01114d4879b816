"""alliance-games: alliance politics as explicit games, solved exactly.

The data flow is the architecture::

    model file -> SymbolicModel -> CompiledModel.at(values) -> NormalFormGame | GameTree
               -> solvers -> SolverResult -> analysis -> render -> cli

Example (the notebook API, :mod:`alliance_games.api`)::

    import alliance_games as ag
    ag.solve("battle_of_the_sexes").equilibria          # labelled equilibria
    ag.compare("alliance_system").to_frame()             # a DataFrame, a row per policy
    ag.sweep("alliance_system", pooling=(0, 1, 41))      # 41 points
    tree = ag.compile_model(ag.load_model("entry_deterrence")).at({"profit": "3"})
    ag.solve(tree, "spe").equilibria                     # a game solved directly

Public entry points are imported lazily so that ``import alliance_games`` stays cheap.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: the CLI's start-up stays minimal
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_API = "alliance_games.api"
_LAZY = {
    "load": _API,
    "solve": _API,
    "compare": _API,
    "sweep": _API,
    "threshold": _API,
    "propositions": _API,
    "Model": _API,
    "Result": _API,
    "Solution": _API,
    "Comparison": _API,
    "Sweep": _API,
    "Threshold": _API,
    "Propositions": _API,
    "load_model": "alliance_games.model.catalog",
    "compile_model": "alliance_games.model.compile",
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
