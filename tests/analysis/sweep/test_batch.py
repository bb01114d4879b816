"""A model's policies at a fixed list of points under variants (PointBatch), and extra tags."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.analysis.sweep.batch import PointBatch
from alliance_games.analysis.sweep.engine import SweepPlan
from alliance_games.analysis.sweep.threshold import policy_reliable
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import CompiledModel, compile_model

TAG = "provocation:asia"


@pytest.fixture(scope="module")
def compiled() -> CompiledModel:
    return compile_model(load_model("alliance_system_reduced"))


@pytest.fixture(scope="module")
def batch(compiled: CompiledModel) -> PointBatch:
    columns = {"two_front_prob": np.array([0.5, 0.9, 0.3]), "war_cost": np.array([1.0, 1.2, 0.8])}
    return PointBatch(compiled, columns, tolerances=DEFAULT_TOLERANCES, tags=(TAG,))


def test_a_variant_is_the_points_with_the_override(batch: PointBatch,
                                                   compiled: CompiledModel) -> None:
    moved = batch.solve(pooling=0.2)
    plan = SweepPlan(compiled.model, [("two_front_prob", np.array([0.9])),
                                      ("war_cost", np.array([1.2])),
                                      ("pooling", np.array([0.2]))], {}, DEFAULT_TOLERANCES,
                     compiled=compiled, sample={"n": 1})
    alone = plan.solve(0, 1)
    np.testing.assert_array_equal(moved.reliable[1], alone.reliable[0])
    np.testing.assert_allclose(moved.risks[1], alone.risks[0])
    assert batch.solve(pooling=0.2) is moved  # cached
    np.testing.assert_array_equal(batch.value("pooling", pooling=0.2), [0.2] * 3)
    np.testing.assert_array_equal(batch.value("war_cost"), [1.0, 1.2, 0.8])
    assert batch.value("rival_count")[0] == 2


def test_stacked_rows_are_value_major(batch: PointBatch) -> None:
    levels = (0.0, 0.6)
    stacked = batch.stacked("pooling", levels)
    assert stacked.count == 2 * batch.count
    for g, level in enumerate(levels):
        one = batch.solve(pooling=level)
        np.testing.assert_array_equal(stacked.reliable[g * batch.count:(g + 1) * batch.count],
                                      one.reliable)


def test_threshold_brackets_each_points_switch(batch: PointBatch,
                                               compiled: CompiledModel) -> None:
    lo, hi = batch.threshold("connect", "pooling", 0.0, 1.0, tol=1e-3)
    for i in range(batch.count):
        values = {name: float(batch.columns[name][i]) for name in ("two_front_prob", "war_cost")}
        at_lo = policy_reliable(compiled, "connect", {**values, "pooling": 0})
        at_hi = policy_reliable(compiled, "connect", {**values, "pooling": 1})
        assert np.isnan(lo[i]) == (at_lo == at_hi), i
        if not np.isnan(lo[i]):
            assert 0 < hi[i] - lo[i] <= 1e-3
            assert policy_reliable(compiled, "connect", {**values, "pooling": float(lo[i])}) == at_lo
            assert policy_reliable(compiled, "connect", {**values, "pooling": float(hi[i])}) == at_hi
    assert not np.isnan(lo).all()
    # no switch between two levels where the verdict is the same: nan
    same_lo, _ = batch.threshold("connect", "pooling", 0.7, 1.0)
    assert np.isnan(same_lo).all()


def test_select_keeps_the_chosen_points(batch: PointBatch) -> None:
    part = batch.select(np.array([2, 0]))
    np.testing.assert_array_equal(part.solve().reliable, batch.solve().reliable[[2, 0]])


def test_extra_tags_match_between_the_array_pass_and_the_exact_re_solve(
        compiled: CompiledModel) -> None:
    plan = SweepPlan(compiled.model, [("pooling", np.array([0.6, 0.3]))], {}, DEFAULT_TOLERANCES,
                     compiled=compiled, sample={"n": 2}, tags=(TAG,))
    chunk = plan.solve(0, 2)
    assert chunk.tag_probabilities.shape == (2, len(plan.policies), 1)
    exact = np.zeros((len(plan.policies), 1))
    plan._exact_point(np.array([0.6]), ["pooling"], chunk.risks[0].copy(), chunk.cost[0].copy(),
                      chunk.reliable[0].copy(), chunk.verdicts[0].copy(), chunk.choice.copy(),
                      0, exact)
    np.testing.assert_allclose(exact, chunk.tag_probabilities[0])
    assert plan.result([chunk]).tag(TAG).shape == (2, len(plan.policies))


def test_a_pool_of_workers_gives_the_same_results(compiled: CompiledModel) -> None:
    columns = {"pooling": np.linspace(0.1, 0.9, 9)}
    with PointBatch(compiled, columns, tolerances=DEFAULT_TOLERANCES, workers=2) as pooled:
        found = pooled.solve(rival_count=1)
        part = pooled.select(np.array([0, 8])).solve()
    local = PointBatch(compiled, columns, tolerances=DEFAULT_TOLERANCES)
    np.testing.assert_array_equal(found.reliable, local.solve(rival_count=1).reliable)
    np.testing.assert_allclose(found.risks, local.solve(rival_count=1).risks)
    np.testing.assert_array_equal(part.reliable, local.solve().reliable[[0, 8]])
