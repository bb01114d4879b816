"""What an equilibrium looks like in numbers, and the quantities a sweep reports or a threshold
watches.

One equilibrium is summarised (:func:`summarise`) by

* ``outcomes``: the probability of every outcome reached, a tree's terminals by name
  (``In/Fight``) or a normal form's pure profiles (``Firm,Loose``);
* ``tags``: the probability of every outcome tag the model declares (0 when never met);
* ``payoffs``: every player's expected payoff;
* ``actions``: per player and action label, the probability that the player takes the action in
  the play (normal forms: the mixed strategy's weight; trees: ``sum_e reach(e)`` over the edges
  with that label at the player's nodes, i.e. the expected number of times it is taken);
* ``behaviour``: per information set (trees) or player (normal forms), the probability of each
  action where it is taken, conditional on getting there.

A :class:`Quantity` names one number of a summary, written ``outcome:LABEL``, ``tag:NAME``,
``action:PLAYER:ACTION`` (on the play), ``action:INFOSET:ACTION`` (behaviour at an information
set), ``payoff:PLAYER``, or ``count`` (the number of equilibria, a property of the whole set).
:class:`Vocabulary` lists what a model offers and turns a written quantity into one, with a
clear error naming the choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.errors import ParameterError
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import edge_weights, realization, tag_probabilities
from alliance_games.games.tree import DECISION, GameTree
from alliance_games.solvers.result import Equilibrium

Number = Fraction | float
KINDS = ("outcome", "tag", "action", "payoff", "count")
SHOWN = 12  # names listed in an error message


@dataclass(frozen=True)
class Quantity:
    """One watched number: ``kind`` with its ``subject`` (outcome, tag, player or information
    set) and, for actions, the ``action`` label."""

    kind: str
    subject: str = ""
    action: str = ""

    @property
    def spec(self) -> str:
        """The quantity as written on the command line."""
        return ":".join(p for p in (self.kind, self.subject, self.action) if p)

    @property
    def per_equilibrium(self) -> bool:
        """Whether each equilibrium has its own value (``count`` belongs to the whole set)."""
        return self.kind != "count"

    def __str__(self) -> str:
        return self.spec


@dataclass(frozen=True)
class Summary:
    """One equilibrium in numbers (see the module docstring)."""

    outcomes: dict[str, Number]
    tags: dict[str, Number]
    payoffs: dict[str, Number]
    actions: dict[str, dict[str, Number]]
    behaviour: dict[str, dict[str, Number]]

    def value(self, quantity: Quantity) -> Number:
        """The summary's value of a per-equilibrium ``quantity`` (0 for an unreached outcome)."""
        zero = Fraction(0)
        if quantity.kind == "outcome":
            return self.outcomes.get(quantity.subject, zero)
        if quantity.kind == "tag":
            return self.tags.get(quantity.subject, zero)
        if quantity.kind == "payoff":
            return self.payoffs[quantity.subject]
        if quantity.kind == "action":
            table = self.actions if quantity.subject in self.actions else self.behaviour
            return table[quantity.subject].get(quantity.action, zero)
        raise ValueError(f"{quantity.spec} is not a quantity of one equilibrium")


def summarise(game: NormalFormGame | GameTree, eq: Equilibrium) -> Summary:
    """The numbers of one equilibrium of ``game`` (see the module docstring)."""
    if isinstance(game, GameTree):
        return _tree_summary(game if eq.exact else game.to_float(), eq)
    return _normal_form_summary(game, eq)


def _tree_summary(tree: GameTree, eq: Equilibrium) -> Summary:
    number: Any = Fraction if eq.exact else float
    weights = edge_weights(tree, list(eq.strategies))
    reach = realization(tree, weights)
    outcomes = {tree.node_name(int(t)): number(reach[t]) for t in tree.terminals
                if reach[t] != 0}
    tags = {t: number(p) for t, p in tag_probabilities(tree, reach).items()}
    payoffs = {p: number(v) for p, v in zip(tree.players, reach @ tree.node_payoffs,
                                             strict=True)}
    zero: Number = Fraction(0) if eq.exact else 0.0
    actions: dict[str, dict[str, Number]] = {p: {} for p in tree.players}
    behaviour: dict[str, dict[str, Number]] = {}
    for k, infoset in enumerate(tree.infosets):
        own = actions[tree.players[infoset.player]]
        behaviour[infoset.name] = {a: number(x) for a, x in zip(infoset.actions, eq.strategies[k],
                                                                 strict=True)}
        for a in infoset.actions:
            own.setdefault(a, zero)
    parents = tree.edge_parent
    for e in np.flatnonzero(tree.kind[parents] == DECISION):
        player = tree.players[tree.infosets[int(tree.node_infoset[parents[e]])].player]
        label = str(tree.edge_label[e])
        actions[player][label] = number(actions[player][label] + reach[tree.child_index[e]])
    return Summary(outcomes, tags, payoffs, actions, behaviour)


def _normal_form_summary(game: NormalFormGame, eq: Equilibrium) -> Summary:
    number: Any = Fraction if eq.exact else float
    joint: Any = np.asarray(eq.strategies[0], dtype=object)
    for dist in eq.strategies[1:]:
        joint = np.multiply.outer(joint, np.asarray(dist, dtype=object))
    zero: Number = Fraction(0) if eq.exact else 0.0
    outcomes: dict[str, Number] = {}
    tags: dict[str, Number] = dict.fromkeys(normal_form_tags(game), zero)
    for index in zip(*np.nonzero(np.asarray(joint != 0, dtype=bool)), strict=True):
        prob = number(joint[index])
        outcomes[",".join(game.strategies[i][k] for i, k in enumerate(index))] = prob
        for tag in game.tags.get(tuple(int(k) for k in index), ()):
            tags[tag] = number(tags[tag] + prob)
    payoffs = {p: number(v) for p, v in zip(game.players, eq.payoffs, strict=True)}
    actions = {p: {s: number(x) for s, x in zip(game.strategies[i], eq.strategies[i],
                                                 strict=True)}
               for i, p in enumerate(game.players)}
    return Summary(outcomes, tags, payoffs, actions, actions)


def normal_form_tags(game: NormalFormGame) -> tuple[str, ...]:
    """Every outcome tag of a normal form, sorted."""
    return tuple(sorted({t for tags in game.tags.values() for t in tags}))


@dataclass(frozen=True)
class Vocabulary:
    """The names a model's quantities may use."""

    players: tuple[str, ...]
    outcomes: tuple[str, ...]
    tags: tuple[str, ...]
    actions: dict[str, tuple[str, ...]]  # player -> action labels
    infosets: dict[str, tuple[str, ...]]  # information set (trees) -> action labels

    @classmethod
    def of(cls, game: NormalFormGame | GameTree) -> Vocabulary:
        """What ``game`` (any instance of the model) offers."""
        if isinstance(game, NormalFormGame):
            outcomes = tuple(",".join(game.strategies[i][k] for i, k in enumerate(index))
                             for index in np.ndindex(*game.shape))
            actions = {p: tuple(game.strategies[i]) for i, p in enumerate(game.players)}
            return cls(tuple(game.players), outcomes, normal_form_tags(game), actions, {})
        labels: dict[str, dict[str, None]] = {p: {} for p in game.players}
        for infoset in game.infosets:
            labels[game.players[infoset.player]].update(dict.fromkeys(infoset.actions))
        return cls(tuple(game.players), tuple(game.node_name(int(t)) for t in game.terminals),
                   tuple(game.tag_names), {p: tuple(a) for p, a in labels.items()},
                   {s.name: tuple(s.actions) for s in game.infosets})

    def examples(self) -> str:
        """A few quantities this model offers, for error messages."""
        found = [f"outcome:{self.outcomes[0]}" if self.outcomes else "",
                 f"tag:{self.tags[0]}" if self.tags else "",
                 next((f"action:{p}:{a[0]}" for p, a in self.actions.items() if a), ""),
                 f"payoff:{self.players[0]}" if self.players else "", "count"]
        return ", ".join(f for f in found if f)

    def parse(self, spec: str) -> Quantity:
        """The quantity written ``spec``; unknown kinds or names are a :class:`ParameterError`
        listing what the model offers."""
        kind, _, rest = spec.strip().partition(":")
        if kind not in KINDS:
            raise ParameterError(f"--watch {spec!r}: a quantity is outcome:LABEL, tag:NAME, "
                                 "action:PLAYER:ACTION, payoff:PLAYER or count (this model: "
                                 f"{self.examples()})")
        if kind == "count":
            if rest:
                raise ParameterError(f"--watch {spec!r}: count takes no name")
            return Quantity("count")
        if kind == "outcome":
            return Quantity(kind, _member(spec, rest, self.outcomes, "outcomes"))
        if kind == "tag":
            return Quantity(kind, _member(spec, rest, self.tags, "outcome tags"))
        if kind == "payoff":
            return Quantity(kind, _member(spec, rest, self.players, "players"))
        owner, sep, action = rest.rpartition(":")
        if not sep:
            raise ParameterError(f"--watch {spec!r}: write action:PLAYER:ACTION (or "
                                 "action:INFORMATION_SET:ACTION)")
        if owner in self.actions:
            return Quantity(kind, owner, _member(spec, action, self.actions[owner],
                                                 f"actions of {owner}"))
        if owner in self.infosets:
            return Quantity(kind, owner, _member(spec, action, self.infosets[owner],
                                                 f"actions at {owner}"))
        return Quantity(kind, _member(spec, owner, self.players, "players (or information "
                                                                 "sets)"), action)


def _member(spec: str, name: str, names: tuple[str, ...], what: str) -> str:
    if name in names:
        return name
    if not names:
        raise ParameterError(f"--watch {spec!r}: this model has no {what}")
    listed = ", ".join(names[:SHOWN]) + (f", ... ({len(names)} in all)"
                                         if len(names) > SHOWN else "")
    raise ParameterError(f"--watch {spec!r}: unknown name {name!r} ({what}: {listed})")
