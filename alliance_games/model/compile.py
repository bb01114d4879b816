"""Compile a :class:`SymbolicModel` once; instantiate numeric games at parameter values.

All the model's numbers (payoffs, chance probabilities, measures) are gathered into one vector of
sympy expressions and reduced to the distinct ones (first by object identity, which is cheap:
the model readers share one object per distinct expression, then by equality); every entry keeps
the index of its distinct expression. Constant expressions are evaluated once; the rest are
lambdified once with a fixed parameter order and ``cse=True`` (common subexpressions computed
once), in two flavours, so one parameter point costs one call and one gather by index:

* exact: evaluated on sympy Rationals, each result must be rational (else the user is told to
  run in floats), then stored as :class:`fractions.Fraction`;
* float: evaluated with numpy, also over whole arrays of parameter values (:meth:`grid_values`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from sympy.printing.pycode import SymPyPrinter

from alliance_games.errors import GameError, ParameterError, shown, shown_number
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.object_ids import distinct_objects
from alliance_games.games.paused_collection import paused_collection
from alliance_games.games.tree import CHANCE, TERMINAL, GameTree
from alliance_games.model.exact_origin import remember_origin
from alliance_games.model.numeric_model import NumericModel, NumericParameter, fill_tree
from alliance_games.model.programs import Unsupported, to_programs
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm, SymbolicTree

ParameterValues = Mapping[str, Any]
_CUTS_KEPT = 64  # subgame structures kept by subgame_at (the oldest go first)
_ADMITTED_KEPT = 4096  # parameter values read and checked by resolve, kept for the next call
_RECENT_KEPT = 8  # points whose exact distinct values are kept (distinct_values)


def compile_model(model: SymbolicModel) -> CompiledModel:
    """Compile ``model`` for repeated evaluation (the collector paused: compiling allocates many
    objects and keeps none in cycles it needs collected)."""
    with paused_collection():
        return CompiledModel(model)


def parse_value(text: Any) -> sympy.Rational:
    """Read a parameter value: an int, a decimal (``0.25``) or a fraction (``1/3``), exactly."""
    if isinstance(text, sympy.Rational):
        return text
    if isinstance(text, Fraction):
        return sympy.Rational(text.numerator, text.denominator)
    if isinstance(text, bool):
        raise ParameterError(f"not a number: {shown(text)}")
    if isinstance(text, int | float):
        text = repr(text)
    exponent = re.search(r"[eE]\s*([+-]?\d+)", str(text))
    if len(str(text)) > 200 or (exponent and abs(int(exponent.group(1))) > 512):
        raise ParameterError(f"number too long or out of range: {str(text)[:40]!r}")
    try:
        value = sympy.Rational(str(text).strip())
    except (TypeError, ValueError, SyntaxError, ZeroDivisionError):
        raise ParameterError(
            f"not a number: {shown(text)} (write an integer, a decimal such as 0.25 or a fraction "
            "such as 1/3)"
        ) from None
    if not isinstance(value, sympy.Rational):  # e.g. nan, oo
        raise ParameterError(f"not a finite number: {shown(text)}")
    return value


def _to_fraction(value: sympy.Basic) -> Fraction:
    return Fraction(int(value.p), int(value.q))  # type: ignore[attr-defined]


class CompiledModel:
    """A model ready to be evaluated at parameter values (see the module docstring)."""

    def __init__(self, model: SymbolicModel) -> None:
        self.model = model
        self.symbols = model.symbols
        every = self._expressions()
        self.size = len(every)
        exprs, self._inverse = _distinct(every)
        self._distinct_count = len(exprs)
        constant = np.array([e.is_number for e in exprs], dtype=bool)
        self._constant_idx = np.flatnonzero(constant)
        self._variable_idx = np.flatnonzero(~constant)
        self._constant_exprs = [exprs[i] for i in self._constant_idx]
        self._constant_exact_cache: list[Fraction] | None = None  # computed on first exact use
        self._constant_float_cache: np.ndarray | None = None  # computed on first float use
        variable = [exprs[i] for i in self._variable_idx]
        self._variable = variable
        self._exact_program: Callable[..., Any] | None = None  # compiled on first exact use
        self._float_program: Callable[..., Any] | None = None  # compiled on first float use
        self._chance_cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._admitted: dict[tuple[str, type, Any], sympy.Rational] = {}  # resolve's checks
        self._lean: dict[frozenset[str], CompiledModel] = {}  # with_tags, by the tags kept
        self._last_tree: GameTree | None = None  # the template of the next tree (its structure)
        self._cuts: dict[int, GameTree] = {}  # subgame structures by root (subgame_at)
        self._last_exact: list[Fraction] | None = None  # the last exact variable values
        self._recent: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
        """The exact distinct values of the last :data:`_RECENT_KEPT` points, by the parameter
        values (read only: every caller gathers from them into new arrays)."""

    @property
    def _exact_fn(self) -> Callable[..., Any] | None:
        """The variable expressions as one program on exact numbers (common subexpressions
        shared), compiled on first use: a run that only evaluates floats never compiles it, nor
        an exact run the float one. ``None`` when every expression is constant."""
        if self._exact_program is None and self._variable:
            # namespaces given as modules (not by name): lambdify then copies their dictionaries
            # instead of star-importing them, which would load numpy's lazy submodules
            self._exact_program = sympy.lambdify(self.symbols, self._variable, cse=True,
                                                 modules=_exact_modules(),
                                                 printer=_ExactPrinter, docstring_limit=0)
        return self._exact_program

    @property
    def _float_fn(self) -> Callable[..., Any] | None:
        """The same program on numpy floats (scalars or arrays of points), compiled on first use."""
        if self._float_program is None and self._variable:
            self._float_program = sympy.lambdify(self.symbols, self._variable, modules=[np],
                                                 cse=True, docstring_limit=0)
        return self._float_program

    @property
    def _constant_exact(self) -> list[Fraction]:
        """The constant entries as Fractions (refused, with the reason, when irrational)."""
        if self._constant_exact_cache is None:
            self._constant_exact_cache = [_exact(e, {}, e, self.model)
                                          for e in self._constant_exprs]
        return self._constant_exact_cache

    @property
    def _constant_float(self) -> np.ndarray:
        """The constant entries as floats (refused, located, when one does not fit a float:
        exact runs keep a payoff of 10**400, float runs cannot)."""
        if self._constant_float_cache is None:
            self._constant_float_cache = np.array(
                [_float(e, self.model) for e in self._constant_exprs], dtype=float)
        return self._constant_float_cache

    def _expressions(self) -> np.ndarray:
        """Every entry's expression, flat: payoffs, then probabilities, then measures by name."""
        game = self.model.game
        if isinstance(game, SymbolicNormalForm):
            return np.asarray(game.payoffs, dtype=object).reshape(-1)
        parts = [game.payoff_exprs.reshape(-1), game.prob_exprs.reshape(-1),
                 *(np.asarray(game.measure_exprs[name], dtype=object).reshape(-1)
                   for name in sorted(game.measure_exprs))]
        return np.concatenate(parts)

    # ---- parameter handling ----------------------------------------------------------------
    def resolve(self, values: ParameterValues | None = None) -> dict[str, sympy.Rational]:
        """Defaults overridden by ``values``; unknown names and inadmissible values refused."""
        resolved = self.model.defaults()
        admitted = self._admitted
        for name, raw in (values or {}).items():
            key = (name, type(raw), raw) if isinstance(raw, Fraction | int | str) else None
            if key is not None and key in admitted:  # read and checked before (same text/value)
                resolved[name] = admitted[key]
                continue
            parameter = self.model.parameter(name)
            if parameter is None:
                valid = ", ".join(p.name for p in self.model.parameters) or "none"
                raise ParameterError(
                    f"unknown parameter {shown(name)} for model {shown(self.model.name)} "
                    f"(valid parameters: {valid})"
                )
            try:
                value = parse_value(raw)
            except ParameterError as error:
                raise ParameterError(f"parameter {name}: {error}") from None
            problem = parameter.check(value)
            if problem:
                raise ParameterError(problem)
            resolved[name] = value
            if key is not None:
                if len(admitted) >= _ADMITTED_KEPT:
                    admitted.clear()
                admitted[key] = value
        return resolved

    # ---- evaluation --------------------------------------------------------------------------
    def values(self, values: ParameterValues | None = None, *, exact: bool = True) -> np.ndarray:
        """All the model's numbers at one parameter point (object Fractions or float64)."""
        return self.distinct_values(values, exact=exact)[self._inverse]

    def distinct_values(self, values: ParameterValues | None = None, *, exact: bool = True
                        ) -> np.ndarray:
        """The distinct expressions at one point; index with :attr:`entry_index`."""
        resolved = self.resolve(values)
        args = [resolved[p.name] for p in self.model.parameters]
        if exact:
            point = tuple(args)
            found = self._recent.get(point)
            if found is not None:  # the checks of one point solve several subgames there
                self._recent.move_to_end(point)
                self._last_exact = found[self._variable_idx].tolist()
                return found
            out = np.empty(self._distinct_count, dtype=object)
            out[self._constant_idx] = self._constant_exact
            if self._exact_fn is not None:
                try:
                    results = self._exact_fn(*args)
                except ParameterError as error:  # a bound on exponents or exp, from parameters
                    raise ParameterError(f"{self._culprit(args)}{error}") from None
                out[self._variable_idx] = self._carried([
                    _exact(r, resolved, expr, self.model)
                    for r, expr in zip(results, self._variable, strict=True)
                ])
            self._recent[point] = out
            if len(self._recent) > _RECENT_KEPT:
                self._recent.popitem(last=False)
            return out
        out_f = np.empty(self._distinct_count, dtype=float)
        out_f[self._constant_idx] = self._constant_float
        if self._float_fn is not None:
            try:
                with np.errstate(all="ignore"):
                    # numpy scalars: 1/p at p = 0 is inf (found below), not a ZeroDivisionError
                    results = self._float_fn(*[np.float64(float(a)) for a in args])
                out_f[self._variable_idx] = np.asarray(results, dtype=float)
            except (ZeroDivisionError, OverflowError):
                raise self._not_finite(resolved) from None
            if not np.all(np.isfinite(out_f)):
                raise self._not_finite(resolved, out_f)
        return out_f

    def _carried(self, fresh: list[Fraction]) -> list[Fraction]:
        """The variable expressions' exact values ``fresh``, each equal to its value at the last
        exact evaluation (same type, same number) replaced by that object: trees of nearby
        points then share the objects of their unchanged numbers, which is how the solvers'
        content keys recognise unchanged entries without comparing them
        (:func:`~alliance_games.solvers.tree.subgame_keys.subtree_rows`)."""
        last = self._last_exact
        if last is not None:
            fresh = [old if type(old) is type(new) and old == new else new
                     for old, new in zip(last, fresh, strict=True)]
        self._last_exact = fresh
        return fresh

    def _not_finite(self, resolved: Mapping[str, sympy.Rational],
                    values: np.ndarray | None = None) -> GameError:
        """The error naming, with its place in the file, the first expression with no finite
        float value at ``resolved`` (read from the evaluated ``values`` when given)."""
        at = ", ".join(f"{k}={v}" for k, v in resolved.items()) or "these values"
        bad: Any = np.flatnonzero(~np.isfinite(values[self._variable_idx])) \
            if values is not None else []
        for k, expr in enumerate(self._variable):
            finite = not len(bad) or k != bad[0]
            if values is None:
                try:
                    # floats, not the exact values: 2**p at p = 2**60 must not be computed exactly
                    value = expr.xreplace({s: sympy.Float(resolved[s.name], 30)
                                           for s in expr.free_symbols if s.name in resolved})
                    finite = value.is_finite is not False and bool(np.isfinite(float(value)))
                except (TypeError, ValueError, OverflowError, ZeroDivisionError):
                    finite = False
            if not finite:
                return GameError(f"{self.model.place(expr)}the expression {expr} has no finite "
                                 f"value at {at} (division by zero or overflow); choose other "
                                 "parameter values")
        return GameError(f"{self.model.place(sympy.Integer(0))}a payoff or probability is not "
                         f"finite at {at}")

    def _culprit(self, args: list[Any]) -> str:
        """The place in the file of the first expression whose exact evaluation at ``args`` is
        refused (only expressions with ``exp`` or a power to a parameter can be)."""
        for expr in self._variable:
            if not (expr.has(sympy.exp) or any(not p.exp.is_number
                                               for p in expr.atoms(sympy.Pow))):
                continue
            one = sympy.lambdify(self.symbols, expr, modules=_exact_modules(),
                                 printer=_ExactPrinter, docstring_limit=0)
            try:
                one(*args)
            except ParameterError:
                return self.model.place(expr)
        return self.model.place(sympy.Integer(0))

    @property
    def distinct_count(self) -> int:
        """How many distinct expressions the model's numbers come from."""
        return self._distinct_count

    @property
    def entry_index(self) -> np.ndarray:
        """For every entry of :meth:`values`, the index of its distinct expression."""
        return self._inverse

    def float_distinct(self, args: list[Any], count: int) -> np.ndarray:
        """The distinct expressions for ``count`` points at once, shape ``(count, distinct)``.

        ``args`` as in :meth:`float_values`; index the columns with :attr:`entry_index`.
        """
        out = np.empty((count, self._distinct_count), dtype=float)
        out[:, self._constant_idx] = self._constant_float
        if self._float_fn is not None:
            with np.errstate(all="ignore"):
                results = self._float_fn(*args)
            for j, column in zip(self._variable_idx, results, strict=True):
                out[:, j] = column
            if not np.all(np.isfinite(out)):
                raise GameError("a payoff or probability is not finite somewhere on the grid")
        return out

    def float_values(self, args: list[Any], count: int) -> np.ndarray:
        """All the model's numbers for ``count`` points at once, shape ``(count, size)``.

        ``args`` holds one entry per parameter (in declaration order): an array of ``count``
        values for a swept parameter, or a number for a fixed one.
        """
        return self.float_distinct(args, count)[:, self._inverse]

    def at(self, values: ParameterValues | None = None, *, exact: bool = True
           ) -> NormalFormGame | GameTree:
        """The numeric game at the given parameter values (defaults for the rest).

        The chance probabilities are checked on the distinct expressions they come from (a few
        dozen on a large tree) before the numbers are spread over the tree."""
        distinct = self.distinct_values(values, exact=exact)
        self._check_chance_distinct(distinct)
        game = self.game_from_values(distinct[self._inverse], checked=True)
        if not exact:  # float audits certify against the file's exact numbers (built if asked)
            point = dict(values or {})
            remember_origin(game, lambda: self.at(point, exact=True))
        return game

    def subgame_at(self, values: ParameterValues | None, root: int) -> GameTree:
        """``at(values).subtree(root)``, exactly, filling in only the subgame's own numbers.

        In pre-order the subgame of ``root`` is a contiguous node range, so its payoff rows, its
        nodes' outgoing edges and its measures are contiguous slices of the model's number
        vector: one gather of those slices from the distinct values, instead of the whole tree's
        numbers then a cut (a continuation of a few thousand nodes in a tree of a hundred
        thousand costs a fraction of the tree). Every chance probability is still checked."""
        game = self.model.game
        if not isinstance(game, SymbolicTree):
            raise GameError("a subgame needs an extensive-form model")
        distinct = self.distinct_values(values, exact=True)
        self._check_chance_distinct(distinct)
        cut = self._cuts.get(root)
        if cut is None:  # the structure of the cut, kept (its structural caches with it)
            skeleton = game.skeleton
            if not 0 <= root < skeleton.num_nodes or (
                    skeleton.kind[root] != TERMINAL and root not in set(skeleton.subgame_roots)):
                raise GameError(f"node {root} does not root a proper subgame (an information "
                                "set crosses its boundary); choose a node of subgame_roots")
            template = self._last_tree if self._last_tree is not None else skeleton
            cut = self._cuts[root] = template.subtree(root)
            if len(self._cuts) > _CUTS_KEPT:
                del self._cuts[next(iter(self._cuts))]
        lo, hi = root, root + cut.num_nodes
        players = game.payoff_exprs.shape[1]
        ptr = game.skeleton.child_ptr
        n_pay, n_nodes = game.payoff_exprs.size, game.skeleton.num_nodes
        start = n_pay + game.prob_exprs.size
        measures = {}
        for k, name in enumerate(sorted(game.measure_exprs)):
            offset = start + k * n_nodes
            measures[name] = distinct[self._inverse[offset + lo:offset + hi]]
        edges = self._inverse[n_pay + int(ptr[lo]):n_pay + int(ptr[hi])]
        return cut._replace(
            node_payoffs=distinct[self._inverse[lo * players:hi * players]].reshape(hi - lo,
                                                                                      players),
            edge_prob=distinct[edges], measures=measures)

    def with_tags(self, keep: Collection[str]) -> CompiledModel:
        """The same model with only the outcome tags in ``keep``, sharing this one's compiled
        programs and numbers (trees at the same point hold the same number objects).

        The subgame solvers carry one outcome column per tag
        (:func:`~alliance_games.solvers.tree.subgame_perfect.subgame_perfect`, ``distinct``), so
        a caller that reads a few tags solves with fewer columns. Every equilibrium's payoffs,
        measures and kept tags' probabilities are as in the whole model: no solver step reads
        an outcome column except to tell outcomes apart, and outcomes that differ only in
        dropped tags are then counted once. Made once per set of tags."""
        game = self.model.game
        if not isinstance(game, SymbolicTree):
            raise GameError("outcome tags belong to extensive-form models")
        found = self._lean.get(frozenset(keep))
        if found is not None:
            return found
        node_tags = game.skeleton.node_tags
        # nodes share few distinct tuples: each filtered once, every node holds its object
        kept = {t: tuple(x for x in t if x in keep) for t in set(node_tags)}
        skeleton = game.skeleton._replace(node_tags=tuple(kept[t] for t in node_tags))
        lean = copy.copy(self)
        lean.model = dataclasses.replace(self.model,
                                         game=dataclasses.replace(game, skeleton=skeleton))
        lean._cuts, lean._last_tree, lean._lean = {}, None, {}  # cut from the new skeleton
        self._lean[frozenset(keep)] = lean
        return lean

    def numeric(self) -> NumericModel | None:
        """This model as a :class:`~alliance_games.model.numeric_model.NumericModel` (exact
        evaluation without sympy), or ``None`` when it is a normal form or an expression has no
        program (:mod:`alliance_games.model.programs`)."""
        game, model = self.model.game, self.model
        if not isinstance(game, SymbolicTree):
            return None
        try:
            programs, program_constants = to_programs(self._variable, self.symbols)
            constants = tuple(self._constant_exact)
        except (Unsupported, GameError):
            return None
        parameters = tuple(NumericParameter(
            p.name, _to_fraction(p.default),
            None if p.range is None else (_to_fraction(p.range[0]), _to_fraction(p.range[1])),
            None if p.values is None else tuple(_to_fraction(v) for v in p.values),
            p.description, p.latex) for p in model.parameters)
        return NumericModel(
            name=model.name, path=model.path, title=model.title, players=model.players,
            parameters=parameters, policies=model.policies, skeleton=game.skeleton,
            measure_names=tuple(sorted(game.measure_exprs)), inverse=self._inverse,
            constant_idx=self._constant_idx, constants=constants,
            variable_idx=self._variable_idx, programs=tuple(map(tuple, programs)),
            program_constants=tuple(program_constants), description=model.description,
            method=model.method, format=model.format)

    def _chance_entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chance edges of the tree (edge indices), the distinct expression of each, and
        those expressions once each."""
        if self._chance_cache is None:
            game = self.model.game
            if isinstance(game, SymbolicTree):
                skeleton = game.skeleton
                edges = np.flatnonzero(skeleton.kind[skeleton.edge_parent] == CHANCE)
                entries = self._inverse[game.payoff_exprs.size + edges]
            else:
                edges = entries = np.empty(0, dtype=np.int64)
            self._chance_cache = (edges, entries, np.unique(entries))
        return self._chance_cache

    def _check_chance_distinct(self, distinct: np.ndarray) -> None:
        """:func:`_check_chance` on the distinct values: every chance probability in [0, 1]."""
        edges, entries, used = self._chance_entries()
        if not len(edges):
            return
        values = distinct[used]
        outside = np.asarray([(v < 0) or (v > 1) for v in values], dtype=bool)
        if outside.any():
            bad = used[int(np.argmax(outside))]
            e = int(edges[int(np.argmax(entries == bad))])
            game = self.model.game
            assert isinstance(game, SymbolicTree)
            raise GameError(f"chance probability of {game.skeleton.edge_label[e]!r} is "
                            f"{distinct[bad]} at these parameter values, outside [0, 1]")

    def game_from_values(self, numbers: np.ndarray, *, checked: bool = False
                         ) -> NormalFormGame | GameTree:
        """Fill the model's structure with one vector of numbers from :meth:`values`
        (``checked``: the chance probabilities were checked already)."""
        game = self.model.game
        if isinstance(game, SymbolicNormalForm):
            return NormalFormGame(
                self.model.players,
                game.strategies,
                numbers.reshape(game.payoffs.shape),
                dict(game.tags),
                self.model.title,
            )
        assert isinstance(game, SymbolicTree)
        # every tree of the model has the skeleton's structure (the same objects): filled into
        # the last tree instead, a new tree inherits the structural facts (depths, levels,
        # subtree ends, ...) computed on that one, not recomputed at every parameter point
        template = self._last_tree if self._last_tree is not None else game.skeleton
        tree = fill_tree(template, game.payoff_exprs.shape, game.prob_exprs.size,
                         sorted(game.measure_exprs), numbers)
        self._last_tree = tree
        if not checked:
            _check_chance(tree)
        return tree


def _float(value: sympy.Expr, model: SymbolicModel) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = float("nan")
    if not np.isfinite(number):
        raise GameError(f"{model.place(value)}the number {shown_number(value)} has no float value "
                        "(floats reach about 1.8e308); solve exactly, without --float, or rescale "
                        "the payoffs")
    return number


class _ExactPrinter(SymPyPrinter):
    """Print rational constants as ``Rational(p, q)`` so exact evaluation never meets a float."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"Rational({expr.p}, {expr.q})"

    def _print_Half(self, expr: sympy.Rational) -> str:
        return "Rational(1, 2)"

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        if expr.exp.is_number:  # checked when the expression was parsed
            return str(super()._print_Pow(expr, rational=rational))
        return f"bounded_pow({self._print(expr.base)}, {self._print(expr.exp)})"

    def _print_exp(self, expr: sympy.exp) -> str:
        return f"bounded_exp({self._print(expr.args[0])})"


def _exact_modules() -> list[Any]:
    """The namespace of exactly evaluated expressions (see :class:`_ExactPrinter`)."""
    return [{"Rational": sympy.Rational, "sympy": sympy, "bounded_pow": bounded_pow,
             "bounded_exp": bounded_exp}, sympy]


def _as_number(value: Any) -> sympy.Basic:
    """A value met during evaluation (never model text) as a sympy number."""
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Integer(value) if isinstance(value, int) else sympy.Rational(str(value))


def bounded_exp(argument: Any) -> Any:
    """``exp(argument)`` where the argument comes from parameter values: refused, before it is
    computed, beyond the parser's limit on ``exp`` arguments."""
    from alliance_games.errors import ExpressionError
    from alliance_games.model.expressions import check_exp_argument

    try:
        check_exp_argument(_as_number(argument), "choose other parameter values")
    except ExpressionError as error:
        raise ParameterError(f"at these parameter values, {error.message}") from None
    return sympy.exp(argument)


def bounded_pow(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` where the exponent comes from parameter values: refused, before the
    power is computed, beyond the parser's limit on written exponents."""
    from alliance_games.model.expressions import MAX_EXPONENT

    value = _as_number(exponent)
    if value.is_number and (not value.is_real or abs(value) > MAX_EXPONENT):
        raise ParameterError(f"an exponent takes the value {shown(value)} at these parameter "
                             f"values; exponents are limited to {MAX_EXPONENT} in absolute value "
                             "(choose smaller parameter values)")
    return base**exponent


def _distinct(exprs: np.ndarray) -> tuple[list[sympy.Expr], np.ndarray]:
    """The distinct expressions (in order of first appearance) and, for every entry, the index of
    its distinct expression (a flat object array)."""
    first, by_object = distinct_objects(exprs)
    order = np.argsort(first, kind="stable")  # objects in order of first appearance
    index: dict[sympy.Expr, int] = {}
    of_object = np.empty(len(first), dtype=np.int64)
    of_object[order] = [index.setdefault(exprs[i], len(index)) for i in first[order].tolist()]
    return list(index), of_object[by_object.reshape(-1)]


def _exact(value: Any, resolved: Mapping[str, sympy.Rational],
           expr: sympy.Expr | None = None, model: SymbolicModel | None = None) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if not isinstance(value, sympy.Basic):
        raise GameError(f"expression evaluated to {shown(value)}, not an exact number")
    if isinstance(value, sympy.Piecewise):
        value = value.doit()
    if not isinstance(value, sympy.Rational):
        value = sympy.simplify(value)
    if not isinstance(value, sympy.Rational):
        where = f" {expr} " if expr is not None else " "
        if model is not None and expr is not None:
            where = f"{model.place(expr)}the expression{where}"
        else:
            where = f"the expression{where}"
        at = ", ".join(f"{k}={v}" for k, v in resolved.items())
        if value.is_finite is False or value.has(sympy.zoo, sympy.nan):
            raise GameError(f"{where}has no finite value at {at or 'these values'} "
                            "(division by zero); choose other parameter values")
        raise GameError(
            f"{where}is not rational ({value}) at {at or 'these values'}; "
            "solve in floats with --float"
        )
    return _to_fraction(value)


def _check_chance(tree: GameTree) -> None:
    """Chance probabilities must lie in [0, 1] at the chosen parameter values."""
    edges = np.flatnonzero(tree.kind[tree.edge_parent] == CHANCE)
    probs = tree.edge_prob[edges]
    outside = np.asarray((probs < 0) | (probs > 1), dtype=bool)
    if outside.any():
        e = int(edges[int(np.argmax(outside))])
        raise GameError(f"chance probability of {tree.edge_label[e]!r} is {tree.edge_prob[e]} "
                        "at these parameter values, outside [0, 1]")
