"""Whitelisted parsing of model expressions into sympy.

Model files are data, never code. An expression such as ``(1 - p) * cost + max(a, b)`` is parsed
with :func:`ast.parse` in ``eval`` mode and rendered node by node into sympy; only these nodes
are admitted:

* numbers (ints and decimals, kept exact: ``0.1`` is ``1/10``), declared parameter names;
* ``+ - * / **``, unary ``+ -``;
* comparisons ``< <= > >= == !=`` and ``and``, ``or``, ``not`` (only as conditions of ``ifelse``);
* calls to the functions of :data:`FUNCTIONS` by bare name.

Names are compared as written. Python reads identifiers in their NFKC form, so the fullwidth
``ｐ`` and the mathematical ``𝐩`` would silently become ``p``; a name whose text differs from its
NFKC form is refused instead, naming both forms. Text that is not valid Unicode (a lone surrogate,
which YAML's ``"\\ud800"`` escape can produce) is refused as such.

Everything else (attributes, subscripts, lambdas, comprehensions, strings, undeclared names,
calls to anything else) is refused with the reason. Sizes are bounded before any arithmetic:
text length, syntax-tree size, literal digits, exponents, and the bit size of every constant
the expression produces, so ``9**9**9`` is refused rather than computed. ``exp``, ``log`` and
``sqrt`` nest at most :data:`MAX_FUNCTION_NESTING` deep, and ``exp(x)`` needs
``|x| <=`` :data:`MAX_EXP_ARGUMENT` for every constant ``x`` (:func:`check_exp_argument`,
applied again to values that come from parameters), so ``exp(exp(exp(exp(100))))`` is refused
before any digit of it is computed. Nothing is ever passed to ``eval``, ``sympify`` or
``parse_expr``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import sympy

from alliance_games.errors import ExpressionError, shown, shown_number

MAX_EXPRESSION_LENGTH = 2_000
"""Characters in one expression."""
MAX_SYNTAX_NODES = 400
"""Nodes in one expression's syntax tree."""
MAX_LITERAL_DIGITS = 40
"""Digits in one numeric literal."""
MAX_EXPONENT = 64
"""Largest absolute numeric exponent of ``**``."""
MAX_CONSTANT_BITS = 512
"""Largest bit length of the numerator or denominator of any constant produced."""
MAX_EXP_ARGUMENT = 700
"""Largest absolute argument of ``exp``: ``e**700`` is about ``1e304``, near the largest float."""
MAX_FUNCTION_NESTING = 3
"""How deep ``exp``, ``log`` and ``sqrt`` may be nested inside one another."""
_TRANSCENDENTAL = ("exp", "log", "sqrt")
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_exp_argument(argument: sympy.Expr, fix: str = "rescale the model") -> None:
    """Refuse ``exp(argument)`` when the argument is a number of magnitude above
    :data:`MAX_EXP_ARGUMENT` (its value would overflow a float and, nested, exhaust mpmath);
    ``fix`` ends the message.

    The magnitude is evaluated to 15 digits: every argument that reaches here was itself bounded,
    so the evaluation is cheap.
    """
    if not argument.is_number:
        return
    magnitude = abs(sympy.N(argument, 15))
    if not magnitude.is_finite or magnitude > MAX_EXP_ARGUMENT:
        raise ExpressionError(
            f"exp of {shown_number(argument)} is out of range (exp takes arguments of at most "
            f"{MAX_EXP_ARGUMENT} in absolute value); {fix}"
        )


def unicode_problem(text: str) -> str | None:
    """Why ``text`` is not valid Unicode (it holds a lone surrogate, which YAML's ``\\ud800``
    escape can produce and no encoder can write), or ``None``."""
    bad = _SURROGATE.search(text)
    if bad is None:
        return None
    return (f"is not valid Unicode: it contains the lone surrogate U+{ord(bad.group()):04X} (fix the "
            "escape or the file's encoding)")


def _is_condition(value: sympy.Basic) -> bool:
    """True for comparisons and logical combinations (a Symbol is also a sympy Boolean)."""
    return isinstance(value, sympy.logic.boolalg.Boolean) and not isinstance(value, sympy.Expr)


def _ifelse(cond: sympy.Basic, then: sympy.Expr, otherwise: sympy.Expr) -> sympy.Expr:
    return sympy.Piecewise((then, cond), (otherwise, True))


FUNCTIONS: dict[str, tuple[Callable[..., sympy.Basic], int | None]] = {
    "min": (sympy.Min, None),
    "max": (sympy.Max, None),
    "abs": (sympy.Abs, 1),
    "sqrt": (sympy.sqrt, 1),
    "exp": (sympy.exp, 1),
    "log": (sympy.log, 1),
    "ifelse": (_ifelse, 3),
}
"""Function table: name -> (sympy constructor, arity or ``None`` for two or more)."""

_BINARY: dict[type[ast.operator], Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_COMPARE: dict[type[ast.cmpop], Callable[[sympy.Expr, sympy.Expr], sympy.Basic]] = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}
_NODE_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Starred: "starred arguments",
    ast.NamedExpr: "assignments",
    ast.JoinedStr: "strings",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.IfExp: "inline if (use ifelse(condition, a, b))",
    ast.Await: "await",
    ast.Yield: "yield",
}


def parse_expression(
    text: str | int | float,
    names: Mapping[str, sympy.Symbol],
    *,
    allow_conditions: bool = False,
    parameters: Collection[str] | None = None,
) -> sympy.Expr:
    """Parse one model expression into a sympy expression over the declared parameters.

    Parameters
    ----------
    text:
        The expression as written in the model; YAML numbers are accepted as they are.
    names:
        Declared parameter names and their sympy symbols; no other name is admitted.
    allow_conditions:
        Whether the result may be a condition (a comparison) rather than a number.
    parameters:
        Which of ``names`` are parameters (``None``: all); the others are a subtree's arguments,
        which an unknown name's error lists apart.

    Raises
    ------
    ExpressionError
        With the reason, when the text is not an admitted expression.
    """
    if isinstance(text, bool):
        raise ExpressionError(f"expected a number or an expression, got {shown(text)}")
    if isinstance(text, int | float):
        text = repr(text)
    if not isinstance(text, str):
        raise ExpressionError(f"expected a number or an expression, got {type(text).__name__}")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"expression is {len(text)} characters long; the limit is {MAX_EXPRESSION_LENGTH}"
        )
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("empty expression (write a number or a formula)")
    problem = unicode_problem(stripped)
    if problem is not None:
        raise ExpressionError(f"expression {shown(stripped)} {problem}")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        hint = ("; inside a subtree an expression names an argument directly (c, not ${c}): "
                "${...} fills only text fields such as infoset, tags, label and use"
                if "${" in stripped else "")
        raise ExpressionError(f"not a valid expression: {shown(stripped)} ({exc.msg}){hint}"
                              ) from None
    except UnicodeError:
        raise ExpressionError(f"expression {shown(stripped)} is not valid Unicode") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("expression is nested too deeply") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_SYNTAX_NODES:
        raise ExpressionError(
            f"expression has {count} syntax nodes; the limit is {MAX_SYNTAX_NODES}"
        )
    renderer = _Renderer(names, stripped, parameters)
    try:
        result = renderer.render(tree.body)
    except RecursionError:
        raise ExpressionError("expression is nested too deeply") from None
    if _is_condition(result) and not allow_conditions:
        raise ExpressionError(
            f"{shown(stripped)} is a condition, not a number (use ifelse(condition, a, b))"
        )
    return result  # type: ignore[return-value]


class _Renderer:
    """Render an admitted syntax tree to sympy, refusing everything outside the whitelist."""

    def __init__(self, names: Mapping[str, sympy.Symbol], source: str = "",
                 parameters: Collection[str] | None = None) -> None:
        self.names = names
        self.source = source
        self.parameters = parameters
        self.depth = 0  # exp / log / sqrt calls open around the node being rendered

    def _spelled(self, node: ast.Name) -> str:
        """The name as written; refused when it differs from Python's NFKC reading of it."""
        written = ast.get_source_segment(self.source, node) or node.id
        if written != node.id:
            raise ExpressionError(
                f"name {shown(written)} is written with lookalike characters: Python would read "
                f"it as {shown(node.id)} (its NFKC form); write {shown(node.id)} in plain letters"
            )
        return node.id

    def render(self, node: ast.AST) -> sympy.Basic:
        """The sympy value of ``node``: one method per admitted node type, anything else refused."""
        method = self._RULES.get(type(node))
        if method is not None:
            return method(self, node)  # type: ignore[no-any-return]
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        verb = "is" if what.startswith(("attribute access", "inline if", "await", "yield")) \
            else "are"
        raise ExpressionError(f"{what} {verb} not allowed in model expressions")

    def _boolean(self, node: ast.BoolOp) -> sympy.Basic:
        parts = [self._condition(v) for v in node.values]
        return sympy.And(*parts) if isinstance(node.op, ast.And) else sympy.Or(*parts)

    def _constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "strings" if isinstance(value, str) else f"{type(value).__name__} constants"
            raise ExpressionError(f"{kind} are not allowed in model expressions")
        if isinstance(value, int):
            literal = repr(value)
        else:  # the decimal as written, not the rounded float: every digit is kept exactly
            literal = (ast.get_source_segment(self.source, node) or repr(value)).replace("_", "")
        mantissa, _, exponent = literal.lower().partition("e")
        if sum(ch.isdigit() for ch in mantissa) > MAX_LITERAL_DIGITS:
            raise ExpressionError(
                f"numeric literal has more than {MAX_LITERAL_DIGITS} digits: {literal[:20]}..."
            )
        if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
            raise ExpressionError(f"numeric literal {literal} is not finite")
        if exponent and abs(int(exponent)) > MAX_CONSTANT_BITS:
            raise ExpressionError(f"numeric literal {literal} is out of range")
        number = sympy.Integer(value) if isinstance(value, int) else sympy.Rational(literal)
        return self._bounded(number)

    def _name(self, node: ast.Name) -> sympy.Symbol:
        self._spelled(node)
        if node.id in self.names:
            return self.names[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{shown(node.id)} is a function; call it as {node.id}(...)")
        known = self.names if self.parameters is None else self.parameters
        declared = ", ".join(sorted(n for n in self.names if n in known)) or "none"
        here = ", ".join(sorted(n for n in self.names if n not in known))
        also = f"; arguments of this subtree: {here}" if here else ""
        raise ExpressionError(
            f"unknown name {shown(node.id)} (declared parameters: {declared}{also}); "
            "declare it under 'parameters' or fix the spelling"
        )

    def _binary(self, node: ast.BinOp) -> sympy.Expr:
        left = self._number(node.left)
        right = self._number(node.right)
        if isinstance(node.op, ast.Pow):
            return self._power(left, right)
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ExpressionError(
                f"operator {type(node.op).__name__} is not allowed (use + - * / **)"
            )
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExpressionError("division by zero")
        return self._bounded(op(left, right))

    def _power(self, base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
        if exponent.is_number:
            if not exponent.is_real or abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(
                    f"exponent {exponent} is too large (at most {MAX_EXPONENT} in absolute value)"
                )
            if base == 0 and exponent.is_negative:
                raise ExpressionError("zero raised to a negative power")
        return self._bounded(base**exponent)

    def _unary(self, node: ast.UnaryOp) -> sympy.Basic:
        if isinstance(node.op, ast.Not):
            return sympy.Not(self._condition(node.operand))
        operand = self._number(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")

    def _call(self, node: ast.Call) -> sympy.Basic:
        if not isinstance(node.func, ast.Name):
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError("only the listed functions may be called, by bare name; other "
                                  f"calls are not allowed (allowed: {allowed})")
        name = self._spelled(node.func)
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"function {shown(name)} is not allowed (allowed: {allowed})")
        if node.keywords:
            raise ExpressionError(f"{name}() takes no keyword arguments")
        function, arity = FUNCTIONS[name]
        nargs = len(node.args)
        if (arity is None and nargs < 2) or (arity is not None and nargs != arity):
            wanted = "two or more" if arity is None else str(arity)
            raise ExpressionError(f"{name}() takes {wanted} arguments, got {nargs}")
        if name == "ifelse":
            cond = self._condition(node.args[0])
            return function(cond, self._number(node.args[1]), self._number(node.args[2]))
        nested = name in _TRANSCENDENTAL
        if nested and self.depth >= MAX_FUNCTION_NESTING:
            raise ExpressionError(
                f"exp, log and sqrt are nested more than {MAX_FUNCTION_NESTING} deep "
                "(simplify the expression)"
            )
        self.depth += nested
        try:
            args = [self._number(a) for a in node.args]
        finally:
            self.depth -= nested
        if name == "log" and args[0].is_number and not args[0].is_positive:
            raise ExpressionError(f"log of a non-positive number: log({shown_number(args[0])})")
        if name == "exp":
            check_exp_argument(args[0])
        return self._bounded(function(*args))

    def _compare(self, node: ast.Compare) -> sympy.Basic:
        parts = []
        left = self._number(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._number(comparator)
            relation = _COMPARE.get(type(op))
            if relation is None:
                raise ExpressionError(f"comparison {type(op).__name__} is not allowed")
            parts.append(relation(left, right))
            left = right
        return sympy.And(*parts) if len(parts) > 1 else parts[0]

    def _condition(self, node: ast.AST) -> sympy.Basic:
        value = self.render(node)
        if not _is_condition(value):
            raise ExpressionError("expected a condition (a comparison such as x > 0)")
        return value

    def _number(self, node: ast.AST) -> sympy.Expr:
        value = self.render(node)
        if _is_condition(value):
            raise ExpressionError("a condition cannot be used as a number")
        return value  # type: ignore[return-value]

    @staticmethod
    def _bounded(value: sympy.Expr) -> sympy.Expr:
        """Refuse constants that are not real or whose exact representation is absurdly large."""
        if value.is_number and value.is_real is False:
            raise ExpressionError(f"{value} is not a real number")
        for atom in value.atoms(sympy.Rational):
            p, q = atom.as_numer_denom()
            if max(int(p).bit_length(), int(q).bit_length()) > MAX_CONSTANT_BITS:
                raise ExpressionError(
                    f"a constant in the expression needs more than {MAX_CONSTANT_BITS} bits; "
                    "rescale the payoffs"
                )
        return value

    _RULES: dict[type, Callable[[_Renderer, Any], sympy.Basic]] = {
        ast.Constant: _constant, ast.Name: _name, ast.BinOp: _binary, ast.UnaryOp: _unary,
        ast.Call: _call, ast.Compare: _compare, ast.BoolOp: _boolean,
    }
