"""Solve an instance and describe its equilibria, without the symbolic stack.

:func:`solve_instance` is the solve of every job (:mod:`alliance_games.analysis.runs` re-exports
it). :func:`file_instance` is the instance of a Gambit file read straight into its game
(:mod:`alliance_games.model.game_file`), so that ``solve FILE.nfg`` / ``FILE.efg`` never loads
sympy; any other source goes through :func:`~alliance_games.analysis.runs.instantiate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from alliance_games.analysis.equilibrium import EquilibriumRecord, describe
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.game_file import GameFile, read_game_file
from alliance_games.solvers import SolverResult, solve


class _Named(Protocol):
    @property
    def method(self) -> str: ...


class Solvable(Protocol):
    """What a solve needs of an instance (a model's
    :class:`~alliance_games.analysis.runs.Instance` or a :class:`FileInstance`): the method its
    model names (empty: the default) and the game."""

    @property
    def model(self) -> _Named: ...

    @property
    def game(self) -> NormalFormGame | GameTree: ...


@dataclass(frozen=True, eq=False)
class FileInstance:
    """A Gambit file's game: the model it is named by, no parameters."""

    model: GameFile
    game: NormalFormGame | GameTree
    values: dict[str, Any] = field(default_factory=dict)


def file_instance(source: str, assignments: Mapping[str, Any] | None = None, *,
                  exact: bool = True) -> FileInstance | None:
    """The instance of ``source`` when it is a Gambit file to solve as it is (no ``--set``:
    the general path refuses those by name); ``None`` otherwise."""
    if assignments:
        return None
    found = read_game_file(source, exact=exact)
    return None if found is None else FileInstance(*found)


def solve_instance(instance: Solvable, method: str = "auto", *,
                   max_equilibria: int | None = None, timeout: float | None = None,
                   refine: Sequence[str] = ()) -> tuple[SolverResult, list[EquilibriumRecord]]:
    """Solve an instance and describe its equilibria (within ``timeout`` seconds, if given);
    ``auto`` uses the method the model file names, if any.

    ``refine``: signalling refinements (``intuitive``, ``d1``) judged on every perfect Bayesian
    equilibrium (:func:`alliance_games.analysis.assessments.refine`).
    """
    if method == "auto" and instance.model.method:
        method = instance.model.method  # the model file names the method it is solved by
    result = solve(instance.game, method, max_equilibria=max_equilibria, timeout=timeout)
    records = describe(result)
    if refine:
        from alliance_games.analysis.assessments import refine as judge

        found = [r.assessment for r in records if r.assessment is not None]
        _, notes = judge(result, found if result.method == "pbe" else None, refine)
        if notes:
            result = replace(result, warnings=(*result.warnings, *notes))
    return result, records
