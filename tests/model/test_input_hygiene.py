"""Numbers, expressions and identifiers from hostile or careless files (issue 17): exact big
numbers kept, every refusal located (file and line), short, and fast; no internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_games.errors import SHOWN_CHARS
from tests.cli.entry import run

MATRIX = """title: t
players: [a, b]
parameters:
  - {{name: p, default: 0}}
normal_form:
  strategies: {{a: [x, y], b: [u, v]}}
  matrix:
    - [["{payoff}", 1], [0, 0]]
    - [[0, 0], [1, 1]]
"""
PAYOFF_LINE = 8


def model(tmp_path: Path, payoff: str, name: str = "m.yaml") -> str:
    """A 2 x 2 model whose first payoff is ``payoff`` (on line :data:`PAYOFF_LINE`)."""
    path = tmp_path / name
    path.write_text(MATRIX.format(payoff=payoff), encoding="utf-8")
    return str(path)


def refused(*args: str) -> str:
    """The one-line error of a run that must be refused with exit 2, not an internal error."""
    code, out, err = run(*args)
    assert code == 2, (code, out, err)
    assert "internal error" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err.strip()


def located(error: str, path: str, line: int = PAYOFF_LINE) -> None:
    assert error.startswith(f"error: {path}:{line}: "), error


# ---- 1. big numbers in Gambit files ----------------------------------------------------------
BIG = "1" + "0" * 400


def test_a_gambit_payoff_of_10_to_the_400_is_kept_exactly(tmp_path: Path) -> None:
    path = tmp_path / "big.nfg"
    path.write_text(f'NFG 1 R "big" {{ "A" "B" }}\n{{ 1 1 }}\n""\n{BIG} 0\n')
    code, out, err = run("solve", str(path), "--format", "json")
    assert code == 0, err
    assert BIG in out  # the exact payoff, every digit


def test_a_gambit_payoff_of_10_to_the_400_is_refused_in_floats_located_and_cut(
        tmp_path: Path) -> None:
    path = tmp_path / "big.nfg"
    path.write_text(f'NFG 1 R "big" {{ "A" "B" }}\n{{ 1 1 }}\n""\n\n{BIG} 0\n')
    error = refused("solve", str(path), "--float")
    located(error, str(path), 5)
    assert "has no float value" in error and "without --float" in error
    assert BIG[:SHOWN_CHARS] in error and BIG[: SHOWN_CHARS + 1] not in error
    assert "(401 characters)" in error


def test_a_tiny_probability_gives_a_short_located_message(tmp_path: Path) -> None:
    path = tmp_path / "tiny.efg"
    path.write_text('EFG 2 R "t" { "A" "B" }\n""\nc "" 1 "" { "x" 1e-1000 "y" 1 } 0\n'
                    't "" 1 "o" { 1, 2 }\nt "" 2 "o2" { 3, 4 }\n')
    error = refused("solve", str(path))
    located(error, str(path), 3)
    assert "chance probabilities sum to" in error and "characters), not 1" in error
    assert len(error) < 2 * SHOWN_CHARS + 150


def test_a_tiny_probability_that_sums_exactly_is_kept(tmp_path: Path) -> None:
    rest = "0." + "9" * 999  # 1 - 1e-999, exactly
    path = tmp_path / "tiny.efg"
    path.write_text(f'EFG 2 R "t" {{ "A" "B" }}\n""\nc "" 1 "" {{ "x" 1e-999 "y" {rest} }} 0\n'
                    't "" 1 "o" { 1, 2 }\nt "" 2 "o2" { 3, 4 }\n')
    code, out, err = run("solve", str(path), "--format", "json")
    assert code == 0, err


# ---- 3. expression errors name the file and line -----------------------------------------------
@pytest.mark.parametrize("mode", [(), ("--float",)])
def test_division_by_zero_at_the_parameter_values_is_located(tmp_path: Path,
                                                             mode: tuple[str, ...]) -> None:
    path = model(tmp_path, "1/p")
    error = refused("solve", path, *mode)
    located(error, path)
    assert "normal_form.matrix[0][0][0]: the expression 1/p has no finite value at p=0" in error


def test_exp_of_a_huge_constant_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = model(tmp_path, "exp(10**30)")
    error = refused("solve", path)
    located(error, path)
    assert "exp of 1000000000000000000000000000000 is out of range" in error


def test_an_exponent_from_parameters_is_located(tmp_path: Path) -> None:
    path = model(tmp_path, "2**p")
    error = refused("solve", path, "--set", "p=1000")
    located(error, path)
    assert "exponent takes the value 1000" in error


def test_a_tree_payoff_error_names_the_line_of_the_expression(tmp_path: Path) -> None:
    path = tmp_path / "tree.yaml"
    path.write_text("title: t\nplayers: [a]\nparameters:\n  - {name: p, default: 0}\n"
                    "tree:\n  player: a\n  actions:\n    l: [1]\n    r: [1/p]\n")
    error = refused("solve", str(path))
    located(error, str(path), 9)
    assert "1/p" in error


# ---- 4. nested exp: refused before it is computed -----------------------------------------------
def test_four_nested_exps_are_refused_by_the_nesting_limit(tmp_path: Path) -> None:
    path = model(tmp_path, "exp(exp(exp(exp(100))))")
    error = refused("solve", path)
    located(error, path)
    assert "nested more than 3 deep" in error


def test_three_nested_exps_are_refused_by_the_argument_bound(tmp_path: Path) -> None:
    path = model(tmp_path, "exp(exp(exp(100)))")
    located(refused("solve", path), path)


@pytest.mark.parametrize("mode", [(), ("--float",)])
def test_nested_exps_of_a_parameter_are_refused_at_its_value(tmp_path: Path,
                                                             mode: tuple[str, ...]) -> None:
    path = model(tmp_path, "exp(exp(exp(p)))")
    error = refused("solve", path, "--set", "p=100", *mode)
    located(error, path)
    assert ("exp of exp(100) is out of range" in error) if not mode else \
        ("has no finite value at p=100" in error)


def test_nested_exps_of_a_small_parameter_still_work_in_floats(tmp_path: Path) -> None:
    code, out, err = run("solve", model(tmp_path, "exp(exp(exp(p)))"), "--set", "p=1",
                         "--float", "--format", "json")
    assert code == 0, err


# ---- 5. invalid Unicode ---------------------------------------------------------------------------
def test_a_lone_surrogate_in_an_expression_is_called_invalid_unicode(tmp_path: Path) -> None:
    path = model(tmp_path, "\\ud800 + 1")
    error = refused("solve", path)
    located(error, path)
    assert "not valid Unicode" in error and "U+D800" in error and "nested" not in error


def test_a_lone_surrogate_in_a_label_is_refused_not_an_encoding_crash(tmp_path: Path) -> None:
    path = tmp_path / "label.yaml"
    path.write_text(MATRIX.format(payoff="1").replace("title: t", 'title: "bad \\ud800"'))
    error = refused("solve", str(path), "--format", "json")
    located(error, str(path), 1)
    assert "not valid Unicode" in error


# ---- 6. lookalike identifiers -------------------------------------------------------------------
@pytest.mark.parametrize("written", ["\uff50", "\U0001d429"])
def test_lookalike_letters_are_refused_naming_both_forms(tmp_path: Path, written: str) -> None:
    path = model(tmp_path, f"{written} + 1")
    error = refused("solve", path)
    located(error, path)
    assert f"name '{written}' is written with lookalike characters" in error
    assert "as 'p' (its NFKC form)" in error


def test_a_lookalike_function_name_is_refused(tmp_path: Path) -> None:
    path = model(tmp_path, "\uff45xp(1)")
    assert "as 'exp' (its NFKC form)" in refused("solve", path)
