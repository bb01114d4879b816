"""Wrap a numeric game (read from a Gambit file) as a :class:`SymbolicModel` with constant numbers."""

from __future__ import annotations

import numpy as np
import sympy

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm, SymbolicTree


def _constants(values: np.ndarray) -> np.ndarray:
    cache: dict[object, sympy.Rational] = {}
    out = np.empty(values.shape, dtype=object)
    flat = out.reshape(-1)
    for k, v in enumerate(values.reshape(-1)):
        if v not in cache:
            cache[v] = sympy.Rational(v.numerator, v.denominator)
        flat[k] = cache[v]
    return out


def symbolic_from_game(
    game: NormalFormGame | GameTree, *, name: str, path: str, format: str = "gambit"
) -> SymbolicModel:
    """A parameter-free model whose numbers are the (exact) numbers of ``game``."""
    exact = game.to_exact()
    symbolic: SymbolicNormalForm | SymbolicTree
    if isinstance(exact, NormalFormGame):
        symbolic = SymbolicNormalForm(exact.strategies, _constants(exact.payoffs), dict(exact.tags))
    else:
        symbolic = SymbolicTree(exact, _constants(exact.node_payoffs), _constants(exact.edge_prob))
    return SymbolicModel(
        name=name,
        path=path,
        title=game.title or name,
        players=game.players,
        parameters=(),
        game=symbolic,
        format=format,
    )
