"""Assessments of perfect Bayesian equilibria: beliefs, admissible off-path beliefs, refinements.

A PBE is an assessment: a behaviour profile with a belief at every information set (Fudenberg &
Tirole 1991, ch. 8). The ``pbe`` solver (:mod:`alliance_games.solvers.tree.perfect_bayesian`)
leaves, per equilibrium, the Bayes posteriors on the path, the admissible region off the path and
whether some consistent belief system supports it (Kreps & Wilson 1982). :func:`assessments`
reads them in the field's labels; :func:`refine` adds the signalling refinements asked for
(Cho & Kreps 1987's intuitive criterion; D1, Banks & Sobel 1987), each with its verdict and reason.
A refinement that does not apply to the game (not a sender-receiver game) is ``None``, with the
reason said once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from alliance_games.errors import ParameterError, SolverError
from alliance_games.games.tree import GameTree
from alliance_games.model.exact_origin import exact_origin
from alliance_games.solvers.exact_certificate import rationalise
from alliance_games.solvers.methods import REFINEMENTS as CRITERIA
from alliance_games.solvers.result import SolverResult


@dataclass(frozen=True)
class Assessment:
    """One equilibrium's beliefs and refinement verdicts.

    ``beliefs``: information set -> node -> posterior (sets reached on the path);
    ``off_path_beliefs``: information set -> the admissible region (per node ``[low, high]``, and
    ``vertices`` for three or more nodes); ``refinements``: ``sequential`` and every criterion,
    ``None`` where not checked or not applicable; ``reasons``: criterion -> one sentence.
    """

    beliefs: dict[str, dict[str, Any]]
    off_path_beliefs: dict[str, Any]
    component: int | None
    extreme: bool
    refinements: dict[str, bool | None]
    reasons: dict[str, str] = field(default_factory=dict)


def assessments(result: SolverResult) -> list[Assessment] | None:
    """The assessment of every equilibrium of a ``pbe`` result, in order; ``None`` for others."""
    details = result.diagnostics.get("pbe")
    if result.method != "pbe" or not isinstance(details, list) or \
            len(details) != len(result.equilibria):
        return None
    return [Assessment(
        beliefs=dict(d.get("beliefs", {})), off_path_beliefs=dict(d.get("off_path_beliefs", {})),
        component=d.get("component"), extreme=bool(d.get("extreme", True)),
        refinements={"sequential": d.get("refinements", {}).get("sequential"),
                     **{c: None for c in CRITERIA}},
    ) for d in details]


def refine(result: SolverResult, found: list[Assessment] | None, criteria: Sequence[str]
           ) -> tuple[list[Assessment] | None, list[str]]:
    """``found`` with the verdicts of ``criteria`` filled in, and the warnings to show.

    Each criterion is decided exactly for every equilibrium (after ``--float``, as the float audit
    certifies: the profile read as rationals,
    :func:`~alliance_games.solvers.exact_certificate.rationalise`, in the exact game of the file,
    :func:`~alliance_games.model.exact_origin.exact_origin`); a game of another shape gets
    ``None`` verdicts and one warning saying why.
    """
    from alliance_games.solvers.tree.refinements import REFINEMENTS  # scipy: only when asked

    unknown = [c for c in criteria if c not in REFINEMENTS]
    if unknown:
        raise ParameterError(f"unknown refinement {unknown[0]!r} (refinements: {', '.join(CRITERIA)})")
    if not criteria:
        return found, []
    if found is None:
        raise ParameterError("--refine needs --method pbe (refinements judge perfect Bayesian "
                             "equilibria with their beliefs)")
    game = result.game
    if not game.exact:  # --float: judged in the exact game of the file, as the float audit certifies
        game = exact_origin(game) or game
    assert isinstance(game, GameTree)
    warnings: list[str] = []
    for criterion in dict.fromkeys(criteria):
        for assessment, eq in zip(found, result.equilibria, strict=True):
            # a float profile is read as the rationals it rounds, as the float audit reads it
            profile = eq if eq.exact else rationalise(eq.strategies)
            try:
                verdict = REFINEMENTS[criterion](game, profile)
            except SolverError as error:
                note = f"--refine {criterion} not applied: {error}"
                if note not in warnings:
                    warnings.append(note)
                continue
            assessment.refinements[criterion] = verdict.survives
            assessment.reasons[criterion] = verdict.reason
    return found, warnings


@dataclass(frozen=True)
class Verdicts:
    """What the assessments of one result say as a whole: the equilibria numbered from 1 in
    listing order. ``components``: the connected components of equilibria (rows of one
    component are the extreme points of one continuum), ``None`` when unknown; ``survivors`` and
    ``failures``: per criterion judged, the equilibria that pass and fail it (those it could not
    judge are in neither); ``surviving_components``: per criterion, the components (numbered
    from 1) its survivors belong to."""

    components: int | None
    survivors: dict[str, list[int]]
    failures: dict[str, list[int]]
    surviving_components: dict[str, list[int]]


def verdicts(found: Sequence[Assessment | None]) -> Verdicts | None:
    """The :class:`Verdicts` of a result's assessments (``found[i]`` for equilibrium ``i + 1``);
    ``None`` when no equilibrium has one (a method other than ``pbe``)."""
    if not any(a is not None for a in found):
        return None
    ids = {a.component for a in found if a is not None and a.component is not None}
    survivors: dict[str, list[int]] = {}
    failures: dict[str, list[int]] = {}
    components: dict[str, set[int]] = {}
    for n, a in enumerate(found, start=1):
        if a is None:
            continue
        for criterion, ok in a.refinements.items():
            if criterion == "sequential" or ok is None:
                continue
            survivors.setdefault(criterion, [])
            failures.setdefault(criterion, [])
            components.setdefault(criterion, set())
            (survivors if ok else failures)[criterion].append(n)
            if ok and a.component is not None:
                components[criterion].add(a.component + 1)
    return Verdicts(len(ids) if ids else None, survivors, failures,
                    {c: sorted(k) for c, k in components.items()})
