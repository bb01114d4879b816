"""Renderings of a threshold search (``threshold``): one line of text, or JSON.

The subject is a :class:`ThresholdRun`: the search's question (model, parameter, interval,
policy) and its answer from :func:`alliance_games.analysis.sweep.threshold.find_threshold`
(``None`` when the verdict does not change in the interval).
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance_games.analysis.sweep.threshold import Threshold
from alliance_games.render.formats import dumps


@dataclass(frozen=True)
class ThresholdRun:
    """Where ``policy``'s verdict changes as ``parameter`` moves from ``lo`` to ``hi``, if it does."""

    model: str
    parameter: str
    lo: str
    hi: str
    policy: str
    found: Threshold | None


def threshold_table(run: ThresholdRun) -> str:
    found = run.found
    if found is None:
        return f"{run.policy}'s verdict does not change for {run.parameter} in [{run.lo}, {run.hi}]"
    exact = f" = {found.symbolic}" if found.symbolic is not None else ""
    return (f"{run.policy} {'keeps' if found.verdict_above else 'loses'} reliability from "
            f"{run.parameter} ~ {found.threshold:.6g}{exact} (bracket [{float(found.below):.6g}, "
            f"{float(found.above):.6g}])")


def threshold_json(run: ThresholdRun) -> str:
    found = run.found
    return dumps({
        "model": run.model, "parameter": run.parameter, "policy": run.policy,
        "threshold": found.threshold if found else None,
        "exact": str(found.symbolic) if found and found.symbolic is not None else None,
        "below": {"value": float(found.below), "reliable": found.verdict_below}
        if found else None,
        "above": {"value": float(found.above), "reliable": found.verdict_above}
        if found else None})
