"""Which parameters stay symbolic, and the box they range over.

The *free* parameters stay sympy symbols; every other parameter is fixed at its default or at
the value given with ``--set`` (an exact rational) and substituted into the model's
expressions. A free parameter ranges over its declared ``range: [a, b]`` (unbounded without
one); parameters with a discrete ``values`` list cannot be free (fix them with ``--set``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from alliance_games.errors import ParameterError
from alliance_games.model.symbolic import Parameter, SymbolicModel

SMALL_TREE = 200
"""Trees up to this many nodes may leave every parameter free by default."""


@dataclass(frozen=True)
class ParameterSpace:
    """The free parameters, their box and the fixed values of all the others."""

    free: tuple[Parameter, ...]
    fixed: dict[str, sympy.Rational]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.free)

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(p.symbol for p in self.free)

    def bounds(self, symbol: sympy.Symbol) -> tuple[sympy.Rational, sympy.Rational] | None:
        for p in self.free:
            if p.symbol == symbol:
                return p.range
        return None

    def ranges(self) -> dict[str, tuple[sympy.Expr, sympy.Expr] | None]:
        return {p.name: p.range for p in self.free}

    def substitution(self, model: SymbolicModel) -> dict[sympy.Symbol, sympy.Rational]:
        """Symbol -> value for every fixed parameter."""
        return {p.symbol: self.fixed[p.name] for p in model.parameters if p.name in self.fixed}

    def values_at(self, point: Mapping[str, Any]) -> dict[str, Any]:
        """Full parameter values: the fixed ones plus ``point`` for the free ones."""
        return {**self.fixed, **point}


def choose_space(model: SymbolicModel, resolved: Mapping[str, sympy.Rational],
                 free: Sequence[str] | None, assigned: Sequence[str] = (),
                 *, tree_nodes: int | None = None) -> ParameterSpace:
    """The space for ``model``: ``free`` names (validated) or the default choice.

    ``resolved`` holds every parameter's value (defaults overridden by ``--set``); ``assigned``
    names the parameters set explicitly, which are not free by default. Without ``free``, a
    normal form or a tree of at most :data:`SMALL_TREE` nodes keeps every continuous parameter
    free; a larger tree is refused with a request for ``--free``.
    """
    if free:
        chosen = []
        for name in dict.fromkeys(free):
            parameter = model.parameter(name)
            if parameter is None:
                valid = ", ".join(p.name for p in model.parameters) or "none"
                raise ParameterError(f"--free: unknown parameter {name!r} for model "
                                     f"{model.name!r} (valid parameters: {valid})")
            if name in assigned:
                raise ParameterError(f"--free {name} and --set {name}=... contradict each other; "
                                     "give one of them")
            if parameter.values is not None:
                raise ParameterError(f"--free: {name} takes the discrete values "
                                     f"{', '.join(str(v) for v in parameter.values)}; "
                                     f"fix it with --set {name}=VALUE")
            chosen.append(parameter)
    else:
        if tree_nodes is not None and tree_nodes > SMALL_TREE:
            raise ParameterError(
                f"model {model.name!r} has {tree_nodes} nodes, too many to keep every parameter "
                "symbolic; choose the parameters to keep free with --free NAME (e.g. one)")
        chosen = [p for p in model.parameters if p.values is None and p.name not in assigned]
    names = {p.name for p in chosen}
    fixed = {k: v for k, v in resolved.items() if k not in names}
    return ParameterSpace(tuple(chosen), fixed)


def substitute(exprs: np.ndarray, values: Mapping[sympy.Symbol, Any]) -> np.ndarray:
    """``exprs`` with ``values`` substituted, each distinct expression once (object array)."""
    cache: dict[sympy.Expr, sympy.Expr] = {}
    out = np.empty(exprs.shape, dtype=object)
    flat_in, flat_out = exprs.reshape(-1), out.reshape(-1)
    for k, expr in enumerate(flat_in):
        found = cache.get(expr)
        if found is None:
            found = expr.xreplace(values) if expr.free_symbols else expr
            if isinstance(found, sympy.Piecewise) or found.has(sympy.Piecewise):
                found = sympy.piecewise_fold(found).doit()
            cache[expr] = found
        flat_out[k] = found
    return out
