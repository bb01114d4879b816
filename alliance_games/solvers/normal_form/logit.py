"""The principal branch of the logit quantal response equilibrium (QRE) correspondence.

A logit QRE at precision ``lambda >= 0`` is a mixed profile with, for every player ``i`` and
strategy ``s`` (McKelvey & Palfrey 1995, "Quantal response equilibria for normal form games")::

    sigma_i(s) = exp(lambda u_i(s, sigma_-i)) / sum_t exp(lambda u_i(t, sigma_-i)).

In log-probability coordinates ``w = log sigma`` this is the system ``H(w, lambda) = 0``::

    w_i(s) - w_i(s_0) - lambda (u_i(s, sigma_-i) - u_i(s_0, sigma_-i)) = 0   (s != s_0),
    sum_s exp(w_i(s)) - 1 = 0,

``M`` equations in ``M + 1`` unknowns (``M`` the number of strategies). At ``lambda = 0`` the only
solution is the centroid; for generic games the branch starting there is a smooth curve along
which ``lambda`` goes to infinity and ``sigma`` to a Nash equilibrium (McKelvey & Palfrey 1995,
Thm 3; Turocy 2005, "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence"). It is traced by arc-length continuation (Allgower & Georg 1990,
*Numerical Continuation Methods*): an Euler predictor along the tangent (the null vector of the
Jacobian, oriented by the previous one), a Gauss-Newton corrector with minimum-norm steps, and a
step length that grows while the corrector converges fast and halves when it does not. Gambit's
``gambit-logit`` traces the same branch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.solvers.result import Equilibrium, SolverResult

MAX_STEPS = 5000
STALL = 200
"""Stop when ``lambda`` grew by less than 1% over this many accepted steps."""
ACCELERATION = 1.5
MIN_STEP = 1e-12
"""Arc-length step below which tracing gives up."""
MAX_STEP = 1.0
NOISE = 1e-12
"""Residuals below ``NOISE * (1 + lambda) * max |payoff|`` count as converged."""
CORRECTOR_TOL = 1e-8
"""Newton corrector: converged when every coordinate moves by at most this, relative.

These three are not :data:`~alliance_games.solvers.tolerance.DEFAULT_TOL` on purpose: they are
settings of the path tracing (step sizes and the rounding floor of ``lambda * payoffs``), not
comparisons of payoffs, and the traced point is only an approximate equilibrium anyway."""


class _Branch:
    """The QRE system of one game in ``x = (w, lambda)`` coordinates."""

    def __init__(self, game: NormalFormGame) -> None:
        self.game = game.to_float()
        self.payoffs = self.game.payoffs
        self.sizes = self.game.shape
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])
        self.n = int(self.offsets[-1])
        self.size = float(np.max(np.abs(self.payoffs))) or 1.0

    def start(self) -> np.ndarray:
        return np.concatenate([np.full(m, -np.log(m)) for m in self.sizes] + [[0.0]])

    def profile(self, x: np.ndarray) -> list[np.ndarray]:
        """Mixed profile of a point (each distribution renormalised)."""
        out = []
        for i in range(len(self.sizes)):
            w = x[self.offsets[i]:self.offsets[i + 1]]
            p = np.exp(w - w.max())
            out.append(p / p.sum())
        return out

    def _cross(self, sigma: list[np.ndarray], i: int, j: int) -> np.ndarray:
        """``D[s, t] = u_i(s, t, sigma_-ij)``: player ``i``'s payoff matrix against ``j``."""
        table = self.payoffs[i]
        for k in range(len(sigma) - 1, -1, -1):
            if k not in (i, j):
                table = np.tensordot(table, sigma[k], axes=([k], [0]))
        return table if i < j else table.T

    def residual_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lam = x[-1]
        sigma = [np.exp(x[self.offsets[i]:self.offsets[i + 1]]) for i in range(len(self.sizes))]
        residual = np.empty(self.n)
        jacobian = np.zeros((self.n, self.n + 1))
        for i, m in enumerate(self.sizes):
            lo = self.offsets[i]
            rows = slice(lo, lo + m - 1)
            values = self.game.deviation_payoffs(sigma, i)
            w = x[lo:lo + m]
            residual[rows] = w[1:] - w[0] - lam * (values[1:] - values[0])
            residual[lo + m - 1] = sigma[i].sum() - 1.0
            jacobian[rows, lo + 1:lo + m] += np.eye(m - 1)
            jacobian[rows, lo] -= 1.0
            jacobian[rows, -1] = -(values[1:] - values[0])
            jacobian[lo + m - 1, lo:lo + m] = sigma[i]
            for j in range(len(self.sizes)):
                if j != i:
                    cross = self._cross(sigma, i, j)
                    block = (cross[1:] - cross[0]) * sigma[j]
                    jacobian[rows, self.offsets[j]:self.offsets[j + 1]] -= lam * block
        return residual, jacobian

    def tangent(self, x: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
        """Unit null vector of the Jacobian in scaled coordinates (``dx_k / (1 + |x_k|)``), in
        ``x`` coordinates, oriented like ``previous`` (initially: ``lambda`` increasing)."""
        _, jacobian = self.residual_and_jacobian(x)
        scale = 1.0 + np.abs(x)
        t = np.linalg.svd(jacobian * scale)[2][-1] * scale
        reference = previous if previous is not None else np.eye(self.n + 1)[-1]
        return -t if (t / scale) @ (reference / scale) < 0 else t

    def correct(self, x: np.ndarray, tol: float, *, fixed_lambda: bool = False,
                max_first: float = np.inf) -> tuple[np.ndarray, bool, int]:
        """Gauss-Newton corrector with minimum-norm steps in scaled coordinates; with
        ``fixed_lambda`` a Newton step in ``w`` only. Converged when every coordinate moves by at
        most ``tol`` relative, or the residual is at the rounding floor of ``lambda * payoffs``."""
        x = x.copy()
        last = np.inf
        for iteration in range(1, 12):
            residual, jacobian = self.residual_and_jacobian(x)
            if not np.all(np.isfinite(residual)):
                return x, False, iteration
            if np.max(np.abs(residual)) <= NOISE * (1 + abs(x[-1])) * self.size:
                return x, True, iteration
            scale = 1.0 + np.abs(x)
            if fixed_lambda:
                scale[-1] = 0.0
            step = np.linalg.lstsq(jacobian * scale, -residual, rcond=None)[0]
            size = float(np.max(np.abs(step)))
            if (iteration == 1 and size > max_first) or size > 0.5 * last:
                return x, False, iteration
            x += step * scale
            if size <= tol:
                return x, True, iteration
            last = size
        return x, False, 12


def _cosine(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> float:
    a, b = a / scale, b / scale
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _trace(branch: _Branch, max_lambda: float, step: float, tol: float
           ) -> Iterator[tuple[np.ndarray, int]]:
    """Points ``x`` along the branch (with the corrector iterations), ending at ``max_lambda``.

    Steps are measured in scaled coordinates, so a step ``h`` changes every coordinate by about
    ``h`` relative to its size: ``lambda`` then grows geometrically once large.
    """
    x = branch.start()
    t = branch.tangent(x, None)
    h = step
    yield x, 0
    history = [0.0]
    for _ in range(MAX_STEPS):
        if x[-1] >= max_lambda:
            return
        if len(history) > STALL and history[-1] < 1.01 * history[-1 - STALL]:
            raise ArithmeticError(f"stalled at lambda={x[-1]:.6g} (ill-conditioned, e.g. a "
                                  "continuum of equilibria in the limit)")
        if h < MIN_STEP:
            raise ArithmeticError(f"step length underflow at lambda={x[-1]:.6g}")
        predicted = x + h * t
        final = predicted[-1] >= max_lambda and t[-1] > 0
        if final:
            predicted = x + (max_lambda - x[-1]) / t[-1] * t
            predicted[-1] = max_lambda
        corrected, ok, iterations = branch.correct(predicted, tol, fixed_lambda=final,
                                                   max_first=0.5 * h + tol)
        if not ok or corrected[-1] < 0:
            h /= 2
            continue
        new_t = branch.tangent(corrected, t)
        if not final and _cosine(new_t, t, 1.0 + np.abs(corrected)) < 0.9:
            h /= 2  # turning too sharply
            continue
        x, t = corrected, new_t
        history.append(float(x[-1]))
        yield x, iterations
        if iterations <= 3:
            h = min(h * ACCELERATION, MAX_STEP)
    raise ArithmeticError(f"no convergence to lambda={max_lambda} in {MAX_STEPS} steps")


def logit_branch(game: NormalFormGame, lambdas: Sequence[float], *, step: float = 0.1,
                 tol: float = CORRECTOR_TOL) -> list[tuple[float, list[np.ndarray]]]:
    """QRE profiles of the principal branch at the given ``lambdas`` (first crossing of each).

    Returns ``(lambda, profile)`` pairs in the order of ``lambdas``; ``profile`` is one float
    distribution per player (interior, each summing to 1). Each point is interpolated between the
    two traced points around it and corrected by Newton's method at its exact ``lambda``.

    Raises
    ------
    ValueError
        If a ``lambda`` is negative.
    ArithmeticError
        If the branch cannot be traced up to ``max(lambdas)`` (step underflow or stall).
    """
    branch = _Branch(game)
    wanted = sorted(set(float(v) for v in lambdas))
    if wanted and wanted[0] < 0:
        raise ValueError("lambda must be non-negative")
    found: dict[float, list[np.ndarray]] = {}
    previous = None
    for x, _ in _trace(branch, max(wanted, default=0.0), step, tol):
        while wanted and x[-1] >= wanted[0]:
            target = wanted.pop(0)
            guess = x if previous is None or x[-1] == previous[-1] else previous + (
                target - previous[-1]) / (x[-1] - previous[-1]) * (x - previous)
            guess = guess.copy()
            guess[-1] = target
            point, _, _ = branch.correct(guess, tol, fixed_lambda=True)
            found[target] = branch.profile(point)
        previous = x
    return [(float(v), found[float(v)]) for v in lambdas]


def logit_solve(game: NormalFormGame, *, max_lambda: float = 1e6, step: float = 0.1,
                tol: float = CORRECTOR_TOL) -> SolverResult:
    """An approximate Nash equilibrium as the end of the principal logit QRE branch.

    Parameters
    ----------
    game:
        Any finite N-player normal form (payoffs are used as floats).
    max_lambda:
        Precision at which tracing stops; the QRE there is returned. Its regret is at most about
        ``max_i log(m_i) / max_lambda`` (the logit response maximises
        ``sigma_i . u_i + entropy / lambda``).
    step:
        Initial arc-length step.
    tol:
        Corrector tolerance (relative, per coordinate).

    Returns
    -------
    SolverResult
        Method ``logit``; one float equilibrium (``exact=False``, ``complete=False``) with its float
        regret; diagnostics ``steps``, ``final_lambda``, ``regret``.
    """
    branch = _Branch(game)
    warnings: list[str] = []
    steps, x = 0, branch.start()
    try:
        for point, _ in _trace(branch, max_lambda, step, tol):
            steps, x = steps + 1, point
    except ArithmeticError as error:
        warnings.append(f"logit tracing stopped early: {error}")
    profile = tuple(branch.profile(x))
    regret = float(max_regret(branch.game, profile))
    equilibrium = Equilibrium(profile, branch.game.expected_payoffs(profile), regret, False)
    options: dict[str, Any] = {"max_lambda": max_lambda, "step": step, "tol": tol}
    return SolverResult(
        method="logit", game=game, equilibria=(equilibrium,), exact=False, complete=False,
        options=options, warnings=tuple(warnings),
        diagnostics={"steps": steps, "final_lambda": float(x[-1]), "regret": regret},
    )
