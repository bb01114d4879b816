"""Time and size limits: --timeout stops solvers with partial results; big sweeps are refused."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.solvers import solve
from alliance_games.solvers.deadline import SolverTimeout, expired, time_limit
from alliance_games.solvers.normal_form import pure


def random_game(seed: int, shape: tuple[int, ...]) -> NormalFormGame:
    rng = np.random.default_rng(seed)
    payoffs = np.vectorize(Fraction)(rng.integers(-5, 6, size=(len(shape), *shape)).astype(object))
    names = tuple(f"p{i}" for i in range(len(shape)))
    return NormalFormGame(names, tuple(tuple(f"s{j}" for j in range(m)) for m in shape), payoffs)


def test_enumpoly_stops_at_the_timeout_with_what_it_found() -> None:
    game = random_game(3, (3, 3, 3))
    start = time.monotonic()
    partial = solve(game, "enumpoly", timeout=0.2)
    assert time.monotonic() - start < 5
    assert not partial.complete and any("time limit" in w for w in partial.warnings)
    assert all(e.max_regret == 0 if e.exact else e.max_regret < 1e-9
               for e in partial.equilibria)  # what is reported is an equilibrium
    full = solve(game, "enumpoly")
    assert len(partial.equilibria) <= len(full.equilibria)
    assert full.diagnostics["supports_tried"] > partial.diagnostics["supports_tried"]
    exact = {e.key() for e in full.equilibria if e.exact}
    assert {e.key() for e in partial.equilibria if e.exact} <= exact


def test_lcp_stops_at_the_timeout() -> None:
    game = random_game(5, (9, 9))
    partial = solve(game, "lcp", timeout=1e-6)
    assert not partial.complete and any("time limit" in w for w in partial.warnings)


def test_a_solver_that_cannot_stop_is_interrupted_by_the_hard_limit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def stuck(game: NormalFormGame) -> None:
        time.sleep(30)

    monkeypatch.setattr(pure, "enumerate_pure", stuck)  # the table's "module:function" for pure
    start = time.monotonic()
    with pytest.raises(SolverTimeout, match="--timeout"):
        solve(random_game(1, (2, 2)), "pure", timeout=0.2)
    assert time.monotonic() - start < 3
    assert not expired()  # the limit is lifted afterwards
    with time_limit(None):
        assert not expired()


def test_solve_timeout_on_the_command_line() -> None:
    out = subprocess.run([sys.executable, "-m", "alliance_games", "solve",
                          "three_player_coordination", "--method", "enumpoly", "--timeout",
                          "0.000001", "--format", "json"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["complete"] is False and any("time limit" in w for w in doc["warnings"])
    bad = subprocess.run([sys.executable, "-m", "alliance_games", "solve", "prisoners_dilemma",
                          "--timeout", "0"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_sweep_over_the_work_limit_is_refused_at_once() -> None:
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "alliance_games", "sweep", "alliance_system_reduced",
                          "--param", "pooling=0:1:1000", "--param", "restraint=0:1:1000",
                          "--max-work", "1000000"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "1,000,000 points x 232 tree nodes" in out.stderr and "--max-work" in out.stderr
    assert "Traceback" not in out.stderr
    assert time.monotonic() - start < 30


def test_float_results_flag_disagreement_with_an_exact_recheck() -> None:
    eps = 1e-12  # row b beats row a by eps against x: exactly, (b, y) is the only equilibrium
    payoffs = np.stack([np.array([[3.0, 0.0], [3.0 + eps, 1.0]]),
                        np.array([[1.0, 0.0], [1.0, 2.0]])])
    game = NormalFormGame(("row", "col"), (("a", "b"), ("x", "y")), payoffs)
    result = solve(game, "enummixed")
    assert not result.exact
    check = result.diagnostics["exact_recheck"]
    assert check == {"agrees": False, "float_count": 3, "exact_count": 1}
    assert any("disagree" in w for w in result.warnings)
    assert any("degenerate" in w for w in result.warnings)
    clean = solve(NormalFormGame(("row", "col"), (("a", "b"), ("x", "y")),
                                 np.stack([np.array([[3.0, 0.0], [2.0, 1.0]]),
                                           np.array([[1.0, 0.0], [0.0, 2.0]])])), "enummixed")
    assert clean.diagnostics["exact_recheck"]["agrees"] and not clean.warnings


def test_float_trees_report_near_ties() -> None:
    from alliance_games.games.tree import TreeBuilder

    builder = TreeBuilder(["first", "second"], exact=False)
    root = builder.add_decision(-1, None, player=0, infoset="r", actions=["left", "right"])
    builder.add_terminal(root, "left", payoffs=[1.0, 0.0])
    builder.add_terminal(root, "right", payoffs=[1.0 + 1e-13, 5.0])
    result = solve(builder.build(), "spe")
    assert result.diagnostics["near_ties"] == 1
    assert any("within 1e-9" in w for w in result.warnings)
    assert len(result.equilibria) == 2  # floats keep both choices as equilibria, and say so


def test_size_limits_are_configurable_and_say_how() -> None:
    small = subprocess.run([sys.executable, "-m", "alliance_games", "--max-profiles", "3",
                            "solve", "entry_deterrence", "--method", "pure"],
                           capture_output=True, text=True, timeout=120)
    assert small.returncode == 2 and "--max-profiles" in small.stderr
    assert "over the limit of 3" in small.stderr and "Traceback" not in small.stderr
    fine = subprocess.run([sys.executable, "-m", "alliance_games", "--max-profiles", "4",
                           "solve", "entry_deterrence", "--method", "pure"],
                          capture_output=True, text=True, timeout=120)
    assert fine.returncode == 0, fine.stderr
    nodes = subprocess.run([sys.executable, "-m", "alliance_games", "--max-nodes", "50", "show",
                            "branch_commitment"], capture_output=True, text=True, timeout=120)
    assert nodes.returncode == 2 and "more than 50 nodes" in nodes.stderr
    assert "--max-nodes" in nodes.stderr and "branch_commitment.yaml" in nodes.stderr
