"""The sweep engine: merged subtrees, agreement with exact solves, resuming, dask clusters."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.analysis.policies import compare_policies, cost_measure
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES, RISK_KINDS, risk_tags
from alliance_games.analysis.sweep.engine import SweepPlan, sweep
from alliance_games.analysis.sweep.result import COLUMNS as CHUNK_COLUMNS
from alliance_games.analysis.sweep.result import SweepChunk, SweepResult
from alliance_games.analysis.sweep.runner import journal_path, run_sweep
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from alliance_games.solvers.tree.merged_tree import merge_tree
from tests.paths import DATA as TEST_DATA

DATA = TEST_DATA / "valid"
COLUMNS = (*CHUNK_COLUMNS, "values")


@pytest.fixture(scope="module")
def flagship():  # type: ignore[no-untyped-def]
    return compile_model(load_model("alliance_system_reduced"))


def assert_same(a: SweepResult, b: SweepResult) -> None:
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(np.nan_to_num(x, nan=-7.0), np.nan_to_num(y, nan=-7.0))
        else:
            assert (x == y).all(), name


def assert_matches_exact(result: SweepResult, compiled, fixed=None) -> None:  # type: ignore[no-untyped-def]
    """Every point's records equal an exact solve with every subgame-perfect equilibrium."""
    base = compiled.resolve(fixed or {})
    for point in result.points:
        values = {**base, **{k: Fraction(repr(v)) for k, v in point.values.items()}}
        exact = compare_policies(compiled.model, compiled.at(values), DEFAULT_TOLERANCES)
        assert point.chosen in exact.chosen
        for swept, solved in zip(point.policies, exact.policies, strict=True):
            assert swept.policy == solved.policy
            assert swept.reliable == solved.reliable and swept.verdict == solved.verdict
            for player, risks in solved.risks.items():
                for kind in RISK_KINDS:
                    assert swept.risks[player][kind] == pytest.approx(float(risks[kind]),
                                                                      abs=1e-9)
            cost = solved.measure("leader_cost")
            if cost is None:
                assert swept.cost is None
            else:
                assert swept.cost == pytest.approx(float(cost), abs=1e-9)


def test_identical_subtrees_are_merged(flagship) -> None:  # type: ignore[no-untyped-def]
    players = flagship.model.players
    merged = merge_tree(flagship, flagship.model.policies, cost="leader_cost",
                        tags=risk_tags(players))
    assert merged is not None and merged.cost_ids is not None
    assert merged.tags[:2] == ("abandonment:leader", "entrapment:leader")
    assert merged.source_nodes == 23466 and merged.size * 50 < merged.source_nodes
    # every policy's subtree has its own root; the tree's root is the leader's policy choice
    assert len(set(merged.policy_roots.tolist())) == 5 and merged.root == merged.size - 1


@pytest.mark.parametrize("fixed", [{}, {"rival_count": 1}, {"restraint": 0, "binding": 0.9}])
def test_merged_sweep_equals_exact_solves_at_random_points(flagship, fixed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(len(fixed))
    axes = [("pooling", np.round(rng.uniform(0, 1, 3), 3)),
            ("cost_sharing", np.round(rng.uniform(0, 1, 2), 3))]
    result = sweep(flagship, axes, fixed, tolerances=DEFAULT_TOLERANCES)
    assert not result.exact_fallback.any()
    assert_matches_exact(result, flagship, fixed)


def test_branch_commitment_sweep_equals_exact_solves() -> None:
    compiled = compile_model(load_model("branch_commitment"))
    axes = [("war_cost", np.array([0.2, 0.9, 1.7, 3.1])), ("tie_cost", np.array([0.1, 0.6, 1.3]))]
    result = sweep(compiled, axes, tolerances=DEFAULT_TOLERANCES)
    assert_matches_exact(result, compiled)


def test_imperfect_information_points_are_solved_exactly() -> None:
    compiled = compile_model(load_model(str(DATA / "policy_with_infoset.yaml")))
    assert merge_tree(compiled, compiled.model.policies) is None
    result = sweep(compiled, [("p", np.array([0.2, 1 / 3, 0.8]))], tolerances=DEFAULT_TOLERANCES)
    assert result.exact_fallback.all()
    assert "fragile" in set(result.verdicts.ravel())  # several equilibria, verdicts differ
    assert_matches_exact(result, compiled)


def test_exact_ties_are_solved_with_every_equilibrium_outcome() -> None:
    """Integer payoffs tie everywhere: every point must equal the enumeration of all SPE."""
    compiled = compile_model(load_model(str(DATA / "tied_policies.yaml")))
    axes = [("a", np.array([-1.0, 0.0, 1.0])), ("b", np.array([-1.0, 0.0, 1.0])),
            ("c", np.array([0.0, 1.0, 2.0])), ("d", np.array([0.0, 1.0]))]
    result = sweep(compiled, axes, tolerances=DEFAULT_TOLERANCES)
    assert result.exact_fallback.sum() > 20
    assert {"robust", "fragile", "fails"} <= set(result.verdicts.ravel())
    assert_matches_exact(result, compiled)


def test_a_tie_repeated_in_every_copy_of_the_flagship_is_cheap(flagship) -> None:  # type: ignore[no-untyped-def]
    # at pooling = 0.4 and two_front_prob = 1 a mover in Europe's game is exactly indifferent,
    # in every one of its copies; enumerating equilibria takes minutes and gigabytes there
    start = time.process_time()
    result = sweep(flagship, [("pooling", np.array([0.3, 0.4])),
                              ("two_front_prob", np.array([1.0]))],
                   tolerances=DEFAULT_TOLERANCES)
    assert time.process_time() - start < 60
    assert result.exact_fallback.tolist() == [False, True]
    # connect has both reliable and unreliable subgame-perfect outcomes at the tie
    assert result.verdicts[1].tolist() == ["fails"] * 4 + ["fragile"]


def test_chunks_tile_the_grid_whatever_their_size(flagship) -> None:  # type: ignore[no-untyped-def]
    axes = [("pooling", np.linspace(0.05, 0.95, 7)), ("two_front_prob", np.linspace(0.1, 0.9, 5))]
    whole = sweep(flagship, axes, tolerances=DEFAULT_TOLERANCES)
    for chunk in (1, 4, 13):
        assert_same(sweep(flagship, axes, tolerances=DEFAULT_TOLERANCES, chunk=chunk), whole)


def test_interrupted_sweep_resumes_to_the_same_result(flagship, tmp_path) -> None:  # type: ignore[no-untyped-def]
    axes = [("pooling", np.linspace(0, 1, 9)), ("two_front_prob", np.linspace(0.05, 0.95, 6))]
    plan = SweepPlan(flagship.model, axes, {}, DEFAULT_TOLERANCES, compiled=flagship, chunk=5)
    whole = run_sweep(plan)
    journal = tmp_path / "grid.json.partial"
    seen = []

    def interrupt(n: int) -> None:
        seen.append(n)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, journal=journal, progress=interrupt)
    lines = journal.read_text().splitlines()
    assert len(lines) == 1 + 3  # header and the three chunks finished before the interruption
    with journal.open("a") as handle:  # a torn line, as if killed in the middle of a write
        handle.write('{"start": 15, "stop": 20, "risks": [[[0.1')
    resumed_progress: list[int] = []
    resumed = run_sweep(plan, journal=journal, resume=True, progress=resumed_progress.append)
    assert resumed_progress[0] == 15  # the saved points are counted first
    assert sum(resumed_progress) == plan.count
    assert_same(resumed, whole)
    assert not journal.exists()


def call(capsys, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Run the command line in this process, as the console script does."""
    from alliance_games.cli import main

    with pytest.raises(SystemExit) as stop:
        main(list(args))
        raise SystemExit(0)
    return int(stop.value.code or 0), capsys.readouterr().err


def test_resume_refuses_a_different_sweep_and_fresh_runs_keep_the_journal(
        flagship, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "grid.json"
    partial = journal_path(out)
    axes = [("pooling", np.linspace(0, 1, 4))]
    plan = SweepPlan(flagship.model, axes, {}, DEFAULT_TOLERANCES, compiled=flagship, chunk=2)

    def stop(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, journal=partial, progress=stop)
    base = ["sweep", "alliance_system_reduced", "--param", "pooling=0:1:4", "--format", "json",
            "-o", str(out)]
    code, err = call(capsys, *base)
    assert code == 2 and "--resume" in err and partial.exists()
    code, err = call(capsys, *base, "--set", "restraint=0.5", "--resume")
    assert code == 2 and "different sweep" in err
    code, err = call(capsys, *base, "--resume")
    assert code == 0, err
    assert json.loads(out.read_text())["points"][3]["values"] == {"pooling": 1.0}
    assert not partial.exists()
    code, err = call(capsys, "sweep", "alliance_system_reduced", "--param", "pooling=0:1:4", "--resume")
    assert code == 2 and "-o FILE" in err


def test_killed_cli_sweep_resumes_to_the_uninterrupted_output(tmp_path) -> None:
    """SIGKILL in the middle of a sweep, then --resume: the same file as a run never killed."""
    args = [sys.executable, "-m", "alliance_games", "sweep", "alliance_system_reduced",
            "--param", "pooling=0:1:12", "--param", "two_front_prob=0.01,0.3",
            "--set", "binding=0.4", "--format", "csv", "--chunk-size", "1"]
    reference = tmp_path / "reference.csv"
    subprocess.run([*args, "-o", str(reference)], check=True, capture_output=True, timeout=300)
    target = tmp_path / "killed.csv"
    partial = journal_path(target)
    proc = subprocess.Popen([*args, "-o", str(target)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if partial.exists() and len(partial.read_text().splitlines()) >= 4:
            break
        time.sleep(0.02)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert partial.exists() and not target.exists(), "the run was not interrupted mid-way"
    done = subprocess.run([*args, "-o", str(target), "--resume"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert target.read_text() == reference.read_text()
    assert not partial.exists()


@pytest.mark.slow
def test_dask_local_cluster_equals_single_process(flagship) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    axes = [("pooling", np.linspace(0, 1, 6)), ("two_front_prob", np.array([0.2, 0.4, 1.0]))]
    plan = SweepPlan(flagship.model, axes, {"restraint": 0.35}, DEFAULT_TOLERANCES,
                     compiled=flagship, chunk=4)
    local = run_sweep(plan)
    assert local.exact_fallback.any()  # pooling = 0.4 at two_front_prob = 1 is a tie
    assert_same(run_sweep(plan, workers=2), local)  # a LocalCluster of two processes
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        assert_same(run_sweep(plan, scheduler=cluster.scheduler_address), local)


def _outcome_set(assessment) -> set:  # type: ignore[no-untyped-def]
    return {(tuple(sorted((p, tuple(sorted(r.items()))) for p, r in prof.risks.items())),
             tuple(sorted(prof.payoffs.items())), tuple(sorted(prof.measures.items())),
             tuple(sorted((t, v) for t, v in prof.tag_probabilities.items() if v != 0)))
            for prof in assessment.profiles}


def test_compare_by_outcomes_equals_enumerating_every_equilibrium() -> None:
    """The merged-outcome path gives the same distinct outcomes as enumerating all SPE."""
    compiled = compile_model(load_model(str(DATA / "tied_policies.yaml")))
    model = compiled.model
    for a, b, c, d in [(0, 0, 0, 0), (1, 0, 1, 0), (-1, 1, 0, 1), (0, -1, 2, 0), (1, 1, 1, 1)]:
        tree = compiled.at({"a": a, "b": b, "c": c, "d": d})
        enumerated = compare_policies(model, tree, DEFAULT_TOLERANCES, outcomes=False)
        merged = compare_policies(model, tree, DEFAULT_TOLERANCES, outcomes=True)
        assert set(merged.chosen) == set(enumerated.chosen)
        for x, y in zip(merged.policies, enumerated.policies, strict=True):
            assert x.policy == y.policy and x.verdict == y.verdict and x.complete
            assert _outcome_set(x) == _outcome_set(y)
            assert x.risks == y.risks and x.measure("leader_cost") == y.measure("leader_cost")


def test_compare_at_a_tie_repeated_in_every_copy_is_fast(flagship) -> None:  # type: ignore[no-untyped-def]
    start = time.process_time()
    tree = flagship.at({"pooling": Fraction(2, 5), "two_front_prob": 1})
    found = compare_policies(flagship.model, tree, DEFAULT_TOLERANCES)
    assert time.process_time() - start < 60  # enumerating equilibria took four minutes
    assert [p.verdict for p in found.policies] == ["fails"] * 4 + ["fragile"]
    assert found.chosen


def test_the_policy_cost_is_the_root_players_cost_measure(flagship) -> None:  # type: ignore[no-untyped-def]
    tree = flagship.at({})
    assert cost_measure(tree) == "leader_cost"  # the root player is the leader
    assert cost_measure(tree, {"other_cost"}) is None
    assert cost_measure(tree.subtree(int(tree.children(0)[0]))) is None  # its root is no decision
    plan = SweepPlan(flagship.model, [("pooling", np.array([0.5]))], {}, DEFAULT_TOLERANCES,
                     compiled=flagship)
    assert plan.cost == "leader_cost"


def test_chunk_columns_are_the_results_and_round_trip_through_json() -> None:
    result_fields = [f.name for f in fields(SweepResult)]
    assert [f for f in result_fields if f in CHUNK_COLUMNS] == list(CHUNK_COLUMNS)
    chunk = SweepChunk(3, 5, np.arange(16.0).reshape(2, 2, 2, 2), np.array([[np.nan, 0.5]] * 2),
                       np.array([[True, False]] * 2), np.array([["robust", "fails"]] * 2, dtype=object),
                       np.array([1, -1]), np.array([False, True]))
    doc = json.loads(json.dumps(chunk.to_json()))
    assert doc["cost"] == [[None, 0.5], [None, 0.5]]
    back = SweepChunk.from_json(doc)
    assert (back.start, back.stop) == (3, 5)
    for name in CHUNK_COLUMNS:
        x, y = getattr(chunk, name), getattr(back, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y)
        else:
            assert (x == y).all(), name
    empty = SweepChunk.empty(policies=3, players=2)
    assert empty.risks.shape == (0, 3, 2, 2) and empty.choice.dtype == np.int64
