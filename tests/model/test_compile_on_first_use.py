"""The compiled model builds each evaluation program (exact, float) on its first use only, and
both give the same numbers as before (issue 15: loading a model compiles nothing it does not run).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model


def test_exact_run_compiles_only_the_exact_program() -> None:
    compiled = compile_model(load_model("branch_commitment"))
    assert compiled._exact_program is None and compiled._float_program is None
    exact = compiled.values()
    assert compiled._exact_program is not None and compiled._float_program is None
    floats = compiled.values(exact=False)
    assert compiled._float_program is not None
    assert np.allclose(np.array([float(v) for v in exact]), floats)


def test_float_values_at_many_points_match_exact_ones() -> None:
    compiled = compile_model(load_model("branch_commitment"))
    name = compiled.model.parameters[0].name
    low, high = (Fraction(str(v)) for v in compiled.model.parameters[0].range)
    points = [low + k * (high - low) / 4 for k in range(5)]
    args = [np.array([float(x) for x in points]) if p.name == name
            else float(compiled.resolve()[p.name]) for p in compiled.model.parameters]
    grid = compiled.float_values(args, len(points))
    for row, x in zip(grid, points, strict=True):
        exact = compiled.values({name: str(x)})
        assert np.allclose(row, np.array([float(v) for v in exact]))
