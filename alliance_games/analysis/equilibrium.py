"""Equilibria described in the field's terms: labelled profiles, payoffs and outcome distributions.

:func:`describe` turns a :class:`SolverResult` into plain records whose keys are labels (players,
strategies, ``"<information set>:<action>"``) and whose values are exact Fractions or floats;
renderers only format them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance_games.analysis.assessments import Assessment, assessments
from alliance_games.analysis.reached import PathProfile, path_profile
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.profiles import (
    edge_weights,
    reach_probabilities,
    tag_probabilities,
    terminal_probabilities,
)
from alliance_games.games.pure_behaviour import PureBehaviour
from alliance_games.games.tree import GameTree
from alliance_games.solvers.result import Equilibrium, SolverResult

Number = Fraction | float


Profile = dict[str, dict[str, Number]]


class _Pending:
    """A value computed when first read (:class:`_ComputedOnUse`); pickled as that value."""

    def __init__(self, compute: Callable[[], Profile]) -> None:
        self.compute = compute

    def __reduce__(self) -> tuple[Callable[[Profile], Profile], tuple[Profile]]:
        return _same, (self.compute(),)


def _same(value: Profile) -> Profile:
    return value


class _ComputedOnUse:
    """A dataclass field given its value or a :class:`_Pending` one, computed (once) when the
    field is first read: a large tree's labelled profile is built only if something shows it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, record: object, owner: type | None = None) -> Profile:
        if record is None:
            raise AttributeError(self.slot)  # the dataclass field has no default
        value = record.__dict__[self.slot]
        if isinstance(value, _Pending):
            value = record.__dict__[self.slot] = value.compute()
        return value  # type: ignore[no-any-return]

    def __set__(self, record: object, value: Profile | _Pending) -> None:
        record.__dict__[self.slot] = value


@dataclass(frozen=True)
class EquilibriumRecord:
    """One equilibrium, labelled. A tree's ``profile`` is labelled when first read (tables of
    large trees show ``on_path`` only)."""

    if TYPE_CHECKING:
        profile: Profile
    else:  # given a _Pending profile, describe_one's trees label it only when it is read
        profile: _ComputedOnUse = _ComputedOnUse()
    payoffs: dict[str, Number]
    max_regret: Number
    exact: bool
    outcome_distribution: dict[str, Number]
    assessment: Assessment | None = None
    """Beliefs and refinements (perfect Bayesian equilibria only)."""
    on_path: PathProfile | None = None
    """Trees: the behaviour at the information sets play reaches (what large tables show)."""


def describe(result: SolverResult) -> list[EquilibriumRecord]:
    """Labelled records of every equilibrium in ``result``, with their assessments (``pbe``)."""
    records = [describe_one(result.game, eq) for eq in result.equilibria]
    found = assessments(result)
    if found is None:
        return records
    return [replace(r, assessment=a) for r, a in zip(records, found, strict=True)]


def describe_one(game: NormalFormGame | GameTree, eq: Equilibrium) -> EquilibriumRecord:
    on_path = None
    profile: Any  # a Profile, or a _Pending one (EquilibriumRecord.profile)
    if isinstance(game, GameTree):
        profile = _Pending(lambda: _tree_profile(game, eq))
        tree = game if eq.exact else game.to_float()
        behaviour = eq.strategies  # a flat pure profile is weighed at once
        reach = reach_probabilities(tree, edge_weights(
            tree, behaviour if isinstance(behaviour, PureBehaviour) else list(behaviour)))
        outcomes = _tree_distribution(tree, reach)
        on_path = path_profile(tree, _set_values(eq), reach)
    else:
        profile = {
            player: dict(zip(game.strategies[i], _values(eq.strategies[i]), strict=True))
            for i, player in enumerate(game.players)
        }
        outcomes = _normal_form_distribution(game, eq)
    payoffs = dict(zip(game.players, _values(eq.payoffs), strict=True))
    return EquilibriumRecord(profile, payoffs, eq.max_regret, eq.exact, outcomes, on_path=on_path)


def _values(array: np.ndarray) -> list[Number]:
    items = array.tolist() if isinstance(array, np.ndarray) else list(array)
    if set(map(type, items)) <= {Fraction}:
        return items
    return [v if isinstance(v, Fraction) else float(v) for v in items]


def _set_values(eq: Equilibrium) -> Callable[[int], list[Number]]:
    """The probabilities of information set ``k``'s actions, in order, as ``profile`` holds
    them (:func:`_tree_profile`)."""
    behaviour = eq.strategies
    if isinstance(behaviour, PureBehaviour):
        one, zero = (Fraction(1), Fraction(0)) if behaviour.exact else (1.0, 0.0)
        actions, widths = behaviour.actions.tolist(), behaviour.widths.tolist()
        return lambda k: [one if a == actions[k] else zero for a in range(widths[k])]
    return lambda k: _values(behaviour[k])


def _tree_profile(tree: GameTree, eq: Equilibrium) -> dict[str, dict[str, Number]]:
    if isinstance(eq.strategies, PureBehaviour):
        return _pure_tree_profile(tree, eq.strategies)
    profile: dict[str, dict[str, Number]] = {p: {} for p in tree.players}
    for k, (infoset, labels) in enumerate(zip(tree.infosets, tree.action_labels, strict=True)):
        profile[tree.players[infoset.player]].update(
            zip(labels, _values(eq.strategies[k]), strict=True))
    return profile


def _pure_tree_profile(tree: GameTree, pure: PureBehaviour) -> dict[str, dict[str, Number]]:
    """:func:`_tree_profile` of a pure profile, made from its chosen actions at once: every
    player's labels in set order, 1 at the chosen action and 0 elsewhere (the profile's own
    type: Fraction when exact, else float)."""
    one, zero = (Fraction(1), Fraction(0)) if pure.exact else (1.0, 0.0)
    offsets = np.zeros(len(pure) + 1, dtype=np.int64)
    np.cumsum(pure.widths, out=offsets[1:])
    chosen = np.zeros(int(offsets[-1]), dtype=bool)
    chosen[offsets[:-1] + pure.actions] = True
    values = list(map((zero, one).__getitem__, chosen.tolist()))  # shared 0 and 1 objects
    bounds = offsets.tolist()
    owned: list[list[int]] = [[] for _ in tree.players]
    for k, infoset in enumerate(tree.infosets):
        owned[infoset.player].append(k)
    labels = tree.action_labels
    profile: dict[str, dict[str, Number]] = {}
    for player, sets in zip(tree.players, owned, strict=True):
        profile[player] = dict(zip(
            itertools.chain.from_iterable(map(labels.__getitem__, sets)),
            itertools.chain.from_iterable(values[bounds[k]:bounds[k + 1]] for k in sets),
            strict=True))
    return profile


def _tree_distribution(tree: GameTree, reach: np.ndarray) -> dict[str, Number]:
    """Probability of every reached terminal (by name) and of every outcome tag on the path,
    from every node's realization probability ``reach``."""
    result: dict[str, Number] = {}
    for node, prob in terminal_probabilities(tree, reach).items():
        result[tree.node_name(node)] = prob
    result.update({t: p for t, p in tag_probabilities(tree, reach).items() if p != 0})
    return {k: (v if isinstance(v, Fraction) else float(v)) for k, v in result.items()}


def _normal_form_distribution(game: NormalFormGame, eq: Equilibrium) -> dict[str, Number]:
    """Probability of every pure profile played (``"A,B"``) and of every outcome tag."""
    joint: Any = np.asarray(eq.strategies[0], dtype=object)
    for dist in eq.strategies[1:]:
        joint = np.multiply.outer(joint, np.asarray(dist, dtype=object))
    result: dict[str, Any] = {}
    tags: dict[str, Any] = {}
    for index in zip(*np.nonzero(np.asarray(joint != 0, dtype=bool)), strict=True):
        prob = joint[index]
        name = ",".join(game.strategies[i][k] for i, k in enumerate(index))
        result[name] = prob
        for tag in game.tags.get(tuple(int(k) for k in index), ()):
            tags[tag] = tags.get(tag, 0) + prob
    result.update(tags)
    return {k: (v if isinstance(v, Fraction) else float(v)) for k, v in result.items()}
