"""The perfect Bayesian equilibria of a result that pass refinements, for sweeps.

``refined(result, criteria)`` keeps the equilibria of a ``pbe`` result (every weak PBE: the
isolated ones, the vertices of every continuum and the extreme points of the sequential
equilibria inside each, :mod:`alliance_games.solvers.tree.perfect_bayesian`) that pass every
criterion asked for:

* ``sequential``: some consistent belief system supports the profile (Kreps & Wilson 1982),
  as the solver decides it for every listed equilibrium;
* ``intuitive`` (Cho & Kreps 1987) and ``d1`` (Banks & Sobel 1987): the signalling refinements
  of :func:`alliance_games.analysis.assessments.refine`, judged on sender-receiver games.

**What "complete" means after filtering.** With ``sequential`` alone, the listed survivors are
every sequential equilibrium's extreme points when the solver says so
(``diagnostics["sequential_complete"]``): every sequential equilibrium lies in the convex hull
of the sequential points of one cell. The intuitive criterion and D1 are judged on the listed
profiles only; inside a continuum of equilibria the survivors need not be a set whose extreme
points are listed, so a filtered point is called complete only when every listed equilibrium is
isolated. An undecided verdict (``None``) keeps the equilibrium out and the point incomplete.
A criterion that does not apply to the game (not a sender-receiver game) is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alliance_games.errors import ParameterError
from alliance_games.solvers.methods import SWEEP_REFINEMENTS as CRITERIA
from alliance_games.solvers.result import SolverResult


@dataclass(frozen=True)
class Refined:
    """Which equilibria of a result survive (``keep[i]`` for equilibrium ``i``) and whether the
    survivors are complete in the sense of the module docstring."""

    keep: tuple[bool, ...]
    complete: bool


def check_criteria(criteria: Sequence[str], method: str) -> tuple[str, ...]:
    """``criteria`` without repeats, refused unless each is known and the method is ``pbe``."""
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise ParameterError(f"unknown refinement {unknown[0]!r} (refinements: "
                             f"{', '.join(CRITERIA)})")
    if criteria and method != "pbe":
        raise ParameterError("--refine keeps the perfect Bayesian equilibria that pass a "
                             "refinement: add --method pbe")
    return tuple(dict.fromkeys(criteria))


def refined(result: SolverResult, criteria: Sequence[str]) -> Refined:
    """The equilibria of ``result`` (method ``pbe``) that pass every criterion."""
    from alliance_games.analysis.assessments import assessments, refine

    count = len(result.equilibria)
    if not criteria:
        return Refined((True,) * count, result.complete)
    found = assessments(result)
    if found is None:
        raise ParameterError("--refine needs --method pbe (refinements judge perfect Bayesian "
                             "equilibria with their beliefs)")
    signalling = [c for c in criteria if c != "sequential"]
    if signalling:
        found, warnings = refine(result, found, signalling)
        assert found is not None
        if warnings and count:
            raise ParameterError("; ".join(warnings))
    verdicts = [[a.refinements.get(c) for c in criteria] for a in found]
    keep = tuple(all(v is True for v in row) for row in verdicts)
    decided = all(v is not None for row in verdicts for v in row)
    complete = result.complete and decided
    if "sequential" in criteria:
        complete = complete and result.diagnostics.get("sequential_complete") is True
    if signalling:
        components = result.diagnostics.get("components") or []
        complete = complete and all(c.get("isolated", False) for c in components)
    return Refined(keep, complete)
