"""Exact location of a change of equilibrium in one parameter, from the symbolic payoffs.

Given a bracket ``[lo, hi]`` of a parameter where the subgame-perfect equilibrium changes (found
by a sweep or by bisection), solve both ends, take the deepest decision node whose choice
differs (every choice below it is the same at both ends), and write the mover's value of its two
competing actions as expressions in the parameter: the symbolic payoffs and chance probabilities
with every other parameter fixed, evaluated along the common strategies below. The boundary is
the root in ``[lo, hi]`` of the indifference equation ``V_lo(x) = V_hi(x)``, solved by sympy
(exactly: a rational or an algebraic number).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from alliance_games.errors import SolverError
from alliance_games.games.tree import DECISION, GameTree
from alliance_games.model.compile import CompiledModel
from alliance_games.model.symbolic import SymbolicModel, SymbolicTree
from alliance_games.solvers.symbolic.space import substitute
from alliance_games.solvers.tree.backward_induction import exact_values, induct


def symbolic_boundary(model: SymbolicModel, compiled: CompiledModel, parameter: str,
                      lo: Fraction, hi: Fraction, *, policy: str | None = None,
                      values: Mapping[str, Any] | None = None) -> sympy.Expr | None:
    """The exact parameter value in ``[lo, hi]`` at which the equilibrium choice changes.

    Returns ``None`` when the two ends have the same choices (no switch inside the bracket).
    """
    if not isinstance(model.game, SymbolicTree):
        raise SolverError("symbolic boundaries are computed for game trees")
    values = dict(values or {})
    tree_lo = compiled.at({**values, parameter: lo})
    tree_hi = compiled.at({**values, parameter: hi})
    assert isinstance(tree_lo, GameTree) and isinstance(tree_hi, GameTree)
    start, end = 0, tree_lo.num_nodes
    if policy is not None:
        start = int(tree_lo.children(0)[tree_lo.actions(0).index(policy)])
        end = int(tree_lo.subtree_end[start])
    choice_lo, choice_hi = induct(tree_lo).choice, induct(tree_hi).choice
    nodes = np.arange(start, end)
    flips = nodes[(tree_lo.kind[nodes] == DECISION) & (choice_lo[nodes] != choice_hi[nodes])]
    if flips.size == 0:
        return None
    node = int(flips[np.argmax(tree_lo.depth[flips])])
    symbol = model.parameter(parameter).symbol  # type: ignore[union-attr]
    fixed = {p.symbol: p.default for p in model.parameters}
    fixed.update({model.parameter(k).symbol: v  # type: ignore[union-attr]
                  for k, v in compiled.resolve(values).items()})
    fixed.pop(symbol)
    sub = tree_lo.subtree(node)
    lo_end = int(tree_lo.subtree_end[node])
    payoffs = substitute(model.game.payoff_exprs[node:lo_end], fixed)
    edges = slice(int(tree_lo.child_ptr[node]), int(tree_lo.child_ptr[lo_end]))
    probs = substitute(model.game.prob_exprs[edges], fixed)
    symbolic = sub._replace(node_payoffs=payoffs, edge_prob=probs, measures={})
    offset = int(tree_lo.child_ptr[node])
    choice = np.where(choice_hi[node:lo_end] >= 0, choice_hi[node:lo_end] - offset, -1)
    value = exact_values(symbolic, choice)
    mover = tree_lo.infosets[int(tree_lo.node_infoset[node])].player
    a, b = int(choice_lo[node] - offset), int(choice_hi[node] - offset)
    gap = sympy.simplify(value[int(symbolic.child_index[a]), mover]
                         - value[int(symbolic.child_index[b]), mover])
    roots = [r for r in sympy.solve(sympy.Eq(gap, 0), symbol)
             if r.is_real and sympy.Rational(lo) <= r <= sympy.Rational(hi)]
    return roots[0] if roots else None
