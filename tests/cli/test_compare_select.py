"""``compare --select`` on the flagship: the leader-preferred equilibrium of every subgame with
information sets, the reading the article's propositions use (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.entry import run


def _compare(*args: str) -> dict[str, Any]:
    code, out, err = run("compare", "alliance_system", "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def selected() -> dict[str, Any]:
    return _compare("--select")


def _policy(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in document["policies"] if p["policy"] == name)


def test_with_two_rivals_the_leader_connects_and_only_connect_keeps_reliability(
        selected: dict[str, Any]) -> None:
    assert selected["leader_choice"] == "connect"
    verdicts = {p["policy"]: p["verdict"] for p in selected["policies"]}
    assert verdicts["connect"] == "robust"
    assert all(v == "fails" for k, v in verdicts.items() if k != "connect")


def test_connection_costs_the_allies_entrapment(selected: dict[str, Any]) -> None:
    risks = _policy(selected, "connect")["risks"]
    assert all(float(eval_fraction(risks[a]["entrapment"])) > 0
               for a in ("ally_asia", "ally_europe"))


def test_without_select_every_equilibrium_is_listed(selected: dict[str, Any]) -> None:
    plain = _compare()
    for name in ("connect", "strengthen_asia"):
        assert len(_policy(plain, name)["equilibria"]) >= len(_policy(selected, name)["equilibria"])


def eval_fraction(text: str) -> float:
    num, _, den = str(text).partition("/")
    return float(num) / float(den or 1)
