"""Consistency at ties: ``solve --symbolic``, ``solve`` and ``compare`` read the same equilibria.

Every region of a one-parameter symbolic solution, the breakpoints (where some mover is
indifferent) included, is checked at its exact point against the numeric solver (the same set of
pure subgame-perfect profiles) and against ``compare`` (the same robust / fragile / fails verdict
per policy over those equilibria).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alliance_games.analysis.runs import compare_model, instantiate
from alliance_games.analysis.symbolic import solve_symbolic
from alliance_games.games.tree import GameTree
from alliance_games.solvers import solve
from tests.cli.entry import run as cli

DATA = Path(__file__).resolve().parents[2] / "data"
TIE_MENU = str(DATA / "symbolic" / "tie_menu.yaml")
TIED = str(DATA / "valid" / "tied_policies.yaml")

CASES = [
    ("branch_commitment", "tie_cost", {}),
    (TIE_MENU, "tie_cost", {}),
    (TIE_MENU, "war_cost", {}),
    (TIED, "c", {"a": "1/2", "b": "-1/2"}),  # d = 0: the abandoned ally is indifferent for every c
    (TIED, "a", {"b": "1/2", "c": "1", "d": "-1"}),
]


def _numeric(source: str, values: dict[str, Any]) -> list[dict[str, str]]:
    tree = instantiate(source, values).game
    assert isinstance(tree, GameTree)
    result = solve(tree, "spe")
    assert result.complete
    out = []
    for eq in result.equilibria:
        choice = {}
        for k, infoset in enumerate(tree.infosets):
            dist = np.asarray(eq.strategies[k], dtype=object)
            (best,) = [a for a, p in zip(infoset.actions, dist, strict=True) if p != 0]
            assert dist[infoset.actions.index(best)] == 1
            choice[infoset.name] = best
        out.append(choice)
    return out


def _key(choices: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(choices.items()))


@pytest.mark.parametrize(("source", "free", "fixed"), CASES,
                         ids=[f"{Path(c[0]).stem}-{c[1]}" for c in CASES])
def test_every_region_agrees_with_solve_and_compare(source: str, free: str,
                                                    fixed: dict[str, str]) -> None:
    run = solve_symbolic(source, fixed, free=[free])
    regions = run.solution.regions
    ties = [r for r in regions if r.tie]
    assert ties, "the sweep must meet at least one exact tie"
    for region, verdicts in zip(regions, run.policy_verdicts, strict=True):
        assert region.witness is not None
        value = Fraction(str(region.witness[free]))
        values = {**fixed, free: value}
        symbolic = sorted(_key(eq.choices) for eq in region.equilibria)
        numeric = sorted(_key(c) for c in _numeric(source, values))
        if "every distinct outcome" in region.note:  # too many profiles: fewer listed
            assert set(symbolic) < set(numeric), f"{free}={value}"
        else:
            assert symbolic == numeric, f"{free}={value}"
        comparison = compare_model(source, values).comparison
        assert all(p.complete for p in comparison.policies)
        assert verdicts == {p.policy: p.verdict for p in comparison.policies}, f"{free}={value}"


def test_a_tie_keeps_both_neighbours_and_adds_what_only_the_tie_allows() -> None:
    """At tie_cost = 2/5 the patron is indifferent in both crises under firm: the rival's and
    the client's answers to each combination of its choices give 5 equilibria of the firm
    subgame, of which the neighbouring intervals show one each; compare finds it fragile."""
    run = solve_symbolic(TIE_MENU, free=["tie_cost"])
    regions = run.solution.regions
    k = next(i for i, r in enumerate(regions) if r.tie and r.witness == {"tie_cost": Fraction(2, 5)})
    tie = {_key(e.choices) for e in regions[k].equilibria}
    for side in (regions[k - 1], regions[k + 1]):
        assert {_key(e.choices) for e in side.equilibria} < tie
    firm = {tuple(sorted((k, v) for k, v in e.choices.items() if "firm" in k))
            for e in regions[k].equilibria}
    assert len(firm) == 5
    assert run.policy_verdicts[k]["firm"] == "fragile"
    assert {v["firm"] for v in run.verdicts[k]} == {"reliable", "unreliable"}


def test_the_three_commands_agree_at_a_tie() -> None:
    point = "tie_cost=1/4"
    code, out, _ = cli("solve", "branch_commitment", "--set", point, "--format", "json")
    assert code == 0
    count = json.loads(out)["count"]
    code, out, _ = cli("compare", "branch_commitment", "--set", point, "--format", "json")
    assert code == 0
    verdicts = {p["policy"]: p["verdict"] for p in json.loads(out)["policies"]}
    code, out, _ = cli("solve", "branch_commitment", "--symbolic", "--free", "tie_cost",
                       "--format", "json")
    assert code == 0
    (region,) = [r for r in json.loads(out)["regions"]
                 if r["interval"]["point"] and r["interval"]["lo"] == "1/4"]
    assert len(region["equilibria"]) == count == 4
    assert region["policy_verdicts"] == verdicts == {"loose": "fails", "firm": "fragile"}
    code, out, _ = cli("solve", "branch_commitment", "--symbolic", "--free", "tie_cost")
    assert code == 0 and "over the 4" in out
