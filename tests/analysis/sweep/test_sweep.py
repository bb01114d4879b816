"""Sweeps agree with exact single-point solves; thresholds bracket and match the symbolic boundary."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

from alliance_games.analysis.policies import compare_policies
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.analysis.sweep.engine import parse_axis, sweep
from alliance_games.analysis.sweep.threshold import find_threshold
from alliance_games.cli import cli
from alliance_games.errors import ParameterError
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model


@pytest.fixture(scope="module")
def compiled():  # type: ignore[no-untyped-def]
    return compile_model(load_model("alliance_system_reduced"))


def test_vectorised_sweep_equals_exact_solves_point_by_point(compiled) -> None:  # type: ignore[no-untyped-def]
    axes = [("pooling", np.array([0.05, 0.35, 0.6])), ("two_front_prob", np.array([0.3, 0.8]))]
    result = sweep(compiled, axes, tolerances=DEFAULT_TOLERANCES)
    assert len(result.points) == 6
    for point in result.points:
        values = {k: Fraction(repr(v)) for k, v in point.values.items()}
        exact = compare_policies(compiled.model, compiled.at(values), DEFAULT_TOLERANCES)
        assert point.chosen in exact.chosen
        for swept, solved in zip(point.policies, exact.policies, strict=True):
            assert swept.policy == solved.policy and swept.reliable == solved.reliable
            for player, risks in solved.risks.items():
                for kind, value in risks.items():
                    assert swept.risks[player][kind] == pytest.approx(float(value), abs=1e-9)
            assert swept.cost == pytest.approx(float(solved.measure("leader_cost")))


def test_threshold_inside_the_sweep_bracket_and_symbolic(compiled) -> None:  # type: ignore[no-untyped-def]
    result = sweep(compiled, [parse_axis("pooling=0:1:41")], tolerances=DEFAULT_TOLERANCES)
    flips = [(a.values["pooling"], b.values["pooling"])
             for a, b in zip(result.points, result.points[1:], strict=False)
             if a.policies[-1].reliable != b.policies[-1].reliable]
    assert len(flips) == 1
    found = find_threshold(compiled, "pooling", 0, 1, "connect")
    assert found is not None and found.symbolic == Fraction(25, 104)
    assert flips[0][0] < found.threshold <= flips[0][1]


def test_axis_parsing_errors() -> None:
    with pytest.raises(ParameterError):
        parse_axis("pooling=0:1")
    with pytest.raises(ParameterError):
        parse_axis("pooling")
    assert list(parse_axis("x=0.1,0.5")[1]) == [0.1, 0.5]


def test_sweep_and_threshold_cli_contracts() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["sweep", "alliance_system_reduced", "--param", "pooling=0.2,0.3",
                              "--format", "json"], catch_exceptions=False)
    assert out.exit_code == 0
    doc = json.loads(out.stdout)
    assert set(doc) >= {"model", "parameters", "points"}
    assert doc["points"][0]["values"] == {"pooling": 0.2}
    assert {"policy", "reliable", "verdict", "leader_cost", "risks"} <= set(
        doc["points"][0]["policies"][0])
    assert doc["boundaries"][0]["policy"] == "connect"
    out = runner.invoke(cli, ["threshold", "alliance_system_reduced", "--param", "pooling", "--between",
                              "0:1", "--policy", "connect", "--format", "json"],
                        catch_exceptions=False)
    doc = json.loads(out.stdout)
    assert doc["exact"] == "25/104" and doc["below"]["value"] < doc["threshold"]
