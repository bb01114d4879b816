"""``propositions --robustness N``: every proposition's share over a random design."""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import pytest

from alliance_games.alliance import proposition_robustness, propositions
from alliance_games.alliance.claims import PropositionResult
from alliance_games.analysis import forked
from alliance_games.errors import SolverError
from tests.cli.entry import run

IDS = [f"P{k}" for k in range(1, 12)]


def _claims_at(values: Mapping[str, Fraction]) -> dict[str, bool]:
    """A stand-in for the full checks at a point: P5 needs pooling above 0.9, the rest hold."""
    return {pid: (values["pooling"] > Fraction(9, 10)) if pid == "P5" else True for pid in IDS}


@pytest.fixture
def stub_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks (at the defaults and at each point) replaced by stubs (they have their own
    tests, each about a minute of solving): these tests are about what the command adds."""
    results = [PropositionResult(pid, f"statement {pid}", True, {"id": pid}) for pid in IDS]
    monkeypatch.setattr(propositions, "check_all", lambda flagship=None: results)
    monkeypatch.setattr(proposition_robustness, "claims_at", _claims_at)
    # the stubs count and record their calls in this process: the points stay in it (the
    # default, every available core, is its own test below)
    monkeypatch.setattr(forked, "available_cores", lambda: 1)


def test_the_points_go_to_every_available_core_by_default(
        stub_checks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --workers a robustness run shares its points between the cores available to the
    process (never more processes than points); --workers overrides it."""
    used: list[int] = []
    original = proposition_robustness.proposition_robustness

    def spy(n: int, **options: object) -> object:
        used.append(int(options["workers"]))  # type: ignore[call-overload]
        return original(n, **{**options, "workers": 1})  # type: ignore[arg-type]

    monkeypatch.setattr(proposition_robustness, "proposition_robustness", spy)
    monkeypatch.setattr(forked, "available_cores", lambda: 4)
    assert run("propositions", "--robustness", "8", "--seed", "1")[0] == 0
    assert run("propositions", "--robustness", "3", "--seed", "1")[0] == 0
    assert run("propositions", "--robustness", "8", "--seed", "1", "--workers", "2")[0] == 0
    assert used == [4, 3, 2]


def test_json_has_a_robustness_record_per_proposition(stub_checks: None) -> None:
    code, out, _ = run("propositions", "--robustness", "16", "--seed", "1", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["robustness_design"]["n"] == 16
    assert document["robustness_design"]["seed"] == 1
    entries = {p["id"]: p for p in document["propositions"]}
    assert list(entries) == IDS
    for pid, entry in entries.items():
        assert {"id", "passed", "robustness"} <= set(entry)
        record = entry["robustness"]
        assert {"n", "share", "breaking"} <= set(record)
        assert record["n"] == 16 and 0 <= record["share"] <= 1, pid
        assert record["point_form"]
        assert "intervals" not in record
    # pooling is sampled within +-25 % of its default 1: P5 fails below 0.9, and pooling is named
    assert 0 < entries["P5"]["robustness"]["share"] < 1
    assert entries["P5"]["robustness"]["breaking"][0]["parameter"] == "pooling"
    assert all(entries[p]["robustness"]["share"] == 1 for p in IDS if p != "P5")


def test_the_same_seed_gives_the_same_output(stub_checks: None) -> None:
    args = ("propositions", "--robustness", "16", "--seed", "1", "--format", "json")
    assert run(*args)[1] == run(*args)[1]


def test_the_table_and_latex_gain_a_robustness_column(stub_checks: None) -> None:
    code, out, _ = run("propositions", "--robustness", "8", "--seed", "2")
    assert code == 0
    assert "robustness" in out and "of 8 points" in out
    code, out, _ = run("propositions", "--robustness", "8", "--seed", "2", "--format", "latex")
    assert code == 0
    assert "Holds" in out and r"\%" in out


def test_without_robustness_the_output_is_unchanged(stub_checks: None) -> None:
    code, out, _ = run("propositions", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert "robustness_design" not in document
    assert all("robustness" not in p for p in document["propositions"])


@pytest.mark.parametrize("args", [
    ("--robustness", "0"),
    ("--robustness", "-3"),
    ("--robustness", "many"),
    ("--robustness", "4", "--spread", "-1"),
    ("--robustness", "4", "--spread", "nan"),
    ("--robustness", "4", "--spread", "0.1", "--ranges"),
    ("--robustness", "4", "--workers", "0"),
    ("--seed", "1"),
    ("--spread", "0.1"),
    ("--ranges",),
    ("--intervals",),
])
def test_bad_input_exits_2(stub_checks: None, args: tuple[str, ...]) -> None:
    code, out, err = run("propositions", *args)
    assert code == 2, (args, out, err)
    assert "Traceback" not in err
    assert err.strip()


class _Interrupt:
    """A stand-in for the checks that is interrupted (Ctrl-C) at its ``at``-th point and counts
    the points it evaluates."""

    def __init__(self, at: int | None) -> None:
        self.at, self.calls = at, 0

    def __call__(self, values: Mapping[str, Fraction]) -> dict[str, bool]:
        self.calls += 1
        if self.at is not None and self.calls == self.at:
            raise KeyboardInterrupt
        return _claims_at(values)


def test_an_interrupted_run_resumes_from_its_journal(stub_checks: None, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rob.json"
    args = ("propositions", "--robustness", "16", "--seed", "3", "--format", "json", "-o", str(out))
    first = _Interrupt(at=7)
    monkeypatch.setattr(proposition_robustness, "claims_at", first)
    code, _, _ = run(*args)
    assert code != 0 and not out.exists()
    journal = tmp_path / "rob.json.partial"
    assert len(journal.read_text().splitlines()) == 1 + 6  # header and the six finished points
    # without --resume the journal is not overwritten
    code, _, err = run(*args)
    assert code == 2 and "--resume" in err and journal.exists()
    second = _Interrupt(at=None)
    monkeypatch.setattr(proposition_robustness, "claims_at", second)
    code, _, err = run(*args, "--resume")
    assert code == 0, err
    assert second.calls == 10  # only the points the journal did not hold
    assert not journal.exists()
    fresh = tmp_path / "fresh.json"
    assert run(*args[:-1], str(fresh))[0] == 0
    assert json.loads(out.read_text()) == json.loads(fresh.read_text())


def test_a_journal_of_another_design_is_refused(stub_checks: None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rob.json"
    monkeypatch.setattr(proposition_robustness, "claims_at", _Interrupt(at=3))
    run("propositions", "--robustness", "8", "--seed", "1", "-o", str(out))
    code, _, err = run("propositions", "--robustness", "8", "--seed", "2", "-o", str(out),
                       "--resume")
    assert code == 2 and "different robustness run" in err
    code, _, err = run("propositions", "--robustness", "8", "--seed", "1", "--resume")
    assert code == 2 and "-o FILE" in err


def test_points_where_solving_fails_are_listed(stub_checks: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(values: Mapping[str, Fraction]) -> dict[str, bool]:
        if values["pooling"] > Fraction(6, 5):
            raise SolverError("no equilibrium found in this subgame")
        return _claims_at(values)

    monkeypatch.setattr(proposition_robustness, "claims_at", failing)
    code, out, _ = run("propositions", "--robustness", "16", "--seed", "1", "--format", "json")
    design = json.loads(out)["robustness_design"]
    assert design["errors"] == len(design["error_points"]) > 0
    for entry in design["error_points"]:
        assert entry["values"]["pooling"] > 1.2
        assert entry["message"] == "no equilibrium found in this subgame"
    code, out, _ = run("propositions", "--robustness", "16", "--seed", "1")
    assert f"{design['errors']} could not be solved" in " ".join(out.split())


def test_points_csv_has_every_point_and_its_verdicts(stub_checks: None, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``--points FILE``: one row per point, the exact sampled values (read back equal to the
    design's) and each proposition's verdict; a point that could not be solved has empty
    verdicts and its message."""
    import csv

    from alliance_games.alliance.claims import Flagship
    from alliance_games.analysis.robustness import sample_design

    def failing(values: Mapping[str, Fraction]) -> dict[str, bool]:
        if values["pooling"] > Fraction(6, 5):
            raise SolverError("no equilibrium found in this subgame")
        return _claims_at(values)

    monkeypatch.setattr(proposition_robustness, "claims_at", failing)
    target = tmp_path / "points.csv"
    code, _, err = run("propositions", "--robustness", "16", "--seed", "1", "--format", "json",
                       "--points", str(target))
    assert code == 0 and f"wrote {target}" in err
    names, design = sample_design(Flagship().model, 16, spread=0.25, seed=1)
    with target.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16
    assert list(rows[0]) == ["point", *names, *IDS, "error"]
    failed = 0
    for i, (row, point) in enumerate(zip(rows, design, strict=True)):
        values = dict(zip(names, point, strict=True))
        assert int(row["point"]) == i
        assert {n: Fraction(row[n]) for n in names} == values
        if values["pooling"] > Fraction(6, 5):
            failed += 1
            assert all(row[p] == "" for p in IDS)
            assert row["error"] == "no equilibrium found in this subgame"
        else:
            expected = _claims_at(values)
            assert {p: row[p] == "1" for p in IDS} == expected and row["error"] == ""
    assert failed


def test_points_go_with_robustness_only(stub_checks: None, tmp_path: Path) -> None:
    code, _, err = run("propositions", "--points", str(tmp_path / "p.csv"))
    assert code == 2 and "--points" in err and "--robustness" in err
    assert not (tmp_path / "p.csv").exists()


def test_points_need_their_own_file(stub_checks: None, tmp_path: Path) -> None:
    same = str(tmp_path / "rob.json")
    code, _, err = run("propositions", "--robustness", "4", "--seed", "1", "-o", same,
                       "--points", same)
    assert code == 2 and "same file" in err


def test_set_holds_a_parameter_out_of_the_design(stub_checks: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``--set NAME=VALUE`` moves the checks' base point: the checks get it, a robustness design
    holds the parameter at its value (not sampled, as ``sweep --sample`` holds it) and every
    point is evaluated with it; the output names it. A bad name or value exits 2."""
    seen: list[dict[str, Fraction]] = []

    def at_point(values: Mapping[str, Fraction],
                 held: tuple[tuple[str, Fraction], ...] = ()) -> dict[str, bool]:
        seen.append({**dict(held), **values})
        return _claims_at(seen[-1])

    monkeypatch.setattr(proposition_robustness, "claims_at", at_point)
    code, out, err = run("propositions", "--set", "pooling=0.5", "--robustness", "8",
                         "--seed", "1", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["set"] == {"pooling": "0.5"}
    design = document["robustness_design"]
    assert design["set"] == {"pooling": "1/2"} and "pooling" not in design["parameters"]
    assert len(seen) == 8 and all(v["pooling"] == Fraction(1, 2) for v in seen)
    # held at 0.5 < 0.9, the stand-in P5 fails everywhere; sampled, it held at some points
    entries = {p["id"]: p["robustness"] for p in document["propositions"]}
    assert entries["P5"]["share"] == 0
    code, out, _ = run("propositions", "--set", "pooling=0.5")
    assert code == 0 and "propositions at pooling=0.5" in out
    for bad in ("poolng=1", "pooling=-1", "pooling", "rival_count=3"):
        code, out, err = run("propositions", "--set", bad)
        assert code == 2 and "Traceback" not in err and err.strip(), bad


def test_without_set_the_json_has_no_set_key(stub_checks: None) -> None:
    code, out, _ = run("propositions", "--robustness", "4", "--seed", "1", "--format", "json")
    document = json.loads(out)
    assert "set" not in document and "set" not in document["robustness_design"]


def test_given_reports_shares_where_a_premise_holds(stub_checks: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``--given P2``: every other proposition's share over the points where P2 holds. With a
    stand-in where P2 holds above pooling 1 and P5 above 0.9, P5 holds at every point where P2
    does (share 1 given P2) though not at every point; P2 gets no conditional record."""
    def at_point(values: Mapping[str, Fraction]) -> dict[str, bool]:
        found = _claims_at(values)
        found["P2"] = values["pooling"] > 1
        return found

    monkeypatch.setattr(proposition_robustness, "claims_at", at_point)
    code, out, err = run("propositions", "--robustness", "16", "--seed", "1", "--given", "P2",
                         "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["robustness_design"]["given"] == "P2"
    entries = {p["id"]: p["robustness"] for p in document["propositions"]}
    where = entries["P2"]["share"] * 16
    assert "given" not in entries["P2"]
    assert entries["P5"]["share"] < 1
    assert entries["P5"]["given"] == {"claim": "P2", "n": round(where), "share": 1.0}
    code, out, _ = run("propositions", "--robustness", "16", "--seed", "1", "--given", "P2")
    assert code == 0 and "where P2 holds" in " ".join(out.split())
    code, out, _ = run("propositions", "--robustness", "16", "--seed", "1", "--given", "P2",
                       "--format", "latex")
    assert code == 0 and "Given P2" in out
    for bad in (("--robustness", "4", "--given", "P12"), ("--given", "P2")):
        code, _, err = run("propositions", *bad)
        assert code == 2 and "--given" in err and "Traceback" not in err, bad
