"""The default parameter sweep behind a report's regime plot.

A model with policies gets one sweep in its report. Models may name theirs in
:data:`DEFAULT_SWEEPS` (the flagship ``alliance_system`` sweeps pooling, connection's first
pathway, against the capacity link between the branches; the reduced form sweeps pooling against
its two-front probability); any other model sweeps its first two parameters that have a range
(one, if it has only one), each over :data:`DEFAULT_POINTS` evenly spaced values across the range
(fewer for models in :data:`DEFAULT_SWEEP_POINTS`, whose points each cost a perfect Bayesian
solve). The other parameters keep the report's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.reliability import parse_tolerances
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.errors import ParameterError
from alliance_games.model.symbolic import Parameter, SymbolicModel

DEFAULT_POINTS = 21
DEFAULT_SWEEPS: dict[str, tuple[str, ...]] = {
    "alliance_system": ("pooling", "capacity_link"),
    "alliance_system_reduced": ("pooling", "two_front_prob"),
}
"""Models that name their default sweep: model name -> the swept parameters (x, then y)."""
DEFAULT_SWEEP_POINTS: dict[str, int] = {"alliance_system": 5}
"""Models whose default sweep uses fewer points per axis (each point is an imperfect-information
solve of several seconds)."""


def _sweepable(parameter: Parameter) -> bool:
    """A parameter with a proper numeric range (not a list of allowed values)."""
    return (parameter.values is None and parameter.range is not None
            and parameter.range[0] < parameter.range[1])


def default_axes(model: SymbolicModel, points: int = DEFAULT_POINTS,
                 names: tuple[str, ...] = ()) -> list[tuple[str, np.ndarray]]:
    """The sweep's axes: ``(name, values)`` pairs, empty when nothing can be swept.

    ``names`` (one or two parameters with a range) choose the axes; otherwise the model's default.
    """
    if names:
        if len(names) > 2:
            raise ParameterError(f"--param takes at most two parameters, got {len(names)}")
        chosen = []
        for name in names:
            parameter = model.parameter(name)
            if parameter is None or not _sweepable(parameter):
                sweepable = ", ".join(q.name for q in model.parameters if _sweepable(q)) or "none"
                raise ParameterError(f"--param {name}: not a parameter of {model.name!r} with a "
                                     f"range (parameters with a range: {sweepable})")
            chosen.append(parameter)
        return [(q.name, grid_values(q.range, points)) for q in chosen]  # type: ignore[arg-type]
    if points == DEFAULT_POINTS:
        points = DEFAULT_SWEEP_POINTS.get(model.name, points)
    named = DEFAULT_SWEEPS.get(model.name)
    if named is not None:
        chosen = [p for name in named if (p := model.parameter(name)) is not None
                  and _sweepable(p)]
    else:
        chosen = [p for p in model.parameters if _sweepable(p)][:2]
    axes = []
    for parameter in chosen:
        assert parameter.range is not None
        axes.append((parameter.name, grid_values(parameter.range, points)))
    return axes


def grid_values(bounds: tuple[Any, Any], points: int) -> np.ndarray:
    """``points`` evenly spaced values from ``bounds[0]`` to ``bounds[1]``, each the float
    nearest the exact rational grid value (``0.95``, not ``linspace``'s ``0.9500000000000001``),
    so that points re-solved exactly get short fractions."""
    low, high = Fraction(str(bounds[0])), Fraction(str(bounds[1]))
    if points == 1:
        return np.array([float(low)])
    return np.array([float(low + (high - low) * Fraction(i, points - 1)) for i in range(points)])


def report_sweep(source: str, assignments: Mapping[str, Any] | None = None, *,
                 tolerances: Mapping[str, Any] | None = None,
                 points: int = DEFAULT_POINTS, params: tuple[str, ...] = ()
                 ) -> SweepResult | None:
    """Run ``source``'s default sweep at the given parameter values.

    Returns ``None`` when the model has no policies on a game tree or no parameter to sweep.
    ``tolerances`` override the default abandonment and entrapment tolerances.
    """
    from alliance_games.analysis.sweep.engine import sweep
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    model = load_model(source)
    if not model.policies or not model.is_tree:
        return None
    axes = default_axes(model, points, params)
    if not axes:
        return None
    return sweep(compile_model(model), axes, dict(assignments or {}),
                 tolerances=parse_tolerances(tolerances))
