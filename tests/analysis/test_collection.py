"""The collector paused over a batch of evaluations (robustness runs): off inside the block,
survivors frozen, a collection every ``period`` evaluations, everything restored on leaving."""

from __future__ import annotations

import gc

import pytest

from alliance_games.analysis import collection


def test_paused_collections_turns_automatic_collection_off_and_restores_it() -> None:
    assert gc.isenabled()
    with collection.paused_collections():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # the survivors of the entry collection
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_paused_collections_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collection.paused_collections():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_now_and_then_collects_every_period_inside_the_pause_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or real(*a))
    for _ in range(5):
        collection.now_and_then(period=2)
    assert calls == []  # outside the pause: nothing
    with collection.paused_collections():
        calls.clear()
        for _ in range(5):
            collection.now_and_then(period=2)
        assert len(calls) == 2


def test_cycles_made_inside_the_pause_are_collected_at_the_period() -> None:
    with collection.paused_collections():
        for _ in range(50):
            node: list[object] = []
            node.append(node)  # a cycle: reference counting cannot free it
        del node
        found = gc.get_count()[0]
        assert found >= 50  # nothing collected them yet
        for _ in range(collection.PERIOD):
            collection.now_and_then()
        assert gc.get_count()[0] < found
