"""How robust the propositions are: every check of :mod:`.propositions` at a random design of
parameter points.

:func:`proposition_robustness` draws ``n`` points jointly over every continuous parameter of the
flagship (:func:`~alliance_games.analysis.robustness.sample_design`: a scrambled Sobol design
within ``spread`` of the defaults, or over the declared ranges; ``rival_count`` and ``domains``
are discrete and stay at their defaults, the checks set them themselves; parameters in the
flagship's ``base``, a user's ``--set``, are held at their values and not sampled, as
``sweep --sample`` holds them), runs the full checks
with the flagship's base point moved to each point (the same claim at the point: no separate
"point form" to drift from the check; thresholds are only located on the side of the point's
value that decides the claim, ``Flagship(precise=False)``, and a check stops at its first
failing condition and the solves carry only the outcome tags the verdicts read,
``verdict_only=True``: the same verdicts, with less work), and
summarises each proposition:
the share of points where it holds and the parameters most associated with its failures
(:func:`~alliance_games.analysis.robustness.robustness`). Points run in a pool of ``workers``
processes. With ``intervals`` it also moves one parameter at a time from its default over the same
interval (``steps`` values each way) and reports where each proposition keeps holding.

Cost: one point is a full ``propositions`` run (several comparisons and bisections of the
imperfect-information flagship), so ``n`` points cost ``n`` such runs divided by ``workers``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

from alliance_games.alliance.claims import Flagship
from alliance_games.analysis.conditional_share import ConditionalShare, conditional_shares
from alliance_games.analysis.journal import Journal, model_digest
from alliance_games.analysis.robustness import (
    ClaimRobustness,
    design_intervals,
    robustness,
    sample_design,
)
from alliance_games.errors import ParameterError
from alliance_games.model.symbolic import SymbolicModel

TOP_BREAKING = 3  # breaking parameters a table shows per proposition
CLAIM_IDS = tuple(f"P{k}" for k in range(1, 12))
_SHARED: dict[str, Flagship] = {}


@dataclass(frozen=True)
class PropositionRobustness:
    """The propositions over a design: ``design`` (how it was drawn, and the sampled
    parameters), each proposition's summary (``claims``), how each was evaluated at a point
    (``forms``) and the propositions held at their defaults with the reason (``held``: none
    today, kept for the JSON contract)."""

    design: dict[str, Any]
    claims: dict[str, ClaimRobustness]
    forms: dict[str, str]
    held: dict[str, str]
    names: tuple[str, ...] = ()
    """The sampled parameters, in the order of each point's values."""
    points: tuple[tuple[Fraction, ...], ...] = ()
    """The design's points, exact."""
    outcomes: tuple[Mapping[str, bool] | None, ...] = ()
    """Per point, every proposition's verdict there (``None``: the point could not be solved;
    its message is in ``design["error_points"]``)."""
    given: dict[str, ConditionalShare] = field(default_factory=dict)
    """With a premise (``--given P2``): every other proposition's share over the points where
    the premise holds (:mod:`~alliance_games.analysis.conditional_share`)."""

    def entry(self, claim_id: str) -> dict[str, Any] | None:
        """The ``robustness`` record of one proposition (``None``: not evaluated): ``n``,
        ``share``, ``breaking`` (and ``intervals`` when computed), ``point_form``."""
        if claim_id in self.held:
            return {"n": 0, "share": None, "breaking": [], "held": self.held[claim_id]}
        found = self.claims.get(claim_id)
        if found is None:
            return None
        record = found.to_dict()
        if not record["intervals"]:
            del record["intervals"]
        record["point_form"] = self.forms[claim_id]
        if claim_id in self.given:
            record["given"] = self.given[claim_id].to_dict()
        return record


POINT_FORM = ("the full check with every sampled parameter at the point's value (thresholds "
              "bracketed only as far as the verdict needs)")


def claims_at(values: Mapping[str, Fraction],
              held: tuple[tuple[str, Fraction], ...] = ()) -> dict[str, bool]:
    """Every proposition's verdict with the flagship's base point at ``values``, the parameters
    in ``held`` (a user's ``--set``, not sampled) at their values (a top-level function, so that
    a process pool can run it, ``functools.partial`` over ``held``; the compiled flagship is
    kept per process)."""
    from alliance_games.alliance.propositions import check_all

    if "flagship" not in _SHARED:
        _SHARED["flagship"] = Flagship()
    flagship = _SHARED["flagship"].at({**dict(held), **values}, precise=False,
                                      verdict_only=True)
    return {r.id: r.passed for r in check_all(flagship)}


def progress_steps(n: int) -> int:
    """How many times :func:`proposition_robustness` advances its progress (once per point)."""
    return n


def design_fingerprint(model: SymbolicModel, names: Sequence[str], points: Sequence[Any],
                       defaults: Mapping[str, Fraction]) -> str:
    """A digest of what decides a robustness run's outcomes: the package version, the model
    file's bytes (its expressions when it has no file), the sampled names, the points and the
    defaults."""
    digest = hashlib.sha256(model_digest(model))
    settings = {"model": model.name, "names": list(names),
                "points": [[str(v) for v in p] for p in points],
                "defaults": {k: str(v) for k, v in sorted(defaults.items())}}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:32]


JOURNAL_FORMAT = "alliance-games propositions robustness journal 1"


def proposition_robustness(n: int, *, spread: float | None = 0.25, ranges: bool = False,
                           seed: int | None = None, workers: int = 1, intervals: bool = False,
                           steps: int = 8, flagship: Flagship | None = None,
                           evaluate: Callable[[Mapping[str, Fraction]], Mapping[str, bool]]
                           | None = None,
                           progress: Callable[[int], None] | None = None,
                           journal: str | Path | None = None, resume: bool = False,
                           given: str | None = None) -> PropositionRobustness:
    """Every proposition over ``n`` points (see the module docstring); ``progress(1)`` after
    each point. With ``journal`` (a path) every finished point is recorded there at once, and
    ``resume`` continues an interrupted run from it (a journal of another design or model
    version is refused); the caller deletes the journal once the result is safely written.
    ``given`` (a proposition id) adds every other proposition's share over the points where
    that one holds."""
    if given is not None and given not in CLAIM_IDS:
        raise ParameterError(f"--given names a proposition to condition on, one of "
                             f"{', '.join(CLAIM_IDS)}; got {given!r}")
    flagship = flagship or Flagship()
    held = tuple(sorted(flagship.base.items()))
    evaluate = evaluate or (partial(claims_at, held=held) if held else claims_at)
    model = flagship.model
    names, points = sample_design(model, n, spread=spread, ranges=ranges, seed=seed,
                                  fixed=flagship.base)
    defaults = {p.name: Fraction(int(p.default.p), int(p.default.q)) for p in model.parameters}
    defaults.update(flagship.base)
    record = None
    if journal is not None:
        header = {"format": JOURNAL_FORMAT, "count": len(points),
                  "fingerprint": design_fingerprint(model, names, points, defaults)}
        record = Journal(journal, header, resume=resume, what="robustness run",
                         key=lambda doc: int(doc["i"]), valid=lambda doc: "outcome" in doc)
    try:
        found = robustness(points, names, evaluate, defaults=defaults, workers=workers,
                           progress=progress, journal=record)
    finally:
        if record is not None:
            record.close()
    summary = found.claims
    if intervals:
        around = design_intervals(model, evaluate, defaults, spread=spread, ranges=ranges,
                                  steps=steps, fixed=flagship.base)
        summary = {k: replace(c, intervals=around.get(k, {})) for k, c in summary.items()}
    design = {"n": n, "seed": seed, "spread": spread, "ranges": ranges,
              "parameters": list(names), "errors": len(found.errors),
              **({"set": {k: str(v) for k, v in held}} if held else {}),
              **({"given": given} if given is not None else {}),
              "error_points": [{"index": i, "message": message,
                                "values": {k: float(v) for k, v in zip(names, points[i],
                                                                       strict=True)}}
                               for i, message in sorted(found.errors.items())]}
    return PropositionRobustness(design, dict(summary), dict.fromkeys(summary, POINT_FORM), {},
                                 tuple(names), tuple(points), tuple(found.outcomes),
                                 {} if given is None else
                                 conditional_shares(found.outcomes, given))
