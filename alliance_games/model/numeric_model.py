"""A tree model ready to be evaluated exactly, without sympy: what a cached model holds.

:class:`NumericModel` keeps what a run needs from a :class:`~alliance_games.model.symbolic.
SymbolicModel` and its :class:`~alliance_games.model.compile.CompiledModel` — the players,
parameters and policies, the tree's skeleton, and for every payoff, chance probability and measure
the index of its distinct expression — with each distinct expression as a program
(:mod:`alliance_games.model.programs`). :meth:`NumericModel.at` then builds the same
:class:`~alliance_games.games.tree.GameTree` as ``CompiledModel.at(values, exact=True)``.

It only ever answers the ordinary case: an input it does not accept exactly as the compiled
model would (an unusual number, a value out of range, a division by zero, a chance probability
outside [0, 1]) raises :class:`NotHandled`, and the caller runs the compiled model instead, which
gives the user its located message. Float runs always take the compiled model (its float
evaluation order is numpy's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.games.tree import CHANCE, GameTree
from alliance_games.model import programs as prog

_PLAIN_NUMBER = re.compile(r"-?\d{1,30}(\.\d{1,30})?(/[1-9]\d{0,30})?")


class NotHandled(Exception):
    """The input is not the ordinary case :class:`NumericModel` answers (module docstring)."""


@dataclass(frozen=True)
class NumericParameter:
    """A parameter with exact bounds: the numbers of :class:`~alliance_games.model.symbolic.
    Parameter` as Fractions."""

    name: str
    default: Fraction
    range: tuple[Fraction, Fraction] | None = None
    values: tuple[Fraction, ...] | None = None
    description: str = ""
    latex: str = ""

    def admits(self, value: Fraction) -> bool:
        if self.values is not None and value not in self.values:
            return False
        return self.range is None or self.range[0] <= value <= self.range[1]


def plain_number(raw: Any) -> Fraction:
    """A parameter value written plainly (an int, a float's repr, ``"0.25"``, ``"1/3"``) as a
    Fraction, equal to what :func:`~alliance_games.model.compile.parse_value` reads;
    :class:`NotHandled` for anything else."""
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise NotHandled
    text = repr(raw) if isinstance(raw, int | float) else raw.strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        raise NotHandled
    return Fraction(text)


def fill_tree(skeleton: GameTree, payoff_shape: tuple[int, int], n_prob: int,
              measure_names: Sequence[str], numbers: np.ndarray) -> GameTree:
    """The skeleton with its numbers: payoffs (row-major), then one probability per edge, then
    each measure's value per node (measures in ``measure_names`` order)."""
    n_pay = payoff_shape[0] * payoff_shape[1]
    n = skeleton.num_nodes
    measures = {}
    start = n_pay + n_prob
    for name in measure_names:
        measures[name] = numbers[start : start + n]
        start += n
    return skeleton._replace(node_payoffs=numbers[:n_pay].reshape(payoff_shape),
                             edge_prob=numbers[n_pay : n_pay + n_prob], measures=measures)


@dataclass(frozen=True, eq=False)
class NumericModel:
    """See the module docstring. ``inverse``: for every entry (payoffs, probabilities, measures)
    the index of its distinct expression; ``constant_idx``/``constants``: the constant ones and
    their values; ``variable_idx``/``programs``: the others and their programs (constants of the
    programs in ``program_constants``)."""

    name: str
    path: str
    title: str
    players: tuple[str, ...]
    parameters: tuple[NumericParameter, ...]
    policies: tuple[str, ...]
    skeleton: GameTree
    measure_names: tuple[str, ...]
    inverse: np.ndarray
    constant_idx: np.ndarray
    constants: tuple[Fraction, ...]
    variable_idx: np.ndarray
    programs: tuple[tuple[int, ...], ...]
    program_constants: tuple[Fraction, ...]
    description: str = ""
    method: str = ""
    format: str = "yaml"

    @property
    def is_tree(self) -> bool:
        return True

    @property
    def distinct_count(self) -> int:
        return len(self.constant_idx) + len(self.variable_idx)

    def parameter(self, name: str) -> NumericParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def defaults(self) -> dict[str, Fraction]:
        return {p.name: p.default for p in self.parameters}

    def resolve(self, values: Mapping[str, Any] | None = None) -> dict[str, Fraction]:
        """Defaults overridden by ``values``, every value admissible; :class:`NotHandled`
        otherwise (the compiled model then says what is wrong)."""
        resolved = self.defaults()
        for name, raw in (values or {}).items():
            parameter = self.parameter(name)
            if parameter is None:
                raise NotHandled
            value = plain_number(raw)
            if not parameter.admits(value):
                raise NotHandled
            resolved[name] = value
        return resolved

    def distinct_values(self, resolved: Mapping[str, Fraction]) -> np.ndarray:
        """Every distinct expression's value at ``resolved`` (all parameters given)."""
        args = [resolved[p.name] for p in self.parameters]
        out = np.empty(self.distinct_count, dtype=object)
        out[self.constant_idx] = self.constants
        if len(self.programs):
            try:
                out[self.variable_idx] = prog.evaluate(self.programs, self.program_constants,
                                                       args)
            except ZeroDivisionError:
                raise NotHandled from None
        return out

    def at(self, values: Mapping[str, Any] | None = None) -> GameTree:
        """The exact game tree at ``values`` (defaults elsewhere), as the compiled model builds
        it."""
        distinct = self.distinct_values(self.resolve(values))
        skeleton = self.skeleton
        n_pay = skeleton.num_nodes * len(self.players)
        chance_edges = np.flatnonzero(skeleton.kind[skeleton.edge_parent] == CHANCE)
        used = np.zeros(len(distinct), dtype=bool)
        used[self.inverse[n_pay + chance_edges]] = True
        if any(v < 0 or v > 1 for v in distinct[used].tolist()):
            raise NotHandled
        return fill_tree(skeleton, (skeleton.num_nodes, len(self.players)),
                         len(skeleton.child_index), self.measure_names, distinct[self.inverse])
