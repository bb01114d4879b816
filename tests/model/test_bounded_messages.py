"""Error messages never build the whole representation of a user's value (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_games.errors import SHOWN_CHARS, ModelError, shown
from alliance_games.model.catalog import load_model


def alias_bomb(depth: int) -> str:
    """``players: [[...]]`` whose first item expands to 9**depth strings through YAML aliases."""
    items = ['&a0 ["xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx", '
             '"xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxxxxxxx"]']
    items += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth + 1)]
    return "title: bomb\nplayers: [[" + ", ".join(items) + "]]\ntree: {payoffs: [0]}\n"


def test_an_alias_bomb_is_refused_with_a_short_message(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(8))  # 387 million strings if expanded: gigabytes
    with pytest.raises(ModelError, match=r"players\[0\]: player .* is not a valid name") as info:
        load_model(str(path))
    assert len(str(info.value)) < 2 * SHOWN_CHARS + 200
    assert "(9 items)" in str(info.value)


def test_shown_keeps_short_values_as_repr_and_cuts_long_ones() -> None:
    assert shown("abc") == "'abc'"
    assert shown([1, 2]) == "[1, 2]"
    long = shown("x" * 5000)
    assert long.endswith("(5,000 characters)") and len(long) < SHOWN_CHARS + 40
