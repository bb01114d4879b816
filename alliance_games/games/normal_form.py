"""N-player games in normal (strategic) form.

A game with players ``0..N-1`` where player ``i`` has ``m_i`` strategies is stored as one payoff
tensor ``payoffs`` of shape ``(N, m_0, ..., m_{N-1})``: ``payoffs[i][s]`` is player ``i``'s payoff at
pure profile ``s``. Exact games hold :class:`fractions.Fraction` in an ``object`` array; float
games hold ``float64``. No sympy objects live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from math import lcm
from typing import Any

import numpy as np

from alliance_games.errors import GameError
from alliance_games.games.object_ids import distinct_objects
from alliance_games.games.rational import object_array

Number = Fraction | float


def as_exact_array(values: Any) -> np.ndarray:
    """Convert numbers (ints, Fractions, decimal strings, floats) to an object array of Fractions.

    Floats are converted exactly as binary floats would be ambiguous: a float must be given as a
    decimal string or a Fraction to be read exactly; plain floats go through ``repr`` so that
    ``0.1`` becomes ``1/10``.
    """
    array = np.asarray(values, dtype=object)
    flat = array.ravel().tolist()
    if not set(map(type, flat)) <= {Fraction}:  # Fractions are kept as they are
        ints: dict[int, Fraction] = {}  # each int converted once
        converted: list[Any] = []
        append = converted.append
        for value in flat:
            kind = type(value)
            if kind is Fraction:
                append(value)
            elif kind is int:
                found = ints.get(value)
                append(found if found is not None else ints.setdefault(value, Fraction(value)))
            else:
                append(_to_fraction(value))
        flat = converted
    if array.ndim == 0:
        return np.array(flat[0], dtype=object)
    return object_array(flat, array.shape)


def _to_fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise GameError(f"expected a number, got {value!r}")
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            raise GameError(f"payoff {value} is not finite")
        return Fraction(repr(float(value)))
    if isinstance(value, str):
        return Fraction(value)
    try:  # sympy Rational and friends
        return Fraction(int(value.p), int(value.q))
    except AttributeError:
        raise GameError(f"expected a rational number, got {value!r}") from None


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A finite N-player game in normal form.

    Attributes
    ----------
    players:
        Player names, in order.
    strategies:
        ``strategies[i]`` are player ``i``'s strategy labels.
    payoffs:
        Tensor of shape ``(N, m_0, ..., m_{N-1})``; ``object`` dtype of Fractions when exact.
    tags:
        Optional outcome tags per pure profile (e.g. ``("abandonment:p2",)``), keyed by the
        profile's index tuple.
    title:
        A human-readable title.
    """

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: np.ndarray
    tags: dict[tuple[int, ...], tuple[str, ...]] = field(default_factory=dict)
    title: str = ""

    def __post_init__(self) -> None:
        n = len(self.players)
        if n < 1:
            raise GameError("a game needs at least one player")
        if len(self.strategies) != n:
            raise GameError(f"{n} players but strategies for {len(self.strategies)}")
        shape = (n, *(len(s) for s in self.strategies))
        if any(len(s) == 0 for s in self.strategies):
            raise GameError("every player needs at least one strategy")
        if self.payoffs.shape != shape:
            raise GameError(f"payoff tensor has shape {self.payoffs.shape}, expected {shape}")
        for i, labels in enumerate(self.strategies):
            if len(set(labels)) != len(labels):
                raise GameError(f"player {self.players[i]!r} has duplicate strategy labels")
        if len(set(self.players)) != n:
            raise GameError("player names must be distinct")
        if self.exact and self.payoffs.size <= EAGER_SCALING and "integer_payoffs" not in self.__dict__:
            self.__dict__["integer_payoffs"] = scaled_integers(self.payoffs)

    @cached_property
    def integer_payoffs(self) -> np.ndarray | None:
        """Exact payoffs times their common denominator, as ``int64`` (``None`` if they do not fit
        or the game is in floats). Comparisons of one player's payoffs are unchanged by the
        positive factor, so exact solvers compare machine integers. Built with the game when it
        has at most ``EAGER_SCALING`` entries, so that solving pays no conversion."""
        return scaled_integers(self.payoffs) if self.exact else None

    @classmethod
    def with_integer_payoffs(cls, players: tuple[str, ...], strategies: tuple[tuple[str, ...], ...],
                             payoffs: np.ndarray, integers: np.ndarray, title: str = ""
                             ) -> NormalFormGame:
        """The exact game of ``payoffs`` (Fractions) when the caller already holds
        :attr:`integer_payoffs` (``payoffs`` times the least common denominator of their reduced
        fractions, ``int64``, every entry below ``2^62``), as a reader of integers does: the
        conversion is then not made again."""
        game = cls.__new__(cls)
        game.__dict__["integer_payoffs"] = integers
        cls.__init__(game, players, strategies, payoffs, title=title)
        return game

    @classmethod
    def from_arrays(
        cls,
        *arrays: Any,
        players: Sequence[str] | None = None,
        strategies: Sequence[Sequence[str]] | None = None,
        exact: bool = True,
        title: str = "",
    ) -> NormalFormGame:
        """Build a game from one payoff array per player (each of shape ``(m_0, ..., m_{N-1})``)."""
        stacked = np.stack([np.asarray(a, dtype=object) for a in arrays])
        payoffs = as_exact_array(stacked) if exact else np.asarray(stacked, dtype=float)
        n = len(arrays)
        names = tuple(players) if players else tuple(str(i + 1) for i in range(n))
        labels = (
            tuple(tuple(s) for s in strategies)
            if strategies
            else tuple(tuple(str(k + 1) for k in range(m)) for m in stacked.shape[1:])
        )
        return cls(names, labels, payoffs, title=title)

    @property
    def num_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return tuple(self.payoffs.shape[1:])

    @property
    def exact(self) -> bool:
        """True when payoffs are exact Fractions."""
        return self.payoffs.dtype == object

    @property
    def num_profiles(self) -> int:
        return int(np.prod(self.shape))

    def to_float(self) -> NormalFormGame:
        """The same game with float payoffs."""
        if not self.exact:
            return self
        return NormalFormGame(
            self.players, self.strategies, self.payoffs.astype(float), dict(self.tags), self.title
        )

    def to_exact(self) -> NormalFormGame:
        """The same game with Fraction payoffs (floats read through their shortest repr)."""
        if self.exact:
            return self
        return NormalFormGame(
            self.players, self.strategies, as_exact_array(self.payoffs), dict(self.tags), self.title
        )

    def payoff_range(self) -> float:
        """Largest minus smallest payoff over all players and profiles (1 for constant games)."""
        values = self.payoffs.astype(float)
        spread = float(values.max() - values.min()) if values.size else 0.0
        return spread if spread > 0 else 1.0

    def expected_payoffs(self, profile: Sequence[np.ndarray]) -> np.ndarray:
        """Expected payoff of every player under a mixed profile (one distribution per player).

        Computed by contracting the payoff tensor with each player's distribution in turn; exact
        when both the game and the profile are exact.
        """
        values = self.payoffs
        for dist in reversed(profile):
            values = values @ np.asarray(dist, dtype=values.dtype)
        return values

    def deviation_payoffs(self, profile: Sequence[np.ndarray], player: int) -> np.ndarray:
        """Payoff to ``player`` of each of its pure strategies against the others' mixtures."""
        values = np.moveaxis(self.payoffs[player], player, -1)
        others = [d for k, d in enumerate(profile) if k != player]
        for dist in others:
            values = np.tensordot(np.asarray(dist, dtype=values.dtype), values, axes=(0, 0))
        return np.asarray(values)


EAGER_SCALING = 1_000_000


def scaled_integers(payoffs: np.ndarray, *, scale: bool = True, bound: int = 2**62
                    ) -> np.ndarray | None:
    """Exact payoffs (ints and Fractions) times the least common denominator ``d`` of their
    reduced fractions, as ``int64``; ``None`` when an entry is of another type, some scaled
    entry reaches ``bound`` in absolute value, or (``scale=False``) ``d > 1``: the payoffs as
    integers, unscaled. Each distinct number object is read once (games repeat a few objects
    over many profiles, trees over many copies of a subtree)."""
    values = payoffs.ravel().tolist()
    if not all(issubclass(kind, Fraction | int) for kind in set(map(type, values))):
        return None
    first, inverse = distinct_objects(values)
    distinct = [values[k] for k in first.tolist()]
    d = lcm(*(Fraction(v).denominator for v in distinct)) if distinct else 1
    if d != 1 and not scale:
        return None
    ints = [int(v * d) for v in distinct] if d != 1 else [int(v) for v in distinct]
    if ints and max(map(abs, ints)) >= bound:
        return None
    return np.array(ints, dtype=np.int64)[inverse.reshape(-1)].reshape(payoffs.shape)
