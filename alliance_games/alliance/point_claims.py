"""The article's propositions at a parameter point, for many points at once.

Each proposition of :mod:`.propositions` and :mod:`.side_effect_claims` has a *point form*: the
same claim with every parameter of the flagship at the point's values (all moved jointly). A
point form reads the flagship's policies solved at the points, under variants, from a
:class:`~alliance_games.analysis.sweep.batch.PointBatch` (one array sweep per variant over all
the points, exact re-solves at near-ties), and returns one verdict per point. What each form
checks (:data:`CLAIMS`, whose ``form`` is printed with the results):

* P1 - P4: the full check's comparisons, at the point (rounded to 4 digits as the full check
  rounds its figures). P4's provocation is the probability of the tag ``provocation:asia``,
  which the batch reports besides the risks.
* P5: connect keeps reliability at lower leader cost than strengthen_all, and the pooling
  threshold s* exists (connect fails at pooling 0 and holds at 1, bisected to 1e-4 at every
  point at once) and lies at or below the point's pooling. The full check's agreement of the
  bisection with the symbolic solver is a check of the solvers, not of the model: not repeated.
* P6: the full check's search at the point: on the pooling grid 0, 0.05, ..., 1 (the other
  parameters at the point's), switching off each pathway (restraint, cost sharing: that
  parameter 0; pooling: connect at pooling 0) breaks connect at some level where it held.
  Searching the grid rather than testing the point's own pooling keeps the claim's meaning
  ("each pathway matters somewhere"; the point's own pooling therefore does not matter): at the
  default pooling 0.6 switching off cost sharing leaves connect reliable, so a test at the
  point's own pooling would fail P6 at the defaults; all three pathways break it at 0.25.
  Levels are tried in order and each point stops at its first breaking level, as the full check
  does (which also spares exact re-solves of ties at later levels).
* P7: at the point's commitments, the rivals align (some pure equilibrium of
  ``rival_alignment`` has both aligning; solved exactly, point by point, since that model is
  not the flagship) under connect and under no other policy; connect's threat is the highest;
  and s* with aligned rivals (two-front probability :data:`ALIGNED_TWO_FRONT`) lies above s*
  with independent ones (both bisected as in P5). ``rival_alignment``'s own parameters are
  sampled with the flagship's, named ``rival_alignment.<parameter>``.
* P8 is held: ``alliance_bargaining`` shares no parameter with the flagship and costs a
  subgame-perfect solve per depth and point; its check runs once, at its defaults.
* P9: every scenario preset applied at the point (the preset's values replace the point's for
  the parameters it sets; the others keep the point's): its ally's fear class at the status quo
  is the article's, and connection gives it its lowest combined risk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.alliance.claims import policy_commitments
from alliance_games.alliance.propositions import ALLIES, PATHWAYS, TRADITIONAL
from alliance_games.alliance.side_effect_claims import (
    ALIGNED_TWO_FRONT,
    ARTICLE_TYPOLOGY,
    fear_class,
)
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, RISK_KINDS
from alliance_games.analysis.sweep.batch import PointBatch
from alliance_games.analysis.sweep.engine import exact_value
from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model
from alliance_games.model.scenarios import load_scenario
from alliance_games.solvers import solve

S_STAR_TOL = 1e-4  # the bisection's bracket width, as in claims.pooling_threshold
POOLING_GRID = tuple(float(Fraction(k, 20)) for k in range(21))  # P6's grid, as in propositions.p6


@dataclass
class Points:
    """The points a claim is evaluated at: the flagship solved there (``flagship``) and the
    sampled parameters of the other models the claims read (``auxiliary``: ``model.parameter``
    -> one value per point; absent ones keep that model's defaults)."""

    flagship: PointBatch
    auxiliary: dict[str, np.ndarray] = field(default_factory=dict)
    _models: dict[str, CompiledModel] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.flagship.count

    def model(self, name: str) -> CompiledModel:
        if name not in self._models:
            self._models[name] = compile_model(load_model(name))
        return self._models[name]

    def __enter__(self) -> Points:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flagship.close()

    def auxiliary_value(self, model: str, name: str) -> np.ndarray:
        """``(P,)``: parameter ``name`` of the other model ``model`` at every point."""
        column = self.auxiliary.get(f"{model}.{name}")
        if column is not None:
            return column
        return np.full(self.count, float(self.model(model).resolve({})[name]))


@dataclass(frozen=True)
class PointClaim:
    """A proposition's point form: ``holds(points)`` is one verdict per point (``None``: the
    claim is held, for the reason ``held``). ``tags``: outcome tags it reads; ``auxiliary``:
    other models it solves, each with the parameters it sets from the flagship's (the rest
    are sampled)."""

    id: str
    form: str
    holds: Callable[[Points], np.ndarray] | None
    held: str = ""
    tags: tuple[str, ...] = ()
    auxiliary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# ---- reading a batch ----------------------------------------------------------------------------
def _r(x: np.ndarray) -> np.ndarray:
    return np.round(x, 4)


def _col(result: SweepResult, policy: str) -> int:
    return result.policies.index(policy)


def _risk(result: SweepResult, policy: str, player: str, kind: str) -> np.ndarray:
    return result.risks[:, _col(result, policy), result.players.index(player),
                        RISK_KINDS.index(kind)]


def _reliable(result: SweepResult, policy: str) -> np.ndarray:
    return result.reliable[:, _col(result, policy)]


def _cost(result: SweepResult, policy: str) -> np.ndarray:
    return _r(result.cost[:, _col(result, policy)])


def _any_traditional(result: SweepResult) -> np.ndarray:
    return np.any([_reliable(result, p) for p in TRADITIONAL], axis=0)


def _max_ally(result: SweepResult, policy: str, kind: str) -> np.ndarray:
    return np.max([_r(_risk(result, policy, a, kind)) for a in ALLIES], axis=0)


def s_star(points: Points, **overrides: float) -> tuple[np.ndarray, np.ndarray]:
    """Per point, the bracket of the pooling level where connect starts keeping reliability
    (``nan`` where it does not fail at pooling 0 and hold at 1), as
    :func:`~alliance_games.alliance.claims.pooling_threshold` at every point at once."""
    batch = points.flagship
    lo, hi = batch.threshold("connect", "pooling", 0.0, 1.0, tol=S_STAR_TOL, **overrides)
    starts = ~_reliable(batch.solve(**{**overrides, "pooling": 0.0}), "connect")
    return np.where(starts, lo, np.nan), np.where(starts, hi, np.nan)


# ---- the point forms ----------------------------------------------------------------------------
def p1(points: Points) -> np.ndarray:
    return _any_traditional(points.flagship.solve(rival_count=1))


def p2(points: Points) -> np.ndarray:
    result = points.flagship.solve()

    def dual(player: str) -> np.ndarray:
        return np.all([_risk(result, "status_quo", player, k) > 0 for k in RISK_KINDS], axis=0)

    return dual("leader") & np.any([dual(a) for a in ALLIES], axis=0) & ~_any_traditional(result)


def p3(points: Points) -> np.ndarray:
    result = points.flagship.solve()
    sq, sa = "status_quo", "strengthen_all"
    return ((_max_ally(result, sa, "abandonment") < _max_ally(result, sq, "abandonment"))
            & (_r(_risk(result, sa, "leader", "entrapment"))
               > _r(_risk(result, sq, "leader", "entrapment")))
            & (_max_ally(result, sa, "entrapment") > _max_ally(result, sq, "entrapment"))
            & (_cost(result, sa) > _cost(result, sq)))


PROVOCATION = "provocation:asia"


def p4(points: Points) -> np.ndarray:
    result = points.flagship.solve()
    sq, sel = "status_quo", "strengthen_asia"
    provocation = _r(result.tag(PROVOCATION))
    return ((provocation[:, _col(result, sel)] >= provocation[:, _col(result, sq)])
            & (_r(_risk(result, sel, "leader", "entrapment"))
               > _r(_risk(result, sq, "leader", "entrapment")))
            & (_r(_risk(result, sel, "ally_europe", "abandonment"))
               > _r(_risk(result, sq, "ally_europe", "abandonment"))))


def p5(points: Points) -> np.ndarray:
    result = points.flagship.solve()
    _, hi = s_star(points)
    with np.errstate(invalid="ignore"):
        below = hi <= points.flagship.value("pooling")
    return (_reliable(result, "connect")
            & (_cost(result, "connect") < _cost(result, "strengthen_all")) & below)


def p6(points: Points) -> np.ndarray:
    batch = points.flagship
    result = batch.stacked("pooling", POOLING_GRID)
    held = result.reliable.reshape(len(POOLING_GRID), batch.count, -1)[:, :, _col(result,
                                                                                   "connect")]
    every = np.ones(batch.count, dtype=bool)
    for pathway in PATHWAYS:
        if pathway == "pooling":
            every &= (held & ~_reliable(batch.solve(pooling=0.0), "connect")[None, :]).any(axis=0)
            continue
        found = np.zeros(batch.count, dtype=bool)
        for g, level in enumerate(POOLING_GRID):  # the first level that breaks, as the full check
            rows = np.flatnonzero(held[g] & ~found & every)
            if rows.size:
                off = batch.select(rows).solve(pooling=level, **{pathway: 0.0})
                found[rows] = ~_reliable(off, "connect")
        every &= found
    return every


ALIGNMENT = "rival_alignment"
ALIGNMENT_INPUTS = ("commit_asia", "commit_europe", "connection")


def _aligned(points: Points, k_asia: np.ndarray, k_europe: np.ndarray, conn: float) -> np.ndarray:
    """Whether some pure equilibrium of the alignment game has both rivals aligning, at every
    point (solved exactly; points with the same values share a solve)."""
    compiled = points.model(ALIGNMENT)
    own = [p.name for p in compiled.model.parameters if p.name not in ALIGNMENT_INPUTS]
    columns = [points.auxiliary_value(ALIGNMENT, name) for name in own]
    found: dict[tuple[float, ...], bool] = {}
    out = np.zeros(points.count, dtype=bool)
    for i in range(points.count):
        key = (float(k_asia[i]), float(k_europe[i]), conn, *(float(c[i]) for c in columns))
        if key not in found:
            values = {name: exact_value(v) for name, v in zip((*ALIGNMENT_INPUTS, *own), key,
                                                               strict=True)}
            game = compiled.at(values)
            assert isinstance(game, NormalFormGame)
            index = [game.strategies[j].index("align") for j in range(2)]
            found[key] = any(all(eq.strategies[j][index[j]] == 1 for j in range(2))
                             for eq in solve(game, "pure").equilibria)
        out[i] = found[key]
    return out


def p7(points: Points) -> np.ndarray:
    value = points.flagship.value
    commitments = policy_commitments(value("commit_low"), value("commit_high"),
                                     value("commit_connect"))
    aligned = {p: _aligned(points, *c) for p, c in commitments.items()}
    threat_value = {name: points.auxiliary_value(ALIGNMENT, name)
                    for name in ("threat_base", "threat_commit", "threat_connect")}
    threats = {p: _r(threat_value["threat_base"] + threat_value["threat_commit"] * (k_a + k_e)
                     + threat_value["threat_connect"] * conn)
               for p, (k_a, k_e, conn) in commitments.items()}
    others = [p for p in commitments if p != "connect"]
    only_connect = aligned["connect"] & ~np.any([aligned[p] for p in others], axis=0)
    highest = threats["connect"] > np.max([threats[p] for p in others], axis=0)
    _, before = s_star(points)
    after, _ = s_star(points, two_front_prob=float(ALIGNED_TWO_FRONT))
    with np.errstate(invalid="ignore"):
        rises = after > before  # nan (no threshold) compares False
    return only_connect & highest & rises


def p9(points: Points) -> np.ndarray:
    batch = points.flagship
    every = np.ones(batch.count, dtype=bool)
    for name, expected in ARTICLE_TYPOLOGY.items():
        preset = load_scenario(name)
        overrides = {k: float(Fraction(str(v))) for k, v in preset.parameters.items()}
        result = batch.solve(**overrides)
        ally = f"ally_{preset.region}"
        fear_ab = batch.value("ally_loss_alone", **overrides) * _risk(result, "status_quo", ally,
                                                                       "abandonment")
        fear_en = batch.value("entanglement_cost", **overrides) * _risk(result, "status_quo",
                                                                         ally, "entrapment")
        total = fear_ab + fear_en
        balance = np.where(total > 0, fear_ab / np.where(total > 0, total, 1.0), 0.5)
        classes = np.array([fear_class(float(b)) for b in balance])
        combined = np.array([_r(np.sum([_risk(result, p, ally, k) for k in RISK_KINDS], axis=0))
                             for p in result.policies])
        lowest = combined[_col(result, "connect")] <= combined.min(axis=0)
        every &= (classes == expected) & lowest
    return every


CLAIMS: tuple[PointClaim, ...] = (
    PointClaim("P1", "with one rival at the point, some traditional policy keeps reliability",
               p1),
    PointClaim("P2", "at the point, the leader and an ally face both risks under the status "
               "quo and no traditional policy keeps reliability", p2),
    PointClaim("P3", "at the point, strengthen_all lowers the allies' abandonment and raises "
               "leader and ally entrapment and the leader's cost against the status quo", p3),
    PointClaim("P4", "at the point, strengthen_asia provokes at least as much (probability of "
               f"{PROVOCATION}), raises the leader's entrapment and Europe's abandonment", p4,
               tags=(PROVOCATION,)),
    PointClaim("P5", "at the point, connect keeps reliability at lower leader cost than "
               "strengthen_all, and s* (bisected in pooling) is at or below the point's "
               "pooling", p5),
    PointClaim("P6", "at the point's other parameters, switching off each pathway breaks "
               "connect at some pooling level of the 0.05 grid where it held", p6),
    PointClaim("P7", "at the point's commitments the rivals align under connect only, "
               "connect's threat is the highest, and aligned rivals raise s*", p7,
               auxiliary={ALIGNMENT: ALIGNMENT_INPUTS}),
    PointClaim("P8", "", None, held="alliance_bargaining shares no parameter with the flagship; "
               "its check runs once, at its defaults"),
    PointClaim("P9", "every preset applied at the point (its own values kept) classifies as "
               "the article does, and connect gives its ally the lowest combined risk", p9),
)
"""Every proposition's point form, in the order of ``check_all``."""


def claim(claim_id: str) -> PointClaim:
    return next(c for c in CLAIMS if c.id == claim_id)


def holds_at(points: Points, claims: tuple[PointClaim, ...] = CLAIMS,
             progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Every evaluated claim's verdict at every point (held claims are left out);
    ``progress(1)`` after each claim."""
    found: dict[str, np.ndarray] = {}
    for c in claims:
        if c.holds is None:
            continue
        found[c.id] = np.asarray(c.holds(points), dtype=bool)
        if progress is not None:
            progress(1)
    return found


def claim_tags(claims: tuple[PointClaim, ...] = CLAIMS) -> tuple[str, ...]:
    """The outcome tags the claims read, each once."""
    return tuple(dict.fromkeys(t for c in claims for t in c.tags))


def points_at(compiled: CompiledModel, names: Sequence[str], rows: np.ndarray, *,
              workers: int = 1, claims: Sequence[PointClaim] = CLAIMS) -> Points:
    """The points whose values of ``names`` are the rows of ``rows`` (``model.parameter``
    names set other models' parameters) for the flagship ``compiled``; every other parameter at
    its default."""
    columns = {name: rows[:, a] for a, name in enumerate(names)}
    batch = PointBatch(compiled, {k: v for k, v in columns.items() if "." not in k},
                       tolerances=DEFAULT_TOLERANCES, tags=claim_tags(tuple(claims)),
                       workers=workers)
    return Points(batch, {k: v for k, v in columns.items() if "." in k})


def at_values(compiled: CompiledModel, values: Mapping[str, Any] | None = None) -> Points:
    """One point: the flagship (``compiled``) at ``values`` (exact numbers or their text), the
    rest at the defaults."""
    values = dict(values or {})
    row = np.array([[float(Fraction(str(v))) for v in values.values()]]).reshape(1, len(values))
    return points_at(compiled, list(values), row)
