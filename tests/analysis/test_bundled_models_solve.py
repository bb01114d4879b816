"""Every bundled model validates, solves with the default method, and cites its source."""

from __future__ import annotations

import pytest

from alliance_games.analysis.runs import instantiate, solve_instance
from alliance_games.model.catalog import bundled_models

MODELS = [e.name for e in bundled_models()]


@pytest.mark.parametrize("name", MODELS)
def test_bundled_model_solves_and_cites_its_source(name: str) -> None:
    instance = instantiate(name)
    assert instance.model.source, f"{name} does not cite its source"
    result, records = solve_instance(instance, "auto")
    assert records, f"{name}: no equilibrium found"
    for record in records:
        assert float(record.max_regret) <= 1e-9
    if result.exact:
        assert all(r.max_regret == 0 for r in records)


def test_article_models_are_all_there() -> None:
    expected = {"snyder_alliance_dilemma", "branch_commitment", "alliance_system",
                "alliance_system_reduced", "rival_alignment", "burden_sharing",
                "alliance_bargaining"}
    assert expected <= set(MODELS)
