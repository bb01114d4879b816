"""Every classic model's textbook equilibria, through the same path the CLI uses."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from alliance_games.analysis.runs import instantiate, solve_instance

PURE, MIXED = "pure", "mixed"


def _profiles(model: str, method: str, **values: str) -> list[dict[str, dict[str, F]]]:
    instance = instantiate(model, values)
    result, records = solve_instance(instance, method)
    assert result.exact
    for record in records:
        assert record.max_regret == 0
    return [{p: {k: v for k, v in d.items() if v != 0} for p, d in r.profile.items()}
            for r in records]


def pure(*labels: str) -> dict[str, dict[str, F]]:
    return {f"player{i + 1}": {label: F(1)} for i, label in enumerate(labels)}


@pytest.mark.parametrize(
    ("model", "method", "expected"),
    [
        ("prisoners_dilemma", PURE, [pure("Defect", "Defect")]),
        ("prisoners_dilemma", MIXED, [pure("Defect", "Defect")]),
        ("battle_of_the_sexes", MIXED, [
            pure("Bach", "Bach"), pure("Stravinsky", "Stravinsky"),
            {"player1": {"Bach": F(2, 3), "Stravinsky": F(1, 3)},
             "player2": {"Bach": F(1, 3), "Stravinsky": F(2, 3)}}]),
        ("chicken", MIXED, [
            pure("Swerve", "Straight"), pure("Straight", "Swerve"),
            {"player1": {"Swerve": F(9, 10), "Straight": F(1, 10)},
             "player2": {"Swerve": F(9, 10), "Straight": F(1, 10)}}]),
        ("stag_hunt", MIXED, [
            pure("Stag", "Stag"), pure("Hare", "Hare"),
            {"player1": {"Stag": F(1, 2), "Hare": F(1, 2)},
             "player2": {"Stag": F(1, 2), "Hare": F(1, 2)}}]),
        ("matching_pennies", PURE, []),
        ("matching_pennies", MIXED, [
            {"player1": {"Heads": F(1, 2), "Tails": F(1, 2)},
             "player2": {"Heads": F(1, 2), "Tails": F(1, 2)}}]),
        ("three_player_coordination", PURE, [
            {"leader": {"L1": F(1)}, "ally": {"A2": F(1)}, "rival": {"R2": F(1)}}]),
    ],
)
def test_textbook_equilibria(model: str, method: str, expected: list) -> None:
    found = _profiles(model, method)
    assert len(found) == len(expected)
    for profile in expected:
        assert profile in found


def test_entry_deterrence_spe_and_threat() -> None:
    [spe] = _profiles("entry_deterrence", "spe")
    assert spe == {"entrant": {"entrant@root:In": 1},
                   "incumbent": {"incumbent@In:Accommodate": 1}}
    threats = _profiles("entry_deterrence", "pure")
    assert {"entrant": {"entrant@root:Out": 1}, "incumbent": {"incumbent@In:Fight": 1}} in threats


def test_deterrence_with_uncertain_resolve_matches_gambit() -> None:
    """Gambit's lcp on the same game: Defend 1/2; resolute Challenge; irresolute Challenge 1/4."""
    [spe] = _profiles("deterrence_uncertain_resolve", "spe")
    leader = spe["leader"]
    assert leader == {"leader_challenged:Defend": F(1, 2), "leader_challenged:Abandon": F(1, 2)}
    rival = spe["rival"]
    assert rival["rival@Resolute:Challenge"] == 1
    assert rival["rival@Irresolute:Challenge"] == F(1, 4)
    assert _profiles("deterrence_uncertain_resolve", "pure") == []


def test_chicken_mixed_equilibrium_moves_with_the_crash_cost() -> None:
    instance = instantiate("chicken", {"crash": "4"})
    _, records = solve_instance(instance, "mixed")
    mixed = [r for r in records if r.profile["player1"]["Swerve"] not in (0, 1)]
    assert mixed[0].profile["player1"]["Swerve"] == F(3, 4)
