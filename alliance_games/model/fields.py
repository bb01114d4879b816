"""Readers for the scalar fields of a model file, with located errors.

Shared by the schema (top level, normal forms) and the tree reader: each reader takes the
:class:`Context` (the file), the containing mapping or list and the key, so that an error names
``file:line: field.path``.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import sympy

from alliance_games.errors import ExpressionError, ModelError, shown
from alliance_games.model.expressions import parse_expression, unicode_problem
from alliance_games.model.loader import LineDict, LineList

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TAG = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?$")
PLAYER_TAG_KINDS = ("abandonment", "entrapment", "hedge")


class Context:
    """Where we are in the file: path and the (mapping, key) that locates a field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.origins: dict[sympy.Basic, str] = {}
        """Where each expression is first written (see ``SymbolicModel.origins``)."""

    @staticmethod
    def line(where: Any, key: str | int | None) -> int | None:
        """The line of ``where[key]``, else of ``where``, when the loader marked it."""
        line = line_of(where, key) if key is not None else 0
        if not line and isinstance(where, LineDict | LineList):
            line = where.line
        return line or None

    def fail(self, message: str, where: Any, key: str | int | None, field: str,
             kind: type[ModelError] = ModelError) -> NoReturn:
        raise kind(message, path=self.path, line=self.line(where, key), field=field or None)

    def note(self, expr: sympy.Basic, where: Any, key: str | int | None, field: str) -> None:
        """Remember where ``expr`` is first written, unless it is a lone number or name."""
        if not expr.is_Atom and expr not in self.origins:
            line = self.line(where, key)
            self.origins[expr] = f"{self.path}:{line}: {field}" if line else \
                f"{self.path}: {field}"

    def expression(self, text: Any, names: dict[str, sympy.Symbol], where: Any,
                   key: str | int | None, field: str) -> sympy.Expr:
        try:
            expr = parse_expression(text, names)
        except ExpressionError as exc:
            self.fail(exc.message, where, key, field, ExpressionError)
        self.note(expr, where, key, field)
        return expr


def text_field(ctx: Context, raw: LineDict, key: str, *, required: bool = False,
          field: str | None = None) -> str:
    field = field or key
    if key not in raw:
        if required:
            ctx.fail(f"missing required field {shown(key)}", raw, None, field)
        return ""
    value = raw[key]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        ctx.fail(f"expected text, got {type(value).__name__}", raw, key, field)
    text = str(value).strip()
    problem = unicode_problem(text)
    if problem:
        ctx.fail(f"{shown(text)} {problem}", raw, key, field)
    return text


def name_field(ctx: Context, value: Any, where: Any, key: str | int, field: str, what: str) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        ctx.fail(
            f"{what} {shown(value)} is not a valid name (letters, digits and _, not starting "
            "with a digit)", where, key, field,
        )
    return value


def label_field(ctx: Context, value: Any, where: Any, key: str | int, field: str, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        ctx.fail(f"{what} must be a non-empty label, got {shown(value)}", where, key, field)
    text = str(value).strip()
    if any(ch in text for ch in "|:\n\""):
        ctx.fail(f"{what} {shown(text)} may not contain | : or quotes", where, key, field)
    problem = unicode_problem(text)
    if problem:
        ctx.fail(f"{what} {shown(text)} {problem}", where, key, field)
    return text


def constant_field(ctx: Context, value: Any, where: Any, key: str | int, field: str) -> sympy.Rational:
    expr = ctx.expression(value, {}, where, key, field)
    if not expr.is_Rational:
        ctx.fail(f"expected a rational number, got {shown(value)}", where, key, field)
    return expr


# ---- players and parameters ---------------------------------------------------------------------

def payoff_vector(ctx: Context, value: Any, where: Any, key: str | int, field: str,
                   players: tuple[str, ...], names: dict[str, sympy.Symbol]) -> list[sympy.Expr]:
    """Payoffs as ``[a, b, ...]`` in player order, ``"a, b"`` text, or ``{player: value}``."""
    if isinstance(value, str) and "," in value and "(" not in value:
        value = LineList([v.strip() for v in value.split(",")], line=line_of(where, key))
        value.lines = [value.line] * len(value)
    if isinstance(value, LineDict):
        unknown = [k for k in value if k not in players]
        if unknown:
            ctx.fail(f"unknown player {shown(unknown[0])} (players: {', '.join(players)})",
                     value, unknown[0], f"{field}.{unknown[0]}")
        return [ctx.expression(value[p], names, value, p, f"{field}.{p}") if p in value
                else sympy.Integer(0) for p in players]
    if isinstance(value, LineList):
        if len(value) != len(players):
            ctx.fail(f"expected {len(players)} payoffs (one per player: {', '.join(players)}), "
                     f"got {len(value)}", where, key, field)
        return [ctx.expression(v, names, value, k, f"{field}[{k}]") for k, v in enumerate(value)]
    ctx.fail(f"payoffs must be a list with one value per player ({', '.join(players)}) "
             "or a mapping player: value", where, key, field)


def line_of(where: Any, key: str | int) -> int:
    """The line of ``where[key]`` (0 when the loader did not mark it)."""
    if isinstance(where, LineDict) and isinstance(key, str):
        return where.line_of(key)
    if isinstance(where, LineList) and isinstance(key, int):
        return where.line_of(key)
    return 0


def tags_field(ctx: Context, value: Any, where: Any, key: str | int, field: str,
          players: tuple[str, ...]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        ctx.fail("tags must be a list such as [abandonment:p1, war:east]", where, key, field)
    tags = []
    for item in items:
        if not isinstance(item, str) or not TAG.match(item):
            ctx.fail(f"tag {shown(item)} is not of the form kind or kind:name", where, key, field)
        kind, _, who = item.partition(":")
        if kind in PLAYER_TAG_KINDS and who not in players:
            ctx.fail(f"tag {shown(item)} names no player (players: {', '.join(players)})",
                     where, key, field)
        tags.append(item)
    return tuple(tags)


# ---- normal form --------------------------------------------------------------------------------
