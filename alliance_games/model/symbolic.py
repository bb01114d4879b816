"""The parsed, validated model: players, parameters, and a game whose numbers are sympy expressions.

A :class:`SymbolicModel` is what every front end (YAML model files, Gambit files) produces and what
:func:`alliance_games.games.compile.compile_model` turns into numeric games. Its game is either a
:class:`SymbolicNormalForm` (an object tensor of expressions) or a :class:`SymbolicTree` (the tree's
structure as a :class:`~alliance_games.games.tree.GameTree` skeleton plus the expressions that
fill its payoffs and chance probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from alliance_games.games.tree import GameTree

if TYPE_CHECKING:  # sympy is imported by whoever builds expressions, not by readers of models
    import sympy


@dataclass(frozen=True)
class Parameter:
    """A named model parameter with its default and admissible values."""

    name: str
    symbol: sympy.Symbol
    default: sympy.Rational
    range: tuple[sympy.Rational, sympy.Rational] | None = None
    values: tuple[sympy.Rational, ...] | None = None
    description: str = ""
    latex: str = ""

    def check(self, value: sympy.Rational) -> str | None:
        """Return why ``value`` is not admissible, or ``None`` when it is."""
        if self.values is not None and value not in self.values:
            allowed = ", ".join(str(v) for v in self.values)
            return f"{self.name}={value} is not one of the allowed values ({allowed})"
        if self.range is not None and not (self.range[0] <= value <= self.range[1]):
            return f"{self.name}={value} is outside its range [{self.range[0]}, {self.range[1]}]"
        return None


@dataclass(frozen=True, eq=False)
class SymbolicNormalForm:
    """Normal form with payoffs ``payoffs[i][s]`` as sympy expressions."""

    strategies: tuple[tuple[str, ...], ...]
    payoffs: np.ndarray  # object, shape (N, m_0, ..., m_{N-1})
    tags: dict[tuple[int, ...], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class SymbolicTree:
    """A tree skeleton plus the expressions for its node payoffs and chance probabilities.

    ``payoff_exprs`` has shape ``(num_nodes, N)`` (zero where a node carries no payoff);
    ``prob_exprs`` has one entry per edge (zero below decision nodes); ``measure_exprs`` holds
    named per-node quantities (e.g. a player's cost) that are summed along a play like payoffs.
    """

    skeleton: GameTree
    payoff_exprs: np.ndarray  # object
    prob_exprs: np.ndarray  # object
    measure_exprs: dict[str, np.ndarray] = field(default_factory=dict)  # name -> per node


@dataclass(frozen=True, eq=False)
class SymbolicModel:
    """A validated model, independent of parameter values."""

    name: str
    path: str
    title: str
    players: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    game: SymbolicNormalForm | SymbolicTree
    description: str = ""
    source: str = ""
    policies: tuple[str, ...] = ()
    format: str = "yaml"
    method: str = ""
    """The method ``auto`` uses for this model (the model file's ``method``; empty: the default
    choice by game form)."""
    origins: dict[sympy.Basic, str] = field(default_factory=dict, repr=False)
    """Where the file first writes each expression that is not a lone number or name
    (``file:line: field``), so that errors found when the model is evaluated are located."""

    def place(self, expr: sympy.Basic) -> str:
        """``"file:line: field: "`` for ``expr``, or for the first written expression inside it (a
        payoff summed along a play); ``"file: "`` when neither is known."""
        where = self.origins.get(expr)
        if where is None and not expr.is_Atom:
            where = next((w for e, w in self.origins.items() if not e.is_Atom and expr.has(e)),
                         None)
        if where is not None:
            return f"{where}: "
        return f"{self.path}: " if self.path else ""

    @property
    def is_tree(self) -> bool:
        return isinstance(self.game, SymbolicTree)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(p.symbol for p in self.parameters)

    def defaults(self) -> dict[str, sympy.Rational]:
        return {p.name: p.default for p in self.parameters}
