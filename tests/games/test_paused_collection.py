"""The collector is paused inside the block and restored as it was on entry."""

from __future__ import annotations

import gc

import pytest

from alliance_games.games.paused_collection import paused_collection


def test_the_collector_is_paused_and_enabled_again() -> None:
    assert gc.isenabled()
    with paused_collection():
        assert not gc.isenabled()
        with paused_collection():  # nested blocks leave it paused
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_enables_it() -> None:
    with pytest.raises(ValueError), paused_collection():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with paused_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
