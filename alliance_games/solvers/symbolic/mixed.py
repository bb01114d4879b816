"""Equilibria of small two-player normal forms in closed form, with their existence conditions.

Support enumeration (Mangasarian 1964; Nisan et al. 2007, ch. 3) over symbolic payoffs
``A`` (row player) and ``B`` (column player). For supports ``I`` (rows) and ``J`` (columns) of
equal size ``k`` the column mix ``q`` on ``J`` and the row player's value ``v`` solve

    sum_{j in J} A[i, j] q_j = v   (i in I),        sum_{j in J} q_j = 1,

and the row mix ``p`` on ``I`` with the column player's value ``w`` solves the same system with
``B`` transposed. These are square linear systems, solved exactly by sympy (Cramer's rule /
LU); the solutions are rational functions of the free parameters. ``(p, q)`` is a Nash
equilibrium exactly where

* ``p_i > 0`` for ``i`` in ``I`` and ``q_j > 0`` for ``j`` in ``J`` (the supports are exact),
* ``v - sum_j A[i', j] q_j >= 0`` for every row ``i'`` outside ``I`` and
  ``w - sum_i p_i B[i, j'] >= 0`` for every column ``j'`` outside ``J`` (no profitable
  deviation),

and the system's determinant is non-zero. Supports of size 1 give the pure equilibria. The
conditions are simplified and checked for feasibility on the free parameters' box
(:mod:`alliance_games.solvers.symbolic.conditions`); infeasible supports are dropped.

Supports of unequal sizes carry equilibria only in degenerate games; a support whose system is
singular for every parameter value is skipped with a warning (its equilibria, if any, form
continua that the numeric ``enummixed`` solver reports).
"""

from __future__ import annotations

import itertools

import sympy

from alliance_games.errors import SolverError
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm
from alliance_games.solvers.symbolic.conditions import feasible, univariate_sets
from alliance_games.solvers.symbolic.result import (
    NOT_VERIFIED,
    VERIFIED,
    Condition,
    Interval,
    Region,
    SymbolicEquilibrium,
    SymbolicSolution,
)
from alliance_games.solvers.symbolic.simplify import simplify
from alliance_games.solvers.symbolic.space import ParameterSpace, substitute

MAX_STRATEGIES = 4


def symbolic_mixed(model: SymbolicModel, space: ParameterSpace) -> SymbolicSolution:
    """Every equilibrium (pure and mixed, one per support pair) with its existence region."""
    game = model.game
    if not isinstance(game, SymbolicNormalForm):
        raise SolverError("symbolic support enumeration needs a normal form")
    if len(model.players) != 2:
        raise SolverError(f"model {model.name!r} has {len(model.players)} players; symbolic "
                          "equilibria of normal forms are computed for two players")
    m, n = (len(s) for s in game.strategies)
    if max(m, n) > MAX_STRATEGIES:
        raise SolverError(f"model {model.name!r} is {m}x{n}; symbolic support enumeration takes "
                          f"games of at most {MAX_STRATEGIES} strategies per player")
    payoffs = substitute(game.payoffs, space.substitution(model))
    a = sympy.Matrix(m, n, lambda i, j: payoffs[0, i, j])
    b = sympy.Matrix(m, n, lambda i, j: payoffs[1, i, j])
    bounds = {p.symbol: p.range for p in space.free}
    regions: list[Region] = []
    warnings: list[str] = []
    pruned = 0
    for k in range(1, min(m, n) + 1):
        for rows, cols in itertools.product(itertools.combinations(range(m), k),
                                            itertools.combinations(range(n), k)):
            found = _support(a, b, rows, cols, game.strategies, model.players)
            if found is None:
                warnings.append(f"support {_names(game, 0, rows)} x {_names(game, 1, cols)} is "
                                "degenerate for every parameter value; skipped")
                continue
            p, q, v, w, conds = found
            simple = simplify(conds, bounds)
            status, witness = (False, None) if simple is None else feasible(
                simple, bounds, witness=True)
            if status is False or simple is None:
                pruned += 1
                continue
            regions.append(Region(
                tuple(simple), (_equilibrium(model, game, rows, cols, p, q, v, w),),
                VERIFIED if status else NOT_VERIFIED, interval=_interval(simple, bounds),
                witness={str(x): val for x, val in witness.items()} if witness else None))
    if any(r.feasibility != VERIFIED for r in regions):
        warnings.append("some existence regions could not be proved non-empty; they are kept "
                        "and marked 'not verified'")
    return SymbolicSolution("support enumeration", space.names, space.symbols, space.ranges(),
                            dict(space.fixed), tuple(regions), tuple(warnings), pruned)


def _solve_mix(payoff: sympy.Matrix, rows: tuple[int, ...], cols: tuple[int, ...]
               ) -> tuple[list[sympy.Expr], sympy.Expr] | None:
    """The mix over ``cols`` making every row of ``rows`` indifferent, and that row value."""
    k = len(rows)
    system = sympy.zeros(k + 1, k + 1)
    for r, i in enumerate(rows):
        for c, j in enumerate(cols):
            system[r, c] = payoff[i, j]
        system[r, k] = -1
    for c in range(k):
        system[k, c] = 1
    if sympy.cancel(system.det()) == 0:
        return None
    rhs = sympy.zeros(k + 1, 1)
    rhs[k] = 1
    solution = system.LUsolve(rhs)
    values = [sympy.cancel(s) for s in solution]
    return values[:k], values[k]


def _support(a: sympy.Matrix, b: sympy.Matrix, rows: tuple[int, ...], cols: tuple[int, ...],
             labels: tuple[tuple[str, ...], ...], players: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Mixes, values and existence conditions of the support pair ``rows x cols``."""
    col_mix = _solve_mix(a, rows, cols)
    row_mix = _solve_mix(b.T, cols, rows)
    if col_mix is None or row_mix is None:
        return None
    q_support, v = col_mix
    p_support, w = row_mix
    m, n = a.shape
    p = [sympy.Integer(0)] * m
    q = [sympy.Integer(0)] * n
    for i, value in zip(rows, p_support, strict=True):
        p[i] = value
    for j, value in zip(cols, q_support, strict=True):
        q[j] = value
    conds: list[Condition] = []
    if len(rows) > 1:
        conds += [Condition(p[i], True, f"{players[0]} plays {labels[0][i]}") for i in rows]
        conds += [Condition(q[j], True, f"{players[1]} plays {labels[1][j]}") for j in cols]
    for i in set(range(m)) - set(rows):
        gain = sum((a[i, j] * q[j] for j in range(n)), sympy.Integer(0))
        conds.append(Condition(sympy.cancel(v - gain), False, f"{players[0]}: {labels[0][i]} no better"))
    for j in set(range(n)) - set(cols):
        gain = sum((p[i] * b[i, j] for i in range(m)), sympy.Integer(0))
        conds.append(Condition(sympy.cancel(w - gain), False,
                               f"{players[1]}: {labels[1][j]} no better"))
    return p, q, v, w, conds


def _interval(conds: list[Condition], bounds: dict) -> Interval | None:
    """With one free parameter, the existence region as an interval (when it is one)."""
    if len(bounds) != 1:
        return None
    ((x, box),) = bounds.items()
    domain = sympy.Interval(box[0], box[1]) if box else sympy.S.Reals
    sets = univariate_sets(conds, bounds) if conds else {x: domain}
    s = None if sets is None else sets.get(x, domain)
    if not isinstance(s, sympy.Interval):
        return None
    return Interval(s.inf, s.sup, not s.left_open, not s.right_open)


def _names(game: SymbolicNormalForm, player: int, support: tuple[int, ...]) -> str:
    return "{" + ", ".join(game.strategies[player][i] for i in support) + "}"


def _equilibrium(model: SymbolicModel, game: SymbolicNormalForm, rows: tuple[int, ...],
                 cols: tuple[int, ...], p: list[sympy.Expr], q: list[sympy.Expr],
                 v: sympy.Expr, w: sympy.Expr) -> SymbolicEquilibrium:
    players = model.players
    strategies = {players[0]: dict(zip(game.strategies[0], p, strict=True)),
                  players[1]: dict(zip(game.strategies[1], q, strict=True))}
    quantities: dict[str, sympy.Expr] = {}
    for player, mix in strategies.items():
        for label, prob in mix.items():
            if not prob.is_number:
                quantities[f"{player}:{label}"] = prob
    quantities[f"payoff:{players[0]}"] = v
    quantities[f"payoff:{players[1]}"] = w
    tags: dict[str, sympy.Expr] = {}
    for (i, j), names in game.tags.items():
        for tag in names:
            tags[tag] = tags.get(tag, sympy.Integer(0)) + p[i] * q[j]
    quantities.update({t: sympy.cancel(v) for t, v in tags.items()})
    kind = "pure" if len(rows) == 1 else "mixed"
    return SymbolicEquilibrium(kind=kind, strategies=strategies, payoffs={players[0]: v,
                               players[1]: w}, quantities=quantities)
