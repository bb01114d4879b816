"""The result of a parameter sweep, held column-wise (one array per quantity over the grid).

A grid of ``P`` points (C order over the axes: the last axis varies fastest) and a model with
``K`` policies and ``N`` players gives:

* ``values``   ``(P, A)``       the swept parameters' values at every point;
* ``risks``    ``(P, K, N, 2)`` every player's abandonment and entrapment risk under each policy;
* ``leader_cost`` ``(P, K)``    the leader's expected cost (``nan`` when the model has none);
* ``reliable`` ``(P, K)``       every risk within its tolerance (``verdict == "robust"``);
* ``verdicts`` ``(P, K)``       ``robust`` / ``fails`` (or ``depends`` where several equilibria
  disagree);
* ``choice``   ``(P,)``         index of the policy the leader picks (``-1``: none);
* ``exact_fallback`` ``(P,)``   the point was solved exactly because of a near-tie.

:attr:`SweepResult.points` materialises per-point records for renderers that want them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from alliance_games.analysis.reliability import RISK_KINDS


@dataclass(frozen=True)
class PolicyPoint:
    """One policy at one grid point."""

    policy: str
    risks: dict[str, dict[str, float]]
    leader_cost: float | None
    reliable: bool
    verdict: str


@dataclass(frozen=True)
class SweepPoint:
    values: dict[str, float]
    policies: tuple[PolicyPoint, ...]
    leader_choice: str
    exact_fallback: bool = False


@dataclass(frozen=True)
class SweepChunk:
    """The columns for points ``start:stop`` of a grid (see the module docstring)."""

    start: int
    stop: int
    risks: np.ndarray
    leader_cost: np.ndarray
    reliable: np.ndarray
    verdicts: np.ndarray
    choice: np.ndarray
    exact_fallback: np.ndarray

    def to_json(self) -> dict[str, Any]:
        """Plain lists (floats written with repr, so a round trip is exact)."""
        return {"start": self.start, "stop": self.stop, "risks": self.risks.tolist(),
                "leader_cost": [None if np.isnan(c) else c for c in self.leader_cost.ravel()],
                "reliable": self.reliable.tolist(), "verdicts": self.verdicts.tolist(),
                "choice": self.choice.tolist(), "exact_fallback": self.exact_fallback.tolist()}

    @classmethod
    def from_json(cls, doc: dict[str, Any], policies: int) -> SweepChunk:
        cost = np.array([np.nan if c is None else c for c in doc["leader_cost"]], dtype=float)
        return cls(int(doc["start"]), int(doc["stop"]), np.array(doc["risks"], dtype=float),
                   cost.reshape(-1, policies), np.array(doc["reliable"], dtype=bool),
                   np.array(doc["verdicts"], dtype=object), np.array(doc["choice"], dtype=np.int64),
                   np.array(doc["exact_fallback"], dtype=bool))


def join_chunks(chunks: Sequence[SweepChunk], count: int, policies: int, players: int
                ) -> SweepChunk:
    """The chunks, in grid order, as one chunk covering ``0:count`` (every point exactly once)."""
    ordered = sorted(chunks, key=lambda c: c.start)
    covered = [(c.start, c.stop) for c in ordered]
    expected = 0
    for start, stop in covered:
        if start != expected:
            raise ValueError(f"sweep chunks do not tile the grid: gap or overlap at point {start}")
        expected = stop
    if expected != count:
        raise ValueError(f"sweep chunks cover {expected} of {count} points")
    if not ordered:
        return SweepChunk(0, 0, np.zeros((0, policies, players, 2)), np.zeros((0, policies)),
                          np.zeros((0, policies), dtype=bool),
                          np.zeros((0, policies), dtype=object), np.zeros(0, dtype=np.int64),
                          np.zeros(0, dtype=bool))
    return SweepChunk(0, count, *(np.concatenate([getattr(c, name) for c in ordered])
                                  for name in ("risks", "leader_cost", "reliable", "verdicts",
                                               "choice", "exact_fallback")))


@dataclass(frozen=True)
class SweepResult:
    """Every policy's risks, cost and verdict over a grid (see the module docstring)."""

    model: str
    axes: tuple[tuple[str, np.ndarray], ...]
    fixed: dict[str, Any]
    tolerances: dict[str, Any]
    policies: tuple[str, ...]
    players: tuple[str, ...]
    values: np.ndarray
    risks: np.ndarray
    leader_cost: np.ndarray
    reliable: np.ndarray
    verdicts: np.ndarray
    choice: np.ndarray
    exact_fallback: np.ndarray
    latex: dict[str, str] = field(default_factory=dict)  # parameter -> LaTeX symbol

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape: one length per axis (a list of named points is one axis)."""
        return tuple(len(v) for _, v in self.axes)

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.axes)

    @property
    def count(self) -> int:
        return int(self.values.shape[0])

    def leader_choice(self, i: int) -> str:
        c = int(self.choice[i])
        return self.policies[c] if c >= 0 else ""

    @cached_property
    def points(self) -> tuple[SweepPoint, ...]:
        """Per-point records (built on first use)."""
        names = self.axis_names
        out = []
        for i in range(self.count):
            records = []
            for k, policy in enumerate(self.policies):
                risks = {player: {kind: float(self.risks[i, k, j, r])
                                  for r, kind in enumerate(RISK_KINDS)}
                         for j, player in enumerate(self.players)}
                cost = float(self.leader_cost[i, k])
                records.append(PolicyPoint(policy, risks, None if np.isnan(cost) else cost,
                                           bool(self.reliable[i, k]), str(self.verdicts[i, k])))
            out.append(SweepPoint({n: float(self.values[i, a]) for a, n in enumerate(names)},
                                  tuple(records), self.leader_choice(i),
                                  bool(self.exact_fallback[i])))
        return tuple(out)

    def boundaries(self) -> list[dict[str, Any]]:
        """Every pair of neighbouring grid points where a policy's verdict changes.

        Along each axis in turn (the other axes' values held, and given in ``at``); a list of named
        points is treated as an axis in the order given.
        """
        result = self
        if not result.count:
            return []
        names = result.axis_names
        reliable = result.reliable.reshape(*result.shape, len(result.policies))
        found = []
        for a, name in enumerate(names):
            values = result.axes[a][1]
            flips = np.argwhere(np.diff(reliable.astype(np.int8), axis=a) != 0)
            for index in flips:
                k = int(index[-1])
                lo = tuple(int(i) for i in index[:-1])
                hi = tuple(i + 1 if j == a else i for j, i in enumerate(lo))
                entry: dict[str, Any] = {
                    "policy": result.policies[k], "parameter": name,
                    "between": [float(values[lo[a]]), float(values[hi[a]])],
                    "reliable_above": bool(reliable[(*hi, k)])}
                if len(names) > 1:
                    entry["at"] = {n: float(result.axes[j][1][lo[j]])
                                   for j, n in enumerate(names) if j != a}
                found.append(entry)
        return found

    def regimes(self) -> list[dict[str, Any]]:
        """Points grouped by (policies keeping reliability, the leader's choice), largest first,
        each with its point count and the range of every swept parameter over its points."""
        if not self.count:
            return []
        keys = np.concatenate([self.reliable, self.choice[:, None]], axis=1)
        unique, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        found = []
        for r in np.argsort(-counts, kind="stable"):
            members = self.values[inverse.ravel() == r]
            found.append({
                "reliable": [p for p, ok in zip(self.policies, unique[r][:-1], strict=True) if ok],
                "leader_choice": self.policies[int(unique[r][-1])] if unique[r][-1] >= 0 else "",
                "points": int(counts[r]),
                "ranges": {n: (float(members[:, a].min()), float(members[:, a].max()))
                           for a, n in enumerate(self.axis_names)}})
        return found
