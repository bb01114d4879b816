"""Renderings of a threshold search (``threshold``): one line of text, or JSON.

The subject is a :class:`~alliance_games.analysis.runs.ThresholdRun`: the search's question
(model, parameter, interval, and the policy or the watched quantity) and its answer: a policy's
:class:`~alliance_games.analysis.sweep.threshold.Threshold` or a quantity's
:class:`~alliance_games.analysis.sweep.watch.Change` (``None`` when nothing changes in the
interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from alliance_games.analysis.runs import ThresholdRun
from alliance_games.render.formats import dumps
from alliance_games.render.numbers import json_number, text_number

__all__ = ["ThresholdRun", "threshold_json", "threshold_table"]


def threshold_table(run: ThresholdRun) -> str:
    if run.watch is not None:
        return _change_text(run)
    found = run.found
    if found is None:
        return f"{run.policy}'s verdict does not change for {run.parameter} in [{run.lo}, {run.hi}]"
    exact = f" = {found.symbolic}" if found.symbolic is not None else ""
    return (f"{run.policy} {'keeps' if found.verdict_above else 'loses'} reliability from "
            f"{run.parameter} ~ {found.threshold:.6g}{exact} (bracket [{float(found.below):.6g}, "
            f"{float(found.above):.6g}])")


def _short(value: Any) -> str:
    """Fractions with small denominators exactly, other numbers to six significant digits."""
    if isinstance(value, Fraction) and value.denominator <= 10_000:
        return str(value)
    return text_number(float(value))


def _levels(values: Sequence[Any], count: bool) -> str:
    if count:
        return f"{_short(values[0])} equilibri{'um' if values[0] == 1 else 'a'}"
    if not values:
        return "none (no equilibrium)"
    shown = ", ".join(_short(v) for v in values)
    return shown if len(values) == 1 else f"{shown} (one per equilibrium)"


def _change_text(run: ThresholdRun) -> str:
    found, spec = run.found, run.watch.spec
    where = f"for {run.parameter} in [{run.lo}, {run.hi}]"
    if found is None:
        verb = f"does not cross {run.value}" if run.value is not None else "does not change"
        return f"{spec} {verb} {where}"
    count = not run.watch.per_equilibrium
    exact = f" = {found.exact}" if found.exact is not None else ""
    verb = "changes"
    if run.value is not None:
        verb = f"crosses {run.value}" if found.crossed else \
            f"changes (on the same side of {run.value}; the equilibria change)"
    text = (f"{spec} {verb} at {run.parameter} ~ {found.threshold:.6g}{exact}: "
            f"{_levels(found.values_below, count)} at {float(found.below):.6g}, "
            f"{_levels(found.values_above, count)} at {float(found.above):.6g}")
    if run.value is None and found.exact is None and found.at_start:
        text += (f" (it changes right from {run.lo}: a quantity that varies continuously; "
                 "use --value V to find where it crosses V)")
    return text


def threshold_json(run: ThresholdRun) -> str:
    if run.watch is not None:
        return _change_json(run)
    found = run.found
    return dumps({
        "model": run.model, "parameter": run.parameter, "policy": run.policy,
        "threshold": found.threshold if found else None,
        "exact": str(found.symbolic) if found and found.symbolic is not None else None,
        "below": {"value": float(found.below), "reliable": found.verdict_below}
        if found else None,
        "above": {"value": float(found.above), "reliable": found.verdict_above}
        if found else None})


def _change_json(run: ThresholdRun) -> str:
    found = run.found

    def end(value: Any, levels: Sequence[Any]) -> dict[str, Any]:
        return {"value": float(value), "quantity": [json_number(v) for v in levels]}

    return dumps({
        "model": run.model, "parameter": run.parameter, "watch": run.watch.spec,
        "value": run.value,
        "threshold": found.threshold if found else None,
        "exact": str(found.exact) if found and found.exact is not None else None,
        "below": end(found.below, found.values_below) if found else None,
        "above": end(found.above, found.values_above) if found else None})
