"""The whitelist expression parser: exact values for admitted text, reasons for refusals."""

from __future__ import annotations

import re
import uuid
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from alliance_games.errors import ExpressionError
from alliance_games.model.expressions import (
    MAX_EXPRESSION_LENGTH,
    MAX_SYNTAX_NODES,
    parse_expression,
)

a, b, c, p = (sympy.Symbol(n, real=True) for n in "abcp")
NAMES: dict[str, sympy.Symbol] = {"a": a, "b": b, "c": c, "p": p}
R = sympy.Rational

VALID: list[tuple[str | int | float, sympy.Basic]] = [
    ("3", sympy.Integer(3)),
    ("0.1", R(1, 10)),
    ("0.1 + 0.2", R(3, 10)),
    ("-0.25", R(-1, 4)),
    (".5", R(1, 2)),
    ("1e-3", R(1, 1000)),
    ("1.5e-7", R(3, 20_000_000)),
    ("1_000", sympy.Integer(1000)),
    ("1.0000000000000000000001", R(10**22 + 1, 10**22)),
    ("1/3", R(1, 3)),
    ("2**-1", R(1, 2)),
    ("2**64", sympy.Integer(2**64)),
    ("0.1**64", R(1, 10**64)),
    (0.1, R(1, 10)),
    (7, sympy.Integer(7)),
    ("a", a),
    ("(1 - p) * a + p * b", (1 - p) * a + p * b),
    ("-a", -a),
    ("+a", a),
    ("a / 2", a / 2),
    ("a ** 2", a**2),
    ("min(a, b)", sympy.Min(a, b)),
    ("max(a, b, c)", sympy.Max(a, b, c)),
    ("max(1, 2)", sympy.Integer(2)),
    ("abs(-3)", sympy.Integer(3)),
    ("sqrt(4)", sympy.Integer(2)),
    ("sqrt(a)", sympy.sqrt(a)),
    ("exp(0)", sympy.Integer(1)),
    ("log(1)", sympy.Integer(0)),
    ("ifelse(p > 1/2, a, b)", sympy.Piecewise((a, p > R(1, 2)), (b, True))),
    ("ifelse(0 < p < 1/2, 1, 0)",
     sympy.Piecewise((1, sympy.And(p > 0, p < R(1, 2))), (0, True))),
    ("ifelse(p >= 1 and not a == b or c != 0, 1, 2)",
     sympy.Piecewise((1, sympy.Or(sympy.And(p >= 1, sympy.Not(sympy.Eq(a, b))),
                                  sympy.Ne(c, 0))), (2, True))),
    ("ifelse(p <= 0, 1, 2) + 1", sympy.Piecewise((1, p <= 0), (2, True)) + 1),
    ("a  # a comment", a),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[str(t) for t, _ in VALID])
def test_valid_expressions_are_exact(text: str | int | float, expected: sympy.Basic) -> None:
    result = parse_expression(text, NAMES)
    assert result == expected
    assert sympy.simplify(result - expected) == 0


def test_decimal_is_exact_rational() -> None:
    result = parse_expression("0.1", NAMES)
    assert isinstance(result, sympy.Rational)
    assert (result.p, result.q) == (1, 10)


def test_ifelse_gives_piecewise() -> None:
    result = parse_expression("ifelse(p > 1/2, a, b)", NAMES)
    assert isinstance(result, sympy.Piecewise)
    assert result.subs(p, 1) == a
    assert result.subs(p, 0) == b


def test_condition_allowed_when_asked() -> None:
    assert parse_expression("p > 1/2", NAMES, allow_conditions=True) == (p > R(1, 2))


REFUSED: list[tuple[str | object, str]] = [
    ("__import__('os')", "function '__import__' is not allowed"),
    ("open('x')", "function 'open' is not allowed"),
    ("eval('1')", "function 'eval' is not allowed"),
    ("a.b", "attribute access"),
    ("a.__class__", "attribute access"),
    ("a[0]", "subscripts"),
    ("lambda: 1", "lambdas"),
    ("[x for x in y]", "comprehensions"),
    ("(x for x in y)", "comprehensions"),
    ("{}", "dictionaries"),
    ("{1}", "sets"),
    ("[1, 2]", "lists"),
    ("(1, 2)", "tuples"),
    ("'text'", "strings"),
    ("f'{a}'", "strings"),
    ("b'x'", "bytes constants"),
    ("True", "bool constants"),
    ("1j", "complex constants"),
    ("(a := 1)", "assignments"),
    ("zz", "unknown name 'zz' (declared parameters: a, b, c, p)"),
    ("print", "unknown name 'print'"),
    ("max", "is a function"),
    ("sin(a)", "function 'sin' is not allowed (allowed: abs, exp, ifelse, log, max, min, sqrt)"),
    ("Min(a, b)", "function 'Min' is not allowed"),
    ("max(a, b=1)", "takes no keyword arguments"),
    ("max(a, *b)", "starred"),
    ("min(a)", "min() takes two or more arguments, got 1"),
    ("abs(a, b)", "abs() takes 1 arguments, got 2"),
    ("ifelse(a, 1, 2)", "expected a condition"),
    ("ifelse(p > 0, p > 1, 2)", "a condition cannot be used as a number"),
    ("a if b else c", "inline if (use ifelse(condition, a, b))"),
    ("p > 1/2", "is a condition, not a number"),
    ("a and b", "expected a condition"),
    ("(p > 0) + 1", "a condition cannot be used as a number"),
    ("a // b", "operator FloorDiv is not allowed"),
    ("a % b", "operator Mod is not allowed"),
    ("a @ b", "operator MatMult is not allowed"),
    ("a << 2", "operator LShift is not allowed"),
    ("~a", "operator Invert is not allowed"),
    ("9**9**9", "exponent 387420489 is too large"),
    ("2 ** 65", "too large (at most 64"),
    ("a ** 100", "too large (at most 64"),
    ("(2**64)**64", "needs more than 512 bits"),
    ("1e300", "needs more than 512 bits"),
    ("1e-99999999", "out of range"),
    ("1e400", "not finite"),
    ("1" * 41, "more than 40 digits"),
    ("1/0", "division by zero"),
    ("0**-1", "zero raised to a negative power"),
    ("log(0)", "log of a non-positive number"),
    ("sqrt(-1)", "not a real number"),
    ("(-8)**(1/3)", "not a real number"),
    ("x" * 100_000, f"the limit is {MAX_EXPRESSION_LENGTH}"),
    ("(" * 5000 + "1" + ")" * 5000, "characters long"),
    ("(" * 300 + "1" + ")" * 300, "nested"),
    ("-" * 1000 + "1", f"the limit is {MAX_SYNTAX_NODES}"),
    ("+".join(["a"] * 300), "syntax nodes"),
    ("", "empty expression"),
    ("   ", "empty expression"),
    ("a +", "not a valid expression"),
    ("import os", "not a valid expression"),
    ("a = 1", "not a valid expression"),
    ("a; b", "not a valid expression"),
    ("-a - ${c}", "names an argument directly (c, not ${c})"),
    (True, "expected a number or an expression"),
    (None, "expected a number or an expression, got NoneType"),
    ([1], "expected a number or an expression"),
]


@pytest.mark.parametrize(("text", "phrase"), REFUSED, ids=[repr(t)[:40] for t, _ in REFUSED])
def test_refused_with_reason(text: object, phrase: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, NAMES)  # type: ignore[arg-type]
    assert phrase in str(info.value)


def test_undeclared_name_lists_declared_parameters() -> None:
    with pytest.raises(ExpressionError, match=r"declared parameters: none"):
        parse_expression("cost", {})


@pytest.mark.parametrize(
    "template",
    [
        "__import__('os').system('touch {path}')",
        "open('{path}', 'w')",
        "open('{path}', 'w').write('x')",
        "[c for c in ().__class__.__base__.__subclasses__()][0]('{path}')",
        "exec(\"open('{path}', 'w')\")",
        "ifelse(p > 0, __import__('os').system('touch {path}'), 1)",
        "min(open('{path}', 'w'), 1)",
    ],
)
def test_nothing_is_executed(template: str) -> None:
    target = Path("/tmp") / f"PWNED_{uuid.uuid4().hex}"
    text = template.format(path=target)
    with pytest.raises(ExpressionError):
        parse_expression(text, NAMES)
    assert not target.exists()


@pytest.mark.parametrize(("expression", "p", "value"), [
    ("sqrt(p)", "4", Fraction(2)), ("abs(p)", "-3/2", Fraction(3, 2)), ("exp(p)", "0", Fraction(1)),
    ("log(p)", "1", Fraction(0)), ("min(p, 1/3)", "1/2", Fraction(1, 3)),
    ("max(p, 1/3)", "1/2", Fraction(1, 2)), ("ifelse(p > 1, 2, 3)", "2", Fraction(2)),
])
def test_every_whitelisted_function_evaluates_exactly(tmp_path, expression: str, p: str,
                                                      value: Fraction) -> None:
    """Issue 17: sqrt/abs/exp/log of a parameter failed in exact mode with a NameError."""
    from alliance_games.errors import GameError
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    path = tmp_path / "f.yaml"
    path.write_text("title: f\nsource: test\nplayers: [a, b]\nparameters:\n"
                    "  - {name: p, default: 1, range: [-5, 5]}\n"
                    f"tree:\n  player: a\n  actions:\n    X: ['{expression}', 0]\n    Y: [0, 0]\n")
    compiled = compile_model(load_model(str(path)))
    assert compiled.at({"p": p}).node_payoffs[1][0] == value
    if expression.startswith("sqrt"):
        with pytest.raises(GameError, match=r"is not rational .* solve in floats with --float"):
            compiled.at({"p": "2"})


@pytest.mark.parametrize(("p", "exact", "culprit"), [
    ("0", True, "1/p"), ("0", False, "1/p"), ("1500", False, "2**p"),
])
def test_no_finite_value_is_a_located_error(tmp_path, p: str, exact: bool, culprit: str) -> None:
    """Issue 17: 1/p at p = 0 and 2**p past float range were internal errors in float mode."""
    from alliance_games.errors import GameError
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    path = tmp_path / "f.yaml"
    path.write_text("title: f\nsource: test\nplayers: [a, b]\nparameters:\n"
                    "  - {name: p, default: 1, range: [0, 2000]}\n"
                    "tree:\n  player: a\n  actions:\n    X: ['1/p', 0]\n    Y: ['2**p', 0]\n")
    compiled = compile_model(load_model(str(path)))
    with pytest.raises(GameError, match=rf"the expression {re.escape(culprit)} has no finite "
                                        rf"value at p={p}"):
        compiled.at({"p": p}, exact=exact)
