"""Read and write Gambit ``.nfg`` (strategic form) and ``.efg`` (extensive form) files.

Grammar (tokens as in :mod:`alliance_games.model.gambit_tokens`; ``[x]`` optional, ``{x}``
repeated)::

    nfg          = "NFG" "1" ("R"|"D") TEXT(title) "{" TEXT(player) {TEXT(player)} "}"
                   strategies [TEXT(comment)] (payoff-body | outcome-body) ;
    strategies   = "{" INT(count) {INT(count)} "}"                (* labels "1", "2", ... *)
                 | "{" "{" TEXT {TEXT} "}" {"{" TEXT {TEXT} "}"} "}" ;
    payoff-body  = NUMBER {NUMBER} ;          (* N payoffs per profile, player 1 varying fastest *)
    outcome-body = "{" { "{" TEXT(label) payoffs } "}" INT(outcome index) {INT(outcome index)} ;

    efg          = "EFG" "2" "R" TEXT(title) "{" TEXT(player) {TEXT(player)} "}" [TEXT(comment)]
                   node {node} ;                                  (* nodes in pre-order *)
    node         = "c" TEXT(label) INT(infoset) [TEXT(infoset label) "{" {TEXT NUMBER(prob)} "}"]
                   outcome
                 | "p" TEXT(label) INT(player, 1-based) INT(infoset) [TEXT(infoset label)
                   "{" {TEXT(action)} "}"] outcome
                 | "t" TEXT(label) outcome ;
    outcome      = INT(id) [TEXT(outcome label) "{" payoffs ] ;   (* id 0: no outcome *)
    payoffs      = NUMBER {[","] NUMBER} "}" ;                    (* exactly one per player *)

Semantics: information-set ids are per player (chance has its own ids); the first use of an id
gives its label and actions and a later use either omits them or repeats them identically. An
outcome id is defined (label and payoffs) at its first use and may be referred to by id later.
Payoffs of outcomes on inner nodes add up along a play. Chance probabilities are exact, non-negative
and sum to 1. An information set is named by its label, or ``"<player>#<id>"`` when the label is
empty; a name already taken by an earlier information set gets ``#<id>`` appended. Empty player,
strategy and action labels become ``"Player k"`` / ``"k"`` (1-based position), and repeated ones get
``_k`` appended, so that labels are unique as the game classes require.

Every malformed input raises :class:`~alliance_games.errors.GambitFormatError` with the 1-based
line of the offending token; the readers never recurse, so trees with millions of nodes are fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import GambitFormatError, GameError, shown, shown_number
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import CHANCE, DECISION, GameTree, TreeBuilder
from alliance_games.model.gambit_numbers import (
    Rationals,
    as_floats,
    as_fractions,
    read_number_text,
    read_numbers,
)
from alliance_games.model.gambit_tokens import (
    EOF,
    LBRACE,
    NUMBER,
    RBRACE,
    SYMBOL,
    TEXT,
    TokenStream,
    describe,
    infoset_name,
    line_of,
    unique_labels,
)
from alliance_games.model.gambit_tree_bulk import read_tree_bulk

MAX_PROFILES = 10_000_000
MAX_TREE_PAYOFFS = 50_000_000  # nodes x players: the size of GameTree.node_payoffs
MAX_NFG_PLAYERS = 31  # the payoff tensor has N + 1 axes; NumPy allows at most 32 (1.x) / 64 (2.x)

Payoffs = tuple[Fraction, ...]


# ---- reading -----------------------------------------------------------------------------------
def read_gambit(text: str, path: str, *, wide: dict[Fraction, int] | None = None,
                exact: bool = True) -> NormalFormGame | GameTree:
    """Read a Gambit file, choosing the format from its header (``NFG`` or ``EFG``).

    Parameters
    ----------
    text:
        The file contents.
    path:
        The file name reported in errors.
    wide:
        When given, filled with the numbers beyond the float range (kept exactly) and the line
        of the first use of each, for a float run's error message.
    exact:
        Fractions (default) or the nearest floats (``float(Fraction)`` of every number; a number
        listed in ``wide`` becomes infinite, so a float reader checks ``wide`` first).

    Raises
    ------
    GambitFormatError
        When the text is not a well-formed ``.nfg`` / ``.efg`` file.
    """
    stream = TokenStream(text, path)
    if wide is not None:
        stream.wide = wide
    head = stream.peek()
    if head.kind == SYMBOL and head.value == "NFG":
        return _parse_nfg(stream, exact)
    if head.kind == SYMBOL and head.value == "EFG":
        return _parse_efg(stream, exact)
    raise stream.error(
        f"not a Gambit game: expected the header 'NFG 1 R' or 'EFG 2 R', found {describe(head)}",
        head,
    )


def read_nfg(text: str, path: str) -> NormalFormGame:
    """Read a strategic-form game (payoff or outcome version); see the module grammar."""
    return _parse_nfg(TokenStream(text, path))


def read_efg(text: str, path: str) -> GameTree:
    """Read an extensive-form game as an exact :class:`GameTree`; see the module grammar."""
    return _parse_efg(TokenStream(text, path))


def _parse_nfg(ts: TokenStream, exact: bool = True) -> NormalFormGame:
    title, players = ts.header("NFG", "1", ("R", "D"))
    n = len(players)
    if n > MAX_NFG_PLAYERS:
        raise ts.error(f"{n} players is too many for a strategic form (at most "
                       f"{MAX_NFG_PLAYERS})", ts.last)
    ts.expect(LBRACE, "'{' opening the strategy list")
    strategies: list[tuple[str, ...]] = []
    profiles = 1
    explicit = ts.peek().kind == LBRACE
    while ts.peek().kind != RBRACE:
        if explicit:
            start = ts.expect(LBRACE, "'{' opening a player's strategy labels, or '}'")
            labels = ts.texts("a strategy label")
            count = len(labels)
        else:
            count, start = ts.expect_int("a strategy count or '}'", minimum=1,
                                         maximum=MAX_PROFILES)
            labels = []
        if count == 0:
            raise ts.error(f"player {len(strategies) + 1} has no strategies", start)
        profiles *= count
        if profiles > MAX_PROFILES:
            raise ts.error(f"the game has more than {MAX_PROFILES:,} strategy profiles", start)
        strategies.append(unique_labels(labels, str) if explicit else
                          tuple(str(k + 1) for k in range(count)))
    close = ts.next()
    if len(strategies) != n:
        raise ts.error(f"strategies are given for {len(strategies)} players, but the game has "
                       f"{n}", close)
    if ts.peek().kind == TEXT:
        ts.next()  # the comment
    shape = (n, *(len(s) for s in strategies))
    if ts.peek().kind == NUMBER:  # payoff version: in bulk when the payoffs allow it
        bulk = _bulk_payoffs(ts.text, ts.peek().pos, profiles * n)
        if bulk is not None:
            if not exact:
                return _normal_form(ts, players, strategies,
                                    as_floats(bulk).reshape(shape, order="F"), title)
            # reduced numerators over one denominator: the game's integer payoffs as they are
            return _normal_form(ts, players, strategies,
                                as_fractions(bulk).reshape(shape, order="F"), title,
                                integers=np.ascontiguousarray(bulk[0].reshape(shape, order="F")))
    flat: list[Fraction] = []
    if ts.peek().kind == LBRACE:  # outcome version
        ts.next()
        outcomes: list[Payoffs] = [(Fraction(0),) * n]
        while ts.peek().kind != RBRACE:
            ts.expect(LBRACE, "'{' starting an outcome, or '}'")
            ts.expect_text("an outcome label")
            outcomes.append(ts.payoffs(n, f"outcome {len(outcomes)}"))
        ts.next()
        for done in range(profiles):
            if ts.peek().kind == EOF:
                raise ts.error(f"the file ends after {done} of {profiles} outcome indices",
                               ts.peek())
            index, token = ts.expect_int("an outcome index")
            if index >= len(outcomes):
                raise ts.error(f"unknown outcome {index} (the file defines "
                               f"{len(outcomes) - 1})", token)
            flat.extend(outcomes[index])
    elif ts.peek().kind == NUMBER:  # payoff version
        for done in range(profiles * n):
            token = ts.next()
            if token.kind != NUMBER:
                if token.kind == EOF:
                    raise ts.error(f"the file ends after {done} of {profiles * n} payoffs "
                                   f"({profiles} profiles x {n} players)", token)
                raise ts.error(f"expected a payoff (a number), found {describe(token)}", token)
            flat.append(ts.to_fraction(token))
    else:
        token = ts.next()
        raise ts.error(f"expected payoffs or an outcome list, found {describe(token)}", token)
    extra = ts.next()
    if extra.kind != EOF:
        raise ts.error(f"unexpected {describe(extra)} after the last payoff", extra)
    payoffs = np.empty(len(flat), dtype=object)
    payoffs[:] = flat
    if not exact:
        payoffs = _floats(payoffs)
    return _normal_form(ts, players, strategies, payoffs.reshape(shape, order="F"), title)


def _bulk_payoffs(text: str, start: int, count: int) -> Rationals | None:
    """The ``count`` payoffs from offset ``start`` to the end of ``text`` read in bulk
    (:func:`~alliance_games.model.gambit_numbers.read_number_text`, else
    :func:`~alliance_games.model.gambit_numbers.read_numbers` on the tokens), or ``None``: other
    tokens, another count or numbers to read one by one (the general reader then reads them, or
    says what is wrong where)."""
    body = text[start:]
    found = read_number_text(body, count)
    if found is not None:
        return found
    tokens = body.split()
    return read_numbers(tokens) if len(tokens) == count else None


def _floats(values: np.ndarray) -> np.ndarray:
    """Exact numbers as the nearest floats; those beyond the float range as infinities."""
    out = np.empty(values.shape, dtype=float)
    flat = out.reshape(-1)
    for k, value in enumerate(values.reshape(-1).tolist()):
        try:
            flat[k] = float(value)
        except OverflowError:
            flat[k] = float("inf") if value > 0 else float("-inf")
    return out


def _normal_form(ts: TokenStream, players: tuple[str, ...], strategies: list[tuple[str, ...]],
                 payoffs: np.ndarray, title: str,
                 integers: np.ndarray | None = None) -> NormalFormGame:
    try:
        if integers is not None:
            return NormalFormGame.with_integer_payoffs(players, tuple(strategies), payoffs,
                                                       integers, title=title)
        return NormalFormGame(players, tuple(strategies), payoffs, title=title)
    except GameError as exc:  # pragma: no cover - labels are made unique above
        raise GambitFormatError(str(exc), path=ts.path) from None


class _EfgReader:
    """State of one ``.efg`` parse: information sets, outcomes and the open nodes."""

    def __init__(self, ts: TokenStream, players: tuple[str, ...]) -> None:
        self.ts = ts
        self.players = players
        self.infosets: dict[tuple[int, int], tuple[tuple[Any, ...], str, tuple[str, ...], int]] = {}
        self.chance: dict[int, tuple[tuple[Any, ...], tuple[str, ...], Payoffs, int]] = {}
        self.outcomes: dict[int, tuple[str, Payoffs]] = {}
        self.names: set[str] = set()

    def _description(self, chance: bool) -> tuple[tuple[Any, ...], tuple[str, ...], Payoffs, int]:
        """Read ``TEXT "{" actions "}"``; return the raw key, actions, probabilities, offset."""
        ts = self.ts
        label = ts.next()
        ts.expect(LBRACE, "'{' opening the action list")
        actions: list[str] = []
        probs: list[Fraction] = []
        while ts.peek().kind != RBRACE:
            actions.append(ts.expect_text("an action label or '}'"))
            if chance:
                token = ts.expect(NUMBER, f"the probability of chance action {actions[-1]!r}")
                probs.append(ts.to_fraction(token))
                if probs[-1] < 0:
                    raise ts.error(f"chance action {shown(actions[-1])} has negative probability "
                                   f"{shown_number(token.value)}", token)
        close = ts.next()
        if not actions:
            raise ts.error("an information set needs at least one action", close)
        if chance and sum(probs) != 1:
            raise ts.error(f"chance probabilities sum to {shown_number(sum(probs))}, not 1 "
                           "(write them as fractions, such as 1/3, to make them exact)", close)
        key = (label.value, tuple(actions), tuple(probs))
        return key, unique_labels(actions, str), tuple(probs), label.pos

    def chance_infoset(self) -> tuple[tuple[str, ...], Payoffs]:
        ts = self.ts
        cid, token = ts.expect_int("a chance information set id", minimum=1)
        known = self.chance.get(cid)
        if ts.peek().kind == TEXT:
            first = ts.peek()
            key, actions, probs, line = self._description(chance=True)
            if known is None:
                known = self.chance[cid] = (key, actions, probs, line)
            elif known[0] != key:
                raise ts.error(f"chance information set {cid} is described differently than on "
                               f"line {line_of(ts.text, known[3])}", first)
        elif known is None:
            raise ts.error(f"chance information set {cid} is used before it is defined (its "
                           "first use must give its label and actions)", token)
        return known[1], known[2]

    def player_infoset(self, player: int) -> tuple[str, tuple[str, ...]]:
        ts = self.ts
        iid, token = ts.expect_int("an information set id", minimum=1)
        known = self.infosets.get((player, iid))
        if ts.peek().kind == TEXT:
            first = ts.peek()
            key, actions, _, line = self._description(chance=False)
            if known is None:
                name = infoset_name(key[0], self.players[player], iid, self.names)
                known = self.infosets[(player, iid)] = (key, name, actions, line)
            elif known[0] != key:
                raise ts.error(f"information set {iid} of player {player + 1} is described "
                               f"differently (other label or actions) than on line "
                               f"{line_of(ts.text, known[3])}",
                               first)
        elif known is None:
            raise ts.error(f"information set {iid} of player {player + 1} is used before it is "
                           "defined (its first use must give its label and actions)", token)
        return known[1], known[2]

    def outcome(self) -> tuple[str, Payoffs | None]:
        ts = self.ts
        oid, token = ts.expect_int("an outcome id")
        if ts.peek().kind == TEXT:
            if oid == 0:
                raise ts.error("outcome 0 means 'no outcome' and cannot have a label or payoffs",
                               token)
            label = ts.next().value
            ts.expect(LBRACE, f"'{{' opening the payoffs of outcome {oid}")
            payoffs = ts.payoffs(len(self.players), f"outcome {oid}")
            known = self.outcomes.setdefault(oid, (label, payoffs))
            if known != (label, payoffs):
                raise ts.error(f"outcome {oid} is redefined with a different label or payoffs",
                               token)
            return label, payoffs
        if oid == 0:
            return "", None
        if oid not in self.outcomes:
            raise ts.error(f"unknown outcome {oid} (its first use must give its label and "
                           "payoffs)", token)
        return self.outcomes[oid]


def _parse_efg(ts: TokenStream, exact: bool = True) -> GameTree:
    title, players = ts.header("EFG", "2", ("R",))
    if ts.peek().kind == TEXT:
        ts.next()  # the comment
    max_nodes = MAX_TREE_PAYOFFS // len(players)
    bulk = read_tree_bulk(ts.text, ts.peek().pos, players, title, exact=exact,
                          max_nodes=max_nodes)
    if bulk is not None:
        return bulk
    reader = _EfgReader(ts, players)
    builder = TreeBuilder(players, exact=True, title=title)
    zero = [Fraction(0)] * len(players)
    # open nodes whose children are still to come: [node, actions, probabilities, children read]
    stack: list[list[Any]] = []
    count = 0
    while True:
        token = ts.next()
        if token.kind == EOF:
            if count == 0:
                raise ts.error("the file has no nodes", token)
            if stack:
                node, actions, _, done = stack[-1]
                raise ts.error(f"the file ends before the tree is complete (node {node + 1} "
                               f"still needs {len(actions) - done} more children)", token)
            break
        if count and not stack:
            raise ts.error(f"unexpected {describe(token)} after the last node of the tree", token)
        if token.kind != SYMBOL or token.value not in ("c", "p", "t"):
            raise ts.error(f"expected a node ('c', 'p' or 't'), found {describe(token)}", token)
        if count >= max_nodes:
            raise ts.error(f"the tree has more than {max_nodes:,} nodes, too many for "
                           f"{len(players)} players", token)
        label = ts.expect_text("the node label")
        parent, action, prob = -1, None, None
        if stack:
            top = stack[-1]
            parent, action = top[0], top[1][top[3]]
            prob = top[2][top[3]] if top[2] is not None else None
            top[3] += 1
        if token.value == "c":
            actions, probs = reader.chance_infoset()
            out_label, payoffs = reader.outcome()
            node = builder.add_chance(parent, action, label=label, payoffs=payoffs,
                                      outcome=out_label, prob=prob)
            stack.append([node, actions, probs, 0])
        elif token.value == "p":
            player = ts.expect_int("a player number", minimum=1, maximum=len(players))[0] - 1
            name, actions = reader.player_infoset(player)
            out_label, payoffs = reader.outcome()
            node = builder.add_decision(parent, action, player=player, infoset=name,
                                        actions=actions, label=label, payoffs=payoffs,
                                        outcome=out_label, prob=prob)
            stack.append([node, actions, None, 0])
        else:
            out_label, payoffs = reader.outcome()
            builder.add_terminal(parent, action, payoffs=zero if payoffs is None else payoffs,
                                 label=label, outcome=out_label, prob=prob)
        count += 1
        while stack and stack[-1][3] == len(stack[-1][1]):
            stack.pop()
    try:
        tree = builder.build()
    except GameError as exc:  # pragma: no cover - the parse already checks what build checks
        raise GambitFormatError(str(exc), path=ts.path) from None
    if exact:
        return tree
    return tree._replace(node_payoffs=_floats(tree.node_payoffs), edge_prob=_floats(tree.edge_prob))


# ---- writing -----------------------------------------------------------------------------------
def _quote(text: str) -> str:
    """``text`` as a Gambit TEXT token (``"`` escaped as ``\\"`` and ``\\`` as ``\\\\``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: Any) -> str:
    """An exact number (int, Fraction) as ``n`` or ``n/d``; a float in plain decimal notation."""
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float | np.floating) and np.isfinite(value):
        text = format(Decimal(repr(float(value))), "f")
        return text[:-2] if text.endswith(".0") else text
    raise GambitFormatError(f"cannot write {shown(value)} as a Gambit number")


def write_nfg(game: NormalFormGame) -> str:
    """The payoff version of ``game`` as ``.nfg`` text, with explicit strategy labels.

    Profiles are listed with player 1's strategy varying fastest, one profile per line.
    """
    players = " ".join(_quote(p) for p in game.players)
    groups = " ".join("{ " + " ".join(_quote(s) for s in labels) + " }"
                      for labels in game.strategies)
    lines = [f"NFG 1 R {_quote(game.title)} {{ {players} }}", f"{{ {groups} }}", '""', ""]
    flat = game.payoffs.reshape(-1, order="F")
    n = game.num_players
    lines.extend(" ".join(_number(x) for x in flat[k : k + n]) for k in range(0, flat.size, n))
    return "\n".join(lines) + "\n"


def _chance_probs(values: Sequence[Any]) -> list[str]:
    """Probabilities as exact text; float ones are adjusted (by < 1e-9) to sum exactly to 1."""
    if all(isinstance(v, Fraction | int) for v in values):
        return [_number(v) for v in values]
    exact = [Fraction(_number(v)) for v in values]
    gap = 1 - sum(exact, Fraction(0))
    if gap and abs(gap) < Fraction(1, 10**9) and exact[-1] + gap >= 0:
        exact[-1] += gap
    return [_number(v) for v in exact]


def write_efg(tree: GameTree) -> str:
    """``tree`` as ``.efg`` text: one node per line in pre-order.

    Information sets are numbered per player in order of first appearance and described at their
    first node only; every chance node gets its own chance information set; every node with
    ``tree.has_payoff`` set gets its own outcome, numbered in order.
    """
    players = " ".join(_quote(p) for p in tree.players)
    lines = [f"EFG 2 R {_quote(tree.title)} {{ {players} }}", '""', ""]
    infoset_ids: dict[int, int] = {}
    per_player = [0] * tree.num_players
    chance_id = outcome_id = 0
    has_payoff = tree.has_payoff if tree.has_payoff is not None else tree.kind == 0
    for node in range(tree.num_nodes):
        kind = int(tree.kind[node])
        label = _quote(tree.node_label[node])
        if kind == CHANCE:
            chance_id += 1
            edges = tree.edges(node)
            probs = _chance_probs([tree.edge_prob[e] for e in edges])
            body = " ".join(f"{_quote(tree.edge_label[e])} {p}" for e, p in zip(edges, probs,
                                                                                strict=True))
            head = f'c {label} {chance_id} "" {{ {body} }}'
        elif kind == DECISION:
            k = int(tree.node_infoset[node])
            infoset = tree.infosets[k]
            if k in infoset_ids:
                head = f"p {label} {infoset.player + 1} {infoset_ids[k]}"
            else:
                per_player[infoset.player] += 1
                infoset_ids[k] = per_player[infoset.player]
                actions = " ".join(_quote(a) for a in infoset.actions)
                head = (f"p {label} {infoset.player + 1} {infoset_ids[k]} "
                        f"{_quote(infoset.name)} {{ {actions} }}")
        else:
            head = f"t {label}"
        if has_payoff[node]:
            outcome_id += 1
            payoffs = ", ".join(_number(x) for x in tree.node_payoffs[node])
            lines.append(f"{head} {outcome_id} {_quote(tree.outcome_label[node])} "
                         f"{{ {payoffs} }}")
        else:
            lines.append(f"{head} 0")
    return "\n".join(lines) + "\n"
