"""Imports point one way: cli -> render -> analysis -> solvers -> model -> games -> errors."""

from __future__ import annotations

import ast
from pathlib import Path

LAYERS = ["errors", "games", "model", "solvers", "analysis", "alliance", "render", "cli"]
PACKAGE = Path(__file__).resolve().parent.parent / "alliance_games"


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "alliance_games" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def test_no_module_imports_from_a_higher_layer() -> None:
    problems = []
    for path in PACKAGE.rglob("*.py"):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if own not in LAYERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                layer = _layer(name)
                if layer and LAYERS.index(layer) > LAYERS.index(own):
                    problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not problems, problems


def test_model_text_is_never_evaluated() -> None:
    """No eval/exec/sympify/parse_expr anywhere in the package."""
    forbidden = {"eval", "exec", "sympify", "parse_expr"}
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in forbidden:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert not found, found
