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


@pytest.mark.parametrize(("players", "strategies"), [(3, 300), (40, 3), (70, 2)])
def test_a_normal_form_too_big_is_refused_before_allocation(tmp_path: Path, players: int,
                                                            strategies: int) -> None:
    """A 1 KB file naming 27 million (or 2^70) profiles: refused at once, not after gigabytes."""
    rows = "\n".join(f"    p{i}: [{', '.join(f's{j}' for j in range(strategies))}]"
                     for i in range(players))
    path = tmp_path / "big.yaml"
    path.write_text(f"title: big\nplayers: [{', '.join(f'p{i}' for i in range(players))}]\n"
                    f"normal_form:\n  strategies:\n{rows}\n  payoffs: []\n")
    with pytest.raises(ModelError, match=r"normal_form\.strategies: .* strategy profiles, more "
                       r"than the limit of 2,000,000 .*--max-profiles"):
        load_model(str(path))


POWERS = """title: pow
players: [a, b]
parameters:
  - {name: p, default: 1152921504606846976}
  - {name: q, default: 2}
normal_form:
  strategies: {a: [x, y], b: [u, v]}
  matrix:
    - ["2**p, 1", "0, 0"]
    - ["0, 0", "p**q, 1"]
"""


def test_exponents_from_parameters_are_bounded(tmp_path: Path) -> None:
    """2**p at p = 2**60, and p**q at q = 10**12, are refused before the power is computed;
    floats say the value overflows instead of running out of memory."""
    from alliance_games.errors import GameError, ParameterError
    from alliance_games.model.compile import compile_model

    path = tmp_path / "pow.yaml"
    path.write_text(POWERS)
    compiled = compile_model(load_model(str(path)))
    with pytest.raises(ParameterError, match="exponent takes the value 1152921504606846976"):
        compiled.at({})
    with pytest.raises(ParameterError, match="exponent takes the value 1000000000000"):
        compiled.at({"p": 2, "q": 10**12})
    with pytest.raises(GameError, match=r"2\*\*p has no finite value"):
        compiled.at({}, exact=False)
    game = compiled.at({"p": 2, "q": 3})
    assert game.payoffs[0][0, 0] == 4 and game.payoffs[0][1, 1] == 8
