"""The compiled-model cache: a cached model is the same game as the file's, a cached ``compare``
prints the same bytes without importing sympy, and anything unusual falls back to the ordinary
load with its usual message."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from alliance_games.model import model_cache, programs
from alliance_games.model.catalog import bundled_models, load_model
from alliance_games.model.compile import compile_model
from alliance_games.model.numeric_model import NotHandled
from tests.cli.entry import run

TREE_MODELS = [e.name for e in bundled_models() if load_model(e.name).is_tree]

SMALL = """\
title: Entry with a price
players: [entrant, incumbent]
policies: [In, Out]
parameters:
  - {name: price, default: 2, range: [0, 10], description: price}
tree:
  player: entrant
  actions:
    In:
      player: incumbent
      actions:
        Fight: {payoffs: [-1, "1/price"], tags: ["entrapment:incumbent"]}
        Accommodate: [1, 1]
    Out: {payoffs: [0, price]}
"""


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv(model_cache.ENV, str(cache))
    return cache


def _points(model: object, rng: random.Random, count: int) -> list[dict[str, str]]:
    points: list[dict[str, str]] = [{}]
    for _ in range(count):
        point = {}
        for p in model.parameters:  # type: ignore[attr-defined]
            if p.range is not None and rng.random() < 0.7:
                lo, hi = (Fraction(int(x.p), int(x.q)) for x in p.range)
                point[p.name] = str(lo + (hi - lo) * Fraction(rng.randrange(1001), 1000))
        points.append(point)
    return points


@pytest.mark.parametrize("name", TREE_MODELS)
def test_cached_model_builds_the_same_tree(name: str, folder: Path) -> None:
    """Through the cache and back, every number of the tree equals the compiled model's at the
    defaults and at random points (same values, all Fractions), and so does the structure."""
    model = load_model(name)
    compiled = compile_model(model)
    numeric = compiled.numeric()
    assert numeric is not None
    model_cache.store("k" * 40, numeric)
    cached = model_cache.load("k" * 40)
    assert cached is not None
    assert cached.defaults() == {p.name: Fraction(int(p.default.p), int(p.default.q))
                                 for p in model.parameters}
    for point in _points(model, random.Random(name), 6):
        try:
            expected = compiled.at(point)
        except Exception:  # noqa: BLE001 - the cached model must then decline too
            with pytest.raises(NotHandled):
                cached.at(point)
            continue
        found = cached.at(point)
        for a, b in ((expected.node_payoffs, found.node_payoffs),
                     (expected.edge_prob, found.edge_prob),
                     *((expected.measures[k], found.measures[k]) for k in expected.measures)):
            assert a.shape == b.shape and np.array_equal(a, b)
            assert {type(v) for v in b.ravel().tolist()} <= {Fraction}
        assert found.structure_key == expected.structure_key
        assert found.node_label == expected.node_label
        assert found.outcome_label == expected.outcome_label
        assert np.array_equal(found.has_payoff, expected.has_payoff)
        assert found.title == expected.title


def test_programs_agree_with_sympy() -> None:
    """Random sums, products and integer powers evaluate exactly as sympy evaluates them."""
    rng = random.Random(7)
    x, y, z = sympy.symbols("x y z")
    leaves = [x, y, z, sympy.Rational(3, 7), sympy.Integer(-2), sympy.Rational(1, 2)]

    def grow(depth: int) -> sympy.Expr:
        if depth == 0:
            return rng.choice(leaves)
        kind = rng.randrange(3)
        if kind == 0:
            return sympy.Add(*[grow(depth - 1) for _ in range(rng.randrange(2, 4))])
        if kind == 1:
            return sympy.Mul(*[grow(depth - 1) for _ in range(rng.randrange(2, 4))])
        return sympy.Pow(grow(depth - 1), rng.choice([-2, -1, 2, 3]))

    exprs = [grow(3) for _ in range(200)]
    code, constants = programs.to_programs(exprs, (x, y, z))
    for _ in range(5):
        args = [Fraction(rng.randrange(1, 50), rng.randrange(1, 9)) for _ in range(3)]
        got = programs.evaluate(code, constants, args)
        for expr, value in zip(exprs, got, strict=True):
            want = expr.subs({x: sympy.Rational(args[0].numerator, args[0].denominator),
                              y: sympy.Rational(args[1].numerator, args[1].denominator),
                              z: sympy.Rational(args[2].numerator, args[2].denominator)})
            assert isinstance(value, Fraction)
            assert value == Fraction(int(want.p), int(want.q))


@pytest.mark.parametrize("expr", ["exp(x)", "x**y", "sqrt(x)", "x**(1/2)"])
def test_expressions_without_a_program(expr: str) -> None:
    x, y = sympy.symbols("x y")
    with pytest.raises(programs.Unsupported):
        programs.to_programs([sympy.sympify(expr)], (x, y))


def _compare(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = ("import sys\nfrom alliance_games.cli.app import run\n"
            "try:\n    run()\nfinally:\n"
            "    print('SYMPY', 'sympy' in sys.modules, file=sys.stderr)\n")
    return subprocess.run([sys.executable, "-c", code, "compare", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=300, check=False)


def test_cached_compare_prints_the_same_without_sympy(folder: Path) -> None:
    """The first run writes the cache, the second reads it: same JSON as with the cache off,
    and the second run never imports sympy."""
    args = ["alliance_system", "--set", "rival_count=1", "--format", "json"]
    off = _compare(args, {model_cache.ENV: "off"})
    first = _compare(args, {model_cache.ENV: str(folder)})
    second = _compare(args, {model_cache.ENV: str(folder)})
    assert off.returncode == first.returncode == second.returncode == 0
    assert json.loads(off.stdout)["leader_choice"]  # a real comparison
    assert off.stdout == first.stdout == second.stdout
    assert len(list(folder.glob("*.npz"))) == 1
    assert "SYMPY True" in first.stderr and "SYMPY False" in second.stderr


def _run(args: list[str]) -> tuple[int, str]:
    code, out, err = run(*args)
    return code, out + err


def test_unusual_input_gets_the_ordinary_message(folder: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad values, a value out of range and a division by zero at the chosen values give the
    messages and exit codes of an uncached run, with the model in the cache."""
    path = tmp_path / "entry.yaml"
    path.write_text(SMALL)
    assert _run(["compare", str(path)])[0] == 0
    assert len(list(folder.glob("*.npz"))) == 1
    cases = [["--set", "price=abc"], ["--set", "price=11"], ["--set", "nope=1"],
             ["--set", "price=0"], ["--set", "price=1/4"], ["--set", "price=2.5"]]
    cached = [_run(["compare", str(path), *case]) for case in cases]
    monkeypatch.setenv(model_cache.ENV, "off")
    plain = [_run(["compare", str(path), *case]) for case in cases]
    assert cached == plain
    assert [code for code, _ in plain] == [2, 2, 2, 2, 0, 0]
    assert "price" in plain[3][1]  # the division by zero is located by the ordinary load


def test_a_changed_file_is_read_again(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(SMALL)
    before = json.loads(_run(["compare", str(path), "--format", "json"])[1])
    path.write_text(SMALL.replace("Accommodate: [1, 1]", "Accommodate: [1, 7]"))
    after = json.loads(_run(["compare", str(path), "--format", "json"])[1])
    assert before != after
    assert len(list(folder.glob("*.npz"))) == 2


def test_a_damaged_cache_file_is_ignored_and_replaced(folder: Path) -> None:
    args = ["compare", "branch_commitment", "--format", "json"]
    code, expected = _run(args)
    assert code == 0
    (stored,) = folder.glob("*.npz")
    stored.write_bytes(b"not a zip file")
    assert _run(args) == (0, expected)
    assert model_cache.load(stored.stem) is not None  # written again
    renamed = stored.with_name("f" * 40 + ".npz")  # a header whose key is not the name
    stored.rename(renamed)
    assert model_cache.load(renamed.stem) is None


def test_caching_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(model_cache.ENV, "off")
    assert model_cache.cache_folder() is None
    assert model_cache.source_key("branch_commitment") is None
    monkeypatch.setenv(model_cache.ENV, str(tmp_path / "c"))
    assert model_cache.source_key("-") is None
    assert model_cache.source_key(str(tmp_path / "missing.yaml")) is None
    assert model_cache.source_key("branch_commitment") is not None


@pytest.mark.parametrize("name", ["entry_deterrence", "beer_quiche", "audience_cost",
                                  "deterrence_uncertain_resolve", "branch_commitment",
                                  "alliance_bargaining"])
def test_cached_solve_prints_the_same(name: str, folder: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """solve of a tree model: the first run fills the cache, the second reads it, both print
    what a run without the cache prints (JSON and table)."""
    for fmt in ("json", "table"):
        first = _run(["solve", name, "--format", fmt])
        second = _run(["solve", name, "--format", fmt])
        assert first[0] == 0 and first == second
        with monkeypatch.context() as patch:
            patch.setenv(model_cache.ENV, "off")
            assert _run(["solve", name, "--format", fmt]) == first
    assert len(list(folder.glob("*.npz"))) == 1
    code, text = _run(["solve", name, "--float", "--format", "json"])  # floats: never cached
    assert code == 0 and json.loads(text)["equilibria"]


def test_a_normal_form_with_policies_keeps_its_own_form(folder: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """compare reads a normal form with policies as a commitment tree; that tree is not what
    the file's game is, so it must not be cached for solve, which solves the normal form."""
    path = tmp_path / "pd.yaml"
    text = (Path(load_model("prisoners_dilemma").path).read_text()
            + "policies: [Cooperate, Defect]\n")
    path.write_text(text)
    compared = _run(["compare", str(path), "--format", "json"])
    solved = _run(["solve", str(path), "--format", "json"])
    monkeypatch.setenv(model_cache.ENV, "off")
    assert compared == _run(["compare", str(path), "--format", "json"])
    assert solved == _run(["solve", str(path), "--format", "json"])
    assert solved[0] == 0 and compared[0] == 0
