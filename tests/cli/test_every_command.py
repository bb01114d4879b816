"""Every command on every bundled model with default options: it works, or it refuses in one line.

Each command runs in this process through :func:`alliance_games.cli.main` (the entry point that
turns expected errors into one ``error: ...`` line and exit code 2, and anything else into an
``internal error``). A command passes when it exits 0, or exits 2 with one line on stderr that
is an expected error (a model without parameters to sweep, without policies to follow, too big
for a table...), never an internal error or a traceback. ``sweep`` and ``threshold`` use the
model's first parameter with a range (3 points; a made-up name on models without parameters),
``threshold`` the first declared policy, and on models without policies also ``--watch count``.
Models are parsed once for the whole file (the flagship takes a second to build).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alliance_games.model.catalog import bundled_models, load_model
from alliance_games.model.symbolic import SymbolicModel
from tests.cli.entry import run

MODELS = {entry.name: load_model(str(entry.path)) for entry in bundled_models()}
EXPORTS = ("latex-table", "latex-tree", "efg", "nfg", "json")


@pytest.fixture(scope="module", autouse=True)
def parse_once() -> Iterator[None]:
    """Every model file is built once (keyed by its path) while this file's tests run."""
    from alliance_games.model import schema

    built: dict[tuple[str, str], SymbolicModel] = {}
    original = schema.build_model

    def build_model(raw: Any, *, name: str, path: str) -> SymbolicModel:
        if (name, path) not in built:
            built[(name, path)] = original(raw, name=name, path=path)
        return built[(name, path)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "build_model", build_model)
        yield


def swept(model: SymbolicModel) -> tuple[str, str, str]:
    """A parameter to move (the first with a range) and its range; a made-up one without."""
    parameter = next((p for p in model.parameters if p.range is not None and p.values is None),
                     None)
    if parameter is None:
        return "x", "0", "1"
    assert parameter.range is not None
    return parameter.name, str(parameter.range[0]), str(parameter.range[1])


def commands(name: str, model: SymbolicModel, tmp: Path) -> list[list[str]]:
    parameter, lo, hi = swept(model)
    threshold = ["threshold", name, "--param", parameter, "--between", f"{lo}:{hi}"]
    found = [["show", name], ["solve", name], ["compare", name], ["dominance", name],
             ["sweep", name, "--param", f"{parameter}={lo}:{hi}:3"],
             [*threshold, *(["--policy", model.policies[0]] if model.policies else [])],
             *(["export", name, "--to", to, "-o", str(tmp / f"{name}.{to}")] for to in EXPORTS),
             ["report", name, "-o", str(tmp / f"{name}.tex")]]
    if not model.policies:
        found.append([*threshold, "--watch", "count"])
    return found



def test_models_lists_every_bundled_model() -> None:
    code, out, err = run("models", "--format", "json")
    assert code == 0, err
    assert all(name in out for name in MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_command_works_or_refuses_in_one_line(name: str, tmp_path: Path) -> None:
    for args in commands(name, MODELS[name], tmp_path):
        code, _, err = run(*args)
        shown = " ".join(args)
        assert "internal error" not in err and "Traceback" not in err, f"{shown}: {err}"
        if code != 0:
            lines = err.strip().splitlines()
            assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), \
                f"{shown} exited {code}: {err}"
