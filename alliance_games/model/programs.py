"""A model's expressions as small stack programs, evaluated exactly without sympy.

A compiled model (:mod:`alliance_games.model.compile`) evaluates its distinct expressions through
sympy. For the common case — sums, products and integer powers of parameters and rational
constants — the same values come out of a few lines of exact arithmetic on
:class:`fractions.Fraction`, with no sympy import at all, which is what lets a cached model
(:mod:`alliance_games.model.model_cache`) be read and evaluated at start-up cost.

A program is a flat list of integers in postfix order:

* ``CONST k``: push constant ``k`` of the program's constant table;
* ``PARAM i``: push parameter ``i`` (declaration order);
* ``ADD n`` / ``MUL n``: pop ``n`` values, push their sum / product;
* ``POW e``: pop one value, push it to the integer power ``e``.

Rational arithmetic is exact and associative, so the value equals sympy's for every input; a
power of zero to a negative exponent raises :class:`ZeroDivisionError`, where sympy gives an
infinite value: callers then fall back to the sympy path, which reports it with its place in the
file. An expression with anything else (a parameter in an exponent, ``exp``, a root) has no
program (:class:`Unsupported`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

CONST, PARAM, ADD, MUL, POW = 0, 1, 2, 3, 4
MAX_POWER = 64
"""Integer exponents a program keeps (larger ones: the model is not cached)."""


class Unsupported(ValueError):
    """An expression that is not a sum, product or integer power of parameters and rationals."""


def to_programs(exprs: Sequence[Any], symbols: Sequence[Any]
                ) -> tuple[list[list[int]], list[Fraction]]:
    """Programs for sympy expressions ``exprs`` in the parameters ``symbols`` and their shared
    table of constants; :class:`Unsupported` when one cannot be written (module docstring)."""
    import sympy

    index = {s: i for i, s in enumerate(symbols)}
    constants: dict[Fraction, int] = {}

    def const(value: Any) -> list[int]:
        number = Fraction(int(value.p), int(value.q))
        return [CONST, constants.setdefault(number, len(constants))]

    def emit(expr: Any) -> list[int]:
        if isinstance(expr, sympy.Rational):
            return const(expr)
        if isinstance(expr, sympy.Symbol):
            if expr not in index:
                raise Unsupported(f"unknown symbol {expr}")
            return [PARAM, index[expr]]
        if isinstance(expr, sympy.Add | sympy.Mul):
            code = [x for arg in expr.args for x in emit(arg)]
            return [*code, ADD if isinstance(expr, sympy.Add) else MUL, len(expr.args)]
        if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Integer) \
                and abs(int(expr.exp)) <= MAX_POWER:
            return [*emit(expr.base), POW, int(expr.exp)]
        raise Unsupported(f"no program for {type(expr).__name__}")

    programs = [emit(e) for e in exprs]
    return programs, list(constants)


def evaluate(programs: Sequence[Sequence[int]], constants: Sequence[Fraction],
             args: Sequence[Fraction]) -> list[Fraction]:
    """The value of every program at the parameter values ``args`` (exact; see the module
    docstring for the one error it raises)."""
    out = []
    for program in programs:
        stack: list[Fraction] = []
        push, pop = stack.append, stack.pop
        for k in range(0, len(program), 2):
            op, arg = program[k], program[k + 1]
            if op == CONST:
                push(constants[arg])
            elif op == PARAM:
                push(args[arg])
            elif op == POW:
                push(pop() ** arg)
            else:
                values = stack[len(stack) - arg:]
                del stack[len(stack) - arg:]
                total = values[0]
                if op == ADD:
                    for v in values[1:]:
                        total = total + v
                else:
                    for v in values[1:]:
                        total = total * v
                push(total)
        (value,) = stack
        out.append(value if isinstance(value, Fraction) else Fraction(value))
    return out
