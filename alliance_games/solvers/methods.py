"""The method table: every equilibrium method, what it solves and what it promises.

One :class:`Method` row per method. The registry (:mod:`alliance_games.solvers.registry`) derives
its dispatch and its checks from the rows, the CLI its ``--method`` choices and help
(:func:`methods_help`). Adding a solver is one module, one row here and its tests.

A row names its solver functions as ``"module:function"`` strings, imported only when a game is
solved (:func:`load`); this module imports nothing heavy, so listing the methods stays instant.

Trees solved by a normal-form method (``tree=REDUCED``) are reduced first and the equilibria are
reported as behaviour strategies (Kuhn 1953).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

REDUCED = "reduced normal form"
"""``Method.tree`` value: a tree is solved by the normal-form solver on its reduced normal form."""

Exactness = Literal["exact", "float", "both"]


@dataclass(frozen=True)
class Method:
    """One solution method.

    Attributes
    ----------
    name:
        The name on the command line and in ``solve(game, method)``.
    normal_form:
        ``"module:function"`` of the solver taking a normal-form game, or ``None`` when normal
        forms are refused.
    tree:
        How a game tree is solved: ``"module:function"`` of a native tree solver, :data:`REDUCED`
        (``normal_form`` on the reduced normal form), or ``None`` when trees are refused.
    two_players:
        Whether only two-player games are accepted (else any number of players).
    exactness:
        ``"exact"``: reads every game exactly (``enumpoly`` gives irrational equilibria as
        high-precision floats); ``"both"``: exact on exact games, floats
        on float games (float results are audited, :mod:`alliance_games.solvers.float_audit`);
        ``"float"``: floating point only (approximate by design, not audited).
    complete:
        What the result holds when its ``complete`` flag is true, i.e. the class the method
        enumerates ("never complete" when it finds one member, or some, by design).
    help:
        One line for ``alliance-games solve --help`` (", 2 players" is added from
        ``two_players``).
    max_equilibria:
        Whether the solver takes the ``max_equilibria`` cap (``--max-equilibria``).

    ``auto`` has no solver of its own: the registry resolves it to another row for each game.
    """

    name: str
    normal_form: str | None
    tree: str | None
    two_players: bool
    exactness: Exactness
    complete: str
    help: str
    max_equilibria: bool = False

    def solver(self, *, tree: bool = False) -> Callable[..., Any]:
        """The normal-form solver, or with ``tree`` the native tree solver, imported now."""
        path = self.tree if tree else self.normal_form
        if path is None or path == REDUCED:
            raise LookupError(f"method {self.name!r} has no {'tree' if tree else 'normal-form'} "
                              "solver of its own")
        return load(path)


_NF = "alliance_games.solvers.normal_form"
_TREE = "alliance_games.solvers.tree"

_ENUMMIXED = Method(
    "enummixed", normal_form=f"{_NF}.enummixed:enummixed_solve", tree=REDUCED, two_players=True,
    exactness="both", complete="all extreme equilibria (vertices), with the maximal convex sets "
    "they span", help="every extreme equilibrium")

TABLE: tuple[Method, ...] = (
    Method("auto", normal_form=None, tree=None, two_players=False, exactness="both",
           complete="as the method it picks", help="spe for trees; enummixed for two players; "
           "enumpoly for small N-player games (pure beyond)"),
    Method("pure", normal_form=f"{_NF}.pure:enumerate_pure", tree=REDUCED, two_players=False,
           exactness="both", complete="all pure Nash equilibria", help="every pure equilibrium"),
    Method("spe", normal_form=None, tree=f"{_TREE}.subgame_perfect:subgame_perfect",
           two_players=False, exactness="both",
           complete="every subgame-perfect equilibrium that plays an extreme equilibrium in each "
           "subgame given the play below it (pure choices at ties; N-player subgames beyond "
           "enumpoly's size: pure equilibria only; at most max_equilibria per subgame)",
           help="every subgame-perfect equilibrium", max_equilibria=True),
    _ENUMMIXED,
    replace(_ENUMMIXED, name="mixed", help="alias of enummixed"),
    Method("lcp", normal_form=f"{_NF}.lemke_howson:lcp_solve",
           tree=f"{_TREE}.sequence_form:sequence_form_lcp_solve", two_players=True,
           exactness="both", complete="never complete: all accessible Lemke-Howson equilibria "
           "(normal form), one equilibrium (tree, sequence form)", help="Lemke-Howson paths"),
    Method("lp", normal_form=f"{_NF}.linear_program:lp_solve", tree=REDUCED, two_players=True,
           exactness="both", complete="never complete: one equilibrium (minimax strategies of a "
           "constant-sum game)", help="minimax strategies, constant-sum"),
    Method("enumpoly", normal_form=f"{_NF}.enumpoly:enumpoly_solve", tree=REDUCED,
           two_players=False, exactness="exact", complete="all Nash equilibria",
           help="every equilibrium of a small game"),
    Method("logit", normal_form=f"{_NF}.logit:logit_solve", tree=REDUCED, two_players=False,
           exactness="float", complete="never complete: one approximate equilibrium (the limit "
           "of the logit branch)", help="one approximate equilibrium"),
    Method("pbe", normal_form=None, tree=f"{_TREE}.perfect_bayesian:perfect_bayesian",
           two_players=False, exactness="exact",
           complete="all weak perfect Bayesian equilibria, pure and mixed: the isolated ones and "
           "every continuum by its extreme points, with beliefs and the sequential check",
           help="every weak PBE, with beliefs (perfect recall)"),
    Method("spbe", normal_form=None, tree=f"{_TREE}.perfect_bayesian_subgames:subgame_perfect_bayesian",
           two_players=False, exactness="exact",
           complete="all profiles that are perfect Bayesian equilibria in every proper subgame "
           "(one-signal two-type subgames: one per behaviour on the path, beliefs at the "
           "posterior; others: every weak PBE by its extreme points; at most max_equilibria per "
           "subgame; a continuum makes the result incomplete)",
           help="PBE in every subgame, by subgame decomposition (perfect recall)",
           max_equilibria=True),
)

BY_NAME: dict[str, Method] = {m.name: m for m in TABLE}

REFINEMENTS: tuple[str, ...] = ("intuitive", "d1")
"""Signalling refinements ``solve --refine`` applies to ``pbe`` equilibria (Cho & Kreps 1987's
intuitive criterion; D1, Banks & Sobel 1987): :mod:`alliance_games.solvers.tree.refinements`."""

SWEEP_REFINEMENTS: tuple[str, ...] = ("sequential", *REFINEMENTS)
"""What ``sweep --refine`` keeps equilibria by: sequentiality, decided by the ``pbe`` solver for
every equilibrium it lists, and the signalling refinements."""

METHODS: tuple[str, ...] = tuple(m.name for m in TABLE)
"""The method names, in the table's order (``auto`` first)."""


def load(path: str) -> Callable[..., Any]:
    """The function named by a ``"module:function"`` path, importing its module."""
    module, _, function = path.partition(":")
    solver: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return solver


def methods_help() -> str:
    """The ``--method`` help: one line per method with the class it enumerates when complete,
    then the rule of ``auto`` (click keeps the lines of a paragraph that starts with ``\\b``)."""
    import textwrap

    width = max(len(m.name) for m in TABLE) + 2
    lines = []
    for m in TABLE:
        if m.name == "auto":
            continue
        lines.append(f"{m.name:<{width}}{m.help}{', 2 players' if m.two_players else ''}")
        lines += textwrap.wrap(f"complete: {m.complete}", 72, initial_indent=" " * (width + 2),
                               subsequent_indent=" " * (width + 2), break_on_hyphens=False)
    auto = BY_NAME["auto"]
    return ("\b\n" + "\n".join(lines) + f"\n\nauto: {auto.help}; complete: {auto.complete}. "
            "Trees solved by a normal-form method are reduced first.")


def enumerates(method: str) -> str:
    """What a complete result of ``method`` holds (the row's ``complete``), for tables and JSON."""
    row = BY_NAME.get(method)
    return row.complete if row is not None else "unknown method"
