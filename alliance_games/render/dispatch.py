"""One way from a result to its output: ``render(result, fmt, **options)``.

:data:`RENDERERS` is the one table of what can be written: for each result type, the formats it
has, each with the function that writes it (``module:function``; modules under
:mod:`alliance_games.render` unless the path is dotted). Result types are named by their class
name, so that the table is read without importing them and their numeric stack: the CLI takes its
``--format`` choices from :func:`formats` at start-up. A result is matched by its class or the
nearest base class the table names.

A renderer takes the result first and keyword-only options after it, and returns a string or a
rich renderable; it neither computes nor prints. What a ``table`` renderer returns is made safe
for the terminal here (:mod:`alliance_games.render.sanitize`: control characters in labels are
shown escaped); the other formats keep labels verbatim. :func:`render` hands each renderer only the
options it declares, so a command passes its context (the model instance, ``standalone``, ...)
once, whatever the format. An option wrapped in :class:`Deferred` is computed only when the chosen
renderer declares it: ``show`` marks equilibria in its table but does not solve for its JSON.

Adding an output format: its function in the subject's module, one entry here (the CLI's
``--format`` choices follow).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alliance_games.errors import ParameterError

if TYPE_CHECKING:
    from rich.console import RenderableType

RENDERERS: dict[str, dict[str, str]] = {
    "SolverResult": {"table": "solve:solve_table", "json": "solve:solve_json",
                     "csv": "solve:solve_csv", "gambit": "solve:solve_gambit"},
    "SymbolicRun": {"table": "symbolic:symbolic_table", "json": "symbolic:symbolic_json"},
    "Instance": {"table": "instance:instance_table", "json": "instance:instance_json"},
    "TableExport": {"latex": "export:table_latex"},
    "TreeExport": {"latex": "export:tree_latex"},
    "NormalFormGame": {"nfg": "alliance_games.model.gambit_format:write_nfg"},
    "GameTree": {"efg": "alliance_games.model.gambit_format:write_efg"},
    "ComparisonRun": {"table": "comparison:comparison_table", "json": "comparison:comparison_json",
                      "csv": "comparison:comparison_csv", "latex": "comparison:comparison_latex"},
    "DominanceRun": {"table": "dominance:dominance_table", "json": "dominance:dominance_json"},
    "SweepRun": {"table": "sweep:sweep_table", "json": "sweep:sweep_json", "csv": "sweep:sweep_csv",
                 "latex": "sweep:sweep_latex"},
    "EquilibriumSweepRun": {"table": "equilibrium_sweep:equilibrium_sweep_table",
                            "json": "equilibrium_sweep:equilibrium_sweep_json",
                            "csv": "equilibrium_sweep:equilibrium_sweep_csv",
                            "latex": "equilibrium_sweep:equilibrium_sweep_latex"},
    "ThresholdRun": {"table": "threshold:threshold_table", "json": "threshold:threshold_json"},
    "PropositionChecks": {"table": "propositions:propositions_table",
                          "json": "propositions:propositions_json",
                          "latex": "propositions:propositions_latex"},
    "ModelCatalog": {"table": "catalog:catalog_table", "json": "catalog:catalog_json"},
    "ReportData": {"latex": "report:report_latex"},
}
"""Result type name -> format -> the renderer, as ``module:function``."""


@dataclass(frozen=True)
class Deferred:
    """An option computed only if the chosen renderer takes it: ``compute()`` gives its value."""

    compute: Callable[[], Any]


def formats(result_type: str) -> tuple[str, ...]:
    """The formats a result type (by class name) can be written in, in the table's order."""
    return tuple(RENDERERS[result_type])


def renderer(result_type: str, fmt: str) -> Callable[..., Any]:
    """The function writing ``result_type`` (a class name) in ``fmt``; unknown formats are
    :class:`~alliance_games.errors.ParameterError` naming the available ones."""
    table = RENDERERS[result_type]
    if fmt not in table:
        raise ParameterError(f"a {result_type} cannot be written as {fmt!r} "
                             f"(formats: {', '.join(table)})")
    module, _, function = table[fmt].partition(":")
    path = module if "." in module else f"{__package__}.{module}"
    return getattr(importlib.import_module(path), function)  # type: ignore[no-any-return]


def result_type(result: object) -> str:
    """The name under which ``result`` is rendered: its class's or its nearest listed base's."""
    for cls in type(result).__mro__:
        if cls.__name__ in RENDERERS:
            return cls.__name__
    raise TypeError(f"no renderer for a {type(result).__name__} "
                    f"(renderable: {', '.join(RENDERERS)})")


def render(result: object, fmt: str, **options: Any) -> str | RenderableType:
    """``result`` written in ``fmt``: a string, or a rich renderable for the terminal's table.

    ``options`` the chosen renderer does not declare are left out; :class:`Deferred` ones it
    declares are computed first.
    """
    function = renderer(result_type(result), fmt)
    parameters = inspect.signature(function).parameters
    taken = {name: value.compute() if isinstance(value, Deferred) else value
             for name, value in options.items() if name in parameters}
    out = function(result, **taken)
    if fmt == "table":  # labels come from the user's files: never let them drive the terminal
        from alliance_games.render.sanitize import terminal_safe

        out = terminal_safe(out)
    return out  # type: ignore[no-any-return]
