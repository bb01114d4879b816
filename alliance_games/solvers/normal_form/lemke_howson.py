"""Lemke-Howson complementary pivoting for two-player games, with exact integer arithmetic.

Player 1 has ``m`` strategies and payoff matrix ``A``, player 2 has ``n`` and ``B``. After shifting
every payoff to be positive (and, for exact games, scaling to integers) the algorithm works on the
best-response polytopes

    ``P = {x >= 0 : B^T x + s = 1, s >= 0}``  and  ``Q = {y >= 0 : A y + r = 1, r >= 0}``

and searches for a *completely labelled* basic solution, i.e. one with ``x_i r_i = 0`` for every
``i`` and ``y_j s_j = 0`` for every ``j``. Every one other than the artificial ``(0, 0)`` is, after
normalising ``x`` and ``y``, a Nash equilibrium. Labels are numbered ``0..m-1`` for player 1's
strategies and ``m..m+n-1`` for player 2's (as in nashpy). Dropping label ``k`` from a completely
labelled point and pivoting in the duplicate label until ``k`` is picked up again follows one
Lemke-Howson path (Lemke & Howson 1964; von Stengel 2007, in Nisan et al., *Algorithmic Game
Theory*, ch. 3, Algorithm 3.5).

Arithmetic: both systems pivot on the shared tableau of
:mod:`alliance_games.solvers.kernels.tableau`, exact (integers, fraction-free) for exact games.
The minimum-ratio test is lexicographic: ties in ``rhs / column`` are broken by the ratios of the
columns of the basis inverse, row by row, which is the same as perturbing the right-hand side to
``1 - (eps, eps^2, ...)``. The perturbed problem is nondegenerate, so no path cycles and every
endpoint is an equilibrium of the unperturbed game. The shift of the payoffs and the tie-breaking
order follow Gambit's ``gambit-lcp`` so that the two find the same paths in degenerate games.

From the artificial point all ``m + n`` labels are dropped, then every label from every new
equilibrium, breadth-first, until nothing new appears. The result is the set of equilibria
*accessible* this way, which may miss some equilibria (Shapley 1974): ``complete=False``.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.solvers.deadline import expired, stopped_note
from alliance_games.solvers.kernels.tableau import Tableau
from alliance_games.solvers.result import Equilibrium, SolverResult

MAX_PIVOTS = 1_000_000
"""Safety bound on the pivots of one path (only reachable in float mode)."""


class _Side:
    """One side's system ``M z + I w = 1`` on a :class:`Tableau`, with the variables' names.

    ``names[c]`` is the variable of column ``c`` (``M``'s columns first, then the slacks of rows
    ``0..k-1``); the slack columns are the basis inverse, the keys of the ratio test.
    """

    def __init__(self, matrix: np.ndarray, names: list[int], exact: bool) -> None:
        k, width = matrix.shape
        dtype = object if exact else float
        system = np.hstack([matrix.astype(dtype), np.eye(k, dtype=int).astype(dtype),
                            np.ones((k, 1), dtype=int).astype(dtype)])
        self.slacks = list(range(width, width + k))
        # dense rows: no snapping of tiny float entries (plain Gauss-Jordan steps)
        self.tableau = Tableau(system, self.slacks, exact=exact, snap=False)
        self.names = names
        self.column = {v: c for c, v in enumerate(names)}

    def copy(self) -> _Side:
        new = object.__new__(_Side)
        new.__dict__.update(self.__dict__)
        new.tableau = self.tableau.copy()
        return new

    def basic(self) -> list[int]:
        """The basic variable of every row."""
        return [self.names[c] for c in self.tableau.basis]

    def pivot(self, entering: int) -> int:
        """Bring ``entering`` into the basis by the lexicographic ratio test (ties broken by
        maximising the basis inverse's ratios, as Gambit does); return the variable that leaves."""
        tab, s = self.tableau, self.column[entering]
        rows = tab.positive_rows(s)
        if not rows:
            raise SolverError("lcp: unbounded pivot column (numerical failure)")
        r = tab.lex_min(rows, [tab.T[i, s] for i in rows], self.slacks, sign=-1)[0]
        leaving = self.names[tab.basis[r]]
        tab.pivot(r, s)
        return leaving

    def values(self, variables: range) -> list[Any]:
        """Values of ``variables``: the right-hand side if basic, else 0."""
        row = {v: i for i, v in enumerate(self.basic())}
        return [self.tableau.value(row[v]) if v in row else 0 for v in variables]


class _State:
    """Both sides of the Lemke-Howson system for one game."""

    def __init__(self, A: np.ndarray, B: np.ndarray, exact: bool) -> None:
        m, n = A.shape
        self.m, self.n, self.N = m, n, m + n
        N = m + n  # variable v < N is x_v / y_(v-m); variable N + k is the slack with label k
        self.t1 = _Side(A, [*range(m, N), *range(N, N + m)], exact)
        self.t2 = _Side(B.T, [*range(m), *range(N + m, 2 * N)], exact)
        self.pivots = 0

    def copy(self) -> _State:
        new = object.__new__(_State)
        new.__dict__.update(self.__dict__)
        new.t1, new.t2 = self.t1.copy(), self.t2.copy()
        return new

    def key(self) -> frozenset[int]:
        return frozenset(self.t1.basic()) | frozenset(self.t2.basic())

    def follow(self, label: int) -> None:
        """Drop ``label`` and pivot until it is picked up again (one Lemke-Howson path)."""
        N = self.N
        entering = label if label not in self.key() else label + N
        for _ in range(MAX_PIVOTS):
            side = self.t1 if entering in self.t1.column else self.t2
            leaving = side.pivot(entering)
            self.pivots += 1
            if leaving % N == label:
                return
            entering = leaving + N if leaving < N else leaving - N
        raise SolverError(f"lcp: path for label {label} exceeded {MAX_PIVOTS} pivots")

    def profile(self, exact: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """The normalised strategies, or ``None`` at the artificial point."""
        out = []
        for raw in (self.t2.values(range(self.m)), self.t1.values(range(self.m, self.N))):
            total = sum(raw)
            if total <= 0:
                return None
            if exact:
                out.append(np.array([Fraction(v) / total for v in raw], dtype=object))
            else:
                out.append(np.clip(np.array(raw, dtype=float), 0.0, None) / total)
        return out[0], out[1]


def _prepare(game: NormalFormGame, rational: bool | None) -> tuple[NormalFormGame, _State]:
    if game.num_players != 2:
        raise SolverError(f"lcp solves two-player games; this game has {game.num_players} players "
                          "(use enumpoly, simpdiv or pure)")
    exact = game.exact if rational is None else rational
    game = game.to_exact() if exact else game.to_float()
    pay = game.payoffs
    low = min(min(pay.ravel()), 0) - 1  # Gambit's shift: every payoff becomes >= 1
    if exact:
        shifted = pay - low
        scale = lcm(*(v.denominator for v in shifted.ravel()))
        ints = np.array([int(v * scale) for v in shifted.ravel()], dtype=object)
        A, B = ints.reshape(pay.shape)
    else:
        high = max(float(pay.max()), 0.0)
        A, B = (pay - low) / (high - low)
    return game, _State(A, B, exact)


def _equilibrium(game: NormalFormGame, profile: tuple[np.ndarray, np.ndarray]) -> Equilibrium:
    return Equilibrium(profile, game.expected_payoffs(profile), max_regret(game, profile),
                       game.exact)


def lemke_howson(game: NormalFormGame, dropped_label: int, *,
                 rational: bool | None = None) -> Equilibrium:
    """The equilibrium at the end of the Lemke-Howson path that starts by dropping one label.

    Parameters
    ----------
    game:
        A two-player game.
    dropped_label:
        ``0..m-1`` for player 1's strategies, ``m..m+n-1`` for player 2's.
    rational:
        Exact integer pivoting (default when the game is exact) or floats.
    """
    game, state = _prepare(game, rational)
    if not 0 <= dropped_label < state.N:
        raise SolverError(f"lemke_howson(): dropped_label must be in 0..{state.N - 1}; "
                          f"got {dropped_label}")
    state.follow(dropped_label)
    profile = state.profile(game.exact)
    if profile is None:  # pragma: no cover - impossible with the lexicographic rule
        raise SolverError("lemke_howson(): the path returned to the artificial equilibrium")
    return _equilibrium(game, profile)


def lcp_solve(game: NormalFormGame, *, rational: bool | None = None,
              stop_after: int | None = None, max_depth: int | None = None) -> SolverResult:
    """Every equilibrium accessible by Lemke-Howson paths (method ``lcp``).

    Paths are followed for every label from the artificial equilibrium and then, breadth-first,
    from each new equilibrium (identified by its complementary basis, as in Gambit ``lcp``).

    Parameters
    ----------
    game:
        A two-player game.
    rational:
        Exact integer pivoting (default when the game is exact) or float pivoting.
    stop_after:
        Stop once this many equilibria are found.
    max_depth:
        Follow paths only from equilibria at most ``max_depth - 1`` paths away from the artificial
        one (``1``: only the paths that start at the artificial equilibrium).

    Returns
    -------
    SolverResult
        ``complete=False``: equilibria that no path reaches are missed (Shapley 1974).
    """
    for name, value in (("stop_after", stop_after), ("max_depth", max_depth)):
        if value is not None and value < 1:
            raise SolverError(f"lcp_solve(): {name} must be a positive integer; got {value}")
    game, start = _prepare(game, rational)
    visited = {start.key()}
    queue: deque[tuple[_State, int, int]] = deque([(start, -1, 0)])
    found: list[Equilibrium] = []
    seen: set[tuple[object, ...]] = set()
    paths = pivots = 0
    truncated = False
    stopped = False
    while queue and not truncated:
        if expired():
            truncated = stopped = True
            break
        state, arrived_by, depth = queue.popleft()
        if max_depth is not None and depth >= max_depth:
            truncated = True
            break
        for label in range(state.N):
            if label == arrived_by:  # leads straight back
                continue
            nxt = state.copy()
            nxt.pivots = 0
            nxt.follow(label)
            paths, pivots = paths + 1, pivots + nxt.pivots
            if nxt.key() in visited:
                continue
            visited.add(nxt.key())
            profile = nxt.profile(game.exact)
            if profile is None:
                continue
            queue.append((nxt, label, depth + 1))
            eq = _equilibrium(game, profile)
            if eq.key() not in seen:
                seen.add(eq.key())
                found.append(eq)
                if stop_after is not None and len(found) >= stop_after:
                    truncated = True
                    break
    notes: tuple[str, ...] = ()
    if stopped:
        notes = (stopped_note(),)
    elif truncated:
        notes = (f"lcp stopped early (stop_after={stop_after}, max_depth={max_depth}); "
                 "further accessible equilibria may exist",)
    return SolverResult(
        method="lcp",
        game=game,
        equilibria=tuple(found),
        exact=game.exact,
        complete=False,
        options={"rational": game.exact, "stop_after": stop_after, "max_depth": max_depth},
        warnings=notes,
        diagnostics={"accessible_only": True, "bases": len(visited) - 1, "paths": paths,
                     "pivots": pivots, "truncated": truncated},
    )
