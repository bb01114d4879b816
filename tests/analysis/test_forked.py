"""fork_map: the same results as a loop, in order, shared by longest processing time first;
a child's exception comes back; comparisons are the same with one worker or several."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.analysis.forked import can_fork, fork_map, shares
from tests.cli.entry import run


def _square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_results_in_job_order(workers: int) -> None:
    jobs = list(range(11))
    found = fork_map(_square_with_pid, jobs, workers=workers, costs=[(7 * k) % 5 for k in jobs])
    assert [v for v, _ in found] == [k * k for k in jobs]
    pids = {pid for _, pid in found}
    if can_fork():
        assert len(pids) == min(workers, len(jobs))  # this process and workers - 1 children
        assert os.getpid() in pids
    else:
        assert pids == {os.getpid()}


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"job {x} failed")
    return x


def test_a_childs_exception_is_raised_here() -> None:
    with pytest.raises(ValueError, match="job 3 failed"):
        fork_map(_fails_on_three, list(range(6)), workers=2, costs=[0, 0, 0, 10, 0, 0])


class _Unpicklable(Exception):
    def __reduce__(self) -> object:
        raise TypeError("no")


def _raises_unpicklable(x: int) -> int:
    if x == 1:
        raise _Unpicklable("lost")
    return x


@pytest.mark.skipif(not can_fork(), reason="forking is used on Linux only")
def test_an_exception_that_cannot_travel_still_fails() -> None:
    # job 0 is the costliest, so this process takes it and job 1 goes to the child
    assert shares([2, 1], 2) == [[0], [1]]
    with pytest.raises(RuntimeError, match="_Unpicklable: lost"):
        fork_map(_raises_unpicklable, [0, 1], workers=2, costs=[2, 1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=12), st.integers(1, 5))
def test_shares_split_every_job_once_by_lpt(costs: list[float], workers: int) -> None:
    split = shares(costs, workers)
    assert sorted(k for share in split for k in share) == list(range(len(costs)))
    assert all(share == sorted(share) and share for share in split)
    assert len(split) <= workers
    loads = [sum(costs[k] for k in share) for share in split]
    # LPT: no share exceeds the lightest by more than its own smallest job (Graham's bound step)
    for share, load in zip(split, loads, strict=True):
        assert load - min(loads) <= min(costs[k] for k in share) + 1e-9


@pytest.mark.parametrize("model", ["alliance_system", "branch_commitment"])
def test_compare_is_the_same_with_one_worker_or_two(model: str) -> None:
    one = run("compare", model, "--workers", "1", "--format", "json")
    two = run("compare", model, "--workers", "2", "--format", "json")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert json.loads(one[1])["policies"]
