"""Gambit files of the shapes that failed among Gambit's own example games (issue 14): imperfect
recall is refused with the reason and what can still be computed, that route gives zero-regret
equilibria, and no profile with positive regret is ever reported as an equilibrium."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from alliance_games.errors import SolverError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import max_regret
from alliance_games.model.gambit_format import read_gambit
from alliance_games.solvers import registry
from alliance_games.solvers.result import Equilibrium, SolverResult
from tests.cli.entry import run
from tests.paths import DATA

GAMBIT = DATA / "gambit"
IMPERFECT_RECALL = ["absent_minded.efg", "forgetful.efg"]


def _read(name: str):  # type: ignore[no-untyped-def]
    path = GAMBIT / name
    return read_gambit(path.read_text(), str(path))


@pytest.mark.parametrize("name", IMPERFECT_RECALL)
def test_imperfect_recall_is_detected_and_refused_with_what_can_be_computed(name: str) -> None:
    tree = _read(name)
    assert not tree.perfect_recall and tree.check_perfect_recall()
    code, out, err = run("solve", str(GAMBIT / name), "--format", "json")
    assert code == 2 and "internal error" not in err
    assert "imperfect recall" in err and "enummixed" in err and "enumpoly" in err
    with pytest.raises(SolverError, match="imperfect recall"):
        registry.solve(tree, "spe")


@pytest.mark.parametrize("method", ["enummixed", "enumpoly", "pure"])
@pytest.mark.parametrize("name", IMPERFECT_RECALL)
def test_imperfect_recall_mixed_equilibria_of_the_normal_form_have_zero_regret(
        name: str, method: str) -> None:
    result = registry.solve(_read(name), method)
    assert isinstance(result.game, NormalFormGame)  # mixed strategies, not behaviour ones
    assert any("imperfect recall" in w for w in result.warnings)
    assert result.equilibria or method == "pure"  # forgetful.efg has no pure equilibrium
    for eq in result.equilibria:
        assert max_regret(result.game, eq.strategies) == 0


def test_forgetful_player_normal_form_equilibria() -> None:
    """Hand check: B mixes l 1/4, r 3/4 in every equilibrium; A's plans name both sets."""
    result = registry.solve(_read("forgetful.efg"), "enummixed")
    assert result.game.strategies[0] == ("L|x", "L|y", "R|x", "R|y")
    assert all(list(eq.strategies[1]) == [Fraction(1, 4), Fraction(3, 4)]
               for eq in result.equilibria)


def _pennies() -> NormalFormGame:
    a = np.array([[1, -1], [-1, 1]], dtype=object)
    return NormalFormGame(("Row", "Col"), (("H", "T"), ("H", "T")), np.stack([a, -a]))


@pytest.mark.parametrize("exact", [True, False])
def test_registry_drops_profiles_with_positive_regret(monkeypatch: pytest.MonkeyPatch,
                                                      exact: bool) -> None:
    """A broken solver's (H, H) in matching pennies (regret 2) never reaches the user."""
    game = _pennies() if exact else _pennies().to_float()
    one = Fraction(1) if exact else 1.0
    zero = Fraction(0) if exact else 0.0
    half = Fraction(1, 2) if exact else 0.5
    pure = (np.array([one, zero], dtype=object), np.array([one, zero], dtype=object))
    mixed = (np.array([half, half], dtype=object), np.array([half, half], dtype=object))

    def broken(row, game, max_equilibria):  # type: ignore[no-untyped-def]
        eqs = tuple(Equilibrium(s, game.expected_payoffs(s), zero, exact) for s in (pure, mixed))
        return SolverResult(row.name, game, eqs, exact, True)

    monkeypatch.setattr(registry, "_run", broken)
    result = registry.solve(game, "enummixed")
    assert len(result.equilibria) == 1 and not result.complete
    assert list(result.equilibria[0].strategies[0]) == [half, half]
    assert any("1 profile(s)" in w and "positive regret" in w for w in result.warnings)
