"""How robust the propositions are: their point forms over a random design of parameter points.

:func:`proposition_robustness` draws ``n`` points jointly over every continuous parameter of the
flagship and of the other models the point forms solve (those named ``model.parameter``;
:func:`~alliance_games.analysis.robustness.sample_design`: a scrambled Sobol design within
``spread`` of the defaults, or over the declared ranges), evaluates every point form of
:mod:`.point_claims` at all of them at once, and summarises each proposition: the share of points
where it holds and the parameters most associated with its failures
(:func:`~alliance_games.analysis.robustness.summarise_claims`). With ``intervals`` it also moves
one parameter at a time from its default over the same interval (``steps`` values each way) and
reports where each proposition keeps holding
(:func:`~alliance_games.analysis.robustness.design_intervals`), again as one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.alliance.claims import Flagship
from alliance_games.alliance.point_claims import CLAIMS, PointClaim, holds_at, points_at
from alliance_games.analysis.robustness import (
    ClaimRobustness,
    Interval,
    design_intervals,
    sample_design,
    summarise_claims,
)
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel
from alliance_games.model.symbolic import Parameter, SymbolicModel

TOP_BREAKING = 3  # breaking parameters a table shows per proposition


@dataclass(frozen=True)
class PropositionRobustness:
    """The propositions over a design: ``design`` (how it was drawn, and the sampled
    parameters), each evaluated proposition's summary (``claims``), each one's point form
    (``forms``) and the propositions held at their defaults with the reason (``held``)."""

    design: dict[str, Any]
    claims: dict[str, ClaimRobustness]
    forms: dict[str, str]
    held: dict[str, str]

    def entry(self, claim_id: str) -> dict[str, Any] | None:
        """The ``robustness`` record of one proposition (``None``: it has no point form):
        ``n``, ``share``, ``breaking`` (and ``intervals`` when computed), ``point_form``; a
        held proposition has ``n`` 0, ``share`` ``None`` and ``held``."""
        if claim_id in self.held:
            return {"n": 0, "share": None, "breaking": [], "held": self.held[claim_id]}
        found = self.claims.get(claim_id)
        if found is None:
            return None
        record = found.to_dict()
        if not record["intervals"]:
            del record["intervals"]
        record["point_form"] = self.forms[claim_id]
        return record


def design_model(model: SymbolicModel, claims: Sequence[PointClaim] = CLAIMS) -> SymbolicModel:
    """``model`` with, besides its own parameters, those of the other models the claims solve
    that the claims do not set themselves, named ``model.parameter`` (what a design samples)."""
    extra: list[Parameter] = []
    for c in claims:
        for name, inputs in c.auxiliary.items():
            extra.extend(replace(p, name=f"{name}.{p.name}") for p in load_model(name).parameters
                         if p.name not in inputs)
    return replace(model, parameters=(*model.parameters, *extra)) if extra else model


def progress_steps(intervals: bool = False, claims: Sequence[PointClaim] = CLAIMS) -> int:
    """How many times :func:`proposition_robustness` advances its progress."""
    return sum(c.holds is not None for c in claims) * (2 if intervals else 1)


def proposition_robustness(n: int, *, spread: float | None = 0.25, ranges: bool = False,
                           seed: int | None = None, workers: int = 1, intervals: bool = False,
                           steps: int = 8, flagship: Flagship | None = None,
                           claims: Sequence[PointClaim] = CLAIMS,
                           progress: Callable[[int], None] | None = None
                           ) -> PropositionRobustness:
    """Every claim's point form over ``n`` points (see the module docstring); ``progress(1)``
    after each claim is evaluated over the design (and over the interval points)."""
    flagship = flagship or Flagship()
    claims = tuple(claims)
    model = design_model(flagship.model, claims)
    names, points = sample_design(model, n, spread=spread, ranges=ranges, seed=seed)
    rows = np.array([[float(v) for v in p] for p in points], dtype=float).reshape(len(points),
                                                                               len(names))
    with points_at(flagship.compiled, names, rows, workers=workers, claims=claims) as found:
        holds = holds_at(found, claims, progress)
    summary = summarise_claims(rows, names, holds)
    if intervals:
        around = _intervals(flagship.compiled, model, claims, spread=spread, ranges=ranges,
                            steps=steps, workers=workers, progress=progress)
        summary = {k: replace(c, intervals=around.get(k, {})) for k, c in summary.items()}
    design = {"n": n, "seed": seed, "spread": spread, "ranges": ranges,
              "parameters": list(names)}
    return PropositionRobustness(design, summary,
                                 {c.id: c.form for c in claims if c.holds is not None},
                                 {c.id: c.held for c in claims if c.holds is None})


def _intervals(compiled: CompiledModel, model: SymbolicModel, claims: tuple[PointClaim, ...], *,
               spread: float | None, ranges: bool, steps: int, workers: int,
               progress: Callable[[int], None] | None
               ) -> dict[str, dict[str, Interval]]:
    """One-parameter intervals of every claim, the values visited evaluated as one batch.

    :func:`~alliance_games.analysis.robustness.design_intervals` walks out from the default and
    stops at a claim's first failure. A first walk in which everything holds lists every value
    it could visit; those points are solved together; the real walk then looks them up.
    """
    defaults = {p.name: Fraction(int(p.default.p), int(p.default.q)) for p in model.parameters}
    evaluated = [c.id for c in claims if c.holds is not None]
    names = [p.name for p in model.parameters]
    visited: dict[tuple[Fraction, ...], None] = {}

    def record(values: Mapping[str, Fraction]) -> dict[str, bool]:
        visited[tuple(values[k] for k in names)] = None
        return dict.fromkeys(evaluated, True)

    design_intervals(model, record, defaults, spread=spread, ranges=ranges, steps=steps)
    keys = list(visited)
    rows = np.array([[float(v) for v in key] for key in keys], dtype=float)
    with points_at(compiled, names, rows, workers=workers, claims=claims) as found:
        holds = holds_at(found, claims, progress)
    table = {key: {c: bool(holds[c][i]) for c in evaluated} for i, key in enumerate(keys)}

    def lookup(values: Mapping[str, Fraction]) -> dict[str, bool]:
        return table[tuple(values[k] for k in names)]

    return design_intervals(model, lookup, defaults, spread=spread, ranges=ranges, steps=steps)
