"""A model file may name the method ``auto`` uses for it (``method:``)."""

from __future__ import annotations

from pathlib import Path

from alliance_games.analysis.runs import instantiate, solve_instance
from tests.cli.entry import run

MODEL = """\
title: Entry with a private type
players: [entrant, incumbent]
method: {method}
tree:
  chance: {{strong: 1/2, weak: 1/2}}
  actions:
    strong:
      player: entrant
      actions:
        Out: [2, 0]
        In:
          player: incumbent
          infoset: after_in
          actions: {{Fight: [-1, -1], Accommodate: [3, 1]}}
    weak:
      player: entrant
      actions:
        Out: [2, 0]
        In:
          player: incumbent
          infoset: after_in
          actions: {{Fight: [-1, -1], Accommodate: [3, 1]}}
"""


def _model(tmp_path: Path, method: str) -> str:
    path = tmp_path / "entry.yaml"
    path.write_text(MODEL.format(method=method), encoding="utf-8")
    return str(path)


def test_auto_uses_the_method_the_model_names(tmp_path: Path) -> None:
    result, _ = solve_instance(instantiate(_model(tmp_path, "spbe")))
    assert result.method == "spbe"
    # spbe drops the Nash equilibria of the subgame that rest on an incredible Fight
    assert len(result.equilibria) == 1


def test_an_explicit_method_wins_over_the_models(tmp_path: Path) -> None:
    result, _ = solve_instance(instantiate(_model(tmp_path, "spbe")), "spe")
    assert result.method == "spe" and len(result.equilibria) > 1


def test_an_unknown_method_is_a_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("solve", _model(tmp_path, "magic"))
    assert code == 2 and "unknown method 'magic'" in err and "Traceback" not in err
