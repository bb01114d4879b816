"""The article's propositions: every check passes, and P1, P2, P5 survive +-20% moves of each default."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

import pytest

from alliance_games.alliance.propositions import TRADITIONAL, Flagship, check_all, dual_risk_players

ALLIES = ("ally_asia", "ally_europe")


@pytest.fixture(scope="module")
def flagship() -> Flagship:
    return Flagship()


@pytest.fixture(scope="module")
def results(flagship: Flagship) -> dict[str, object]:
    return {r.id: r for r in check_all(flagship)}


@pytest.mark.parametrize("pid", ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"])
def test_proposition_passes(results: dict[str, object], pid: str) -> None:
    assert pid in results, f"{pid} is not checked"
    result = results[pid]
    assert result.passed, (pid, result.figures)  # type: ignore[attr-defined]
    assert result.figures  # type: ignore[attr-defined]


def test_symbolic_threshold_is_exact_and_inside_the_bisection_bracket(results: dict) -> None:
    figures = results["P5"].figures
    lo, hi = figures["pooling_threshold_bracket"]
    symbolic = Fraction(figures["pooling_threshold_symbolic"])
    assert lo <= symbolic <= hi
    assert hi - lo < 1e-3


_WORKER_FLAGSHIP: list[Flagship] = []


def _verdicts(args: tuple[str, Fraction]) -> tuple[str, str, list[str]]:
    """P1, P2 and P5 verdicts with one parameter moved (run in a worker process)."""
    name, value = args
    if not _WORKER_FLAGSHIP:  # load the model once per worker process
        _WORKER_FLAGSHIP.append(Flagship())
    flagship = _WORKER_FLAGSHIP[0]
    problems = []
    one = flagship.compare(rival_count=1, **{name: value})
    if not any(p.reliable for p in one.policies if p.policy in TRADITIONAL):
        problems.append("P1: no traditional policy keeps reliability with one rival")
    two = flagship.compare(**{name: value})
    dual = dual_risk_players(two.policy("status_quo"))
    if "leader" not in dual or not any(a in dual for a in ALLIES):
        problems.append(f"P2: dual risk under the status quo only for {dual}")
    kept = [p.policy for p in two.policies if p.policy in TRADITIONAL and p.reliable]
    if kept:
        problems.append(f"P2: traditional policies keep reliability: {kept}")
    connect, strong = two.policy("connect"), two.policy("strengthen_all")
    if not connect.reliable:
        problems.append(f"P5: connect {connect.verdict}")
    if not connect.measure("leader_cost") < strong.measure("leader_cost"):
        problems.append("P5: connect is not cheaper than strengthen_all")
    return name, str(value), problems


def test_p1_p2_p5_hold_when_each_default_moves_by_20_percent(flagship: Flagship) -> None:
    moves = []
    for p in flagship.model.parameters:
        if p.values is not None:  # a switch such as rival_count, not a numeric default
            continue
        default = Fraction(int(p.default.p), int(p.default.q))
        for factor in (Fraction(4, 5), Fraction(6, 5)):
            value = default * factor
            if p.range is not None:
                value = min(max(value, Fraction(str(p.range[0]))), Fraction(str(p.range[1])))
            if value != default:
                moves.append((p.name, value))
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(_verdicts, moves))
    exceptions = [o for o in outcomes if o[2]]
    assert len(moves) >= 40
    assert not exceptions, "\n".join(f"{n}={v}: {'; '.join(pr)}" for n, v, pr in exceptions)
