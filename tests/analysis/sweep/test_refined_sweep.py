"""``sweep --method pbe --refine``: only the equilibria that pass a refinement, hand-derived.

**The two-round chain store** (``tests/data/valid/chain_store_two_rounds.yaml``; Kreps & Wilson
1982 cut to two entrants). A defender, tough with prior ``p`` (fighting costs it nothing) or
weak (fighting costs 2, conceding 1), meets two challengers; a challenger gets 1 if the defender
concedes, -1 if it fights, 0 staying out, and the defender gets 1 when the second stays out. In
the last round the tough type fights and the weak one concedes, so the second challenges iff its
belief that the defender is weak exceeds 1/2. For ``p < 1/2`` a weak defender challenged first
fights with the probability ``x`` that makes that posterior exactly 1/2,
``p / (p + (1 - p) x) = 1/2``, i.e. ``x = p / (1 - p)``, and the second then challenges a
fighter with probability 1/2 (the weak type's indifference ``-2 + (1 - y) - y = -2``). The first
challenges iff ``-p + (1 - p)(1 - 2x) > 0``, i.e. ``p < 1/4``. So:

* ``p = 1/10``: ``x = 1/9`` and the first challenges;
* ``p = 2/5``: ``x = 2/3`` and the first stays out. The weak type's round-one behaviour is then
  off the path: weak PBE leave it free as long as it keeps the first out,
  ``-2/5 + (3/5)(1 - 2x) <= 0``, i.e. ``x >= 1/6`` (the unrefined sweep spans 1/6 .. 1; with
  ``x`` below 1/6 the first would challenge and put the node on the path), while a sequential
  equilibrium pins it to ``x = 2/3``.

**Beer-quiche** (Cho & Kreps 1987): for a prior of the strong type above 1/2 the pooling
equilibria on quiche fail the intuitive criterion and those on beer pass, so the weak sender
never eats quiche in a surviving one.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from alliance_games.analysis.runs import EquilibriumSweepRun, plan_sweep, sweep_model
from alliance_games.analysis.sweep.equilibria import EquilibriumSweep
from alliance_games.analysis.sweep.quantities import Quantity
from alliance_games.errors import ParameterError
from tests.cli.entry import run as invoke
from tests.paths import DATA

CHAIN = str(DATA / "valid" / "chain_store_two_rounds.yaml")
WEAK_FIGHTS = "action:defender@weak/challenge:fight"
FIRST = "action:first_moves:challenge"


def sweep(source: str, param: str, watch: tuple[str, ...], refine: tuple[str, ...] = ()
          ) -> EquilibriumSweep:
    plan = plan_sweep(source, (param,), watch=watch, method="pbe", refine=refine)
    run = sweep_model(source, (param,), plan=plan)
    assert isinstance(run, EquilibriumSweepRun)
    return run.result  # type: ignore[no-any-return]


def span(result: EquilibriumSweep, k: int, spec: str) -> tuple[Fraction, Fraction] | None:
    [quantity] = [q for q in result.watch if q.spec == spec]
    assert isinstance(quantity, Quantity)
    return result.points[k].span(quantity)  # type: ignore[return-value]


def test_sequential_equilibria_of_the_chain_store() -> None:
    loose = sweep(CHAIN, "p_tough=0.1,0.4", (WEAK_FIGHTS, FIRST))
    tight = sweep(CHAIN, "p_tough=0.1,0.4", (WEAK_FIGHTS, FIRST), refine=("sequential",))
    assert tight.refine == ("sequential",)
    # p = 1/10: one sequential equilibrium, x = 1/9, the first challenges
    assert len(tight.points[0].equilibria) == 1 and tight.points[0].complete
    assert span(tight, 0, WEAK_FIGHTS) == (Fraction(1, 9), Fraction(1, 9))
    assert span(tight, 0, FIRST) == (1, 1)
    # p = 2/5: the first stays out; weak PBE leave the weak type's move free down to 1/6,
    # sequential ones pin it
    assert span(loose, 1, WEAK_FIGHTS) == (Fraction(1, 6), 1)
    assert len(loose.points[1].equilibria) > len(tight.points[1].equilibria) == 1
    assert span(tight, 1, WEAK_FIGHTS) == (Fraction(2, 3), Fraction(2, 3))
    assert span(tight, 1, FIRST) == (0, 0)


def test_the_intuitive_criterion_removes_quiche_pooling() -> None:
    quiche = "action:weak_sender:quiche"
    loose = sweep("beer_quiche", "p_strong=0.9", (quiche,))
    tight = sweep("beer_quiche", "p_strong=0.9", (quiche,), refine=("intuitive",))
    assert span(loose, 0, quiche) == (0, 1)
    assert span(tight, 0, quiche) == (0, 0)
    # the survivors are judged among listed vertices of continua: not claimed complete
    assert not tight.points[0].complete and tight.points[0].equilibria


def test_refine_needs_pbe_and_an_equilibrium_sweep() -> None:
    with pytest.raises(ParameterError, match="--method pbe"):
        plan_sweep(CHAIN, ("p_tough=0.1",), watch=(FIRST,), refine=("sequential",))
    with pytest.raises(ParameterError, match="--watch"):
        plan_sweep("branch_commitment", ("pooling=0:1:3",), refine=("sequential",))
    with pytest.raises(ParameterError, match="unknown refinement"):
        plan_sweep(CHAIN, ("p_tough=0.1",), watch=(FIRST,), method="pbe", refine=("perfect",))


def test_the_cli_reports_the_refinement() -> None:
    args = ("sweep", CHAIN, "--param", "p_tough=0.1", "--method", "pbe", "--watch", FIRST,
            "--refine", "sequential")
    code, out, err = invoke(*args, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["refine"] == ["sequential"]
    assert document["points"][0]["equilibria_count"] == 1
    code, out, _ = invoke(*args)
    assert code == 0 and "only sequential ones" in " ".join(out.split())
    code, out, _ = invoke(*args, "--format", "latex")
    assert code == 0 and "only sequential equilibria" in " ".join(out.split())
    code, _, err = invoke("sweep", CHAIN, "--param", "p_tough=0.1", "--watch", FIRST,
                          "--refine", "sequential")
    assert code == 2 and "--method pbe" in err and "Traceback" not in err
    code, out, _ = invoke("sweep", CHAIN, "--param", "p_tough=0.1", "--method", "pbe",
                          "--watch", FIRST, "--format", "json")
    assert "refine" not in json.loads(out)
