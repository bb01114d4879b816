"""``solve --method pbe`` from the command line: beliefs, refinements and the completeness promise.

Hand derivations (the games are in ``tests/data/pbe``):

* Beer-quiche (prior strong 9/10): two pooling families. Pooling on beer: the receiver does not
  duel after beer (posterior strong 9/10); after the unsent quiche it duels with probability at
  least 1/2, justified by a belief weak >= 1/2. Pooling on quiche likewise. Cho-Kreps: at the
  quiche pooling the weak type cannot gain by beer whatever the response (beer is
  equilibrium-dominated for it), so beliefs after beer rest on the strong type, the receiver
  does not duel, and the strong type gains by beer: only the beer pooling survives (D1 agrees).
* Bluffing crisis (prior strong 1/4): the weak type threatens with probability q making the
  defender indifferent (posterior 1/2), the defender resists with probability 1/4 making the weak
  type indifferent: a unique semi-separating equilibrium, q = 1/3.
"""

from __future__ import annotations

import json

from tests.cli.entry import run
from tests.paths import DATA

PBE = DATA / "pbe"


def _solve(*args: str) -> dict:
    code, out, err = run("solve", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_beer_quiche_pooling_families_and_the_intuitive_criterion() -> None:
    doc = _solve(str(PBE / "beer_quiche.yaml"), "--method", "pbe", "--refine", "intuitive",
                 "--refine", "d1")
    assert doc["complete"] is True
    assert doc["enumerates"].startswith("all weak perfect Bayesian equilibria")
    by_message: dict[str, list[dict]] = {}
    for eq in doc["equilibria"]:
        sender = eq["profile"]["sender"]
        message = "beer" if sender["strong_sender:beer"] == "1" else "quiche"
        assert sender[f"weak_sender:{message}"] == "1"  # pooling only, no separating
        by_message.setdefault(message, []).append(eq)
        assert set(eq["refinements"]) == {"sequential", "intuitive", "d1"}
    assert set(by_message) == {"beer", "quiche"}
    for eq in by_message["beer"]:
        assert eq["beliefs"]["after_beer"] == {"strong/beer": "9/10", "weak/beer": "1/10"}
        assert eq["refinements"]["intuitive"] is True and eq["refinements"]["d1"] is True
    for eq in by_message["quiche"]:
        assert eq["refinements"]["intuitive"] is False and eq["refinements"]["d1"] is False
        assert "strong" in eq["refinement_reasons"]["intuitive"]
    # the pure beer pooling's off-path region: weak >= 1/2 after quiche
    pure = next(eq for eq in by_message["beer"]
                if eq["profile"]["receiver"]["after_quiche:duel"] == "1")
    assert pure["off_path_beliefs"]["after_quiche"]["weak/quiche"] == ["1/2", "1"]
    # the summary: two pooling families (components), only the beer one survives either test
    beer = [n for n, eq in enumerate(doc["equilibria"], start=1) if eq in by_message["beer"]]
    quiche = [n for n, eq in enumerate(doc["equilibria"], start=1) if eq in by_message["quiche"]]
    assert doc["components"] == 2
    assert doc["survivors"] == {"intuitive": beer, "d1": beer}
    assert doc["failures"] == {"intuitive": quiche, "d1": quiche}


def test_the_table_says_which_equilibria_survive_a_refinement() -> None:
    code, out, _ = run("solve", str(PBE / "beer_quiche.yaml"), "--method", "pbe", "--refine",
                       "intuitive", "--wide")
    assert code == 0
    text = " ".join(out.split())
    assert "2 components of equilibria" in text
    assert "intuitive criterion (Cho-Kreps): #1, #2 survive (component 1); #3, #4 fail" in text
    code, out, _ = run("solve", str(PBE / "beer_quiche.yaml"), "--method", "pbe")
    assert code == 0 and "survive" not in out  # nothing judged, nothing said


def test_bluffing_crisis_has_one_semi_separating_equilibrium() -> None:
    doc = _solve(str(PBE / "bluffing_crisis.yaml"), "--method", "pbe")
    assert doc["complete"] is True and doc["count"] == 1
    eq = doc["equilibria"][0]
    assert eq["profile"]["defender"]["after_threat:resist"] == "1/4"
    assert eq["beliefs"]["after_threat"] == {"strong/threaten": "1/2", "weak/threaten": "1/2"}
    assert eq["max_regret"] == "0"


def test_the_table_shows_beliefs_and_what_the_method_enumerates() -> None:
    code, out, _ = run("solve", str(PBE / "bluffing_crisis.yaml"), "--method", "pbe")
    assert code == 0
    assert "beliefs" in out and "weak perfect Bayesian" in out


def test_bundled_model_where_the_sender_moves_again() -> None:
    doc = _solve("deterrence_uncertain_resolve", "--method", "pbe", "--refine", "intuitive")
    assert doc["count"] >= 1 and all(eq["max_regret"] == "0" for eq in doc["equilibria"])
    assert all(eq["refinements"]["intuitive"] is None for eq in doc["equilibria"])
    assert any("not a signalling game" in w for w in doc["warnings"])


def test_refine_needs_pbe() -> None:
    code, _, err = run("solve", "entry_deterrence", "--refine", "d1")
    assert code == 2 and err.startswith("error: --refine needs --method pbe")


def test_other_methods_state_their_class_and_carry_no_beliefs() -> None:
    doc = _solve("entry_deterrence")
    assert doc["enumerates"].startswith("every subgame-perfect equilibrium that plays an extreme")
    assert "beliefs" not in doc["equilibria"][0]



def test_long_lists_of_equilibrium_numbers_read_as_ranges() -> None:
    """(The four-level job market of tests/data/refinements prints "D1 (Banks-Sobel): #52-#63
    survive (component 4); #1-#51, #64-#84 fail"; solving it with both criteria from the command
    line takes over a minute, so the rule is tested on its own.)"""
    from alliance_games.render.solve import _numbers

    assert _numbers([1, 2, 3, 4, 7, 9, 10, 12, 13, 14]) == "#1-#4, #7, #9, #10, #12-#14"
    assert _numbers([1, 2]) == "#1, #2" and _numbers([5]) == "#5" and _numbers([]) == "none"
