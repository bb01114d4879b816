"""The result of a parameter sweep, held column-wise (one array per quantity over the grid).

A grid of ``P`` points (C order over the axes: the last axis varies fastest) and a model with
``K`` policies and ``N`` players gives:

* ``values``   ``(P, A)``       the swept parameters' values at every point;
* ``risks``    ``(P, K, N, 2)`` every player's abandonment and entrapment risk under each policy;
* ``cost``     ``(P, K)``       the policy cost (``nan`` when the model declares none; see
  :func:`~alliance_games.analysis.policies.cost_measure`);
* ``reliable`` ``(P, K)``       every risk within its tolerance (``verdict == "robust"``);
* ``verdicts`` ``(P, K)``       ``robust`` / ``fails`` (or ``depends`` where several equilibria
  disagree);
* ``choice``   ``(P,)``         index of the policy the root player picks (``-1``: none);
* ``exact_fallback`` ``(P,)``   the point was solved exactly because of a near-tie;
* ``tag_probabilities`` ``(P, K, X)`` the probability of each of ``X`` outcome tags the sweep was
  asked for besides the risks (``X = 0`` unless asked; the worst over the equilibria).

The columns but ``values`` are the fields of :class:`SweepChunk` (:data:`COLUMNS`, each with its
dtype and trailing axes as field metadata), from which the chunk's JSON, its empty value and the
joining of chunks are derived. :attr:`SweepResult.points` materialises per-point records for
renderers that want them.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np

from alliance_games.analysis.reliability import RISK_KINDS


def _column(dtype: Any, *axes: str, optional: bool = False) -> Any:
    """A column field: its dtype and the axes after the points' (``policy``, ``player``, ``kind``,
    ``tag``); ``optional``: it may be left out (``None``: no entries on its last axis)."""
    metadata = {"dtype": dtype, "axes": axes}
    return field(default=None, metadata=metadata) if optional else field(metadata=metadata)


def _no_tags(risks: np.ndarray) -> np.ndarray:
    """An empty tag-probability column for the points and policies of ``risks``."""
    return np.zeros((*risks.shape[:2], 0))


@dataclass(frozen=True)
class PolicyPoint:
    """One policy at one grid point."""

    policy: str
    risks: dict[str, dict[str, float]]
    cost: float | None
    reliable: bool
    verdict: str


@dataclass(frozen=True)
class SweepPoint:
    values: dict[str, float]
    policies: tuple[PolicyPoint, ...]
    chosen: str
    exact_fallback: bool = False


@dataclass(frozen=True)
class SweepChunk:
    """The columns for points ``start:stop`` of a grid (see the module docstring)."""

    start: int
    stop: int
    risks: np.ndarray = _column(float, "policy", "player", "kind")
    cost: np.ndarray = _column(float, "policy")
    reliable: np.ndarray = _column(bool, "policy")
    verdicts: np.ndarray = _column(object, "policy")
    choice: np.ndarray = _column(np.int64)
    exact_fallback: np.ndarray = _column(bool)
    tag_probabilities: np.ndarray = _column(float, "policy", "tag", optional=True)

    def __post_init__(self) -> None:
        if self.tag_probabilities is None:
            object.__setattr__(self, "tag_probabilities", _no_tags(self.risks))

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in COLUMNS}

    def to_json(self) -> dict[str, Any]:
        """Plain lists (floats written with repr, so a round trip is exact; ``nan`` as null)."""
        return {"start": self.start, "stop": self.stop,
                **{name: _plain(column) for name, column in self.columns().items()}}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> SweepChunk:
        return cls(int(doc["start"]), int(doc["stop"]),
                   **{name: _array(doc[name], DTYPES[name]) for name in COLUMNS if name in doc})

    def to_record(self) -> dict[str, Any]:
        """:meth:`to_json` for a journal line: numeric columns as their raw little-endian bytes in
        base64 with their shape (exact, and about twenty times faster to write and read back
        than nested lists of numbers); the object column as plain lists."""
        return {"start": self.start, "stop": self.stop,
                **{name: _packed(column) for name, column in self.columns().items()}}

    @classmethod
    def from_record(cls, doc: dict[str, Any]) -> SweepChunk:
        """The chunk of a :meth:`to_record` document."""
        return cls(int(doc["start"]), int(doc["stop"]),
                   **{name: _unpacked(doc[name], DTYPES[name]) for name in COLUMNS
                      if name in doc})

    @classmethod
    def empty(cls, policies: int, players: int, tags: int = 0) -> SweepChunk:
        sizes = {"policy": policies, "player": players, "kind": len(RISK_KINDS), "tag": tags}
        return cls(0, 0, **{f.name: np.zeros((0, *(sizes[a] for a in f.metadata["axes"])),
                                             dtype=f.metadata["dtype"])
                            for f in fields(cls) if f.name in COLUMNS})


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(SweepChunk) if "dtype" in f.metadata)
DTYPES: dict[str, Any] = {f.name: f.metadata["dtype"] for f in fields(SweepChunk) if f.metadata}


def _plain(column: np.ndarray) -> list[Any]:
    """The column as nested lists, ``nan`` as ``None``."""
    if column.dtype.kind == "f":
        missing = np.isnan(column)
        if missing.any():
            column = column.astype(object)
            column[missing] = None
    return list(column.tolist())


def _packed(column: np.ndarray) -> Any:
    if column.dtype == object:
        return _plain(column)
    little = column.astype(column.dtype.newbyteorder("<"), copy=False)
    return {"dtype": little.dtype.str, "shape": list(column.shape),
            "base64": base64.b64encode(np.ascontiguousarray(little).tobytes()).decode("ascii")}


def _unpacked(doc: Any, dtype: Any) -> np.ndarray:
    if not isinstance(doc, dict):
        return _array(doc, dtype)
    raw = base64.b64decode(doc["base64"], validate=True)
    array = np.frombuffer(raw, dtype=np.dtype(doc["dtype"])).reshape(doc["shape"])
    return array.astype(dtype)  # a writable copy in the column's own dtype


def _array(items: list[Any], dtype: Any) -> np.ndarray:
    if dtype is float:
        return np.array(items, dtype=object).astype(float)  # None -> nan
    return np.array(items, dtype=dtype)


def join_chunks(chunks: Sequence[SweepChunk], count: int, policies: int, players: int,
                tags: int = 0) -> SweepChunk:
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
        return SweepChunk.empty(policies, players, tags)
    return SweepChunk(0, count, **{name: np.concatenate([getattr(c, name) for c in ordered])
                                   for name in COLUMNS})


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
    cost: np.ndarray
    reliable: np.ndarray
    verdicts: np.ndarray
    choice: np.ndarray
    exact_fallback: np.ndarray
    latex: dict[str, str] = field(default_factory=dict)  # parameter -> LaTeX symbol
    sample: dict[str, Any] | None = None  # a sampled design (axes = its columns): how it was drawn
    tags: tuple[str, ...] = ()  # the tags of tag_probabilities' last axis
    tag_probabilities: np.ndarray | None = None  # (P, K, len(tags)); None: no tags

    def __post_init__(self) -> None:
        if self.tag_probabilities is None:
            object.__setattr__(self, "tag_probabilities", _no_tags(self.risks))

    @classmethod
    def from_chunk(cls, chunk: SweepChunk, model: str, axes: tuple[tuple[str, np.ndarray], ...],
                   fixed: dict[str, Any], tolerances: dict[str, Any], policies: tuple[str, ...],
                   players: tuple[str, ...], values: np.ndarray, latex: dict[str, str], *,
                   sample: dict[str, Any] | None = None, tags: tuple[str, ...] = ()
                   ) -> SweepResult:
        """The result whose columns are ``chunk``'s (the whole grid, joined)."""
        return cls(model, axes, fixed, tolerances, policies, players, values, **chunk.columns(),
                   latex=latex, sample=sample, tags=tags)

    def tag(self, name: str) -> np.ndarray:
        """``(P, K)``: the probability of outcome tag ``name`` (one the sweep was asked for)
        under each policy at every point."""
        assert self.tag_probabilities is not None
        return self.tag_probabilities[:, :, self.tags.index(name)]

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape: one length per axis (a list of named points is one axis; a sampled
        design is a list of points, one axis of its length)."""
        if self.sample is not None:
            return (self.count,)
        return tuple(len(v) for _, v in self.axes)

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.axes)

    @property
    def count(self) -> int:
        return int(self.values.shape[0])

    def chosen(self, i: int) -> str:
        """The policy the root player picks at point ``i`` (``""``: none)."""
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
                cost = float(self.cost[i, k])
                records.append(PolicyPoint(policy, risks, None if np.isnan(cost) else cost,
                                           bool(self.reliable[i, k]), str(self.verdicts[i, k])))
            out.append(SweepPoint({n: float(self.values[i, a]) for a, n in enumerate(names)},
                                  tuple(records), self.chosen(i),
                                  bool(self.exact_fallback[i])))
        return tuple(out)

    def boundaries(self) -> list[dict[str, Any]]:
        """Every pair of neighbouring grid points where a policy's verdict changes.

        Along each axis in turn (the other axes' values held, and given in ``at``); a list of named
        points is treated as an axis in the order given. A sampled design has no neighbours:
        none.
        """
        result = self
        if not result.count or result.sample is not None:
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
        """Points grouped by (policies keeping reliability, the root player's choice), largest first,
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
                "chosen": self.policies[int(unique[r][-1])] if unique[r][-1] >= 0 else "",
                "points": int(counts[r]),
                "ranges": {n: (float(members[:, a].min()), float(members[:, a].max()))
                           for a, n in enumerate(self.axis_names)}})
        return found
