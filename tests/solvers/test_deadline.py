"""--timeout inside long steps: interruptible Python steps, isolated C calls (Qhull), and the
two-player vertex enumeration of games too wide for Qhull, stopped at the deadline."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree, TreeBuilder
from alliance_games.model.gambit_format import write_efg, write_nfg
from alliance_games.solvers import solve
from alliance_games.solvers.deadline import (
    DeadlineReached,
    expired,
    interruptible,
    isolated,
    remaining,
    time_limit,
)
from alliance_games.solvers.kernels import polytope as pt
from alliance_games.solvers.normal_form import enummixed as enummixed_module
from tests.cli.entry import run


def wide_game(rows: int = 6, cols: int = 40, payoffs: int = 1000, seed: int = 7) -> NormalFormGame:
    """A two-player game with few rows and many columns (random payoffs below ``payoffs``): the
    shape of the reduced normal forms (6 x 64, 9 x 27, 12 x 512) of Gambit's ``tim.efg``,
    ``bcp2.efg`` and ``montyhal.efg``, where the column player's best-response polytope has as
    many dimensions as there are columns. Qhull ran there for minutes without returning; with the
    defaults, listing every vertex by pivoting takes far longer than the limits used below, and
    few equilibria are found before them (the work after the stop stays small)."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, payoffs, (rows, cols)), rng.integers(0, payoffs, (rows, cols))
    return NormalFormGame.from_arrays(a, b, players=["row", "column"],
                                      strategies=[[f"r{i}" for i in range(rows)],
                                                  [f"c{j}" for j in range(cols)]])


def simultaneous_tree(game: NormalFormGame) -> GameTree:
    """``game`` as a tree: the column player moves without seeing the row player's move."""
    builder = TreeBuilder(list(game.players))
    root = builder.add_decision(-1, None, player=0, infoset="row", actions=game.strategies[0])
    for i, row in enumerate(game.strategies[0]):
        node = builder.add_decision(root, row, player=1, infoset="column",
                                    actions=game.strategies[1])
        for j, col in enumerate(game.strategies[1]):
            builder.add_terminal(node, col, payoffs=[game.payoffs[0][i, j], game.payoffs[1][i, j]])
    return builder.build()


# ---- the deadline primitives ---------------------------------------------------------------------
def _spin() -> None:
    while True:
        sum(range(1000))


def test_an_interruptible_step_is_stopped_at_the_deadline() -> None:
    with time_limit(0.2):
        with pytest.raises(DeadlineReached):
            with interruptible():
                _spin()
        assert expired()
        with pytest.raises(DeadlineReached):  # entering after the deadline stops at once
            with interruptible():
                pytest.fail("the body must not run after the deadline")
    assert remaining() is None and not expired()


def test_outside_interruptible_steps_the_first_alarm_only_marks_the_deadline() -> None:
    with time_limit(0.1):
        while not expired():
            sum(range(1000))
        sum(range(1000))  # no exception here: cooperative code stops by polling expired()


def _slow_square(x: int) -> int:
    time.sleep(30)
    return x * x


def _square(x: int) -> int:
    return x * x


def _fail(message: str) -> None:
    raise ValueError(message)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_an_isolated_step_returns_its_result_or_its_exception_or_is_killed() -> None:
    assert isolated(_square, 7) == 49  # no limit: in this process
    with time_limit(30):
        assert isolated(_square, 12) == 144  # in a child process
        with pytest.raises(ValueError, match="from the child"):
            isolated(_fail, "from the child")
    with time_limit(0.2):
        with pytest.raises(DeadlineReached):
            isolated(_slow_square, 3)  # killed at the deadline, long before its 30 s


# ---- enummixed at the deadline ---------------------------------------------------------------------
def test_games_too_wide_for_qhull_are_enumerated_by_pivoting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(matrix: np.ndarray) -> np.ndarray:
        raise AssertionError(f"Qhull called in {matrix.shape[1]} dimensions")

    monkeypatch.setattr(enummixed_module.pt, "float_vertices", refuse)
    game = wide_game(3, pt.QHULL_MAX_DIM + 1, payoffs=3)
    result = enummixed_module.enummixed_solve(game)
    assert result.complete and result.diagnostics["engine"] == "lexicographic"
    assert all(e.max_regret == 0 for e in result.equilibria) and result.equilibria


def test_a_wide_game_stops_at_the_timeout_with_equilibria_found_so_far() -> None:
    game = wide_game()
    result = solve(game, "enummixed", timeout=0.5)
    assert not result.complete
    assert any("stopped at the time limit (0.5 s --timeout)" in w for w in result.warnings)
    assert result.diagnostics["engine"] == "lexicographic"
    for eq in result.equilibria:  # whatever was found is an equilibrium, exactly
        assert eq.exact and eq.max_regret == 0


def test_a_tree_of_that_shape_stops_at_the_timeout_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The default method (spe) solves the tree's one subgame with enummixed."""
    efg = tmp_path / "wide.efg"
    efg.write_text(write_efg(simultaneous_tree(wide_game())))
    code, out, err = run("solve", str(efg), "--timeout", "0.5", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "spe" and doc["complete"] is False
    assert any("stopped at the time limit (0.5 s --timeout)" in w for w in doc["warnings"])
    assert all(eq["max_regret"] == "0" for eq in doc["equilibria"])
    nfg = tmp_path / "wide.nfg"
    nfg.write_text(write_nfg(wide_game()))
    code, out, err = run("solve", str(nfg), "--timeout", "0.5", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["method"] == "enummixed" and doc["complete"] is False
    assert any("stopped at the time limit" in w for w in doc["warnings"])


def test_qhull_under_a_time_limit_gives_the_same_equilibria() -> None:
    """A polytope with possibly more than ISOLATE_VERTICES vertices goes through a child process
    when a limit is set (float mode; exact mode enumerates by the double description, which
    polls the limit); the answer is the same as in this process."""
    rng = np.random.default_rng(3)
    a, b = rng.integers(-4, 5, (12, 12)), rng.integers(-4, 5, (12, 12))
    game = NormalFormGame.from_arrays(a, b)
    assert pt.vertex_bound(24, 12) > enummixed_module.ISOLATE_VERTICES
    for rational, engine in ((False, "qhull"), (True, "double-description")):
        plain = enummixed_module.enummixed_solve(game, rational=rational)
        with time_limit(120):
            limited = enummixed_module.enummixed_solve(game, rational=rational)
        assert plain.diagnostics["engine"] == limited.diagnostics["engine"] == engine
        assert limited.complete
        assert [e.key() for e in limited.equilibria] == [e.key() for e in plain.equilibria]


def test_the_double_description_stops_at_the_timeout() -> None:
    rng = np.random.default_rng(5)
    game = NormalFormGame.from_arrays(rng.integers(-50, 51, (16, 16)),
                                      rng.integers(-50, 51, (16, 16)))
    result = solve(game, "enummixed", timeout=0.2)
    assert not result.complete and result.equilibria == ()
    assert result.diagnostics["engine"] == "double-description"
    assert any("stopped at the time limit (0.2 s --timeout)" in w for w in result.warnings)


def test_vertex_bound_is_the_upper_bound_theorem() -> None:
    assert [pt.vertex_bound(n, 2) for n in (3, 4, 7)] == [3, 4, 7]  # polygons
    assert [pt.vertex_bound(n, 3) for n in (4, 6)] == [4, 8]  # 2n - 4: tetrahedron, cube
    assert pt.vertex_bound(8, 4) == 20  # dual cyclic polytope C(8, 4)*: n(n - 3)/2
    assert pt.vertex_bound(24, 12) == 24752
