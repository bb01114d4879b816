"""``sweep MODEL --sample N``: a random design instead of grids, in every output format."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest

from alliance_games.analysis.policies import compare_policies
from alliance_games.analysis.reliability import DEFAULT_TOLERANCES
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from tests.cli.entry import run

POLICY_MODEL = "branch_commitment"  # a tree with policies: the vectorised policy sweep
EQUILIBRIUM_MODEL = "snyder_alliance_dilemma"  # a normal form without policies


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_point_per_sample_and_the_parameters_as_columns() -> None:
    code, out, err = run("sweep", POLICY_MODEL, "--sample", "20", "--seed", "1", "--format", "csv")
    assert code == 0, err
    model = load_model(POLICY_MODEL)
    names = [p.name for p in model.parameters]
    table = rows(out)
    assert list(table[0])[: len(names)] == names
    points = {tuple(r[n] for n in names) for r in table}
    assert len(points) == 20
    assert len(table) == 20 * len(model.policies) * len(model.players)
    for r in table:
        for p in model.parameters:
            assert p.range is not None
            assert float(p.range[0]) <= float(r[p.name]) <= float(p.range[1])
    again = run("sweep", POLICY_MODEL, "--sample", "20", "--seed", "1", "--format", "csv")[1]
    assert again == out
    other = run("sweep", POLICY_MODEL, "--sample", "20", "--seed", "2", "--format", "csv")[1]
    assert other != out


def test_json_points_agree_with_exact_comparisons_and_say_how_they_were_drawn() -> None:
    code, out, err = run("sweep", POLICY_MODEL, "--sample", "6", "--seed", "3", "--ranges",
                         "--set", "war_cost=2", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["sample"] == {"n": 6, "seed": 3, "spread": 0.25, "ranges": True}
    assert document["boundaries"] == [] and len(document["points"]) == 6
    for policy in ("loose", "firm"):
        reliable = document["robustness"][policy]["reliable"]
        kept = sum(p["reliable"] for pt in document["points"] for p in pt["policies"]
                   if p["policy"] == policy)
        assert reliable["n"] == 6 and reliable["share"] == pytest.approx(kept / 6, abs=1e-4)
    assert "war_cost" not in document["axes"] and document["parameters"]["war_cost"] == 2.0
    compiled = compile_model(load_model(POLICY_MODEL))
    for point in document["points"][:3]:
        values = {k: Fraction(repr(v)) for k, v in point["values"].items()}
        exact = compare_policies(compiled.model, compiled.at({**values, "war_cost": 2}),
                                 DEFAULT_TOLERANCES)
        assert point["leader_choice"] in exact.chosen
        for swept, solved in zip(point["policies"], exact.policies, strict=True):
            assert swept["reliable"] == solved.reliable


@pytest.mark.parametrize("fmt", ["table", "latex"])
def test_table_and_latex(fmt: str) -> None:
    code, out, err = run("sweep", POLICY_MODEL, "--sample", "50", "--seed", "1", "--spread",
                         "0.1", "--format", fmt)
    assert code == 0, err
    assert ("50 sampled points" in out) if fmt == "latex" else ("50 points sampled" in out)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "latex"])
def test_equilibrium_sweeps_sample_too(fmt: str) -> None:
    code, out, err = run("sweep", EQUILIBRIUM_MODEL, "--sample", "12", "--seed", "5",
                         "--format", fmt)
    assert code == 0, err
    if fmt == "csv":
        assert sum(1 for r in rows(out) if r["quantity"] == "count") == 12
    if fmt == "json":
        document = json.loads(out)
        assert len(document["points"]) == 12 and document["sample"]["n"] == 12


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "sample.csv"
    code, _, err = run("sweep", POLICY_MODEL, "--sample", "4", "--seed", "1", "--format", "csv",
                       "-o", str(target))
    assert code == 0, err
    assert len({tuple(list(r.values())[:15]) for r in rows(target.read_text())}) == 4
    assert not Path(f"{target}.partial").exists()


@pytest.mark.parametrize("args, message", [
    (["--sample", "0"], "between 1 and"),
    (["--sample", "10000000"], "between 1 and"),
    (["--sample", "5", "--spread", "-0.5"], "spread"),
    (["--sample", "5", "--param", "commit_cost=0:1:3"], "not both"),
    (["--sample", "5", "--spread", "0.1", "--ranges"], "one of them"),
    (["--seed", "1", "--param", "commit_cost=0:1:3"], "add --sample"),
    (["--sample", "5", "--plot", "x.png"], "--plot"),
    (["--sample", "5", "--set", "nope=1"], "nope"),
    ([], "--param"),
    (["--sample", "5", "--resume", "-o", "x.json"], "--seed"),
])
def test_bad_input_is_a_clear_error(args: list[str], message: str) -> None:
    code, out, err = run("sweep", POLICY_MODEL, *args)
    assert code == 2 and message in err and "Traceback" not in err + out
